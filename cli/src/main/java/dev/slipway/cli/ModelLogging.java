package dev.slipway.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.client.TrackingClient;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.registry.ModelVersion;
import dev.slipway.core.registry.NewModelVersion;
import dev.slipway.core.tracking.Experiment;
import dev.slipway.core.tracking.Metric;
import dev.slipway.core.tracking.Param;
import dev.slipway.core.tracking.Run;
import dev.slipway.core.tracking.Tag;
import dev.slipway.models.format.MLmodel;
import dev.slipway.models.format.ModelDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the model commands log to a tracking server, the way MLflow's own clients log it: experiments found or
 * created by name, runs with MLflow's system tags, params and metrics in batches, a model folder uploaded under the
 * run's artifacts with the {@code mlflow.log-model.history} tag, and model versions registered from it.
 */
final class ModelLogging {
    private static final int MAX_METRICS_PER_BATCH = 1000;
    private static final int MAX_PARAMS_PER_BATCH = 100;

    private ModelLogging() {}

    /** The experiment's id, creating the experiment when it does not exist; the Default experiment when absent. */
    static String experimentId(TrackingClient client, Optional<String> experimentName) {
        if (experimentName.isEmpty()) {
            return "0";
        }
        try {
            return client.getExperimentByName(experimentName.get()).experimentId();
        } catch (SlipwayException e) {
            if (e.errorCode() != ErrorCode.RESOURCE_DOES_NOT_EXIST) {
                throw e;
            }
        }
        try {
            return client.createExperiment(experimentName.get());
        } catch (SlipwayException e) {
            if (e.errorCode() != ErrorCode.RESOURCE_ALREADY_EXISTS) {
                throw e;
            }
            Experiment existing = client.getExperimentByName(experimentName.get());
            return existing.experimentId();
        }
    }

    /** Starts a run with MLflow's system tags for a run started from this command. */
    static Run startRun(TrackingClient client, String experimentId, Optional<String> runName, String command,
            Environment environment) {
        List<Tag> tags = new ArrayList<>();
        tags.add(new Tag("mlflow.source.type", "LOCAL"));
        tags.add(new Tag("mlflow.source.name", command));
        environment.variable("USER").ifPresent(user -> tags.add(new Tag("mlflow.user", user)));
        runName.ifPresent(name -> tags.add(new Tag("mlflow.runName", name)));
        return client.createRun(Optional.of(experimentId), environment.variable("USER"), runName,
                Optional.of(environment.clock().millis()), tags);
    }

    static void logParams(TrackingClient client, String runId, Map<String, String> params) {
        List<Param> all = new ArrayList<>();
        params.forEach((key, value) -> all.add(new Param(key, value)));
        for (int start = 0; start < all.size(); start += MAX_PARAMS_PER_BATCH) {
            client.logBatch(runId, List.of(), all.subList(start, Math.min(all.size(), start + MAX_PARAMS_PER_BATCH)),
                    List.of());
        }
    }

    static void logMetrics(TrackingClient client, String runId, List<Metric> metrics) {
        for (int start = 0; start < metrics.size(); start += MAX_METRICS_PER_BATCH) {
            client.logBatch(runId, metrics.subList(start, Math.min(metrics.size(), start + MAX_METRICS_PER_BATCH)),
                    List.of(), List.of());
        }
    }

    /**
     * Uploads the model folder to {@code <run artifacts>/<artifactPath>} and records it in the run's
     * {@code mlflow.log-model.history} tag, as MLflow's {@code log_model} does.
     */
    static void logModel(TrackingClient client, Run run, ModelDirectory model, String artifactPath)
            throws IOException {
        String runId = run.info().runId();
        Path root = model.path();
        List<Path> files;
        try (var paths = Files.walk(root)) {
            files = paths.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            String relative = root.relativize(file).toString().replace('\\', '/');
            client.logArtifact(runId, artifactPath + "/" + relative, file);
        }
        MLmodel mlmodel = model.mlmodel();
        ObjectNode entry = TrackingCommand.json().createObjectNode().put("run_id", runId)
                .put("artifact_path", artifactPath);
        mlmodel.utcTimeCreated().ifPresent(time -> entry.put("utc_time_created", time));
        entry.set("flavors", TrackingCommand.json().valueToTree(mlmodel.flavors()));
        mlmodel.modelUuid().ifPresent(uuid -> entry.put("model_uuid", uuid));
        mlmodel.mlflowVersion().ifPresent(version -> entry.put("mlflow_version", version));
        ArrayNode history = TrackingCommand.json().createArrayNode();
        run.tags().stream().filter(tag -> tag.key().equals("mlflow.log-model.history")).findFirst()
                .ifPresent(tag -> {
                    try {
                        if (TrackingCommand.json().readTree(tag.value()) instanceof ArrayNode existing) {
                            history.addAll(existing);
                        }
                    } catch (IOException e) {
                        // a malformed history written by someone else is replaced
                    }
                });
        history.add(entry);
        client.setTag(runId, new Tag("mlflow.log-model.history", history.toString()));
    }

    /**
     * Registers the model logged under the run as a new version of {@code name}, creating the registered model when
     * needed; the version's source is the run's artifact location of the model, as {@code mlflow.register_model}
     * stores it.
     */
    static ModelVersion register(TrackingClient client, String name, Run run, String artifactPath) {
        try {
            client.registry().createRegisteredModel(name, Optional.empty(), List.of());
        } catch (SlipwayException e) {
            if (e.errorCode() != ErrorCode.RESOURCE_ALREADY_EXISTS) {
                throw e;
            }
        }
        String source = stripTrailingSlash(run.info().artifactUri()) + "/" + artifactPath;
        return client.registry().createModelVersion(new NewModelVersion(name, source, Optional.of(run.info().runId()),
                Optional.empty(), Optional.empty(), Optional.empty(), List.of()));
    }

    private static String stripTrailingSlash(String text) {
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }
}
