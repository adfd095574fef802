package dev.slipway.core.monitors;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One evaluation of a monitor: when it ran ({@code time}, epoch ms), the window of predictions it read
 * ({@code [windowStart, windowEnd)}, epoch ms), how many rows the window held, its status, the dataset-drift verdict
 * and drifted share when drift could be computed, and the whole report (JSON text: drift per feature, data quality,
 * live model quality). {@code id} is assigned by the store; a result to add carries 0.
 */
public record MonitorResult(long id, String monitorName, long time, long windowStart, long windowEnd, long rows,
        MonitorStatus status, Optional<Boolean> datasetDrift, Optional<Double> driftShare, String reportJson) {
    public MonitorResult {
        requireNonNull(monitorName, "monitorName is null");
        requireNonNull(status, "status is null");
        requireNonNull(datasetDrift, "datasetDrift is null");
        requireNonNull(driftShare, "driftShare is null");
        requireNonNull(reportJson, "reportJson is null");
        if (rows < 0) {
            throw new IllegalArgumentException("rows is negative: " + rows);
        }
    }

    /** This result with the id the store gave it. */
    public MonitorResult withId(long newId) {
        return new MonitorResult(newId, monitorName, time, windowStart, windowEnd, rows, status, datasetDrift,
                driftShare, reportJson);
    }
}
