package dev.slipway.monitoring;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import java.util.Arrays;

/**
 * Distinct values in ascending order, each with how many times it occurs: the form every numeric drift statistic
 * reads, whether it comes from raw data (exact) or from a {@link NumericSketch} (bucket midpoints). Immutable.
 */
public final class WeightedValues {
    private final double[] values;
    private final long[] counts;
    private final long total;

    WeightedValues(double[] values, long[] counts) {
        this.values = values;
        this.counts = counts;
        long sum = 0;
        for (long c : counts) {
            sum += c;
        }
        this.total = sum;
    }

    /** Exact distinct values of raw data; NaN and infinities are left out. */
    public static WeightedValues of(double[] raw) {
        requireNonNull(raw, "raw is null");
        double[] sorted = Arrays.stream(raw).filter(Double::isFinite).sorted().toArray();
        double[] values = new double[sorted.length];
        long[] counts = new long[sorted.length];
        int size = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (size > 0 && values[size - 1] == sorted[i]) {
                counts[size - 1]++;
            } else {
                values[size] = sorted[i] == 0 ? 0.0 : sorted[i];
                counts[size++] = 1;
            }
        }
        return new WeightedValues(Arrays.copyOf(values, size), Arrays.copyOf(counts, size));
    }

    /**
     * @throws SlipwayException if lengths differ, values are not strictly ascending and finite, or a count is negative
     */
    public static WeightedValues of(double[] values, long[] counts) {
        requireNonNull(values, "values is null");
        requireNonNull(counts, "counts is null");
        if (values.length != counts.length) {
            throw SlipwayException.invalidParameter("values and counts differ in length: %d and %d", values.length, counts.length);
        }
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i]) || (i > 0 && values[i] <= values[i - 1]) || counts[i] < 0) {
                throw SlipwayException.invalidParameter("values must be finite and strictly ascending, counts >= 0: at index %d", i);
            }
        }
        return new WeightedValues(values.clone(), counts.clone());
    }

    public int size() {
        return values.length;
    }

    public double value(int index) {
        return values[index];
    }

    public long count(int index) {
        return counts[index];
    }

    /** Total number of values. */
    public long total() {
        return total;
    }

    public boolean isEmpty() {
        return total == 0;
    }

    /** Number of distinct values with a non-zero count. */
    public int distinct() {
        int distinct = 0;
        for (long c : counts) {
            if (c > 0) {
                distinct++;
            }
        }
        return distinct;
    }

    public double mean() {
        double sum = 0;
        for (int i = 0; i < values.length; i++) {
            sum += values[i] * counts[i];
        }
        return sum / total;
    }

    /** Population standard deviation (divisor n). */
    public double standardDeviation() {
        double mean = mean();
        double sum = 0;
        for (int i = 0; i < values.length; i++) {
            double d = values[i] - mean;
            sum += d * d * counts[i];
        }
        return Math.sqrt(sum / total);
    }
}
