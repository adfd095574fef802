package dev.slipway.ui;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.artifacts.ArtifactRepositories;
import dev.slipway.core.logged.LoggedModelService;
import dev.slipway.core.predictions.PredictionLogService;
import dev.slipway.core.registry.RegistryService;
import dev.slipway.core.tracking.TrackingService;
import java.time.Clock;
import java.time.ZoneId;

/**
 * What the web UI reads and changes: the same services the REST API uses, in process, so a page costs no HTTP round
 * trip per query. {@code zone} is the time zone pages show times in.
 */
public record UiServices(TrackingService tracking, RegistryService registry, LoggedModelService loggedModels,
        PredictionLogService predictionLog, ArtifactRepositories artifacts, Clock clock, ZoneId zone) {
    public UiServices {
        requireNonNull(tracking, "tracking is null");
        requireNonNull(registry, "registry is null");
        requireNonNull(loggedModels, "loggedModels is null");
        requireNonNull(predictionLog, "predictionLog is null");
        requireNonNull(artifacts, "artifacts is null");
        requireNonNull(clock, "clock is null");
        requireNonNull(zone, "zone is null");
    }
}
