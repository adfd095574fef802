package dev.slipway.server;

import static dev.slipway.server.MlflowPaths.tracking;
import static io.javalin.http.HandlerType.DELETE;
import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.PATCH;
import static io.javalin.http.HandlerType.POST;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.artifacts.ArtifactPaths;
import dev.slipway.core.artifacts.ArtifactRepositories;
import dev.slipway.core.artifacts.ArtifactRepository;
import dev.slipway.core.artifacts.FileInfo;
import dev.slipway.core.logged.DatasetFilter;
import dev.slipway.core.logged.LoggedModel;
import dev.slipway.core.logged.LoggedModelInfo;
import dev.slipway.core.logged.LoggedModelMetric;
import dev.slipway.core.logged.LoggedModelOutput;
import dev.slipway.core.logged.LoggedModelService;
import dev.slipway.core.logged.LoggedModelService.OrderTerm;
import dev.slipway.core.logged.LoggedModelStatus;
import dev.slipway.core.logged.ModelRegistration;
import dev.slipway.core.tracking.Page;
import dev.slipway.core.tracking.Param;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The logged-model endpoints of MLflow 3's tracking API ({@code logged-models/*}): create, get, finalize, delete,
 * search, tags, params, and the listing and download of a model's artifacts; and {@code runs/outputs}, which links a
 * run to the models it produced. The model id comes from the path; artifact paths pass
 * {@link ArtifactPaths#validate}.
 */
final class LoggedModelRoutes {
    private static final String MODEL_ID = "model_id";

    private final LoggedModelService loggedModels;
    private final ArtifactRepositories artifacts;
    private final RequestReader reader;

    LoggedModelRoutes(LoggedModelService loggedModels, ArtifactRepositories artifacts, RequestReader reader) {
        this.loggedModels = requireNonNull(loggedModels, "loggedModels is null");
        this.artifacts = requireNonNull(artifacts, "artifacts is null");
        this.reader = requireNonNull(reader, "reader is null");
    }

    void register(RoutesConfig routes) {
        tracking(routes, POST, "logged-models", this::create);
        tracking(routes, POST, "logged-models/search", this::search);
        tracking(routes, GET, "logged-models/{model_id}", this::get);
        tracking(routes, PATCH, "logged-models/{model_id}", this::finalizeModel);
        tracking(routes, DELETE, "logged-models/{model_id}", this::delete);
        tracking(routes, PATCH, "logged-models/{model_id}/tags", this::setTags);
        tracking(routes, DELETE, "logged-models/{model_id}/tags/<tag_key>", this::deleteTag);
        tracking(routes, POST, "logged-models/{model_id}/params", this::logParams);
        tracking(routes, GET, "logged-models/{model_id}/artifacts/directories", this::listArtifacts);
        tracking(routes, GET, "logged-models/{model_id}/artifacts/files", this::downloadArtifact);
        tracking(routes, POST, "runs/outputs", this::logRunOutputs);
    }

    /** {@code runs/outputs}: the models a run produced; {@code log_model} inside a run sends it. */
    private void logRunOutputs(Context ctx) {
        ApiRequest request = reader.read(ctx);
        String runId = request.requiredRunId();
        if (!request.has("models")) {
            throw request.missingValue("models");
        }
        List<LoggedModelOutput> outputs = new ArrayList<>();
        for (ApiRequest model : request.objects("models")) {
            outputs.add(new LoggedModelOutput(model.requiredString("model_id"), model.requiredInt64("step")));
        }
        loggedModels.logRunOutputs(runId, outputs);
        WireFormat.sendEmpty(ctx);
    }

    private void create(Context ctx) {
        ApiRequest request = reader.read(ctx);
        String experimentId = request.requiredId("experiment_id");
        LoggedModel model = loggedModels.createLoggedModel(experimentId, request.string("name"),
                request.string("model_type"), request.string("source_run_id"), params(request),
                request.tags("tags"));
        sendModel(ctx, model);
    }

    private void get(Context ctx) {
        ApiRequest request = reader.read(ctx);
        boolean allowDeleted = request.bool("allow_deleted").orElse(false);
        sendModel(ctx, loggedModels.getLoggedModel(ctx.pathParam(MODEL_ID), allowDeleted));
    }

    private void finalizeModel(Context ctx) {
        ApiRequest request = reader.read(ctx);
        LoggedModelStatus status = request.enumValue("status", LoggedModelStatus::parse)
                .orElseThrow(() -> request.missingValue("status"));
        sendModel(ctx, loggedModels.finalizeLoggedModel(ctx.pathParam(MODEL_ID), status));
    }

    private void delete(Context ctx) {
        reader.read(ctx);
        loggedModels.deleteLoggedModel(ctx.pathParam(MODEL_ID));
        WireFormat.sendEmpty(ctx);
    }

    private void setTags(Context ctx) {
        ApiRequest request = reader.read(ctx);
        loggedModels.setLoggedModelTags(ctx.pathParam(MODEL_ID), request.tags("tags"));
        WireFormat.sendEmpty(ctx);
    }

    private void deleteTag(Context ctx) {
        reader.read(ctx);
        loggedModels.deleteLoggedModelTag(ctx.pathParam(MODEL_ID), ctx.pathParam("tag_key"));
        WireFormat.sendEmpty(ctx);
    }

    private void logParams(Context ctx) {
        ApiRequest request = reader.read(ctx);
        loggedModels.logLoggedModelParams(ctx.pathParam(MODEL_ID), params(request));
        WireFormat.sendEmpty(ctx);
    }

    private void search(Context ctx) {
        ApiRequest request = reader.read(ctx);
        List<DatasetFilter> datasets = new ArrayList<>();
        for (ApiRequest dataset : request.objects("datasets")) {
            datasets.add(new DatasetFilter(dataset.requiredString("dataset_name"), dataset.string("dataset_digest")));
        }
        List<OrderTerm> orderBy = new ArrayList<>();
        for (ApiRequest term : request.objects("order_by")) {
            orderBy.add(new OrderTerm(term.requiredString("field_name"), term.bool("ascending").orElse(true),
                    term.string("dataset_name"), term.string("dataset_digest")));
        }
        Page<LoggedModel> page = loggedModels.searchLoggedModels(request.ids("experiment_ids"),
                request.string("filter"), datasets, request.int64("max_results"), orderBy,
                request.string("page_token"));
        WireFormat.send(ctx, WireFormat.object(generator -> {
            if (!page.items().isEmpty()) {
                generator.writeArrayFieldStart("models");
                for (LoggedModel model : page.items()) {
                    model(generator, model);
                }
                generator.writeEndArray();
            }
            if (page.nextPageToken().isPresent()) {
                generator.writeStringField("next_page_token", page.nextPageToken().get());
            }
        }));
    }

    private void listArtifacts(Context ctx) throws IOException {
        ApiRequest request = reader.read(ctx);
        String path = request.string("artifact_directory_path").map(ArtifactPaths::validate).orElse("");
        LoggedModel model = loggedModels.getLoggedModel(ctx.pathParam(MODEL_ID), false);
        String root = model.info().artifactUri();
        List<FileInfo> files = artifacts.resolve(root).list(path);
        WireFormat.send(ctx, WireFormat.object(generator -> {
            generator.writeStringField("root_uri", root);
            if (!files.isEmpty()) {
                generator.writeArrayFieldStart("files");
                for (FileInfo file : files) {
                    generator.writeStartObject();
                    generator.writeStringField("path", file.path());
                    generator.writeBooleanField("is_dir", file.isDir());
                    if (file.fileSize().isPresent()) {
                        generator.writeNumberField("file_size", file.fileSize().get());
                    }
                    generator.writeEndObject();
                }
                generator.writeEndArray();
            }
        }));
    }

    private void downloadArtifact(Context ctx) throws IOException {
        ApiRequest request = reader.read(ctx);
        String path = ArtifactPaths.validate(request.requiredString("artifact_file_path"));
        String modelId = ctx.pathParam(MODEL_ID);
        ArtifactRepository repository = artifacts.resolve(loggedModels.getLoggedModel(modelId, false).info()
                .artifactUri());
        InputStream content = repository.open(path).orElseThrow(() -> SlipwayException.notFound(
                "Artifact '%s' not found in logged model %s", path, modelId));
        ArtifactDownloads.send(ctx, path, content);
    }

    private static List<Param> params(ApiRequest request) {
        List<Param> params = new ArrayList<>();
        for (ApiRequest param : request.objects("params")) {
            params.add(new Param(param.requiredString("key"), param.string("value").orElse("")));
        }
        return params;
    }

    private static void sendModel(Context ctx, LoggedModel model) {
        WireFormat.send(ctx, WireFormat.object(generator -> {
            generator.writeFieldName("model");
            model(generator, model);
        }));
    }

    /** MLflow's LoggedModel message: {@code {info{...}, data{params[], metrics[]}}}, empty lists omitted. */
    static void model(JsonGenerator generator, LoggedModel model) throws IOException {
        LoggedModelInfo info = model.info();
        generator.writeStartObject();
        generator.writeObjectFieldStart("info");
        generator.writeStringField("model_id", info.modelId());
        generator.writeStringField("experiment_id", info.experimentId());
        generator.writeStringField("name", info.name());
        generator.writeNumberField("creation_timestamp_ms", info.creationTimestamp());
        generator.writeNumberField("last_updated_timestamp_ms", info.lastUpdatedTimestamp());
        generator.writeStringField("artifact_uri", info.artifactUri());
        generator.writeStringField("status", info.status().wireName());
        if (info.creatorId().isPresent()) {
            generator.writeNumberField("creator_id", info.creatorId().get());
        }
        if (info.modelType().isPresent()) {
            generator.writeStringField("model_type", info.modelType().get());
        }
        if (info.sourceRunId().isPresent()) {
            generator.writeStringField("source_run_id", info.sourceRunId().get());
        }
        if (info.statusMessage().isPresent()) {
            generator.writeStringField("status_message", info.statusMessage().get());
        }
        WireFormat.tags(generator, "tags", info.tags());
        if (!info.registrations().isEmpty()) {
            generator.writeArrayFieldStart("registrations");
            for (ModelRegistration registration : info.registrations()) {
                generator.writeStartObject();
                generator.writeStringField("name", registration.name());
                generator.writeStringField("version", registration.version());
                generator.writeEndObject();
            }
            generator.writeEndArray();
        }
        generator.writeEndObject();
        generator.writeObjectFieldStart("data");
        if (!model.params().isEmpty()) {
            generator.writeArrayFieldStart("params");
            for (Param param : model.params()) {
                generator.writeStartObject();
                generator.writeStringField("key", param.key());
                generator.writeStringField("value", param.value());
                generator.writeEndObject();
            }
            generator.writeEndArray();
        }
        if (!model.metrics().isEmpty()) {
            generator.writeArrayFieldStart("metrics");
            for (LoggedModelMetric metric : model.metrics()) {
                metric(generator, info.modelId(), metric);
            }
            generator.writeEndArray();
        }
        generator.writeEndObject();
        generator.writeEndObject();
    }

    private static void metric(JsonGenerator generator, String modelId, LoggedModelMetric metric) throws IOException {
        generator.writeStartObject();
        generator.writeStringField("key", metric.key());
        generator.writeFieldName("value");
        WireFormat.number(generator, metric.value());
        generator.writeNumberField("timestamp", metric.timestamp());
        generator.writeNumberField("step", metric.step());
        if (metric.datasetName().isPresent()) {
            generator.writeStringField("dataset_name", metric.datasetName().get());
        }
        if (metric.datasetDigest().isPresent()) {
            generator.writeStringField("dataset_digest", metric.datasetDigest().get());
        }
        generator.writeStringField("model_id", modelId);
        if (metric.runId().isPresent()) {
            generator.writeStringField("run_id", metric.runId().get());
        }
        generator.writeEndObject();
    }
}
