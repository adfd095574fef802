package dev.slipway.core.predictions;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** A logged prediction with the feedback for its request and row, when some has arrived. */
public record JoinedPrediction(LoggedPrediction prediction, Optional<PredictionFeedback> feedback) {
    public JoinedPrediction {
        requireNonNull(prediction, "prediction is null");
        requireNonNull(feedback, "feedback is null");
    }
}
