package dev.slipway.models.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Writes maps, lists and scalars as block YAML the way PyYAML's {@code safe_dump(...,
 * default_flow_style=False)} does for MLflow: keys sorted, list items at their key's indentation,
 * and a string quoted whenever PyYAML would read it back as something else (a number, a boolean,
 * a null, a timestamp), so that MLflow's Python loader sees the same values Slipway wrote.
 */
final class YamlEmitter {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_/][A-Za-z0-9_./\\-=<>+@~]*");
    private static final Set<String> RESERVED = Set.of("y", "n", "yes", "no", "on", "off", "true", "false", "null",
            "nan", "inf");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StringBuilder out = new StringBuilder();

    private YamlEmitter() {}

    static String write(Map<String, ?> document) {
        YamlEmitter emitter = new YamlEmitter();
        emitter.mapBody(document, 0);
        return emitter.out.toString();
    }

    private void mapBody(Map<String, ?> map, int indent) {
        for (Map.Entry<String, ?> entry : new TreeMap<>(map).entrySet()) {
            indent(indent);
            out.append(scalar(entry.getKey())).append(':');
            Object value = entry.getValue();
            if (value instanceof Map<?, ?> nested && !nested.isEmpty()) {
                out.append('\n');
                mapBody(castMap(nested), indent + 2);
            } else if (value instanceof List<?> list && !list.isEmpty()) {
                out.append('\n');
                listBody(list, indent);
            } else {
                out.append(' ').append(inline(value)).append('\n');
            }
        }
    }

    private void listBody(List<?> list, int indent) {
        for (Object item : list) {
            indent(indent);
            out.append("- ");
            if (item instanceof Map<?, ?> nested && !nested.isEmpty()) {
                Map<String, ?> map = castMap(nested);
                boolean first = true;
                for (Map.Entry<String, ?> entry : new TreeMap<>(map).entrySet()) {
                    if (!first) {
                        indent(indent + 2);
                    }
                    first = false;
                    Object value = entry.getValue();
                    out.append(scalar(entry.getKey())).append(':');
                    if (value instanceof Map<?, ?> inner && !inner.isEmpty()) {
                        out.append('\n');
                        mapBody(castMap(inner), indent + 4);
                    } else if (value instanceof List<?> innerList && !innerList.isEmpty()) {
                        out.append('\n');
                        listBody(innerList, indent + 2);
                    } else {
                        out.append(' ').append(inline(value)).append('\n');
                    }
                }
            } else {
                out.append(inline(item)).append('\n');
            }
        }
    }

    private static String inline(Object value) {
        if (value instanceof Map<?, ?> map && map.isEmpty()) {
            return "{}";
        }
        if (value instanceof List<?> list && list.isEmpty()) {
            return "[]";
        }
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            try {
                return JSON.writeValueAsString(value);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("Cannot write value as YAML: " + value, e);
            }
        }
        return scalar(value);
    }

    static String scalar(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Boolean bool) {
            return bool.toString();
        }
        if (value instanceof Double number) {
            if (number.isNaN()) {
                return ".nan";
            }
            if (number.isInfinite()) {
                return number > 0 ? ".inf" : "-.inf";
            }
            return number.toString();
        }
        if (value instanceof Float number) {
            return scalar(number.doubleValue());
        }
        if (value instanceof Number number) {
            return number.toString();
        }
        String text = value.toString();
        if (PLAIN.matcher(text).matches() && !RESERVED.contains(text.toLowerCase(Locale.ROOT))) {
            return text;
        }
        if (isPrintable(text)) {
            return '\'' + text.replace("'", "''") + '\'';
        }
        try {
            return JSON.writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot write string as YAML", e);
        }
    }

    private static boolean isPrintable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029' || c == '\u0085' || c == '\uFEFF') {
                return false;
            }
        }
        return true;
    }

    private void indent(int spaces) {
        out.append(" ".repeat(spaces));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> castMap(Map<?, ?> map) {
        Map<String, Object> copy = new TreeMap<>();
        map.forEach((key, value) -> copy.put(String.valueOf(key), value));
        return copy;
    }
}
