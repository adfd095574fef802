package dev.slipway.core.search;

/** A comparison operator of the search grammar. */
public enum Operator {
    EQ("="),
    NE("!="),
    GT(">"),
    GE(">="),
    LT("<"),
    LE("<="),
    LIKE("LIKE"),
    ILIKE("ILIKE"),
    IN("IN"),
    NOT_IN("NOT IN");

    private final String symbol;

    Operator(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }

    public boolean isNumericOnly() {
        return switch (this) {
            case GT, GE, LT, LE -> true;
            case EQ, NE, LIKE, ILIKE, IN, NOT_IN -> false;
        };
    }

    public boolean isStringOnly() {
        return switch (this) {
            case LIKE, ILIKE, IN, NOT_IN -> true;
            case EQ, NE, GT, GE, LT, LE -> false;
        };
    }
}
