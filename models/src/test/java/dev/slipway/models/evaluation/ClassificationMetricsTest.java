package dev.slipway.models.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {
    private static final double EPSILON = 1e-12;

    @Test
    void computesAucOfTheScikitLearnExample() {
        assertThat(ClassificationMetrics.rocAuc(new float[] {0.35f, 0.8f}, new float[] {0.1f, 0.4f}))
                .isCloseTo(0.75, within(EPSILON));
    }

    @Test
    void countsTiedScoresAsHalfAWin() {
        // positives 0.2, 0.6, 0.9 against negatives 0.2, 0.6: 0.5 + 0 + 1 + 0.5 + 1 + 1 = 4 of 6 pairs
        assertThat(ClassificationMetrics.rocAuc(new float[] {0.6f, 0.2f, 0.9f}, new float[] {0.6f, 0.2f}))
                .isCloseTo(4.0 / 6, within(EPSILON));
        assertThat(ClassificationMetrics.rocAuc(new float[] {0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f}))
                .isCloseTo(0.5, within(EPSILON));
    }

    @Test
    void aucIsUndefinedWithoutBothClasses() {
        assertThat(ClassificationMetrics.rocAuc(new float[] {0.3f}, new float[0])).isNaN();
    }

    @Test
    void computesBinaryMetricsForTheSecondClass() {
        ClassificationMetrics metrics = new ClassificationMetrics(List.of("no", "yes"), true);
        add(metrics, "yes", "yes", 0.9f);
        add(metrics, "yes", "no", 0.4f);
        add(metrics, "no", "no", 0.2f);
        add(metrics, "no", "yes", 0.6f);
        add(metrics, "yes", "yes", 0.7f);

        Map<Metric, Double> values = metrics.metrics();

        assertThat(values.get(Metric.ACCURACY)).isCloseTo(0.6, within(EPSILON));
        assertThat(values.get(Metric.PRECISION)).isCloseTo(2.0 / 3, within(EPSILON));
        assertThat(values.get(Metric.RECALL)).isCloseTo(2.0 / 3, within(EPSILON));
        assertThat(values.get(Metric.F1)).isCloseTo(2.0 / 3, within(EPSILON));
        assertThat(values.get(Metric.ROC_AUC)).isCloseTo(5.0 / 6, within(EPSILON));
        double expectedLogLoss = -(Math.log(0.9f) + Math.log(0.4f) + Math.log(1 - 0.2f) + Math.log(1 - 0.6f)
                + Math.log(0.7f)) / 5;
        assertThat(values.get(Metric.LOG_LOSS)).isCloseTo(expectedLogLoss, within(1e-6));
    }

    @Test
    void treatsOneAsThePositiveClassWhereverItIs() {
        assertThat(ClassificationMetrics.positiveClass(List.of("1", "0"))).isEqualTo("1");
        assertThat(ClassificationMetrics.positiveClass(List.of("True", "False"))).isEqualTo("True");
        assertThat(ClassificationMetrics.positiveClass(List.of("cat", "dog"))).isEqualTo("dog");

        ClassificationMetrics metrics = new ClassificationMetrics(List.of("1", "0"), false);
        metrics.add("1", "1");
        metrics.add("1", "0");
        metrics.add("0", "0");
        metrics.add("0", "0");
        // positive "1": TP 1, FN 1, FP 0
        assertThat(metrics.metrics().get(Metric.PRECISION)).isCloseTo(1.0, within(EPSILON));
        assertThat(metrics.metrics().get(Metric.RECALL)).isCloseTo(0.5, within(EPSILON));
        assertThat(metrics.metrics()).doesNotContainKeys(Metric.ROC_AUC, Metric.LOG_LOSS);
    }

    @Test
    void macroAveragesPrecisionRecallAndF1OverThreeClasses() {
        ClassificationMetrics metrics = new ClassificationMetrics(List.of(), false);
        metrics.add("a", "a");
        metrics.add("a", "b");
        metrics.add("b", "b");
        metrics.add("c", "c");
        metrics.add("c", "a");
        metrics.add("b", "b");

        Map<Metric, Double> values = metrics.metrics();

        // a: P 1/2 R 1/2 F1 1/2; b: P 2/3 R 1 F1 4/5; c: P 1 R 1/2 F1 2/3
        assertThat(values.get(Metric.ACCURACY)).isCloseTo(4.0 / 6, within(EPSILON));
        assertThat(values.get(Metric.PRECISION)).isCloseTo((0.5 + 2.0 / 3 + 1) / 3, within(EPSILON));
        assertThat(values.get(Metric.RECALL)).isCloseTo((0.5 + 1 + 0.5) / 3, within(EPSILON));
        assertThat(values.get(Metric.F1)).isCloseTo((0.5 + 0.8 + 2.0 / 3) / 3, within(EPSILON));
    }

    @Test
    void macroAveragesOneVersusRestAucAndClipsLogLoss() {
        ClassificationMetrics metrics = new ClassificationMetrics(List.of("a", "b", "c"), true);
        metrics.add("a", "a", new float[] {0.8f, 0.1f, 0.1f});
        metrics.add("b", "b", new float[] {0.1f, 0.7f, 0.2f});
        metrics.add("c", "b", new float[] {0.0f, 0.6f, 0.4f});
        metrics.add("c", "c", new float[] {0.1f, 0.1f, 0.8f});

        Map<Metric, Double> values = metrics.metrics();

        // a: positive 0.8 vs 0.1, 0.0, 0.1 -> 1; b: 0.7 vs 0.1, 0.6, 0.1 -> 1;
        // c: positives 0.4, 0.8 vs 0.1, 0.2 -> 1. Every one-vs-rest AUC is 1.
        assertThat(values.get(Metric.ROC_AUC)).isCloseTo(1.0, within(EPSILON));
        double expectedLogLoss = -(Math.log(0.8f) + Math.log(0.7f) + Math.log(0.4f) + Math.log(0.8f)) / 4;
        assertThat(values.get(Metric.LOG_LOSS)).isCloseTo(expectedLogLoss, within(1e-6));

        ClassificationMetrics certainAndWrong = new ClassificationMetrics(List.of("a", "b"), true);
        certainAndWrong.add("a", "b", new float[] {0f, 1f});
        assertThat(certainAndWrong.metrics().get(Metric.LOG_LOSS)).isCloseTo(-Math.log(1e-15), within(1e-9));
    }

    private static void add(ClassificationMetrics metrics, String actual, String predicted, float yes) {
        metrics.add(actual, predicted, new float[] {1 - yes, yes});
    }
}
