package dev.slipway.core.gc;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.tracking.LifecycleStage;
import java.util.Optional;

/**
 * A run as the garbage collector sees it: its lifecycle stage, when it was deleted (epoch ms; absent for an active
 * run, and for a deleted one whose deletion time was never recorded) and where its artifacts are.
 */
public record RunDeletion(String runId, String experimentId, LifecycleStage lifecycleStage,
        Optional<Long> deletedTime, String artifactUri) {
    public RunDeletion {
        requireNonNull(runId, "runId is null");
        requireNonNull(experimentId, "experimentId is null");
        requireNonNull(lifecycleStage, "lifecycleStage is null");
        requireNonNull(deletedTime, "deletedTime is null");
        requireNonNull(artifactUri, "artifactUri is null");
    }
}
