package dev.slipway.models.scoring;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import dev.slipway.models.data.CsvReader;
import dev.slipway.models.data.RowValues;
import dev.slipway.models.format.ColumnSpec;
import dev.slipway.models.format.ColumnType;
import dev.slipway.models.format.Schema;
import dev.slipway.models.format.Signature;
import ai.onnxruntime.OnnxTensor;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A batch of input rows in columnar form, ready to be scored by {@link OnnxModel#predict}.
 *
 * <p>A batch is bound once to a CSV header ({@link OnnxModel#newBatch}); the binding decides
 * which CSV column feeds which model input, checks the header against the model's inputs and
 * signature, and fails with one message naming the missing column. Then {@link #addRow(RowValues)}
 * parses the bound cells of the reader's current row straight into reusable direct buffers (floats
 * without creating Strings), and {@link #clear()} empties the batch for the next rows.
 *
 * <p>Two ways to feed a model:
 * <ul>
 *   <li>one input per column (Slipway's models, and foreign models whose input names are column
 *       names): each input of shape [N] or [N, 1] takes the column of the same name;</li>
 *   <li>a single tensor input [N, n]: it takes n columns per row, in the order of the signature's
 *       columns when the signature is column-based, else all CSV columns in file order (less the
 *       excluded ones, such as the target).</li>
 * </ul>
 * Empty cells are missing values: NaN for a float or double input, "" for a string input; whole
 * number inputs (int64, int32) reject them. Not thread-safe.
 *
 * <p>A batch of numeric inputs keeps the ONNX Runtime tensors {@link OnnxModel#predict} made over its buffers (they
 * read the buffers, not a copy), and reuses them while the row count stays the same: a server scoring one row per
 * request makes its tensors once. They are released when the row count changes and when the batch is garbage.
 */
public final class FeatureBatch {
    private static final Cleaner TENSORS = Cleaner.create();

    private static final int KIND_FLOAT = 0;
    private static final int KIND_DOUBLE = 1;
    private static final int KIND_INT64 = 2;
    private static final int KIND_INT32 = 3;
    private static final int KIND_STRING = 4;

    private final String source;
    private final int capacity;
    private final List<Slot> slots;
    private final List<String> featureColumns;
    private final int[] csvColumns;
    private final int[] kinds;
    private final int[] widths;
    private final int[] offsets;
    private final boolean[] wholeNumbers;
    private final FloatBuffer[] floatTargets;
    private final DoubleBuffer[] doubleTargets;
    private final LongBuffer[] longTargets;
    private final IntBuffer[] intTargets;
    private final String[][] stringTargets;
    private final boolean numericOnly;
    private final TensorCache tensors = new TensorCache();
    private int size;

    FeatureBatch(List<TensorDescription> inputs, Optional<Signature> signature, List<String> header,
            Set<String> excludedColumns, String source, int capacity) {
        requireNonNull(inputs, "inputs is null");
        requireNonNull(signature, "signature is null");
        requireNonNull(header, "header is null");
        requireNonNull(excludedColumns, "excludedColumns is null");
        this.source = requireNonNull(source, "source is null");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.capacity = capacity;
        Map<String, Integer> columnIndexes = new HashMap<>();
        for (int column = 0; column < header.size(); column++) {
            if (!excludedColumns.contains(header.get(column))) {
                columnIndexes.put(header.get(column), column);
            }
        }
        Map<String, ColumnSpec> signatureColumns = new HashMap<>();
        Optional<Schema> columnSchema = signature.map(Signature::inputs).filter(schema -> !schema.isTensorBased());
        columnSchema.ifPresent(schema -> schema.columns()
                .forEach(column -> column.name().ifPresent(name -> signatureColumns.put(name, column))));
        for (ColumnSpec column : signatureColumns.values()) {
            String name = column.name().orElseThrow();
            if (column.required() && !columnIndexes.containsKey(name)) {
                throw SlipwayException.invalidParameter(
                        "Column '%s' required by the model's signature is missing from %s (columns: %s)", name,
                        source, String.join(", ", header));
            }
        }

        List<Slot> slots = new ArrayList<>();
        List<Feed> feeds = new ArrayList<>();
        boolean perColumn = inputs.stream().allMatch(input -> columnIndexes.containsKey(input.name())
                || optionalColumn(signatureColumns, input.name()));
        if (perColumn) {
            for (TensorDescription input : inputs) {
                checkColumnInput(input);
                Slot slot = new Slot(input, 1, input.rank() == 2, capacity);
                slots.add(slot);
                Integer column = columnIndexes.get(input.name());
                ColumnSpec spec = signatureColumns.get(input.name());
                feeds.add(new Feed(column == null ? -1 : column, input.name(), slot, 0,
                        spec != null && spec.type().isWholeNumber()));
            }
        } else if (inputs.size() == 1 && inputs.get(0).rank() == 2) {
            TensorDescription input = inputs.get(0);
            List<String> names = columnSchema.isPresent() && columnSchema.get().names().size()
                    == columnSchema.get().specs().size() ? columnSchema.get().names()
                    : header.stream().filter(columnIndexes::containsKey).toList();
            long declaredWidth = input.shape().get(1);
            if (declaredWidth >= 0 && declaredWidth != names.size()) {
                throw SlipwayException.invalidParameter(
                        "Model input '%s' takes %d features per row but %s provides %d columns (%s)", input.name(),
                        declaredWidth, source, names.size(), String.join(", ", names));
            }
            if (names.isEmpty()) {
                throw SlipwayException.invalidParameter("%s has no feature columns for model input '%s'", source,
                        input.name());
            }
            Slot slot = new Slot(input, names.size(), true, capacity);
            slots.add(slot);
            for (int offset = 0; offset < names.size(); offset++) {
                String name = names.get(offset);
                Integer column = columnIndexes.get(name);
                ColumnSpec spec = signatureColumns.get(name);
                feeds.add(new Feed(column == null ? -1 : column, name, slot, offset,
                        spec != null && spec.type().isWholeNumber()));
            }
        } else {
            List<String> missing = inputs.stream().map(TensorDescription::name)
                    .filter(name -> !columnIndexes.containsKey(name)).toList();
            throw SlipwayException.invalidParameter("%s has no column for model input%s %s (columns: %s)", source,
                    missing.size() == 1 ? "" : "s", quoteAll(missing), String.join(", ", header));
        }
        for (Feed feed : feeds) {
            ColumnSpec spec = signatureColumns.get(feed.name());
            if (spec != null && !spec.type().isNumeric() && feed.slot().type.isNumeric()
                    && spec.type() != ColumnType.BOOLEAN) {
                throw SlipwayException.invalidParameter(
                        "Column '%s' is a %s column in the signature but model input '%s' takes numbers", feed.name(),
                        spec.type().mlflowName(), feed.slot().name);
            }
        }
        this.slots = List.copyOf(slots);
        Set<String> used = new LinkedHashSet<>();
        feeds.forEach(feed -> used.add(feed.name()));
        this.featureColumns = List.copyOf(used);
        int count = feeds.size();
        csvColumns = new int[count];
        kinds = new int[count];
        widths = new int[count];
        offsets = new int[count];
        wholeNumbers = new boolean[count];
        floatTargets = new FloatBuffer[count];
        doubleTargets = new DoubleBuffer[count];
        longTargets = new LongBuffer[count];
        intTargets = new IntBuffer[count];
        stringTargets = new String[count][];
        for (int i = 0; i < count; i++) {
            Feed feed = feeds.get(i);
            Slot slot = feed.slot();
            csvColumns[i] = feed.column();
            widths[i] = slot.width;
            offsets[i] = feed.offset();
            wholeNumbers[i] = feed.wholeNumber();
            switch (slot.type) {
                case FLOAT -> {
                    kinds[i] = KIND_FLOAT;
                    floatTargets[i] = slot.floats;
                }
                case DOUBLE -> {
                    kinds[i] = KIND_DOUBLE;
                    doubleTargets[i] = slot.doubles;
                }
                case INT64 -> {
                    kinds[i] = KIND_INT64;
                    longTargets[i] = slot.longs;
                }
                case INT32 -> {
                    kinds[i] = KIND_INT32;
                    intTargets[i] = slot.ints;
                }
                case STRING -> {
                    kinds[i] = KIND_STRING;
                    stringTargets[i] = slot.strings;
                }
                case BOOL, OTHER -> throw new IllegalStateException("unsupported input " + slot.name);
            }
        }
        this.numericOnly = slots.stream().allMatch(slot -> slot.type != ElementType.STRING);
        TENSORS.register(this, tensors);
    }

    private static boolean optionalColumn(Map<String, ColumnSpec> signatureColumns, String name) {
        ColumnSpec spec = signatureColumns.get(name);
        return spec != null && !spec.required();
    }

    private static void checkColumnInput(TensorDescription input) {
        boolean columnShape = input.rank() == 1 || input.rank() == 2 && input.shape().get(1) == 1;
        if (!columnShape) {
            throw SlipwayException.invalidParameter(
                    "Model input '%s' has shape %s; a column feeds an input of shape [N] or [N, 1]", input.name(),
                    input.shape());
        }
        checkFeedable(input);
    }

    private static void checkFeedable(TensorDescription input) {
        switch (input.type()) {
            case FLOAT, DOUBLE, INT64, INT32, STRING -> {
            }
            case BOOL, OTHER -> throw SlipwayException.invalidParameter(
                    "Model input '%s' has type %s, which cannot be fed from CSV", input.name(), input);
        }
    }

    private static String quoteAll(List<String> names) {
        return String.join(", ", names.stream().map(name -> "'" + name + "'").toList());
    }

    /** The CSV columns this batch reads, in the order they feed the model. */
    public List<String> featureColumns() {
        return featureColumns;
    }

    /** The most rows the batch holds. */
    public int capacity() {
        return capacity;
    }

    /** The rows added since the last {@link #clear()}. */
    public int size() {
        return size;
    }

    /** Whether the batch holds {@link #capacity()} rows. */
    public boolean isFull() {
        return size == capacity;
    }

    /** Empties the batch; the buffers are reused. */
    public void clear() {
        size = 0;
    }

    /**
     * Adds a row whose columns are those of the header this batch was bound to: a
     * {@link CsvReader} positioned on a row, or a {@link dev.slipway.models.data.TextRow}.
     *
     * @throws SlipwayException naming the source, row and column of a cell that is not a number
     *     (or not a whole number) where the model needs one
     * @throws IllegalStateException if the batch is full
     */
    public void addRow(RowValues row) {
        if (size == capacity) {
            throw new IllegalStateException("batch is full");
        }
        int rowIndex = size;
        for (int i = 0; i < csvColumns.length; i++) {
            int column = csvColumns[i];
            int index = rowIndex * widths[i] + offsets[i];
            switch (kinds[i]) {
                case KIND_FLOAT -> {
                    float value = column < 0 ? Float.NaN : row.getFloat(column);
                    if (wholeNumbers[i] && column >= 0) {
                        checkWhole(row, column, value);
                    }
                    floatTargets[i].put(index, value);
                }
                case KIND_DOUBLE -> {
                    double value = column < 0 ? Double.NaN : row.getDouble(column);
                    if (wholeNumbers[i] && column >= 0) {
                        checkWhole(row, column, value);
                    }
                    doubleTargets[i].put(index, value);
                }
                case KIND_INT64 -> longTargets[i].put(index, wholeNumber(row, column));
                case KIND_INT32 -> {
                    long value = wholeNumber(row, column);
                    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
                        throw row.invalidValue(column, "'%s' does not fit in a 32-bit integer".formatted(value));
                    }
                    intTargets[i].put(index, (int) value);
                }
                default -> stringTargets[i][index] = column < 0 ? "" : row.get(column);
            }
        }
        size++;
    }

    private static void checkWhole(RowValues row, int column, double value) {
        if (!Double.isNaN(value) && value != Math.rint(value)) {
            throw row.invalidValue(column, "'%s' is not a whole number".formatted(row.get(column)));
        }
    }

    private long wholeNumber(RowValues row, int column) {
        if (column < 0) {
            throw new IllegalStateException("an optional column cannot feed a whole-number input");
        }
        return row.getLong(column).orElseThrow(() -> row.invalidValue(column,
                "the value is missing and the model's input takes whole numbers"));
    }

    List<Slot> slots() {
        return slots;
    }

    String source() {
        return source;
    }

    /** Whether every input is a numeric buffer, so that tensors over the buffers can be kept. */
    boolean numericOnly() {
        return numericOnly;
    }

    /** The tensors kept for {@code rows} rows, if those were the last ones made. */
    Map<String, OnnxTensor> keptTensors(int rows) {
        return tensors.get(rows);
    }

    /** Keeps tensors made over this batch's buffers for {@code rows} rows, closing the ones kept before. */
    void keepTensors(int rows, Map<String, OnnxTensor> feeds) {
        tensors.set(rows, feeds);
    }

    /** The tensors over a batch's buffers; closed when replaced and by the cleaner once the batch is garbage. */
    private static final class TensorCache implements Runnable {
        private Map<String, OnnxTensor> feeds;
        private int rows = -1;

        synchronized Map<String, OnnxTensor> get(int wanted) {
            return rows == wanted ? feeds : null;
        }

        synchronized void set(int newRows, Map<String, OnnxTensor> newFeeds) {
            run();
            this.rows = newRows;
            this.feeds = newFeeds;
        }

        @Override
        public synchronized void run() {
            if (feeds != null) {
                feeds.values().forEach(OnnxTensor::close);
                feeds = null;
                rows = -1;
            }
        }
    }

    private record Feed(int column, String name, Slot slot, int offset, boolean wholeNumber) {}

    /** The buffer of one model input. */
    static final class Slot {
        final String name;
        final ElementType type;
        final int width;
        final boolean rankTwo;
        final FloatBuffer floats;
        final DoubleBuffer doubles;
        final LongBuffer longs;
        final IntBuffer ints;
        final String[] strings;

        Slot(TensorDescription input, int width, boolean rankTwo, int capacity) {
            checkFeedable(input);
            this.name = input.name();
            this.type = input.type();
            this.width = width;
            this.rankTwo = rankTwo;
            int elements = Math.multiplyExact(capacity, width);
            this.floats = type == ElementType.FLOAT ? direct(elements, Float.BYTES).asFloatBuffer() : null;
            this.doubles = type == ElementType.DOUBLE ? direct(elements, Double.BYTES).asDoubleBuffer() : null;
            this.longs = type == ElementType.INT64 ? direct(elements, Long.BYTES).asLongBuffer() : null;
            this.ints = type == ElementType.INT32 ? direct(elements, Integer.BYTES).asIntBuffer() : null;
            this.strings = type == ElementType.STRING ? new String[elements] : null;
        }

        long[] shape(int rows) {
            return rankTwo ? new long[] {rows, width} : new long[] {rows};
        }

        String[] strings(int rows) {
            int elements = rows * width;
            return elements == strings.length ? strings : Arrays.copyOf(strings, elements);
        }

        private static ByteBuffer direct(int elements, int bytes) {
            return ByteBuffer.allocateDirect(Math.multiplyExact(elements, bytes)).order(ByteOrder.nativeOrder());
        }
    }
}
