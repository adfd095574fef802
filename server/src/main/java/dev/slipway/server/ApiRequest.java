package dev.slipway.server;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.tracking.Tag;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The parameters of one API request with MLflow's reading rules: a field is found by its snake_case name or its
 * lowerCamel name; int64 values are JSON numbers or numeric strings; enums are names or numbers; a value of the
 * wrong type or a missing required value is an INVALID_PARAMETER_VALUE with MLflow's wording.
 *
 * <p>Parameters come from the query string (GET, where every value is a string and a repeated key is a list) or
 * from a JSON object body (every other method). Nested objects are read through {@link #objects} and
 * {@link #object}, whose error messages name the full path ({@code metrics[3].timestamp}). Not thread-safe; one
 * instance per request.
 */
final class ApiRequest {
    private static final Pattern INTEGER = Pattern.compile("-?\\d{1,19}");
    private static final Pattern DECIMAL = Pattern.compile(
            "[+-]?(NaN|Infinity|inf|(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?)", Pattern.CASE_INSENSITIVE);
    private static final int MAX_ECHOED_VALUE_LENGTH = 200;
    private static final BigInteger MIN_LONG = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger MAX_LONG = BigInteger.valueOf(Long.MAX_VALUE);

    private final ObjectNode fields;
    private final boolean fromQuery;
    /** Where this object sits in the request, for messages: "" at the top level, else e.g. "metrics". */
    private final String path;
    /** The position of this object in the list named by {@code path}, or -1 when it is not a list element. */
    private final int index;

    private ApiRequest(ObjectNode fields, boolean fromQuery, String path, int index) {
        this.fields = requireNonNull(fields, "fields is null");
        this.fromQuery = fromQuery;
        this.path = requireNonNull(path, "path is null");
        this.index = index;
    }

    /** The parameters of a JSON object body. */
    static ApiRequest ofJson(ObjectNode body) {
        return new ApiRequest(body, false, "", -1);
    }

    /** The parameters of a query string; a key given once is a string, a repeated key a list of strings. */
    static ApiRequest ofQuery(Map<String, List<String>> parameters) {
        ObjectNode fields = JsonNodeFactory.instance.objectNode();
        parameters.forEach((name, values) -> {
            if (values.size() == 1) {
                fields.put(name, values.get(0));
            } else if (!values.isEmpty()) {
                ArrayNode array = fields.putArray(name);
                values.forEach(array::add);
            }
        });
        return new ApiRequest(fields, true, "", -1);
    }

    /** An empty request, as sent by a client that gives no body at all. */
    static ApiRequest empty() {
        return ofJson(JsonNodeFactory.instance.objectNode());
    }

    /** The parameters as one JSON object, read-only: the audit trail summarises them. */
    ObjectNode fields() {
        return fields;
    }

    boolean has(String field) {
        return lookup(field) != null;
    }

    /** A string value; absent when the field is missing or null. */
    Optional<String> string(String field) {
        JsonNode node = lookup(field);
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw invalidValue(field, node);
        }
        return Optional.of(node.textValue());
    }

    /** A string value that must be present and non-empty (MLflow treats "" as missing). */
    String requiredString(String field) {
        return string(field).filter(value -> !value.isEmpty()).orElseThrow(() -> missingValue(field));
    }

    /** An identifier such as {@code experiment_id}: a string, or an integer that is turned into one. */
    Optional<String> id(String field) {
        JsonNode node = lookup(field);
        if (node == null) {
            return Optional.empty();
        }
        return Optional.of(idText(field, node, node));
    }

    String requiredId(String field) {
        return id(field).filter(value -> !value.isEmpty()).orElseThrow(() -> missingValue(field));
    }

    /** The run id, read from {@code run_id} or from its deprecated spelling {@code run_uuid}. */
    String requiredRunId() {
        Optional<String> runId = string("run_id").filter(value -> !value.isEmpty());
        if (runId.isPresent()) {
            return runId.get();
        }
        return string("run_uuid").filter(value -> !value.isEmpty()).orElseThrow(() -> missingValue("run_id"));
    }

    /** A list of identifiers; integers are turned into strings. */
    List<String> ids(String field) {
        JsonNode node = lookup(field);
        if (node == null) {
            return List.of();
        }
        if (!node.isArray()) {
            if (fromQuery || node.isIntegralNumber()) {
                return List.of(idText(field, node, node));
            }
            throw invalidValue(field, node);
        }
        List<String> values = new ArrayList<>(node.size());
        for (JsonNode element : node) {
            values.add(idText(field, element, node));
        }
        return values;
    }

    /** A list of strings. */
    List<String> strings(String field) {
        JsonNode node = lookup(field);
        if (node == null) {
            return List.of();
        }
        if (fromQuery && node.isTextual()) {
            return List.of(node.textValue());
        }
        if (!node.isArray()) {
            throw invalidValue(field, node);
        }
        List<String> values = new ArrayList<>(node.size());
        for (JsonNode element : node) {
            if (!element.isTextual()) {
                throw invalidValue(field, node);
            }
            values.add(element.textValue());
        }
        return values;
    }

    /** A 64-bit integer given as a JSON integer or as a string of digits. */
    Optional<Long> int64(String field) {
        JsonNode node = lookup(field);
        if (node == null) {
            return Optional.empty();
        }
        return Optional.of(longValue(field, node));
    }

    long int64(String field, long defaultValue) {
        JsonNode node = lookup(field);
        return node == null ? defaultValue : longValue(field, node);
    }

    long requiredInt64(String field) {
        JsonNode node = lookup(field);
        if (node == null || node.isTextual() && node.textValue().isEmpty()) {
            throw missingValue(field);
        }
        return longValue(field, node);
    }

    /** A 32-bit integer given as a JSON integer or as a string of digits. */
    Optional<Integer> int32(String field) {
        JsonNode node = lookup(field);
        if (node == null) {
            return Optional.empty();
        }
        long value = longValue(field, node);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw invalidValue(field, node);
        }
        return Optional.of((int) value);
    }

    /** A double; besides JSON numbers, the strings "NaN", "Infinity", "-Infinity" and numeric strings. */
    double requiredDouble(String field) {
        JsonNode node = lookup(field);
        if (node == null) {
            throw missingValue(field);
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isTextual()) {
            String text = node.textValue().trim();
            if (text.isEmpty()) {
                throw missingValue(field);
            }
            if (DECIMAL.matcher(text).matches()) {
                String lower = text.toLowerCase(Locale.ROOT);
                if (lower.endsWith("nan")) {
                    return Double.NaN;
                }
                if (lower.endsWith("inf") || lower.endsWith("infinity")) {
                    return lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                }
                return Double.parseDouble(text);
            }
        }
        throw invalidValue(field, node);
    }

    /** A boolean: JSON true/false, or in a query string "true"/"false" in any case. */
    Optional<Boolean> bool(String field) {
        JsonNode node = lookup(field);
        if (node == null) {
            return Optional.empty();
        }
        if (node.isBoolean()) {
            return Optional.of(node.booleanValue());
        }
        if (node.isTextual()) {
            String text = node.textValue();
            if (text.equalsIgnoreCase("true")) {
                return Optional.of(true);
            }
            if (text.equalsIgnoreCase("false")) {
                return Optional.of(false);
            }
        }
        throw invalidValue(field, node);
    }

    /**
     * An enum value given by name or by number; the parser receives the text and throws for unknown values.
     */
    <E> Optional<E> enumValue(String field, Function<String, E> parser) {
        JsonNode node = lookup(field);
        if (node == null) {
            return Optional.empty();
        }
        if (node.isTextual() || node.isIntegralNumber()) {
            return Optional.of(parser.apply(node.asText()));
        }
        throw invalidValue(field, node);
    }

    /** A list of nested objects, each read with this request's rules. */
    List<ApiRequest> objects(String field) {
        JsonNode node = lookup(field);
        if (node == null) {
            return List.of();
        }
        if (!node.isArray()) {
            throw invalidValue(field, node);
        }
        String name = name(field);
        List<ApiRequest> elements = new ArrayList<>(node.size());
        int position = 0;
        for (JsonNode element : node) {
            if (!element.isObject()) {
                throw invalidValue(field, node);
            }
            elements.add(new ApiRequest((ObjectNode) element, false, name, position));
            position++;
        }
        return elements;
    }

    Optional<ApiRequest> object(String field) {
        JsonNode node = lookup(field);
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            throw invalidValue(field, node);
        }
        return Optional.of(new ApiRequest((ObjectNode) node, false, name(field), -1));
    }

    /** The JSON value of a field as given, of any type; absent when the field is missing or null. */
    Optional<JsonNode> json(String field) {
        return Optional.ofNullable(lookup(field));
    }

    /** A list of {@code {key, value}} tags; the key is required, a missing value is "". */
    List<Tag> tags(String field) {
        List<ApiRequest> elements = objects(field);
        List<Tag> tags = new ArrayList<>(elements.size());
        for (ApiRequest element : elements) {
            tags.add(new Tag(element.requiredString("key"), element.string("value").orElse("")));
        }
        return tags;
    }

    SlipwayException missingValue(String field) {
        return SlipwayException.invalidParameter("Missing value for required parameter '%s'. "
                + "See the API docs for more information about request parameters.", name(field));
    }

    SlipwayException invalidValue(String field, JsonNode value) {
        return SlipwayException.invalidParameter("Invalid value %s for parameter '%s' supplied: Hint: Value was of "
                + "type '%s'. See the API docs for more information about request parameters.",
                abbreviate(value.toString()), name(field), pythonTypeName(value));
    }

    private String idText(String field, JsonNode node, JsonNode reported) {
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isIntegralNumber()) {
            return node.bigIntegerValue().toString();
        }
        throw invalidValue(field, reported);
    }

    private long longValue(String field, JsonNode node) {
        if (node.isIntegralNumber()) {
            if (node.canConvertToLong()) {
                return node.longValue();
            }
            throw invalidValue(field, node);
        }
        if (node.isFloatingPointNumber()) {
            BigDecimal decimal = node.decimalValue();
            try {
                BigInteger integer = decimal.toBigIntegerExact();
                if (integer.compareTo(MIN_LONG) >= 0 && integer.compareTo(MAX_LONG) <= 0) {
                    return integer.longValue();
                }
            } catch (ArithmeticException e) {
                // a fraction is not an integer; reported below
            }
            throw invalidValue(field, node);
        }
        if (node.isTextual()) {
            String text = node.textValue().trim();
            if (INTEGER.matcher(text).matches()) {
                try {
                    return Long.parseLong(text);
                } catch (NumberFormatException e) {
                    throw invalidValue(field, node);
                }
            }
        }
        throw invalidValue(field, node);
    }

    private JsonNode lookup(String field) {
        JsonNode node = fields.get(field);
        if (node == null && field.indexOf('_') >= 0) {
            node = fields.get(lowerCamel(field));
        }
        return node == null || node.isNull() ? null : node;
    }

    private String name(String field) {
        if (path.isEmpty()) {
            return field;
        }
        return (index < 0 ? path : path + "[" + index + "]") + "." + field;
    }

    private static String lowerCamel(String snake) {
        StringBuilder camel = new StringBuilder(snake.length());
        boolean upper = false;
        for (int index = 0; index < snake.length(); index++) {
            char character = snake.charAt(index);
            if (character == '_') {
                upper = true;
            } else {
                camel.append(upper ? Character.toUpperCase(character) : character);
                upper = false;
            }
        }
        return camel.toString();
    }

    private static String abbreviate(String text) {
        return text.length() <= MAX_ECHOED_VALUE_LENGTH ? text : text.substring(0, MAX_ECHOED_VALUE_LENGTH) + "...";
    }

    private static String pythonTypeName(JsonNode value) {
        return switch (value.getNodeType()) {
            case STRING -> "str";
            case NUMBER -> value.isIntegralNumber() ? "int" : "float";
            case BOOLEAN -> "bool";
            case ARRAY -> "list";
            case OBJECT, POJO -> "dict";
            case NULL, MISSING -> "NoneType";
            case BINARY -> "bytes";
        };
    }
}
