package dev.slipway.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a YAML document into plain Java values, as Jackson's {@code ObjectMapper.readValue(text, Object.class)} does
 * (a mapping becomes a {@link LinkedHashMap} in document order, where a repeated key keeps its last value; a sequence
 * an {@link ArrayList}; an integer an {@link Integer}, {@link Long} or {@link java.math.BigInteger}, whichever holds
 * it; any other number a {@link Double}; {@code true}/{@code false} a {@link Boolean}; {@code null} and {@code ~}
 * null; anything else its text), straight from the streaming parser: the data-binding layer, whose first use cost
 * about 45 ms of every data command's start for this, is not loaded. Thread-safe.
 */
final class YamlTree {
    private static final YAMLFactory FACTORY = new YAMLFactory();

    private YamlTree() {}

    /**
     * The first document of {@code text}.
     *
     * @throws IOException if it is not valid YAML or holds no document
     */
    static Object read(String text) throws IOException {
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new IOException("no content: the document is empty");
            }
            return value(parser, first);
        }
    }

    private static Object value(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (JsonToken next = parser.nextToken(); next != JsonToken.END_OBJECT; next = parser.nextToken()) {
                    String key = parser.currentName();
                    map.put(key, value(parser, parser.nextToken()));
                }
                yield map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
                    list.add(value(parser, next));
                }
                yield list;
            }
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT -> parser.getNumberValue();
            case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            case VALUE_EMBEDDED_OBJECT -> parser.getEmbeddedObject();
            case END_OBJECT, END_ARRAY, FIELD_NAME, NOT_AVAILABLE ->
                    throw new IOException("unexpected " + token + " at " + parser.currentLocation());
        };
    }
}
