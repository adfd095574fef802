package dev.slipway.core.logged;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One metric value of a logged model at a step and time (epoch ms), with the run that logged it and the dataset it
 * was computed on, when known. The value may be NaN; infinities are stored as the largest finite doubles, as for run
 * metrics.
 */
public record LoggedModelMetric(String key, double value, long timestamp, long step, Optional<String> runId,
        Optional<String> datasetName, Optional<String> datasetDigest) {
    public LoggedModelMetric {
        requireNonNull(key, "key is null");
        requireNonNull(runId, "runId is null");
        requireNonNull(datasetName, "datasetName is null");
        requireNonNull(datasetDigest, "datasetDigest is null");
    }
}
