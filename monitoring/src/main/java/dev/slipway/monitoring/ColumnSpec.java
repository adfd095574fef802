package dev.slipway.monitoring;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;

/** A monitored column: its name and whether it is numeric or categorical. */
public record ColumnSpec(String name, ColumnType type) {
    public ColumnSpec {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        if (name.isBlank()) {
            throw SlipwayException.invalidParameter("Column name must not be blank");
        }
    }

    public static ColumnSpec numeric(String name) {
        return new ColumnSpec(name, ColumnType.NUMERIC);
    }

    public static ColumnSpec categorical(String name) {
        return new ColumnSpec(name, ColumnType.CATEGORICAL);
    }
}
