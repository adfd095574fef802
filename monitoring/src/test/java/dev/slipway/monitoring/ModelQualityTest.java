package dev.slipway.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ModelQualityTest {
    private static double value(ModelQuality quality, String name) {
        return quality.metric(name).orElseThrow().value();
    }

    @Test
    void binaryMetricsMatchTheConfusionMatrix() {
        ClassificationWindow window = ClassificationWindow.binary("1");
        // TP = 3, FP = 1, FN = 2, TN = 4
        String[][] pairs = {{"1", "1"}, {"1", "1"}, {"1", "1"}, {"1", "0"}, {"0", "1"}, {"0", "1"}, {"0", "0"}, {"0", "0"}, {"0", "0"}, {"0", "0"}};
        for (String[] pair : pairs) {
            window.add(pair[0], pair[1]);
        }
        ModelQuality quality = window.quality();
        assertThat(value(quality, "accuracy")).isCloseTo(0.7, within(1e-12));
        assertThat(value(quality, "precision")).isCloseTo(0.75, within(1e-12));
        assertThat(value(quality, "recall")).isCloseTo(0.6, within(1e-12));
        assertThat(value(quality, "f1")).isCloseTo(2 * 0.75 * 0.6 / 1.35, within(1e-12));
        assertThat(quality.metric("roc_auc").orElseThrow().notEnoughData()).contains("no scores were logged");
    }

    @Test
    void rocAucFromTheHistogramIsWithinItsStatedBoundOfTheExactValue() {
        ClassificationWindow window = ClassificationWindow.binary("yes");
        Random random = new Random(3);
        double[] scores = new double[4000];
        boolean[] positive = new boolean[4000];
        for (int i = 0; i < scores.length; i++) {
            positive[i] = random.nextDouble() < 0.3;
            scores[i] = 1 / (1 + Math.exp(-(random.nextGaussian() + (positive[i] ? 1 : 0))));
            window.add(scores[i] > 0.5 ? "yes" : "no", positive[i] ? "yes" : "no", scores[i]);
        }
        double concordant = 0;
        long pairs = 0;
        double logLoss = 0;
        for (int i = 0; i < scores.length; i++) {
            logLoss -= Math.log(positive[i] ? scores[i] : 1 - scores[i]);
            if (!positive[i]) {
                continue;
            }
            for (int j = 0; j < scores.length; j++) {
                if (!positive[j]) {
                    pairs++;
                    concordant += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                }
            }
        }
        ModelQuality quality = window.quality();
        assertThat(value(quality, "roc_auc")).isCloseTo(concordant / pairs, within(window.rocAucErrorBound()));
        assertThat(window.rocAucErrorBound()).isLessThan(0.002);
        assertThat(value(quality, "log_loss")).isCloseTo(logLoss / scores.length, within(1e-9));
    }

    @Test
    void rocAucWithOneClassIsNotEnoughData() {
        ClassificationWindow window = ClassificationWindow.binary("1");
        window.add("1", "1", 0.9);
        window.add("0", "1", 0.2);
        ModelQuality quality = window.quality();
        assertThat(quality.metric("roc_auc").orElseThrow().notEnoughData()).contains("only one class among the labels");
        assertThat(quality.metric("precision").orElseThrow().value()).isEqualTo(1.0);
        assertThat(quality.toJson().get("roc_auc").isNull()).isTrue();
    }

    @Test
    void anEmptyWindowHasNoMetrics() {
        assertThat(ClassificationWindow.multiclass().quality().metrics()).allMatch(metric -> !metric.hasValue());
        assertThat(new RegressionWindow().quality().metrics()).allMatch(metric -> !metric.hasValue());
    }

    @Test
    void macroMetricsAverageThePerClassValues() {
        ClassificationWindow window = ClassificationWindow.multiclass();
        window.add("a", "a", Map.of("a", 0.8, "b", 0.1, "c", 0.1));
        window.add("a", "b", Map.of("a", 0.6, "b", 0.3, "c", 0.1));
        window.add("b", "b", Map.of("a", 0.2, "b", 0.7, "c", 0.1));
        window.add("b", "c", Map.of("a", 0.2, "b", 0.5, "c", 0.3));
        ModelQuality quality = window.quality();
        // precision a = 1/2, b = 1/2, c = 0 (never predicted); recall a = 1, b = 1/2, c = 0
        assertThat(value(quality, "precision_macro")).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(value(quality, "recall_macro")).isCloseTo(0.5, within(1e-12));
        double f1 = (2 * 0.5 * 1 / 1.5 + 0.5 + 0) / 3;
        assertThat(value(quality, "f1_macro")).isCloseTo(f1, within(1e-12));
        assertThat(value(quality, "log_loss")).isCloseTo(-(Math.log(0.8) + Math.log(0.3) + Math.log(0.7) + Math.log(0.3)) / 4, within(1e-12));
    }

    @Test
    void regressionMetricsMatchClosedFormsAndMergeExactly() {
        double[] predicted = {2.5, 0.0, 2.0, 8.0};
        double[] actual = {3.0, -0.5, 2.0, 7.0};
        RegressionWindow whole = new RegressionWindow();
        RegressionWindow left = new RegressionWindow();
        RegressionWindow right = new RegressionWindow();
        for (int i = 0; i < 4; i++) {
            whole.add(predicted[i], actual[i]);
            (i < 2 ? left : right).add(predicted[i], actual[i]);
        }
        left.merge(right);
        double mean = (3.0 - 0.5 + 2.0 + 7.0) / 4;
        double sst = 0;
        for (double a : actual) {
            sst += (a - mean) * (a - mean);
        }
        double sse = 0.25 + 0.25 + 0 + 1;
        for (RegressionWindow window : new RegressionWindow[] {whole, left}) {
            ModelQuality quality = window.quality();
            assertThat(value(quality, "mae")).isCloseTo(0.5, within(1e-12));
            assertThat(value(quality, "rmse")).isCloseTo(Math.sqrt(sse / 4), within(1e-12));
            assertThat(value(quality, "r2")).isCloseTo(1 - sse / sst, within(1e-12));
        }
    }

    @Test
    void r2OfConstantLabelsIsNotEnoughData() {
        RegressionWindow window = new RegressionWindow();
        window.add(1, 2);
        window.add(3, 2);
        assertThat(window.quality().metric("r2").orElseThrow().notEnoughData()).contains("labels are constant");
    }
}
