package dev.slipway.models.training;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.slipway.core.SlipwayException;
import dev.slipway.models.onnx.ColumnEncoding;
import dev.slipway.models.onnx.GraphBuilder;
import dev.slipway.models.onnx.Outputs;
import dev.slipway.models.onnx.Preprocessing;
import java.util.List;
import java.util.Map;

/** Assembles the one self-contained ONNX graph of a trained model: preprocessing, model body, outputs. */
final class ModelGraph {
    private ModelGraph() {
    }

    /**
     * @throws SlipwayException INVALID_PARAMETER_VALUE when an input column has the name of a graph output
     */
    static ModelProto build(FeatureEncoder encoder, FittedModel model, Target target, Algorithm algorithm,
            String producerVersion) {
        checkColumnNames(encoder, target);
        GraphBuilder graph = new GraphBuilder("slipway_" + algorithm.wireName().replace('-', '_'));
        String features = Preprocessing.write(graph, encoder.columns());
        String body = model.writeOnnx(graph, features);
        switch (target.task()) {
            case CLASSIFICATION -> Outputs.classification(graph, body, target.classes());
            case REGRESSION -> Outputs.regression(graph, body);
        }
        return graph.build("slipway", producerVersion, Map.of(
                "slipway_task", target.task().wireName(),
                "slipway_target", target.name(),
                "slipway_algorithm", algorithm.wireName()));
    }

    static void checkColumnNames(FeatureEncoder encoder, Target target) {
        List<String> reserved = Outputs.reservedNames(switch (target.task()) {
            case CLASSIFICATION -> target.classes();
            case REGRESSION -> List.<String>of();
        });
        for (ColumnEncoding column : encoder.columns()) {
            if (reserved.contains(column.name())) {
                throw SlipwayException.invalidParameter("Column '%s' has the name of a model output (%s); rename"
                        + " the column", column.name(), String.join(", ", reserved));
            }
        }
    }
}
