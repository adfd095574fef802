package dev.slipway.monitoring;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Live model quality over a window of labelled predictions, fed one (outputs, actual value) pair at a time as the
 * prediction log stores them, in memory bounded by the model's classes: only a {@link ClassificationWindow} or a
 * {@link RegressionWindow} is kept. Not thread-safe: one instance per computation.
 *
 * <p><b>Reading a row.</b> The outputs are a JSON object as model servers log them: a classifier's {@code label} and
 * {@code probability_<class>} per class (in the model's class order), a regressor's {@code prediction}. The predicted
 * value is {@code label} when present, else {@code prediction}, else the only field of a one-field object. The actual
 * value is the feedback's JSON: a string, number or boolean, or an object with one field holding one. Labels are
 * compared as text: a number is written without a fraction when it is whole ({@code 1.0} is {@code "1"}), a boolean
 * as {@code "true"}/{@code "false"}. A row whose values cannot be read (not JSON, no predicted value, a null, an array)
 * is skipped and counted by {@link #skipped()} with the first reason, never guessed.
 *
 * <p><b>Task.</b> Decided by the first readable row: regression when the predicted value comes from a field other
 * than {@code label}, both it and the actual value are numbers (or numeric text), and no probabilities are logged;
 * classification otherwise. Later rows that do not fit a regression (a non-numeric value) are skipped.
 *
 * <p><b>Positive class.</b> For classification, the positive label is the one given; else, when the first readable
 * row has probabilities of exactly two classes, the second of them in the model's order (as training's
 * {@code val_roc_auc} takes it: for labels 0/1, no/yes or false/true the second is the larger one); with more classes
 * the metrics are macro-averaged. Without logged probabilities (and no label given), the window is binary when the
 * labels seen (predicted and actual) are exactly two, the positive one being the larger (numerically when both are
 * numbers, else as text), and multiclass otherwise. Probabilities are used for ROC AUC and log loss only when the
 * window's first readable row has them.
 */
public final class LiveQualityWindow {
    /** The most distinct labels of a classification window; rows with further labels are skipped. */
    public static final int MAX_LABELS = 1000;
    /** The prefix of the output fields holding a class's probability. */
    public static final String PROBABILITY_PREFIX = "probability_";

    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    /** What the model was asked to do, as decided from the window's values. */
    public enum Task {
        CLASSIFICATION, REGRESSION;

        /** {@code classification} or {@code regression}. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Optional<String> requestedPositiveLabel;
    private Optional<Task> task = Optional.empty();
    private ClassificationWindow classification;
    private RegressionWindow regression;
    private Optional<String> positiveLabel = Optional.empty();
    private boolean usesProbabilities;
    private final Set<String> labels = new HashSet<>();
    private long rows;
    private long skipped;
    private Optional<String> skippedReason = Optional.empty();

    /** @param positiveLabel the positive class of a binary classifier; absent to decide it from the rows */
    public LiveQualityWindow(Optional<String> positiveLabel) {
        this.requestedPositiveLabel = requireNonNull(positiveLabel, "positiveLabel is null");
    }

    /** Adds one labelled prediction from the JSON texts of its outputs and actual value; unreadable rows are skipped. */
    public void add(String outputsJson, String actualJson) {
        requireNonNull(outputsJson, "outputsJson is null");
        requireNonNull(actualJson, "actualJson is null");
        JsonNode outputs;
        JsonNode actual;
        try {
            outputs = JSON.readTree(outputsJson);
            actual = JSON.readTree(actualJson);
        } catch (IOException e) {
            skip("outputs or actual value are not JSON");
            return;
        }
        if (outputs == null || actual == null) {
            skip("outputs or actual value are empty");
            return;
        }
        add(outputs, actual);
    }

    /** Adds one labelled prediction; a row whose values cannot be read is skipped and counted. */
    public void add(JsonNode outputs, JsonNode actual) {
        requireNonNull(outputs, "outputs is null");
        requireNonNull(actual, "actual is null");
        Optional<String> problem = addRow(outputs, actual);
        problem.ifPresent(this::skip);
    }

    private Optional<String> addRow(JsonNode outputs, JsonNode actualNode) {
        if (!outputs.isObject()) {
            return Optional.of("outputs are not a JSON object");
        }
        JsonNode predicted = outputs.get("label");
        boolean fromLabel = predicted != null;
        if (predicted == null) {
            predicted = outputs.get("prediction");
        }
        if (predicted == null && outputs.size() == 1 && !outputs.fieldNames().next().startsWith(PROBABILITY_PREFIX)) {
            predicted = outputs.elements().next();
        }
        if (predicted == null) {
            return Optional.of("outputs have no 'label' or 'prediction' field");
        }
        JsonNode actual = actualNode.isObject() && actualNode.size() == 1 ? actualNode.elements().next() : actualNode;
        if (predicted.isNull() || actual.isNull()) {
            return Optional.of(predicted.isNull() ? "the prediction is null" : "the actual value is null");
        }
        Map<String, Double> probabilities = probabilities(outputs);
        if (task.isEmpty()) {
            boolean regressionRow = !fromLabel && probabilities.isEmpty() && number(predicted).isPresent()
                    && number(actual).isPresent();
            start(regressionRow ? Task.REGRESSION : Task.CLASSIFICATION, probabilities);
        }
        return switch (task.get()) {
            case REGRESSION -> addRegression(predicted, actual);
            case CLASSIFICATION -> addClassification(predicted, actual, probabilities);
        };
    }

    private void start(Task decided, Map<String, Double> probabilities) {
        task = Optional.of(decided);
        if (decided == Task.REGRESSION) {
            regression = new RegressionWindow();
            return;
        }
        usesProbabilities = !probabilities.isEmpty();
        positiveLabel = requestedPositiveLabel;
        if (positiveLabel.isEmpty() && probabilities.size() == 2) {
            positiveLabel = Optional.of(probabilities.keySet().stream().skip(1).findFirst().orElseThrow());
        }
        classification = positiveLabel.map(ClassificationWindow::binary).orElseGet(ClassificationWindow::multiclass);
    }

    private Optional<String> addRegression(JsonNode predicted, JsonNode actual) {
        Optional<Double> prediction = number(predicted);
        if (prediction.isEmpty()) {
            return Optional.of("the prediction " + abbreviate(predicted) + " is not a number");
        }
        Optional<Double> value = number(actual);
        if (value.isEmpty()) {
            return Optional.of("the actual value " + abbreviate(actual) + " is not a number");
        }
        regression.add(prediction.get(), value.get());
        rows++;
        return Optional.empty();
    }

    private Optional<String> addClassification(JsonNode predictedNode, JsonNode actualNode,
            Map<String, Double> probabilities) {
        Optional<String> predicted = label(predictedNode);
        if (predicted.isEmpty()) {
            return Optional.of("the prediction " + abbreviate(predictedNode) + " is not a label");
        }
        Optional<String> actual = label(actualNode);
        if (actual.isEmpty()) {
            return Optional.of("the actual value " + abbreviate(actualNode) + " is not a label");
        }
        for (String label : new String[] {predicted.get(), actual.get()}) {
            if (!labels.contains(label) && labels.size() >= MAX_LABELS) {
                return Optional.of("more than " + MAX_LABELS + " distinct labels");
            }
            labels.add(label);
        }
        if (!usesProbabilities || probabilities.isEmpty()) {
            classification.add(predicted.get(), actual.get());
        } else if (positiveLabel.isEmpty()) {
            classification.add(predicted.get(), actual.get(), probabilities);
        } else if (probabilities.containsKey(positiveLabel.get())) {
            classification.add(predicted.get(), actual.get(), probabilities.get(positiveLabel.get()));
        } else {
            classification.add(predicted.get(), actual.get());
        }
        rows++;
        return Optional.empty();
    }

    private void skip(String reason) {
        skipped++;
        if (skippedReason.isEmpty()) {
            skippedReason = Optional.of(reason);
        }
    }

    /** The labelled predictions counted in the quality. */
    public long rows() {
        return rows;
    }

    /** The labelled predictions skipped because their values could not be read. */
    public long skipped() {
        return skipped;
    }

    /** Why the first skipped row was skipped; absent when none was. */
    public Optional<String> skippedReason() {
        return skippedReason;
    }

    /** The task, once a row has been read. */
    public Optional<Task> task() {
        return task;
    }

    /** The positive class of a binary classification window; absent for multiclass, regression or no rows. */
    public Optional<String> positiveLabel() {
        if (positiveLabel.isEmpty() && classification != null && !usesProbabilities && labels.size() == 2) {
            return labels.stream().max(LiveQualityWindow::compareLabels);
        }
        return positiveLabel;
    }

    /** The quality of the rows counted; absent when there are none ("not enough data"). */
    public Optional<ModelQuality> quality() {
        if (rows == 0) {
            return Optional.empty();
        }
        return switch (task.orElseThrow()) {
            case REGRESSION -> Optional.of(regression.quality());
            case CLASSIFICATION -> {
                Optional<String> positive = positiveLabel();
                boolean decidedAtTheEnd = positiveLabel.isEmpty() && positive.isPresent();
                yield Optional.of(decidedAtTheEnd ? classification.withPositiveLabel(positive.get()).quality()
                        : classification.quality());
            }
        };
    }

    /** The finite probabilities of the {@code probability_<class>} fields, in their order; empty when any is not. */
    private static Map<String, Double> probabilities(JsonNode outputs) {
        Map<String, Double> probabilities = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : outputs.properties()) {
            String name = field.getKey();
            if (name.startsWith(PROBABILITY_PREFIX) && name.length() > PROBABILITY_PREFIX.length()) {
                JsonNode value = field.getValue();
                if (!value.isNumber() || !Double.isFinite(value.doubleValue())) {
                    return Map.of();
                }
                probabilities.put(name.substring(PROBABILITY_PREFIX.length()), value.doubleValue());
            }
        }
        return probabilities;
    }

    /** A finite number, or text holding one. */
    private static Optional<Double> number(JsonNode node) {
        double value;
        if (node.isNumber()) {
            value = node.doubleValue();
        } else if (node.isTextual()) {
            try {
                value = Double.parseDouble(node.textValue().trim());
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        } else {
            return Optional.empty();
        }
        return Double.isFinite(value) ? Optional.of(value) : Optional.empty();
    }

    /** A label as text: strings as they are, whole numbers without a fraction, booleans as true/false. */
    static Optional<String> label(JsonNode node) {
        if (node.isTextual()) {
            return Optional.of(node.textValue());
        }
        if (node.isBoolean()) {
            return Optional.of(Boolean.toString(node.booleanValue()));
        }
        if (node.isNumber()) {
            if (!Double.isFinite(node.doubleValue())) {
                return Optional.empty();
            }
            BigDecimal value = node.decimalValue().stripTrailingZeros();
            return Optional.of(value.scale() <= 0 ? value.toBigInteger().toString() : value.toPlainString());
        }
        return Optional.empty();
    }

    private static int compareLabels(String left, String right) {
        try {
            return new BigDecimal(left).compareTo(new BigDecimal(right));
        } catch (NumberFormatException e) {
            return left.compareTo(right);
        }
    }

    private static String abbreviate(JsonNode node) {
        String text = node.toString();
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }
}
