package dev.slipway.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DVC's {@code ${...}} interpolation: {@code ${name}}, {@code ${a.b}}, {@code ${a[0]}}; {@code \${} escapes. A
 * string that is one whole reference keeps the value's type; inside a longer string values are stringified
 * (booleans as {@code true}/{@code false}). In a command a mapping expands to command-line flags.
 */
final class Templates {
    private static final Pattern REFERENCE = Pattern.compile("(\\\\)?\\$\\{\\s*([^}]*?)\\s*}");
    private static final Pattern SEGMENT = Pattern.compile("([^.\\[\\]]+)|\\[\\s*([0-9]+)\\s*]");

    /** How a mapping in a command becomes flags ({@code parsing.bool}, {@code parsing.list}). */
    record FlagStyle(boolean booleanOptional, boolean appendLists) {
        static final FlagStyle DEFAULT = new FlagStyle(false, false);
    }

    /** A template that cannot be resolved; the caller adds file, line and stage. */
    static final class TemplateException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TemplateException(String message) {
            super(message);
        }
    }

    private Templates() {}

    static boolean hasTemplate(String text) {
        Matcher matcher = REFERENCE.matcher(text);
        while (matcher.find()) {
            if (matcher.group(1) == null) {
                return true;
            }
        }
        return false;
    }

    /** Resolves every string inside {@code value} (maps, lists) against {@code context}. */
    static Object resolveAll(Object value, Map<String, Object> context) {
        if (value instanceof String text) {
            return resolve(text, context, false, FlagStyle.DEFAULT);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> result = new LinkedHashMap<>();
            map.forEach((key, child) -> {
                Object resolvedKey = resolve(String.valueOf(key), context, false, FlagStyle.DEFAULT);
                result.put(PythonValues.str(resolvedKey), resolveAll(child, context));
            });
            return result;
        }
        if (value instanceof List<?> list) {
            List<Object> result = new ArrayList<>();
            list.forEach(child -> result.add(resolveAll(child, context)));
            return result;
        }
        return value;
    }

    /**
     * @param inCommand mappings expand to flags instead of being an error, and the result is always a string
     * @throws TemplateException for an unknown reference or a value that cannot be put in a string
     */
    static Object resolve(String text, Map<String, Object> context, boolean inCommand, FlagStyle style) {
        Matcher matcher = REFERENCE.matcher(text);
        if (!inCommand && matcher.matches() && matcher.group(1) == null) {
            return lookup(matcher.group(2), context);
        }
        return resolveText(text, context, inCommand, style);
    }

    /** As {@link #resolve}, always giving a string (a command: a lone {@code ${dict}} becomes flags). */
    static String resolveText(String text, Map<String, Object> context, boolean inCommand, FlagStyle style) {
        Matcher matcher = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        int last = 0;
        while (matcher.find()) {
            out.append(text, last, matcher.start());
            last = matcher.end();
            if (matcher.group(1) != null) {
                out.append(matcher.group().substring(1));
                continue;
            }
            Object value = lookup(matcher.group(2), context);
            out.append(stringify(matcher.group(2), value, inCommand, style));
        }
        out.append(text.substring(last));
        return out.toString();
    }

    private static String stringify(String reference, Object value, boolean inCommand, FlagStyle style) {
        if (value instanceof Map<?, ?> map) {
            if (!inCommand) {
                throw new TemplateException(String.format(
                        "Cannot interpolate data of type 'dict' from '${%s}' inside a string", reference));
            }
            List<String> flags = new ArrayList<>();
            flags(map, "", flags, style, reference);
            return String.join(" ", flags);
        }
        if (value instanceof List<?>) {
            throw new TemplateException(String.format(
                    "Cannot interpolate data of type 'list' from '${%s}' inside a string", reference));
        }
        return scalarText(value);
    }

    private static String scalarText(Object value) {
        if (value instanceof Boolean bool) {
            return bool ? "true" : "false";
        }
        return PythonValues.str(value);
    }

    private static void flags(Map<?, ?> map, String prefix, List<String> flags, FlagStyle style, String reference) {
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String name = prefix + entry.getKey();
            Object value = entry.getValue();
            if (value instanceof Map<?, ?> nested) {
                flags(nested, name + ".", flags, style, reference);
            } else if (value instanceof Boolean bool) {
                if (bool) {
                    flags.add("--" + name);
                } else if (style.booleanOptional()) {
                    flags.add("--no-" + name);
                }
            } else if (value instanceof List<?> list) {
                if (style.appendLists()) {
                    for (Object item : list) {
                        flags.add("--" + name + " " + scalarOrFail(item, reference));
                    }
                } else {
                    StringBuilder nargs = new StringBuilder("--" + name);
                    for (Object item : list) {
                        nargs.append(' ').append(scalarOrFail(item, reference));
                    }
                    flags.add(nargs.toString());
                }
            } else {
                flags.add("--" + name + " " + scalarText(value));
            }
        }
    }

    private static String scalarOrFail(Object item, String reference) {
        if (item instanceof Map<?, ?> || item instanceof List<?>) {
            throw new TemplateException(String.format("Cannot expand nested data in '${%s}' to a command-line flag",
                    reference));
        }
        return scalarText(item);
    }

    /** The value a reference ({@code a.b[0]}) names. */
    static Object lookup(String reference, Map<String, Object> context) {
        if (reference.isEmpty()) {
            throw new TemplateException("Empty reference '${}'");
        }
        Matcher segment = SEGMENT.matcher(reference);
        Object current = context;
        int position = 0;
        StringBuilder walked = new StringBuilder();
        while (position < reference.length()) {
            if (reference.charAt(position) == '.') {
                position++;
                continue;
            }
            if (!segment.find(position) || segment.start() != position) {
                throw new TemplateException(String.format("Bad reference '${%s}'", reference));
            }
            position = segment.end();
            if (segment.group(1) != null) {
                String key = segment.group(1).strip();
                walked.append(walked.length() == 0 ? "" : ".").append(key);
                if (current instanceof Map<?, ?> map && map.containsKey(key)) {
                    current = map.get(key);
                } else if (current instanceof List<?> list && key.matches("[0-9]+")
                        && Integer.parseInt(key) < list.size()) {
                    current = list.get(Integer.parseInt(key));
                } else {
                    throw new TemplateException(String.format("Could not find '%s' (in '${%s}')", walked, reference));
                }
            } else {
                int index = Integer.parseInt(segment.group(2));
                walked.append('[').append(index).append(']');
                if (current instanceof List<?> list && index < list.size()) {
                    current = list.get(index);
                } else {
                    throw new TemplateException(String.format("Could not find '%s' (in '${%s}')", walked, reference));
                }
            }
        }
        return current;
    }
}
