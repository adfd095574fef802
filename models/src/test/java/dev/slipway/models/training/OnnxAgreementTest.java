package dev.slipway.models.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** ONNX Runtime running the exported graph agrees with the native model on every row (issue 3). */
class OnnxAgreementTest {
    private static final double TOLERANCE = 1e-5;

    @Test
    void xgboostBinaryClassifierAgreesWithOnnx() throws Exception {
        assertAgreement(Algorithm.XGBOOST, 2, Map.of("n_estimators", "8", "max_depth", "3"));
    }

    @Test
    void xgboostMultiClassClassifierAgreesWithOnnx() throws Exception {
        assertAgreement(Algorithm.XGBOOST, 3, Map.of("n_estimators", "6", "max_depth", "3"));
    }

    @Test
    void xgboostRegressorAgreesWithOnnx() throws Exception {
        assertAgreement(Algorithm.XGBOOST, 0, Map.of("n_estimators", "8", "max_depth", "4", "base_score", "2.5"));
    }

    @Test
    void randomForestClassifierAgreesWithOnnx() throws Exception {
        assertAgreement(Algorithm.RANDOM_FOREST, 3, Map.of("n_estimators", "5", "max_depth", "6"));
    }

    @Test
    void randomForestRegressorAgreesWithOnnx() throws Exception {
        assertAgreement(Algorithm.RANDOM_FOREST, 0, Map.of("n_estimators", "5", "max_depth", "6"));
    }

    @Test
    void logisticRegressionAgreesWithOnnx() throws Exception {
        assertAgreement(Algorithm.LOGISTIC, 3, Map.of("epochs", "5"));
    }

    @Test
    void linearRegressionAgreesWithOnnx() throws Exception {
        assertAgreement(Algorithm.LINEAR, 0, Map.of("epochs", "5"));
    }

    /**
     * 1e-5, relative above magnitude 1: ONNX computes in float32, whose spacing near 1000 (the scoring
     * table's outlier row) is 6e-5, so no float32 graph can match a double-precision linear model
     * absolutely there. Tree ensembles pass with 1e-5 absolute on every row.
     */
    private static double regressionTolerance(double expected) {
        return TOLERANCE * Math.max(1, Math.abs(expected));
    }

    private static void assertAgreement(Algorithm algorithm, int classes, Map<String, String> given)
            throws Exception {
        TrainingTable training = GeneratedTables.table("train.csv", 300, classes, 7);
        TrainingTable validation = GeneratedTables.table("valid.csv", 60, classes, 8);
        TrainingTable scoring = GeneratedTables.scoringTable(200, classes, 9);
        Target target = Target.resolve(training, "target",
                Optional.of(classes == 0 ? Task.REGRESSION : Task.CLASSIFICATION));
        AlgorithmParameters parameters = AlgorithmParameters.resolve(algorithm, target.task(), given);
        FeatureEncoder encoder = FeatureEncoder.fit(training, Map.of("x1", ColumnKind.NUMERIC, "x2",
                ColumnKind.NUMERIC, "color", ColumnKind.CATEGORICAL), "target", algorithm.standardizes(parameters));
        EncodedData train = new EncodedData(encoder.encode(training), target.encode(training));
        EncodedData valid = new EncodedData(encoder.encode(validation), target.encode(validation));
        List<Double> iterations = new ArrayList<>();
        try (FittedModel model = algorithm.learner().fit(train, valid, target, parameters, 42,
                new TrainingListener() {
                    @Override
                    public void onIterationMetric(String key, long step, double value) {
                        iterations.add(value);
                    }
                })) {
            ModelProto proto = ModelGraph.build(encoder, model, target, algorithm, "test");
            List<String> outputNames = new ArrayList<>();
            if (classes == 0) {
                outputNames.add("prediction");
            } else {
                outputNames.add("label");
                target.classes().forEach(className -> outputNames.add("probability_" + className));
            }
            assertThat(proto.getGraph().getOutputList()).extracting(ValueInfoProto::getName)
                    .containsExactlyElementsOf(outputNames);
            assertThat(proto.getGraph().getOutputList()).allSatisfy(output ->
                    assertThat(output.getType().getTensorType().getShape().getDimCount()).isEqualTo(1));
            double[][] expected = model.predict(encoder.encode(scoring));
            OnnxScoring.Outputs actual = OnnxScoring.score(proto.toByteArray(), encoder.columns(), scoring);

            assertThat(expected).hasNumberOfRows(scoring.rowCount());
            for (int row = 0; row < scoring.rowCount(); row++) {
                if (classes == 0) {
                    assertThat((double) actual.predictions()[row]).as("row %d", row)
                            .isCloseTo(expected[row][0], within(regressionTolerance(expected[row][0])));
                } else {
                    for (int k = 0; k < classes; k++) {
                        assertThat((double) actual.probabilities()[row][k]).as("row %d class %d", row, k)
                                .isCloseTo(expected[row][k], within(TOLERANCE));
                    }
                    assertThat(actual.labels()[row]).as("row %d", row)
                            .isEqualTo(target.classes().get(ValidationMetrics.argMax(expected[row])));
                }
            }
        }
        if (algorithm == Algorithm.XGBOOST || algorithm == Algorithm.RANDOM_FOREST) {
            assertThat(iterations).hasSize(parameters.getInt("n_estimators"));
        }
        if (algorithm == Algorithm.LOGISTIC || algorithm == Algorithm.LINEAR) {
            assertThat(iterations).hasSize(parameters.getInt("epochs"));
        }
    }
}
