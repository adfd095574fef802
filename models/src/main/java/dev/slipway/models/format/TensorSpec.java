package dev.slipway.models.format;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * One tensor of an MLflow tensor-based schema: {@code {"name": "x", "type": "tensor",
 * "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}}}. {@code dtype} is a numpy dtype name
 * (float32, float64, int32, int64, bool, object, ...); -1 in {@code shape} is a variable dimension.
 */
public record TensorSpec(Optional<String> name, String dtype, List<Long> shape) implements SchemaSpec {
    public TensorSpec {
        requireNonNull(name, "name is null");
        requireNonNull(dtype, "dtype is null");
        if (dtype.isBlank()) {
            throw new IllegalArgumentException("dtype is blank");
        }
        shape = List.copyOf(requireNonNull(shape, "shape is null"));
        for (Long dimension : shape) {
            if (dimension < -1) {
                throw new IllegalArgumentException("dimension must be -1 or at least 0: " + dimension);
            }
        }
    }
}
