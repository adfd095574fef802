package dev.slipway.models.training;

import dev.slipway.models.onnx.GraphBuilder;

/**
 * A trained model body: predictions on encoded features, and the same computation as ONNX nodes. Close
 * it to free native memory (XGBoost boosters).
 */
public interface FittedModel extends AutoCloseable {
    /**
     * Predicts encoded rows: per row the class probabilities in {@link Target#classes()} order
     * (classification) or one value (regression).
     */
    double[][] predict(double[][] features);

    /**
     * Appends the model to a graph whose float [N, F] features are {@code features}; returns the name of a
     * float [N, k] probability tensor (classification) or float [N, 1] value tensor (regression).
     */
    String writeOnnx(GraphBuilder graph, String features);

    @Override
    default void close() {
    }
}
