package dev.slipway.models.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.slipway.core.SlipwayException;
import dev.slipway.models.scoring.ModelTask;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ComparisonTest {
    private static final EvaluationResult CANDIDATE = new EvaluationResult(ModelTask.CLASSIFICATION, 2000,
            Map.of(Metric.ACCURACY, 0.85, Metric.ROC_AUC, 0.9123, Metric.LOG_LOSS, 0.30));
    private static final EvaluationResult BASELINE = new EvaluationResult(ModelTask.CLASSIFICATION, 2000,
            Map.of(Metric.ACCURACY, 0.86, Metric.ROC_AUC, 0.9001, Metric.LOG_LOSS, 0.32));

    @Test
    void passesWhenTheMetricImprovesByTheMinimumDelta() {
        Comparison comparison = Comparison.of("candidate", CANDIDATE, "production", BASELINE, Metric.ROC_AUC, 0.01);

        assertThat(comparison.delta()).isCloseTo(0.0122, within(1e-12));
        assertThat(comparison.passed()).isTrue();
        assertThat(Comparison.of("candidate", CANDIDATE, "production", BASELINE, Metric.ROC_AUC, 0.02).passed())
                .isFalse();
        assertThat(Comparison.of("candidate", CANDIDATE, "production", BASELINE, Metric.ACCURACY, 0).passed())
                .isFalse();
        assertThat(Comparison.of("candidate", CANDIDATE, "production", BASELINE, Metric.ACCURACY, -0.02).passed())
                .isTrue();
    }

    @Test
    void treatsALowerLogLossAsAnImprovement() {
        Comparison comparison = Comparison.of("candidate", CANDIDATE, "production", BASELINE, Metric.LOG_LOSS, 0.01);

        assertThat(comparison.delta()).isCloseTo(-0.02, within(1e-12));
        assertThat(comparison.improvement()).isCloseTo(0.02, within(1e-12));
        assertThat(comparison.passed()).isTrue();
        assertThat(comparison.verdict())
                .isEqualTo("PASS: log_loss improved by 0.0200 (an improvement of at least 0.0100 required)");
    }

    @Test
    void rendersAMarkdownTableWithBothModelsAndTheVerdict() {
        String markdown = Comparison.of("candidate", CANDIDATE, "production", BASELINE, Metric.ROC_AUC, 0.005)
                .toMarkdown();

        assertThat(markdown).startsWith("### Model comparison: PASS\n")
                .contains("| Metric | Candidate | Baseline | Delta |\n|:--|--:|--:|--:|\n")
                .contains("| **roc_auc ↑** | 0.9123 | 0.9001 | +0.0122 |\n")
                .contains("| accuracy ↑ | 0.8500 | 0.8600 | -0.0100 |\n")
                .contains("| log_loss ↓ | 0.3000 | 0.3200 | -0.0200 |\n")
                .contains("evaluated on 2,000 rows");
    }

    @Test
    void rendersASideBySideTextTable() {
        String text = Comparison.of("new", CANDIDATE, "old", BASELINE, Metric.ACCURACY, 0).toText();

        assertThat(text.lines()).containsSequence(
                "metric         new     old    delta",
                "accuracy *  0.8500  0.8600  -0.0100",
                "roc_auc     0.9123  0.9001  +0.0122",
                "log_loss    0.3000  0.3200  -0.0200");
        assertThat(text).endsWith("FAIL: accuracy got worse by 0.0100 (an improvement of at least 0.0000 required)\n");
    }

    @Test
    void rejectsAMetricThatOneModelLacks() {
        EvaluationResult regression = new EvaluationResult(ModelTask.REGRESSION, 10, Map.of(Metric.MAE, 1.0));

        assertThatThrownBy(() -> Comparison.of("a", CANDIDATE, "b", BASELINE, Metric.F1, 0))
                .isInstanceOf(SlipwayException.class)
                .hasMessage("Metric 'f1' is not defined for a (its metrics: accuracy, roc_auc, log_loss)");
        assertThatThrownBy(() -> Comparison.of("a", CANDIDATE, "b", regression, Metric.ACCURACY, 0))
                .hasMessage("Cannot compare a classification model (a) with a regression model (b)");
    }
}
