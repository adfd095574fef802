package dev.slipway.monitoring;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Sketches of every column of a table (a reference dataset or a window of logged predictions): a
 * {@link NumericSketch} per numeric column and a {@link FrequencySketch} per categorical one, the row count, and the
 * values seen under names that are not in the schema. Memory is bounded independent of the number of rows.
 *
 * <p><b>Values.</b> A numeric column takes any {@link Number}, a {@link Boolean} (1 or 0) or a string that parses as a
 * number; {@code null}, NaN and a blank string are missing; anything else (an unparsable string, a list, an infinity)
 * is counted as a type violation. A categorical column takes strings, numbers and booleans (by their text); a list or
 * map is a type violation. A row without a column counts that column as missing.
 *
 * <p>Not thread-safe; {@link WindowSketch} is its thread-safe, sharded form. Merging is exact up to the frequency
 * tables' cap.
 */
public final class DatasetSketch {
    /** At most this many distinct unknown column names are counted one by one. */
    static final int MAX_UNKNOWN_COLUMNS = 100;
    /** Version of the JSON layout; {@link #fromJson} refuses other versions rather than misreading them. */
    public static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<ColumnSpec> columns;
    private final String[] names;
    private final Map<String, Integer> indexByName;
    private final NumericSketch[] numeric;
    private final FrequencySketch[] categorical;
    private final Map<String, long[]> unknownColumns = new HashMap<>();
    private final int maxBuckets;
    private final int maxDistinct;
    private long rows;

    /** @throws SlipwayException if two columns share a name or there are none */
    public DatasetSketch(List<ColumnSpec> columns) {
        this(columns, NumericSketch.DEFAULT_MAX_BUCKETS, FrequencySketch.DEFAULT_MAX_DISTINCT);
    }

    /**
     * @param maxBuckets bucket cap of each numeric column's sketch (see {@link NumericSketch})
     * @param maxDistinct distinct-value cap of each categorical column's table (see {@link FrequencySketch})
     */
    public DatasetSketch(List<ColumnSpec> columns, int maxBuckets, int maxDistinct) {
        this.maxBuckets = maxBuckets;
        this.maxDistinct = maxDistinct;
        this.columns = List.copyOf(requireNonNull(columns, "columns is null"));
        if (this.columns.isEmpty()) {
            throw SlipwayException.invalidParameter("A dataset sketch needs at least one column");
        }
        int size = this.columns.size();
        names = new String[size];
        numeric = new NumericSketch[size];
        categorical = new FrequencySketch[size];
        indexByName = new HashMap<>();
        for (int i = 0; i < size; i++) {
            ColumnSpec column = this.columns.get(i);
            names[i] = column.name();
            if (indexByName.put(column.name(), i) != null) {
                throw SlipwayException.invalidParameter("Column '%s' appears twice", column.name());
            }
            switch (column.type()) {
                case NUMERIC -> numeric[i] = new NumericSketch(maxBuckets);
                case CATEGORICAL -> categorical[i] = new FrequencySketch(maxDistinct);
            }
        }
    }

    /** Adds one row given by column name; names not in the schema are counted in {@link #unknownColumns()}. */
    public void add(Map<String, ?> row) {
        requireNonNull(row, "row is null");
        rows++;
        int present = 0;
        for (int i = 0; i < names.length; i++) {
            Object value = row.get(names[i]);
            if (value != null) {
                present++;
            }
            addValue(i, value);
        }
        if (row.size() > present) {
            for (String name : row.keySet()) {
                if (!indexByName.containsKey(name)) {
                    countUnknown(name, 1);
                }
            }
        }
    }

    /**
     * Adds one row given in the schema's column order.
     *
     * @throws SlipwayException if the row's length differs from the number of columns
     */
    public void add(Object[] row) {
        requireNonNull(row, "row is null");
        if (row.length != names.length) {
            throw SlipwayException.invalidParameter("Row has %d values but the schema has %d columns", row.length, names.length);
        }
        rows++;
        for (int i = 0; i < row.length; i++) {
            addValue(i, row[i]);
        }
    }

