package dev.slipway.core.tracking;

import static java.util.Objects.requireNonNull;

/** One metric value at a step and time (epoch ms). The value may be NaN or infinite. */
public record Metric(String key, double value, long timestamp, long step) {
    public Metric {
        requireNonNull(key, "key is null");
    }

    /** MLflow's "latest" order: greater step, then greater timestamp, then greater value. */
    public boolean isLaterThan(Metric other) {
        if (step != other.step) {
            return step > other.step;
        }
        if (timestamp != other.timestamp) {
            return timestamp > other.timestamp;
        }
        return Double.compare(value, other.value) > 0;
    }
}
