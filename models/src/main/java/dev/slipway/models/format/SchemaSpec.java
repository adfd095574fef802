package dev.slipway.models.format;

import java.util.Optional;

/** An entry of an MLflow schema: a {@link ColumnSpec} or a {@link TensorSpec}. */
public sealed interface SchemaSpec permits ColumnSpec, TensorSpec {
    /** The name of the column or tensor, if it has one. */
    Optional<String> name();
}
