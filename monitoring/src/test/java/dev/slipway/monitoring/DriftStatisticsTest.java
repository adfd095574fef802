package dev.slipway.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.apache.commons.math3.stat.inference.MannWhitneyUTest;
import org.junit.jupiter.api.Test;

class DriftStatisticsTest {
    private static double[] normal(int n, double mean, long seed) {
        Random random = new Random(seed);
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = mean + random.nextGaussian();
        }
        return values;
    }

    private static DriftResult run(DriftMethod method, ColumnDistribution reference, ColumnDistribution current) {
        return DriftStatistics.test(method, "x", reference, current, method.defaultThreshold());
    }

    private static ColumnDistribution.Numeric raw(double... values) {
        return ColumnDistribution.Numeric.of(values);
    }

    private static ColumnDistribution.Categorical counts(Map<String, Long> counts) {
        return new ColumnDistribution.Categorical(counts, 0);
    }

    // ---- KS ----

    @Test
    void ksStatisticAndExactPValueMatchCommonsMath() {
        double[] x = normal(40, 0, 10);
        double[] y = normal(60, 0.5, 11);
        double d = DriftStatistics.ksStatistic(WeightedValues.of(x), WeightedValues.of(y));
        KolmogorovSmirnovTest commons = new KolmogorovSmirnovTest();
        assertThat(d).isCloseTo(commons.kolmogorovSmirnovStatistic(x, y), within(1e-12));
        assertThat(DriftStatistics.ksPValue(d, 40, 60)).isCloseTo(commons.exactP(d, 40, 60, false), within(1e-9));
        assertThat(run(DriftMethod.KS, raw(x), raw(y)).score()).isCloseTo(commons.kolmogorovSmirnovTest(x, y, false), within(1e-9));
    }

    @Test
    void ksPValueOfLargeSamplesIsTheAsymptoticKolmogorovDistribution() {
        double[] x = normal(5000, 0, 12);
        double[] y = normal(5000, 0.05, 13);
        double d = DriftStatistics.ksStatistic(WeightedValues.of(x), WeightedValues.of(y));
        assertThat(DriftStatistics.ksPValue(d, 5000, 5000)).isCloseTo(new KolmogorovSmirnovTest().approximateP(d, 5000, 5000), within(1e-9));
        assertThat(DriftStatistics.ksPValue(1e-9, 1000, 1_000_000_000L)).isEqualTo(1.0);
    }

    @Test
    void ksFromSketchesMatchesRawDataWithinTheBucketError() {
        double[] x = normal(20_000, 0, 14);
        double[] y = normal(20_000, 0.03, 15);
        NumericSketch sx = new NumericSketch();
        NumericSketch sy = new NumericSketch();
        Arrays.stream(x).forEach(sx::add);
        Arrays.stream(y).forEach(sy::add);
        double exact = DriftStatistics.ksStatistic(WeightedValues.of(x), WeightedValues.of(y));
        double sketched = DriftStatistics.ksStatistic(sx.distinctValues(), sy.distinctValues());
        assertThat(sketched).isCloseTo(exact, within(0.01));
    }

    @Test
    void ksDriftsAtOrBelowThreshold() {
        assertThat(DriftMethod.KS.drifted(0.05, 0.05)).isTrue();
        assertThat(DriftMethod.CHI_SQUARE.drifted(0.05, 0.05)).isFalse();
        assertThat(DriftMethod.WASSERSTEIN.drifted(0.1, 0.1)).isTrue();
    }

    // ---- categorical tests ----

    @Test
    void chiSquareMatchesCommonsMathWithScaledReferenceCounts() {
        Map<String, Long> reference = Map.of("a", 30L, "b", 50L, "c", 20L);
        Map<String, Long> current = Map.of("a", 80L, "b", 70L, "c", 50L);
        double[] expected = {30 * 2.0, 50 * 2.0, 20 * 2.0};
        long[] observed = {80, 70, 50};
        double p = new ChiSquareTest().chiSquareTest(expected, observed);
        DriftResult result = run(DriftMethod.CHI_SQUARE, counts(reference), counts(current));
        assertThat(result.score()).isCloseTo(p, within(1e-12));
        assertThat(result.drifted()).isEqualTo(p < 0.05);
    }

    @Test
    void chiSquareWithACategoryUnseenInTheReferenceHasPValueZero() {
        DriftResult result = run(DriftMethod.CHI_SQUARE, counts(Map.of("a", 10L, "b", 10L)), counts(Map.of("a", 10L, "c", 1L)));
        assertThat(result.score()).isZero();
        assertThat(result.drifted()).isTrue();
    }

    @Test
    void zTestMatchesTheClosedForm() {
        // reference: 30 of 100 are "b"; current: 50 of 100
        DriftResult result = run(DriftMethod.Z, counts(Map.of("a", 70L, "b", 30L)), counts(Map.of("a", 50L, "b", 50L)));
        double pooled = 0.4;
        double z = (0.3 - 0.5) / Math.sqrt(pooled * (1 - pooled) * (1 / 100.0 + 1 / 100.0));
        double expected = 2 * (1 - new NormalDistribution().cumulativeProbability(Math.abs(z)));
        assertThat(result.score()).isCloseTo(expected, within(1e-9));
        assertThat(result.drifted()).isTrue();
    }

    @Test
    void zTestOfTheSameConstantOnBothSidesIsNoDrift() {
        DriftResult result = run(DriftMethod.Z, counts(Map.of("a", 70L)), counts(Map.of("a", 5L)));
        assertThat(result.score()).isEqualTo(1.0);
        assertThat(result.drifted()).isFalse();
    }

    // ---- distances ----

    @Test
    void wassersteinIsNormalisedByTheReferenceStandardDeviation() {
        DriftResult result = run(DriftMethod.WASSERSTEIN, raw(0, 1, 3), raw(5, 6, 8));
        double std = Math.sqrt(((16 + 1 + 25) / 9.0) / 3);
        assertThat(result.score()).isCloseTo(5 / std, within(1e-12));
    }

    @Test
    void wassersteinOfEqualSizeSamplesIsTheMeanGapOfSortedValues() {
        double[] x = normal(500, 0, 16);
        double[] y = normal(500, 0.3, 17);
        double[] sx = x.clone();
        double[] sy = y.clone();
        Arrays.sort(sx);
        Arrays.sort(sy);
        double expected = 0;
        for (int i = 0; i < 500; i++) {
            expected += Math.abs(sx[i] - sy[i]) / 500;
        }
        assertThat(DriftStatistics.wassersteinDistance(WeightedValues.of(x), WeightedValues.of(y))).isCloseTo(expected, within(1e-12));
    }

    @Test
    void wassersteinNormUsesAFloorForAConstantReference() {
        DriftResult result = run(DriftMethod.WASSERSTEIN, raw(1, 1, 1), raw(1, 1, 1.001));
        assertThat(result.score()).isCloseTo((0.001 / 3) / 0.001, within(1e-9));
    }

    @Test
    void energyDistanceMatchesThePairwiseDefinition() {
        assertThat(DriftStatistics.energyDistance(WeightedValues.of(new double[] {0}), WeightedValues.of(new double[] {2}))).isCloseTo(2.0, within(1e-12));
        double[] x = normal(60, 0, 18);
        double[] y = normal(40, 0.7, 19);
        double expected = Math.sqrt(2 * meanAbsGap(x, y) - meanAbsGap(x, x) - meanAbsGap(y, y));
        assertThat(DriftStatistics.energyDistance(WeightedValues.of(x), WeightedValues.of(y))).isCloseTo(expected, within(1e-9));
    }

    private static double meanAbsGap(double[] a, double[] b) {
        double sum = 0;
        for (double u : a) {
            for (double v : b) {
                sum += Math.abs(u - v);
            }
        }
        return sum / a.length / b.length;
    }

    @Test
    void binnedDistancesMatchHandComputedValues() {
        Map<String, Long> reference = Map.of("a", 50L, "b", 50L);
        Map<String, Long> current = Map.of("a", 90L, "b", 10L);
        double psi = (0.5 - 0.9) * Math.log(0.5 / 0.9) + (0.5 - 0.1) * Math.log(0.5 / 0.1);
        double kl = 0.5 * Math.log(0.5 / 0.9) + 0.5 * Math.log(0.5 / 0.1);
        double js = Math.sqrt((0.5 * Math.log(0.5 / 0.7) + 0.5 * Math.log(0.5 / 0.3) + 0.9 * Math.log(0.9 / 0.7) + 0.1 * Math.log(0.1 / 0.3)) / 2);
        double hellinger = Math.sqrt((Math.pow(Math.sqrt(0.5) - Math.sqrt(0.9), 2) + Math.pow(Math.sqrt(0.5) - Math.sqrt(0.1), 2)) / 2);
        assertThat(run(DriftMethod.PSI, counts(reference), counts(current)).score()).isCloseTo(psi, within(1e-12));
        assertThat(run(DriftMethod.KL_DIV, counts(reference), counts(current)).score()).isCloseTo(kl, within(1e-12));
        assertThat(run(DriftMethod.JENSEN_SHANNON, counts(reference), counts(current)).score()).isCloseTo(js, within(1e-12));
        assertThat(run(DriftMethod.HELLINGER, counts(reference), counts(current)).score()).isCloseTo(hellinger, within(1e-12));
    }

    @Test
    void zeroSharesAreReplacedForPsiButNotForJensenShannon() {
        Map<String, Long> reference = Map.of("a", 100L);
        Map<String, Long> current = Map.of("a", 50L, "b", 50L);
        double psi = (1 - 0.5) * Math.log(1 / 0.5) + (1e-4 - 0.5) * Math.log(1e-4 / 0.5);
        assertThat(run(DriftMethod.PSI, counts(reference), counts(current)).score()).isCloseTo(psi, within(1e-12));
        double js = Math.sqrt((Math.log(1 / 0.75) + 0.5 * Math.log(0.5 / 0.75) + 0.5 * Math.log(0.5 / 0.25)) / 2);
        assertThat(run(DriftMethod.JENSEN_SHANNON, counts(reference), counts(current)).score()).isCloseTo(js, within(1e-12));
    }

    @Test
    void numericColumnsWithManyValuesAreBinnedBySturges() {
        double[] x = new double[100];
        double[] y = new double[100];
        for (int i = 0; i < 100; i++) {
            x[i] = i;
            y[i] = i < 50 ? i : 99;
        }
        // 200 values -> ceil(log2(200) + 1) = 9 bins of width 11 over [0, 99]; the last holds 88..99
        DriftStatistics.Shares shares = DriftStatistics.binned(raw(x), raw(y), false);
        assertThat(shares.reference()).hasSize(9);
        assertThat(shares.reference()[0]).isCloseTo(0.11, within(1e-12));
        assertThat(shares.reference()[8]).isCloseTo(0.12, within(1e-12));
        assertThat(shares.current()[8]).isCloseTo(0.50, within(1e-12));
        assertThat(Arrays.stream(shares.current()).sum()).isCloseTo(1.0, within(1e-12));
    }

    // ---- rank tests ----

    @Test
    void mannWhitneyMatchesCommonsMath() {
        double[] x = normal(200, 0, 20);
        double[] y = normal(150, 0.3, 21);
        MannWhitneyUTest commons = new MannWhitneyUTest();
        double u1 = DriftStatistics.mannWhitneyU(WeightedValues.of(x), WeightedValues.of(y));
        assertThat(Math.max(u1, 200.0 * 150 - u1)).isCloseTo(commons.mannWhitneyU(x, y), within(1e-9));
        // commons omits the continuity correction, which moves p by far less than 1e-3 at these sizes
        assertThat(run(DriftMethod.MANN_WHITNEY, raw(x), raw(y)).score()).isCloseTo(commons.mannWhitneyUTest(x, y), within(1e-3));
    }

    @Test
    void cramerVonMisesStatisticMatchesTheIntegralDefinition() {
        double[] x = normal(30, 0, 22);
        double[] y = normal(45, 0.5, 23);
        // T = nm/(n+m)^2 * sum over pooled points of (F_n - G_m)^2
        List<Double> pooled = new ArrayList<>();
        Arrays.stream(x).forEach(pooled::add);
        Arrays.stream(y).forEach(pooled::add);
        double sum = 0;
        for (double z : pooled) {
            double f = Arrays.stream(x).filter(v -> v <= z).count() / 30.0;
            double g = Arrays.stream(y).filter(v -> v <= z).count() / 45.0;
            sum += (f - g) * (f - g);
        }
        double expected = 30.0 * 45 / (75.0 * 75) * sum;
        assertThat(DriftStatistics.cramerVonMisesStatistic(WeightedValues.of(x), WeightedValues.of(y))).isCloseTo(expected, within(1e-9));
    }

    @Test
    void cramerVonMisesLimitDistributionHasTheTabulatedQuantiles() {
        // classical upper percentage points of the limiting omega-squared distribution
        assertThat(DriftStatistics.cramerVonMisesLimitCdf(0.34730)).isCloseTo(0.90, within(1e-4));
        assertThat(DriftStatistics.cramerVonMisesLimitCdf(0.46136)).isCloseTo(0.95, within(1e-4));
        assertThat(DriftStatistics.cramerVonMisesLimitCdf(0.74346)).isCloseTo(0.99, within(1e-4));
        // upper tail printed by SciPy 1.17.1 (1 - _cdf_cvm_inf)
        assertThat(1 - DriftStatistics.cramerVonMisesLimitCdf(1.0)).isCloseTo(0.002460452180135797, within(1e-10));
        assertThat(1 - DriftStatistics.cramerVonMisesLimitCdf(3.0)).isCloseTo(7.567778648187584e-08, within(1e-12));
        assertThat(DriftStatistics.cramerVonMisesLimitCdf(50)).isEqualTo(1.0);
    }

    @Test
    void andersonCriticalValuesAreScholzAndStephensForTwoSamples() {
        assertThat(DriftStatistics.andersonCriticalValues()).containsExactly(new double[] {0.325, 1.226, 1.961, 2.718, 3.752, 4.592, 6.546}, within(1e-9));
        assertThat(DriftStatistics.andersonPValue(1.961)).isCloseTo(0.05, within(0.005));
        assertThat(DriftStatistics.andersonPValue(0.0)).isEqualTo(0.25);
        assertThat(DriftStatistics.andersonPValue(10.0)).isEqualTo(0.001);
    }

    @Test
    void andersonStatisticOfIdenticalSamplesIsBelowItsMean() {
        double[] x = normal(300, 0, 24);
        assertThat(DriftStatistics.andersonStatistic(WeightedValues.of(x), WeightedValues.of(x))).isLessThan(0);
        DriftResult shifted = run(DriftMethod.ANDERSON, raw(x), raw(normal(300, 1, 25)));
        assertThat(shifted.score()).isEqualTo(0.001);
        assertThat(shifted.drifted()).isTrue();
    }

    @Test
    void andersonStatisticMatchesAHandComputedExample() {
        // x = {1, 2}, y = {3, 4}: N = 4, no ties (l_j = 1), B_j = j - 1/2 for the pooled values j = 1..4,
        // M_xj = 1/2, 3/2, 2, 2 and M_yj = 0, 0, 1/2, 3/2; each term is (l_j/N)(N M_ij - n_i B_j)^2 / (B_j(N - B_j) - N l_j/4)
        double a2 = 0;
        double[] b = {0.5, 1.5, 2.5, 3.5};
        double[][] m = {{0.5, 1.5, 2, 2}, {0, 0, 0.5, 1.5}};
        for (int i = 0; i < 2; i++) {
            double inner = 0;
            for (int j = 0; j < 4; j++) {
                double gap = 4 * m[i][j] - b[j] * 2;
                inner += 0.25 * gap * gap / (b[j] * (4 - b[j]) - 1);
            }
            a2 += inner / 2;
        }
        a2 *= 3.0 / 4;
        double h = 1 + 0.5 + 1.0 / 3;
        double g = 1.0 / (3 * 2) + 1.0 / (3 * 3) + 1.0 / (2 * 3);
        double bigH = 1;
        double a = (4 * g - 6) + (10 - 6 * g) * bigH;
        double bb = (2 * g - 4) * 4 + 16 * h + (2 * g - 14 * h - 4) * bigH - 8 * h + 4 * g - 6;
        double c = (6 * h + 2 * g - 2) * 4 + (4 * h - 4 * g + 6) * 2 + (2 * h - 6) * bigH + 4 * h;
        double d = (2 * h + 6) * 4 - 8 * h;
        double sigma = Math.sqrt((a * 64 + bb * 16 + c * 4 + d) / (3 * 2 * 1));
        double expected = (a2 - 1) / sigma;
        assertThat(DriftStatistics.andersonStatistic(WeightedValues.of(new double[] {1, 2}), WeightedValues.of(new double[] {3, 4})))
                .isCloseTo(expected, within(1e-12));
    }

    @Test
    void everyNumericMethodMatchesScipyOnASampleWithTies() {
        // reference values printed by SciPy 1.17.1 (ks_2samp, cramervonmises_2samp asymptotic, anderson_ksamp midrank,
        // mannwhitneyu asymptotic, energy_distance, wasserstein_distance / np.std, and the spec's Sturges binning)
        double[] x = {0.0, 1.4, 1.2, -0.5, -0.3, -0.5, 0.6, -0.1, 0.7, -1.8, 1.6, -0.1, 0.7, -0.1, -0.4, 0.5, 0.8, -0.2, -0.2, 0.7, -0.9,
            -1.5, 0.4, -0.7, -1.9, -0.8, -0.5, -1.2, -1.5, 0.0};
        double[] y = {1.6, 0.1, -0.6, 0.9, 1.3, 0.0, 1.1, 1.8, 0.1, -0.7, 0.9, 0.7, 1.8, -1.3, -0.5, -0.7, -1.9, 0.6, 1.1, -0.6, 2.2, 1.5,
            1.2, 0.9, 1.6, -1.3, 1.2, 1.2, -1.9, 0.9, 0.1, 1.4, -0.2, 0.4, 0.8, -0.7, 1.2, 0.3, 1.0, -0.3};
        Map<DriftMethod, Double> expected = Map.ofEntries(
                Map.entry(DriftMethod.KS, 0.012260660144509307),
                Map.entry(DriftMethod.CRAMER_VON_MISES, 0.009657365625143743),
                Map.entry(DriftMethod.ANDERSON, 0.010480634307613592),
                Map.entry(DriftMethod.MANN_WHITNEY, 0.012833568315180727),
                Map.entry(DriftMethod.ENERGY_DISTANCE, 0.5142416206847171),
                Map.entry(DriftMethod.WASSERSTEIN, 0.6562597241474353),
                Map.entry(DriftMethod.JENSEN_SHANNON, 0.25621046746875764),
                Map.entry(DriftMethod.HELLINGER, 0.2785724557382611),
                Map.entry(DriftMethod.PSI, 0.8204066180057208),
                Map.entry(DriftMethod.KL_DIV, 0.23804584124664918));
        expected.forEach((method, score) -> assertThat(run(method, raw(x), raw(y)).score()).as(method.wireName()).isCloseTo(score, within(1e-9)));
    }

    // ---- not enough data ----

    @Test
    void emptyOrAllMissingSidesAreNotEnoughData() {
        for (DriftMethod method : DriftMethod.values()) {
            ColumnDistribution reference = method.supports(ColumnType.NUMERIC) ? raw(1, 2, 3) : counts(Map.of("a", 1L));
            ColumnDistribution empty = method.supports(ColumnType.NUMERIC) ? raw() : counts(Map.of());
            ColumnDistribution allMissing = method.supports(ColumnType.NUMERIC) ? raw(Double.NaN, Double.NaN) : new ColumnDistribution.Categorical(Map.of(), 2);
            DriftResult emptyResult = run(method, reference, empty);
            assertThat(emptyResult.notEnoughData()).contains("current window is empty");
            assertThat(emptyResult.drifted()).isFalse();
            assertThat(emptyResult.score()).isNaN();
            assertThat(run(method, reference, allMissing).notEnoughData()).contains("current values are all missing");
            assertThat(run(method, allMissing, reference).notEnoughData()).contains("reference values are all missing");
        }
    }

    @Test
    void testsUndefinedForAConstantColumnAreNotEnoughData() {
        ColumnDistribution constant = raw(7, 7, 7, 7, 7);
        for (DriftMethod method : List.of(DriftMethod.ANDERSON, DriftMethod.CRAMER_VON_MISES, DriftMethod.MANN_WHITNEY, DriftMethod.CHI_SQUARE)) {
            assertThat(run(method, constant, constant).notEnoughData()).as(method.wireName()).isPresent();
        }
        assertThat(run(DriftMethod.KS, constant, constant).score()).isEqualTo(1.0);
        assertThat(run(DriftMethod.JENSEN_SHANNON, constant, constant).score()).isZero();
    }

    @Test
    void numericOnlyMethodOnACategoricalColumnIsRejected() {
        assertThatThrownBy(() -> run(DriftMethod.KS, counts(Map.of("a", 1L)), counts(Map.of("a", 1L))))
                .hasMessageContaining("Drift method 'ks' does not apply to CATEGORICAL column 'x'");
    }

    // ---- default method table ----

    @Test
    void defaultMethodFollowsEvidentlysTable() {
        assertThat(DriftMethod.defaultFor(ColumnType.NUMERIC, 1000, 6)).isEqualTo(DriftMethod.KS);
        assertThat(DriftMethod.defaultFor(ColumnType.NUMERIC, 1000, 5)).isEqualTo(DriftMethod.CHI_SQUARE);
        assertThat(DriftMethod.defaultFor(ColumnType.NUMERIC, 1000, 3)).isEqualTo(DriftMethod.CHI_SQUARE);
        assertThat(DriftMethod.defaultFor(ColumnType.NUMERIC, 1000, 2)).isEqualTo(DriftMethod.Z);
        assertThat(DriftMethod.defaultFor(ColumnType.NUMERIC, 1000, 1)).isEqualTo(DriftMethod.Z);
        assertThat(DriftMethod.defaultFor(ColumnType.CATEGORICAL, 1000, 3)).isEqualTo(DriftMethod.CHI_SQUARE);
        assertThat(DriftMethod.defaultFor(ColumnType.CATEGORICAL, 1000, 2)).isEqualTo(DriftMethod.Z);
        assertThat(DriftMethod.defaultFor(ColumnType.NUMERIC, 1001, 6)).isEqualTo(DriftMethod.WASSERSTEIN);
        assertThat(DriftMethod.defaultFor(ColumnType.NUMERIC, 1001, 5)).isEqualTo(DriftMethod.JENSEN_SHANNON);
        assertThat(DriftMethod.defaultFor(ColumnType.NUMERIC, 1001, 2)).isEqualTo(DriftMethod.JENSEN_SHANNON);
        assertThat(DriftMethod.defaultFor(ColumnType.CATEGORICAL, 1001, 3)).isEqualTo(DriftMethod.JENSEN_SHANNON);
        assertThat(DriftMethod.defaultFor(ColumnType.CATEGORICAL, 1001, 2)).isEqualTo(DriftMethod.JENSEN_SHANNON);
    }

    @Test
    void defaultThresholdsAndDirectionsFollowTheSpec() {
        assertThat(DriftMethod.KS.defaultThreshold()).isEqualTo(0.05);
        assertThat(DriftMethod.CHI_SQUARE.defaultThreshold()).isEqualTo(0.05);
        assertThat(DriftMethod.Z.defaultThreshold()).isEqualTo(0.05);
        assertThat(DriftMethod.MANN_WHITNEY.defaultThreshold()).isEqualTo(0.05);
        assertThat(DriftMethod.ANDERSON.defaultThreshold()).isEqualTo(0.1);
        assertThat(DriftMethod.CRAMER_VON_MISES.defaultThreshold()).isEqualTo(0.1);
        for (DriftMethod method : List.of(DriftMethod.WASSERSTEIN, DriftMethod.JENSEN_SHANNON, DriftMethod.PSI, DriftMethod.KL_DIV, DriftMethod.HELLINGER, DriftMethod.ENERGY_DISTANCE)) {
            assertThat(method.defaultThreshold()).isEqualTo(0.1);
            assertThat(method.scoreKind()).isEqualTo(DriftMethod.ScoreKind.DISTANCE);
        }
        assertThat(DriftMethod.fromWireName("mannw")).contains(DriftMethod.MANN_WHITNEY);
    }
}
