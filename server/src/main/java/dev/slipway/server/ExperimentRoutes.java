package dev.slipway.server;

import static dev.slipway.server.MlflowPaths.tracking;
import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.POST;
import static java.util.Objects.requireNonNull;

import dev.slipway.core.auth.Access;
import dev.slipway.core.tracking.Experiment;
import dev.slipway.core.tracking.Page;
import dev.slipway.core.tracking.Tag;
import dev.slipway.core.tracking.TrackingService;
import dev.slipway.core.tracking.ViewType;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;

/** The experiment endpoints of MLflow's tracking API ({@code experiments/*}). */
final class ExperimentRoutes {
    private final TrackingService tracking;
    private final RequestReader reader;

    ExperimentRoutes(TrackingService tracking, RequestReader reader) {
        this.tracking = requireNonNull(tracking, "tracking is null");
        this.reader = requireNonNull(reader, "reader is null");
    }

    void register(RoutesConfig routes) {
        tracking(routes, POST, "experiments/create", this::create);
        tracking(routes, GET, "experiments/get", this::get);
        tracking(routes, GET, "experiments/get-by-name", this::getByName);
        tracking(routes, GET, "experiments/search", this::search);
        tracking(routes, POST, "experiments/search", this::search);
        tracking(routes, POST, "experiments/update", this::update);
        tracking(routes, POST, "experiments/delete", this::delete);
        tracking(routes, POST, "experiments/restore", this::restore);
        tracking(routes, POST, "experiments/set-experiment-tag", this::setTag);
        tracking(routes, POST, "experiments/delete-experiment-tag", this::deleteTag);
    }

    private void create(Context ctx) {
        ApiRequest request = reader.read(ctx);
        String name = request.requiredString("name");
        Optional<String> artifactLocation = request.string("artifact_location");
        List<Tag> tags = request.tags("tags");
        String experimentId = tracking.createExperiment(name, artifactLocation, tags);
        Authentication.experimentCreated(ctx, experimentId);
        WireFormat.send(ctx, WireFormat.object(generator -> generator.writeStringField("experiment_id", experimentId)));
    }

    private void get(Context ctx) {
        ApiRequest request = reader.read(ctx);
        Experiment experiment = tracking.getExperiment(request.requiredId("experiment_id"));
        sendExperiment(ctx, experiment);
    }

    private void getByName(Context ctx) {
        ApiRequest request = reader.read(ctx);
        Experiment experiment = tracking.getExperimentByName(request.requiredString("experiment_name"));
        sendExperiment(ctx, experiment);
    }

    private void search(Context ctx) {
        ApiRequest request = reader.read(ctx);
        ViewType viewType = request.enumValue("view_type", value -> ViewType.parse("view_type", value))
                .orElse(ViewType.ACTIVE_ONLY);
        Optional<String> filter = request.string("filter");
        List<String> orderBy = request.strings("order_by");
        Optional<Integer> maxResults = request.int32("max_results");
        Access access = Authentication.access(ctx);
        Page<Experiment> page = access.readsEveryExperiment()
                ? tracking.searchExperiments(viewType, filter, orderBy, maxResults, request.string("page_token"))
                : FilteredPages.filter(request.string("page_token"),
                        maxResults.orElse(TrackingService.DEFAULT_EXPERIMENTS_RESULTS),
                        token -> tracking.searchExperiments(viewType, filter, orderBy, maxResults, token),
                        experiment -> access.canReadExperiment(experiment.experimentId()));
        WireFormat.send(ctx, WireFormat.object(generator -> {
            if (!page.items().isEmpty()) {
                generator.writeArrayFieldStart("experiments");
                for (Experiment experiment : page.items()) {
                    WireFormat.experiment(generator, experiment);
                }
                generator.writeEndArray();
            }
            if (page.nextPageToken().isPresent()) {
                generator.writeStringField("next_page_token", page.nextPageToken().get());
            }
        }));
    }

    private void update(Context ctx) {
        ApiRequest request = reader.read(ctx);
        String experimentId = request.requiredId("experiment_id");
        String newName = request.requiredString("new_name");
        tracking.renameExperiment(experimentId, newName);
        WireFormat.sendEmpty(ctx);
    }

    private void delete(Context ctx) {
        tracking.deleteExperiment(reader.read(ctx).requiredId("experiment_id"));
        WireFormat.sendEmpty(ctx);
    }

    private void restore(Context ctx) {
        tracking.restoreExperiment(reader.read(ctx).requiredId("experiment_id"));
        WireFormat.sendEmpty(ctx);
    }

    private void setTag(Context ctx) {
        ApiRequest request = reader.read(ctx);
        String experimentId = request.requiredId("experiment_id");
        Tag tag = new Tag(request.requiredString("key"), request.string("value").orElse(""));
        tracking.setExperimentTag(experimentId, tag);
        WireFormat.sendEmpty(ctx);
    }

    private void deleteTag(Context ctx) {
        ApiRequest request = reader.read(ctx);
        String experimentId = request.requiredId("experiment_id");
        tracking.deleteExperimentTag(experimentId, request.requiredString("key"));
        WireFormat.sendEmpty(ctx);
    }

    private static void sendExperiment(Context ctx, Experiment experiment) {
        WireFormat.send(ctx, WireFormat.object(generator -> {
            generator.writeFieldName("experiment");
            WireFormat.experiment(generator, experiment);
        }));
    }
}
