package dev.slipway.data;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Block-style YAML the way DVC's ruamel dumper writes it: 2-space mapping indent, list dashes at the
 * parent key's column, non-ASCII written raw, and scalars that would read back as something other
 * than a string single-quoted.
 */
public final class YamlEmitter {
    private static final Pattern NON_STRING = Pattern.compile(
            "(?i)(~|null|true|false|yes|no|on|off|y|n)"
                    + "|[-+]?[0-9][0-9_]*"
                    + "|[-+]?0[0-7_]+|[-+]?0x[0-9a-f_]+|[-+]?0o[0-7]+|[-+]?0b[01_]+"
                    + "|[-+]?([0-9][0-9_]*)?\\.[0-9_]*([e][-+]?[0-9]+)?"
                    + "|[-+]?[0-9][0-9_]*([.][0-9_]*)?[e][-+]?[0-9]+"
                    + "|[-+]?\\.(inf)|\\.nan"
                    + "|[0-9]+(:[0-5]?[0-9])+(\\.[0-9_]*)?"
                    + "|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?");

    private YamlEmitter() {}

    /** Appends {@code key: value} at {@code indent}; maps and lists nest in block style. */
    public static void entry(StringBuilder out, int indent, String key, Object value) {
        out.append(" ".repeat(indent)).append(scalar(key)).append(':');
        if (value instanceof Map<?, ?> map && !map.isEmpty()) {
            out.append('\n');
            map.forEach((childKey, child) -> entry(out, indent + 2, String.valueOf(childKey), child));
        } else if (value instanceof List<?> list && !list.isEmpty()) {
            out.append('\n');
            for (Object item : list) {
                listItem(out, indent, item);
            }
        } else {
            out.append(' ').append(inline(value)).append('\n');
        }
    }

    public static void listItem(StringBuilder out, int indent, Object item) {
        listItem(out, indent, item, Map.of());
    }

    /**
     * A list item; when it is a mapping, {@code commentsBefore} gives the comment lines to write before each of its
     * keys (and, under {@code "-"}, before the item), written verbatim.
     */
    static void listItem(StringBuilder out, int indent, Object item, Map<String, String> commentsBefore) {
        out.append(commentsBefore.getOrDefault("-", ""));
        if (item instanceof Map<?, ?> map && !map.isEmpty()) {
            boolean first = true;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String key = String.valueOf(entry.getKey());
                out.append(commentsBefore.getOrDefault(key, ""));
                if (first) {
                    out.append(" ".repeat(indent)).append("- ");
                }
                StringBuilder child = new StringBuilder();
                entry(child, indent + 2, key, entry.getValue());
                out.append(first ? child.substring(indent + 2) : child);
                first = false;
            }
        } else {
            out.append(" ".repeat(indent)).append("- ").append(inline(item)).append('\n');
        }
    }

    private static String inline(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Map<?, ?>) {
            return "{}";
        }
        if (value instanceof List<?>) {
            return "[]";
        }
        if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
            return value.toString();
        }
        if (value instanceof Number) {
            return value.toString();
        }
        return scalar(value.toString());
    }

    /** A string scalar, plain when it reads back as the same string, single-quoted otherwise. */
    public static String scalar(String text) {
        if (hasControlCharacters(text)) {
            return doubleQuoted(text);
        }
        return needsQuotes(text) ? "'" + text.replace("'", "''") + "'" : text;
    }

    private static boolean hasControlCharacters(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\uFEFF') {
                return true;
            }
        }
        return false;
    }

    /** A double-quoted scalar: a single-quoted one would fold its line breaks into spaces when read back. */
    private static String doubleQuoted(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> quoted.append("\\n");
                case '\t' -> quoted.append("\\t");
                case '\r' -> quoted.append("\\r");
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == '\uFEFF') {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }

    private static boolean needsQuotes(String text) {
        if (text.isEmpty() || NON_STRING.matcher(text).matches()) {
            return true;
        }
        char first = text.charAt(0);
        if ("-?:,[]{}#&*!|>'\"%@`".indexOf(first) >= 0 || Character.isWhitespace(first)
                || Character.isWhitespace(text.charAt(text.length() - 1))) {
            return true;
        }
        if (text.contains(": ") || text.contains(" #") || text.endsWith(":")) {
            return true;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\uFEFF') {
                return true;
            }
        }
        return false;
    }
}
