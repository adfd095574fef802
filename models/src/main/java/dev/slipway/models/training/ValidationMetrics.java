package dev.slipway.models.training;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Metrics of a model on validation rows. Classification: {@code val_accuracy}, {@code val_log_loss}
 * (probabilities clipped to [1e-15, 1 - 1e-15]; a class the model does not know counts as probability
 * 1e-15) and, for two classes, {@code val_roc_auc} (the second class is the positive one). Regression:
 * {@code val_rmse}, {@code val_mae}, {@code val_r2}.
 */
public final class ValidationMetrics {
    public static final String ACCURACY = "val_accuracy";
    public static final String LOG_LOSS = "val_log_loss";
    public static final String ROC_AUC = "val_roc_auc";
    public static final String RMSE = "val_rmse";
    public static final String MAE = "val_mae";
    public static final String R2 = "val_r2";

    private static final double EPSILON = 1e-15;

    private ValidationMetrics() {
    }

    /** @param probabilities per row, one column per class; @param classes the true class index per row (-1 unknown) */
    public static Map<String, Double> classification(double[][] probabilities, double[] classes) {
        int correct = 0;
        double logLoss = 0;
        for (int row = 0; row < classes.length; row++) {
            int actual = (int) classes[row];
            int predicted = argMax(probabilities[row]);
            if (predicted == actual) {
                correct++;
            }
            double probability = actual < 0 ? EPSILON : probabilities[row][actual];
            logLoss -= Math.log(Math.min(1 - EPSILON, Math.max(EPSILON, probability)));
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put(ACCURACY, (double) correct / classes.length);
        metrics.put(LOG_LOSS, logLoss / classes.length);
        if (probabilities.length > 0 && probabilities[0].length == 2) {
            double auc = rocAuc(probabilities, classes);
            if (!Double.isNaN(auc)) {
                metrics.put(ROC_AUC, auc);
            }
        }
        return metrics;
    }

    /** The first class with the highest probability, as ONNX's ArgMax picks it. */
    static int argMax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Area under the ROC curve by the rank-sum formula (ties share their mean rank); NaN with one class. */
    static double rocAuc(double[][] probabilities, double[] classes) {
        int n = classes.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(probabilities[a][1], probabilities[b][1]));
        double[] ranks = new double[n];
        for (int start = 0; start < n;) {
            int end = start;
            while (end + 1 < n && probabilities[order[end + 1]][1] == probabilities[order[start]][1]) {
                end++;
            }
            double rank = (start + end) / 2.0 + 1;
            for (int i = start; i <= end; i++) {
                ranks[order[i]] = rank;
            }
            start = end + 1;
        }
        long positives = 0;
        long negatives = 0;
        double positiveRankSum = 0;
        for (int i = 0; i < n; i++) {
            if (classes[i] == 1) {
                positives++;
                positiveRankSum += ranks[i];
            } else if (classes[i] == 0) {
                negatives++;
            }
        }
        if (positives == 0 || negatives == 0 || positives + negatives != n) {
            return Double.NaN;
        }
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    public static Map<String, Double> regression(double[][] predictions, double[] actual) {
        double squared = 0;
        double absolute = 0;
        double mean = Arrays.stream(actual).average().orElse(0);
        double total = 0;
        for (int row = 0; row < actual.length; row++) {
            double error = predictions[row][0] - actual[row];
            squared += error * error;
            absolute += Math.abs(error);
            total += (actual[row] - mean) * (actual[row] - mean);
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put(RMSE, Math.sqrt(squared / actual.length));
        metrics.put(MAE, absolute / actual.length);
        metrics.put(R2, total == 0 ? (squared == 0 ? 1.0 : 0.0) : 1 - squared / total);
        return metrics;
    }
}
