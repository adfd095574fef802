package dev.slipway.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class LiveQualityWindowTest {
    private static double value(ModelQuality quality, String name) {
        return quality.metric(name).orElseThrow().value();
    }

    private static String classifier(String label, double no, double yes) {
        return "{\"label\": \"" + label + "\", \"probability_no\": " + no + ", \"probability_yes\": " + yes + "}";
    }

    @Test
    void binaryClassifierWithProbabilitiesMatchesHandComputedMetrics() {
        LiveQualityWindow window = new LiveQualityWindow(Optional.empty());
        window.add(classifier("yes", 0.2, 0.8), "\"yes\"");
        window.add(classifier("yes", 0.4, 0.6), "\"no\"");
        window.add(classifier("no", 0.7, 0.3), "{\"churned\": \"yes\"}");
        window.add(classifier("no", 0.9, 0.1), "\"no\"");
        window.add(classifier("yes", 0.1, 0.9), "\"yes\"");

        ModelQuality quality = window.quality().orElseThrow();
        assertThat(window.task()).contains(LiveQualityWindow.Task.CLASSIFICATION);
        assertThat(window.positiveLabel()).contains("yes");
        assertThat(quality.rows()).isEqualTo(5);
        // TP 2, FP 1, FN 1, TN 1
        assertThat(value(quality, "accuracy")).isCloseTo(0.6, within(1e-12));
        assertThat(value(quality, "precision")).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(value(quality, "recall")).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(value(quality, "f1")).isCloseTo(2.0 / 3, within(1e-12));
        // positive scores 0.8, 0.3, 0.9 against negative 0.6, 0.1: 5 of 6 pairs ordered
        assertThat(value(quality, "roc_auc")).isCloseTo(5.0 / 6, within(1e-12));
        double logLoss = -(Math.log(0.8) + Math.log(0.4) + Math.log(0.3) + Math.log(0.9) + Math.log(0.9)) / 5;
        assertThat(value(quality, "log_loss")).isCloseTo(logLoss, within(1e-12));
    }

    @Test
    void explicitPositiveLabelOverridesTheSecondClass() {
        LiveQualityWindow window = new LiveQualityWindow(Optional.of("no"));
        window.add(classifier("yes", 0.2, 0.8), "\"yes\"");
        window.add(classifier("yes", 0.4, 0.6), "\"no\"");
        window.add(classifier("no", 0.7, 0.3), "\"no\"");

        ModelQuality quality = window.quality().orElseThrow();
        assertThat(window.positiveLabel()).contains("no");
        assertThat(value(quality, "precision")).isEqualTo(1.0);
        assertThat(value(quality, "recall")).isEqualTo(0.5);
        assertThat(value(quality, "roc_auc")).isEqualTo(1.0);
    }

    @Test
    void regressionMatchesHandComputedMetrics() {
        LiveQualityWindow window = new LiveQualityWindow(Optional.empty());
        window.add("{\"prediction\": 2}", "3");
        window.add("{\"prediction\": 4.0}", "4");
        window.add("{\"prediction\": 5}", "\"3\"");
        window.add("{\"prediction\": 1}", "{\"y\": 2}");

        ModelQuality quality = window.quality().orElseThrow();
        assertThat(window.task()).contains(LiveQualityWindow.Task.REGRESSION);
        assertThat(window.positiveLabel()).isEmpty();
        // errors -1, 0, 2, -1; labels 3, 4, 3, 2 with mean 3, SST 2, SSE 6
        assertThat(value(quality, "mean_error")).isCloseTo(0, within(1e-12));
        assertThat(value(quality, "mae")).isCloseTo(1, within(1e-12));
        assertThat(value(quality, "rmse")).isCloseTo(Math.sqrt(1.5), within(1e-12));
        assertThat(value(quality, "r2")).isCloseTo(-2, within(1e-12));
    }

    @Test
    void labelsWithoutProbabilitiesBecomeBinaryWithTheLargerLabelPositive() {
        LiveQualityWindow window = new LiveQualityWindow(Optional.empty());
        window.add("{\"label\": \"1\"}", "1");
        window.add("{\"label\": \"1\"}", "0.0");
        window.add("{\"label\": \"0\"}", "0");
        window.add("{\"label\": 0}", "false");

        ModelQuality quality = window.quality().orElseThrow();
        assertThat(window.task()).contains(LiveQualityWindow.Task.CLASSIFICATION);
        assertThat(window.positiveLabel()).isEmpty();
        // labels 0, 1 and false: three classes, so macro-averaged
        assertThat(quality.metric("precision_macro")).isPresent();

        LiveQualityWindow binary = new LiveQualityWindow(Optional.empty());
        binary.add("{\"label\": \"1\"}", "1");
        binary.add("{\"label\": \"1\"}", "0.0");
        binary.add("{\"label\": \"0\"}", "0");
        binary.add("{\"label\": 0}", "0");
        ModelQuality binaryQuality = binary.quality().orElseThrow();
        assertThat(binary.positiveLabel()).contains("1");
        assertThat(value(binaryQuality, "accuracy")).isEqualTo(0.75);
        assertThat(value(binaryQuality, "precision")).isEqualTo(0.5);
        assertThat(value(binaryQuality, "recall")).isEqualTo(1.0);
        assertThat(value(binaryQuality, "f1")).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(binaryQuality.metric("roc_auc").orElseThrow().notEnoughData()).contains("no scores were logged");
    }

    @Test
    void multiclassUsesTheProbabilityOfTheActualClassForLogLoss() {
        LiveQualityWindow window = new LiveQualityWindow(Optional.empty());
        window.add("{\"label\": \"a\", \"probability_a\": 0.5, \"probability_b\": 0.3, \"probability_c\": 0.2}", "\"a\"");
        window.add("{\"label\": \"b\", \"probability_a\": 0.2, \"probability_b\": 0.6, \"probability_c\": 0.2}", "\"c\"");

        ModelQuality quality = window.quality().orElseThrow();
        assertThat(window.positiveLabel()).isEmpty();
        assertThat(value(quality, "accuracy")).isEqualTo(0.5);
        assertThat(value(quality, "log_loss")).isCloseTo(-(Math.log(0.5) + Math.log(0.2)) / 2, within(1e-12));
    }

    @Test
    void unreadableRowsAreSkippedWithTheFirstReason() {
        LiveQualityWindow window = new LiveQualityWindow(Optional.empty());
        window.add("{\"prediction\": 2}", "3");
        window.add("{\"prediction\": 2}", "[1, 2]");
        window.add("{\"prediction\": 2}", "null");
        window.add("{\"score\": 1, \"other\": 2}", "3");
        window.add("not json", "3");

        assertThat(window.rows()).isEqualTo(1);
        assertThat(window.skipped()).isEqualTo(4);
        assertThat(window.skippedReason()).contains("the actual value [1,2] is not a number");
    }

    @Test
    void emptyWindowHasNoQuality() {
        LiveQualityWindow window = new LiveQualityWindow(Optional.empty());
        assertThat(window.quality()).isEmpty();
        assertThat(window.task()).isEmpty();
        assertThat(window.rows()).isZero();
    }

    @Test
    void qualityJsonReadsBack() {
        LiveQualityWindow window = new LiveQualityWindow(Optional.empty());
        window.add(classifier("yes", 0.2, 0.8), "\"yes\"");
        ModelQuality quality = window.quality().orElseThrow();

        ModelQuality read = ModelQuality.fromJson(quality.toJson());

        assertThat(read).isEqualTo(quality);
    }
}
