package dev.slipway.models.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.models.format.ModelDirectory;
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
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Trainer trainer = new Trainer(Clock.fixed(Instant.parse("2026-11-26T08:00:00Z"), ZoneOffset.UTC));

    @TempDir
    Path folder;

    @Test
    void xgboostClassifierWritesAModelFolderThatScoresLikeTheValidationMetrics() throws Exception {
        Path csv = write("train.csv", GeneratedTables.table("train.csv", 250, 2, 1));
        List<String> metricKeys = new ArrayList<>();
        List<Long> steps = new ArrayList<>();
        TrainingResult result = trainer.train(request(csv, Algorithm.XGBOOST, Map.of("n_estimators", "5"),
                Validation.split(0.2)), new TrainingListener() {
                    @Override
                    public void onIterationMetric(String key, long step, double value) {
                        metricKeys.add(key);
                        steps.add(step);
                    }
                });

        ModelDirectory model = ModelDirectory.read(folder.resolve("model"));
        assertThat(model.mlmodel().metadataString("slipway_task")).contains("classification");
        assertThat(model.mlmodel().metadataString("slipway_target")).contains("target");
        assertThat(model.mlmodel().metadataString("slipway_algorithm")).contains("xgboost");
        assertThat(model.mlmodel().metadataList("slipway_classes")).contains(List.of("c0", "c1"));
        assertThat(model.mlmodel().signature().orElseThrow().inputs().names()).containsExactly("x1", "x2", "color");
        assertThat(model.inputExample().orElseThrow().rows()).hasSize(5);
        ModelProto onnx = ModelProto.parseFrom(Files.readAllBytes(model.onnxFile()));
        assertThat(onnx.getGraph().getInputList()).extracting(ValueInfoProto::getName)
                .containsExactly("x1", "x2", "color");
        assertThat(onnx.getGraph().getOutputList()).extracting(ValueInfoProto::getName)
                .containsExactly("label", "probability_c0", "probability_c1");
        assertThat(model.mlmodel().signature().orElseThrow().outputs().orElseThrow().names())
                .containsExactly("label", "probability_c0", "probability_c1");
        assertThat(model.mlmodel().signature().orElseThrow().outputs().orElseThrow().isTensorBased()).isFalse();
        assertThat(Files.readString(folder.resolve("model/serving_input_example.json"))).contains("dataframe_split");

        assertThat(result.trainingRows()).isEqualTo(200);
        assertThat(result.validationRows()).isEqualTo(50);
        assertThat(result.metrics()).containsKeys(ValidationMetrics.ACCURACY, ValidationMetrics.LOG_LOSS,
                ValidationMetrics.ROC_AUC);
        assertThat(result.metrics().get(ValidationMetrics.ACCURACY)).isGreaterThan(0.6);
        assertThat(metricKeys).containsOnly(ValidationMetrics.LOG_LOSS);
        assertThat(steps).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(result.parameters()).containsEntry("algorithm", "xgboost").containsEntry("task", "classification")
                .containsEntry("validation_split", "0.2").containsEntry("n_estimators", "5")
                .containsEntry("max_depth", "6").containsEntry("seed", "11");

        // The ONNX model reproduces the final validation log loss on the whole file's scoring.
        TrainingTable file = TrainingTable.read(csv);
        OnnxScoring.Outputs outputs = OnnxScoring.score(Files.readAllBytes(model.onnxFile()),
                FeatureEncoder.fit(file, Map.of("x1", ColumnKind.NUMERIC, "x2", ColumnKind.NUMERIC, "color",
                        ColumnKind.CATEGORICAL), "target", false).columns(), file);
        assertThat(outputs.labels()).hasSize(250).containsOnly("c0", "c1");
    }

    @Test
    void batchPredictionOfTheWrittenModelGivesTheOnnxLabelsAndProbabilities() throws Exception {
        Path csv = write("train.csv", GeneratedTables.table("train.csv", 120, 3, 12));
        trainer.train(request(csv, Algorithm.RANDOM_FOREST, Map.of("n_estimators", "3"), Validation.split(0.2)),
                TrainingListener.NONE);
        Path scoring = write("score.csv", GeneratedTables.scoringTable(30, 3, 13));
        Path output = folder.resolve("predictions.csv");

        ModelDirectory directory = ModelDirectory.read(folder.resolve("model"));
        try (dev.slipway.models.scoring.OnnxModel model = dev.slipway.models.scoring.OnnxModel.load(directory, 1)) {
            new dev.slipway.models.scoring.BatchPredictor(model).predict(scoring, output, java.util.Set.of(),
                    rows -> { });
        }

        TrainingTable predictions = TrainingTable.read(output);
        TrainingTable rows = TrainingTable.read(scoring);
        OnnxScoring.Outputs expected = OnnxScoring.score(Files.readAllBytes(directory.onnxFile()),
                FeatureEncoder.fit(rows, Map.of("x1", ColumnKind.NUMERIC, "x2", ColumnKind.NUMERIC, "color",
                        ColumnKind.CATEGORICAL), "target", false).columns(), rows);
        int prediction = predictions.columnIndex("prediction", "Output");
        int firstProbability = predictions.columnIndex("probability_c0", "Output");
        assertThat(predictions.rowCount()).isEqualTo(rows.rowCount());
        for (int row = 0; row < rows.rowCount(); row++) {
            assertThat(predictions.cell(row, prediction)).isEqualTo(expected.labels()[row]);
            assertThat(Double.parseDouble(predictions.cell(row, firstProbability)))
                    .isCloseTo(expected.probabilities()[row][0], within(1e-6));
        }
    }

    @Test
    void datasetInputHasAnEightCharacterDigestAColumnSchemaAndARowCount() throws Exception {
        Path csv = write("houses.csv", GeneratedTables.table("houses.csv", 120, 0, 2));
        TrainingResult result = trainer.train(request(csv, Algorithm.LINEAR, Map.of("epochs", "2"),
                Validation.split(0.25)), TrainingListener.NONE);

        assertThat(result.trainingDataset().name()).isEqualTo("houses");
        assertThat(result.trainingDataset().digest()).matches("[0-9a-f]{8}");
        assertThat(result.trainingDataset().sourceType()).isEqualTo("local");
        assertThat(JSON.readTree(result.trainingDataset().source()).get("uri").asText())
                .isEqualTo(csv.toAbsolutePath().toString());
        JsonNode schema = JSON.readTree(result.trainingDataset().schema().orElseThrow()).get("mlflow_colspec");
        assertThat(schema).hasSize(4);
        assertThat(schema.get(0).get("name").asText()).isEqualTo("x1");
        assertThat(schema.get(0).get("type").asText()).isEqualTo("double");
        assertThat(schema.get(0).get("required").asBoolean()).isFalse();
        assertThat(schema.get(2).get("type").asText()).isEqualTo("string");
        assertThat(JSON.readTree(result.trainingDataset().profile().orElseThrow()).get("num_rows").asInt())
                .isEqualTo(120);
        assertThat(result.metrics()).containsKeys(ValidationMetrics.RMSE, ValidationMetrics.MAE, ValidationMetrics.R2);
        ModelProto onnx = ModelProto.parseFrom(Files.readAllBytes(result.model().onnxFile()));
        assertThat(onnx.getGraph().getOutputList()).extracting(ValueInfoProto::getName).containsExactly("prediction");
        assertThat(result.model().mlmodel().signature().orElseThrow().outputs().orElseThrow().names()).containsExactly("prediction");
        assertThat(result.model().mlmodel().metadataString("slipway_task")).contains("regression");
        assertThat(result.model().mlmodel().metadataList("slipway_classes")).isEmpty();
    }

    @Test
    void digestIsStableForTheSameFileAndChangesWithAnyCell() throws Exception {
        TrainingTable table = GeneratedTables.table("a.csv", 30, 0, 3);
        Path first = write("a.csv", table);
        Path second = write("b.csv", table);
        List<List<String>> changed = new ArrayList<>(table.rows());
        changed.set(29, List.of("1.0", "2.0", "red", "3.0"));
        Path third = write("c.csv", new TrainingTable("c.csv", table.header(), changed));

        String digest = TrainingDataset.digest(first, table);
        assertThat(TrainingDataset.digest(second, table)).isEqualTo(digest);
        assertThat(TrainingDataset.digest(third, TrainingTable.read(third))).isNotEqualTo(digest);
    }

    @Test
    void randomForestValidatesOnASeparateFile() throws Exception {
        Path csv = write("train.csv", GeneratedTables.table("train.csv", 150, 3, 4));
        Path validation = write("valid.csv", GeneratedTables.table("valid.csv", 40, 3, 5));
        TrainingResult result = trainer.train(request(csv, Algorithm.RANDOM_FOREST, Map.of("n_estimators", "4"),
                Validation.file(validation)), TrainingListener.NONE);

        assertThat(result.trainingRows()).isEqualTo(150);
        assertThat(result.validationRows()).isEqualTo(40);
        assertThat(result.validationDataset()).isPresent();
        assertThat(result.parameters()).containsEntry("validation_data", validation.toString())
                .containsEntry("criterion", "gini");
        assertThat(result.metrics()).containsKeys(ValidationMetrics.ACCURACY, ValidationMetrics.LOG_LOSS)
                .doesNotContainKey(ValidationMetrics.ROC_AUC);
    }

    @Test
    void logisticRegressionReportsTrainingLossPerEpoch() throws Exception {
        Path csv = write("train.csv", GeneratedTables.table("train.csv", 100, 2, 6));
        List<Double> losses = new ArrayList<>();
        trainer.train(request(csv, Algorithm.LOGISTIC, Map.of("epochs", "4"), Validation.split(0.2)),
                new TrainingListener() {
                    @Override
                    public void onIterationMetric(String key, long step, double value) {
                        assertThat(key).isEqualTo(SgdLearner.TRAIN_LOSS);
                        assertThat(step).isEqualTo(losses.size());
                        losses.add(value);
                    }
                });

        assertThat(losses).hasSize(4).allSatisfy(loss -> assertThat(loss).isPositive());
        assertThat(losses.get(3)).isLessThan(losses.get(0));
    }

    @Test
    void lastIterationMetricIsTheFinalValidationMetric() throws Exception {
        Path csv = write("train.csv", GeneratedTables.table("train.csv", 150, 3, 4));
        for (Algorithm algorithm : List.of(Algorithm.XGBOOST, Algorithm.RANDOM_FOREST)) {
            Map<String, Double> last = new java.util.HashMap<>();
            Path modelFolder = folder.resolve("model-" + algorithm.wireName());
            TrainingResult result = trainer.train(new TrainingRequest(csv, "target", algorithm,
                    Map.of("n_estimators", "3"), Set.of(), Validation.split(0.3), 5, Optional.empty(), modelFolder,
                    Optional.of("0123456789abcdef0123456789abcdef"), Optional.of("model")), new TrainingListener() {
                        @Override
                        public void onIterationMetric(String key, long step, double value) {
                            last.put(key, value);
                        }
                    });
            assertThat(last).containsOnlyKeys(ValidationMetrics.LOG_LOSS);
            assertThat(last.get(ValidationMetrics.LOG_LOSS)).as(algorithm.wireName())
                    .isCloseTo(result.metrics().get(ValidationMetrics.LOG_LOSS), within(1e-5));
            assertThat(ModelDirectory.read(modelFolder).mlmodel().runId())
                    .contains("0123456789abcdef0123456789abcdef");
        }
    }

    @Test
    void validationRowsOfAClassUnknownToTheModelCountAsWrong() throws Exception {
        Path csv = folder.resolve("train.csv");
        StringBuilder text = new StringBuilder("x,target\n");
        for (int i = 0; i < 40; i++) {
            text.append(i).append(',').append(i < 20 ? "low" : "high").append('\n');
        }
        Files.writeString(csv, text);
        Path validation = folder.resolve("valid.csv");
        Files.writeString(validation, "x,target\n1,low\n39,high\n100,huge\n");
        TrainingResult result = trainer.train(request(csv, Algorithm.XGBOOST, Map.of("n_estimators", "3"),
                Validation.file(validation)), TrainingListener.NONE);

        assertThat(result.target().classes()).containsExactly("high", "low");
        assertThat(result.metrics().get(ValidationMetrics.ACCURACY)).isCloseTo(2.0 / 3, within(1e-9));
        assertThat(result.metrics()).doesNotContainKey(ValidationMetrics.ROC_AUC);
    }

    @Test
    void excludedColumnsAreNotModelInputs() throws Exception {
        Path csv = write("train.csv", GeneratedTables.table("train.csv", 60, 2, 1));
        Path validation = folder.resolve("valid.csv");
        Files.writeString(validation, "target,x1,x2\nc0,1.5,2\nc1,-1,3\n");
        TrainingResult result = trainer.train(request(csv, Algorithm.XGBOOST, Map.of("n_estimators", "2"),
                Set.of("color"), Validation.file(validation)), TrainingListener.NONE);

        assertThat(result.model().mlmodel().signature().orElseThrow().inputs().names()).containsExactly("x1", "x2");
        assertThat(result.parameters()).containsEntry("excluded_columns", "color");
    }

    @Test
    void aFeatureColumnNamedLikeAClassProbabilityOutputIsRefused() throws Exception {
        Path csv = folder.resolve("train.csv");
        Files.writeString(csv, "probability_yes,x1,target\n0.2,1,yes\n0.9,2,no\n0.4,3,yes\n0.7,4,no\n");

        assertThatThrownBy(() -> trainer.train(request(csv, Algorithm.LOGISTIC, Map.of("epochs", "1"),
                Validation.file(csv)), TrainingListener.NONE))
                .isInstanceOf(SlipwayException.class)
                .hasMessageContaining("Column 'probability_yes' has the name of a model output");
        assertThat(folder.resolve("model")).doesNotExist();
    }

    @Test
    void excludingAColumnThatIsNotThereIsRefused() throws Exception {
        Path csv = write("train.csv", GeneratedTables.table("train.csv", 20, 2, 1));
        assertThatThrownBy(() -> trainer.train(request(csv, Algorithm.XGBOOST, Map.of(), Set.of("id"),
                Validation.split(0.2)), TrainingListener.NONE))
                .hasMessageContaining("Excluded column 'id' is not in train.csv");
    }

    @Test
    void aCategoricalColumnWithTooManyValuesIsRefusedNamingIt() throws Exception {
        Path csv = folder.resolve("train.csv");
        StringBuilder text = new StringBuilder("id,x,target\n");
        for (int i = 0; i < FeatureEncoder.MAX_CATEGORIES * 2; i++) {
            text.append("row-").append(i).append(',').append(i % 7).append(',').append(i % 2 == 0 ? "a" : "b")
                    .append('\n');
        }
        Files.writeString(csv, text);
        assertThatThrownBy(() -> trainer.train(request(csv, Algorithm.XGBOOST, Map.of(), Validation.split(0.2)),
                TrainingListener.NONE))
                .hasMessageContaining("Column 'id' of train.csv (training split) has more than 1000 distinct values");
    }

    @Test
    void autoTaskIsClassificationForTextOrFewIntegersAndRegressionOtherwise() {
        assertThat(taskOf(List.of("a", "b", "a", "b"))).isEqualTo(Task.CLASSIFICATION);
        assertThat(taskOf(List.of("1", "2.0", "1", "3"))).isEqualTo(Task.CLASSIFICATION);
        assertThat(taskOf(List.of("1.5", "2", "1", "3"))).isEqualTo(Task.REGRESSION);
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            many.add(Integer.toString(i));
        }
        assertThat(taskOf(many)).isEqualTo(Task.REGRESSION);
        assertThat(taskOf(many.subList(0, 20))).isEqualTo(Task.CLASSIFICATION);
    }

    @Test
    void numericClassLabelsAreWholeNumbersInNumericOrder() {
        Target target = Target.resolve(table(List.of("10", "2", "2.0", "1")), "y", Optional.empty());
        assertThat(target.classes()).containsExactly("1", "2", "10");
    }

    @Test
    void aColumnWithTextIsCategoricalEvenWhenMostCellsAreNumbers() {
        TrainingTable table = new TrainingTable("t.csv", List.of("x", "y"),
                List.of(List.of("1", "a"), List.of("two", "b"), List.of("", "a")));
        assertThat(table.columnKind(0)).isEqualTo(ColumnKind.CATEGORICAL);
        assertThat(new TrainingTable("t.csv", List.of("x"), List.of(List.of("1"), List.of(""), List.of("NA")))
                .columnKind(0)).isEqualTo(ColumnKind.NUMERIC);
    }

    @Test
    void missingTargetColumnIsRefusedNamingItAndTheHeader() throws Exception {
        Path csv = write("train.csv", GeneratedTables.table("train.csv", 20, 2, 1));
        TrainingRequest request = new TrainingRequest(csv, "price", Algorithm.XGBOOST, Map.of(), Set.of(),
                Validation.split(0.2), 1, Optional.empty(), folder.resolve("model"), Optional.empty(), Optional.empty());

        assertThatThrownBy(() -> trainer.train(request, TrainingListener.NONE))
                .isInstanceOf(SlipwayException.class)
                .hasMessageContaining("'price'").hasMessageContaining("[x1, x2, color, target]");
        assertThat(folder.resolve("model")).doesNotExist();
    }

    @Test
    void emptyTargetCellIsRefusedNamingTheRow() throws IOException {
        Path csv = folder.resolve("train.csv");
        Files.writeString(csv, "x,target\n1,a\n2,\n3,b\n");
        assertThatThrownBy(() -> trainer.train(request(csv, Algorithm.XGBOOST, Map.of(), Validation.split(0.2)),
                TrainingListener.NONE))
                .isInstanceOf(SlipwayException.class)
                .hasMessageContaining("Row 2 of train.csv has no value in target column 'target'");
    }

    @Test
    void raggedRowIsRefusedNamingTheRow() throws IOException {
        Path csv = folder.resolve("train.csv");
        Files.writeString(csv, "x,target\n1,a\n2,b,3\n3,b\n");
        assertThatThrownBy(() -> trainer.train(request(csv, Algorithm.XGBOOST, Map.of(), Validation.split(0.2)),
                TrainingListener.NONE))
                .isInstanceOf(SlipwayException.class)
                .satisfies(e -> assertThat(((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE))
                .hasMessageContaining("row 2");
    }

    @Test
    void emptyFileIsRefused() throws IOException {
        Path csv = folder.resolve("train.csv");
        Files.writeString(csv, "");
        assertThatThrownBy(() -> trainer.train(request(csv, Algorithm.XGBOOST, Map.of(), Validation.split(0.2)),
                TrainingListener.NONE))
                .isInstanceOf(SlipwayException.class).hasMessageContaining("train.csv is empty");
    }

    @Test
    void headerWithoutRowsIsRefused() throws IOException {
        Path csv = folder.resolve("train.csv");
        Files.writeString(csv, "x,target\n");
        assertThatThrownBy(() -> trainer.train(request(csv, Algorithm.XGBOOST, Map.of(), Validation.split(0.2)),
                TrainingListener.NONE))
                .isInstanceOf(SlipwayException.class).hasMessageContaining("no data rows");
    }

    @Test
    void unknownParamKeyIsRefusedListingTheKnownOnes() throws Exception {
        Path csv = write("train.csv", GeneratedTables.table("train.csv", 20, 2, 1));
        assertThatThrownBy(() -> trainer.train(request(csv, Algorithm.XGBOOST, Map.of("max_dept", "3"),
                Validation.split(0.2)), TrainingListener.NONE))
                .isInstanceOf(SlipwayException.class)
                .hasMessageContaining("Unknown --param 'max_dept' for xgboost")
                .hasMessageContaining("max_depth");
        assertThat(folder.resolve("model")).doesNotExist();
    }

    @Test
    void badParamValuesAreRefusedNamingKeyValueAndRange() {
        assertThatThrownBy(() -> AlgorithmParameters.resolve(Algorithm.XGBOOST, Task.REGRESSION,
                Map.of("max_depth", "deep")))
                .hasMessage("Invalid value 'deep' for --param max_depth of xgboost: expected an integer from 1 to 64");
        assertThatThrownBy(() -> AlgorithmParameters.resolve(Algorithm.XGBOOST, Task.REGRESSION,
                Map.of("learning_rate", "0")))
                .hasMessage("Invalid value '0' for --param learning_rate of xgboost: expected a number above 0 and at most 1");
        assertThatThrownBy(() -> AlgorithmParameters.resolve(Algorithm.LOGISTIC, Task.CLASSIFICATION,
                Map.of("standardize", "yes")))
                .hasMessageContaining("expected true or false");
        assertThatThrownBy(() -> AlgorithmParameters.resolve(Algorithm.RANDOM_FOREST, Task.CLASSIFICATION,
                Map.of("criterion", "mse")))
                .hasMessageContaining("expected one of [gini, entropy]");
        assertThatThrownBy(() -> AlgorithmParameters.resolve(Algorithm.RANDOM_FOREST, Task.REGRESSION,
                Map.of("criterion", "gini")))
                .hasMessageContaining("Unknown --param 'criterion' for random-forest (regression)");
    }

    @Test
    void algorithmThatCannotDoTheTaskIsRefused() throws Exception {
        Path csv = write("train.csv", GeneratedTables.table("train.csv", 40, 0, 1));
        assertThatThrownBy(() -> trainer.train(request(csv, Algorithm.LOGISTIC, Map.of(), Validation.split(0.2)),
                TrainingListener.NONE))
                .isInstanceOf(SlipwayException.class)
                .hasMessageContaining("Algorithm 'logistic' does not do regression");
    }

    @Test
    void existingModelFolderIsNotOverwritten() throws Exception {
        Path csv = write("train.csv", GeneratedTables.table("train.csv", 40, 2, 1));
        Files.createDirectories(folder.resolve("model"));
        Files.writeString(folder.resolve("model/keep.txt"), "mine");
        assertThatThrownBy(() -> trainer.train(request(csv, Algorithm.RANDOM_FOREST, Map.of("n_estimators", "2"),
                Validation.split(0.2)), TrainingListener.NONE))
                .isInstanceOf(SlipwayException.class)
                .satisfies(e -> assertThat(((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.RESOURCE_ALREADY_EXISTS));
        try (var files = Files.list(folder.resolve("model"))) {
            assertThat(files.map(file -> file.getFileName().toString()).toList()).containsExactly("keep.txt");
        }
    }

    @Test
    void textInANumericColumnOfTheValidationFileIsRefusedNamingRowAndColumn() throws Exception {
        Path csv = folder.resolve("train.csv");
        Files.writeString(csv, "x,target\n1,a\n2,b\n3,a\n4,b\n");
        Path validation = folder.resolve("valid.csv");
        Files.writeString(validation, "target,x\na,1\nb,many\n");
        assertThatThrownBy(() -> trainer.train(request(csv, Algorithm.RANDOM_FOREST, Map.of(),
                Validation.file(validation)), TrainingListener.NONE))
                .hasMessage("Row 2 of valid.csv has 'many' in numeric column 'x'");
    }

    @Test
    void rocAucCountsTiesAsHalf() {
        double[][] probabilities = {{0.9, 0.1}, {0.6, 0.4}, {0.6, 0.4}, {0.2, 0.8}};
        assertThat(ValidationMetrics.rocAuc(probabilities, new double[] {0, 0, 1, 1})).isCloseTo(0.875, within(1e-12));
    }

    private static Task taskOf(List<String> targets) {
        return Target.resolve(table(targets), "y", Optional.empty()).task();
    }

    private static TrainingTable table(List<String> targets) {
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            rows.add(List.of(Integer.toString(i), targets.get(i)));
        }
        return new TrainingTable("t.csv", List.of("x", "y"), rows);
    }

    private TrainingRequest request(Path csv, Algorithm algorithm, Map<String, String> parameters,
            Validation validation) {
        return request(csv, algorithm, parameters, Set.of(), validation);
    }

    private TrainingRequest request(Path csv, Algorithm algorithm, Map<String, String> parameters,
            Set<String> excluded, Validation validation) {
        return new TrainingRequest(csv, "target", algorithm, parameters, excluded, validation, 11, Optional.empty(),
                folder.resolve("model"), Optional.empty(), Optional.empty());
    }

    private Path write(String name, TrainingTable table) throws IOException {
        StringBuilder text = new StringBuilder(String.join(",", table.header())).append('\n');
        for (List<String> row : table.rows()) {
            text.append(String.join(",", row)).append('\n');
        }
        Path file = folder.resolve(name);
        Files.writeString(file, text);
        return file;
    }
}
