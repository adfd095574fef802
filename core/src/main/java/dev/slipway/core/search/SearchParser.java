package dev.slipway.core.search;

import dev.slipway.core.SlipwayException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Parses MLflow's SQL-like filter strings ({@code metrics.acc > 0.9 AND tags."my key" LIKE 'x%'}) and
 * ORDER BY terms. Only AND joins clauses; keywords are case-insensitive; values are single- or
 * double-quoted strings, numbers, or parenthesised string lists for IN. Which identifiers and operators
 * a search accepts is checked by the caller; this class only knows the grammar.
 */
public final class SearchParser {
    private final String input;
    private int position;

    private SearchParser(String input) {
        this.input = input;
    }

    /** Parses a filter; an absent, empty or blank filter has no clauses. */
    public static List<Comparison> parseFilter(Optional<String> filter) {
        if (filter.isEmpty() || filter.get().isBlank()) {
            return List.of();
        }
        return new SearchParser(filter.get()).filter();
    }

    /** Parses one ORDER BY term such as {@code metrics.`m 1` DESC}. */
    public static OrderBy parseOrderBy(String term) {
        SearchParser parser = new SearchParser(term);
        parser.skipSpaces();
        if (parser.atEnd()) {
            throw SlipwayException.invalidParameter("Invalid order_by clause '%s'", term);
        }
        Identifier identifier = parser.identifier();
        parser.skipSpaces();
        boolean ascending = true;
        if (!parser.atEnd()) {
            String word = parser.word().toUpperCase(Locale.ROOT);
            if (word.equals("DESC")) {
                ascending = false;
            } else if (!word.equals("ASC")) {
                throw SlipwayException.invalidParameter(
                        "Invalid order_by clause '%s'. Order by direction must be ASC or DESC", term);
            }
            parser.skipSpaces();
            if (!parser.atEnd()) {
                throw SlipwayException.invalidParameter("Invalid order_by clause '%s'", term);
            }
        }
        return new OrderBy(identifier.type(), identifier.key(), ascending);
    }

    private record Identifier(EntityType type, String key) {}

    private List<Comparison> filter() {
        List<Comparison> clauses = new ArrayList<>();
        while (true) {
            skipSpaces();
            clauses.add(clause());
            skipSpaces();
            if (atEnd()) {
                return List.copyOf(clauses);
            }
            int before = position;
            String word = peekWord();
            if (!word.equalsIgnoreCase("AND")) {
                throw invalidClause(before);
            }
            position += word.length();
        }
    }

    private Comparison clause() {
        int start = position;
        if (atEnd() || input.charAt(position) == '(' || input.charAt(position) == ')') {
            throw invalidClause(start);
        }
        Identifier identifier = identifier();
        skipSpaces();
        Operator operator = operator(start);
        skipSpaces();
        Literal value = literal(operator, start);
        return new Comparison(identifier.type(), identifier.key(), operator, value);
    }

    private Identifier identifier() {
        char first = input.charAt(position);
        if (first == '"' || first == '`') {
            // A fully quoted identifier such as "attributes.start_time" or `run name`.
            String quoted = quoted(first);
            int dot = quoted.indexOf('.');
            if (dot > 0) {
                Optional<EntityType> type = EntityType.fromPrefix(quoted.substring(0, dot));
                if (type.isPresent()) {
                    return new Identifier(type.get(), quoted.substring(dot + 1));
                }
            }
            return new Identifier(EntityType.ATTRIBUTE, quoted);
        }
        int start = position;
        while (!atEnd() && isWordChar(input.charAt(position))) {
            position++;
        }
        if (start == position) {
            throw SlipwayException.invalidParameter(
                    "Invalid filter string '%s': expected an identifier at position %d", input, start);
        }
        String head = input.substring(start, position);
        if (atEnd() || input.charAt(position) != '.') {
            return new Identifier(EntityType.ATTRIBUTE, head);
        }
        Optional<EntityType> type = EntityType.fromPrefix(head);
        if (type.isEmpty()) {
            throw SlipwayException.invalidParameter(
                    "Invalid entity type '%s'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']",
                    head);
        }
        position++; // the dot
        if (atEnd()) {
            throw SlipwayException.invalidParameter("Invalid filter string '%s': missing key after '%s.'", input, head);
        }
        char quote = input.charAt(position);
        if (quote == '"' || quote == '`' || quote == '\'') {
            return new Identifier(type.get(), quoted(quote));
        }
        int keyStart = position;
        while (!atEnd() && isKeyChar(input.charAt(position))) {
            position++;
        }
        if (keyStart == position) {
            throw SlipwayException.invalidParameter("Invalid filter string '%s': missing key after '%s.'", input, head);
        }
        return new Identifier(type.get(), input.substring(keyStart, position));
    }

