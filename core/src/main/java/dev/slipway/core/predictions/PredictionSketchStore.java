package dev.slipway.core.predictions;

import java.util.List;
import java.util.function.BinaryOperator;

/**
 * The persistence port of prediction sketches: per model version and time bucket, the number of rows logged and a
 * mergeable sketch of their inputs and outputs, so that monitors and reports read a window of any length in memory
 * bounded by the number of buckets, not rows. The sketch bytes are opaque here; the caller supplies how two of them
 * merge.
 *
 * <p>Implementations are thread-safe, and safe with several processes (server replicas) adding to the same bucket:
 * each bucket's read-merge-write is atomic, so no delta is lost or counted twice. Failures are
 * {@link dev.slipway.core.SlipwayException}s: INTERNAL_ERROR or TEMPORARILY_UNAVAILABLE when the database fails.
 */
public interface PredictionSketchStore {

    /**
     * Adds each delta to the stored bucket with its model name, version and bucket start, all or none: the rows are
     * summed and the stored sketch becomes {@code merge.apply(stored, delta)}; a bucket not stored yet is stored as
     * the delta. {@code merge} must be a pure function (it may be called again when a transaction is retried).
     * Several deltas for the same bucket in one call are all added.
     */
    void mergeBuckets(List<SketchBucket> deltas, BinaryOperator<byte[]> merge);

    /**
     * The stored buckets of the model version whose start lies in {@code [fromBucketStart, toBucketStart)}, oldest
     * first; empty for an unknown model or version.
     */
    List<SketchBucket> buckets(String modelName, String modelVersion, long fromBucketStart, long toBucketStart);
}
