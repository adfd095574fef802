package dev.slipway.models.format;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import java.util.Locale;

/** The column types of an MLflow column-based signature, named as MLflow writes them. */
public enum ColumnType {
    DOUBLE,
    FLOAT,
    LONG,
    INTEGER,
    BOOLEAN,
    STRING,
    BINARY,
    DATETIME;

    /** The name in the signature JSON, e.g. {@code "double"}. */
    public String mlflowName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether values of this type are numbers (double, float, long, integer). */
    public boolean isNumeric() {
        return switch (this) {
            case DOUBLE, FLOAT, LONG, INTEGER -> true;
            case BOOLEAN, STRING, BINARY, DATETIME -> false;
        };
    }

    /** Whether values of this type are whole numbers (long, integer). */
    public boolean isWholeNumber() {
        return switch (this) {
            case LONG, INTEGER -> true;
            case DOUBLE, FLOAT, BOOLEAN, STRING, BINARY, DATETIME -> false;
        };
    }

    /**
     * Parses an MLflow type name.
     *
     * @throws SlipwayException for a name that is not one of the eight column types
     */
    public static ColumnType of(String mlflowName) {
        requireNonNull(mlflowName, "mlflowName is null");
        for (ColumnType type : values()) {
            if (type.mlflowName().equals(mlflowName)) {
                return type;
            }
        }
        throw SlipwayException.invalidParameter(
                "Unsupported column type '%s' in signature; expected one of double, float, long, integer, boolean, string, binary, datetime",
                mlflowName);
    }
}