    /**
     * Adds a batch of rows as one array per column ({@code null} or NaN for missing); columns of the schema absent from
     * the map count as missing, and every array must have {@code rowCount} entries.
     *
     * @throws SlipwayException if an array's length differs from rowCount or a name is not in the schema
     */
    public void addColumns(int rowCount, Map<String, ?> columnArrays) {
        requireNonNull(columnArrays, "columnArrays is null");
        for (Map.Entry<String, ?> entry : columnArrays.entrySet()) {
            Integer index = indexByName.get(entry.getKey());
            if (index == null) {
                throw SlipwayException.invalidParameter("Column '%s' is not in the schema", entry.getKey());
            }
            Object array = entry.getValue();
            int length = array instanceof double[] doubles ? doubles.length : array instanceof Object[] objects ? objects.length : -1;
            if (length != rowCount) {
                throw SlipwayException.invalidParameter("Column '%s' has %d values, expected %d", entry.getKey(), length, rowCount);
            }
        }
        rows += rowCount;
        for (int i = 0; i < names.length; i++) {
            Object array = columnArrays.get(names[i]);
            if (array == null) {
                for (int r = 0; r < rowCount; r++) {
                    addValue(i, null);
                }
            } else if (array instanceof double[] doubles && numeric[i] != null) {
                NumericSketch sketch = numeric[i];
                for (double value : doubles) {
                    sketch.add(value);
                }
            } else if (array instanceof double[] doubles) {
                for (double value : doubles) {
                    addValue(i, Double.isNaN(value) ? null : value);
                }
            } else {
                for (Object value : (Object[]) array) {
                    addValue(i, value);
                }
            }
        }
    }

    /** Counts a value of {@code column} that does not parse as the column's type. */
    public void recordTypeViolation(String column) {
        int index = index(column);
        if (numeric[index] != null) {
            numeric[index].addInvalid();
        } else {
            categorical[index].addInvalid();
        }
    }

    private void addValue(int index, Object value) {
        NumericSketch numericSketch = numeric[index];
        if (numericSketch != null) {
            if (value instanceof Number number) {
                numericSketch.add(number.doubleValue());
            } else if (value == null) {
                numericSketch.addMissing();
            } else if (value instanceof Boolean bool) {
                numericSketch.add(bool ? 1 : 0);
            } else if (value instanceof String text) {
                addParsed(numericSketch, text);
            } else {
                numericSketch.addInvalid();
            }
            return;
        }
        FrequencySketch frequencySketch = categorical[index];
        if (value instanceof String text) {
            frequencySketch.add(text);
        } else if (value == null) {
            frequencySketch.addMissing();
        } else if (value instanceof Number || value instanceof Boolean || value instanceof Character || value instanceof Enum<?>) {
            frequencySketch.add(value.toString());
        } else {
            frequencySketch.addInvalid();
        }
    }

    private static void addParsed(NumericSketch sketch, String text) {
        if (text.isBlank()) {
            sketch.addMissing();
            return;
        }
        try {
            sketch.add(Double.parseDouble(text.trim()));
        } catch (NumberFormatException e) {
            sketch.addInvalid();
        }
    }

    private void countUnknown(String name, long count) {
        long[] counter = unknownColumns.get(name);
        if (counter != null) {
            counter[0] += count;
        } else if (unknownColumns.size() < MAX_UNKNOWN_COLUMNS) {
            unknownColumns.put(name, new long[] {count});
        }
    }

    /**
     * Adds everything in {@code other}, which must have the same columns.
     *
     * @throws SlipwayException if the schemas differ
     */
    public void merge(DatasetSketch other) {
        requireNonNull(other, "other is null");
        if (!columns.equals(other.columns)) {
            throw SlipwayException.invalidParameter("Cannot merge sketches of different columns: %s and %s", columns, other.columns);
        }
        rows += other.rows;
        for (int i = 0; i < names.length; i++) {
            if (numeric[i] != null) {
                numeric[i].merge(other.numeric[i]);
            } else {
                categorical[i].merge(other.categorical[i]);
            }
        }
        other.unknownColumns.forEach((name, counter) -> countUnknown(name, counter[0]));
    }

