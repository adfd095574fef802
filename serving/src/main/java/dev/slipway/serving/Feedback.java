package dev.slipway.serving;

import static java.util.Objects.requireNonNull;

/** The actual value of an earlier prediction, for the request's row {@code rowIndex} (0 for single rows). */
public record Feedback(String requestId, int rowIndex, String actualJson, long timestampMillis) {
    public Feedback {
        requireNonNull(requestId, "requestId is null");
        requireNonNull(actualJson, "actualJson is null");
        if (rowIndex < 0) {
            throw new IllegalArgumentException("rowIndex is negative: " + rowIndex);
        }
    }
}
