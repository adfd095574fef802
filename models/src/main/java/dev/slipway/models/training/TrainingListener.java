package dev.slipway.models.training;

/**
 * Receives what training reports while it runs. Called on the training thread; implementations should
 * return quickly and must not throw.
 */
public interface TrainingListener {
    /** Does nothing. */
    TrainingListener NONE = new TrainingListener() {
    };

    /**
     * A metric of one iteration (an XGBoost boosting round, an SGD epoch), {@code step} counting from 0;
     * the CLI logs it as metric history.
     */
    default void onIterationMetric(String key, long step, double value) {
    }

    /** A human-readable progress line. */
    default void onProgress(String message) {
    }
}
