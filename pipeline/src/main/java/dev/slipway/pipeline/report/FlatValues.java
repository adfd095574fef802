package dev.slipway.pipeline.report;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.slipway.core.SlipwayException;
import dev.slipway.pipeline.Toml;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a params or metrics file into flat {@code dotted.key -> value} pairs, as DVC does: the parser is chosen by
 * extension ({@code .json}, {@code .toml}, {@code .py}, everything else YAML), nested mappings are flattened with
 * {@code .}, and the leaves kept are numbers ({@link Long} or {@link Double}), strings and booleans. Lists are
 * dropped from metrics and kept whole (as an immutable {@link List}) in params.
 */
public final class FlatValues {
    /** Python's {@code json} writes NaN and Infinity for such floats; read them too. */
    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private FlatValues() {}

    /**
     * The file's flattened values, in file order.
     *
     * @param path the file's path, whose extension chooses the parser and which messages name
     * @param keepLists whether list values are kept (params) or dropped (metrics)
     * @throws SlipwayException INVALID_PARAMETER_VALUE naming the file when it does not parse or is not a mapping
     */
    public static Map<String, Object> parse(String path, byte[] content, boolean keepLists) {
        Map<String, Object> flat = new LinkedHashMap<>();
        flatten("", parseTree(path, content, keepLists), flat);
        return Collections.unmodifiableMap(flat);
    }

    /**
     * As {@link #parse}, keeping the nesting: the shape {@code dvc metrics show --json} prints.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE naming the file when it does not parse or is not a mapping
     */
    public static Map<String, Object> parseTree(String path, byte[] content, boolean keepLists) {
        String text = new String(content, UTF_8);
        String lower = path.toLowerCase(Locale.ROOT);
        Object tree;
        try {
            if (lower.endsWith(".json")) {
                tree = text.isBlank() ? Map.of() : JSON.readValue(text, Object.class);
            } else if (lower.endsWith(".toml")) {
                tree = Toml.parse(text);
            } else if (lower.endsWith(".py")) {
                tree = PythonValuesReader.parse(text);
            } else {
                tree = text.isBlank() ? Map.of() : YAML.readValue(text, Object.class);
            }
        } catch (IOException | IllegalArgumentException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw SlipwayException.invalidParameter("'%s' cannot be parsed: %s", path, message);
        }
        if (tree == null) {
            return Map.of();
        }
        if (!(tree instanceof Map<?, ?> map)) {
            throw SlipwayException.invalidParameter("'%s' must hold a mapping of names to values", path);
        }
        return filter(map, keepLists);
    }

    private static Map<String, Object> filter(Map<?, ?> map, boolean keepLists) {
        Map<String, Object> kept = new LinkedHashMap<>();
        map.forEach((key, value) -> {
            String name = String.valueOf(key);
            if (value instanceof Map<?, ?> nested) {
                kept.put(name, filter(nested, keepLists));
            } else if (value instanceof List<?> list) {
                if (keepLists) {
                    kept.put(name, list.stream().map(item -> item == null ? "None" : leaf(item)).toList());
                }
            } else {
                Object leaf = leaf(value);
                if (leaf != null) {
                    kept.put(name, leaf);
                }
            }
        });
        return Collections.unmodifiableMap(kept);
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, Object> into) {
        map.forEach((key, value) -> {
            if (value instanceof Map<?, ?> nested) {
                flatten(prefix + key + ".", nested, into);
            } else {
                into.put(prefix + key, value);
            }
        });
    }

    /** A number as {@link Long} or {@link Double}, a string or a boolean; anything else is dropped (null). */
    private static Object leaf(Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigInteger big) {
            return big.bitLength() < 64 ? big.longValue() : big.doubleValue();
        }
        if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
            return ((Number) value).doubleValue();
        }
        if (value instanceof String || value instanceof Boolean) {
            return value;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(item -> item == null ? "None" : leaf(item)).toList();
        }
        return value == null ? null : value.toString();
    }
}
