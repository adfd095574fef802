package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import dev.slipway.monitoring.DatasetSketch;
import java.util.Optional;

/**
 * Where the current window of a model version's logged predictions comes from, as a sketch of its inputs and outputs.
 * Implementations keep memory bounded whatever the window's size.
 */
interface WindowSource {
    /**
     * Sketches the window.
     *
     * @throws dev.slipway.core.SlipwayException when the tracking server cannot answer
     */
    CurrentWindow read(MonitoredModel model);

    /**
     * A window: its description ("the last 24 h", "the latest 10000 predictions"), its rows and their sketch, absent
     * when there are none, and the time range {@code [startTime, endTime)} (epoch ms) it covers: the period for a
     * time window; for the latest N predictions, from the first of them to just after the last (it may hold a few
     * more rows logged in the same millisecond as the first), or an empty range at the time read when there are none.
     */
    record CurrentWindow(String description, long rows, Optional<DatasetSketch> sketch, long startTime, long endTime) {
        public CurrentWindow {
            requireNonNull(description, "description is null");
            requireNonNull(sketch, "sketch is null");
            if (startTime > endTime) {
                throw new IllegalArgumentException("startTime " + startTime + " is after endTime " + endTime);
            }
        }
    }
}
