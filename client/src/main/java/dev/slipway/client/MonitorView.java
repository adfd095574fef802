package dev.slipway.client;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.monitors.MonitorResult;
import dev.slipway.core.monitors.StoredMonitor;
import java.util.Optional;

/**
 * A monitor as the server shows it: its stored definition and, once it has been evaluated, its latest result.
 *
 * @param latestResult absent before the first evaluation
 */
public record MonitorView(StoredMonitor monitor, Optional<MonitorResult> latestResult) {
    public MonitorView {
        requireNonNull(monitor, "monitor is null");
        requireNonNull(latestResult, "latestResult is null");
    }
}
