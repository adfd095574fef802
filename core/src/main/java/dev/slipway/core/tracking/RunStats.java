package dev.slipway.core.tracking;

/**
 * How many runs an experiment has (in some lifecycle view) and when the newest of them started, in epoch ms; what
 * an experiments list shows without reading the runs.
 */
public record RunStats(long count, long latestStartTime) {
    public RunStats {
        if (count < 0) {
            throw new IllegalArgumentException("count is negative: " + count);
        }
    }
}
