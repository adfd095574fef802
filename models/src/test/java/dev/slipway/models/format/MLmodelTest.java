package dev.slipway.models.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.SlipwayException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MLmodelTest {
    /** An MLmodel as MLflow 2.x's onnx flavor writes it (PyYAML safe_dump: sorted keys, folded long strings). */
    static final String MLFLOW_ONNX_MLMODEL = """
            artifact_path: model
            flavors:
              onnx:
                code: null
                data: model.onnx
                onnx_session_options: null
                onnx_version: 1.16.2
                providers:
                - CUDAExecutionProvider
                - CPUExecutionProvider
              python_function:
                data: model.onnx
                env:
                  conda: conda.yaml
                  virtualenv: python_env.yaml
                loader_module: mlflow.onnx
                python_version: 3.10.14
            mlflow_version: 2.16.2
            model_size_bytes: 1419
            model_uuid: 3f2a4c1d9b8e4f6a8c7d5e4f3a2b1c0d
            run_id: 0a1b2c3d4e5f60718293a4b5c6d7e8f9
            saved_input_example_info:
              artifact_path: input_example.json
              pandas_orient: split
              serving_input_path: serving_input_example.json
              type: dataframe
            signature:
              inputs: '[{"type": "double", "name": "x1", "required": true}, {"type": "double",
                "name": "x2", "required": true}]'
              outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1,
                1]}}]'
              params: null
            utc_time_created: '2024-10-01 12:34:56.789012'
            """;

    @Test
    void readsAnMLmodelAsMlflowsOnnxFlavorWritesIt() {
        MLmodel mlmodel = MLmodel.parse(MLFLOW_ONNX_MLMODEL, "MLmodel");

        assertThat(mlmodel.artifactPath()).contains("model");
        assertThat(mlmodel.modelUuid()).contains("3f2a4c1d9b8e4f6a8c7d5e4f3a2b1c0d");
        assertThat(mlmodel.runId()).contains("0a1b2c3d4e5f60718293a4b5c6d7e8f9");
        assertThat(mlmodel.utcTimeCreated()).contains("2024-10-01 12:34:56.789012");
        assertThat(mlmodel.mlflowVersion()).contains("2.16.2");
        assertThat(mlmodel.modelSizeBytes()).contains(1419L);
        assertThat(mlmodel.onnxFlavor()).contains(new OnnxFlavor("1.16.2", "model.onnx",
                List.of("CUDAExecutionProvider", "CPUExecutionProvider")));
        assertThat(mlmodel.flavors().get("python_function")).containsEntry("loader_module", "mlflow.onnx")
                .containsEntry("env", Map.of("conda", "conda.yaml", "virtualenv", "python_env.yaml"));
        assertThat(mlmodel.savedInputExampleInfo()).contains(new SavedInputExampleInfo("input_example.json",
                "dataframe", Optional.of("split"), Optional.of("serving_input_example.json")));
        Signature signature = mlmodel.signature().orElseThrow();
        assertThat(signature.inputs().columns()).containsExactly(ColumnSpec.of("x1", ColumnType.DOUBLE),
                ColumnSpec.of("x2", ColumnType.DOUBLE));
        assertThat(signature.outputs().orElseThrow().tensors())
                .containsExactly(new TensorSpec(Optional.empty(), "float32", List.of(-1L, 1L)));
        assertThat(signature.paramsJson()).isEmpty();
        assertThat(mlmodel.metadata()).isEmpty();
        assertThat(mlmodel.otherFields()).isEmpty();
    }

    @Test
    void readsATensorSignatureWithNamedTensors() {
        String yaml = """
                flavors:
                  onnx: {data: model.onnx, onnx_version: 1.14.0}
                signature:
                  inputs: '[{"name": "input", "type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}}]'
                  outputs: null
                """;

        Signature signature = MLmodel.parse(yaml, "MLmodel").signature().orElseThrow();

        assertThat(signature.inputs().isTensorBased()).isTrue();
        assertThat(signature.inputs().tensors())
                .containsExactly(new TensorSpec(Optional.of("input"), "float32", List.of(-1L, 4L)));
        assertThat(signature.outputs()).isEmpty();
    }

    @Test
    void writesSchemasAsMlflowsJsonDumpsDoes() {
        Schema columns = Schema.ofColumns(List.of(ColumnSpec.of("x1", ColumnType.DOUBLE),
                new ColumnSpec(Optional.of("city"), ColumnType.STRING, false)));
        Schema tensors = Schema.ofTensors(List.of(new TensorSpec(Optional.of("probabilities"), "float32",
                List.of(-1L, 2L)), new TensorSpec(Optional.empty(), "int64", List.of(-1L))));

        assertThat(columns.toJson()).isEqualTo(
                "[{\"type\": \"double\", \"name\": \"x1\", \"required\": true}, "
                        + "{\"type\": \"string\", \"name\": \"city\", \"required\": false}]");
        assertThat(tensors.toJson()).isEqualTo(
                "[{\"name\": \"probabilities\", \"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \"float32\", "
                        + "\"shape\": [-1, 2]}}, {\"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \"int64\", "
                        + "\"shape\": [-1]}}]");
        assertThat(Schema.parse(columns.toJson())).isEqualTo(columns);
        assertThat(Schema.parse(tensors.toJson())).isEqualTo(tensors);
    }

    @Test
    void roundTripsMlflowsMLmodelWithoutLosingAField() {
        MLmodel mlmodel = MLmodel.parse(MLFLOW_ONNX_MLMODEL, "MLmodel");

        assertThat(MLmodel.parse(mlmodel.toYaml(), "again")).isEqualTo(mlmodel);
    }

    @Test
    void roundTripsOurMLmodelWithMetadataAndUnknownFields() {
        MLmodel mlmodel = new MLmodel(Optional.of("model"),
                Map.of("onnx", new OnnxFlavor("1.17.0", "model.onnx", OnnxFlavor.DEFAULT_PROVIDERS).toMap(),
                        "sklearn", Map.of("pickled_model", "model.pkl", "sklearn_version", "1.5.0")),
                Optional.of("0123456789abcdef0123456789abcdef"), Optional.of("1e5"),
                Optional.of(MLmodel.formatUtcTime(Instant.parse("2026-01-02T03:04:05.000007Z"))),
                Optional.of("2.17.2"), Optional.of(1234L), Optional.of(SavedInputExampleInfo.dataframeSplit()),
                Optional.of(Signature.of(Schema.ofColumns(List.of(ColumnSpec.of("amount", ColumnType.DOUBLE))),
                        Schema.ofTensors(List.of(new TensorSpec(Optional.of("prediction"), "float32",
                                List.of(-1L)))))),
                Map.of("slipway_task", "classification", "slipway_target", "yes: or no",
                        "slipway_classes", List.of("0", "1", "true", "it's")),
                Map.of("databricks_runtime", "15.4.x-cpu-ml-scala2.12", "model_id", "m-123"));

        String yaml = mlmodel.toYaml();
        MLmodel parsed = MLmodel.parse(yaml, "MLmodel");

        assertThat(parsed).isEqualTo(mlmodel);
        assertThat(yaml).contains("utc_time_created: '2026-01-02 03:04:05.000007'")
                .contains("run_id: '1e5'")
                .contains("providers:\n    - CUDAExecutionProvider\n    - CPUExecutionProvider\n")
                .contains("  params: null\n");
        assertThat(parsed.metadataList("slipway_classes")).contains(List.of("0", "1", "true", "it's"));
    }

    @Test
    void rejectsAnUnknownColumnTypeNamingIt() {
        assertThatThrownBy(() -> Schema.parse("[{\"type\": \"decimal\", \"name\": \"x\"}]"))
                .isInstanceOf(SlipwayException.class)
                .hasMessageContaining("Unsupported column type 'decimal'");
    }

    @Test
    void rejectsMalformedYamlNamingTheFile() {
        assertThatThrownBy(() -> MLmodel.parse("flavors: [unclosed", "/models/m/MLmodel"))
                .isInstanceOf(SlipwayException.class)
                .hasMessageContaining("/models/m/MLmodel is not valid YAML");
    }
}
