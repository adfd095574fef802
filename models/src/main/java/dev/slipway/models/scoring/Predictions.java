package dev.slipway.models.scoring;

import static java.util.Objects.requireNonNull;

import dev.slipway.models.data.CsvWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The predictions for one batch, in columnar form.
 *
 * <p>Classification: a predicted label per row and, when the model gives them, probabilities per
 * class (in the order of {@link #classes()}); CSV columns {@code prediction,probability_<class>...}.
 * Regression: a value per row; CSV column {@code prediction}. A model whose outputs are neither
 * (see {@link OnnxModel}) has its outputs written as they are: one column per output, or
 * {@code <output>_<j>} per column of a two-dimensional output.
 */
public final class Predictions {
    private final Optional<ModelTask> task;
    private final int rowCount;
    private final List<String> classes;
    private final String[] labels;
    private final float[] probabilities;
    private final double[] values;
    private final boolean singlePrecision;
    private final List<RawOutput> rawOutputs;
    private final List<String> columns;

    private Predictions(Optional<ModelTask> task, int rowCount, List<String> classes, String[] labels,
            float[] probabilities, double[] values, boolean singlePrecision, List<RawOutput> rawOutputs) {
        this.task = task;
        this.singlePrecision = singlePrecision;
        this.rowCount = rowCount;
        this.classes = List.copyOf(classes);
        this.labels = labels;
        this.probabilities = probabilities;
        this.values = values;
        this.rawOutputs = List.copyOf(rawOutputs);
        this.columns = columnsFor(task, this.classes, probabilities != null, this.rawOutputs);
    }

    static Predictions classification(int rowCount, List<String> classes, String[] labels, float[] probabilities) {
        requireNonNull(labels, "labels is null");
        if (probabilities != null && probabilities.length != rowCount * classes.size()) {
            throw new IllegalArgumentException("probabilities do not match rows x classes");
        }
        return new Predictions(Optional.of(ModelTask.CLASSIFICATION), rowCount, classes, labels, probabilities, null,
                true, List.of());
    }

    static Predictions regression(int rowCount, double[] values, boolean singlePrecision) {
        return new Predictions(Optional.of(ModelTask.REGRESSION), rowCount, List.of(), null, null,
                requireNonNull(values, "values is null"), singlePrecision, List.of());
    }

    static Predictions raw(int rowCount, List<RawOutput> outputs) {
        return new Predictions(Optional.empty(), rowCount, List.of(), null, null, null, false, outputs);
    }

    /** The CSV columns written for a model, given its task and classes (no raw outputs). */
    static List<String> columnsFor(Optional<ModelTask> task, List<String> classes, boolean withProbabilities,
            List<RawOutput> rawOutputs) {
        List<String> columns = new ArrayList<>();
        if (task.isPresent()) {
            columns.add("prediction");
            if (task.get() == ModelTask.CLASSIFICATION && withProbabilities) {
                for (String label : classes) {
                    columns.add("probability_" + label);
                }
            }
        } else {
            for (RawOutput output : rawOutputs) {
                if (output.width() == 1 && !output.twoDimensional()) {
                    columns.add(output.name());
                } else {
                    for (int j = 0; j < output.width(); j++) {
                        columns.add(output.name() + "_" + j);
                    }
                }
            }
        }
        return List.copyOf(columns);
    }

    /** The task the outputs were read as; empty when they are written as they are. */
    public Optional<ModelTask> task() {
        return task;
    }

    /** The number of rows. */
    public int rowCount() {
        return rowCount;
    }

    /** The CSV column names of {@link #writeRow}. */
    public List<String> columns() {
        return columns;
    }

    /** The class labels, in probability column order (classification with probabilities). */
    public List<String> classes() {
        return classes;
    }

    /** Whether there are class probabilities. */
    public boolean hasProbabilities() {
        return probabilities != null;
    }

    /** The predicted label of a row (classification). */
    public String label(int row) {
        if (labels == null) {
            throw new IllegalStateException("not a classification");
        }
        return labels[checkRow(row)];
    }

    /** The probability of the class at {@code classIndex} in {@link #classes()} for a row. */
    public float probability(int row, int classIndex) {
        if (probabilities == null) {
            throw new IllegalStateException("the model gives no probabilities");
        }
        return probabilities[checkRow(row) * classes.size() + classIndex];
    }

    /** The predicted value of a row (regression). */
    public double value(int row) {
        if (values == null) {
            throw new IllegalStateException("not a regression");
        }
        return values[checkRow(row)];
    }

    /** Writes one row's columns (see {@link #columns()}) and ends the CSV row. */
    public void writeRow(int row, CsvWriter writer) {
        checkRow(row);
        if (labels != null) {
            writer.field(labels[row]);
            if (probabilities != null) {
                int width = classes.size();
                for (int j = 0; j < width; j++) {
                    writer.field(probabilities[row * width + j]);
                }
            }
        } else if (values != null) {
            if (singlePrecision) {
                writer.field((float) values[row]);
            } else {
                writer.field(values[row]);
            }
        } else {
            for (RawOutput output : rawOutputs) {
                for (int j = 0; j < output.width(); j++) {
                    int index = row * output.width() + j;
                    if (output.numbers() != null && output.singlePrecision()) {
                        writer.field((float) output.numbers()[index]);
                    } else if (output.numbers() != null) {
                        writer.field(output.numbers()[index]);
                    } else {
                        writer.field(output.texts()[index]);
                    }
                }
            }
        }
        writer.endRow();
    }

    private int checkRow(int row) {
        if (row < 0 || row >= rowCount) {
            throw new IndexOutOfBoundsException("row " + row + " of " + rowCount);
        }
        return row;
    }

    /** An output written as it is: numbers or texts, row-major with {@code width} per row. */
    record RawOutput(String name, int width, boolean twoDimensional, double[] numbers, boolean singlePrecision,
            String[] texts) {}
}
