package dev.slipway.core.tracking;

import static java.util.Objects.requireNonNull;

/** A metric value together with the run that logged it (bulk history answers). */
public record RunMetric(String runId, Metric metric) {
    public RunMetric {
        requireNonNull(runId, "runId is null");
        requireNonNull(metric, "metric is null");
    }
}
