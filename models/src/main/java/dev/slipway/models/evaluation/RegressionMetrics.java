package dev.slipway.models.evaluation;

import java.util.EnumMap;
import java.util.Map;

/**
 * Accumulates MAE, RMSE and R² over (actual, predicted) pairs in constant memory, so it can be
 * fed a stream of any length. R² uses Welford's running variance of the actual values; when they
 * are all equal it is 1 for perfect predictions and 0 otherwise (as scikit-learn reports it).
 * Not thread-safe.
 */
public final class RegressionMetrics {
    private long count;
    private double sumAbsoluteError;
    private double sumSquaredError;
    private double mean;
    private double sumSquaredDeviation;

    /** Adds one pair. */
    public void add(double actual, double predicted) {
        double error = predicted - actual;
        count++;
        sumAbsoluteError += Math.abs(error);
        sumSquaredError += error * error;
        double delta = actual - mean;
        mean += delta / count;
        sumSquaredDeviation += delta * (actual - mean);
    }

    /** The number of pairs added. */
    public long count() {
        return count;
    }

    /** MAE, RMSE and R²; empty when nothing was added. */
    public Map<Metric, Double> metrics() {
        Map<Metric, Double> metrics = new EnumMap<>(Metric.class);
        if (count == 0) {
            return metrics;
        }
        metrics.put(Metric.MAE, sumAbsoluteError / count);
        metrics.put(Metric.RMSE, Math.sqrt(sumSquaredError / count));
        double r2 = sumSquaredDeviation == 0 ? (sumSquaredError == 0 ? 1.0 : 0.0)
                : 1 - sumSquaredError / sumSquaredDeviation;
        metrics.put(Metric.R2, r2);
        return metrics;
    }
}
