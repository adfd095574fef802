package dev.slipway.server;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.slipway.core.tracking.Metric;
import dev.slipway.core.tracking.Param;
import dev.slipway.core.tracking.Tag;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The fast path of log-batch, the hottest request: reads a well-formed body straight into metrics, params and tags
 * with Jackson's streaming parser, without building a tree. Anything it does not expect (a missing or mistyped field,
 * numbers given as strings, a doubly encoded body) makes it give up, and the caller parses the body the general way,
 * which accepts every form MLflow accepts and names the culprit of every error. So both ways give the same result.
 */
final class LogBatchParser {
    /** A parsed log-batch body. */
    record LogBatch(String runId, List<Metric> metrics, List<Param> params, List<Tag> tags) {
        LogBatch {
            requireNonNull(runId, "runId is null");
            metrics = List.copyOf(metrics);
            params = List.copyOf(params);
            tags = List.copyOf(tags);
        }
    }

    private LogBatchParser() {}

    /** The batch, or empty when the body is not in the plain form this parser reads. */
    static Optional<LogBatch> tryParse(byte[] body) {
        try (JsonParser parser = WireFormat.MAPPER.getFactory().createParser(body)) {
            return Optional.ofNullable(batch(parser));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static LogBatch batch(JsonParser parser) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            return null;
        }
        String runId = null;
        List<Metric> metrics = List.of();
        List<Param> params = List.of();
        List<Tag> tags = List.of();
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "run_id", "run_uuid", "runId", "runUuid" -> {
                    if (value != JsonToken.VALUE_STRING || runId != null) {
                        return null;
                    }
                    runId = parser.getText();
                }
                case "metrics" -> {
                    metrics = metrics(parser, value);
                    if (metrics == null) {
                        return null;
                    }
                }
                case "params" -> {
                    params = keyValues(parser, value, Param::new);
                    if (params == null) {
                        return null;
                    }
                }
                case "tags" -> {
                    tags = keyValues(parser, value, Tag::new);
                    if (tags == null) {
                        return null;
                    }
                }
                default -> parser.skipChildren(); // unknown fields are ignored, as MLflow does
            }
        }
        if (token != JsonToken.END_OBJECT || parser.nextToken() != null || runId == null || runId.isEmpty()) {
            return null;
        }
        return new LogBatch(runId, metrics, params, tags);
    }

    private static List<Metric> metrics(JsonParser parser, JsonToken start) throws IOException {
        if (start != JsonToken.START_ARRAY) {
            return null;
        }
        List<Metric> metrics = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.START_OBJECT) {
            String key = null;
            double value = 0;
            boolean hasValue = false;
            long timestamp = 0;
            boolean hasTimestamp = false;
            long step = 0;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken fieldValue = parser.nextToken();
                switch (field) {
                    case "key" -> {
                        if (fieldValue != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        key = parser.getText();
                    }
                    case "value" -> {
                        if (fieldValue != JsonToken.VALUE_NUMBER_FLOAT && fieldValue != JsonToken.VALUE_NUMBER_INT) {
                            return null;
                        }
                        value = parser.getDoubleValue();
                        hasValue = true;
                    }
                    case "timestamp" -> {
                        if (!isLong(parser, fieldValue)) {
                            return null;
                        }
                        timestamp = parser.getLongValue();
                        hasTimestamp = true;
                    }
                    case "step" -> {
                        if (!isLong(parser, fieldValue)) {
                            return null;
                        }
                        step = parser.getLongValue();
                    }
                    default -> {
                        return null; // rare: let the general parser decide
                    }
                }
            }
            if (key == null || !hasValue || !hasTimestamp) {
                return null;
            }
            metrics.add(new Metric(key, value, timestamp, step));
        }
        return token == JsonToken.END_ARRAY ? metrics : null;
    }

    private interface KeyValueFactory<T> {
        T create(String key, String value);
    }

    private static <T> List<T> keyValues(JsonParser parser, JsonToken start, KeyValueFactory<T> factory)
            throws IOException {
        if (start != JsonToken.START_ARRAY) {
            return null;
        }
        List<T> entries = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.START_OBJECT) {
            String key = null;
            String value = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken fieldValue = parser.nextToken();
                if (fieldValue != JsonToken.VALUE_STRING || !(field.equals("key") || field.equals("value"))) {
                    return null;
                }
                if (field.equals("key")) {
                    key = parser.getText();
                } else {
                    value = parser.getText();
                }
            }
            if (key == null || value == null) {
                return null;
            }
            entries.add(factory.create(key, value));
        }
        return token == JsonToken.END_ARRAY ? entries : null;
    }

    private static boolean isLong(JsonParser parser, JsonToken token) throws IOException {
        return token == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER;
    }
}
