package dev.slipway.models.scoring;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Small ONNX models built with the protobuf classes, for tests that need a real model. */
public final class TestOnnxModels {
    private TestOnnxModels() {}

    /**
     * A logistic regression over two rank-1 float inputs {@code x1}, {@code x2}:
     * p = sigmoid(w1 x1 + w2 x2 + bias); outputs {@code label} (string [N], classes.get(1) when
     * p &gt; 0.5), {@code probability_<classes.get(0)>} (float [N], 1 - p) and
     * {@code probability_<classes.get(1)>} (float [N], p), as Slipway's classifiers.
     */
    public static byte[] logisticRegression(float w1, float w2, float bias, List<String> classes) {
        GraphProto.Builder graph = logisticGraph(w1, w2, bias, classes);
        for (int index = 0; index < 2; index++) {
            String output = "probability_" + classes.get(index);
            graph.addOutput(tensor(output, TensorProto.DataType.FLOAT, "N"))
                    .addInitializer(longs("class_" + index, new long[] {index}))
                    .addNode(node("Gather", List.of("probabilities", "class_" + index), output).toBuilder()
                            .addAttribute(intAttribute("axis", 1)).build());
        }
        return model(graph.build(), true);
    }

    /**
     * The logistic regression of {@link #logisticRegression} with the outputs of a foreign converter
     * (scikit-learn's without ZipMap): {@code label} (string [N]) and {@code probabilities} (float [N, 2]
     * = [1 - p, p]).
     */
    public static byte[] logisticRegressionWithProbabilityMatrix(float w1, float w2, float bias,
            List<String> classes) {
        GraphProto.Builder graph = logisticGraph(w1, w2, bias, classes)
                .addOutput(tensor("probabilities", TensorProto.DataType.FLOAT, "N", 2));
        return model(graph.build(), true);
    }

