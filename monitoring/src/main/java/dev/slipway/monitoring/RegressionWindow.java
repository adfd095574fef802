package dev.slipway.monitoring;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import java.util.List;

/**
 * Live regression quality over a window: running sums of the errors and the labels' mean and variance, so MAE, RMSE,
 * R2 and the mean error are exact and windows merge exactly. Thread-safe (its methods synchronise on the window).
 * R2 is {@code 1 - SSE / SST}, undefined when the labels are constant.
 */
public final class RegressionWindow {
    private long rows;
    private double errorSum;
    private double absoluteErrorSum;
    private double squaredErrorSum;
    private double labelMean;
    private double labelSquaredDeviations;

    /**
     * Adds one (prediction, label) pair.
     *
     * @throws SlipwayException if either is not a finite number
     */
    public synchronized void add(double predicted, double actual) {
        if (!Double.isFinite(predicted) || !Double.isFinite(actual)) {
            throw SlipwayException.invalidParameter("Prediction and label must be finite numbers, got %s and %s", predicted, actual);
        }
        rows++;
        double error = predicted - actual;
        errorSum += error;
        absoluteErrorSum += Math.abs(error);
        squaredErrorSum += error * error;
        double delta = actual - labelMean;
        labelMean += delta / rows;
        labelSquaredDeviations += delta * (actual - labelMean);
    }

    public void merge(RegressionWindow other) {
        requireNonNull(other, "other is null");
        synchronized (other) {
            synchronized (this) {
                if (other.rows == 0) {
                    return;
                }
                long total = rows + other.rows;
                double delta = other.labelMean - labelMean;
                labelSquaredDeviations += other.labelSquaredDeviations + delta * delta * ((double) rows * other.rows / total);
                labelMean += delta * other.rows / total;
                rows = total;
                errorSum += other.errorSum;
                absoluteErrorSum += other.absoluteErrorSum;
                squaredErrorSum += other.squaredErrorSum;
            }
        }
    }

    public synchronized ModelQuality quality() {
        if (rows == 0) {
            String reason = "no labelled predictions in the window";
            return new ModelQuality(0, List.of(
                    QualityMetric.notEnoughData("mean_error", reason),
                    QualityMetric.notEnoughData("mae", reason),
                    QualityMetric.notEnoughData("rmse", reason),
                    QualityMetric.notEnoughData("r2", reason)));
        }
        QualityMetric r2 = labelSquaredDeviations <= 0
                ? QualityMetric.notEnoughData("r2", "labels are constant")
                : QualityMetric.of("r2", 1 - squaredErrorSum / labelSquaredDeviations);
        return new ModelQuality(rows, List.of(
                QualityMetric.of("mean_error", errorSum / rows),
                QualityMetric.of("mae", absoluteErrorSum / rows),
                QualityMetric.of("rmse", Math.sqrt(squaredErrorSum / rows)),
                r2));
    }
}
