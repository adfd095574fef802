package dev.slipway.core.registry;

import java.util.Optional;

/**
 * Where the artifacts that model version sources point into live: the artifact URI of a run and, for MLflow 3,
 * the artifact location of a logged model. The registry uses it to check local sources and to resolve
 * {@code runs:/} and {@code models:/} sources to a download location. Implementations are thread-safe.
 */
public interface SourceLocations {
    /**
     * The artifact URI of the run, such as {@code mlflow-artifacts:/1/<run_id>/artifacts} or a local folder.
     *
     * @throws dev.slipway.core.SlipwayException RESOURCE_DOES_NOT_EXIST if there is no such run
     */
    String runArtifactUri(String runId);

    /** The artifact location of the logged model; absent when it is unknown to this server. */
    default Optional<String> loggedModelArtifactUri(String modelId) {
        return Optional.empty();
    }
}
