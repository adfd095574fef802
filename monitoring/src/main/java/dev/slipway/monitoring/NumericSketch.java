package dev.slipway.monitoring;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.SlipwayException;

/**
 * A mergeable quantile sketch of one numeric column: a log-linear histogram over the bits of the IEEE-754 value.
 *
 * <p><b>Buckets.</b> A non-zero value {@code x} goes to the bucket named by its sign, its binary exponent and the top
 * {@value #SUB_BUCKET_BITS} bits of its mantissa, so each power of two is split into 128 equal-width buckets and a
 * bucket's width is at most {@code 2^-7} of its lower bound. Exact zeros have their own bucket. Finding the bucket is
 * a shift of the raw bits: no logarithm on the update path.
 *
 * <p><b>Error bound.</b> A value is reported as its bucket's midpoint, so every value read back from the sketch
 * ({@link #quantile}, the points of {@link #distinctValues}) is within a relative error of {@link #RELATIVE_ACCURACY}
 * ({@code 2^-8}, about 0.39%) of a true value at that rank; ranks themselves are exact. {@link #rank} is exact at bucket
 * boundaries. Statistics computed from the sketch (KS, Wasserstein, ...) are therefore the exact statistics of the data
 * with each value moved by at most 0.39% of its magnitude. Count, missing count, min, max, mean and variance are exact
 * (up to floating-point rounding).
 *
 * <p><b>Span cap.</b> Each sign keeps at most {@code maxBuckets} consecutive buckets, by default
 * {@link #DEFAULT_MAX_BUCKETS} (64 powers of two: a ratio of about 1.8e19 between the largest magnitude and the smallest
 * that keeps the relative bound). Smaller magnitudes fold into the lowest kept bucket, so their error is bounded in
 * absolute terms instead, by {@code 2^-63} times the largest magnitude of their sign: an outlier of 1e15 leaves values
 * above 1e-4 exact to 0.39% and moves smaller ones by at most 1e-4.
 *
 * <p><b>Memory</b> is at most {@code 2 x maxBuckets} longs, independent of the number of values.
 *
 * <p><b>Missing and invalid values.</b> {@code NaN} (and {@link #addMissing()}) count as missing; infinities (and
 * {@link #addInvalid()}, for a value that does not parse as a number) count as invalid; neither enters the histogram.
 *
 * <p>Not thread-safe: give each thread its own sketch and {@link #merge} them, or guard updates with a lock (as
 * {@link WindowSketch} does). Merging is exact: merging sketches of batches gives the sketch of the whole data.
 */
public final class NumericSketch {
    /** Mantissa bits kept per bucket: 128 buckets per power of two. */
    public static final int SUB_BUCKET_BITS = 7;
    /** Relative error bound of a value read back from the sketch: half a bucket, 2^-8. */
    public static final double RELATIVE_ACCURACY = 1.0 / (1 << (SUB_BUCKET_BITS + 1));
    /** Default cap on the bucket span per sign: 64 powers of two. */
    public static final int DEFAULT_MAX_BUCKETS = 64 << SUB_BUCKET_BITS;

    private static final int SHIFT = 52 - SUB_BUCKET_BITS;

    private final int maxBuckets;
    private final BucketStore positive;
    private final BucketStore negative;
    private long zeros;
    private long count;
    private long missing;
    private long invalid;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private double mean;
    private double sumSquaredDeviations;

    public NumericSketch() {
        this(DEFAULT_MAX_BUCKETS);
    }

    /** @throws SlipwayException if {@code maxBuckets} is below 128 (one power of two) */
    public NumericSketch(int maxBuckets) {
        if (maxBuckets < (1 << SUB_BUCKET_BITS)) {
            throw SlipwayException.invalidParameter("maxBuckets must be at least %d, got %d", 1 << SUB_BUCKET_BITS, maxBuckets);
        }
        this.maxBuckets = maxBuckets;
        this.positive = new BucketStore(maxBuckets);
        this.negative = new BucketStore(maxBuckets);
    }

    /** Adds one value: NaN counts as missing, an infinity as invalid. */
    public void add(double value) {
        if (value != value) {
            missing++;
            return;
        }
        if (value == Double.POSITIVE_INFINITY || value == Double.NEGATIVE_INFINITY) {
            invalid++;
            return;
        }
        long n = ++count;
        if (value < min) {
            min = value;
        }
        if (value > max) {
            max = value;
        }
        double delta = value - mean;
        mean += delta / n;
        sumSquaredDeviations += delta * (value - mean);
        if (value > 0) {
            positive.add(key(value), 1);
        } else if (value < 0) {
            negative.add(key(-value), 1);
        } else {
            zeros++;
        }
    }

    public void addMissing() {
        missing++;
    }

    /** Counts a value that is not a finite number (it does not parse, or is infinite). */
    public void addInvalid() {
        invalid++;
    }

    void addMissing(long values) {
        missing += values;
    }

