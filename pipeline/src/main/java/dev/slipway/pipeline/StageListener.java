package dev.slipway.pipeline;

import java.util.Map;

/**
 * Hooks into a repro, for printing and for the tracking integration. Called on worker threads, concurrently for
 * stages running in parallel (in order for any one stage), so implementations must be thread-safe.
 */
public interface StageListener {
    /** A listener doing nothing. */
    static StageListener none() {
        return new StageListener() {};
    }

    /** A stage is about to run (or be restored from the run-cache); called before {@link #environment}. */
    default void onStageStart(Stage stage) {}

    /** Extra environment variables for the stage's commands (e.g. {@code MLFLOW_RUN_ID}); empty by default. */
    default Map<String, String> environment(Stage stage) {
        return Map.of();
    }

    /** A line the stage's command printed (stdout and stderr merged), without its line break. */
    default void onStageOutput(Stage stage, String line) {}

    /** What the engine says about a stage ("Running stage 'x':", "didn't change, skipping", ...). */
    default void onMessage(Stage stage, String message) {}

    /** A stage is done: ran, restored, unchanged, failed, not run or interrupted. */
    default void onStageEnd(Stage stage, StageResult result) {}
}