    /**
     * The merge of two sketches whose columns may differ, such as windows of logged predictions whose inputs gained a
     * column: the columns of {@code first}, then those only in {@code second}, with {@code first}'s caps. A column one
     * side lacks counts that side's rows as missing; a column numeric on one side and categorical on the other keeps
     * {@code first}'s type and counts the other side's values as type violations. Neither argument changes. Exact up to
     * the frequency tables' cap, like {@link #merge}.
     */
    public static DatasetSketch union(DatasetSketch first, DatasetSketch second) {
        requireNonNull(first, "first is null");
        requireNonNull(second, "second is null");
        if (first.columns.equals(second.columns)) {
            DatasetSketch union = first.copy();
            union.merge(second);
            return union;
        }
        List<ColumnSpec> unionColumns = new ArrayList<>(first.columns);
        for (ColumnSpec column : second.columns) {
            if (!first.indexByName.containsKey(column.name())) {
                unionColumns.add(column);
            }
        }
        DatasetSketch union = new DatasetSketch(unionColumns, first.maxBuckets, first.maxDistinct);
        union.mergeAligned(first);
        union.mergeAligned(second);
        return union;
    }

    /** Merges a sketch whose columns are a subset of these, matching columns by name. */
    private void mergeAligned(DatasetSketch source) {
        rows += source.rows;
        for (int i = 0; i < names.length; i++) {
            Integer sourceIndex = source.indexByName.get(names[i]);
            if (sourceIndex == null) {
                if (numeric[i] != null) {
                    numeric[i].addMissing(source.rows);
                } else {
                    categorical[i].addMissing(source.rows);
                }
            } else if (numeric[i] != null && source.numeric[sourceIndex] != null) {
                numeric[i].merge(source.numeric[sourceIndex]);
            } else if (categorical[i] != null && source.categorical[sourceIndex] != null) {
                categorical[i].merge(source.categorical[sourceIndex]);
            } else if (numeric[i] != null) {
                FrequencySketch other = source.categorical[sourceIndex];
                numeric[i].addMissing(other.missingCount());
                numeric[i].addInvalid(other.count() + other.invalidCount());
            } else {
                NumericSketch other = source.numeric[sourceIndex];
                categorical[i].addMissing(other.missingCount());
                categorical[i].addInvalid(other.count() + other.invalidCount());
            }
        }
        source.unknownColumns.forEach((name, counter) -> countUnknown(name, counter[0]));
    }

    public List<ColumnSpec> columns() {
        return columns;
    }

    public long rows() {
        return rows;
    }

    public Optional<ColumnSpec> column(String name) {
        Integer index = indexByName.get(name);
        return index == null ? Optional.empty() : Optional.of(columns.get(index));
    }

    /**
     * The sketch of a numeric column.
     *
     * @throws SlipwayException if there is no such numeric column
     */
    public NumericSketch numeric(String column) {
        NumericSketch sketch = numeric[index(column)];
        if (sketch == null) {
            throw SlipwayException.invalidParameter("Column '%s' is not numeric", column);
        }
        return sketch;
    }

    /**
     * The sketch of a categorical column.
     *
     * @throws SlipwayException if there is no such categorical column
     */
    public FrequencySketch categorical(String column) {
        FrequencySketch sketch = categorical[index(column)];
        if (sketch == null) {
            throw SlipwayException.invalidParameter("Column '%s' is not categorical", column);
        }
        return sketch;
    }

    /** The column as a drift-test input. */
    public ColumnDistribution distribution(String column) {
        int index = index(column);
        return numeric[index] != null ? ColumnDistribution.Numeric.of(numeric[index]) : ColumnDistribution.Categorical.of(categorical[index]);
    }

    /** Counts of values seen under names that are not in the schema (the first 100 such names). */
    public Map<String, Long> unknownColumns() {
        Map<String, Long> result = new LinkedHashMap<>();
        unknownColumns.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(entry -> result.put(entry.getKey(), entry.getValue()[0]));
        return Collections.unmodifiableMap(result);
    }

