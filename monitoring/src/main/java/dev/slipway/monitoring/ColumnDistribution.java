package dev.slipway.monitoring;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One side (reference or current) of one column, in the form the drift statistics read: built from raw values
 * (exact) or from a sketch (within the sketch's error bound). Immutable.
 */
public sealed interface ColumnDistribution {
    /** Non-missing values. */
    long count();

    /** Missing (or invalid) values. */
    long missing();

    /** All rows: {@code count() + missing()}. */
    default long rows() {
        return count() + missing();
    }

    ColumnType type();

    /** Numeric values; {@code mean} and {@code standardDeviation} (population) are of the exact data when known. */
    record Numeric(WeightedValues values, long missing, double mean, double standardDeviation) implements ColumnDistribution {
        public Numeric {
            requireNonNull(values, "values is null");
        }

        /** Exact distribution of raw values; NaN and infinities count as missing. */
        public static Numeric of(double[] raw) {
            WeightedValues values = WeightedValues.of(raw);
            long missing = raw.length - values.total();
            return new Numeric(values, missing, values.isEmpty() ? Double.NaN : values.mean(), values.isEmpty() ? Double.NaN : values.standardDeviation());
        }

        public static Numeric of(NumericSketch sketch) {
            return new Numeric(sketch.distinctValues(), sketch.missingCount() + sketch.invalidCount(), sketch.mean(), Math.sqrt(sketch.variance()));
        }

        @Override
        public long count() {
            return values.total();
        }

        @Override
        public ColumnType type() {
            return ColumnType.NUMERIC;
        }

        /**
         * The values as categories (for chi-square, the Z-test and the binned distances on low-cardinality numeric
         * columns). A category is a {@link NumericSketch} bucket, named by its midpoint, so raw values and a sketch of
         * the same values give the same categories; raw values closer than 2^-7 of their magnitude share a category.
         */
        public Categorical asCategorical() {
            Map<String, Long> counts = new LinkedHashMap<>();
            for (int i = 0; i < values.size(); i++) {
                counts.merge(Double.toString(bucketOf(values.value(i))), values.count(i), Long::sum);
            }
            return new Categorical(counts, missing);
        }

        /** The midpoint of the sketch bucket holding {@code value} (0 for zero). */
        static double bucketOf(double value) {
            if (value == 0) {
                return 0.0;
            }
            double midpoint = NumericSketch.midpoint(NumericSketch.key(Math.abs(value)));
            return value < 0 ? -midpoint : midpoint;
        }
    }

    /** Counts per category (a capped sketch's "other" bucket is the category {@link FrequencySketch#OTHER}). */
    record Categorical(Map<String, Long> counts, long missing) implements ColumnDistribution {
        public Categorical {
            counts = Map.copyOf(requireNonNull(counts, "counts is null"));
        }

        /** Exact distribution of raw values; {@code null} counts as missing. */
        public static Categorical of(Collection<String> raw) {
            Map<String, Long> counts = new LinkedHashMap<>();
            long missing = 0;
            for (String value : raw) {
                if (value == null) {
                    missing++;
                } else {
                    counts.merge(value, 1L, Long::sum);
                }
            }
            return new Categorical(counts, missing);
        }

        public static Categorical of(FrequencySketch sketch) {
            Map<String, Long> counts = new LinkedHashMap<>(sketch.counts());
            if (sketch.otherCount() > 0) {
                counts.merge(FrequencySketch.OTHER, sketch.otherCount(), Long::sum);
            }
            return new Categorical(counts, sketch.missingCount() + sketch.invalidCount());
        }

        @Override
        public long count() {
            long total = 0;
            for (long c : counts.values()) {
                total += c;
            }
            return total;
        }

        @Override
        public ColumnType type() {
            return ColumnType.CATEGORICAL;
        }
    }
}
