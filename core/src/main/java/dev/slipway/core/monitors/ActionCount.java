package dev.slipway.core.monitors;

import static java.util.Objects.requireNonNull;

/**
 * How many actions of one kind a monitor has taken, and whether they succeeded: one row of
 * {@link MonitorStore#actionCounts()}.
 */
public record ActionCount(String monitorName, String kind, boolean succeeded, long count) {
    public ActionCount {
        requireNonNull(monitorName, "monitorName is null");
        requireNonNull(kind, "kind is null");
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative: " + count);
        }
    }
}