    void addInvalid(long values) {
        invalid += values;
    }

    /** Adds everything in {@code other} to this sketch; {@code other} is unchanged. */
    public void merge(NumericSketch other) {
        requireNonNull(other, "other is null");
        if (other.count > 0) {
            long n = count + other.count;
            double delta = other.mean - mean;
            sumSquaredDeviations += other.sumSquaredDeviations + delta * delta * ((double) count * other.count / n);
            mean += delta * other.count / n;
            count = n;
            min = Math.min(min, other.min);
            max = Math.max(max, other.max);
            zeros += other.zeros;
            positive.addAll(other.positive);
            negative.addAll(other.negative);
        }
        missing += other.missing;
        invalid += other.invalid;
    }

    /** A new, empty sketch with the same bucket cap. */
    public NumericSketch emptyLike() {
        return new NumericSketch(maxBuckets);
    }

    public NumericSketch copy() {
        NumericSketch copy = new NumericSketch(maxBuckets);
        copy.merge(this);
        return copy;
    }

    /** Number of finite values added. */
    public long count() {
        return count;
    }

    public long missingCount() {
        return missing;
    }

    public long invalidCount() {
        return invalid;
    }

    /** All rows seen: values, missing and invalid. */
    public long rows() {
        return count + missing + invalid;
    }

    /** Smallest value; NaN when empty. */
    public double min() {
        return count == 0 ? Double.NaN : min;
    }

    /** Largest value; NaN when empty. */
    public double max() {
        return count == 0 ? Double.NaN : max;
    }

    /** Mean; NaN when empty. */
    public double mean() {
        return count == 0 ? Double.NaN : mean;
    }

    /** Population variance (divisor n); NaN when empty. */
    public double variance() {
        return count == 0 ? Double.NaN : Math.max(0, sumSquaredDeviations / count);
    }

    /**
     * The value of rank {@code ceil(q * count)} (the smallest value for q = 0), within {@link #RELATIVE_ACCURACY}; the
     * exact min and max are returned for q = 0 and q = 1. NaN when empty.
     *
     * @throws SlipwayException if q is outside [0, 1]
     */
    public double quantile(double q) {
        if (!(q >= 0 && q <= 1)) {
            throw SlipwayException.invalidParameter("quantile must be in [0, 1], got %s", q);
        }
        if (count == 0) {
            return Double.NaN;
        }
        if (q == 0) {
            return min;
        }
        if (q == 1) {
            return max;
        }
        long rank = Math.max(1, (long) Math.ceil(q * count));
        WeightedValues values = distinctValues();
        long seen = 0;
        for (int i = 0; i < values.size(); i++) {
            seen += values.count(i);
            if (seen >= rank) {
                return Math.min(max, Math.max(min, values.value(i)));
            }
        }
        return max;
    }

    /**
     * Number of values {@code <= x}, within the count of the one bucket containing {@code x}: that bucket's values are
     * counted when its midpoint is {@code <= x}. Exact when {@code x} is outside [min, max].
     */
    public long rank(double x) {
        WeightedValues values = distinctValues();
        long seen = 0;
        for (int i = 0; i < values.size() && values.value(i) <= x; i++) {
            seen += values.count(i);
        }
        if (x >= max) {
            return count;
        }
        return x < min ? 0 : seen;
    }

    /** Number of non-empty buckets: the number of distinct values when they are few and far apart (e.g. integers). */
    public int distinctBuckets() {
        return negative.nonEmpty() + positive.nonEmpty() + (zeros > 0 ? 1 : 0);
    }

    /** The histogram as ascending bucket midpoints with their counts (exact zeros as 0.0). */
    public WeightedValues distinctValues() {
        int size = distinctBuckets();
        double[] values = new double[size];
        long[] counts = new long[size];
        int next = 0;
        long[] negativeCounts = negative.counts;
        for (int i = negativeCounts.length - 1; i >= 0; i--) {
            if (negativeCounts[i] > 0) {
                values[next] = -midpoint(negative.offset + i);
                counts[next++] = negativeCounts[i];
            }
        }
        if (zeros > 0) {
            values[next] = 0.0;
            counts[next++] = zeros;
        }
        long[] positiveCounts = positive.counts;
        for (int i = 0; i < positiveCounts.length; i++) {
            if (positiveCounts[i] > 0) {
                values[next] = midpoint(positive.offset + i);
                counts[next++] = positiveCounts[i];
            }
        }
        return new WeightedValues(values, counts);
    }

    /**
     * Number of values surely below {@code lower} or surely above {@code upper}: buckets lying wholly outside the range.
     * It undercounts by at most the values of the two buckets containing the bounds.
     */
    public long countOutside(double lower, double upper) {
        long outside = 0;
        WeightedValues values = distinctValues();
        for (int i = 0; i < values.size(); i++) {
            double value = values.value(i);
            double halfWidth = Math.abs(value) * RELATIVE_ACCURACY;
            if (value + halfWidth < lower || value - halfWidth > upper) {
                outside += values.count(i);
            }
        }
        if (count > 0 && outside == 0 && (min < lower || max > upper)) {
            outside = 1;
        }
        return outside;
    }

