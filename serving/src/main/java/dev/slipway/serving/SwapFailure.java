package dev.slipway.serving;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * A failed attempt to follow a movable model URI (resolving it, or loading the version it moved to), or to load a
 * URI given to {@link LiveModels#reconfigure}. The version that was serving keeps serving; the next poll tries a
 * followed URI again, while a reconfiguration is not retried.
 *
 * @param modelName the served model
 * @param variant {@link Lease#STABLE}, {@link Lease#CANARY} or {@link Lease#SHADOW}
 * @param uri the followed or given URI
 * @param version the version it moved to, if resolving it succeeded
 * @param message what went wrong
 * @param time when
 */
public record SwapFailure(String modelName, String variant, String uri, Optional<String> version, String message,
        Instant time) {
    public SwapFailure {
        requireNonNull(modelName, "modelName is null");
        requireNonNull(variant, "variant is null");
        requireNonNull(uri, "uri is null");
        requireNonNull(version, "version is null");
        requireNonNull(message, "message is null");
        requireNonNull(time, "time is null");
    }
}
