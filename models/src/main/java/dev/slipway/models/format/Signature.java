package dev.slipway.models.format;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * An MLflow model signature: the input schema, the optional output schema and the optional
 * params schema. In MLmodel each is a JSON string ({@code params: null} when absent); the params
 * schema is kept as the JSON text MLflow wrote, since Slipway does not interpret it.
 */
public record Signature(Schema inputs, Optional<Schema> outputs, Optional<String> paramsJson) {
    public Signature {
        requireNonNull(inputs, "inputs is null");
        requireNonNull(outputs, "outputs is null");
        requireNonNull(paramsJson, "paramsJson is null");
    }

    /** A signature with inputs and outputs and no params. */
    public static Signature of(Schema inputs, Schema outputs) {
        return new Signature(inputs, Optional.of(outputs), Optional.empty());
    }
}
