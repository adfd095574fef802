package dev.slipway.models.training;

/** The kind of values a column of a training table holds, as inferred from its cells. */
public enum ColumnKind {
    /** Every non-empty cell parses as a finite decimal number. */
    NUMERIC,
    /** Anything else; the cells are categories. */
    CATEGORICAL
}
