package dev.slipway.server;

import static dev.slipway.server.MlflowPaths.tracking;
import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.POST;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.slipway.core.logged.LoggedModelMetric;
import dev.slipway.core.logged.LoggedModelOutput;
import dev.slipway.core.logged.LoggedModelService;
import dev.slipway.core.tracking.Dataset;
import dev.slipway.core.tracking.DatasetInput;
import dev.slipway.core.tracking.Metric;
import dev.slipway.core.tracking.Page;
import dev.slipway.core.tracking.Param;
import dev.slipway.core.tracking.Run;
import dev.slipway.core.tracking.RunInfo;
import dev.slipway.core.tracking.RunStatus;
import dev.slipway.core.tracking.Tag;
import dev.slipway.core.tracking.TrackingService;
import dev.slipway.core.tracking.ViewType;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The run endpoints of MLflow's tracking API ({@code runs/*}): lifecycle, search and logging. A metric logged with a
 * {@code model_id} (MLflow 3) is also logged as a metric of that logged model, with its run and dataset.
 */
final class RunRoutes {
    private final TrackingService tracking;
    private final LoggedModelService loggedModels;
    private final RequestReader reader;

    RunRoutes(TrackingService tracking, LoggedModelService loggedModels, RequestReader reader) {
        this.tracking = requireNonNull(tracking, "tracking is null");
        this.loggedModels = requireNonNull(loggedModels, "loggedModels is null");
        this.reader = requireNonNull(reader, "reader is null");
    }

    void register(RoutesConfig routes) {
        tracking(routes, POST, "runs/create", this::create);
        tracking(routes, GET, "runs/get", this::get);
        tracking(routes, POST, "runs/update", this::update);
        tracking(routes, POST, "runs/delete", this::delete);
        tracking(routes, POST, "runs/restore", this::restore);
        tracking(routes, POST, "runs/search", this::search);
        tracking(routes, POST, "runs/log-metric", this::logMetric);
        tracking(routes, POST, "runs/log-parameter", this::logParameter);
        tracking(routes, POST, "runs/log-batch", this::logBatch);
        tracking(routes, POST, "runs/log-inputs", this::logInputs);
        tracking(routes, POST, "runs/set-tag", this::setTag);
        tracking(routes, POST, "runs/delete-tag", this::deleteTag);
    }

    private void create(Context ctx) {
        ApiRequest request = reader.read(ctx);
        Run run = tracking.createRun(request.id("experiment_id"), request.string("user_id"),
                request.string("run_name"), request.int64("start_time"), request.tags("tags"));
        sendRun(ctx, run);
    }

    private void get(Context ctx) {
        Run run = tracking.getRun(reader.read(ctx).requiredRunId());
        List<LoggedModelOutput> outputs = loggedModels.runOutputs(run.info().runId());
        WireFormat.send(ctx, WireFormat.object(generator -> {
            generator.writeFieldName("run");
            WireFormat.run(generator, run, outputs);
        }));
    }

    private void update(Context ctx) {
        ApiRequest request = reader.read(ctx);
        String runId = request.requiredRunId();
        RunInfo info = tracking.updateRun(runId, request.enumValue("status", RunStatus::parse),
                request.int64("end_time"), request.string("run_name"));
        WireFormat.send(ctx, WireFormat.object(generator -> {
            generator.writeFieldName("run_info");
            WireFormat.runInfo(generator, info);
        }));
    }

    private void delete(Context ctx) {
        tracking.deleteRun(reader.read(ctx).requiredRunId());
        WireFormat.sendEmpty(ctx);
    }

    private void restore(Context ctx) {
        tracking.restoreRun(reader.read(ctx).requiredRunId());
        WireFormat.sendEmpty(ctx);
    }

    private void search(Context ctx) {
        ApiRequest request = reader.read(ctx);
        ViewType viewType = request.enumValue("run_view_type", value -> ViewType.parse("run_view_type", value))
                .orElse(ViewType.ACTIVE_ONLY);
        Page<Run> page = tracking.searchRuns(request.ids("experiment_ids"), request.string("filter"), viewType,
                request.int32("max_results"), request.strings("order_by"), request.string("page_token"));
        WireFormat.send(ctx, WireFormat.object(generator -> {
            if (!page.items().isEmpty()) {
                generator.writeArrayFieldStart("runs");
                for (Run run : page.items()) {
                    WireFormat.run(generator, run);
                }
                generator.writeEndArray();
            }
            if (page.nextPageToken().isPresent()) {
                generator.writeStringField("next_page_token", page.nextPageToken().get());
            }
        }));
    }

    private void logMetric(Context ctx) {
        ApiRequest request = reader.read(ctx);
        String runId = request.requiredRunId();
        Metric metric = metric(request);
        Optional<String> modelId = request.string("model_id").filter(value -> !value.isEmpty());
        // the model is looked up first so that a metric of an unknown model is not half logged
        modelId.ifPresent(id -> loggedModels.getLoggedModel(id, false));
        tracking.logMetric(runId, metric);
        if (modelId.isPresent()) {
            loggedModels.logLoggedModelMetrics(modelId.get(), List.of(modelMetric(runId, metric, request)));
        }
        WireFormat.sendEmpty(ctx);
    }

