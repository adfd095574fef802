package dev.slipway.server;

import static io.javalin.http.HandlerType.POST;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.predictions.JoinedPrediction;
import dev.slipway.core.predictions.LoggedPrediction;
import dev.slipway.core.predictions.PredictionFeedback;
import dev.slipway.core.predictions.PredictionLogService;
import dev.slipway.core.predictions.PredictionLogService.NewFeedback;
import dev.slipway.core.predictions.PredictionQuery;
import dev.slipway.core.tracking.Page;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Slipway's prediction log endpoints (not part of MLflow), under {@code /api/2.0/slipway/predictions/} and
 * {@code /ajax-api/2.0/slipway/predictions/}: {@code log-batch} appends scored rows sent by model servers,
 * {@code feedback} stores actual values by request id and row, {@code search} reads a model's rows joined with
 * their feedback, {@code count} counts them. Inputs and outputs are JSON objects, an actual value any JSON value;
 * they are stored as compact JSON text and given back as they were stored. Logged rows are also added to the
 * {@link PredictionSketches} that {@link MonitoringRoutes} reads.
 */
final class PredictionLogRoutes {
    static final List<String> PREFIXES = List.of("/api/2.0/slipway/predictions/",
            "/ajax-api/2.0/slipway/predictions/");

    private final PredictionLogService predictionLog;
    private final Optional<PredictionSketches> sketches;
    private final RequestReader reader;

    /** @param sketches where logged rows are sketched for monitoring, when the backend keeps sketches */
    PredictionLogRoutes(PredictionLogService predictionLog, Optional<PredictionSketches> sketches,
            RequestReader reader) {
        this.predictionLog = requireNonNull(predictionLog, "predictionLog is null");
        this.sketches = requireNonNull(sketches, "sketches is null");
        this.reader = requireNonNull(reader, "reader is null");
    }

    void register(RoutesConfig routes) {
        add(routes, POST, "log-batch", this::logBatch);
        add(routes, POST, "feedback", this::feedback);
        add(routes, POST, "search", this::search);
        add(routes, POST, "count", this::count);
    }

    private static void add(RoutesConfig routes, HandlerType method, String path, Handler handler) {
        for (String prefix : PREFIXES) {
            routes.addHttpHandler(method, prefix + path, handler);
        }
    }

    private void logBatch(Context ctx) {
        ApiRequest request = reader.read(ctx);
        if (!request.has("predictions")) {
            throw request.missingValue("predictions");
        }
        List<ApiRequest> rows = request.objects("predictions");
        if (rows.size() > PredictionLogService.MAX_BATCH_ROWS) {
            throw SlipwayException.invalidParameter("A batch may hold at most %d entries in 'predictions', got %d",
                    PredictionLogService.MAX_BATCH_ROWS, rows.size());
        }
        List<LoggedPrediction> predictions = new ArrayList<>(rows.size());
        List<PredictionSketches.Row> sketched = new ArrayList<>(sketches.isPresent() ? rows.size() : 0);
        for (ApiRequest row : rows) {
            // Fields are read in this order so that the first bad one is the one reported.
            String requestId = row.requiredString("request_id");
            int rowIndex = rowIndex(row);
            long timestamp = row.requiredInt64("timestamp_ms");
            String modelName = row.requiredString("model_name");
            String modelVersion = row.requiredId("model_version");
            String variant = row.requiredString("variant");
            JsonNode inputs = jsonObject(row, "inputs");
            JsonNode outputs = jsonObject(row, "outputs");
            LoggedPrediction prediction = new LoggedPrediction(requestId, rowIndex, timestamp, modelName, modelVersion,
                    variant, text(inputs), text(outputs), row.requiredDouble("latency_ms"));
            predictions.add(prediction);
            if (sketches.isPresent()) {
                // The request is already parsed: the sketches read the same trees rather than parse the text again.
                sketched.add(new PredictionSketches.Row(prediction.modelName(), prediction.modelVersion(),
                        prediction.timestamp(), inputs, outputs));
            }
        }
        predictionLog.logPredictions(predictions);
        sketches.ifPresent(sketch -> sketch.add(sketched));
        WireFormat.sendEmpty(ctx);
    }

