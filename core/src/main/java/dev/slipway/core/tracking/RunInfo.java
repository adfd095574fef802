package dev.slipway.core.tracking;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** The attributes of a run. {@code endTime} is absent while the run has not ended. */
public record RunInfo(String runId, String experimentId, String runName, String userId, RunStatus status,
        long startTime, Optional<Long> endTime, String artifactUri, LifecycleStage lifecycleStage) {
    public RunInfo {
        requireNonNull(runId, "runId is null");
        requireNonNull(experimentId, "experimentId is null");
        requireNonNull(runName, "runName is null");
        requireNonNull(userId, "userId is null");
        requireNonNull(status, "status is null");
        requireNonNull(endTime, "endTime is null");
        requireNonNull(artifactUri, "artifactUri is null");
        requireNonNull(lifecycleStage, "lifecycleStage is null");
    }
}
