package dev.slipway.models.onnx;

import static java.util.Objects.requireNonNull;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnx.proto.OnnxMl;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds one ONNX graph: inputs, initializers, nodes and outputs, with unique value names. The graph
 * imports the default domain at opset {@value #ONNX_OPSET} and {@code ai.onnx.ml} at opset
 * {@value #ONNX_ML_OPSET}. Not thread-safe.
 */
public final class GraphBuilder {
    public static final int ONNX_OPSET = 13;
    public static final int ONNX_ML_OPSET = 3;
    public static final String ML_DOMAIN = "ai.onnx.ml";
    /** IR version 8 is the one that goes with opset 13. */
    private static final long IR_VERSION = 8;
    /** The symbolic batch dimension of every input and output. */
    public static final String BATCH = "N";

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final Set<String> usedNames = new HashSet<>();
    private final Map<String, Integer> counters = new HashMap<>();

    public GraphBuilder(String graphName) {
        graph.setName(requireNonNull(graphName, "graphName is null"));
    }

    /** A value name not used yet in this graph, derived from {@code base}. */
    public String uniqueName(String base) {
        requireNonNull(base, "base is null");
        if (usedNames.add(base)) {
            return base;
        }
        while (true) {
            int next = counters.merge(base, 1, Integer::sum);
            String candidate = base + "_" + next;
            if (usedNames.add(candidate)) {
                return candidate;
            }
        }
    }

    /**
     * Declares a graph input with the exact name given (inputs carry column names, so they must not be
     * renamed); dimensions of -1 are the batch dimension.
     *
     * @throws IllegalArgumentException if the name is already used
     */
    public String addInput(String name, TensorProto.DataType type, long... dims) {
        if (!usedNames.add(name)) {
            throw new IllegalArgumentException("ONNX value name '" + name + "' is used twice");
        }
        graph.addInput(valueInfo(name, type, dims));
        return name;
    }

    /** Declares an existing value as a graph output under its own name. */
    public void addOutput(String name, TensorProto.DataType type, long... dims) {
        graph.addOutput(valueInfo(name, type, dims));
    }

    /**
     * Reserves an exact name (for an output such as {@code label}) so that no generated name takes it.
     *
     * @throws IllegalArgumentException if the name is already used
     */
    public String reserve(String name) {
        if (!usedNames.add(name)) {
            throw new IllegalArgumentException("ONNX value name '" + name + "' is used twice");
        }
        return name;
    }

    public String floatInitializer(String base, float[] values, long... dims) {
        String name = uniqueName(base);
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name)
                .setDataType(TensorProto.DataType.FLOAT.getNumber());
        for (long dim : dims) {
            tensor.addDims(dim);
        }
        for (float value : values) {
            tensor.addFloatData(value);
        }
        graph.addInitializer(tensor);
        return name;
    }

    public String longInitializer(String base, long[] values, long... dims) {
        String name = uniqueName(base);
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name)
                .setDataType(TensorProto.DataType.INT64.getNumber());
        for (long dim : dims) {
            tensor.addDims(dim);
        }
        for (long value : values) {
            tensor.addInt64Data(value);
        }
        graph.addInitializer(tensor);
        return name;
    }

    /** Adds a node with one output named after {@code outputBase}; returns the output name. */
    public String node(String opType, String domain, List<String> inputs, String outputBase,
            AttributeProto... attributes) {
        String output = uniqueName(outputBase);
        nodeWithOutputs(opType, domain, inputs, List.of(output), attributes);
        return output;
    }

    /** Adds a node whose output names are already chosen (reserved or unique). */
    public void nodeWithOutputs(String opType, String domain, List<String> inputs, List<String> outputs,
            AttributeProto... attributes) {
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(opType).setDomain(domain)
                .setName(uniqueName(opType.toLowerCase(Locale.ROOT) + "_node"))
                .addAllInput(inputs).addAllOutput(outputs);
        for (AttributeProto attribute : attributes) {
            node.addAttribute(attribute);
        }
        graph.addNode(node);
    }

    /**
     * Copies another graph's nodes and initializers into this graph, renaming every value so none
     * collides: the sub-graph's inputs are wired to the given values and its outputs come back under
     * fresh names, in the sub-graph's output order. Only default-domain and {@code ai.onnx.ml} nodes are
     * expected, at opsets this graph imports.
     */
    public List<String> splice(GraphProto subGraph, Map<String, String> inputBindings, String prefix) {
        Map<String, String> renames = new HashMap<>(inputBindings);
        for (ValueInfoProto input : subGraph.getInputList()) {
            if (!renames.containsKey(input.getName())) {
                throw new IllegalArgumentException("sub-graph input '" + input.getName() + "' is not bound");
            }
        }
        for (TensorProto initializer : subGraph.getInitializerList()) {
            String name = uniqueName(prefix + initializer.getName());
            renames.put(initializer.getName(), name);
            graph.addInitializer(initializer.toBuilder().setName(name));
        }
        for (NodeProto node : subGraph.getNodeList()) {
            NodeProto.Builder copy = node.toBuilder().clearInput().clearOutput()
                    .setName(uniqueName(prefix + node.getName()));
            for (String input : node.getInputList()) {
                copy.addInput(input.isEmpty() ? input : renamed(renames, input));
            }
            for (String output : node.getOutputList()) {
                String name = uniqueName(prefix + output);
                renames.put(output, name);
                copy.addOutput(name);
            }
            graph.addNode(copy);
        }
        return subGraph.getOutputList().stream().map(output -> renamed(renames, output.getName())).toList();
    }

    private static String renamed(Map<String, String> renames, String name) {
        String renamed = renames.get(name);
        if (renamed == null) {
            throw new IllegalArgumentException("sub-graph value '" + name + "' is used before it is produced");
        }
        return renamed;
    }

    /** The finished model; the builder must not be used afterwards. */
    public ModelProto build(String producerName, String producerVersion, Map<String, String> metadata) {
        ModelProto.Builder model = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName(producerName)
                .setProducerVersion(producerVersion)
                .setModelVersion(1)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(ONNX_OPSET))
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain(ML_DOMAIN).setVersion(ONNX_ML_OPSET))
                .setGraph(graph);
        metadata.forEach((key, value) -> model.addMetadataProps(
                OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value)));
        return model.build();
    }

    private static ValueInfoProto valueInfo(String name, TensorProto.DataType type, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long dim : dims) {
            shape.addDim(dim < 0
                    ? TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH)
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(dim));
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                        .setElemType(type.getNumber()).setShape(shape)))
                .build();
    }
}
