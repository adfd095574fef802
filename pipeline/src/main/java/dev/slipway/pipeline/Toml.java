package dev.slipway.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A minimal TOML reader for params files: {@code [table]} and {@code [a.b]} headers, {@code key = value} with
 * basic and literal strings, integers, floats, booleans and (nested) arrays, dotted and quoted keys, comments.
 */
final class Toml {
    private final String text;
    private final String file;
    private int position;
    private int line = 1;

    private Toml(String text, String file) {
        this.text = text;
        this.file = file;
    }

    /** @throws dev.slipway.core.SlipwayException INVALID_PARAMETER_VALUE naming the file and line */
    static Map<String, Object> parse(String text, String file) {
        return new Toml(text, file).document();
    }

    private Map<String, Object> document() {
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> table = root;
        while (true) {
            skipBlankAndComments();
            if (position >= text.length()) {
                return root;
            }
            if (text.charAt(position) == '[') {
                position++;
                boolean arrayOfTables = peek('[');
                if (arrayOfTables) {
                    position++;
                }
                List<String> keys = keyPath();
                expect(']');
                if (arrayOfTables) {
                    expect(']');
                }
                table = arrayOfTables ? appendTable(root, keys) : tableAt(root, keys);
            } else {
                List<String> keys = keyPath();
                skipSpaces();
                expect('=');
                skipSpaces();
                Object value = value();
                Map<String, Object> target = tableAt(table, keys.subList(0, keys.size() - 1));
                target.put(keys.get(keys.size() - 1), value);
            }
            skipSpaces();
            if (position < text.length() && text.charAt(position) == '#') {
                skipComment();
            }
            if (position < text.length() && text.charAt(position) != '\n' && text.charAt(position) != '\r') {
                throw error("unexpected '%s' after a value", text.charAt(position));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> tableAt(Map<String, Object> root, List<String> keys) {
        Map<String, Object> current = root;
        for (String key : keys) {
            Object child = current.computeIfAbsent(key, name -> new LinkedHashMap<String, Object>());
            if (child instanceof List<?> list && !list.isEmpty() && list.get(list.size() - 1) instanceof Map<?, ?>) {
                child = list.get(list.size() - 1);
            }
            if (!(child instanceof Map<?, ?>)) {
                throw error("key '%s' is already a value, not a table", key);
            }
            current = (Map<String, Object>) child;
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> appendTable(Map<String, Object> root, List<String> keys) {
        Map<String, Object> parent = tableAt(root, keys.subList(0, keys.size() - 1));
        Object existing = parent.computeIfAbsent(keys.get(keys.size() - 1), name -> new ArrayList<Object>());
        if (!(existing instanceof List<?>)) {
            throw error("key '%s' is not an array of tables", keys.get(keys.size() - 1));
        }
        Map<String, Object> table = new LinkedHashMap<>();
        ((List<Object>) existing).add(table);
        return table;
    }

    private List<String> keyPath() {
        List<String> keys = new ArrayList<>();
        while (true) {
            skipSpaces();
            keys.add(key());
            skipSpaces();
            if (!peek('.')) {
                return keys;
            }
            position++;
        }
    }

    private String key() {
        if (peek('"')) {
            return basicString();
        }
        if (peek('\'')) {
            return literalString();
        }
        int start = position;
        while (position < text.length()) {
            char c = text.charAt(position);
            if (!(Character.isLetterOrDigit(c) || c == '_' || c == '-')) {
                break;
            }
            position++;
        }
        if (start == position) {
            throw error("expected a key");
        }
        return text.substring(start, position);
    }

    private Object value() {
        if (position >= text.length()) {
            throw error("expected a value");
        }
        char c = text.charAt(position);
        if (c == '"') {
            return basicString();
        }
        if (c == '\'') {
            return literalString();
        }
        if (c == '[') {
            position++;
            List<Object> items = new ArrayList<>();
            while (true) {
                skipBlankAndComments();
                if (peek(']')) {
                    position++;
                    return items;
                }
                items.add(value());
                skipBlankAndComments();
                if (peek(',')) {
                    position++;
                } else {
                    skipBlankAndComments();
                    expect(']');
                    return items;
                }
            }
        }
        if (c == '{') {
            position++;
            Map<String, Object> table = new LinkedHashMap<>();
            skipSpaces();
            if (peek('}')) {
                position++;
                return table;
            }
            while (true) {
                List<String> keys = keyPath();
                skipSpaces();
                expect('=');
                skipSpaces();
                Object item = value();
                tableAt(table, keys.subList(0, keys.size() - 1)).put(keys.get(keys.size() - 1), item);
                skipSpaces();
                if (peek(',')) {
                    position++;
                    continue;
                }
                expect('}');
                return table;
            }
        }
        int start = position;
        while (position < text.length() && ",]}#\n\r".indexOf(text.charAt(position)) < 0) {
            position++;
        }
        String word = text.substring(start, position).strip();
        switch (word) {
            case "true" -> {
                return Boolean.TRUE;
            }
            case "false" -> {
                return Boolean.FALSE;
            }
            case "inf", "+inf" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf" -> {
                return Double.NEGATIVE_INFINITY;
            }
            case "nan", "+nan", "-nan" -> {
                return Double.NaN;
            }
            default -> {
                // fall through to numbers
            }
        }
        String number = word.replace("_", "");
        try {
            if (number.startsWith("0x")) {
                return Long.parseLong(number.substring(2), 16);
            }
            if (number.matches("[-+]?[0-9]+")) {
                long parsed = Long.parseLong(number.startsWith("+") ? number.substring(1) : number);
                if (parsed == (int) parsed) {
                    return Integer.valueOf((int) parsed);
                }
                return Long.valueOf(parsed);
            }
            if (number.matches("[-+]?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?")) {
                return Double.parseDouble(number);
            }
        } catch (NumberFormatException e) {
            throw error("bad number '%s'", word);
        }
        throw error("unsupported value '%s'", word);
    }

    private String basicString() {
        if (text.startsWith("\"\"\"", position)) {
            position += 3;
            if (peek('\n')) {
                position++;
                line++;
            }
            int end = text.indexOf("\"\"\"", position);
            if (end < 0) {
                throw error("unterminated string");
            }
            String raw = text.substring(position, end);
            line += (int) raw.chars().filter(ch -> ch == '\n').count();
            position = end + 3;
            return unescape(raw);
        }
        position++;
        StringBuilder raw = new StringBuilder();
        while (true) {
            if (position >= text.length() || text.charAt(position) == '\n') {
                throw error("unterminated string");
            }
            char c = text.charAt(position++);
            if (c == '"') {
                return unescape(raw.toString());
            }
            raw.append(c);
            if (c == '\\' && position < text.length()) {
                raw.append(text.charAt(position++));
            }
        }
    }

    private String unescape(String raw) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '\\' || i + 1 >= raw.length()) {
                out.append(c);
                continue;
            }
            char next = raw.charAt(++i);
            switch (next) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case '"' -> out.append('"');
                case '\\' -> out.append('\\');
                case 'u' -> {
                    out.append((char) Integer.parseInt(raw.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                case 'U' -> {
                    out.appendCodePoint(Integer.parseInt(raw.substring(i + 1, i + 9), 16));
                    i += 8;
                }
                default -> throw error("bad escape '\\%s'", next);
            }
        }
        return out.toString();
    }

    private String literalString() {
        if (text.startsWith("'''", position)) {
            position += 3;
            int end = text.indexOf("'''", position);
            if (end < 0) {
                throw error("unterminated string");
            }
            String raw = text.substring(position, end);
            line += (int) raw.chars().filter(ch -> ch == '\n').count();
            position = end + 3;
            return raw.startsWith("\n") ? raw.substring(1) : raw;
        }
        position++;
        int end = text.indexOf('\'', position);
        int newline = text.indexOf('\n', position);
        if (end < 0 || (newline >= 0 && newline < end)) {
            throw error("unterminated string");
        }
        String value = text.substring(position, end);
        position = end + 1;
        return value;
    }

    private void skipBlankAndComments() {
        while (position < text.length()) {
            char c = text.charAt(position);
            if (c == '\n') {
                line++;
                position++;
            } else if (c == ' ' || c == '\t' || c == '\r') {
                position++;
            } else if (c == '#') {
                skipComment();
            } else {
                return;
            }
        }
    }

    private void skipComment() {
        while (position < text.length() && text.charAt(position) != '\n') {
            position++;
        }
    }

    private void skipSpaces() {
        while (position < text.length() && (text.charAt(position) == ' ' || text.charAt(position) == '\t')) {
            position++;
        }
    }

    private boolean peek(char c) {
        return position < text.length() && text.charAt(position) == c;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw error("expected '%s'", c);
        }
        position++;
    }

    private RuntimeException error(String format, Object... args) {
        return PipelineError.at(file, line, Optional.empty(), "cannot parse TOML: " + format, args);
    }
}