    private void logParameter(Context ctx) {
        ApiRequest request = reader.read(ctx);
        String runId = request.requiredRunId();
        tracking.logParam(runId, new Param(request.requiredString("key"), request.string("value").orElse("")));
        WireFormat.sendEmpty(ctx);
    }

    private void setTag(Context ctx) {
        ApiRequest request = reader.read(ctx);
        String runId = request.requiredRunId();
        tracking.setTag(runId, new Tag(request.requiredString("key"), request.string("value").orElse("")));
        WireFormat.sendEmpty(ctx);
    }

    private void deleteTag(Context ctx) {
        ApiRequest request = reader.read(ctx);
        String runId = request.requiredRunId();
        tracking.deleteTag(runId, request.requiredString("key"));
        WireFormat.sendEmpty(ctx);
    }

    private void logBatch(Context ctx) {
        byte[] body = reader.readLogBatchBody(ctx);
        Optional<LogBatchParser.LogBatch> plain = LogBatchParser.tryParse(body);
        if (plain.isPresent()) {
            LogBatchParser.LogBatch batch = plain.get();
            tracking.logBatch(batch.runId(), batch.metrics(), batch.params(), batch.tags());
            describeBatch(ctx, batch.runId(), batch.metrics().size(), batch.params().size(), batch.tags().size());
            WireFormat.sendEmpty(ctx);
            return;
        }
        ApiRequest request = RequestReader.parse(body);
        String runId = request.requiredRunId();
        List<ApiRequest> metricElements = request.objects("metrics");
        List<Metric> metrics = new ArrayList<>(metricElements.size());
        Map<String, List<LoggedModelMetric>> modelMetrics = new LinkedHashMap<>();
        for (ApiRequest element : metricElements) {
            Metric metric = metric(element);
            metrics.add(metric);
            element.string("model_id").filter(value -> !value.isEmpty()).ifPresent(modelId -> modelMetrics
                    .computeIfAbsent(modelId, id -> new ArrayList<>()).add(modelMetric(runId, metric, element)));
        }
        modelMetrics.keySet().forEach(modelId -> loggedModels.getLoggedModel(modelId, false));
        List<ApiRequest> paramElements = request.objects("params");
        List<Param> params = new ArrayList<>(paramElements.size());
        for (ApiRequest element : paramElements) {
            params.add(new Param(element.requiredString("key"), element.string("value").orElse("")));
        }
        List<Tag> tags = request.tags("tags");
        tracking.logBatch(runId, metrics, params, tags);
        modelMetrics.forEach(loggedModels::logLoggedModelMetrics);
        describeBatch(ctx, runId, metrics.size(), params.size(), tags.size());
        WireFormat.sendEmpty(ctx);
    }

    /** The audit log keeps the counts of a batch, not its values. */
    private static void describeBatch(Context ctx, String runId, int metrics, int params, int tags) {
        AuditTrail.describe(ctx, runId, JsonNodeFactory.instance.objectNode().put("run_id", runId)
                .put("metrics", metrics).put("params", params).put("tags", tags));
    }

    private void logInputs(Context ctx) {
        ApiRequest request = reader.read(ctx);
        String runId = request.requiredRunId();
        if (!request.has("datasets")) {
            throw request.missingValue("datasets");
        }
        List<DatasetInput> inputs = new ArrayList<>();
        for (ApiRequest element : request.objects("datasets")) {
            ApiRequest dataset = element.object("dataset").orElseThrow(() -> element.missingValue("dataset"));
            inputs.add(new DatasetInput(element.tags("tags"), new Dataset(dataset.requiredString("name"),
                    dataset.requiredString("digest"), dataset.requiredString("source_type"),
                    dataset.requiredString("source"), dataset.string("schema"), dataset.string("profile"))));
        }
        tracking.logInputs(runId, inputs);
        WireFormat.sendEmpty(ctx);
    }

    /** A metric of log-metric or log-batch: key, value and timestamp are required, step defaults to 0. */
    private static Metric metric(ApiRequest request) {
        return new Metric(request.requiredString("key"), request.requiredDouble("value"),
                request.requiredInt64("timestamp"), request.int64("step", 0));
    }

    /** The logged-model side of a metric sent with a {@code model_id}: the run and dataset come along. */
    private static LoggedModelMetric modelMetric(String runId, Metric metric, ApiRequest request) {
        return new LoggedModelMetric(metric.key(), metric.value(), metric.timestamp(), metric.step(),
                Optional.of(runId), request.string("dataset_name").filter(value -> !value.isEmpty()),
                request.string("dataset_digest").filter(value -> !value.isEmpty()));
    }

    private static void sendRun(Context ctx, Run run) {
        WireFormat.send(ctx, WireFormat.object(generator -> {
            generator.writeFieldName("run");
            WireFormat.run(generator, run);
        }));
    }
}
