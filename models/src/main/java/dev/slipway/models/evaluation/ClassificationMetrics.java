package dev.slipway.models.evaluation;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Accumulates classification metrics over (actual, predicted[, probabilities]) rows.
 *
 * <p>Accuracy, precision, recall and F1 come from a confusion matrix (constant memory). Binary
 * problems (two labels) report precision, recall and F1 of the positive class: {@code "1"} or
 * {@code "true"} if one of the labels is, else the second class in the model's class order (or in
 * sorted order when the model gives no classes);
 * more labels give macro averages over every label seen (a label with no prediction has precision
 * 0). Log loss takes the probability of the actual class, clipped to [1e-15, 1 - 1e-15]. ROC AUC
 * (binary: of the positive class; more classes: the macro average of one-vs-rest AUCs over the
 * classes that have both positive and negative rows) is exact, ties counting one half (the
 * average-rank formula); it is the one metric that keeps per-row data: one float per class and one
 * int per row.
 *
 * <p>Metrics that are undefined on the data (AUC with a single class present, probability
 * metrics without probabilities) are left out. Not thread-safe.
 */
public final class ClassificationMetrics {
    /** Probabilities are clipped to [CLIP, 1 - CLIP] for log loss. */
    public static final double CLIP = 1e-15;

    private final List<String> classes;
    private final boolean withProbabilities;
    private final List<String> labels = new ArrayList<>();
    private final Map<String, Integer> labelIndexes = new HashMap<>();
    private long[][] confusion = new long[0][0];
    private long count;
    private double logLossSum;
    private float[] scores = new float[0];
    private int[] actualClasses = new int[0];
    private int scoredRows;

    /**
     * @param classes the model's classes, in the order of the probabilities given to
     *     {@link #add(String, String, float[])}; may be empty when there are no probabilities
     * @param withProbabilities whether rows come with probabilities (enables log loss and ROC AUC)
     */
    public ClassificationMetrics(List<String> classes, boolean withProbabilities) {
        this.classes = List.copyOf(requireNonNull(classes, "classes is null"));
        this.withProbabilities = withProbabilities;
        if (withProbabilities && this.classes.isEmpty()) {
            throw new IllegalArgumentException("probabilities need the class order");
        }
        for (String label : this.classes) {
            index(label);
        }
    }

    /** Adds a row without probabilities. */
    public void add(String actual, String predicted) {
        if (withProbabilities) {
            throw new IllegalStateException("this accumulator expects probabilities");
        }
        count(actual, predicted);
    }

    /**
     * Adds a row with the probability of each class ({@code probabilities.length} equals the
     * number of classes); the array is copied and may be reused by the caller.
     */
    public void add(String actual, String predicted, float[] probabilities) {
        requireNonNull(probabilities, "probabilities is null");
        if (!withProbabilities) {
            throw new IllegalStateException("this accumulator expects no probabilities");
        }
        int width = classes.size();
        if (probabilities.length != width) {
            throw new IllegalArgumentException(
                    "%d probabilities for %d classes".formatted(probabilities.length, width));
        }
        count(actual, predicted);
        int actualClass = classes.indexOf(actual);
        double probability = actualClass < 0 ? 0.0 : probabilities[actualClass];
        logLossSum -= Math.log(Math.min(Math.max(probability, CLIP), 1 - CLIP));
        if (scoredRows == actualClasses.length) {
            int capacity = Math.max(1024, scoredRows * 2);
            actualClasses = Arrays.copyOf(actualClasses, capacity);
            scores = Arrays.copyOf(scores, Math.multiplyExact(capacity, width));
        }
        actualClasses[scoredRows] = actualClass;
        System.arraycopy(probabilities, 0, scores, scoredRows * width, width);
        scoredRows++;
    }

    private void count(String actual, String predicted) {
        requireNonNull(actual, "actual is null");
        requireNonNull(predicted, "predicted is null");
        int actualIndex = index(actual);
        int predictedIndex = index(predicted);
        confusion[actualIndex][predictedIndex]++;
        count++;
    }

    private int index(String label) {
        Integer index = labelIndexes.get(label);
        if (index != null) {
            return index;
        }
        int newIndex = labels.size();
        labels.add(label);
        labelIndexes.put(label, newIndex);
        long[][] grown = new long[newIndex + 1][newIndex + 1];
        for (int row = 0; row < newIndex; row++) {
            System.arraycopy(confusion[row], 0, grown[row], 0, newIndex);
        }
        confusion = grown;
        return newIndex;
    }

    /** The number of rows added. */
    public long count() {
        return count;
    }

    /**
     * The positive class of a binary problem: "1" or "true" (any case) when one of the two labels
     * is, else the second label.
     */
    public static String positiveClass(List<String> twoLabels) {
        if (twoLabels.size() != 2) {
            throw new IllegalArgumentException("a binary problem has two labels: " + twoLabels);
        }
        for (String label : twoLabels) {
            if (label.equals("1") || label.toLowerCase(Locale.ROOT).equals("true")) {
                return label;
            }
        }
        return twoLabels.get(1);
    }

