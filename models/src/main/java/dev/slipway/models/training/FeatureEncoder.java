package dev.slipway.models.training;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import dev.slipway.models.onnx.ColumnEncoding;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns table rows into model features the way the exported ONNX graph does: numeric cells are read as
 * float32, a missing numeric cell takes the training mean, each categorical column becomes one 0/1
 * feature per training category (an unknown category gives all zeros), and numeric features are
 * optionally standardised with the training mean and standard deviation. All arithmetic is done in
 * float32 so the native model sees exactly the values ONNX Runtime computes. Immutable.
 */
public final class FeatureEncoder {
    private final List<ColumnEncoding> columns;
    private final List<Map<String, Integer>> categoryIndexes;
    private final int width;

    private FeatureEncoder(List<ColumnEncoding> columns) {
        this.columns = List.copyOf(columns);
        List<Map<String, Integer>> indexes = new ArrayList<>();
        int total = 0;
        for (ColumnEncoding column : columns) {
            Map<String, Integer> categories = new HashMap<>();
            if (column instanceof ColumnEncoding.Categorical categorical) {
                for (int i = 0; i < categorical.categories().size(); i++) {
                    categories.put(categorical.categories().get(i), i);
                }
            }
            indexes.add(categories);
            total += column.width();
        }
        this.categoryIndexes = List.copyOf(indexes);
        this.width = total;
    }

    /** Most categories a categorical column may have; more would make one-hot encoding too wide. */
    public static final int MAX_CATEGORIES = 1_000;

    /**
     * Learns the encoding of every column except the target from the training rows; column types come
     * from {@code types} (inferred on the whole training file, validation rows included).
     */
    public static FeatureEncoder fit(TrainingTable training, Map<String, ColumnKind> types, String target,
            boolean standardize) {
        return fit(training, types, target, Set.of(), standardize);
    }

    /**
     * Like {@link #fit(TrainingTable, Map, String, boolean)}, leaving out the {@code excluded} columns.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE when no column is left to learn from or a
     *         categorical column has more than {@value #MAX_CATEGORIES} categories
     */
    public static FeatureEncoder fit(TrainingTable training, Map<String, ColumnKind> types, String target,
            Set<String> excluded, boolean standardize) {
        List<ColumnEncoding> columns = new ArrayList<>();
        for (int column = 0; column < training.header().size(); column++) {
            String name = training.header().get(column);
            if (name.equals(target) || excluded.contains(name)) {
                continue;
            }
            ColumnKind type = requireNonNull(types.get(name), "no type for column " + name);
            columns.add(switch (type) {
                case NUMERIC -> numeric(training, column, name, standardize);
                case CATEGORICAL -> categorical(training, column, name);
            });
        }
        if (columns.isEmpty()) {
            throw SlipwayException.invalidParameter("%s has no column besides the target '%s'%s to learn from",
                    training.source(), target, excluded.isEmpty() ? "" : " and the excluded columns " + excluded);
        }
        return new FeatureEncoder(columns);
    }

    private static ColumnEncoding numeric(TrainingTable training, int column, String name, boolean standardize) {
        double sum = 0;
        int count = 0;
        for (int row = 0; row < training.rowCount(); row++) {
            float value = (float) TrainingTable.parseNumber(training.cell(row, column));
            if (!Float.isNaN(value)) {
                sum += value;
                count++;
            }
        }
        float mean = count == 0 ? 0f : (float) (sum / count);
        if (!standardize) {
            return new ColumnEncoding.Numeric(name, mean, 0f, 1f);
        }
        double squares = 0;
        for (int row = 0; row < training.rowCount(); row++) {
            float value = (float) TrainingTable.parseNumber(training.cell(row, column));
            double deviation = (Float.isNaN(value) ? mean : value) - (double) mean;
            squares += deviation * deviation;
        }
        double deviation = Math.sqrt(squares / training.rowCount());
        float scale = deviation > 0 && Double.isFinite(1.0 / deviation) ? (float) (1.0 / deviation) : 1f;
        return new ColumnEncoding.Numeric(name, mean, mean, scale);
    }

    private static ColumnEncoding categorical(TrainingTable training, int column, String name) {
        TreeSet<String> categories = new TreeSet<>();
        for (int row = 0; row < training.rowCount(); row++) {
            categories.add(training.cell(row, column));
            if (categories.size() > MAX_CATEGORIES) {
                throw SlipwayException.invalidParameter("Column '%s' of %s has more than %d distinct values; a"
                        + " categorical column is one-hot encoded, so exclude it (an identifier?) or make it numeric",
                        name, training.source(), MAX_CATEGORIES);
            }
        }
        return new ColumnEncoding.Categorical(name, new ArrayList<>(categories));
    }

    /** The input columns in table order, as the ONNX graph encodes them. */
    public List<ColumnEncoding> columns() {
        return columns;
    }

    /** Number of model features. */
    public int width() {
        return width;
    }

    /**
     * Encodes every row of a table that has the input columns (found by name, in any order).
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE naming the column when the table lacks one, and
     *         the row and column when a numeric column holds text
     */
    public double[][] encode(TrainingTable table) {
        int[] indexes = columns.stream().mapToInt(column -> table.columnIndex(column.name(), "Input")).toArray();
        double[][] features = new double[table.rowCount()][];
        for (int row = 0; row < table.rowCount(); row++) {
            features[row] = encodeRow(table, row, indexes);
        }
        return features;
    }

    private double[] encodeRow(TrainingTable table, int row, int[] indexes) {
        double[] features = new double[width];
        int offset = 0;
        for (int i = 0; i < columns.size(); i++) {
            ColumnEncoding column = columns.get(i);
            String cell = table.cell(row, indexes[i]);
            if (column instanceof ColumnEncoding.Numeric numeric) {
                if (!cell.isBlank() && !TrainingTable.isNumber(cell)) {
                    throw SlipwayException.invalidParameter("Row %d of %s has '%s' in numeric column '%s'", row + 1,
                            table.source(), cell, numeric.name());
                }
                float value = (float) TrainingTable.parseNumber(cell);
                if (Float.isNaN(value)) {
                    value = numeric.imputedValue();
                }
                // Same float32 operations, in the same order, as ONNX's Scaler: (x - offset) * scale.
                features[offset] = (value - numeric.offset()) * numeric.scale();
            } else {
                Integer category = categoryIndexes.get(i).get(cell);
                if (category != null) {
                    features[offset + category] = 1.0;
                }
            }
            offset += column.width();
        }
        return features;
    }
}
