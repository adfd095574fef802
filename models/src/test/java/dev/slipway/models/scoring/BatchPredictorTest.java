package dev.slipway.models.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.slipway.core.SlipwayException;
import dev.slipway.models.data.CsvReader;
import dev.slipway.models.data.CsvRow;
import dev.slipway.models.format.ColumnSpec;
import dev.slipway.models.format.ColumnType;
import dev.slipway.models.format.MLmodel;
import dev.slipway.models.format.ModelDirectory;
import dev.slipway.models.format.NewModel;
import dev.slipway.models.format.Schema;
import dev.slipway.models.format.Signature;
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

class BatchPredictorTest {
    private static final float W1 = 0.8f;
    private static final float W2 = -1.5f;
    private static final float BIAS = 0.25f;
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T08:00:00.123456Z"), ZoneOffset.UTC);

    @TempDir
    Path folder;

    private ModelDirectory writeLogisticModel() {
        Signature signature = Signature.of(
                Schema.ofColumns(List.of(ColumnSpec.of("x1", ColumnType.DOUBLE), ColumnSpec.of("x2", ColumnType.DOUBLE))),
                Schema.ofColumns(List.of(ColumnSpec.of("label", ColumnType.STRING),
                        ColumnSpec.of("probability_no", ColumnType.FLOAT),
                        ColumnSpec.of("probability_yes", ColumnType.FLOAT))));
        byte[] onnx = TestOnnxModels.logisticRegression(W1, W2, BIAS, List.of("no", "yes"));
        return ModelDirectory.write(folder.resolve("model"), NewModel.of(onnx, signature,
                Map.of("slipway_task", "classification", "slipway_target", "bought",
                        "slipway_classes", List.of("no", "yes"), "slipway_algorithm", "logistic")), CLOCK);
    }

    private static double probabilityOfYes(double x1, double x2) {
        float logit = W1 * (float) x1 + W2 * (float) x2 + BIAS;
        return 1.0 / (1.0 + Math.exp(-logit));
    }

    private static List<CsvRow> readCsv(Path file) {
        try (CsvReader reader = CsvReader.open(file)) {
            List<CsvRow> rows = new ArrayList<>();
            reader.forEach(rows::add);
            return rows;
        }
    }

    @Test
    void predictsALogisticModelWrittenAsAModelFolder() throws IOException {
        ModelDirectory directory = ModelDirectory.read(writeLogisticModel().path());
        Path input = folder.resolve("input.csv");
        double[][] features = {{0, 0}, {1, 2}, {-3, 1.5}, {2.5, -0.5}, {10, 3}};
        StringBuilder csv = new StringBuilder("bought,x2,x1\n");
        for (double[] row : features) {
            csv.append("yes,").append(row[1]).append(',').append(row[0]).append('\n');
        }
        Files.writeString(input, csv);
        Path output = folder.resolve("predictions.csv");
        List<Long> progress = new ArrayList<>();

        try (OnnxModel model = OnnxModel.load(directory, 1)) {
            PredictionSummary summary = new BatchPredictor(model, 2).predict(input, output, Set.of(), progress::add);

            assertThat(summary.rows()).isEqualTo(5);
            assertThat(summary.columns()).containsExactly("prediction", "probability_no", "probability_yes");
        }
        assertThat(progress).containsExactly(2L, 4L, 5L);
        List<CsvRow> rows = readCsv(output);
        assertThat(rows).hasSize(5);
        for (int i = 0; i < features.length; i++) {
            double expected = probabilityOfYes(features[i][0], features[i][1]);
            CsvRow row = rows.get(i);
            assertThat(Double.parseDouble(row.get(2))).as("row %d", i).isCloseTo(expected, within(1e-6));
            assertThat(Double.parseDouble(row.get(1))).as("row %d", i).isCloseTo(1 - expected, within(1e-6));
            assertThat(row.get(0)).isEqualTo(expected > 0.5 ? "yes" : "no");
        }
        try (CsvReader header = CsvReader.open(output)) {
            assertThat(header.header()).containsExactly("prediction", "probability_no", "probability_yes");
        }
    }

    @Test
    void readsClassesFromPerClassOutputNamesWhenThereIsNoMetadata() throws IOException {
        Path onnx = folder.resolve("per-class.onnx");
        Files.write(onnx, TestOnnxModels.logisticRegression(W1, W2, BIAS, List.of("no", "yes")));
        Path input = folder.resolve("input.csv");
        Files.writeString(input, "x1,x2\n1,2\n2.5,-0.5\n");
        Path output = folder.resolve("out.csv");

        try (OnnxModel model = OnnxModel.load(onnx, Optional.empty(), 1)) {
            PredictionSummary summary = new BatchPredictor(model).predict(input, output, Set.of(), rows -> {});

            assertThat(summary.columns()).containsExactly("prediction", "probability_no", "probability_yes");
        }
        List<CsvRow> rows = readCsv(output);
        assertThat(rows.get(0).get(0)).isEqualTo("no");
        assertThat(Double.parseDouble(rows.get(0).get(2))).isCloseTo(probabilityOfYes(1, 2), within(1e-6));
        assertThat(rows.get(1).get(0)).isEqualTo("yes");
        assertThat(Double.parseDouble(rows.get(1).get(1))).isCloseTo(1 - probabilityOfYes(2.5, -0.5), within(1e-6));
    }

