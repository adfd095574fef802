package dev.slipway.core.predictions;

import static java.util.Objects.requireNonNull;

/**
 * One row scored by a model server: the request and its row, when it was scored (epoch ms), the model version and
 * traffic variant ({@code stable}, {@code canary}, {@code shadow}) that answered, the inputs and outputs as JSON
 * text (objects from column to value), and the scoring latency of its request in milliseconds.
 */
public record LoggedPrediction(String requestId, int rowIndex, long timestamp, String modelName, String modelVersion,
        String variant, String inputsJson, String outputsJson, double latencyMillis) {
    public LoggedPrediction {
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
