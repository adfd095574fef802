package dev.slipway.core.predictions;

import static java.util.Objects.requireNonNull;

/**
 * The actual value (JSON text) of the prediction made for row {@code rowIndex} of request {@code requestId}, as it
 * became known at {@code timestamp} (epoch ms). It may arrive before the prediction itself is stored.
 */
public record PredictionFeedback(String requestId, int rowIndex, String actualJson, long timestamp) {
    public PredictionFeedback {
        requireNonNull(requestId, "requestId is null");
        requireNonNull(actualJson, "actualJson is null");
        if (rowIndex < 0) {
            throw new IllegalArgumentException("rowIndex is negative: " + rowIndex);
        }
    }
}
