package dev.slipway.models.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PreprocessingTest {
    @Test
    void eachOfSeveralColumnsIsOneRankOneInputAndFeaturesFollowColumnOrder() throws Exception {
        GraphBuilder graph = new GraphBuilder("preprocessing");
        String features = Preprocessing.write(graph, List.of(
                new ColumnEncoding.Numeric("age", 40f, 0f, 1f),
                new ColumnEncoding.Categorical("city", List.of("", "Oslo", "Rome")),
                new ColumnEncoding.Numeric("income", 2f, 1f, 0.5f)));
        graph.nodeWithOutputs("Identity", "", List.of(features), List.of(graph.reserve("encoded")));
        graph.addOutput("encoded", DataType.FLOAT, -1, 5);
        ModelProto model = graph.build("test", "1", Map.of());

        assertThat(model.getGraph().getInputList()).extracting(ValueInfoProto::getName)
                .containsExactly("age", "city", "income");
        for (ValueInfoProto input : model.getGraph().getInputList()) {
            assertThat(input.getType().getTensorType().getShape().getDimCount()).isEqualTo(1);
            assertThat(input.getType().getTensorType().getShape().getDim(0).getDimParam()).isEqualTo("N");
        }
        assertThat(model.getGraph().getInput(1).getType().getTensorType().getElemType())
                .isEqualTo(DataType.STRING.getNumber());

        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession session = environment.createSession(model.toByteArray(), new OrtSession.SessionOptions());
                OnnxTensor age = OnnxTensor.createTensor(environment, new float[] {30f, Float.NaN, 50f});
                OnnxTensor city = OnnxTensor.createTensor(environment, new String[] {"Rome", "", "Paris"});
                OnnxTensor income = OnnxTensor.createTensor(environment, new float[] {3f, 5f, Float.NaN});
                OrtSession.Result result = session.run(Map.of("age", age, "city", city, "income", income))) {
            float[][] values = (float[][]) result.get("encoded").get().getValue();
            assertThat(values).isDeepEqualTo(new float[][] {
                {30f, 0f, 0f, 1f, 1f},
                {40f, 1f, 0f, 0f, 2f},
                {50f, 0f, 0f, 0f, 0.5f}});
        }
    }

    @Test
    void aSingleNumericColumnIsOneInputOfShapeNByOne() throws Exception {
        GraphBuilder graph = new GraphBuilder("preprocessing");
        String features = Preprocessing.write(graph, List.of(new ColumnEncoding.Numeric("age", 40f, 10f, 0.5f)));
        ModelProto model = encodedOutput(graph, features, 1);

        assertSingleInput(model, "age", DataType.FLOAT);
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession session = environment.createSession(model.toByteArray(), new OrtSession.SessionOptions());
                OnnxTensor age = OnnxTensor.createTensor(environment, new float[][] {{30f}, {Float.NaN}, {50f}});
                OrtSession.Result result = session.run(Map.of("age", age))) {
            assertThat((float[][]) result.get("encoded").get().getValue())
                    .isDeepEqualTo(new float[][] {{10f}, {15f}, {20f}});
        }
    }

    @Test
    void aSingleCategoricalColumnIsOneStringInputOfShapeNByOne() throws Exception {
        GraphBuilder graph = new GraphBuilder("preprocessing");
        String features = Preprocessing.write(graph, List.of(
                new ColumnEncoding.Categorical("city", List.of("", "Oslo", "Rome"))));
        ModelProto model = encodedOutput(graph, features, 3);

        assertSingleInput(model, "city", DataType.STRING);
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession session = environment.createSession(model.toByteArray(), new OrtSession.SessionOptions());
                OnnxTensor city = OnnxTensor.createTensor(environment, new String[] {"Rome", "", "Paris"},
                        new long[] {3, 1});
                OrtSession.Result result = session.run(Map.of("city", city))) {
            assertThat((float[][]) result.get("encoded").get().getValue())
                    .isDeepEqualTo(new float[][] {{0f, 0f, 1f}, {1f, 0f, 0f}, {0f, 0f, 0f}});
        }
    }

    private static ModelProto encodedOutput(GraphBuilder graph, String features, int width) {
        graph.nodeWithOutputs("Identity", "", List.of(features), List.of(graph.reserve("encoded")));
        graph.addOutput("encoded", DataType.FLOAT, -1, width);
        return graph.build("test", "1", Map.of());
    }

    private static void assertSingleInput(ModelProto model, String name, DataType type) {
        assertThat(model.getGraph().getInputList()).extracting(ValueInfoProto::getName).containsExactly(name);
        ValueInfoProto input = model.getGraph().getInput(0);
        assertThat(input.getType().getTensorType().getElemType()).isEqualTo(type.getNumber());
        assertThat(input.getType().getTensorType().getShape().getDimList())
                .extracting(dim -> dim.hasDimParam() ? dim.getDimParam() : Long.toString(dim.getDimValue()))
                .containsExactly("N", "1");
    }

    @Test
    void aValueNameCannotBeUsedTwice() {
        GraphBuilder graph = new GraphBuilder("g");
        graph.addInput("label", DataType.FLOAT, -1);
        assertThatThrownBy(() -> graph.reserve("label")).hasMessageContaining("'label' is used twice");
        assertThat(graph.uniqueName("label")).isEqualTo("label_1");
    }
}