    @Test
    void readsAForeignClassifierWithOneProbabilityMatrixOutput() throws IOException {
        Path onnx = folder.resolve("matrix.onnx");
        Files.write(onnx, TestOnnxModels.logisticRegressionWithProbabilityMatrix(W1, W2, BIAS,
                List.of("no", "yes")));
        Path input = folder.resolve("input.csv");
        Files.writeString(input, "x1,x2\n1,2\n2.5,-0.5\n");
        Path output = folder.resolve("out.csv");

        try (OnnxModel model = OnnxModel.load(onnx, Optional.empty(), 1)) {
            PredictionSummary summary = new BatchPredictor(model).predict(input, output, Set.of(), rows -> {});

            assertThat(summary.columns()).containsExactly("prediction", "probability_0", "probability_1");
        }
        List<CsvRow> rows = readCsv(output);
        assertThat(rows.get(0).get(0)).isEqualTo("no");
        assertThat(Double.parseDouble(rows.get(0).get(2))).isCloseTo(probabilityOfYes(1, 2), within(1e-6));
        assertThat(rows.get(1).get(0)).isEqualTo("yes");
        assertThat(Double.parseDouble(rows.get(1).get(1))).isCloseTo(1 - probabilityOfYes(2.5, -0.5), within(1e-6));
    }

    @Test
    void acceptsWholeNumbersAndEmptyCellsInDoubleColumns() throws IOException {
        ModelDirectory directory = writeLogisticModel();
        Path input = folder.resolve("input.csv");
        Files.writeString(input, "x1,x2\n3,1\n,2\n");
        Path output = folder.resolve("out.csv");

        try (OnnxModel model = OnnxModel.load(directory, 1)) {
            new BatchPredictor(model).predict(input, output, Set.of(), rows -> {});
        }
        List<CsvRow> rows = readCsv(output);
        assertThat(Double.parseDouble(rows.get(0).get(2))).isCloseTo(probabilityOfYes(3, 1), within(1e-6));
        assertThat(rows.get(1).get(2)).isEmpty();
    }

    @Test
    void scoresAModelWithOneTensorInputFromTheCsvColumnsInOrder() throws IOException {
        byte[] onnx = TestOnnxModels.linearRegressionOnOneTensor(new float[] {0.5f, -2f, 3f}, 1f);
        Path onnxFile = folder.resolve("linear.onnx");
        Files.write(onnxFile, onnx);
        Path input = folder.resolve("input.csv");
        Files.writeString(input, "a,b,c\n1,2,3\n0,0,0\n-1.5,0.25,2\n");
        Path output = folder.resolve("out.csv");

        try (OnnxModel model = OnnxModel.load(onnxFile, Optional.empty(), 1)) {
            assertThat(model.inputs()).containsExactly(
                    new TensorDescription("input", ElementType.FLOAT, List.of(-1L, 3L)));
            PredictionSummary summary = new BatchPredictor(model).predict(input, output, Set.of(), rows -> {});
            assertThat(summary.columns()).containsExactly("prediction");
        }
        List<CsvRow> rows = readCsv(output);
        assertThat(Double.parseDouble(rows.get(0).get(0))).isCloseTo(0.5 - 4 + 9 + 1, within(1e-6));
        assertThat(Double.parseDouble(rows.get(1).get(0))).isCloseTo(1, within(1e-6));
        assertThat(Double.parseDouble(rows.get(2).get(0))).isCloseTo(-0.75 - 0.5 + 6 + 1, within(1e-6));
    }

    @Test
    void feedsATensorInputInTheOrderOfAColumnSignature() throws IOException {
        byte[] onnx = TestOnnxModels.linearRegressionOnOneTensor(new float[] {1f, 10f}, 0f);
        MLmodel mlmodel = new MLmodel(Optional.empty(), Map.of("onnx", Map.of("data", "model.onnx",
                "onnx_version", "1.17.0")), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of(new Signature(Schema.ofColumns(List.of(
                        ColumnSpec.of("first", ColumnType.DOUBLE), ColumnSpec.of("second", ColumnType.LONG))),
                        Optional.empty(), Optional.empty())), Map.of(), Map.of());
        ModelDirectory directory = ModelDirectory.write(folder.resolve("m"), mlmodel, onnx, Optional.empty());
        Path input = folder.resolve("input.csv");
        Files.writeString(input, "id,second,first\n7,2,3\n");
        Path output = folder.resolve("out.csv");

        try (OnnxModel model = OnnxModel.load(directory, 1)) {
            new BatchPredictor(model).predict(input, output, Set.of(), rows -> {});
        }
        assertThat(Double.parseDouble(readCsv(output).get(0).get(0))).isCloseTo(23, within(1e-6));
    }

