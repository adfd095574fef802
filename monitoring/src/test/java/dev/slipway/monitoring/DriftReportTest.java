package dev.slipway.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DriftReportTest {
    private static final List<ColumnSpec> COLUMNS = List.of(
            ColumnSpec.numeric("age"),
            ColumnSpec.numeric("income"),
            ColumnSpec.numeric("children"),
            ColumnSpec.categorical("plan"),
            ColumnSpec.categorical("churned"));

    /** Synthetic rows; shift moves every column's distribution. */
    private static List<Map<String, Object>> rows(int rows, long seed, double shift) {
        Random random = new Random(seed);
        String[] plans = {"basic", "plus", "pro"};
        List<Map<String, Object>> result = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            Map<String, Object> row = new HashMap<>();
            row.put("age", 40 + 10 * random.nextGaussian() + 10 * shift);
            row.put("income", Math.exp(10 + 0.5 * random.nextGaussian() + shift));
            row.put("children", (double) Math.min(4, (int) (random.nextDouble() * (3 + 2 * shift))));
            double u = random.nextDouble();
            row.put("plan", plans[u < 0.5 - 0.3 * shift ? 0 : u < 0.8 ? 1 : 2]);
            row.put("churned", random.nextDouble() < 0.2 + 0.3 * shift ? "yes" : "no");
            result.add(row);
        }
        return result;
    }

    private static DatasetSketch table(int rows, long seed, double shift) {
        return DatasetSketch.of(COLUMNS, rows(rows, seed, shift));
    }

    @Test
    void largeReferenceUsesWassersteinAndJensenShannonAndDetectsAShift() {
        DatasetSketch reference = table(20_000, 1, 0);
        DriftReport quiet = DriftReport.compute(reference, table(50_000, 2, 0), DriftOptions.defaults());
        DriftReport shifted = DriftReport.compute(reference, table(50_000, 3, 1), DriftOptions.defaults());

        assertThat(quiet.features()).extracting(DriftResult::method)
                .containsExactly(DriftMethod.WASSERSTEIN, DriftMethod.WASSERSTEIN, DriftMethod.JENSEN_SHANNON, DriftMethod.JENSEN_SHANNON, DriftMethod.JENSEN_SHANNON);
        assertThat(quiet.features()).noneMatch(DriftResult::drifted);
        assertThat(quiet.datasetDrift()).isFalse();
        assertThat(quiet.driftShare()).isZero();

        assertThat(shifted.features()).allMatch(DriftResult::drifted);
        assertThat(shifted.datasetDrift()).isTrue();
        assertThat(shifted.driftShare()).isEqualTo(1.0);
        assertThat(shifted.rows()).isEqualTo(50_000);
    }

    @Test
    void smallReferenceUsesKsChiSquareAndZAndDetectsAShift() {
        DatasetSketch reference = table(800, 4, 0);
        // p-value tests fire on 5% of unshifted samples by design; this fixed seed is one of the 95%
        DriftReport quiet = DriftReport.compute(reference, table(5_000, 16, 0), DriftOptions.defaults());
        DriftReport shifted = DriftReport.compute(reference, table(5_000, 6, 1), DriftOptions.defaults());

        assertThat(quiet.features()).extracting(DriftResult::method)
                .containsExactly(DriftMethod.KS, DriftMethod.KS, DriftMethod.CHI_SQUARE, DriftMethod.CHI_SQUARE, DriftMethod.Z);
        assertThat(quiet.features()).noneMatch(DriftResult::drifted);
        assertThat(shifted.features()).allMatch(DriftResult::drifted);
        assertThat(shifted.datasetDrift()).isTrue();
    }

    @Test
    void datasetDriftNeedsTheConfiguredShareOfDriftedColumns() {
        DatasetSketch reference = table(20_000, 7, 0);
        DatasetSketch current = table(20_000, 8, 0);
        // make two of five columns drift
        Random random = new Random(9);
        DatasetSketch partlyShifted = new DatasetSketch(COLUMNS);
        for (int i = 0; i < 20_000; i++) {
            partlyShifted.add(Map.of("age", 70 + random.nextGaussian(), "income", Math.exp(10 + 0.5 * random.nextGaussian()), "children",
                    (double) random.nextInt(3), "plan", random.nextBoolean() ? "basic" : "plus", "churned", random.nextDouble() < 0.2 ? "yes" : "no"));
        }
        DriftReport report = DriftReport.compute(reference, partlyShifted, DriftOptions.defaults());
        assertThat(report.driftedFeatures()).extracting(DriftResult::column).containsExactlyInAnyOrder("age", "plan");
        assertThat(report.driftShare()).isEqualTo(0.4);
        assertThat(report.datasetDrift()).isFalse();
        assertThat(DriftReport.compute(reference, partlyShifted, DriftOptions.defaults().withDriftShare(0.4)).datasetDrift()).isTrue();
        assertThat(DriftReport.compute(reference, current, DriftOptions.defaults().withDriftShare(0.2)).datasetDrift()).isFalse();
    }

    @Test
    void methodsAndThresholdsCanBeOverriddenPerColumnTypeAndGlobally() {
        DriftOptions options = DriftOptions.defaults()
                .withNumericMethod(DriftMethod.PSI)
                .withColumnMethod("income", DriftMethod.KS)
                .withCategoricalThreshold(0.5)
                .withColumnThreshold("income", 0.01);
        DriftReport report = DriftReport.compute(table(2000, 10, 0), table(2000, 11, 0), options);
        Map<String, DriftResult> byName = new HashMap<>();
        report.features().forEach(feature -> byName.put(feature.column(), feature));
        assertThat(byName.get("age").method()).isEqualTo(DriftMethod.PSI);
        assertThat(byName.get("age").threshold()).isEqualTo(0.1);
        assertThat(byName.get("income").method()).isEqualTo(DriftMethod.KS);
        assertThat(byName.get("income").threshold()).isEqualTo(0.01);
        assertThat(byName.get("plan").method()).isEqualTo(DriftMethod.JENSEN_SHANNON);
        assertThat(byName.get("plan").threshold()).isEqualTo(0.5);
        assertThat(DriftReport.compute(table(2000, 10, 0), table(2000, 11, 0), DriftOptions.defaults().withMethod(DriftMethod.HELLINGER).withThreshold(0.3))
                .features()).allMatch(f -> f.method() == DriftMethod.HELLINGER && f.threshold() == 0.3);
    }

    @Test
    void anEmptyWindowGivesNotEnoughDataAndNoDatasetDrift() {
        DriftReport report = DriftReport.compute(table(2000, 12, 0), new DatasetSketch(COLUMNS), DriftOptions.defaults());
        assertThat(report.rows()).isZero();
        assertThat(report.features()).allMatch(f -> f.notEnoughData().orElseThrow().equals("current window is empty"));
        assertThat(report.datasetDrift()).isFalse();
        assertThat(report.toJson().get("features").get(0).get("score").isNull()).isTrue();
    }

    @Test
    void anAllMissingOrConstantColumnDoesNotCrashTheReport() {
        DatasetSketch reference = new DatasetSketch(List.of(ColumnSpec.numeric("a"), ColumnSpec.numeric("b")));
        DatasetSketch current = new DatasetSketch(List.of(ColumnSpec.numeric("a"), ColumnSpec.numeric("b")));
        for (int i = 0; i < 100; i++) {
            reference.add(new Object[] {5.0, i});
            current.add(new Object[] {null, i});
        }
        DriftReport report = DriftReport.compute(reference, current, DriftOptions.defaults());
        assertThat(report.features().get(0).notEnoughData()).contains("current values are all missing");
        assertThat(report.features().get(1).drifted()).isFalse();
    }

    @Test
    void aColumnMissingFromTheReferenceIsReportedNotTested() {
        DatasetSketch reference = new DatasetSketch(List.of(ColumnSpec.numeric("a")));
        DatasetSketch current = new DatasetSketch(List.of(ColumnSpec.numeric("a"), ColumnSpec.categorical("new")));
        for (int i = 0; i < 10; i++) {
            reference.add(new Object[] {i});
            current.add(new Object[] {i, "x"});
        }
        DriftReport report = DriftReport.compute(reference, current, DriftOptions.defaults());
        assertThat(report.features()).hasSize(2);
        assertThat(report.features().get(1).notEnoughData()).contains("column 'new' is not in the reference");
    }

    @Test
    void aColumnWhoseTypeChangedIsReportedNotTested() {
        DriftReport report = DriftReport.compute(Map.of("a", ColumnDistribution.Numeric.of(new double[] {1, 2})), 2,
                Map.of("a", ColumnDistribution.Categorical.of(List.of("x", "y"))), 2, DriftOptions.defaults());
        assertThat(report.features().get(0).notEnoughData()).contains("column 'a' is numeric in the reference but categorical in the current window");
    }

    @Test
    void rawReferenceValuesCanBeComparedWithASketchedWindow() {
        Random random = new Random(13);
        double[] reference = new double[500];
        for (int i = 0; i < reference.length; i++) {
            reference[i] = random.nextGaussian();
        }
        NumericSketch window = new NumericSketch();
        for (int i = 0; i < 10_000; i++) {
            window.add(random.nextGaussian() + 0.5);
        }
        DriftReport report = DriftReport.compute(Map.of("x", ColumnDistribution.Numeric.of(reference)), 500,
                Map.of("x", ColumnDistribution.Numeric.of(window)), 10_000, DriftOptions.defaults());
        assertThat(report.features().get(0).method()).isEqualTo(DriftMethod.KS);
        assertThat(report.features().get(0).drifted()).isTrue();
    }

    @Test
    void aLowCardinalityNumericColumnGivesTheSameCategoriesRawAndSketched() {
        Random random = new Random(17);
        double[] reference = new double[600];
        double[] current = new double[6000];
        NumericSketch window = new NumericSketch();
        for (int i = 0; i < reference.length; i++) {
            reference[i] = random.nextInt(4) * 1.5;
        }
        for (int i = 0; i < current.length; i++) {
            current[i] = random.nextInt(4) * 1.5;
            window.add(current[i]);
        }
        DriftResult sketched = DriftReport.compute(Map.of("x", ColumnDistribution.Numeric.of(reference)), 600,
                Map.of("x", ColumnDistribution.Numeric.of(window)), 6000, DriftOptions.defaults()).features().get(0);
        DriftResult raw = DriftReport.compute(Map.of("x", ColumnDistribution.Numeric.of(reference)), 600,
                Map.of("x", ColumnDistribution.Numeric.of(current)), 6000, DriftOptions.defaults()).features().get(0);
        assertThat(sketched.method()).isEqualTo(DriftMethod.CHI_SQUARE);
        assertThat(sketched.score()).isEqualTo(raw.score());
    }

    @Test
    void mergedWindowSketchesGiveTheReportOfTheWholeWindow() {
        DatasetSketch reference = table(5000, 18, 0);
        List<Map<String, Object>> window = rows(40_000, 19, 0.2);
        DatasetSketch merged = new DatasetSketch(COLUMNS);
        for (int batch = 0; batch < 8; batch++) {
            merged.merge(DatasetSketch.of(COLUMNS, window.subList(batch * 5000, (batch + 1) * 5000)));
        }
        List<DriftResult> expected = DriftReport.compute(reference, DatasetSketch.of(COLUMNS, window), DriftOptions.defaults()).features();
        List<DriftResult> actual = DriftReport.compute(reference, merged, DriftOptions.defaults()).features();
        assertThat(merged.rows()).isEqualTo(40_000);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i).method()).isEqualTo(expected.get(i).method());
            assertThat(actual.get(i).score()).isCloseTo(expected.get(i).score(), within(1e-9));
            assertThat(actual.get(i).drifted()).isEqualTo(expected.get(i).drifted());
        }
    }

    @Test
    void jsonHasTheFieldsTheReportPromises() {
        JsonNode json = DriftReport.compute(table(2000, 14, 0), table(3000, 15, 1), DriftOptions.defaults()).toJson();
        assertThat(json.get("rows").asLong()).isEqualTo(3000);
        assertThat(json.get("dataset_drift").asBoolean()).isTrue();
        assertThat(json.get("drift_share").asDouble()).isEqualTo(1.0);
        JsonNode feature = json.get("features").get(0);
        assertThat(feature.get("name").asText()).isEqualTo("age");
        assertThat(feature.get("method").asText()).isEqualTo("wasserstein");
        assertThat(feature.get("score").isNumber()).isTrue();
        assertThat(feature.get("threshold").asDouble()).isEqualTo(0.1);
        assertThat(feature.get("drifted").asBoolean()).isTrue();
    }
}
