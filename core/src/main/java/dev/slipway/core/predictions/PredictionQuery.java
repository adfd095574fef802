package dev.slipway.core.predictions;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Which logged predictions to read: those of one model, optionally of one version and one variant, scored in
 * {@code [startTime, endTime)} (epoch ms; an absent bound is open).
 */
public record PredictionQuery(String modelName, Optional<String> modelVersion, Optional<String> variant,
        Optional<Long> startTime, Optional<Long> endTime) {
    public PredictionQuery {
        requireNonNull(modelName, "modelName is null");
        requireNonNull(modelVersion, "modelVersion is null");
        requireNonNull(variant, "variant is null");
        requireNonNull(startTime, "startTime is null");
        requireNonNull(endTime, "endTime is null");
    }

    /** Every prediction of the model. */
    public static PredictionQuery of(String modelName) {
        return new PredictionQuery(modelName, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }
}
