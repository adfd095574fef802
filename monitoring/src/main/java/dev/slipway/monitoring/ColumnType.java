package dev.slipway.monitoring;

/** How a column's values are compared: as numbers or as categories. */
public enum ColumnType {
    NUMERIC,
    CATEGORICAL
}
