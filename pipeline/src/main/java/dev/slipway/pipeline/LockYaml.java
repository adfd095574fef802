package dev.slipway.pipeline;

import dev.slipway.data.YamlEmitter;
import java.util.List;
import java.util.Map;

/**
 * Block YAML as DVC's ruamel dumper writes {@code dvc.lock} and run-cache entries: 2-space indents, list dashes at
 * the parent key's column, scalars quoted only when they would read back as something else, plain and
 * single-quoted scalars folded at spaces once a line passes 80 columns (continuing 2 columns right of the key or
 * dash), multi-line strings single-quoted with each line break written as an empty line, {@code null} as nothing.
 */
final class LockYaml {
    private static final int WIDTH = 80;
    private static final java.util.regex.Pattern YAML_11_BOOLEANS =
            java.util.regex.Pattern.compile("(?i)yes|no|on|off|y|n");

    private LockYaml() {}

    static String toYaml(Map<String, Object> document) {
        StringBuilder out = new StringBuilder();
        document.forEach((key, value) -> entry(out, 0, key, value));
        return out.toString();
    }

    private static void entry(StringBuilder out, int indent, String key, Object value) {
        out.append(" ".repeat(indent)).append(quote(key)).append(':');
        if (value instanceof Map<?, ?> map && !map.isEmpty()) {
            out.append('\n');
            map.forEach((childKey, child) -> entry(out, indent + 2, String.valueOf(childKey), child));
        } else if (value instanceof List<?> list && !list.isEmpty()) {
            out.append('\n');
            list.forEach(item -> listItem(out, indent, item));
        } else {
            scalar(out, value, indent + 2);
            out.append('\n');
        }
    }

    private static void listItem(StringBuilder out, int indent, Object item) {
        out.append(" ".repeat(indent)).append('-');
        if (item instanceof Map<?, ?> map && !map.isEmpty()) {
            boolean first = true;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (first) {
                    StringBuilder child = new StringBuilder();
                    entry(child, indent + 2, String.valueOf(entry.getKey()), entry.getValue());
                    out.append(' ').append(child, indent + 2, child.length());
                    first = false;
                } else {
                    entry(out, indent + 2, String.valueOf(entry.getKey()), entry.getValue());
                }
            }
        } else if (item instanceof List<?> list && !list.isEmpty()) {
            StringBuilder child = new StringBuilder();
            list.forEach(nested -> listItem(child, indent + 2, nested));
            out.append(' ').append(child, indent + 2, child.length());
        } else {
            scalar(out, item, indent + 2);
            out.append('\n');
        }
    }

    /** Writes {@code " value"} (or nothing for null) after a key or dash. */
    private static void scalar(StringBuilder out, Object value, int continuation) {
        if (value == null) {
            return;
        }
        out.append(' ');
        if (value instanceof Map<?, ?>) {
            out.append("{}");
        } else if (value instanceof List<?>) {
            out.append("[]");
        } else if (value instanceof Boolean || value instanceof Number) {
            out.append(value);
        } else {
            string(out, value.toString(), continuation);
        }
    }

    private static void string(StringBuilder out, String text, int continuation) {
        if (text.indexOf('\n') >= 0 && singleQuotable(text)) {
            folded(out, text, continuation, true);
            return;
        }
        String quoted = quote(text);
        if (quoted.equals(text)) {
            folded(out, text, continuation, false);
        } else if (quoted.startsWith("'")) {
            folded(out, text, continuation, true);
        } else {
            out.append(quoted);
        }
    }

    /**
     * The scalar as written: plain when it reads back as the same string under YAML 1.2, which ruamel uses, where
     * {@code yes}, {@code no}, {@code on}, {@code off}, {@code y} and {@code n} are strings (YamlEmitter quotes them as
     * YAML 1.1 would).
     */
    private static String quote(String text) {
        return YAML_11_BOOLEANS.matcher(text).matches() ? text : YamlEmitter.scalar(text);
    }

    /** A multi-line string the emitter single-quotes: no control character but line breaks, no space beside a break. */
    private static boolean singleQuotable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 && c != '\n') || c == 0x7f || c == '\uFEFF') {
                return false;
            }
        }
        return !text.contains(" \n") && !text.contains("\n ");
    }

    private static void folded(StringBuilder out, String text, int indent, boolean quoted) {
        int column = out.length() - out.lastIndexOf("\n") - 1;
        if (quoted) {
            out.append('\'');
            column++;
        }
        int length = text.length();
        int start = 0;
        boolean spaces = false;
        boolean breaks = false;
        for (int end = 0; end <= length; end++) {
            boolean atEnd = end == length;
            char c = atEnd ? 0 : text.charAt(end);
            if (spaces) {
                if (atEnd || c != ' ') {
                    boolean split = start + 1 == end && column > WIDTH && (!quoted || (start != 0 && end != length));
                    if (split) {
                        out.append('\n').append(" ".repeat(indent));
                        column = indent;
                    } else {
                        out.append(text, start, end);
                        column += end - start;
                    }
                    start = end;
                }
            } else if (breaks) {
                if (atEnd || c != '\n') {
                    out.append('\n');
                    for (int i = start; i < end; i++) {
                        out.append('\n');
                    }
                    out.append(" ".repeat(indent));
                    column = indent;
                    start = end;
                }
            } else if ((atEnd || c == ' ' || c == '\n' || (quoted && c == '\'')) && start < end) {
                out.append(text, start, end);
                column += end - start;
                start = end;
            }
            if (quoted && c == '\'' && !atEnd) {
                out.append("''");
                column += 2;
                start = end + 1;
            }
            if (!atEnd) {
                spaces = c == ' ';
                breaks = c == '\n';
            }
        }
        if (quoted) {
            out.append('\'');
        }
    }
}
