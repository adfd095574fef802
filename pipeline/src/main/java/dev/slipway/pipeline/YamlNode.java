package dev.slipway.pipeline;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A YAML value with the line it starts on: a mapping ({@code Map<String, YamlNode>} in file order), a sequence
 * ({@code List<YamlNode>}) or a scalar (String, Integer/Long/BigInteger, Double, Boolean or null).
 */
record YamlNode(Object value, int line, Map<String, Integer> keyLines) {
    YamlNode(Object value, int line) {
        this(value, line, Map.of());
    }

    private static final YAMLFactory FACTORY = new YAMLFactory();
    private static final java.util.regex.Pattern BOOLEAN_12 =
            java.util.regex.Pattern.compile("true|True|TRUE|false|False|FALSE");

    /**
     * Parses a YAML document; an empty document is a null scalar.
     *
     * @throws dev.slipway.core.SlipwayException INVALID_PARAMETER_VALUE naming {@code file} and the line
     */
    static YamlNode parse(String text, String file) {
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                return new YamlNode(null, 1);
            }
            return read(parser);
        } catch (JsonProcessingException e) {
            JsonLocation location = e.getLocation();
            throw PipelineError.at(file, location == null ? 0 : location.getLineNr(), Optional.empty(),
                    "cannot parse YAML: %s", e.getOriginalMessage().strip().replaceAll("\\s*\\R\\s*", " "));
        } catch (IOException e) {
            throw PipelineError.at(file, 0, Optional.empty(), "cannot read: %s", e.getMessage());
        }
    }

    private static YamlNode read(JsonParser parser) throws IOException {
        int line = parser.currentTokenLocation().getLineNr();
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT -> {
                Map<String, YamlNode> map = new LinkedHashMap<>();
                Map<String, Integer> keyLines = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    keyLines.put(key, parser.currentTokenLocation().getLineNr());
                    parser.nextToken();
                    map.put(key, read(parser));
                }
                return new YamlNode(Collections.unmodifiableMap(map), line, Collections.unmodifiableMap(keyLines));
            }
            case START_ARRAY -> {
                List<YamlNode> list = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    list.add(read(parser));
                }
                return new YamlNode(Collections.unmodifiableList(list), line);
            }
            case VALUE_STRING -> {
                return new YamlNode(parser.getText(), line);
            }
            case VALUE_NUMBER_INT -> {
                return new YamlNode(parser.getNumberValue(), line);
            }
            case VALUE_NUMBER_FLOAT -> {
                return new YamlNode(parser.getDoubleValue(), line);
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                // YAML 1.2 (ruamel, DVC): only true/false are booleans; yes, no, on, off stay strings
                String text = parser.getText();
                return new YamlNode(BOOLEAN_12.matcher(text).matches() ? (Object) (token == JsonToken.VALUE_TRUE)
                        : text, line);
            }
            case VALUE_NULL -> {
                return new YamlNode(null, line);
            }
            default -> {
                return new YamlNode(parser.getText(), line);
            }
        }
    }

    /** The line of a mapping's key, else of the mapping. */
    int lineOf(String key) {
        return keyLines.getOrDefault(key, line);
    }

    boolean isMap() {
        return value instanceof Map<?, ?>;
    }

    boolean isList() {
        return value instanceof List<?>;
    }

    @SuppressWarnings("unchecked")
    Map<String, YamlNode> map() {
        return (Map<String, YamlNode>) value;
    }

    @SuppressWarnings("unchecked")
    List<YamlNode> list() {
        return (List<YamlNode>) value;
    }

    /** The value as plain Java objects (LinkedHashMap, ArrayList, scalars), lines dropped. */
    Object plain() {
        if (value instanceof Map<?, ?>) {
            Map<String, Object> result = new LinkedHashMap<>();
            map().forEach((key, child) -> result.put(key, child.plain()));
            return result;
        }
        if (value instanceof List<?>) {
            List<Object> result = new ArrayList<>();
            list().forEach(child -> result.add(child.plain()));
            return result;
        }
        return value;
    }

    /** A node built from a plain value (templating results), all at {@code line}. */
    static YamlNode of(Object plain, int line) {
        if (plain instanceof Map<?, ?> map) {
            Map<String, YamlNode> result = new LinkedHashMap<>();
            map.forEach((key, child) -> result.put(String.valueOf(key), of(child, line)));
            return new YamlNode(Collections.unmodifiableMap(result), line);
        }
        if (plain instanceof List<?> list) {
            List<YamlNode> result = new ArrayList<>();
            list.forEach(child -> result.add(of(child, line)));
            return new YamlNode(Collections.unmodifiableList(result), line);
        }
        return new YamlNode(plain, line);
    }
}
