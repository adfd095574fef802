package dev.slipway.models.scoring;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * An input or output of an ONNX model as the ONNX Runtime session reports it: its name, element
 * type and shape (-1 for a variable dimension such as the batch size; empty for a sequence or map,
 * whose type is {@link ElementType#OTHER}).
 */
public record TensorDescription(String name, ElementType type, List<Long> shape) {
    public TensorDescription {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        shape = List.copyOf(requireNonNull(shape, "shape is null"));
    }

    /** The number of dimensions. */
    public int rank() {
        return shape.size();
    }

    @Override
    public String toString() {
        return name + ": " + type.name().toLowerCase(java.util.Locale.ROOT) + shape;
    }
}
