package dev.slipway.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.DoubleStream;
import org.junit.jupiter.api.Test;

class NumericSketchTest {
    private static double[] lognormal(int n, long seed) {
        Random random = new Random(seed);
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = Math.exp(2 * random.nextGaussian()) * (random.nextInt(10) == 0 ? -1 : 1);
        }
        return values;
    }

    private static NumericSketch sketch(double[] values) {
        NumericSketch sketch = new NumericSketch();
        for (double value : values) {
            sketch.add(value);
        }
        return sketch;
    }

    @Test
    void quantilesAreWithinTheRelativeErrorBound() {
        double[] values = lognormal(100_000, 1);
        NumericSketch sketch = sketch(values);
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        for (int i = 1; i < 100; i++) {
            double q = i / 100.0;
            double exact = sorted[(int) Math.ceil(q * sorted.length) - 1];
            assertThat(sketch.quantile(q)).isCloseTo(exact, within(Math.abs(exact) * NumericSketch.RELATIVE_ACCURACY + 1e-300));
        }
        assertThat(sketch.quantile(0)).isEqualTo(sorted[0]);
        assertThat(sketch.quantile(1)).isEqualTo(sorted[sorted.length - 1]);
    }

    @Test
    void momentsAndCountsAreExact() {
        double[] values = {1, 2, 3, 4, Double.NaN, Double.POSITIVE_INFINITY, 0, -2};
        NumericSketch sketch = sketch(values);
        sketch.addMissing();
        sketch.addInvalid();
        assertThat(sketch.count()).isEqualTo(6);
        assertThat(sketch.missingCount()).isEqualTo(2);
        assertThat(sketch.invalidCount()).isEqualTo(2);
        assertThat(sketch.rows()).isEqualTo(10);
        assertThat(sketch.min()).isEqualTo(-2);
        assertThat(sketch.max()).isEqualTo(4);
        assertThat(sketch.mean()).isCloseTo(8.0 / 6, within(1e-12));
        double mean = 8.0 / 6;
        double variance = Arrays.stream(new double[] {1, 2, 3, 4, 0, -2}).map(v -> (v - mean) * (v - mean)).sum() / 6;
        assertThat(sketch.variance()).isCloseTo(variance, within(1e-12));
    }

    @Test
    void emptySketchReportsNaNNotZero() {
        NumericSketch sketch = new NumericSketch();
        assertThat(sketch.mean()).isNaN();
        assertThat(sketch.min()).isNaN();
        assertThat(sketch.quantile(0.5)).isNaN();
        assertThat(sketch.count()).isZero();
    }

    @Test
    void mergingBatchesGivesTheSketchOfTheWholeData() {
        double[] values = lognormal(50_000, 2);
        NumericSketch whole = sketch(values);
        NumericSketch merged = new NumericSketch();
        for (int batch = 0; batch < 10; batch++) {
            merged.merge(sketch(Arrays.copyOfRange(values, batch * 5000, (batch + 1) * 5000)));
        }
        assertThat(merged.count()).isEqualTo(whole.count());
        assertThat(merged.min()).isEqualTo(whole.min());
        assertThat(merged.max()).isEqualTo(whole.max());
        assertThat(merged.mean()).isCloseTo(whole.mean(), within(1e-9 * Math.abs(whole.mean()) + 1e-9));
        assertThat(merged.variance()).isCloseTo(whole.variance(), within(1e-9 * whole.variance()));
        for (int i = 0; i <= 100; i++) {
            assertThat(merged.quantile(i / 100.0)).isEqualTo(whole.quantile(i / 100.0));
        }
        assertThat(merged.toJson().get("positive")).isEqualTo(whole.toJson().get("positive"));
    }

    @Test
    void jsonRoundTripKeepsEverything() throws Exception {
        NumericSketch sketch = sketch(lognormal(10_000, 3));
        sketch.addMissing();
        String text = sketch.toJson().toString();
        NumericSketch read = NumericSketch.fromJson(new ObjectMapper().readTree(text));
        assertThat(read.toJson()).isEqualTo(sketch.toJson());
        assertThat(read.quantile(0.37)).isEqualTo(sketch.quantile(0.37));
    }

    @Test
    void memoryStaysBoundedForAHugeRangeOfMagnitudes() {
        NumericSketch sketch = new NumericSketch();
        Random random = new Random(4);
        for (int i = 0; i < 200_000; i++) {
            sketch.add(Math.pow(10, random.nextDouble() * 600 - 300));
        }
        assertThat(sketch.distinctBuckets()).isLessThanOrEqualTo(NumericSketch.DEFAULT_MAX_BUCKETS);
        assertThat(sketch.count()).isEqualTo(200_000);
        assertThat(sketch.distinctValues().total()).isEqualTo(200_000);
        // the largest magnitudes keep the bound
        assertThat(sketch.quantile(1.0)).isEqualTo(sketch.max());
        assertThat(sketch.toJson().get("positive").get("counts").size()).isLessThanOrEqualTo(NumericSketch.DEFAULT_MAX_BUCKETS);
    }

    @Test
    void foldingSmallMagnitudesKeepsTheLargeOnesWithinTheBound() {
        NumericSketch sketch = new NumericSketch(1024);
        double[] values = new double[4000];
        for (int i = 0; i < values.length; i++) {
            // descending magnitudes over 2^40, both signs, so the span is exceeded from below on each side
            values[i] = Math.pow(2, 20 - i / 100.0) * (i % 2 == 0 ? 1 : -1);
            sketch.add(values[i]);
        }
        NumericSketch other = new NumericSketch(1024);
        other.add(1e-9);
        other.add(-1e-9);
        sketch.merge(other);
        assertThat(sketch.distinctValues().total()).isEqualTo(4002);
        double[] sorted = DoubleStream.concat(Arrays.stream(values), DoubleStream.of(1e-9, -1e-9)).sorted().toArray();
        // 1024 buckets keep 8 powers of two below the largest magnitude (2^20): a folded value is off by at most 2^-7 of it
        double largest = Math.pow(2, 20);
        for (int i = 1; i < 100; i++) {
            double q = i / 100.0;
            double exact = sorted[(int) Math.ceil(q * sorted.length) - 1];
            double tolerance = Math.abs(exact) >= largest / 128 ? Math.abs(exact) * NumericSketch.RELATIVE_ACCURACY : largest / 128;
            assertThat(sketch.quantile(q)).isCloseTo(exact, within(tolerance));
        }
    }

    @Test
    void smallIntegersLandInDistinctBuckets() {
        NumericSketch sketch = sketch(new double[] {0, 1, 1, 2, 3, 3, 3, -1});
        assertThat(sketch.distinctBuckets()).isEqualTo(5);
        WeightedValues values = sketch.distinctValues();
        assertThat(values.count(0)).isEqualTo(1);
        assertThat(values.value(1)).isEqualTo(0.0);
        assertThat(values.count(4)).isEqualTo(3);
    }

    @Test
    void rankIsWithinTheCountOfOneBucket() {
        double[] values = lognormal(20_000, 6);
        NumericSketch sketch = sketch(values);
        for (double x : new double[] {-3, -0.5, 0.1, 1, 2.5, 50, 1e4}) {
            long exact = Arrays.stream(values).filter(v -> v <= x).count();
            long bucket = Arrays.stream(values).filter(v -> NumericSketch.key(Math.abs(v)) == NumericSketch.key(Math.abs(x)) && Math.signum(v) == Math.signum(x)).count();
            assertThat(sketch.rank(x)).isBetween(exact - bucket, exact + bucket);
        }
        assertThat(sketch.rank(1e300)).isEqualTo(values.length);
        assertThat(sketch.rank(-1e300)).isZero();
    }

    @Test
    void rejectsOutOfRangeQuantile() {
        assertThatThrownBy(() -> new NumericSketch().quantile(1.5)).hasMessageContaining("quantile must be in [0, 1]");
    }

    @Test
    void fromJsonRejectsOtherKinds() {
        FrequencySketch frequencies = new FrequencySketch();
        assertThatThrownBy(() -> NumericSketch.fromJson(frequencies.toJson())).hasMessageContaining("Not a numeric sketch");
    }
}