    /** The metrics so far; empty when nothing was added. */
    public Map<Metric, Double> metrics() {
        Map<Metric, Double> metrics = new EnumMap<>(Metric.class);
        if (count == 0) {
            return metrics;
        }
        int size = labels.size();
        long correct = 0;
        for (int i = 0; i < size; i++) {
            correct += confusion[i][i];
        }
        metrics.put(Metric.ACCURACY, (double) correct / count);
        if (size == 2) {
            int positive = labels.indexOf(positiveClass(classes.size() == 2 ? classes : sorted(labels)));
            metrics.put(Metric.PRECISION, precision(positive));
            metrics.put(Metric.RECALL, recall(positive));
            metrics.put(Metric.F1, f1(positive));
        } else {
            double precision = 0;
            double recall = 0;
            double f1 = 0;
            for (int label = 0; label < size; label++) {
                precision += precision(label);
                recall += recall(label);
                f1 += f1(label);
            }
            metrics.put(Metric.PRECISION, precision / size);
            metrics.put(Metric.RECALL, recall / size);
            metrics.put(Metric.F1, f1 / size);
        }
        if (withProbabilities && scoredRows > 0) {
            metrics.put(Metric.LOG_LOSS, logLossSum / scoredRows);
            double auc = classes.size() == 2 ? binaryAuc(classes.indexOf(positiveClass(classes))) : macroAuc();
            if (!Double.isNaN(auc)) {
                metrics.put(Metric.ROC_AUC, auc);
            }
        }
        return metrics;
    }

    private static List<String> sorted(List<String> labels) {
        List<String> sorted = new ArrayList<>(labels);
        sorted.sort((left, right) -> {
            try {
                return Double.compare(Double.parseDouble(left), Double.parseDouble(right));
            } catch (NumberFormatException e) {
                return left.compareTo(right);
            }
        });
        return sorted;
    }

    private double precision(int label) {
        long predicted = 0;
        for (long[] row : confusion) {
            predicted += row[label];
        }
        return predicted == 0 ? 0.0 : (double) confusion[label][label] / predicted;
    }

    private double recall(int label) {
        long actual = 0;
        for (long value : confusion[label]) {
            actual += value;
        }
        return actual == 0 ? 0.0 : (double) confusion[label][label] / actual;
    }

    private double f1(int label) {
        double precision = precision(label);
        double recall = recall(label);
        return precision + recall == 0 ? 0.0 : 2 * precision * recall / (precision + recall);
    }

    private double binaryAuc(int positiveClass) {
        return oneVersusRestAuc(positiveClass);
    }

    private double macroAuc() {
        double sum = 0;
        int defined = 0;
        for (int classIndex = 0; classIndex < classes.size(); classIndex++) {
            double auc = oneVersusRestAuc(classIndex);
            if (!Double.isNaN(auc)) {
                sum += auc;
                defined++;
            }
        }
        return defined == 0 ? Double.NaN : sum / defined;
    }

    private double oneVersusRestAuc(int classIndex) {
        int width = classes.size();
        int positives = 0;
        for (int row = 0; row < scoredRows; row++) {
            if (actualClasses[row] == classIndex) {
                positives++;
            }
        }
        float[] positiveScores = new float[positives];
        float[] negativeScores = new float[scoredRows - positives];
        int p = 0;
        int n = 0;
        for (int row = 0; row < scoredRows; row++) {
            float score = scores[row * width + classIndex];
            if (actualClasses[row] == classIndex) {
                positiveScores[p++] = score;
            } else {
                negativeScores[n++] = score;
            }
        }
        return rocAuc(positiveScores, negativeScores);
    }

    /**
     * The exact ROC AUC of scores of positive and negative rows: the probability that a random
     * positive scores above a random negative, ties counting one half. NaN if either side is
     * empty. The arrays are sorted in place.
     */
    public static double rocAuc(float[] positiveScores, float[] negativeScores) {
        if (positiveScores.length == 0 || negativeScores.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(positiveScores);
        Arrays.sort(negativeScores);
        double wins = 0;
        int below = 0;
        int equalEnd = 0;
        int i = 0;
        while (i < positiveScores.length) {
            float score = positiveScores[i];
            int sameScore = 0;
            while (i < positiveScores.length && Float.compare(positiveScores[i], score) == 0) {
                sameScore++;
                i++;
            }
            while (below < negativeScores.length && Float.compare(negativeScores[below], score) < 0) {
                below++;
            }
            equalEnd = Math.max(equalEnd, below);
            while (equalEnd < negativeScores.length && Float.compare(negativeScores[equalEnd], score) == 0) {
                equalEnd++;
            }
            int ties = equalEnd - below;
            wins += sameScore * (below + 0.5 * ties);
        }
        return wins / ((double) positiveScores.length * negativeScores.length);
    }
}
