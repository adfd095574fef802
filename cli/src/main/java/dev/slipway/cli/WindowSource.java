package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import dev.slipway.client.TrackingClient;
import dev.slipway.monitoring.ColumnSpec;
import dev.slipway.monitoring.DatasetSketch;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

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
     * The latest {@code latestRows} predictions, read through the search API and sketched here over the reference's
     * {@code columns}, when given; else the last {@code period}, as the server sketched it.
     */
    static WindowSource of(TrackingClient client, Clock clock, OptionalLong latestRows, Duration period,
            List<ColumnSpec> columns) {
        return latestRows.isPresent() ? new LatestPredictionsWindowSource(client, clock, latestRows.getAsLong(), columns)
                : new ServerSketchWindowSource(client, clock, period);
    }

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
