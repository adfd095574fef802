package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.slipway.client.PredictionLogClient;
import dev.slipway.client.TrackingClient;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.predictions.JoinedPrediction;
import dev.slipway.core.predictions.LoggedPrediction;
import dev.slipway.core.predictions.PredictionQuery;
import dev.slipway.core.tracking.Page;
import dev.slipway.monitoring.ColumnSpec;
import dev.slipway.monitoring.DatasetSketch;
import java.io.IOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The latest {@code limit} predictions of a model version, read page by page through the prediction log's search API
 * and sketched here from each row's inputs and outputs JSON; only one page is held at a time.
 *
 * <p>The search returns rows oldest first, so the first of the latest rows is found by timestamp: a binary search with
 * the count API finds the newest time {@code T} with at least {@code limit} rows at or after it, and the rows at
 * {@code T} beyond the limit (the oldest ones) are skipped.
 */
final class LatestPredictionsWindowSource implements WindowSource {
    static final int PAGE_SIZE = 5_000;
    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private final TrackingClient client;
    private final Clock clock;
    private final long limit;
    private final List<ColumnSpec> columns;

    /**
     * @param columns the columns to sketch (the reference's): the keys of each row's inputs, and of its outputs with
     *     the prefix {@code prediction.}, as the server's sketches name them
     */
    LatestPredictionsWindowSource(TrackingClient client, Clock clock, long limit, List<ColumnSpec> columns) {
        this.client = requireNonNull(client, "client is null");
        this.clock = requireNonNull(clock, "clock is null");
        if (limit < 1) {
            throw SlipwayException.invalidParameter("The number of latest predictions must be positive, got %d", limit);
        }
        this.limit = limit;
        this.columns = List.copyOf(requireNonNull(columns, "columns is null"));
    }

    @Override
    public CurrentWindow read(MonitoredModel model) {
        String description = "the latest " + limit + " predictions";
        PredictionLogClient predictions = client.predictions();
        PredictionQuery all = query(model, Optional.empty());
        long total = predictions.count(all);
        if (total == 0) {
            long now = clock.millis();
            return new CurrentWindow(description, 0, Optional.empty(), now, now);
        }
        PredictionQuery window = all;
        long skip = 0;
        if (total > limit) {
            long start = firstTimeOfLatest(predictions, model);
            window = query(model, Optional.of(start));
            skip = predictions.count(window) - limit;
        }
        DatasetSketch sketch = new DatasetSketch(columns);
        Map<String, Object> row = new HashMap<>();
        long firstTime = Long.MAX_VALUE;
        long lastTime = Long.MIN_VALUE;
        Optional<String> token = Optional.empty();
        do {
            Page<JoinedPrediction> page = predictions.search(window, Optional.of(PAGE_SIZE), token);
            for (JoinedPrediction joined : page.items()) {
                if (skip > 0) {
                    skip--;
                    continue;
                }
                row.clear();
                LoggedPrediction prediction = joined.prediction();
                firstTime = Math.min(firstTime, prediction.timestamp());
                lastTime = Math.max(lastTime, prediction.timestamp());
                putFields(prediction.inputsJson(), "", row);
                putFields(prediction.outputsJson(), MonitoredModel.OUTPUT_PREFIX, row);
                sketch.add(row);
            }
            token = page.nextPageToken();
        } while (token.isPresent());
        if (sketch.rows() == 0) {
            long now = clock.millis();
            return new CurrentWindow(description, 0, Optional.empty(), now, now);
        }
        return new CurrentWindow(description, sketch.rows(), Optional.of(sketch), firstTime, lastTime + 1);
    }

    /** The newest time T (epoch ms) with at least {@code limit} rows scored at or after it. */
    private long firstTimeOfLatest(PredictionLogClient predictions, MonitoredModel model) {
        Page<JoinedPrediction> oldest = predictions.search(query(model, Optional.empty()), Optional.of(1), Optional.empty());
        long low = oldest.items().isEmpty() ? 0 : oldest.items().get(0).prediction().timestamp();
        long high = Math.max(low + 1, clock.millis() + 1);
        while (predictions.count(query(model, Optional.of(high))) >= limit) {
            high = low + 2 * (high - low);
        }
        // count(>= low) >= limit and count(>= high) < limit
        while (high - low > 1) {
            long middle = low + (high - low) / 2;
            if (predictions.count(query(model, Optional.of(middle))) >= limit) {
                low = middle;
            } else {
                high = middle;
            }
        }
        return low;
    }

    private static PredictionQuery query(MonitoredModel model, Optional<Long> startTime) {
        return new PredictionQuery(model.version().name(), Optional.of(Long.toString(model.version().version())),
                Optional.empty(), startTime, Optional.empty());
    }

    /** Copies the fields of a JSON object into the row: strings, numbers and booleans as such, NaN as missing. */
    private static void putFields(String json, String prefix, Map<String, Object> row) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (IOException e) {
            return;
        }
        if (node == null || !node.isObject()) {
            return;
        }
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            JsonNode value = field.getValue();
            Object converted;
            if (value.isNumber()) {
                converted = value.doubleValue();
            } else if (value.isTextual()) {
                converted = value.textValue().equals("NaN") ? null : value.textValue();
            } else if (value.isBoolean()) {
                converted = value.booleanValue();
            } else if (value.isNull()) {
                converted = null;
            } else {
                converted = value.toString();
            }
            row.put(prefix + field.getKey(), converted);
        }
    }
}