    private void feedback(Context ctx) {
        ApiRequest request = reader.read(ctx);
        if (!request.has("feedback")) {
            throw request.missingValue("feedback");
        }
        List<ApiRequest> entries = request.objects("feedback");
        if (entries.size() > PredictionLogService.MAX_BATCH_ROWS) {
            throw SlipwayException.invalidParameter("A batch may hold at most %d entries in 'feedback', got %d",
                    PredictionLogService.MAX_BATCH_ROWS, entries.size());
        }
        List<NewFeedback> feedback = new ArrayList<>(entries.size());
        for (ApiRequest entry : entries) {
            JsonNode actual = entry.json("actual").orElseThrow(() -> entry.missingValue("actual"));
            feedback.add(new NewFeedback(entry.requiredString("request_id"), rowIndex(entry), text(actual),
                    entry.int64("timestamp_ms")));
        }
        predictionLog.logFeedback(feedback);
        WireFormat.sendEmpty(ctx);
    }

    private void search(Context ctx) {
        ApiRequest request = reader.read(ctx);
        Page<JoinedPrediction> page = predictionLog.searchPredictions(query(request), request.int64("max_results"),
                request.string("page_token"));
        WireFormat.send(ctx, WireFormat.object(generator -> {
            generator.writeArrayFieldStart("predictions");
            for (JoinedPrediction joined : page.items()) {
                prediction(generator, joined);
            }
            generator.writeEndArray();
            if (page.nextPageToken().isPresent()) {
                generator.writeStringField("next_page_token", page.nextPageToken().get());
            }
        }));
    }

    private void count(Context ctx) {
        ApiRequest request = reader.read(ctx);
        long count = predictionLog.countPredictions(query(request));
        WireFormat.send(ctx, WireFormat.object(generator -> generator.writeNumberField("count", count)));
    }

    private static PredictionQuery query(ApiRequest request) {
        return new PredictionQuery(request.requiredString("model_name"), request.id("model_version"),
                request.string("variant"), request.int64("start_time"), request.int64("end_time"));
    }

    private static int rowIndex(ApiRequest row) {
        int index = row.int32("row_index").orElse(0);
        if (index < 0) {
            throw row.invalidValue("row_index", row.json("row_index").orElseThrow());
        }
        return index;
    }

    /** The field's JSON object. */
    private static JsonNode jsonObject(ApiRequest row, String field) {
        JsonNode node = row.json(field).orElseThrow(() -> row.missingValue(field));
        if (!node.isObject()) {
            throw row.invalidValue(field, node);
        }
        return node;
    }

    private static String text(JsonNode node) {
        try {
            return WireFormat.MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void prediction(JsonGenerator generator, JoinedPrediction joined) throws IOException {
        LoggedPrediction prediction = joined.prediction();
        generator.writeStartObject();
        generator.writeStringField("request_id", prediction.requestId());
        generator.writeNumberField("row_index", prediction.rowIndex());
        generator.writeNumberField("timestamp_ms", prediction.timestamp());
        generator.writeStringField("model_name", prediction.modelName());
        generator.writeStringField("model_version", prediction.modelVersion());
        generator.writeStringField("variant", prediction.variant());
        generator.writeFieldName("inputs");
        generator.writeRawValue(prediction.inputsJson());
        generator.writeFieldName("outputs");
        generator.writeRawValue(prediction.outputsJson());
        generator.writeNumberField("latency_ms", prediction.latencyMillis());
        if (joined.feedback().isPresent()) {
            PredictionFeedback feedback = joined.feedback().get();
            generator.writeFieldName("actual");
            generator.writeRawValue(feedback.actualJson());
            generator.writeNumberField("feedback_timestamp_ms", feedback.timestamp());
        }
        generator.writeEndObject();
    }
}
