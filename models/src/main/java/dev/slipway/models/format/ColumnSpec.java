package dev.slipway.models.format;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One column of an MLflow column-based schema: {@code {"type": "double", "name": "amount",
 * "required": true}}. MLflow allows unnamed columns (matched by position).
 */
public record ColumnSpec(Optional<String> name, ColumnType type, boolean required) implements SchemaSpec {
    public ColumnSpec {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        name.ifPresent(value -> {
            if (value.isEmpty()) {
                throw new IllegalArgumentException("column name is empty");
            }
        });
    }

    /** A required, named column. */
    public static ColumnSpec of(String name, ColumnType type) {
        return new ColumnSpec(Optional.of(requireNonNull(name, "name is null")), type, true);
    }
}