    private int index(String column) {
        Integer index = indexByName.get(requireNonNull(column, "column is null"));
        if (index == null) {
            throw SlipwayException.notFound("Column '%s' is not in the schema", column);
        }
        return index;
    }

    public DatasetSketch copy() {
        DatasetSketch copy = emptyLike();
        copy.merge(this);
        return copy;
    }

    /** A new, empty sketch with the same columns and caps. */
    public DatasetSketch emptyLike() {
        return new DatasetSketch(columns, maxBuckets, maxDistinct);
    }

    /**
     * {@code {"format_version", "rows", "columns": [{"name", "type", "sketch"}], "unknown_columns"}}; {@link #fromJson}
     * reads it.
     */
    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("format_version", FORMAT_VERSION);
        json.put("rows", rows);
        ArrayNode array = json.putArray("columns");
        for (int i = 0; i < names.length; i++) {
            ObjectNode column = array.addObject();
            column.put("name", names[i]);
            column.put("type", columns.get(i).type().name().toLowerCase(Locale.ROOT));
            column.set("sketch", numeric[i] != null ? numeric[i].toJson() : categorical[i].toJson());
        }
        ObjectNode unknown = json.putObject("unknown_columns");
        unknownColumns().forEach(unknown::put);
        return json;
    }

    /** The JSON form as UTF-8 bytes. */
    public byte[] toBytes() {
        return toJson().toString().getBytes(StandardCharsets.UTF_8);
    }

    /** @throws SlipwayException if the bytes are not a dataset sketch */
    public static DatasetSketch fromBytes(byte[] bytes) {
        try {
            return fromJson(JSON.readTree(bytes));
        } catch (IOException e) {
            throw SlipwayException.invalidParameter("Not a dataset sketch: %s", e.getMessage());
        }
    }

    /** @throws SlipwayException if the JSON is not a dataset sketch */
    public static DatasetSketch fromJson(JsonNode json) {
        requireNonNull(json, "json is null");
        int version = json.path("format_version").asInt(-1);
        if (version != FORMAT_VERSION) {
            throw SlipwayException.invalidParameter("Unsupported dataset sketch format version %d (this build reads %d)", version, FORMAT_VERSION);
        }
        JsonNode array = json.path("columns");
        if (!array.isArray() || array.isEmpty()) {
            throw SlipwayException.invalidParameter("Not a dataset sketch: no columns");
        }
        List<ColumnSpec> specs = new ArrayList<>();
        List<JsonNode> sketches = new ArrayList<>();
        for (JsonNode column : array) {
            String type = column.path("type").asText();
            ColumnType columnType = switch (type) {
                case "numeric" -> ColumnType.NUMERIC;
                case "categorical" -> ColumnType.CATEGORICAL;
                default -> throw SlipwayException.invalidParameter("Unknown column type '%s' of column '%s'", type, column.path("name").asText());
            };
            specs.add(new ColumnSpec(column.path("name").asText(), columnType));
            sketches.add(column.path("sketch"));
        }
        DatasetSketch sketch = new DatasetSketch(specs);
        sketch.rows = json.path("rows").asLong();
        for (int i = 0; i < specs.size(); i++) {
            if (sketch.numeric[i] != null) {
                sketch.numeric[i] = NumericSketch.fromJson(sketches.get(i));
            } else {
                sketch.categorical[i] = FrequencySketch.fromJson(sketches.get(i));
            }
        }
        for (Map.Entry<String, JsonNode> entry : json.path("unknown_columns").properties()) {
            sketch.countUnknown(entry.getKey(), entry.getValue().asLong());
        }
        return sketch;
    }

    /** Sketches a raw table given as rows, e.g. a reference dataset read from a file. */
    public static DatasetSketch of(List<ColumnSpec> columns, Collection<? extends Map<String, ?>> rows) {
        DatasetSketch sketch = new DatasetSketch(columns);
        for (Map<String, ?> row : rows) {
            sketch.add(row);
        }
        return sketch;
    }
}
