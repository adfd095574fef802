package dev.slipway.core.search;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** The right-hand side of a comparison: a quoted string, a number, or a parenthesised list of strings. */
public sealed interface Literal {
    record Text(String value) implements Literal {
        public Text {
            requireNonNull(value, "value is null");
        }
    }

    record Number(double value, String text) implements Literal {
        public Number {
            requireNonNull(text, "text is null");
        }
    }

    record TextList(List<String> values) implements Literal {
        public TextList {
            values = List.copyOf(requireNonNull(values, "values is null"));
        }
    }
}