    @Test
    void feedsAStringColumnToAStringInputAcrossAPartialLastBatch() throws IOException {
        byte[] onnx = TestOnnxModels.categoricalPlusNumber(List.of("Oslo", "Lima"), new float[] {10f, 20f});
        Signature signature = new Signature(Schema.ofColumns(List.of(ColumnSpec.of("city", ColumnType.STRING),
                ColumnSpec.of("x", ColumnType.DOUBLE))), Optional.empty(), Optional.empty());
        ModelDirectory directory = ModelDirectory.write(folder.resolve("m"), NewModel.of(onnx, signature,
                Map.of("slipway_task", "regression", "slipway_target", "y")), CLOCK);
        Path input = folder.resolve("input.csv");
        Files.writeString(input, "x,city,y\n1,Oslo,0\n2,Lima,0\n3,\"Quito, EC\",0\n4,,0\n0.5,Lima,0\n");
        Path output = folder.resolve("out.csv");

        try (OnnxModel model = OnnxModel.load(directory, 1)) {
            new BatchPredictor(model, 2).predict(input, output, Set.of(), rows -> {});
        }
        assertThat(readCsv(output)).extracting(row -> Double.parseDouble(row.get(0)))
                .containsExactly(11.0, 22.0, 2.0, 3.0, 20.5);
    }

    @Test
    void rejectsAHeaderWithoutAColumnOfTheSignature() throws IOException {
        ModelDirectory directory = writeLogisticModel();
        Path input = folder.resolve("input.csv");
        Files.writeString(input, "x1,x3\n1,2\n");
        Path output = folder.resolve("out.csv");

        try (OnnxModel model = OnnxModel.load(directory, 1)) {
            assertThatThrownBy(() -> new BatchPredictor(model).predict(input, output, Set.of(), rows -> {}))
                    .isInstanceOf(SlipwayException.class)
                    .hasMessage("Column 'x2' required by the model's signature is missing from %s (columns: x1, x3)",
                            input);
        }
        assertThat(output).doesNotExist();
    }

    @Test
    void rejectsTextInANumericColumnNamingRowAndColumnAndLeavesNoOutput() throws IOException {
        ModelDirectory directory = writeLogisticModel();
        Path input = folder.resolve("input.csv");
        StringBuilder csv = new StringBuilder("x1,x2\n");
        for (int i = 0; i < 2500; i++) {
            csv.append(i).append(",1\n");
        }
        csv.append("1,lots\n");
        Files.writeString(input, csv);
        Path output = folder.resolve("out.csv");

        try (OnnxModel model = OnnxModel.load(directory, 1)) {
            assertThatThrownBy(() -> new BatchPredictor(model).predict(input, output, Set.of(), rows -> {}))
                    .isInstanceOf(SlipwayException.class)
                    .hasMessage("%s row 2501 (line 2502), column 'x2': 'lots' is not a number", input);
        }
        assertThat(output).doesNotExist();
        try (var files = Files.list(folder)) {
            assertThat(files.map(path -> path.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
        }
    }

    @Test
    void rejectsAFileThatIsNotAnOnnxModelNamingIt() throws IOException {
        Path file = folder.resolve("broken.onnx");
        Files.write(file, TestOnnxModels.garbage());

        assertThatThrownBy(() -> OnnxModel.load(file, Optional.empty(), 1))
                .isInstanceOf(SlipwayException.class)
                .hasMessageContaining("'" + file + "' is not an ONNX model ONNX Runtime can load");
    }

    @Test
    void knowsInputsOutputsAndTaskOfASlipwayModel() {
        try (OnnxModel model = OnnxModel.load(writeLogisticModel(), 1)) {
            assertThat(model.inputs()).containsExactly(new TensorDescription("x1", ElementType.FLOAT, List.of(-1L)),
                    new TensorDescription("x2", ElementType.FLOAT, List.of(-1L)));
            assertThat(model.outputs()).extracting(TensorDescription::name).containsExactly("label", "probability_no",
                    "probability_yes");
            assertThat(model.task()).contains(ModelTask.CLASSIFICATION);
            assertThat(model.classes()).containsExactly("no", "yes");
            assertThat(model.target()).contains("bought");
        }
    }
}
