package dev.slipway.models.onnx;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

/**
 * Writes the output side of a Slipway model graph, with the output names of the model contract. Every
 * output has shape [N], so that MLflow's onnx pyfunc, which flattens each output into one DataFrame
 * column of N values, can read it.
 */
public final class Outputs {
    public static final String LABEL = "label";
    public static final String PREDICTION = "prediction";
    /** The prefix of a classifier's per-class probability outputs, {@code probability_<class>}. */
    public static final String PROBABILITY_PREFIX = "probability_";

    private Outputs() {
    }

    /** The output carrying the probability of {@code className}. */
    public static String probabilityName(String className) {
        return PROBABILITY_PREFIX + className;
    }

    /**
     * The output names of a model with these classes (empty for a regressor), in graph order for a
     * classifier; an input column may not take any of them.
     */
    public static List<String> reservedNames(List<String> classes) {
        List<String> names = new ArrayList<>(List.of(LABEL, PREDICTION));
        classes.forEach(className -> names.add(probabilityName(className)));
        return List.copyOf(names);
    }

    /**
     * Declares {@code label} (string [N], the class with the highest probability, the first one on a
     * tie) and then {@code probability_<class>} (float [N]) per class, in {@code classes} order, from
     * the float [N, k] {@code probabilities} whose columns follow {@code classes}.
     */
    public static void classification(GraphBuilder graph, String probabilities, List<String> classes) {
        String labelOutput = graph.reserve(LABEL);
        String index = graph.node("ArgMax", "", List.of(probabilities), "class_index",
                Attributes.ofInt("axis", 1), Attributes.ofInt("keepdims", 0));
        graph.nodeWithOutputs("LabelEncoder", GraphBuilder.ML_DOMAIN, List.of(index), List.of(labelOutput),
                Attributes.ofInts("keys_int64s", LongStream.range(0, classes.size()).toArray()),
                Attributes.ofStrings("values_strings", classes),
                Attributes.ofString("default_string", ""));
        graph.addOutput(labelOutput, DataType.STRING, -1);
        for (int classIndex = 0; classIndex < classes.size(); classIndex++) {
            String output = graph.reserve(probabilityName(classes.get(classIndex)));
            // A scalar index makes Gather drop the class axis: [N, k] -> [N].
            String column = graph.longInitializer("class_" + classIndex, new long[] {classIndex});
            graph.nodeWithOutputs("Gather", "", List.of(probabilities, column), List.of(output),
                    Attributes.ofInt("axis", 1));
            graph.addOutput(output, DataType.FLOAT, -1);
        }
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
