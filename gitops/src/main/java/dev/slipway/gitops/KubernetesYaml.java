package dev.slipway.gitops;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Writes Kubernetes objects, given as trees of maps, lists, strings, numbers and booleans, as a multi-document
 * YAML stream that is the same bytes for the same objects: map keys sorted, block style, two-space indentation,
 * strings quoted whenever a plain scalar could be read as something else. Stable text keeps the diffs that Argo CD
 * and Flux show, and a reviewer reads, down to what changed.
 */
public final class KubernetesYaml {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_/][A-Za-z0-9_./-]*");
    private static final Set<String> RESERVED = Set.of("true", "false", "yes", "no", "on", "off", "y", "n", "null");

    private KubernetesYaml() {}

    /**
     * The documents separated by {@code ---} lines.
     *
     * @throws IllegalArgumentException for a value that is not a map, list, string, number or boolean
     */
    public static String write(List<? extends Map<String, ?>> documents) {
        StringBuilder yaml = new StringBuilder();
        for (int index = 0; index < documents.size(); index++) {
            if (index > 0) {
                yaml.append("---\n");
            }
            writeMap(yaml, requireNonNull(documents.get(index), "document is null"), 0);
        }
        return yaml.toString();
    }

    private static void writeMap(StringBuilder yaml, Map<String, ?> map, int indent) {
        new TreeMap<String, Object>(map).forEach((key, value) -> {
            yaml.append(" ".repeat(indent)).append(scalar(key)).append(':');
            writeValue(yaml, value, indent);
        });
    }

    /** The rest of a line after "key:" or "-", and the nested lines. */
    private static void writeValue(StringBuilder yaml, Object value, int indent) {
        requireNonNull(value, "value is null");
        if (value instanceof Map<?, ?> map && !map.isEmpty()) {
            yaml.append('\n');
            writeMap(yaml, castMap(map), indent + 2);
        } else if (value instanceof List<?> list && !list.isEmpty()) {
            yaml.append('\n');
            for (Object element : list) {
                yaml.append(" ".repeat(indent + 2)).append('-');
                if (element instanceof Map<?, ?> map && !map.isEmpty()) {
                    // the first key on the dash's line, the others aligned under it
                    StringBuilder nested = new StringBuilder();
                    writeMap(nested, castMap(map), indent + 4);
                    yaml.append(' ').append(nested, indent + 4, nested.length());
                } else {
                    writeValue(yaml, element, indent + 2);
                }
            }
        } else {
            yaml.append(' ').append(inline(value)).append('\n');
        }
    }

    private static String inline(Object value) {
        if (value instanceof Map<?, ?>) {
            return "{}";
        }
        if (value instanceof List<?>) {
            return "[]";
        }
        if (value instanceof String text) {
            return scalar(text);
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Boolean) {
            return value.toString();
        }
        throw new IllegalArgumentException("not a YAML scalar: " + value.getClass().getName());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> castMap(Map<?, ?> map) {
        for (Object key : map.keySet()) {
            if (!(key instanceof String)) {
                throw new IllegalArgumentException("map key is not a string: " + key);
            }
        }
        return (Map<String, ?>) map;
    }

    /** A string as a plain scalar when it cannot be misread, else double-quoted. */
    static String scalar(String text) {
        if (PLAIN.matcher(text).matches() && !RESERVED.contains(text.toLowerCase(Locale.ROOT))) {
            return text;
        }
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (c < 0x20) {
                        quoted.append(String.format("\\x%02x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
