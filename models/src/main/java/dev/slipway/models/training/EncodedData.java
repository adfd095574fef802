package dev.slipway.models.training;

import static java.util.Objects.requireNonNull;

/**
 * Rows as model features with their target: the class index (-1 for a class the model does not know)
 * for classification, the value for regression. Arrays are shared, not copied: callers must not modify
 * them.
 */
public record EncodedData(double[][] features, double[] targets) {
    public EncodedData {
        requireNonNull(features, "features is null");
        requireNonNull(targets, "targets is null");
        if (features.length != targets.length) {
            throw new IllegalArgumentException(features.length + " feature rows but " + targets.length + " targets");
        }
    }

    public int size() {
        return targets.length;
    }

    public int width() {
        return features.length == 0 ? 0 : features[0].length;
    }
}
