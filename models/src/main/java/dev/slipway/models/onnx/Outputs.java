package dev.slipway.models.onnx;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.List;
import java.util.stream.LongStream;

/** Writes the output side of a Slipway model graph, with the output names of the model contract. */
public final class Outputs {
    public static final String LABEL = "label";
    public static final String PROBABILITIES = "probabilities";
    public static final String PREDICTION = "prediction";
    /** Names a column may not take, since the graph's outputs carry them. */
    public static final List<String> RESERVED = List.of(LABEL, PROBABILITIES, PREDICTION);

    private Outputs() {
    }

    /**
     * Declares {@code probabilities} (float [N, k], columns in {@code classes} order) and {@code label}
     * (string [N], the class with the highest probability, the first one on a tie).
     */
    public static void classification(GraphBuilder graph, String probabilities, List<String> classes) {
        String probabilitiesOutput = graph.reserve(PROBABILITIES);
        String labelOutput = graph.reserve(LABEL);
        graph.nodeWithOutputs("Identity", "", List.of(probabilities), List.of(probabilitiesOutput));
        String index = graph.node("ArgMax", "", List.of(probabilities), "class_index",
                Attributes.ofInt("axis", 1), Attributes.ofInt("keepdims", 0));
        graph.nodeWithOutputs("LabelEncoder", GraphBuilder.ML_DOMAIN, List.of(index), List.of(labelOutput),
                Attributes.ofInts("keys_int64s", LongStream.range(0, classes.size()).toArray()),
                Attributes.ofStrings("values_strings", classes),
                Attributes.ofString("default_string", ""));
        graph.addOutput(labelOutput, DataType.STRING, -1);
        graph.addOutput(probabilitiesOutput, DataType.FLOAT, -1, classes.size());
    }

    /** Declares {@code prediction} (float [N]) from a float [N, 1] value. */
    public static void regression(GraphBuilder graph, String values) {
        String predictionOutput = graph.reserve(PREDICTION);
        String axes = graph.longInitializer("squeeze_axes", new long[] {1}, 1);
        graph.nodeWithOutputs("Squeeze", "", List.of(values, axes), List.of(predictionOutput));
        graph.addOutput(predictionOutput, DataType.FLOAT, -1);
    }

    /** Appends a float [N, 2] tensor {@code [1 - p, p]} from a float [N, 1] probability {@code p}. */
    public static String twoClassProbabilities(GraphBuilder graph, String positive) {
        String one = graph.floatInitializer("one", new float[] {1f});
        String negative = graph.node("Sub", "", List.of(one, positive), "negative_probability");
        return graph.node("Concat", "", List.of(negative, positive), "class_probabilities",
                Attributes.ofInt("axis", 1));
    }
}
