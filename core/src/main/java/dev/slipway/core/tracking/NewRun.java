package dev.slipway.core.tracking;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** What the service hands the store to create a run: every field already decided and validated. */
public record NewRun(String runId, String experimentId, String runName, String userId, long startTime,
        String artifactUri, List<Tag> tags) {
    public NewRun {
        requireNonNull(runId, "runId is null");
        requireNonNull(experimentId, "experimentId is null");
        requireNonNull(runName, "runName is null");
        requireNonNull(userId, "userId is null");
        requireNonNull(artifactUri, "artifactUri is null");
        tags = List.copyOf(requireNonNull(tags, "tags is null"));
    }
}
