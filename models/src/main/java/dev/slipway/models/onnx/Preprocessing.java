package dev.slipway.models.onnx;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Writes the input side of a Slipway model graph: one input per column, then Unsqueeze and Imputer for
 * numeric columns, OneHotEncoder for categorical ones, Concat in column order and, when any column is
 * standardised, a Scaler. The result is a {@code tensor(float)} [N, F] of model features in the same
 * order as {@link ColumnEncoding#width()} adds them up.
 *
 * <p>Input shapes follow what MLflow's onnx pyfunc feeds from a DataFrame: with several inputs it feeds
 * each column as a rank-1 array, so each input is [N]; with a single input it feeds the whole DataFrame
 * as a 2-D array, so a model of one column declares that input as [N, 1].
 */
public final class Preprocessing {
    private Preprocessing() {
    }

    /** Returns the name of the [N, F] feature tensor. */
    public static String write(GraphBuilder graph, List<ColumnEncoding> columns) {
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("a model needs at least one input column");
        }
        boolean singleColumn = columns.size() == 1;
        for (ColumnEncoding column : columns) {
            DataType type = column instanceof ColumnEncoding.Numeric ? DataType.FLOAT : DataType.STRING;
            if (singleColumn) {
                graph.addInput(column.name(), type, -1, 1);
            } else {
                graph.addInput(column.name(), type, -1);
            }
        }
        // Only rank-1 inputs need an axis to grow a column; [N, 1] inputs already are one.
        Optional<String> axes = singleColumn
                ? Optional.empty()
                : Optional.of(graph.longInitializer("unsqueeze_axes", new long[] {1}, 1));
        List<String> pieces = new ArrayList<>();
        List<Float> offsets = new ArrayList<>();
        List<Float> scales = new ArrayList<>();
        boolean scaled = false;
        for (ColumnEncoding column : columns) {
            if (column instanceof ColumnEncoding.Numeric numeric) {
                String unsqueezed = singleColumn
                        ? numeric.name()
                        : graph.node("Unsqueeze", "", List.of(numeric.name(), axes.orElseThrow()), "column");
                pieces.add(graph.node("Imputer", GraphBuilder.ML_DOMAIN, List.of(unsqueezed), "imputed",
                        Attributes.ofFloats("imputed_value_floats", new float[] {numeric.imputedValue()}),
                        Attributes.ofFloat("replaced_value_float", Float.NaN)));
                offsets.add(numeric.offset());
                scales.add(numeric.scale());
                scaled |= numeric.offset() != 0f || numeric.scale() != 1f;
            } else if (column instanceof ColumnEncoding.Categorical categorical) {
                String oneHot = graph.node("OneHotEncoder", GraphBuilder.ML_DOMAIN, List.of(categorical.name()),
                        "one_hot", Attributes.ofStrings("cats_strings", categorical.categories()),
                        Attributes.ofInt("zeros", 1));
                // OneHotEncoder appends the category axis: a [N, 1] input gives [N, 1, k], flattened to [N, k].
                pieces.add(singleColumn
                        ? graph.node("Flatten", "", List.of(oneHot), "one_hot_flat", Attributes.ofInt("axis", 1))
                        : oneHot);
                for (int i = 0; i < categorical.width(); i++) {
                    offsets.add(0f);
                    scales.add(1f);
                }
            }
        }
        String features = pieces.size() == 1
                ? pieces.get(0)
                : graph.node("Concat", "", pieces, "features", Attributes.ofInt("axis", 1));
        if (!scaled) {
            return features;
        }
        return graph.node("Scaler", GraphBuilder.ML_DOMAIN, List.of(features), "scaled_features",
                Attributes.ofFloats("offset", toArray(offsets)), Attributes.ofFloats("scale", toArray(scales)));
    }

    private static float[] toArray(List<Float> values) {
        float[] array = new float[values.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = values.get(i);
        }
        return array;
    }
}
