package dev.slipway.serving;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.predictions.PredictionFeedback;
import dev.slipway.models.scoring.Predictions;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * MLflow's scoring protocol: {@code POST /invocations} (and {@code POST /models/<name>/invocations}),
 * {@code GET /ping}, {@code GET /health}, {@code GET /version}, plus {@code POST /feedback}.
 *
 * <p>With several models, {@code /invocations} is routed by the header {@code X-Slipway-Model: <name>}, or the client
 * posts to {@code /models/<name>/invocations}; with one model both are optional.
 */
final class MlflowRoutes {
    static final String MODEL_HEADER = "X-Slipway-Model";
    static final String PROTOCOL = "mlflow";

    private final ModelRepository models;
    private final Scorer scorer;
    private final PredictionLog log;
    private final ServingOptions options;
    private final Clock clock;

    MlflowRoutes(ServingOptions options, Scorer scorer) {
        this.options = requireNonNull(options, "options is null");
        this.models = options.models();
        this.log = options.predictionLog();
        this.clock = options.clock();
        this.scorer = requireNonNull(scorer, "scorer is null");
    }

    void register(RoutesConfig routes) {
        routes.get("/ping", this::health);
        routes.get("/health", this::health);
        routes.get("/version", ctx -> ctx.contentType("text/plain; charset=utf-8").result(options.version()));
        routes.post("/invocations", ctx -> invocations(ctx, Optional.empty()));
        routes.post("/models/{name}/invocations", ctx -> invocations(ctx, Optional.of(ctx.pathParam("name"))));
        routes.post("/feedback", this::feedback);
    }

    /** MLflow answers 200 with a newline once the model is loaded, 404 before. */
    private void health(Context ctx) {
        ctx.status(models.ready() ? 200 : 404).contentType("application/json").result("\n");
    }

    private void invocations(Context ctx, Optional<String> pathModel) {
        long deadline = System.nanoTime() + options.requestTimeout().toNanos();
        ctx.attribute(ServingServer.PROTOCOL_ATTRIBUTE, PROTOCOL);
        Scorer.Outcome outcome = new Scorer.Outcome();
        ctx.attribute(ServingServer.OUTCOME_ATTRIBUTE, outcome);
        String requestId = RequestBodies.requestId(RequestBodies.header(ctx, RequestBodies.REQUEST_ID_HEADER));
        ctx.header(RequestBodies.REQUEST_ID_HEADER, requestId);
        ctx.attribute(ServingServer.REQUEST_ID_ATTRIBUTE, requestId);
        String model = modelName(pathModel.or(() -> RequestBodies.header(ctx, MODEL_HEADER)));
        outcome.model = model;
        String type = MlflowRequests.mediaType(ctx.header("Content-Type"));
        byte[] body = RequestBodies.read(ctx, options.maxRequestBytes());
        InputTable table = type.equals(MlflowRequests.JSON_TYPE)
                ? MlflowRequests.fromJson(MlflowRequests.parseJson(body)) : MlflowRequests.fromCsv(body);
        Scorer.Scored scored = scorer.score(model, RequestBodies.header(ctx, RequestBodies.REQUEST_KEY_HEADER), table,
                requestId, deadline, outcome);
        RequestBodies.send(ctx, "application/json", predictions(scored));
    }

    private String modelName(Optional<String> requested) {
        if (requested.isPresent()) {
            return requested.get();
        }
        List<String> names = models.modelNames();
        if (names.size() == 1) {
            return names.get(0);
        }
        throw ServingFailure.badRequest("This server serves several models (%s); name one with the header %s: <name>"
                + " or post to /models/<name>/invocations", String.join(", ", names), MODEL_HEADER);
    }

    /** {@code {"predictions": [{column: value, ...}, ...]}}: the output DataFrame as records. */
    private static byte[] predictions(Scorer.Scored scored) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + scored.rows() * 64);
        try (JsonGenerator generator = MlflowRequests.JSON.getFactory().createGenerator(out)) {
            generator.writeStartObject();
            generator.writeArrayFieldStart("predictions");
            for (int row = 0; row < scored.rows(); row++) {
                Predictions chunk = scored.chunk(row);
                generator.writeStartObject();
                PredictionFields.write(generator, chunk, scored.rowInChunk(row));
                generator.writeEndObject();
            }
            generator.writeEndArray();
            generator.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * {@code {"request_id": "...", "actual": <value>}} (optionally {@code "row"}) or
     * {@code {"feedback": [{"request_id", "row", "actual"}, ...]}}; answers {@code {}}.
     */
    private void feedback(Context ctx) {
        String type = MlflowRequests.mediaType(ctx.header("Content-Type"));
        if (!type.equals(MlflowRequests.JSON_TYPE)) {
            throw new ServingFailure(415, "BAD_REQUEST", "PredictionFeedback must be application/json");
        }
        JsonNode root = MlflowRequests.parseJson(RequestBodies.read(ctx, options.maxRequestBytes()));
        if (!root.isObject()) {
            throw ServingFailure.badRequest("PredictionFeedback must be a JSON object");
        }
        long now = clock.millis();
        List<PredictionFeedback> feedback = new ArrayList<>();
        if (root.has("feedback")) {
            JsonNode items = root.get("feedback");
            if (!items.isArray() || items.isEmpty()) {
                throw ServingFailure.badRequest("'feedback' must be a non-empty list of"
                        + " {\"request_id\", \"row\", \"actual\"} objects");
            }
            int index = 0;
            for (JsonNode item : items) {
                feedback.add(feedbackItem(item, "feedback[" + index + "]", now));
                index++;
            }
        } else {
            feedback.add(feedbackItem(root, "the request", now));
        }
        try {
            log.feedback(feedback);
        } catch (SlipwayException e) {
            if (e.errorCode() == ErrorCode.INTERNAL_ERROR) {
                throw e;
            }
            throw new ServingFailure(e.errorCode().httpStatus(), e.errorCode().name(), e.getMessage());
        }
        ctx.contentType("application/json").result("{}");
    }

    private static PredictionFeedback feedbackItem(JsonNode item, String where, long now) {
        if (!item.isObject()) {
            throw ServingFailure.badRequest("%s must be an object with \"request_id\" and \"actual\"", where);
        }
        JsonNode requestId = item.get("request_id");
        if (requestId == null || !requestId.isTextual() || requestId.textValue().isBlank()) {
            throw ServingFailure.badRequest("%s needs \"request_id\": the X-Request-Id of the scored request", where);
        }
        JsonNode actual = item.get("actual");
        if (actual == null) {
            throw ServingFailure.badRequest("%s needs \"actual\": the actual value", where);
        }
        JsonNode row = item.get("row");
        int rowIndex = 0;
        if (row != null && !row.isNull()) {
            if (!row.canConvertToInt() || !row.isIntegralNumber() || row.intValue() < 0) {
                throw ServingFailure.badRequest("%s has \"row\": %s; expected a row index of 0 or more", where, row);
            }
            rowIndex = row.intValue();
        }
        return new PredictionFeedback(requestId.textValue(), rowIndex, actual.toString(), now);
    }
}
