package dev.slipway.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small TOML reader for params and metrics files: tables ({@code [a.b]}), arrays of tables ({@code [[a]]}), bare,
 * quoted and dotted keys, basic and literal strings (one line, and multi-line basic/literal strings), integers
 * (with {@code _}, hex, octal, binary), floats (with {@code inf}/{@code nan}), booleans, arrays and inline tables.
 * Dates and times are kept as their text. Used for params files (by the engine) and metrics files (by the
 * reports). Not thread-safe; use {@link #parse}.
 */
public final class Toml {
    private final String text;
    private int position;

    private Toml(String text) {
        this.text = text;
    }

    /**
     * The document as nested maps, lists and leaves.
     *
     * @throws SyntaxError naming the line when the text is not TOML this reader understands
     */
    public static Map<String, Object> parse(String text) {
        return new Toml(text.replace("\r\n", "\n")).document();
    }

    /** Text that is not TOML this reader understands, at a 1-based line. */
    public static final class SyntaxError extends IllegalArgumentException {
        private final int line;
        private final String reason;

        SyntaxError(int line, String reason) {
            super("TOML line " + line + ": " + reason);
            this.line = line;
            this.reason = reason;
        }

        public int line() {
            return line;
        }

        public String reason() {
            return reason;
        }
    }

    private Map<String, Object> document() {
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> current = root;
        while (true) {
            skipBlankAndComments();
            if (position >= text.length()) {
                return root;
            }
            if (text.startsWith("[[", position)) {
                position += 2;
                List<String> path = keyPath();
                expect("]]");
                Map<String, Object> parent = table(root, path.subList(0, path.size() - 1));
                Object existing = parent.computeIfAbsent(path.get(path.size() - 1), key -> new ArrayList<>());
                if (!(existing instanceof List<?>)) {
                    throw error("'" + String.join(".", path) + "' is not an array of tables");
                }
                Map<String, Object> table = new LinkedHashMap<>();
                @SuppressWarnings("unchecked")
                List<Object> list = (List<Object>) existing;
                list.add(table);
                current = table;
            } else if (text.charAt(position) == '[') {
                position++;
                List<String> path = keyPath();
                expect("]");
                current = table(root, path);
            } else {
                keyValue(current);
            }
            endOfLine();
        }
    }

    private void keyValue(Map<String, Object> into) {
        List<String> path = keyPath();
        expect("=");
        skipSpaces();
        Object value = value();
        Map<String, Object> table = table(into, path.subList(0, path.size() - 1));
        table.put(path.get(path.size() - 1), value);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> table(Map<String, Object> from, List<String> path) {
        Map<String, Object> table = from;
        for (String key : path) {
            Object next = table.computeIfAbsent(key, name -> new LinkedHashMap<String, Object>());
            if (next instanceof List<?> list && !list.isEmpty() && list.get(list.size() - 1) instanceof Map<?, ?>) {
                next = list.get(list.size() - 1);
            }
            if (!(next instanceof Map<?, ?>)) {
                throw error("'" + key + "' is not a table");
            }
            table = (Map<String, Object>) next;
        }
        return table;
    }

    private List<String> keyPath() {
        List<String> keys = new ArrayList<>();
        while (true) {
            skipSpaces();
            keys.add(key());
            skipSpaces();
            if (position < text.length() && text.charAt(position) == '.') {
                position++;
            } else {
                return keys;
            }
        }
    }

    private String key() {
        if (position >= text.length()) {
            throw error("a key is missing");
        }
        char first = text.charAt(position);
        if (first == '"' || first == '\'') {
            return (String) value();
        }
        int start = position;
        while (position < text.length() && isBareKeyChar(text.charAt(position))) {
            position++;
        }
        if (start == position) {
            throw error("unexpected '" + first + "'");
        }
        return text.substring(start, position);
    }

    private static boolean isBareKeyChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '-';
    }

    private Object value() {
        if (position >= text.length()) {
            throw error("a value is missing");
        }
        char c = text.charAt(position);
        if (text.startsWith("\"\"\"", position)) {
            return multiLine("\"\"\"", true);
        }
        if (text.startsWith("'''", position)) {
            return multiLine("'''", false);
        }
        if (c == '"') {
            return basicString();
        }
        if (c == '\'') {
            int end = text.indexOf('\'', position + 1);
            if (end < 0 || text.substring(position, end).contains("\n")) {
                throw error("unterminated string");
            }
            String value = text.substring(position + 1, end);
            position = end + 1;
            return value;
        }
        if (c == '[') {
            position++;
            List<Object> list = new ArrayList<>();
            while (true) {
                skipBlankAndComments();
                if (position < text.length() && text.charAt(position) == ']') {
                    position++;
                    return list;
                }
                list.add(value());
                skipBlankAndComments();
                if (position < text.length() && text.charAt(position) == ',') {
                    position++;
                } else {
                    skipBlankAndComments();
                    expect("]");
                    return list;
                }
            }
        }
        if (c == '{') {
            position++;
            Map<String, Object> table = new LinkedHashMap<>();
            skipSpaces();
            if (position < text.length() && text.charAt(position) == '}') {
                position++;
                return table;
            }
            while (true) {
                keyValue(table);
                skipSpaces();
                if (position < text.length() && text.charAt(position) == ',') {
                    position++;
                } else {
                    expect("}");
                    return table;
                }
            }
        }
        int start = position;
        while (position < text.length() && ",]}\n#".indexOf(text.charAt(position)) < 0) {
            position++;
        }
        return scalar(text.substring(start, position).strip());
    }

    private Object scalar(String token) {
        switch (token) {
            case "true":
                return Boolean.TRUE;
            case "false":
                return Boolean.FALSE;
            case "inf": case "+inf":
                return Double.POSITIVE_INFINITY;
            case "-inf":
                return Double.NEGATIVE_INFINITY;
            case "nan": case "+nan": case "-nan":
                return Double.NaN;
            default:
                break;
        }
        String digits = token.replace("_", "");
        try {
            if (digits.startsWith("0x")) {
                return narrow(Long.parseLong(digits.substring(2), 16));
            }
            if (digits.startsWith("0o")) {
                return narrow(Long.parseLong(digits.substring(2), 8));
            }
            if (digits.startsWith("0b")) {
                return narrow(Long.parseLong(digits.substring(2), 2));
            }
            if (digits.matches("[+-]?\\d+")) {
                return narrow(Long.parseLong(digits));
            }
            if (digits.matches("[+-]?\\d+(\\.\\d+)?([eE][+-]?\\d+)?")) {
                return Double.parseDouble(digits);
            }
        } catch (NumberFormatException e) {
            throw error("bad number '" + token + "'");
        }
        if (token.matches("\\d{4}-\\d{2}-\\d{2}.*|\\d{2}:\\d{2}.*")) {
            return token;
        }
        throw error("unexpected value '" + token + "'");
    }

    private String basicString() {
        StringBuilder value = new StringBuilder();
        position++;
        while (true) {
            if (position >= text.length() || text.charAt(position) == '\n') {
                throw error("unterminated string");
            }
            char c = text.charAt(position++);
            if (c == '"') {
                return value.toString();
            }
            if (c == '\\') {
                escape(value);
            } else {
                value.append(c);
            }
        }
    }

    private String multiLine(String quote, boolean escapes) {
        position += 3;
        if (position < text.length() && text.charAt(position) == '\n') {
            position++;
        }
        StringBuilder value = new StringBuilder();
        while (true) {
            if (position >= text.length()) {
                throw error("unterminated string");
            }
            if (text.startsWith(quote, position)) {
                position += 3;
                return value.toString();
            }
            char c = text.charAt(position++);
            if (escapes && c == '\\') {
                if (position < text.length() && Character.isWhitespace(text.charAt(position))) {
                    while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
                        position++;
                    }
                } else {
                    escape(value);
                }
            } else {
                value.append(c);
            }
        }
    }

    private void escape(StringBuilder value) {
        if (position >= text.length()) {
            throw error("unterminated escape");
        }
        char c = text.charAt(position++);
        switch (c) {
            case 'n' -> value.append('\n');
            case 't' -> value.append('\t');
            case 'r' -> value.append('\r');
            case 'b' -> value.append('\b');
            case 'f' -> value.append('\f');
            case '"' -> value.append('"');
            case '\\' -> value.append('\\');
            case 'u', 'U' -> {
                int length = c == 'u' ? 4 : 8;
                if (position + length > text.length()) {
                    throw error("bad unicode escape");
                }
                value.appendCodePoint(Integer.parseInt(text.substring(position, position + length), 16));
                position += length;
            }
            default -> throw error("bad escape '\\" + c + "'");
        }
    }

    private void expect(String token) {
        skipSpaces();
        if (!text.startsWith(token, position)) {
            throw error("expected '" + token + "'");
        }
        position += token.length();
    }

    private void endOfLine() {
        skipSpaces();
        if (position < text.length() && text.charAt(position) == '#') {
            while (position < text.length() && text.charAt(position) != '\n') {
                position++;
            }
        }
        if (position < text.length() && text.charAt(position) != '\n') {
            throw error("unexpected text after a value");
        }
    }

    private void skipSpaces() {
        while (position < text.length() && (text.charAt(position) == ' ' || text.charAt(position) == '\t')) {
            position++;
        }
    }

    private void skipBlankAndComments() {
        while (position < text.length()) {
            char c = text.charAt(position);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                position++;
            } else if (c == '#') {
                while (position < text.length() && text.charAt(position) != '\n') {
                    position++;
                }
            } else {
                return;
            }
        }
    }

    /** An Integer when the value fits, as the YAML and JSON readers give small integers; a Long otherwise. */
    private static Number narrow(long value) {
        if (value == (int) value) {
            return Integer.valueOf((int) value);
        }
        return Long.valueOf(value);
    }

    private SyntaxError error(String message) {
        int line = 1;
        for (int i = 0; i < Math.min(position, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return new SyntaxError(line, message);
    }
}
