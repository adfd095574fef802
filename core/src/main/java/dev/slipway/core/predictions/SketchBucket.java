package dev.slipway.core.predictions;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * The sketch of the predictions one model version scored in one time bucket: the bucket's start (epoch ms), the
 * number of rows and the sketch itself as opaque bytes (the monitoring module's serialised dataset sketch; core does
 * not read them). Used both for what is stored and for a delta to add to it. The bytes are copied in and out.
 */
public record SketchBucket(String modelName, String modelVersion, long bucketStart, long rows, byte[] sketch) {
    public SketchBucket {
        requireNonNull(modelName, "modelName is null");
        requireNonNull(modelVersion, "modelVersion is null");
        requireNonNull(sketch, "sketch is null");
        if (rows < 0) {
            throw new IllegalArgumentException("rows is negative: " + rows);
        }
        sketch = sketch.clone();
    }

    @Override
    public byte[] sketch() {
        return sketch.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SketchBucket bucket && modelName.equals(bucket.modelName)
                && modelVersion.equals(bucket.modelVersion) && bucketStart == bucket.bucketStart
                && rows == bucket.rows && Arrays.equals(sketch, bucket.sketch);
    }

    @Override
    public int hashCode() {
        return (modelName.hashCode() * 31 + modelVersion.hashCode()) * 31 + Long.hashCode(bucketStart);
    }

    @Override
    public String toString() {
        return "SketchBucket[" + modelName + "/" + modelVersion + " @" + bucketStart + ", rows=" + rows + ", "
                + sketch.length + " bytes]";
    }
}
