package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import dev.slipway.client.PredictionLogClient;
import dev.slipway.client.TrackingClient;
import dev.slipway.core.Durations;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.monitoring.DatasetSketch;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The predictions logged in the last {@code window}, sketched by the tracking server as it logged them
 * ({@code GET /api/2.0/slipway/monitoring/window}): nothing but the sketch crosses the network.
 */
final class ServerSketchWindowSource implements WindowSource {
    private final TrackingClient client;
    private final Clock clock;
    private final Duration window;

    ServerSketchWindowSource(TrackingClient client, Clock clock, Duration window) {
        this.client = requireNonNull(client, "client is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.window = requireNonNull(window, "window is null");
    }

    @Override
    public CurrentWindow read(MonitoredModel model) {
        long end = clock.millis() + 1;
        long start = end - window.toMillis();
        PredictionLogClient.MonitoringWindow answer;
        try {
            answer = client.predictions().monitoringWindow(model.version().name(),
                    Long.toString(model.version().version()), Optional.of(start), Optional.of(end));
        } catch (SlipwayException e) {
            if (e.errorCode() != ErrorCode.ENDPOINT_NOT_FOUND) {
                throw e;
            }
            throw new SlipwayException(ErrorCode.ENDPOINT_NOT_FOUND, "The tracking server at " + client.trackingUri()
                    + " does not sketch logged predictions (no /api/2.0/slipway/monitoring/window); use --last N to "
                    + "read the latest predictions instead", e);
        }
        Optional<DatasetSketch> sketch = answer.rows() == 0 ? Optional.empty() : answer.sketch().map(DatasetSketch::fromJson);
        return new CurrentWindow("the last " + Durations.describe(window), answer.rows(), sketch, start, end);
    }
}
