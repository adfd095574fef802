package dev.slipway.core.search;

import static java.util.Objects.requireNonNull;

/** One clause of a filter: {@code <type>.<key> <operator> <value>}. */
public record Comparison(EntityType type, String key, Operator operator, Literal value) {
    public Comparison {
        requireNonNull(type, "type is null");
        requireNonNull(key, "key is null");
        requireNonNull(operator, "operator is null");
        requireNonNull(value, "value is null");
    }

    /** The string value; only for comparisons whose literal is {@link Literal.Text}. */
    public String text() {
        return ((Literal.Text) value).value();
    }

    /** The numeric value; only for comparisons whose literal is {@link Literal.Number}. */
    public double number() {
        return ((Literal.Number) value).value();
    }
}
