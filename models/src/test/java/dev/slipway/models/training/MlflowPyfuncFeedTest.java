package dev.slipway.models.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.slipway.models.format.ColumnSpec;
import dev.slipway.models.format.ColumnType;
import dev.slipway.models.format.ModelDirectory;
import dev.slipway.models.scoring.BatchPredictor;
import dev.slipway.models.scoring.OnnxModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scores trained models the way MLflow's onnx pyfunc ({@code _OnnxModelWrapper.predict}) does with a pandas
 * DataFrame: with several inputs each input gets its column as a rank-1 array, with one input it gets the whole
 * frame as a 2-D [N, columns] array; float64 is cast to float32; every output is flattened into one DataFrame
 * column, so each must hold exactly N values.
 */
class MlflowPyfuncFeedTest {
    private final Trainer trainer = new Trainer(Clock.fixed(Instant.parse("2026-11-26T08:00:00Z"), ZoneOffset.UTC));

    @TempDir
    Path folder;

    @Test
    void classifierOnSeveralColumnsGivesOneColumnPerOutputAgreeingWithBatchPrediction() throws Exception {
        ModelDirectory model = train(GeneratedTables.table("train.csv", 200, 3, 21), Algorithm.XGBOOST,
                Map.of("n_estimators", "4"), Set.of());
        TrainingTable scoring = GeneratedTables.scoringTable(40, 3, 22);

        Map<String, Object> outputs = pyfuncPredict(model, scoring);

        assertThat(outputs.keySet()).containsExactly("label", "probability_c0", "probability_c1", "probability_c2");
        assertClassifierAgreesWithBatchPrediction(model, scoring, outputs, List.of("c0", "c1", "c2"));
    }

    @Test
    void regressorOnOneNumericColumnTakesTheFrameAsAnNByOneArray() throws Exception {
        ModelDirectory model = train(GeneratedTables.table("train.csv", 150, 0, 23), Algorithm.RANDOM_FOREST,
                Map.of("n_estimators", "3"), Set.of("x2", "color"));
        TrainingTable scoring = GeneratedTables.scoringTable(30, 0, 24);
        assertThat(model.mlmodel().signature().orElseThrow().inputs().names()).containsExactly("x1");

        Map<String, Object> outputs = pyfuncPredict(model, scoring);

        assertThat(outputs.keySet()).containsExactly("prediction");
        float[] predictions = (float[]) outputs.get("prediction");
        TrainingTable batch = batchPredict(model, scoring);
        int column = batch.columnIndex("prediction", "Output");
        for (int row = 0; row < scoring.rowCount(); row++) {
            assertThat(Double.parseDouble(batch.cell(row, column))).as("row %d", row)
                    .isCloseTo(predictions[row], within(1e-6));
        }
    }

    @Test
    void classifierOnOneCategoricalColumnTakesTheFrameAsAnNByOneStringArray() throws Exception {
        ModelDirectory model = train(GeneratedTables.table("train.csv", 150, 2, 25), Algorithm.LOGISTIC,
                Map.of("epochs", "3"), Set.of("x1", "x2"));
        TrainingTable scoring = GeneratedTables.scoringTable(30, 2, 26);
        assertThat(model.mlmodel().signature().orElseThrow().inputs().names()).containsExactly("color");

        Map<String, Object> outputs = pyfuncPredict(model, scoring);

        assertThat(outputs.keySet()).containsExactly("label", "probability_c0", "probability_c1");
        assertClassifierAgreesWithBatchPrediction(model, scoring, outputs, List.of("c0", "c1"));
    }

    private void assertClassifierAgreesWithBatchPrediction(ModelDirectory model, TrainingTable scoring,
            Map<String, Object> outputs, List<String> classes) {
        TrainingTable batch = batchPredict(model, scoring);
        assertThat(batch.header()).containsExactlyElementsOf(
                Stream.concat(Stream.of("prediction"),
                        classes.stream().map(className -> "probability_" + className)).toList());
        String[] labels = (String[]) outputs.get("label");
        for (int row = 0; row < scoring.rowCount(); row++) {
            double sum = 0;
            for (String className : classes) {
                float probability = ((float[]) outputs.get("probability_" + className))[row];
                sum += probability;
                assertThat(Double.parseDouble(batch.cell(row, batch.columnIndex("probability_" + className,
                        "Output")))).as("row %d class %s", row, className).isCloseTo(probability, within(1e-6));
            }
            assertThat(sum).as("row %d", row).isCloseTo(1.0, within(1e-5));
            assertThat(batch.cell(row, batch.columnIndex("prediction", "Output"))).as("row %d", row)
                    .isEqualTo(labels[row]);
        }
    }

