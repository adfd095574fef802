package dev.slipway.models.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.models.scoring.TestOnnxModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelDirectoryTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T08:15:30.123456Z"), ZoneOffset.UTC);
    private static final Signature SIGNATURE = Signature.of(
            Schema.ofColumns(List.of(ColumnSpec.of("x1", ColumnType.DOUBLE), ColumnSpec.of("x2", ColumnType.DOUBLE))),
            Schema.ofTensors(List.of(new TensorSpec(Optional.of("probabilities"), "float32", List.of(-1L, 2L)))));

    @TempDir
    Path folder;

    private static byte[] onnx() {
        return TestOnnxModels.logisticRegression(1f, 2f, 0f, List.of("0", "1"));
    }

    private NewModel newModel() {
        return new NewModel(onnx(), SIGNATURE, Map.of("slipway_task", "classification", "slipway_target", "y",
                "slipway_classes", List.of("0", "1"), "slipway_algorithm", "logistic"),
                Optional.of(new InputExample(List.of("x1", "x2"), List.of(List.of(1.5, 2), List.of(-1, Double.NaN)))),
                Optional.of("0a1b2c3d4e5f60718293a4b5c6d7e8f9"), Optional.of("model"));
    }

    @Test
    void writesACompleteModelFolderInMlflowsLayout() throws IOException {
        Path target = folder.resolve("models").resolve("churn");

        ModelDirectory written = ModelDirectory.write(target, newModel(), CLOCK);

        try (Stream<Path> files = Files.list(target)) {
            assertThat(files.map(path -> path.getFileName().toString())).containsExactlyInAnyOrder("MLmodel",
                    "model.onnx", "input_example.json", "serving_input_example.json", "conda.yaml",
                    "python_env.yaml", "requirements.txt");
        }
        assertThat(Files.readAllBytes(target.resolve("model.onnx"))).isEqualTo(onnx());
        MLmodel mlmodel = ModelDirectory.read(target).mlmodel();
        assertThat(mlmodel).isEqualTo(written.mlmodel());
        assertThat(mlmodel.modelUuid().orElseThrow()).matches("[0-9a-f]{32}");
        assertThat(mlmodel.utcTimeCreated()).contains("2026-11-26 08:15:30.123456");
        assertThat(mlmodel.runId()).contains("0a1b2c3d4e5f60718293a4b5c6d7e8f9");
        assertThat(mlmodel.artifactPath()).contains("model");
        assertThat(mlmodel.mlflowVersion()).contains(PythonEnvironment.MLFLOW_VERSION);
        assertThat(mlmodel.signature()).contains(SIGNATURE);
        assertThat(mlmodel.metadataString("slipway_task")).contains("classification");
        assertThat(mlmodel.flavors().get("python_function")).containsEntry("loader_module", "mlflow.onnx")
                .containsEntry("data", "model.onnx")
                .containsEntry("env", Map.of("conda", "conda.yaml", "virtualenv", "python_env.yaml"));
        assertThat(mlmodel.onnxFlavor().orElseThrow().providers()).isEqualTo(OnnxFlavor.DEFAULT_PROVIDERS);
        long otherFilesSize = 0;
        for (String name : List.of("model.onnx", "input_example.json", "serving_input_example.json", "conda.yaml",
                "python_env.yaml", "requirements.txt")) {
            otherFilesSize += Files.size(target.resolve(name));
        }
        assertThat(mlmodel.modelSizeBytes()).contains(otherFilesSize);
        ObjectMapper json = new ObjectMapper();
        JsonNode example = json.readTree(target.resolve("input_example.json").toFile());
        assertThat(example.toString()).isEqualTo("{\"columns\":[\"x1\",\"x2\"],\"data\":[[1.5,2],[-1,null]]}");
        JsonNode serving = json.readTree(target.resolve("serving_input_example.json").toFile());
        assertThat(serving.get("dataframe_split")).isEqualTo(example);
        assertThat(ModelDirectory.read(target).inputExample().orElseThrow().columns()).containsExactly("x1", "x2");
        assertThat(Files.readString(target.resolve("requirements.txt"))).contains("mlflow==2.17.2")
                .contains("onnx==");
        assertThat(Files.readString(target.resolve("conda.yaml"))).contains("- pip:\n  - mlflow==2.17.2\n");
    }

    @Test
    void leavesNoTemporaryFolderBehind() throws IOException {
        ModelDirectory.write(folder.resolve("m"), newModel(), CLOCK);

        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files.map(path -> path.getFileName().toString())).containsExactly("m");
        }
    }

    @Test
    void refusesToOverwriteAFolderThatIsNotEmpty() throws IOException {
        Path target = folder.resolve("m");
        Files.createDirectories(target);
        Files.writeString(target.resolve("notes.txt"), "keep me");

        assertThatThrownBy(() -> ModelDirectory.write(target, newModel(), CLOCK))
                .isInstanceOf(SlipwayException.class)
                .hasMessageContaining("already exists and is not empty")
                .satisfies(e -> assertThat(((SlipwayException) e).errorCode())
                        .isEqualTo(ErrorCode.RESOURCE_ALREADY_EXISTS));
        assertThat(Files.readString(target.resolve("notes.txt"))).isEqualTo("keep me");
    }

    @Test
    void removesTheTemporaryFolderWhenWritingFails() throws IOException {
        MLmodel escaping = new MLmodel(Optional.empty(), Map.of("onnx", Map.of("data", "../outside.onnx")),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Map.of(), Map.of());

        assertThatThrownBy(() -> ModelDirectory.write(folder.resolve("m"), escaping, onnx(), Optional.empty()))
                .isInstanceOf(SlipwayException.class)
                .hasMessageContaining("points outside the model folder");
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void readsAFolderWrittenByMlflowsOnnxFlavor() throws IOException {
        Path target = folder.resolve("mlflow-model");
        Files.createDirectories(target);
        Files.writeString(target.resolve("MLmodel"), MLmodelTest.MLFLOW_ONNX_MLMODEL);
        Files.write(target.resolve("model.onnx"), onnx());

        ModelDirectory directory = ModelDirectory.read(target);

        assertThat(directory.onnxFile()).isEqualTo(target.resolve("model.onnx"));
        assertThat(directory.onnxFlavor().onnxVersion()).isEqualTo("1.16.2");
        assertThat(directory.inputExample()).isEmpty();
    }

    @Test
    void explainsWhatIsWrongWithAFolderThatIsNotAModel() throws IOException {
        Path missing = folder.resolve("missing");
        assertThatThrownBy(() -> ModelDirectory.read(missing))
                .hasMessage("Model folder '%s' does not exist", missing);

        Path empty = Files.createDirectories(folder.resolve("empty"));
        assertThatThrownBy(() -> ModelDirectory.read(empty))
                .hasMessage("'%s' is not a model folder: it has no MLmodel file", empty);

        Path sklearn = Files.createDirectories(folder.resolve("sklearn"));
        Files.writeString(sklearn.resolve("MLmodel"), "flavors:\n  sklearn:\n    pickled_model: model.pkl\n"
                + "  python_function:\n    loader_module: mlflow.sklearn\n");
        assertThatThrownBy(() -> ModelDirectory.read(sklearn))
                .hasMessage("%s has no onnx flavor (flavors: sklearn, python_function); Slipway scores ONNX models only",
                        sklearn.resolve("MLmodel"));

        Path noOnnx = Files.createDirectories(folder.resolve("no-onnx"));
        Files.writeString(noOnnx.resolve("MLmodel"), MLmodelTest.MLFLOW_ONNX_MLMODEL);
        assertThatThrownBy(() -> ModelDirectory.read(noOnnx))
                .isInstanceOf(SlipwayException.class)
                .hasMessage("ONNX model file '%s' does not exist", noOnnx.resolve("model.onnx"));

        Path broken = Files.createDirectories(folder.resolve("broken"));
        Files.writeString(broken.resolve("MLmodel"), MLmodelTest.MLFLOW_ONNX_MLMODEL);
        Files.write(broken.resolve("model.onnx"), TestOnnxModels.garbage());
        assertThatThrownBy(() -> ModelDirectory.read(broken))
                .isInstanceOf(SlipwayException.class)
                .hasMessageStartingWith("'%s' is not a valid ONNX model".formatted(broken.resolve("model.onnx")));

        Path truncated = Files.createDirectories(folder.resolve("truncated"));
        Files.writeString(truncated.resolve("MLmodel"), MLmodelTest.MLFLOW_ONNX_MLMODEL);
        byte[] bytes = onnx();
        Files.write(truncated.resolve("model.onnx"), Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> ModelDirectory.read(truncated))
                .isInstanceOf(SlipwayException.class)
                .hasMessageStartingWith("'%s' is not a valid ONNX model".formatted(truncated.resolve("model.onnx")));
    }
}
