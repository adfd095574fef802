package dev.slipway.models.training;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The column a model learns to predict, with the task and, for classification, the classes in the
 * order of the model's probability columns (numeric order for numeric labels, else text order).
 */
public record Target(String name, Task task, List<String> classes) {
    /** Auto-detection calls a numeric target with at most this many distinct integer values a class label. */
    public static final int MAX_AUTO_CLASSES = 20;

    public Target {
        requireNonNull(name, "name is null");
        requireNonNull(task, "task is null");
        classes = List.copyOf(requireNonNull(classes, "classes is null"));
        if (task == Task.CLASSIFICATION && classes.size() < 2) {
            throw SlipwayException.invalidParameter("Target column '%s' has %s; classification needs at least 2"
                    + " classes", name, classes.isEmpty() ? "no classes" : "only the class '" + classes.get(0) + "'");
        }
        if (task == Task.REGRESSION && !classes.isEmpty()) {
            throw new IllegalArgumentException("a regression target has no classes");
        }
    }

    /**
     * Works out the task (when {@code task} is empty: classification if the target is not numeric or has
     * at most {@value #MAX_AUTO_CLASSES} distinct integer values) and the classes from the training table.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE when the column is missing, a row has no target
     *         value, regression is asked for a non-numeric target, or there are fewer than 2 classes
     */
    public static Target resolve(TrainingTable table, String name, Optional<Task> task) {
        int column = table.columnIndex(name, "Target");
        requireValues(table, column, name);
        boolean numeric = table.columnKind(column) == ColumnKind.NUMERIC;
        Set<Double> distinct = new LinkedHashSet<>();
        boolean allIntegral = numeric;
        if (numeric) {
            for (int row = 0; row < table.rowCount(); row++) {
                double value = TrainingTable.parseNumber(table.cell(row, column));
                allIntegral &= value == Math.rint(value) && Math.abs(value) < 1e15;
                if (distinct.size() <= MAX_AUTO_CLASSES) {
                    distinct.add(value);
                }
            }
        }
        boolean integral = allIntegral;
        Task resolved = task.orElseGet(() -> !numeric || (integral && distinct.size() <= MAX_AUTO_CLASSES)
                ? Task.CLASSIFICATION : Task.REGRESSION);
        if (resolved == Task.REGRESSION) {
            if (!numeric) {
                for (int row = 0; row < table.rowCount(); row++) {
                    String cell = table.cell(row, column);
                    if (!TrainingTable.isNumber(cell)) {
                        throw SlipwayException.invalidParameter("Target column '%s' is not numeric (row %d of %s"
                                + " has '%s'), so it cannot be a regression target; use --task classification",
                                name, row + 1, table.source(), cell);
                    }
                }
            }
            return new Target(name, Task.REGRESSION, List.of());
        }
        Set<String> labels = new LinkedHashSet<>();
        for (int row = 0; row < table.rowCount(); row++) {
            labels.add(label(table.cell(row, column), integral));
        }
        List<String> classes = new ArrayList<>(labels);
        classes.sort(integral ? Comparator.comparingDouble(Double::parseDouble) : Comparator.naturalOrder());
        return new Target(name, Task.CLASSIFICATION, classes);
    }

    /** Every row must have a target value. */
    static void requireValues(TrainingTable table, int column, String name) {
        for (int row = 0; row < table.rowCount(); row++) {
            if (table.cell(row, column).isBlank()) {
                throw SlipwayException.invalidParameter("Row %d of %s has no value in target column '%s'", row + 1,
                        table.source(), name);
            }
        }
    }

    private static String label(String cell, boolean integral) {
        return integral ? Long.toString((long) TrainingTable.parseNumber(cell)) : cell;
    }

    /**
     * The target values of a table as numbers the learners use: the class index for classification
     * (-1 for a class the model does not know), the value for regression.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE for a missing target cell or a non-numeric
     *         regression value
     */
    public double[] encode(TrainingTable table) {
        int column = table.columnIndex(name, "Target");
        requireValues(table, column, name);
        double[] values = new double[table.rowCount()];
        if (task == Task.REGRESSION) {
            for (int row = 0; row < values.length; row++) {
                String cell = table.cell(row, column);
                if (!TrainingTable.isNumber(cell) || Double.isNaN(TrainingTable.parseNumber(cell))) {
                    throw SlipwayException.invalidParameter("Row %d of %s has '%s' in target column '%s'; a"
                            + " regression target must be a number", row + 1, table.source(), cell, name);
                }
                values[row] = TrainingTable.parseNumber(cell);
            }
            return values;
        }
        boolean integral = classes.stream().allMatch(label -> label.matches("-?\\d+"));
        Map<String, Integer> indexes = new HashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            indexes.put(classes.get(i), i);
        }
        for (int row = 0; row < values.length; row++) {
            String cell = table.cell(row, column);
            String label = integral && TrainingTable.isNumber(cell)
                    && TrainingTable.parseNumber(cell) == Math.rint(TrainingTable.parseNumber(cell))
                    ? label(cell, true) : cell;
            values[row] = indexes.getOrDefault(label, -1);
        }
        return values;
    }
}
