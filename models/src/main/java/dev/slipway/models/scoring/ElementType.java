package dev.slipway.models.scoring;

/** The element type of an ONNX model input or output, as far as Slipway feeds or reads it. */
public enum ElementType {
    FLOAT,
    DOUBLE,
    INT64,
    INT32,
    STRING,
    BOOL,
    /** Any other tensor element type, or a sequence or map value. */
    OTHER;

    /** Whether values are numbers Slipway can feed from a CSV cell. */
    public boolean isNumeric() {
        return switch (this) {
            case FLOAT, DOUBLE, INT64, INT32 -> true;
            case STRING, BOOL, OTHER -> false;
        };
    }
}