    private Operator operator(int clauseStart) {
        if (atEnd()) {
            throw invalidClause(clauseStart);
        }
        char c = input.charAt(position);
        switch (c) {
            case '=':
                position++;
                if (!atEnd() && input.charAt(position) == '=') {
                    position++;
                }
                return Operator.EQ;
            case '!':
                if (position + 1 < input.length() && input.charAt(position + 1) == '=') {
                    position += 2;
                    return Operator.NE;
                }
                throw invalidClause(clauseStart);
            case '<':
                position++;
                if (!atEnd() && input.charAt(position) == '=') {
                    position++;
                    return Operator.LE;
                }
                if (!atEnd() && input.charAt(position) == '>') {
                    position++;
                    return Operator.NE;
                }
                return Operator.LT;
            case '>':
                position++;
                if (!atEnd() && input.charAt(position) == '=') {
                    position++;
                    return Operator.GE;
                }
                return Operator.GT;
            default:
                break;
        }
        String word = word().toUpperCase(Locale.ROOT);
        switch (word) {
            case "LIKE":
                return Operator.LIKE;
            case "ILIKE":
                return Operator.ILIKE;
            case "IN":
                return Operator.IN;
            case "NOT":
                skipSpaces();
                if (word().equalsIgnoreCase("IN")) {
                    return Operator.NOT_IN;
                }
                throw invalidClause(clauseStart);
            default:
                throw SlipwayException.invalidParameter(
                        "Invalid comparator '%s' in filter string '%s'. Valid comparators are "
                                + "'=', '!=', '>', '>=', '<', '<=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'",
                        word, input);
        }
    }

    private Literal literal(Operator operator, int clauseStart) {
        if (atEnd()) {
            throw invalidClause(clauseStart);
        }
        char c = input.charAt(position);
        if (operator == Operator.IN || operator == Operator.NOT_IN) {
            if (c != '(') {
                throw SlipwayException.invalidParameter(
                        "While parsing a list in the query, expected a non-empty list of string values, but got '%s'",
                        input.substring(position));
            }
            position++;
            List<String> values = new ArrayList<>();
            while (true) {
                skipSpaces();
                if (atEnd()) {
                    throw invalidClause(clauseStart);
                }
                char quote = input.charAt(position);
                if (quote != '\'' && quote != '"') {
                    throw SlipwayException.invalidParameter(
                            "While parsing a list in the query, expected string value, punctuation, or whitespace, "
                                    + "but got '%s'", input.substring(position));
                }
                values.add(quoted(quote));
                skipSpaces();
                if (atEnd()) {
                    throw invalidClause(clauseStart);
                }
                char next = input.charAt(position++);
                if (next == ')') {
                    return new Literal.TextList(values);
                }
                if (next != ',') {
                    throw invalidClause(clauseStart);
                }
            }
        }
        if (c == '\'' || c == '"') {
            return new Literal.Text(quoted(c));
        }
        int start = position;
        while (!atEnd() && isNumberChar(input.charAt(position))) {
            position++;
        }
        String text = input.substring(start, position);
        if (text.isEmpty()) {
            throw invalidClause(clauseStart);
        }
        try {
            return new Literal.Number(Double.parseDouble(text), text);
        } catch (NumberFormatException e) {
            throw SlipwayException.invalidParameter(
                    "Expected numeric value type for numeric comparison but got '%s' in filter string '%s'", text, input);
        }
    }

    private String quoted(char quote) {
        int start = position;
        position++;
        StringBuilder value = new StringBuilder();
        while (true) {
            if (atEnd()) {
                throw SlipwayException.invalidParameter(
                        "Invalid filter string '%s': unterminated quote starting at position %d", input, start);
            }
            char c = input.charAt(position++);
            if (c == quote) {
                // SQL-style doubled quote inside a quoted value.
                if (!atEnd() && input.charAt(position) == quote) {
                    value.append(quote);
                    position++;
                    continue;
                }
                return value.toString();
            }
            value.append(c);
        }
    }

    private String word() {
        int start = position;
        while (!atEnd() && Character.isLetter(input.charAt(position))) {
            position++;
        }
        return input.substring(start, position);
    }

    private String peekWord() {
        int end = position;
        while (end < input.length() && Character.isLetter(input.charAt(end))) {
            end++;
        }
        return input.substring(position, end);
    }

    private SlipwayException invalidClause(int start) {
        return SlipwayException.invalidParameter("Invalid clause(s) in filter string: '%s'", input.substring(start).trim());
    }

    private void skipSpaces() {
        while (!atEnd() && Character.isWhitespace(input.charAt(position))) {
            position++;
        }
    }

    private boolean atEnd() {
        return position >= input.length();
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    private static boolean isKeyChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-' || c == '/' || c == ':';
    }

    private static boolean isNumberChar(char c) {
        return Character.isDigit(c) || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E';
    }
}
