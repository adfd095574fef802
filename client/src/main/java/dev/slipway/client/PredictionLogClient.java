package dev.slipway.client;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.predictions.JoinedPrediction;
import dev.slipway.core.predictions.LoggedPrediction;
import dev.slipway.core.predictions.PredictionFeedback;
import dev.slipway.core.predictions.PredictionQuery;
import dev.slipway.core.tracking.Page;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A client of Slipway's prediction log on a Slipway tracking server ({@code slipway/predictions/*}): model servers
 * append the rows they scored, feedback (actual values) is stored by request id and row, and a model's rows are
 * read back joined with their feedback. Obtained from {@link TrackingClient#predictions()}.
 *
 * <p>Every method throws {@link SlipwayException} with the server's {@code error_code} and message, as
 * {@link TrackingClient} does: INVALID_PARAMETER_VALUE for bad input (including inputs, outputs or an actual value
 * that is not JSON, found before anything is sent), TEMPORARILY_UNAVAILABLE or INTERNAL_ERROR when the server
 * cannot be reached or fails. Thread-safe.
 */
public final class PredictionLogClient {
    private static final String API = "api/2.0/slipway/predictions/";

    private final RestTransport transport;
    /** Reads the JSON texts of rows; model outputs may hold NaN, which the server keeps as the string "NaN". */
    private final JsonMapper mapper = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    PredictionLogClient(RestTransport transport) {
        this.transport = requireNonNull(transport, "transport is null");
    }

    /**
     * Appends the scored rows in one request, all or none; the server takes at most 5,000 rows at a time.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE when a row's inputs or outputs are not a JSON object
     */
    public void appendBatch(List<LoggedPrediction> predictions) {
        requireNonNull(predictions, "predictions is null");
        ArrayNode rows = transport.object().arrayNode(predictions.size());
        for (int index = 0; index < predictions.size(); index++) {
            LoggedPrediction prediction = predictions.get(index);
            ObjectNode row = rows.addObject();
            row.put("request_id", prediction.requestId());
            row.put("row_index", prediction.rowIndex());
            row.put("timestamp_ms", prediction.timestamp());
            row.put("model_name", prediction.modelName());
            row.put("model_version", prediction.modelVersion());
            row.put("variant", prediction.variant());
            row.set("inputs", json(prediction.inputsJson(), "predictions[" + index + "].inputs"));
            row.set("outputs", json(prediction.outputsJson(), "predictions[" + index + "].outputs"));
            row.put("latency_ms", prediction.latencyMillis());
        }
        ObjectNode body = transport.object();
        body.set("predictions", rows);
        transport.post(API + "log-batch", body);
    }

    /**
     * Stores actual values for earlier predictions by request id and row, all or none; feedback for a prediction
     * not yet stored is kept and joins it once it is.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE when an actual value is not JSON
     */
    public void feedback(List<PredictionFeedback> feedback) {
        requireNonNull(feedback, "feedback is null");
        ArrayNode entries = transport.object().arrayNode(feedback.size());
        for (int index = 0; index < feedback.size(); index++) {
            PredictionFeedback entry = feedback.get(index);
            ObjectNode node = entries.addObject();
            node.put("request_id", entry.requestId());
            node.put("row_index", entry.rowIndex());
            node.set("actual", json(entry.actualJson(), "feedback[" + index + "].actual"));
            node.put("timestamp_ms", entry.timestamp());
        }
        ObjectNode body = transport.object();
        body.set("feedback", entries);
        transport.post(API + "feedback", body);
    }

    /**
     * One page of the model's logged rows matching the query, oldest first, each with its feedback when known.
     *
     * @param maxResults at most 10,000; the server's default (1,000) when absent
     */
    public Page<JoinedPrediction> search(PredictionQuery query, Optional<Integer> maxResults,
            Optional<String> pageToken) {
        ObjectNode body = queryBody(query);
        maxResults.ifPresent(value -> body.put("max_results", value));
        pageToken.ifPresent(value -> body.put("page_token", value));
        JsonNode response = transport.post(API + "search", body);
        List<JoinedPrediction> items = new ArrayList<>();
        for (JsonNode node : response.path("predictions")) {
            items.add(joined(node));
        }
        return new Page<>(items, RestTransport.nextPageToken(response));
    }

    /** The number of the model's logged rows matching the query. */
    public long count(PredictionQuery query) {
        return transport.post(API + "count", queryBody(query)).path("count").asLong();
    }

    /**
     * The server's sketch of one model version's logged rows scored in {@code [startTime, endTime)} (epoch ms; the
     * server defaults to the last 24 hours when a bound is absent), from {@code GET slipway/monitoring/window}.
     *
     * @throws SlipwayException ENDPOINT_NOT_FOUND (or RESOURCE_DOES_NOT_EXIST) from a server without the endpoint
     */
    public MonitoringWindow monitoringWindow(String modelName, String modelVersion, Optional<Long> startTime,
            Optional<Long> endTime) {
        Query query = new Query().add("model_name", requireNonNull(modelName, "modelName is null"))
                .add("model_version", requireNonNull(modelVersion, "modelVersion is null"));
        startTime.ifPresent(value -> query.add("start_time", Long.toString(value)));
        endTime.ifPresent(value -> query.add("end_time", Long.toString(value)));
        JsonNode response = transport.get("api/2.0/slipway/monitoring/window", query);
        JsonNode sketch = response.get("sketch");
        return new MonitoringWindow(modelName, modelVersion, response.path("start_time").asLong(),
                response.path("end_time").asLong(), response.path("rows").asLong(),
                sketch == null || sketch.isNull() ? Optional.empty() : Optional.of(sketch));
    }

    /**
     * A window of a model version's logged rows as the server sketched them: {@code sketch} is the JSON of a
     * {@code dev.slipway.monitoring.DatasetSketch}, absent when the window has no rows.
     */
    public record MonitoringWindow(String modelName, String modelVersion, long startTime, long endTime, long rows,
            Optional<JsonNode> sketch) {
        public MonitoringWindow {
            requireNonNull(modelName, "modelName is null");
            requireNonNull(modelVersion, "modelVersion is null");
            requireNonNull(sketch, "sketch is null");
        }
    }

    /**
     * The live quality of one model version over its logged rows scored in {@code [startTime, endTime)} (epoch ms;
     * the server defaults to the last 24 hours when a bound is absent) that have feedback, computed by the server
     * from {@code GET slipway/monitoring/quality}.
     *
     * @param positiveLabel the positive class of a binary classifier; absent to let the server pick it (the second
     *     class of the logged probabilities, else the larger of two labels)
     * @throws SlipwayException INVALID_PARAMETER_VALUE for a bad time range or label; ENDPOINT_NOT_FOUND (or
     *     RESOURCE_DOES_NOT_EXIST) from a server without the endpoint
     */
    public QualityWindow quality(String modelName, String modelVersion, Optional<Long> startTime,
            Optional<Long> endTime, Optional<String> positiveLabel) {
        Query query = new Query().add("model_name", requireNonNull(modelName, "modelName is null"))
                .add("model_version", requireNonNull(modelVersion, "modelVersion is null"));
        startTime.ifPresent(value -> query.add("start_time", Long.toString(value)));
        endTime.ifPresent(value -> query.add("end_time", Long.toString(value)));
        positiveLabel.ifPresent(value -> query.add("positive_label", value));
        JsonNode response = transport.get("api/2.0/slipway/monitoring/quality", query);
        JsonNode quality = response.get("quality");
        return new QualityWindow(modelName, modelVersion, response.path("start_time").asLong(),
                response.path("end_time").asLong(), response.path("predictions").asLong(),
                response.path("labelled").asLong(), response.path("skipped").asLong(),
                text(response, "skipped_reason"), text(response, "task"), text(response, "positive_label"),
                quality == null || quality.isNull() ? Optional.empty() : Optional.of(quality),
                text(response, "not_enough_data"));
    }

    /**
     * A model version's live quality over a window as the server computed it from the labelled rows.
     *
     * @param predictions the rows logged in the window
     * @param labelled of them, those with feedback; only these count
     * @param skipped of those, the ones whose outputs or actual value the server could not read
     * @param skippedReason why the first was skipped, when one was
     * @param task {@code classification} or {@code regression}; absent without labelled rows
     * @param positiveLabel the positive class of a binary classifier
     * @param quality the JSON of a {@code dev.slipway.monitoring.ModelQuality}: {@code rows}, each metric's value or
     *     null, and {@code not_enough_data} from metric to reason; absent when no row counted
     * @param notEnoughData why there is no quality, when there is none
     */
    public record QualityWindow(String modelName, String modelVersion, long startTime, long endTime,
            long predictions, long labelled, long skipped, Optional<String> skippedReason, Optional<String> task,
            Optional<String> positiveLabel, Optional<JsonNode> quality, Optional<String> notEnoughData) {
        public QualityWindow {
            requireNonNull(modelName, "modelName is null");
            requireNonNull(modelVersion, "modelVersion is null");
            requireNonNull(skippedReason, "skippedReason is null");
            requireNonNull(task, "task is null");
            requireNonNull(positiveLabel, "positiveLabel is null");
            requireNonNull(quality, "quality is null");
            requireNonNull(notEnoughData, "notEnoughData is null");
        }
    }

    private static Optional<String> text(JsonNode response, String field) {
        JsonNode value = response.get(field);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
    }

    private ObjectNode queryBody(PredictionQuery query) {
        requireNonNull(query, "query is null");
        ObjectNode body = transport.object().put("model_name", query.modelName());
        query.modelVersion().ifPresent(value -> body.put("model_version", value));
        query.variant().ifPresent(value -> body.put("variant", value));
        query.startTime().ifPresent(value -> body.put("start_time", value));
        query.endTime().ifPresent(value -> body.put("end_time", value));
        return body;
    }

    private JsonNode json(String text, String field) {
        try {
            return mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw SlipwayException.invalidParameter("'%s' is not JSON: %s", field, e.getOriginalMessage());
        }
    }

    private static JoinedPrediction joined(JsonNode node) {
        String requestId = RestTransport.requiredText(node, "request_id");
        int rowIndex = node.path("row_index").asInt();
        LoggedPrediction prediction = new LoggedPrediction(requestId, rowIndex, node.path("timestamp_ms").asLong(),
                RestTransport.requiredText(node, "model_name"), RestTransport.requiredText(node, "model_version"),
                RestTransport.requiredText(node, "variant"), requiredJson(node, "inputs"),
                requiredJson(node, "outputs"), node.path("latency_ms").asDouble());
        Optional<PredictionFeedback> feedback = node.has("actual")
                ? Optional.of(new PredictionFeedback(requestId, rowIndex, node.get("actual").toString(),
                        node.path("feedback_timestamp_ms").asLong()))
                : Optional.empty();
        return new JoinedPrediction(prediction, feedback);
    }

    private static String requiredJson(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    "Malformed response from the tracking server: missing field '" + field + "'");
        }
        return value.toString();
    }
}
