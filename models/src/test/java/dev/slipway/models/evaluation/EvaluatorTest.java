package dev.slipway.models.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.slipway.core.SlipwayException;
import dev.slipway.models.format.ColumnSpec;
import dev.slipway.models.format.ColumnType;
import dev.slipway.models.format.ModelDirectory;
import dev.slipway.models.format.NewModel;
import dev.slipway.models.format.Schema;
import dev.slipway.models.format.Signature;
import dev.slipway.models.scoring.ModelTask;
import dev.slipway.models.scoring.OnnxModel;
import dev.slipway.models.scoring.TestOnnxModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluatorTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T08:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path folder;

    private ModelDirectory logisticModel() {
        return logisticModel("model", TestOnnxModels.logisticRegression(0.8f, -1.5f, 0.25f, List.of("no", "yes")));
    }

    private ModelDirectory logisticModel(String name, byte[] onnx) {
        Signature signature = new Signature(Schema.ofColumns(List.of(ColumnSpec.of("x1", ColumnType.DOUBLE),
                ColumnSpec.of("x2", ColumnType.DOUBLE))), Optional.empty(), Optional.empty());
        return ModelDirectory.write(folder.resolve(name), NewModel.of(onnx, signature,
                Map.of("slipway_task", "classification", "slipway_target", "bought", "slipway_classes",
                        List.of("no", "yes"))), CLOCK);
    }

    @Test
    void evaluatesAClassifierAgainstTheTargetColumnOfAHoldoutSet() throws IOException {
        Path holdout = folder.resolve("holdout.csv");
        // p(yes): 0.562, 0.125, 0.012, 0.953 -> predicted yes, no, no, yes
        Files.writeString(holdout, "x1,x2,bought\n0,0,yes\n1,2,no\n-3,1.5,yes\n2.5,-0.5,no\n9,9,\n");
        List<Long> progress = new ArrayList<>();

        EvaluationResult result;
        try (OnnxModel model = OnnxModel.load(logisticModel(), 1)) {
            result = new Evaluator(3).evaluate(model, holdout, Optional.empty(), progress::add);
        }

        assertThat(result.task()).isEqualTo(ModelTask.CLASSIFICATION);
        assertThat(result.rows()).isEqualTo(4);
        assertThat(result.metric(Metric.ACCURACY)).hasValueSatisfying(value -> assertThat(value).isEqualTo(0.5));
        // positives score 0.562 and 0.012, negatives 0.125 and 0.953: 1 pair of 4 ordered correctly
        assertThat(result.metric(Metric.ROC_AUC)).hasValueSatisfying(value -> assertThat(value).isEqualTo(0.25));
        assertThat(result.metric(Metric.PRECISION)).hasValueSatisfying(value -> assertThat(value).isEqualTo(0.5));
        assertThat(result.metrics()).containsKey(Metric.LOG_LOSS);
        assertThat(progress).endsWith(5L);
    }

    @Test
    void evaluatesAClassifierWithOneProbabilityMatrixOutputLikeOneWithPerClassOutputs() throws IOException {
        Path holdout = folder.resolve("holdout.csv");
        Files.writeString(holdout, "x1,x2,bought\n0,0,yes\n1,2,no\n-3,1.5,yes\n2.5,-0.5,no\n");
        EvaluationResult perClass;
        EvaluationResult matrix;
        try (OnnxModel model = OnnxModel.load(logisticModel(), 1)) {
            perClass = new Evaluator(3).evaluate(model, holdout, Optional.empty(), rows -> {});
        }
        try (OnnxModel model = OnnxModel.load(logisticModel("matrix-model",
                TestOnnxModels.logisticRegressionWithProbabilityMatrix(0.8f, -1.5f, 0.25f, List.of("no", "yes"))), 1)) {
            matrix = new Evaluator(3).evaluate(model, holdout, Optional.empty(), rows -> {});
        }

        assertThat(matrix.metrics()).containsKeys(Metric.ROC_AUC, Metric.LOG_LOSS).isEqualTo(perClass.metrics());
        assertThat(matrix.metric(Metric.ROC_AUC)).hasValueSatisfying(value -> assertThat(value).isEqualTo(0.25));
    }

    @Test
    void evaluatesARegressorWhoseTensorInputIgnoresTheTargetColumn() throws IOException {
        Path onnxFile = folder.resolve("linear.onnx");
        Files.write(onnxFile, TestOnnxModels.linearRegressionOnOneTensor(new float[] {0.5f, -2f, 3f}, 1f));
        Path holdout = folder.resolve("holdout.csv");
        Files.writeString(holdout, "a,y,b,c\n1,7,2,3\n0,0,0,0\n");

        EvaluationResult result;
        try (OnnxModel model = OnnxModel.load(onnxFile, Optional.empty(), 1)) {
            result = new Evaluator(100).evaluate(model, holdout, Optional.of("y"), rows -> {});
        }

        assertThat(result.task()).isEqualTo(ModelTask.REGRESSION);
        assertThat(result.metric(Metric.MAE).orElseThrow()).isCloseTo(0.75, within(1e-6));
        assertThat(result.metric(Metric.RMSE).orElseThrow()).isCloseTo(Math.sqrt((0.25 + 1) / 2), within(1e-6));
    }

    @Test
    void explainsAMissingTargetColumn() throws IOException {
        Path holdout = folder.resolve("holdout.csv");
        Files.writeString(holdout, "x1,x2\n1,2\n");

        try (OnnxModel model = OnnxModel.load(logisticModel(), 1)) {
            assertThatThrownBy(() -> new Evaluator(10).evaluate(model, holdout, Optional.empty(), rows -> {}))
                    .isInstanceOf(SlipwayException.class)
                    .hasMessage("%s has no column 'bought' (header: x1, x2)", holdout);
        }
    }
}