    private static GraphProto.Builder logisticGraph(float w1, float w2, float bias, List<String> classes) {
        return GraphProto.newBuilder().setName("logistic")
                .addInput(tensor("x1", TensorProto.DataType.FLOAT, "N"))
                .addInput(tensor("x2", TensorProto.DataType.FLOAT, "N"))
                .addOutput(tensor("label", TensorProto.DataType.STRING, "N"))
                .addInitializer(longs("axes", new long[] {1}, 1))
                .addInitializer(floats("weights", new float[] {w1, w2}, 2, 1))
                .addInitializer(floats("bias", new float[] {bias}, 1))
                .addInitializer(floats("one", new float[] {1f}, 1))
                .addNode(node("Unsqueeze", List.of("x1", "axes"), "x1_column"))
                .addNode(node("Unsqueeze", List.of("x2", "axes"), "x2_column"))
                .addNode(node("Concat", List.of("x1_column", "x2_column"), "features").toBuilder()
                        .addAttribute(intAttribute("axis", 1)).build())
                .addNode(node("MatMul", List.of("features", "weights"), "product"))
                .addNode(node("Add", List.of("product", "bias"), "logit"))
                .addNode(node("Sigmoid", List.of("logit"), "positive"))
                .addNode(node("Sub", List.of("one", "positive"), "negative"))
                .addNode(node("Concat", List.of("negative", "positive"), "probabilities").toBuilder()
                        .addAttribute(intAttribute("axis", 1)).build())
                .addNode(node("ArgMax", List.of("probabilities"), "class_index").toBuilder()
                        .addAttribute(intAttribute("axis", 1)).addAttribute(intAttribute("keepdims", 0)).build())
                .addNode(node("LabelEncoder", List.of("class_index"), "label").toBuilder().setDomain("ai.onnx.ml")
                        .addAttribute(AttributeProto.newBuilder().setName("keys_int64s")
                                .setType(AttributeProto.AttributeType.INTS).addInts(0).addInts(1))
                        .addAttribute(AttributeProto.newBuilder().setName("values_strings")
                                .setType(AttributeProto.AttributeType.STRINGS)
                                .addStrings(ByteString.copyFromUtf8(classes.get(0)))
                                .addStrings(ByteString.copyFromUtf8(classes.get(1))))
                        .addAttribute(AttributeProto.newBuilder().setName("default_string")
                                .setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8("")))
                        .build());
    }

    /**
     * A linear regression over one float tensor input {@code input} [N, weights.length]:
     * {@code variable} [N, 1] = input x weights + bias, as a foreign model exported by a converter.
     */
    public static byte[] linearRegressionOnOneTensor(float[] weights, float bias) {
        GraphProto.Builder graph = GraphProto.newBuilder().setName("linear")
                .addInput(tensor("input", TensorProto.DataType.FLOAT, "N", weights.length))
                .addOutput(tensor("variable", TensorProto.DataType.FLOAT, "N", 1))
                .addInitializer(floats("weights", weights, weights.length, 1))
                .addInitializer(floats("bias", new float[] {bias}, 1))
                .addNode(node("MatMul", List.of("input", "weights"), "product"))
                .addNode(node("Add", List.of("product", "bias"), "variable"));
        return model(graph.build(), false);
    }

    /**
     * A regression over a categorical and a numeric column: {@code prediction} [N] =
     * code(city) + x, where {@code city} (string [N]) is mapped to a number by an ai.onnx.ml
     * LabelEncoder ({@code keys[i]} to {@code values[i]}, unknown to -1).
     */
    public static byte[] categoricalPlusNumber(List<String> keys, float[] values) {
        AttributeProto.Builder keyStrings = AttributeProto.newBuilder().setName("keys_strings")
                .setType(AttributeProto.AttributeType.STRINGS);
        keys.forEach(key -> keyStrings.addStrings(ByteString.copyFromUtf8(key)));
        AttributeProto.Builder valueFloats = AttributeProto.newBuilder().setName("values_floats")
                .setType(AttributeProto.AttributeType.FLOATS);
        for (float value : values) {
            valueFloats.addFloats(value);
        }
        GraphProto.Builder graph = GraphProto.newBuilder().setName("categorical")
                .addInput(tensor("city", TensorProto.DataType.STRING, "N"))
                .addInput(tensor("x", TensorProto.DataType.FLOAT, "N"))
                .addOutput(tensor("prediction", TensorProto.DataType.FLOAT, "N"))
                .addNode(node("LabelEncoder", List.of("city"), "city_code").toBuilder().setDomain("ai.onnx.ml")
                        .addAttribute(keyStrings).addAttribute(valueFloats)
                        .addAttribute(AttributeProto.newBuilder().setName("default_float")
                                .setType(AttributeProto.AttributeType.FLOAT).setF(-1f))
                        .build())
                .addNode(node("Add", List.of("city_code", "x"), "prediction"));
        return model(graph.build(), true);
    }

    private static byte[] model(GraphProto graph, boolean withMlDomain) {
        ModelProto.Builder model = ModelProto.newBuilder().setIrVersion(8).setProducerName("slipway-tests")
                .setGraph(graph)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13));
        if (withMlDomain) {
            model.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("ai.onnx.ml").setVersion(2));
        }
        return model.build().toByteArray();
    }

    private static NodeProto node(String operator, List<String> inputs, String output) {
        return NodeProto.newBuilder().setOpType(operator).setName(output + "_" + operator.toLowerCase())
                .addAllInput(inputs).addOutput(output).build();
    }

    private static AttributeProto intAttribute(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static ValueInfoProto tensor(String name, TensorProto.DataType type, Object... dimensions) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object dimension : dimensions) {
            if (dimension instanceof String symbol) {
                shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(symbol));
            } else {
                shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(((Number) dimension).longValue()));
            }
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape))).build();
    }

    private static TensorProto floats(String name, float[] values, long... dimensions) {
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name)
                .setDataType(TensorProto.DataType.FLOAT.getNumber());
        for (long dimension : dimensions) {
            tensor.addDims(dimension);
        }
        for (float value : values) {
            tensor.addFloatData(value);
        }
        return tensor.build();
    }

    private static TensorProto longs(String name, long[] values, long... dimensions) {
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name)
                .setDataType(TensorProto.DataType.INT64.getNumber());
        for (long dimension : dimensions) {
            tensor.addDims(dimension);
        }
        for (long value : values) {
            tensor.addInt64Data(value);
        }
        return tensor.build();
    }

    /** Text that is certainly not an ONNX model. */
    public static byte[] garbage() {
        return "this is not an onnx model".getBytes(StandardCharsets.UTF_8);
    }
}