    static int key(double magnitude) {
        return (int) (Double.doubleToRawLongBits(magnitude) >>> SHIFT);
    }

    static double midpoint(int key) {
        double lower = Double.longBitsToDouble((long) key << SHIFT);
        double upper = Double.longBitsToDouble((long) (key + 1) << SHIFT);
        return lower + (upper - lower) / 2;
    }

    /** The sketch as JSON, for storage; {@link #fromJson} reads it back. */
    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("kind", "numeric");
        json.put("max_buckets", maxBuckets);
        json.put("count", count);
        json.put("missing", missing);
        json.put("invalid", invalid);
        if (count > 0) {
            json.put("min", min);
            json.put("max", max);
            json.put("mean", mean);
            json.put("m2", sumSquaredDeviations);
        }
        json.put("zeros", zeros);
        json.set("positive", positive.toJson());
        json.set("negative", negative.toJson());
        return json;
    }

    /** @throws SlipwayException if the JSON is not a numeric sketch */
    public static NumericSketch fromJson(JsonNode json) {
        requireNonNull(json, "json is null");
        if (!"numeric".equals(json.path("kind").asText())) {
            throw SlipwayException.invalidParameter("Not a numeric sketch: kind '%s'", json.path("kind").asText());
        }
        NumericSketch sketch = new NumericSketch(json.path("max_buckets").asInt(DEFAULT_MAX_BUCKETS));
        sketch.count = json.path("count").asLong();
        sketch.missing = json.path("missing").asLong();
        sketch.invalid = json.path("invalid").asLong();
        if (sketch.count > 0) {
            sketch.min = json.path("min").asDouble();
            sketch.max = json.path("max").asDouble();
            sketch.mean = json.path("mean").asDouble();
            sketch.sumSquaredDeviations = json.path("m2").asDouble();
        }
        sketch.zeros = json.path("zeros").asLong();
        sketch.positive.readJson(json.path("positive"));
        sketch.negative.readJson(json.path("negative"));
        return sketch;
    }

    /** Counts per bucket key in a dense array that grows to cover the keys seen, up to a span of maxBuckets. */
    private static final class BucketStore {
        private final int maxBuckets;
        private long[] counts = new long[0];
        private int offset;

        BucketStore(int maxBuckets) {
            this.maxBuckets = maxBuckets;
        }

        void add(int key, long increment) {
            int index = key - offset;
            if (index >= 0 && index < counts.length) {
                counts[index] += increment;
                return;
            }
            addOutsideRange(key, increment);
        }

        private void addOutsideRange(int key, long increment) {
            if (counts.length == 0) {
                int length = Math.min(maxBuckets, 1 << SUB_BUCKET_BITS);
                counts = new long[length];
                offset = key - length / 2;
                add(key, increment);
                return;
            }
            int end = offset + counts.length - 1;
            int padding = 1 << (SUB_BUCKET_BITS - 1);
            int newLow = key < offset ? key - padding : offset;
            int newHigh = key > end ? key + padding : end;
            if (newHigh - newLow + 1 > maxBuckets) {
                newHigh = Math.max(end, key);
                newLow = newHigh - maxBuckets + 1;
            }
            long[] grown = new long[newHigh - newLow + 1];
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] != 0) {
                    grown[Math.max(0, offset + i - newLow)] += counts[i];
                }
            }
            counts = grown;
            offset = newLow;
            // keys below the kept span fold into the lowest bucket (smallest magnitudes lose the relative bound)
            counts[Math.max(0, key - offset)] += increment;
        }

        void addAll(BucketStore other) {
            for (int i = 0; i < other.counts.length; i++) {
                if (other.counts[i] != 0) {
                    add(other.offset + i, other.counts[i]);
                }
            }
        }

        int nonEmpty() {
            int nonEmpty = 0;
            for (long c : counts) {
                if (c != 0) {
                    nonEmpty++;
                }
            }
            return nonEmpty;
        }

        ObjectNode toJson() {
            int first = 0;
            int last = counts.length - 1;
            while (first <= last && counts[first] == 0) {
                first++;
            }
            while (last >= first && counts[last] == 0) {
                last--;
            }
            ObjectNode json = JsonNodeFactory.instance.objectNode();
            json.put("offset", offset + first);
            var array = json.putArray("counts");
            for (int i = first; i <= last; i++) {
                array.add(counts[i]);
            }
            return json;
        }

        void readJson(JsonNode json) {
            int start = json.path("offset").asInt();
            JsonNode array = json.path("counts");
            for (int i = 0; i < array.size(); i++) {
                long c = array.get(i).asLong();
                if (c != 0) {
                    add(start + i, c);
                }
            }
        }
    }
}
