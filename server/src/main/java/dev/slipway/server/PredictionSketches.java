package dev.slipway.server;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.core.predictions.PredictionSketchStore;
import dev.slipway.core.predictions.SketchBucket;
import dev.slipway.monitoring.ColumnSpec;
import dev.slipway.monitoring.ColumnType;
import dev.slipway.monitoring.DatasetSketch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BinaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sketches of logged predictions, per model version and time bucket (one hour by default, by each row's
 * timestamp), built as rows are logged and added to the {@link PredictionSketchStore} by a background flusher every
 * few seconds and on {@link #close()}. Only the buckets touched since the last flush are held in memory, each as a
 * {@link DatasetSketch}, so memory depends on the number of model versions and columns, not on the number of rows.
 *
 * <p><b>Columns.</b> Each key of a row's inputs object is a column; each key of its outputs object is a column named
 * with the prefix {@value #OUTPUT_PREFIX} ({@code label} becomes {@code prediction.label}). A column's type comes
 * from the first non-null value seen for the model version: a number makes it numeric, a string or a boolean
 * categorical (a list or object counts as a type violation). The columns of a model version are remembered, so its
 * buckets share them; a column that appears later widens the sketch, the rows before it counting it as missing. At
 * most {@value #MAX_COLUMNS} columns are kept per model version; values of further columns are ignored.
 *
 * <p>Thread-safe. {@link #window} includes rows not flushed yet, and never counts a row twice while a flush is under
 * way; with several server replicas, rows another replica has not flushed yet are missing from the answer for at
 * most one flush interval.
 */
final class PredictionSketches implements AutoCloseable {
    /** The prefix of output columns in the sketches. */
    static final String OUTPUT_PREFIX = "prediction.";
    static final Duration DEFAULT_BUCKET_LENGTH = Duration.ofHours(1);
    static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(5);
    static final int MAX_COLUMNS = 1000;
    /** The columns of at most this many model versions are remembered; beyond, the memory is cleared. */
    private static final int MAX_REMEMBERED_LAYOUTS = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(PredictionSketches.class);
    private static final BinaryOperator<byte[]> MERGE = (stored, delta) ->
            DatasetSketch.union(DatasetSketch.fromBytes(stored), DatasetSketch.fromBytes(delta)).toBytes();

    /** One logged row to sketch: its model version, timestamp (epoch ms) and its inputs and outputs objects. */
    record Row(String modelName, String modelVersion, long timestamp, JsonNode inputs, JsonNode outputs) {
        Row {
            requireNonNull(modelName, "modelName is null");
            requireNonNull(modelVersion, "modelVersion is null");
            requireNonNull(inputs, "inputs is null");
            requireNonNull(outputs, "outputs is null");
        }
    }

    /** The rows of a model version in a window and their merged sketch, absent when there are none. */
    record Window(long rows, Optional<DatasetSketch> sketch) {
        Window {
            requireNonNull(sketch, "sketch is null");
        }
    }

    private record ModelKey(String modelName, String modelVersion) {}

    private record BucketKey(ModelKey model, long bucketStart) {}

    private final PredictionSketchStore store;
    private final long bucketMillis;
    /** Adders hold it shared while they add to {@link #open}; a flush holds it exclusively to swap the map. */
    private final ReadWriteLock generationLock = new ReentrantReadWriteLock();
    /** Window reads hold it shared; a flush holds it exclusively from the swap until the store has the deltas. */
    private final ReadWriteLock flushLock = new ReentrantReadWriteLock();
    private final Map<ModelKey, Layout> layouts = new ConcurrentHashMap<>();
    private volatile Map<BucketKey, OpenBucket> open = new ConcurrentHashMap<>();
    /** Deltas a failed flush could not store, retried by the next one; guarded by {@link #flushLock}. */
    private final Map<BucketKey, DatasetSketch> unflushed = new HashMap<>();
    private volatile Optional<ScheduledExecutorService> flusher = Optional.empty();

    /** @param bucketLength the length of a bucket; buckets start at whole multiples of it since the epoch */
    PredictionSketches(PredictionSketchStore store, Duration bucketLength) {
        this.store = requireNonNull(store, "store is null");
        requireNonNull(bucketLength, "bucketLength is null");
        if (bucketLength.toMillis() < 1) {
            throw new IllegalArgumentException("bucketLength must be at least 1 ms: " + bucketLength);
        }
        this.bucketMillis = bucketLength.toMillis();
    }

    /** Starts flushing to the store every {@code interval} on a daemon thread, until {@link #close()}. */
    synchronized void startFlushing(Duration interval) {
        if (flusher.isPresent()) {
            throw new IllegalStateException("Already flushing");
        }
        long millis = interval.toMillis();
        if (millis < 1) {
            throw new IllegalArgumentException("interval must be at least 1 ms: " + interval);
        }
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "slipway-prediction-sketch-flusher");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::flushQuietly, millis, millis, TimeUnit.MILLISECONDS);
        flusher = Optional.of(executor);
    }

    long bucketStart(long timestamp) {
        return Math.floorDiv(timestamp, bucketMillis) * bucketMillis;
    }

    /** Adds the rows to the sketches of their buckets. */
    void add(List<Row> rows) {
        requireNonNull(rows, "rows is null");
        generationLock.readLock().lock();
        try {
            Map<BucketKey, OpenBucket> current = open;
            // Rows are read into value arrays first, then added with one lock per sketch and batch: taking a lock
            // per row costs more than the sketch update once request threads contend.
            Map<DatasetSketch, List<Object[]>> batches = new IdentityHashMap<>();
            for (Row row : rows) {
                ModelKey model = new ModelKey(row.modelName(), row.modelVersion());
                BucketKey key = new BucketKey(model, bucketStart(row.timestamp()));
                OpenBucket bucket = current.get(key);
                if (bucket == null) {
                    bucket = current.computeIfAbsent(key, absent -> new OpenBucket(layoutFor(model, row)));
                }
                bucket.prepare(row, this, batches);
            }
            batches.forEach((sketch, values) -> {
                synchronized (sketch) {
                    for (Object[] row : values) {
                        sketch.add(row);
                    }
                }
            });
        } finally {
            generationLock.readLock().unlock();
        }
    }

    /** The remembered columns of the model version, widened by the row's. */
    private Layout layoutFor(ModelKey model, Row row) {
        Layout known = layouts.get(model);
        Layout layout = known == null ? Layout.EMPTY.widen(row) : known.widen(row);
        remember(model, layout);
        return layout;
    }

    private void remember(ModelKey model, Layout layout) {
        if (layouts.size() >= MAX_REMEMBERED_LAYOUTS && !layouts.containsKey(model)) {
            layouts.clear();
        }
        layouts.merge(model, layout, (known, wider) -> wider.size() >= known.size() ? wider : known);
    }

    /** The number of buckets held in memory: those touched since the last flush. */
    int openBuckets() {
        flushLock.readLock().lock();
        try {
            return open.size() + unflushed.size();
        } finally {
            flushLock.readLock().unlock();
        }
    }

    /**
     * Adds the buckets held in memory to the store and forgets them; when the store fails, they are kept (merged per
     * bucket) for the next flush and the failure is thrown.
     */
    void flush() {
        flushLock.writeLock().lock();
        try {
            Map<BucketKey, OpenBucket> swapped;
            generationLock.writeLock().lock();
            try {
                swapped = open;
                open = new ConcurrentHashMap<>();
            } finally {
                generationLock.writeLock().unlock();
            }
            // No adder holds the swapped map any more: its sketches are final.
            swapped.forEach((key, bucket) -> bucket.snapshot().ifPresent(sketch ->
                    unflushed.merge(key, sketch, DatasetSketch::union)));
            if (unflushed.isEmpty()) {
                return;
            }
            List<SketchBucket> deltas = new ArrayList<>(unflushed.size());
            unflushed.forEach((key, sketch) -> deltas.add(new SketchBucket(key.model().modelName(),
                    key.model().modelVersion(), key.bucketStart(), sketch.rows(), sketch.toBytes())));
            store.mergeBuckets(deltas, MERGE);
            unflushed.clear();
        } finally {
            flushLock.writeLock().unlock();
        }
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.warn("Could not store prediction sketches; keeping them for the next flush", e);
        }
    }

    /**
     * The model version's rows whose bucket overlaps {@code [startTime, endTime)}, stored or not flushed yet: whole
     * buckets, from the one holding {@code startTime} to the last starting before {@code endTime}.
     */
    Window window(String modelName, String modelVersion, long startTime, long endTime) {
        requireNonNull(modelName, "modelName is null");
        requireNonNull(modelVersion, "modelVersion is null");
        long from = bucketStart(startTime);
        ModelKey model = new ModelKey(modelName, modelVersion);
        List<DatasetSketch> parts = new ArrayList<>();
        flushLock.readLock().lock();
        try {
            for (SketchBucket bucket : store.buckets(modelName, modelVersion, from, endTime)) {
                parts.add(DatasetSketch.fromBytes(bucket.sketch()));
            }
            unflushed.forEach((key, sketch) -> {
                if (key.model().equals(model) && key.bucketStart() >= from && key.bucketStart() < endTime) {
                    parts.add(sketch);
                }
            });
            open.forEach((key, bucket) -> {
                if (key.model().equals(model) && key.bucketStart() >= from && key.bucketStart() < endTime) {
                    bucket.snapshot().ifPresent(parts::add);
                }
            });
        } finally {
            flushLock.readLock().unlock();
        }
        Optional<DatasetSketch> merged = parts.stream().reduce(DatasetSketch::union);
        return new Window(merged.map(DatasetSketch::rows).orElse(0L), merged);
    }

    /** Stops the flusher and stores what is held in memory; a store failure is logged, and those sketches lost. */
    @Override
    public void close() {
        Optional<ScheduledExecutorService> executor;
        synchronized (this) {
            executor = flusher;
            flusher = Optional.empty();
        }
        executor.ifPresent(running -> {
            running.shutdown();
            try {
                if (!running.awaitTermination(30, TimeUnit.SECONDS)) {
                    LOG.warn("The prediction sketch flusher did not stop within 30 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.error("Could not store the prediction sketches of {} buckets on shutdown; they are lost",
                    unflushedBuckets(), e);
        }
    }

    private int unflushedBuckets() {
        flushLock.readLock().lock();
        try {
            return unflushed.size();
        } finally {
            flushLock.readLock().unlock();
        }
    }

    /**
     * The columns of a sketch, with the index of each input and output key (outputs without their prefix, so that a
     * row's keys are looked up without building strings). Immutable.
     */
    private static final class Layout {
        static final Layout EMPTY = new Layout(List.of(), Map.of(), Map.of());

        final List<ColumnSpec> columns;
        final Map<String, Integer> inputIndex;
        final Map<String, Integer> outputIndex;

        private Layout(List<ColumnSpec> columns, Map<String, Integer> inputIndex, Map<String, Integer> outputIndex) {
            this.columns = List.copyOf(columns);
            this.inputIndex = Map.copyOf(inputIndex);
            this.outputIndex = Map.copyOf(outputIndex);
        }

        int size() {
            return columns.size();
        }

        /** Whether every key of the row with a non-null value has a column. */
        boolean covers(Row row) {
            return covers(row.inputs(), inputIndex) && covers(row.outputs(), outputIndex);
        }

        private boolean covers(JsonNode object, Map<String, Integer> index) {
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                if (!index.containsKey(field.getKey()) && !field.getValue().isNull()) {
                    return false;
                }
            }
            return true;
        }

        /** These columns plus a column for each new key of the row with a non-null value; this layout if none. */
        Layout widen(Row row) {
            if (covers(row) && !columns.isEmpty()) {
                return this;
            }
            List<ColumnSpec> wider = new ArrayList<>(columns);
            Map<String, Integer> inputs = new HashMap<>(inputIndex);
            Map<String, Integer> outputs = new HashMap<>(outputIndex);
            addColumns(row.inputs(), "", inputs, wider);
            addColumns(row.outputs(), OUTPUT_PREFIX, outputs, wider);
            if (wider.isEmpty()) {
                // Nothing but nulls so far: the sketch needs a column, and a null says nothing of the type.
                addNullColumns(row.inputs(), "", inputs, wider);
                addNullColumns(row.outputs(), OUTPUT_PREFIX, outputs, wider);
            }
            return wider.size() == columns.size() ? this : new Layout(wider, inputs, outputs);
        }

        private static void addColumns(JsonNode object, String prefix, Map<String, Integer> index,
                List<ColumnSpec> columns) {
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                JsonNode value = field.getValue();
                if (!value.isNull() && !index.containsKey(field.getKey()) && columns.size() < MAX_COLUMNS) {
                    ColumnType type = value.isNumber() ? ColumnType.NUMERIC : ColumnType.CATEGORICAL;
                    index.put(field.getKey(), columns.size());
                    columns.add(new ColumnSpec(prefix + field.getKey(), type));
                }
            }
        }

        private static void addNullColumns(JsonNode object, String prefix, Map<String, Integer> index,
                List<ColumnSpec> columns) {
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                if (!index.containsKey(field.getKey()) && !field.getKey().isBlank() && columns.size() < MAX_COLUMNS) {
                    index.put(field.getKey(), columns.size());
                    columns.add(new ColumnSpec(prefix + field.getKey(), ColumnType.NUMERIC));
                }
            }
        }

        /**
         * The row's values in column order, or empty when a key with a non-null value has no column (one pass over
         * the row: this is the per-row cost of logging).
         */
        Optional<Object[]> values(Row row) {
            Object[] values = new Object[columns.size()];
            return fill(row.inputs(), inputIndex, values) && fill(row.outputs(), outputIndex, values)
                    ? Optional.of(values) : Optional.empty();
        }

        /** The row's values in column order; keys without a column are left out. */
        Object[] knownValues(Row row) {
            Object[] values = new Object[columns.size()];
            fill(row.inputs(), inputIndex, values);
            fill(row.outputs(), outputIndex, values);
            return values;
        }

        private static boolean fill(JsonNode object, Map<String, Integer> index, Object[] values) {
            boolean covered = true;
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                Integer column = index.get(field.getKey());
                if (column != null) {
                    values[column] = value(field.getValue());
                } else if (!field.getValue().isNull()) {
                    covered = false;
                }
            }
            return covered;
        }

        /** A JSON value as {@link DatasetSketch} reads it: number, string, boolean, null, or a container (invalid). */
        private static Object value(JsonNode node) {
            return switch (node.getNodeType()) {
                case NUMBER -> node.doubleValue();
                case STRING -> node.textValue();
                case BOOLEAN -> node.booleanValue();
                case NULL, MISSING -> null;
                case ARRAY, OBJECT, BINARY, POJO -> node;
            };
        }
    }

    /**
     * A bucket held in memory: one {@link DatasetSketch} per layout it has had, each guarded by its own monitor; a
     * row with a new column starts a wider one, and {@link #snapshot()} unites them.
     */
    private static final class OpenBucket {
        /** The sketch that takes rows, and the columns it has; replaced together when a row brings a new column. */
        private record Part(Layout layout, DatasetSketch sketch) {}

        private final List<DatasetSketch> sketches = new CopyOnWriteArrayList<>();
        private volatile Optional<Part> current = Optional.empty();

        OpenBucket(Layout layout) {
            if (layout.size() > 0) {
                start(layout);
            }
        }

        private Part start(Layout layout) {
            Part part = new Part(layout, new DatasetSketch(layout.columns));
            sketches.add(part.sketch());
            current = Optional.of(part);
            return part;
        }

        /** Reads the row's values into the batch of the sketch that takes them, widening the columns if needed. */
        void prepare(Row row, PredictionSketches owner, Map<DatasetSketch, List<Object[]>> batches) {
            Optional<Part> seen = current;
            if (seen.isPresent()) {
                Optional<Object[]> values = seen.get().layout().values(row);
                if (values.isPresent()) {
                    batches.computeIfAbsent(seen.get().sketch(), sketch -> new ArrayList<>()).add(values.get());
                    return;
                }
            }
            Part part;
            synchronized (this) {
                Layout layout = current.map(Part::layout).orElse(Layout.EMPTY);
                Layout wider = layout.widen(row);
                if (wider.size() == 0) {
                    return; // a row without any key: nothing to sketch
                }
                if (wider != layout || current.isEmpty()) {
                    owner.rememberWider(row, wider);
                    part = start(wider);
                } else {
                    part = current.get(); // another thread widened it, or the row's new keys are over the cap
                }
            }
            batches.computeIfAbsent(part.sketch(), sketch -> new ArrayList<>()).add(part.layout().knownValues(row));
        }

        Optional<DatasetSketch> snapshot() {
            return sketches.stream().map(sketch -> {
                synchronized (sketch) {
                    return sketch.copy();
                }
            }).reduce(DatasetSketch::union);
        }
    }

    private void rememberWider(Row row, Layout layout) {
        remember(new ModelKey(row.modelName(), row.modelVersion()), layout);
    }
}