    /**
     * Feeds the model as MLflow's pyfunc would after enforcing the signature (the frame holds the signature's
     * columns in its order: doubles with NaN for a missing number, strings with "" for a missing category) and
     * returns every output flattened, after checking that it holds one value per row.
     */
    private static Map<String, Object> pyfuncPredict(ModelDirectory model, TrainingTable table)
            throws OrtException {
        List<ColumnSpec> frameColumns = model.mlmodel().signature().orElseThrow().inputs().columns();
        int rows = table.rowCount();
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = environment.createSession(model.onnxFile().toString(), options)) {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            Map<String, OnnxTensor> feed = new LinkedHashMap<>();
            try {
                if (inputs.size() > 1) {
                    // feed_dict = {name: data[name].values}: one rank-1 array per input
                    for (NodeInfo input : inputs.values()) {
                        ColumnSpec column = frameColumns.stream()
                                .filter(spec -> spec.name().orElseThrow().equals(input.getName())).findFirst()
                                .orElseThrow();
                        feed.put(input.getName(), tensor(environment, input, table, List.of(column), new long[] {rows}));
                    }
                } else {
                    // feed_dict = {input: data.values}: the whole frame as one [N, columns] array
                    NodeInfo input = inputs.values().iterator().next();
                    feed.put(input.getName(), tensor(environment, input, table, frameColumns,
                            new long[] {rows, frameColumns.size()}));
                }
                try (OrtSession.Result result = session.run(feed)) {
                    Map<String, Object> outputs = new LinkedHashMap<>();
                    for (Map.Entry<String, OnnxValue> entry : result) {
                        OnnxTensor tensor = (OnnxTensor) entry.getValue();
                        // np.asarray(p).reshape(-1): every output must flatten to one value per row
                        assertThat(tensor.getInfo().getNumElements()).as("output %s", entry.getKey())
                                .isEqualTo(rows);
                        outputs.put(entry.getKey(), tensor.getInfo().type == OnnxJavaType.STRING
                                ? flatStrings(tensor) : flatFloats(tensor));
                    }
                    return outputs;
                }
            } finally {
                feed.values().forEach(OnnxTensor::close);
            }
        }
    }

    private static OnnxTensor tensor(OrtEnvironment environment, NodeInfo input, TrainingTable table,
            List<ColumnSpec> columns, long[] shape) throws OrtException {
        int rows = table.rowCount();
        int[] indexes = columns.stream().mapToInt(column -> table.header().indexOf(column.name().orElseThrow()))
                .toArray();
        OnnxJavaType type = ((TensorInfo) input.getInfo()).type;
        if (type == OnnxJavaType.FLOAT) {
            assertThat(columns).allSatisfy(column -> assertThat(column.type()).isEqualTo(ColumnType.DOUBLE));
            float[] values = new float[rows * indexes.length];
            for (int row = 0; row < rows; row++) {
                for (int j = 0; j < indexes.length; j++) {
                    String cell = table.cell(row, indexes[j]);
                    // float64 column cast to float32, as the pyfunc does for tensor(float) inputs
                    values[row * indexes.length + j] = cell.isEmpty() ? Float.NaN : (float) Double.parseDouble(cell);
                }
            }
            return OnnxTensor.createTensor(environment, FloatBuffer.wrap(values), shape);
        }
        assertThat(type).isEqualTo(OnnxJavaType.STRING);
        String[] values = new String[rows * indexes.length];
        for (int row = 0; row < rows; row++) {
            for (int j = 0; j < indexes.length; j++) {
                values[row * indexes.length + j] = table.cell(row, indexes[j]);
            }
        }
        return OnnxTensor.createTensor(environment, values, shape);
    }

    private static float[] flatFloats(OnnxTensor tensor) {
        FloatBuffer buffer = tensor.getFloatBuffer();
        float[] values = new float[buffer.remaining()];
        buffer.get(values);
        return values;
    }

    private static String[] flatStrings(OnnxTensor tensor) throws OrtException {
        Object value = tensor.getValue();
        if (value instanceof String[] flat) {
            return flat;
        }
        String[][] nested = (String[][]) value;
        return Arrays.stream(nested).flatMap(Arrays::stream).toArray(String[]::new);
    }

    private ModelDirectory train(TrainingTable table, Algorithm algorithm, Map<String, String> parameters,
            Set<String> excluded) throws IOException {
        Path csv = write("train.csv", table);
        TrainingRequest request = new TrainingRequest(csv, "target", algorithm, parameters, excluded,
                Validation.split(0.2), 5, Optional.empty(), folder.resolve("model"), Optional.empty(),
                Optional.empty());
        return trainer.train(request, TrainingListener.NONE).model();
    }

    private TrainingTable batchPredict(ModelDirectory directory, TrainingTable scoring) {
        try {
            Path input = write("score.csv", scoring);
            Path output = folder.resolve("predictions.csv");
            Files.deleteIfExists(output);
            try (OnnxModel model = OnnxModel.load(directory, 1)) {
                new BatchPredictor(model).predict(input, output, Set.of(), rows -> { });
            }
            return TrainingTable.read(output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
