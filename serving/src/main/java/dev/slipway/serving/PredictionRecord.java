package dev.slipway.serving;

import static java.util.Objects.requireNonNull;

/**
 * One scored row: which request and row of it, when, which model version and traffic variant answered, the
 * inputs and outputs as JSON objects (column -> value), and the request's scoring latency.
 */
public record PredictionRecord(String requestId, int rowIndex, long timestampMillis, String modelName,
        String modelVersion, String variant, String inputsJson, String outputsJson, double latencyMillis) {
    public PredictionRecord {
        requireNonNull(requestId, "requestId is null");
        requireNonNull(modelName, "modelName is null");
        requireNonNull(modelVersion, "modelVersion is null");
        requireNonNull(variant, "variant is null");
        requireNonNull(inputsJson, "inputsJson is null");
        requireNonNull(outputsJson, "outputsJson is null");
        if (rowIndex < 0) {
            throw new IllegalArgumentException("rowIndex is negative: " + rowIndex);
        }
    }
}
