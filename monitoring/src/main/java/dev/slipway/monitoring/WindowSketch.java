package dev.slipway.monitoring;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * The thread-safe sketch of a window of logged predictions, cheap enough to update on every request.
 *
 * <p>Updates go to one of a power-of-two number of {@link DatasetSketch} shards chosen by the calling thread, each
 * guarded by its own lock, so concurrent request threads rarely contend; {@link #snapshot()} merges the shards into a
 * new {@link DatasetSketch} (exactly: the merge of sketches equals the sketch of the whole data). Values are read as
 * {@link DatasetSketch} describes.
 */
public final class WindowSketch {
    private final DatasetSketch[] shards;
    private final int mask;

    /** One shard per available processor, rounded up to a power of two. */
    public WindowSketch(List<ColumnSpec> columns) {
        this(columns, Runtime.getRuntime().availableProcessors());
    }

    /** About {@code shardHint} shards (rounded up to a power of two, at most 64), with the default sketch caps. */
    public WindowSketch(List<ColumnSpec> columns, int shardHint) {
        this(columns, shardHint, NumericSketch.DEFAULT_MAX_BUCKETS, FrequencySketch.DEFAULT_MAX_DISTINCT);
    }

    /** @see DatasetSketch#DatasetSketch(List, int, int) for the caps */
    public WindowSketch(List<ColumnSpec> columns, int shardHint, int maxBuckets, int maxDistinct) {
        requireNonNull(columns, "columns is null");
        int count = Integer.highestOneBit(Math.max(1, Math.min(64, shardHint)) * 2 - 1);
        shards = new DatasetSketch[count];
        for (int i = 0; i < count; i++) {
            shards[i] = new DatasetSketch(columns, maxBuckets, maxDistinct);
        }
        mask = count - 1;
    }

    private DatasetSketch shard() {
        return shards[(int) Thread.currentThread().getId() & mask];
    }

    /** Adds one row by column name. */
    public void add(Map<String, ?> row) {
        DatasetSketch shard = shard();
        synchronized (shard) {
            shard.add(row);
        }
    }

    /** Adds one row in the schema's column order. */
    public void add(Object[] row) {
        DatasetSketch shard = shard();
        synchronized (shard) {
            shard.add(row);
        }
    }

    /** Adds a batch as one array per column; see {@link DatasetSketch#addColumns}. */
    public void addColumns(int rowCount, Map<String, ?> columnArrays) {
        DatasetSketch shard = shard();
        synchronized (shard) {
            shard.addColumns(rowCount, columnArrays);
        }
    }

    /** Counts a value of {@code column} that does not parse as the column's type. */
    public void recordTypeViolation(String column) {
        DatasetSketch shard = shard();
        synchronized (shard) {
            shard.recordTypeViolation(column);
        }
    }

    public List<ColumnSpec> columns() {
        return shards[0].columns();
    }

    /** A merged copy of everything added so far; later updates do not change it. */
    public DatasetSketch snapshot() {
        DatasetSketch merged = shards[0].emptyLike();
        for (DatasetSketch shard : shards) {
            synchronized (shard) {
                merged.merge(shard);
            }
        }
        return merged;
    }
}
