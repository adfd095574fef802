package dev.slipway.monitoring;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Live classification quality over a window: a confusion matrix of (predicted, actual) labels, a histogram of
 * positive-class scores per actual class for ROC AUC, and the summed log loss. Mergeable and thread-safe (its methods
 * synchronise on the window).
 *
 * <p><b>ROC AUC</b> comes from {@value #SCORE_BINS} equal-width score bins over [0, 1] (scores outside are clamped):
 * pairs in different bins are ordered exactly, pairs in the same bin count as ties (one half). The error against the
 * exact AUC is therefore at most {@code sum_b pos_b * neg_b / (2 * P * N)}, reported by {@link #rocAucErrorBound()}
 * (below 1/2000 when scores spread evenly).
 *
 * <p>Metrics: accuracy; for a binary window (a positive label given) precision, recall and F1 of the positive label,
 * ROC AUC and log loss; for a multiclass window macro-averaged precision, recall and F1 (a class never predicted has
 * precision 0, as scikit-learn's default) and log loss. Labels are the model's classes, a small set. Log loss clips
 * probabilities to [1e-15, 1 - 1e-15].
 */
public final class ClassificationWindow {
    public static final int SCORE_BINS = 1000;
    static final double EPSILON = 1e-15;

    private final Optional<String> positiveLabel;
    private final Map<String, Map<String, long[]>> confusion = new HashMap<>();
    private final long[] positiveScores = new long[SCORE_BINS];
    private final long[] negativeScores = new long[SCORE_BINS];
    private long rows;
    private long scored;
    private long logLossRows;
    private double logLossSum;

    private ClassificationWindow(Optional<String> positiveLabel) {
        this.positiveLabel = positiveLabel;
    }

    /** A window of a binary classifier whose positive class is {@code positiveLabel}. */
    public static ClassificationWindow binary(String positiveLabel) {
        return new ClassificationWindow(Optional.of(requireNonNull(positiveLabel, "positiveLabel is null")));
    }

    public static ClassificationWindow multiclass() {
        return new ClassificationWindow(Optional.empty());
    }

    /** Adds one labelled prediction. */
    public synchronized void add(String predicted, String actual) {
        requireNonNull(predicted, "predicted is null");
        requireNonNull(actual, "actual is null");
        rows++;
        confusion.computeIfAbsent(actual, key -> new HashMap<>()).computeIfAbsent(predicted, key -> new long[1])[0]++;
    }

    /**
     * Adds one labelled prediction of a binary window with the model's score (probability) of the positive class.
     *
     * @throws SlipwayException if the window is not binary or the score is NaN
     */
    public synchronized void add(String predicted, String actual, double positiveScore) {
        String positive = positiveLabel.orElseThrow(() -> SlipwayException.invalidParameter("A positive-class score needs a binary window"));
        if (Double.isNaN(positiveScore)) {
            throw SlipwayException.invalidParameter("Score of the positive class is NaN");
        }
        add(predicted, actual);
        boolean isPositive = positive.equals(actual);
        double clamped = Math.max(0, Math.min(1, positiveScore));
        int bin = Math.min(SCORE_BINS - 1, (int) (clamped * SCORE_BINS));
        (isPositive ? positiveScores : negativeScores)[bin]++;
        scored++;
        addLogLoss(isPositive ? clamped : 1 - clamped);
    }

    /**
     * Adds one labelled prediction with the model's probability per class (missing classes count as 0).
     *
     * @throws SlipwayException if a probability is NaN
     */
    public synchronized void add(String predicted, String actual, Map<String, Double> probabilities) {
        requireNonNull(probabilities, "probabilities is null");
        if (positiveLabel.isPresent()) {
            add(predicted, actual, probabilities.getOrDefault(positiveLabel.get(), 0.0));
            return;
        }
        double probability = probabilities.getOrDefault(actual, 0.0);
        if (Double.isNaN(probability)) {
            throw SlipwayException.invalidParameter("Probability of class '%s' is NaN", actual);
        }
        add(predicted, actual);
        addLogLoss(probability);
    }

    private void addLogLoss(double probabilityOfActual) {
        logLossSum -= Math.log(Math.max(EPSILON, Math.min(1 - EPSILON, probabilityOfActual)));
        logLossRows++;
    }

    /**
     * Adds everything in {@code other}.
     *
     * @throws SlipwayException if the windows differ in positive label
     */
    public void merge(ClassificationWindow other) {
        requireNonNull(other, "other is null");
        if (!positiveLabel.equals(other.positiveLabel)) {
            throw SlipwayException.invalidParameter("Cannot merge windows with positive labels %s and %s", positiveLabel, other.positiveLabel);
        }
        synchronized (other) {
            synchronized (this) {
                other.confusion.forEach((actual, row) -> row.forEach((predicted, count) ->
                        confusion.computeIfAbsent(actual, key -> new HashMap<>()).computeIfAbsent(predicted, key -> new long[1])[0] += count[0]));
                for (int i = 0; i < SCORE_BINS; i++) {
                    positiveScores[i] += other.positiveScores[i];
                    negativeScores[i] += other.negativeScores[i];
                }
                rows += other.rows;
                scored += other.scored;
                logLossRows += other.logLossRows;
                logLossSum += other.logLossSum;
            }
        }
    }

    /**
     * A binary copy of this multiclass window's confusion matrix with {@code positive} as the positive class, for a
     * window whose classes turn out to be two only once every row is in. Only for a window without scores or log loss,
     * which a multiclass window cannot turn into the positive class's scores.
     *
     * @throws IllegalStateException if this window is binary or holds probabilities
     */
    synchronized ClassificationWindow withPositiveLabel(String positive) {
        requireNonNull(positive, "positive is null");
        if (positiveLabel.isPresent() || scored > 0 || logLossRows > 0) {
            throw new IllegalStateException("only a multiclass window without probabilities becomes binary");
        }
        ClassificationWindow binary = binary(positive);
        confusion.forEach((actual, row) -> row.forEach((predicted, count) ->
                binary.confusion.computeIfAbsent(actual, key -> new HashMap<>()).put(predicted, count.clone())));
        binary.rows = rows;
        return binary;
    }

    private long count(String actual, String predicted) {
        Map<String, long[]> row = confusion.get(actual);
        long[] count = row == null ? null : row.get(predicted);
        return count == null ? 0 : count[0];
    }

    /** Bound on |ROC AUC from the histogram - exact ROC AUC|; NaN when AUC is undefined. */
    public synchronized double rocAucErrorBound() {
        long positives = 0;
        long negatives = 0;
        double sameBin = 0;
        for (int i = 0; i < SCORE_BINS; i++) {
            positives += positiveScores[i];
            negatives += negativeScores[i];
            sameBin += (double) positiveScores[i] * negativeScores[i];
        }
        return positives == 0 || negatives == 0 ? Double.NaN : sameBin / (2.0 * positives * negatives);
    }

    public synchronized ModelQuality quality() {
        List<QualityMetric> metrics = new ArrayList<>();
        if (rows == 0) {
            for (String name : positiveLabel.isPresent()
                    ? List.of("accuracy", "precision", "recall", "f1", "roc_auc", "log_loss")
                    : List.of("accuracy", "precision_macro", "recall_macro", "f1_macro", "log_loss")) {
                metrics.add(QualityMetric.notEnoughData(name, "no labelled predictions in the window"));
            }
            return new ModelQuality(0, metrics);
        }
        TreeSet<String> labels = new TreeSet<>(confusion.keySet());
        confusion.values().forEach(row -> labels.addAll(row.keySet()));
        long correct = 0;
        for (String label : labels) {
            correct += count(label, label);
        }
        metrics.add(QualityMetric.of("accuracy", (double) correct / rows));
        if (positiveLabel.isPresent()) {
            binaryMetrics(positiveLabel.get(), labels, metrics);
            metrics.add(rocAuc());
        } else {
            macroMetrics(labels, metrics);
        }
        metrics.add(logLossRows == 0 ? QualityMetric.notEnoughData("log_loss", "no probabilities were logged") : QualityMetric.of("log_loss", logLossSum / logLossRows));
        return new ModelQuality(rows, metrics);
    }

    private void binaryMetrics(String positive, TreeSet<String> labels, List<QualityMetric> metrics) {
        long truePositive = count(positive, positive);
        long predictedPositive = 0;
        long actualPositive = 0;
        for (String label : labels) {
            predictedPositive += count(label, positive);
            actualPositive += count(positive, label);
        }
        QualityMetric precision = predictedPositive == 0
                ? QualityMetric.notEnoughData("precision", "no positive predictions")
                : QualityMetric.of("precision", (double) truePositive / predictedPositive);
        QualityMetric recall = actualPositive == 0
                ? QualityMetric.notEnoughData("recall", "no positive labels")
                : QualityMetric.of("recall", (double) truePositive / actualPositive);
        metrics.add(precision);
        metrics.add(recall);
        if (!precision.hasValue() || !recall.hasValue()) {
            metrics.add(QualityMetric.notEnoughData("f1", "precision or recall is undefined"));
        } else {
            metrics.add(QualityMetric.of("f1", f1(precision.value(), recall.value())));
        }
    }

    private void macroMetrics(TreeSet<String> labels, List<QualityMetric> metrics) {
        double precisionSum = 0;
        double recallSum = 0;
        double f1Sum = 0;
        for (String label : labels) {
            long truePositive = count(label, label);
            long predicted = 0;
            long actual = 0;
            for (String other : labels) {
                predicted += count(other, label);
                actual += count(label, other);
            }
            double precision = predicted == 0 ? 0 : (double) truePositive / predicted;
            double recall = actual == 0 ? 0 : (double) truePositive / actual;
            precisionSum += precision;
            recallSum += recall;
            f1Sum += f1(precision, recall);
        }
        metrics.add(QualityMetric.of("precision_macro", precisionSum / labels.size()));
        metrics.add(QualityMetric.of("recall_macro", recallSum / labels.size()));
        metrics.add(QualityMetric.of("f1_macro", f1Sum / labels.size()));
    }

    private static double f1(double precision, double recall) {
        return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    }

    private QualityMetric rocAuc() {
        if (scored == 0) {
            return QualityMetric.notEnoughData("roc_auc", "no scores were logged");
        }
        long positives = 0;
        long negatives = 0;
        for (int i = 0; i < SCORE_BINS; i++) {
            positives += positiveScores[i];
            negatives += negativeScores[i];
        }
        if (positives == 0 || negatives == 0) {
            return QualityMetric.notEnoughData("roc_auc", "only one class among the labels");
        }
        double concordant = 0;
        long negativesBelow = 0;
        for (int i = 0; i < SCORE_BINS; i++) {
            concordant += positiveScores[i] * (negativesBelow + negativeScores[i] / 2.0);
            negativesBelow += negativeScores[i];
        }
        return QualityMetric.of("roc_auc", concordant / ((double) positives * negatives));
    }
}
