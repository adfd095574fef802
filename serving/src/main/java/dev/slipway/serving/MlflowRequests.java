package dev.slipway.serving;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.slipway.core.SlipwayException;
import dev.slipway.models.data.CsvReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the body of {@code POST /invocations} as MLflow's scoring server does: JSON holding exactly one of
 * {@code dataframe_split}, {@code dataframe_records}, {@code instances} or {@code inputs} (with optional
 * {@code params}), or CSV with a header row. Thread-safe.
 */
final class MlflowRequests {
    static final String JSON_TYPE = "application/json";
    static final String CSV_TYPE = "text/csv";
    private static final List<String> FORMATS = List.of("dataframe_split", "dataframe_records", "instances",
            "inputs");

    /**
     * Parses JSON as Python's json module writes it: NaN and Infinity are numbers. Decimals are read with Jackson's
     * fast parser (the same correctly rounded values as {@link Double#parseDouble}, without its garbage).
     */
    static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build())
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private MlflowRequests() {}

    /**
     * The media type of a scoring request: {@code application/json} or {@code text/csv}, whose only allowed
     * parameter is {@code charset=utf-8}.
     *
     * @throws ServingFailure 415 for any other
     */
    static String mediaType(String contentType) {
        if (contentType != null) {
            int semicolon = contentType.indexOf(';');
            String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
            if (type.equalsIgnoreCase(JSON_TYPE) || type.equalsIgnoreCase(CSV_TYPE)) {
                if (semicolon < 0 || utf8Only(contentType.substring(semicolon + 1))) {
                    return type.equalsIgnoreCase(JSON_TYPE) ? JSON_TYPE : CSV_TYPE;
                }
            }
        }
        throw new ServingFailure(415, "BAD_REQUEST", ("This predictor only supports the following content types:"
                + " Types: ['application/json', 'text/csv']; the only parameter allowed is charset=utf-8. Got '%s'.")
                .formatted(contentType == null ? "" : contentType));
    }

    private static boolean utf8Only(String parameters) {
        for (String parameter : parameters.split(";")) {
            String trimmed = parameter.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            int equals = trimmed.indexOf('=');
            if (equals < 0 || !trimmed.substring(0, equals).trim().equalsIgnoreCase("charset")) {
                return false;
            }
            String value = trimmed.substring(equals + 1).trim().replace("\"", "");
            if (!value.equalsIgnoreCase("utf-8") && !value.equalsIgnoreCase("utf8")) {
                return false;
            }
        }
        return true;
    }

    static JsonNode parseJson(byte[] body) {
        if (body.length == 0) {
            throw ServingFailure.badRequest("The request body is empty; send a JSON object");
        }
        try (JsonParser parser = JSON.createParser(body)) {
            JsonNode root = JSON.readTree(parser);
            if (parser.nextToken() != null) {
                throw ServingFailure.badRequest("Malformed JSON input: unexpected content after the JSON value");
            }
            if (root == null || root.isMissingNode()) {
                throw ServingFailure.badRequest("The request body is empty; send a JSON object");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw ServingFailure.badRequest("Malformed JSON input: %s", abbreviate(e.getOriginalMessage()));
        } catch (IOException e) {
            throw ServingFailure.badRequest("Could not read the request body");
        }
    }

    /** The table of a JSON scoring request. */
    static InputTable fromJson(JsonNode root) {
        if (!root.isObject()) {
            throw ServingFailure.badRequest("Invalid input. The request body must be a JSON object holding exactly"
                    + " one of %s, got a JSON %s", FORMATS, root.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        String format = null;
        List<String> given = new ArrayList<>();
        for (String candidate : FORMATS) {
            if (root.has(candidate)) {
                given.add(candidate);
                format = candidate;
            }
        }
        if (given.size() != 1) {
            List<String> keys = new ArrayList<>();
            root.fieldNames().forEachRemaining(keys::add);
            throw ServingFailure.badRequest("Invalid input. The input must contain exactly one of the following keys:"
                    + " %s; got %s", String.join(", ", FORMATS), keys.isEmpty() ? "no keys" : "keys " + keys);
        }
        JsonNode params = root.get("params");
        if (params != null && !params.isObject() && !params.isNull()) {
            throw ServingFailure.badRequest("'params' must be a JSON object of parameter names to values");
        }
        JsonNode data = root.get(format);
        return switch (format) {
            case "dataframe_split" -> split(data);
            case "dataframe_records" -> records(data, format);
            case "instances" -> rowsOrRecords(data, format);
            default -> data.isObject() ? columnar(data) : rowsOrRecords(data, format);
        };
    }

    private static InputTable split(JsonNode split) {
        if (!split.isObject()) {
            throw ServingFailure.badRequest("'dataframe_split' must be an object with \"columns\" and \"data\"");
        }
        JsonNode data = split.get("data");
        if (data == null || !data.isArray()) {
            throw ServingFailure.badRequest("'dataframe_split' needs \"data\": a list of rows");
        }
        Optional<List<String>> columns = Optional.empty();
        JsonNode columnNode = split.get("columns");
        if (columnNode != null && !columnNode.isNull()) {
            if (!columnNode.isArray()) {
                throw ServingFailure.badRequest("'dataframe_split.columns' must be a list of column names");
            }
            List<String> names = new ArrayList<>(columnNode.size());
            for (JsonNode name : columnNode) {
                if (!name.isTextual()) {
                    throw ServingFailure.badRequest("'dataframe_split.columns' holds %s, which is not a column name",
                            name);
                }
                names.add(name.textValue());
            }
            columns = Optional.of(names);
        }
        List<JsonNode[]> rows = new ArrayList<>(data.size());
        int width = columns.map(List::size).orElse(-1);
        int index = 0;
        for (JsonNode row : data) {
            JsonNode[] cells = row.isArray() ? toArray(row) : new JsonNode[] {row};
            if (width >= 0 && cells.length != width) {
                throw ServingFailure.badRequest("'dataframe_split' row %d has %d values for %d columns", index,
                        cells.length, width);
            }
            width = cells.length;
            rows.add(cells);
            index++;
        }
        return new InputTable(columns, rows, false);
    }

    private static InputTable rowsOrRecords(JsonNode data, String format) {
        if (!data.isArray()) {
            throw ServingFailure.badRequest("'%s' must be a list of rows", format);
        }
        if (!data.isEmpty() && data.get(0).isObject()) {
            return records(data, format);
        }
        List<JsonNode[]> rows = new ArrayList<>(data.size());
        int width = -1;
        int index = 0;
        for (JsonNode row : data) {
            JsonNode[] cells = row.isArray() ? toArray(row) : new JsonNode[] {row};
            if (width >= 0 && cells.length != width) {
                throw ServingFailure.badRequest("'%s' row %d has %d values, row 0 has %d", format, index,
                        cells.length, width);
            }
            width = cells.length;
            rows.add(cells);
            index++;
        }
        return new InputTable(Optional.empty(), rows, false);
    }

    private static InputTable records(JsonNode data, String format) {
        if (!data.isArray()) {
            throw ServingFailure.badRequest("'%s' must be a list of records", format);
        }
        Map<String, Integer> indexes = new LinkedHashMap<>();
        for (JsonNode record : data) {
            if (!record.isObject()) {
                throw ServingFailure.badRequest("'%s' holds %s, which is not a record (a JSON object)", format,
                        abbreviate(record.toString()));
            }
            Iterator<String> names = record.fieldNames();
            while (names.hasNext()) {
                indexes.putIfAbsent(names.next(), indexes.size());
            }
        }
        List<JsonNode[]> rows = new ArrayList<>(data.size());
        for (JsonNode record : data) {
            JsonNode[] cells = new JsonNode[indexes.size()];
            Iterator<Map.Entry<String, JsonNode>> fields = record.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                cells[indexes.get(field.getKey())] = field.getValue();
            }
            rows.add(cells);
        }
        return new InputTable(Optional.of(List.copyOf(indexes.keySet())), rows, false);
    }

    private static InputTable columnar(JsonNode inputs) {
        List<String> names = new ArrayList<>();
        List<JsonNode> columns = new ArrayList<>();
        int length = -1;
        Iterator<Map.Entry<String, JsonNode>> fields = inputs.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode values = field.getValue();
            if (!values.isArray()) {
                values = JSON.createArrayNode().add(values);
            }
            if (length >= 0 && values.size() != length) {
                throw ServingFailure.badRequest("'inputs' column '%s' has %d values, the first column has %d",
                        field.getKey(), values.size(), length);
            }
            length = values.size();
            names.add(field.getKey());
            columns.add(values);
        }
        List<JsonNode[]> rows = new ArrayList<>(Math.max(length, 0));
        for (int row = 0; row < length; row++) {
            JsonNode[] cells = new JsonNode[names.size()];
            for (int column = 0; column < cells.length; column++) {
                cells[column] = columns.get(column).get(row);
            }
            rows.add(cells);
        }
        return new InputTable(Optional.of(names), rows, false);
    }

    /** The table of a CSV body with a header row. */
    static InputTable fromCsv(byte[] body) {
        try (CsvReader reader = CsvReader.of(new InputStreamReader(new ByteArrayInputStream(body),
                StandardCharsets.UTF_8), "request body")) {
            List<String> header = reader.header();
            List<JsonNode[]> rows = new ArrayList<>();
            while (reader.next()) {
                if (reader.fieldCount() != header.size()) {
                    throw ServingFailure.badRequest("CSV row %d has %d fields for %d columns", reader.rowNumber(),
                            reader.fieldCount(), header.size());
                }
                JsonNode[] cells = new JsonNode[header.size()];
                for (int column = 0; column < cells.length; column++) {
                    cells[column] = TextNode.valueOf(reader.get(column));
                }
                rows.add(cells);
            }
            return new InputTable(Optional.of(header), rows, true);
        } catch (SlipwayException e) {
            throw ServingFailure.badRequest("Failed to parse the CSV input: %s", e.getMessage());
        }
    }

    private static JsonNode[] toArray(JsonNode array) {
        JsonNode[] cells = new JsonNode[array.size()];
        for (int i = 0; i < cells.length; i++) {
            cells[i] = array.get(i);
        }
        return cells;
    }

    static String abbreviate(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= 200 ? text : text.substring(0, 197) + "...";
    }
}
