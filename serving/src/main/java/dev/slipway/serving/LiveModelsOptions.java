package dev.slipway.serving;

import static java.util.Objects.requireNonNull;

import dev.slipway.client.TrackingClient;
import dev.slipway.core.SlipwayException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * How {@link LiveModels} loads and follows its models.
 *
 * @param trackingClient the tracking server that {@code models:/}, {@code runs:/} and {@code mlflow-artifacts:} URIs
 *     are resolved and downloaded through; without one only local folders and {@code file:} URIs load
 * @param downloadRoot where downloaded model folders go (one new folder per loaded version, deleted at the first
 *     poll after that version was replaced and drained, or when the repository closes)
 * @param intraOpNumThreads ONNX Runtime threads inside one operator, per session (at least 1)
 * @param pollInterval how often URIs that follow an alias, a stage or {@code latest} are resolved again (and the
 *     downloads of drained versions deleted) on a background thread; empty: never in the background (call
 *     {@link LiveModels#refresh()})
 * @param clock times swap failures
 * @param listener hears about swaps and failed swaps
 */
public record LiveModelsOptions(Optional<TrackingClient> trackingClient, Path downloadRoot, int intraOpNumThreads,
        Optional<Duration> pollInterval, Clock clock, SwapListener listener) {
    public LiveModelsOptions {
        requireNonNull(trackingClient, "trackingClient is null");
        requireNonNull(downloadRoot, "downloadRoot is null");
        requireNonNull(pollInterval, "pollInterval is null");
        requireNonNull(clock, "clock is null");
        requireNonNull(listener, "listener is null");
        if (intraOpNumThreads < 1) {
            throw SlipwayException.invalidParameter("intraOpNumThreads must be at least 1, got %d", intraOpNumThreads);
        }
        pollInterval.ifPresent(interval -> {
            if (interval.isNegative() || interval.isZero()) {
                throw SlipwayException.invalidParameter("The registry poll interval must be positive, got %s",
                        interval);
            }
        });
    }

    public LiveModelsOptions withPollInterval(Duration interval) {
        return new LiveModelsOptions(trackingClient, downloadRoot, intraOpNumThreads, Optional.of(interval), clock,
                listener);
    }

    public LiveModelsOptions withListener(SwapListener newListener) {
        return new LiveModelsOptions(trackingClient, downloadRoot, intraOpNumThreads, pollInterval, clock,
                newListener);
    }
}
