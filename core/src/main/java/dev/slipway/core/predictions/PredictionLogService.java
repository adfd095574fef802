package dev.slipway.core.predictions;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import dev.slipway.core.audit.AuditStore;
import dev.slipway.core.gitops.DeploymentStore;
import dev.slipway.core.monitors.MonitorStore;
import dev.slipway.core.search.PageToken;
import dev.slipway.core.tracking.Page;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rules of the prediction log in front of a {@link PredictionLogStore}: batch sizes, the lengths of ids and
 * names, the sizes of the JSON texts, and search paging. Every public method validates its input and throws
 * {@link SlipwayException} INVALID_PARAMETER_VALUE with a message naming the field (and the row of the batch) on
 * bad input. The JSON texts are stored as given: the caller (the HTTP route) has parsed them. Thread-safe.
 */
public final class PredictionLogService {
    /** The most predictions, or feedback entries, in one request. */
    public static final int MAX_BATCH_ROWS = 5000;
    /** The longest inputs, outputs or actual value, in characters of JSON text. */
    public static final int MAX_JSON_LENGTH = 64 * 1024;
    public static final int MAX_REQUEST_ID_LENGTH = 128;
    public static final int MAX_MODEL_NAME_LENGTH = 256;
    public static final int MAX_MODEL_VERSION_LENGTH = 64;
    public static final int MAX_VARIANT_LENGTH = 32;
    public static final int MAX_SEARCH_RESULTS = 10_000;
    public static final int DEFAULT_SEARCH_RESULTS = 1000;

    private final PredictionLogStore store;
    private final Clock clock;

    public PredictionLogService(PredictionLogStore store, Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Feedback as a request carries it: without a timestamp, it is stamped with the time it is received. */
    public record NewFeedback(String requestId, int rowIndex, String actualJson, Optional<Long> timestamp) {
        public NewFeedback {
            requireNonNull(requestId, "requestId is null");
            requireNonNull(actualJson, "actualJson is null");
            requireNonNull(timestamp, "timestamp is null");
        }
    }

    /**
     * Appends a batch of scored rows, all or none; an empty batch does nothing.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE for more than {@link #MAX_BATCH_ROWS} rows or a row with an
     *     empty or too long id, name, version or variant, too long JSON, a negative time or a latency that is
     *     negative or not finite
     */
    public void logPredictions(List<LoggedPrediction> predictions) {
        requireNonNull(predictions, "predictions is null");
        checkBatchSize("predictions", predictions.size());
        for (int index = 0; index < predictions.size(); index++) {
            LoggedPrediction prediction = predictions.get(index);
            String row = "predictions[" + index + "].";
            checkText(row + "request_id", prediction.requestId(), MAX_REQUEST_ID_LENGTH);
            checkText(row + "model_name", prediction.modelName(), MAX_MODEL_NAME_LENGTH);
            checkText(row + "model_version", prediction.modelVersion(), MAX_MODEL_VERSION_LENGTH);
            checkText(row + "variant", prediction.variant(), MAX_VARIANT_LENGTH);
            checkJson(row + "inputs", prediction.inputsJson());
            checkJson(row + "outputs", prediction.outputsJson());
            checkTime(row + "timestamp_ms", prediction.timestamp());
            if (!Double.isFinite(prediction.latencyMillis()) || prediction.latencyMillis() < 0) {
                throw SlipwayException.invalidParameter("Invalid value %s for parameter '%slatency_ms': expected a "
                        + "finite number of milliseconds >= 0", prediction.latencyMillis(), row);
            }
        }
        if (!predictions.isEmpty()) {
            store.appendPredictions(predictions);
        }
    }

    /**
     * Stores actual values for earlier (or not yet stored) predictions, all or none; an empty list does nothing.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE for more than {@link #MAX_BATCH_ROWS} entries, an empty or
     *     too long request id, a negative row index or time, or too long JSON
     */
    public void logFeedback(List<NewFeedback> feedback) {
        requireNonNull(feedback, "feedback is null");
        checkBatchSize("feedback", feedback.size());
        long now = clock.millis();
        List<PredictionFeedback> stamped = new ArrayList<>(feedback.size());
        for (int index = 0; index < feedback.size(); index++) {
            NewFeedback entry = feedback.get(index);
            String row = "feedback[" + index + "].";
            checkText(row + "request_id", entry.requestId(), MAX_REQUEST_ID_LENGTH);
            if (entry.rowIndex() < 0) {
                throw SlipwayException.invalidParameter("Invalid value %d for parameter '%srow_index': expected a "
                        + "row index >= 0", entry.rowIndex(), row);
            }
            checkJson(row + "actual", entry.actualJson());
            long timestamp = entry.timestamp().orElse(now);
            checkTime(row + "timestamp_ms", timestamp);
            stamped.add(new PredictionFeedback(entry.requestId(), entry.rowIndex(), entry.actualJson(), timestamp));
        }
        if (!stamped.isEmpty()) {
            store.appendFeedback(stamped);
        }
    }

    /**
     * One page of the model's predictions matching the query, oldest first, each with its feedback when known.
     *
     * @param maxResults at most {@link #MAX_SEARCH_RESULTS}; {@link #DEFAULT_SEARCH_RESULTS} when absent
     * @throws SlipwayException INVALID_PARAMETER_VALUE for an empty model name, a bad page size, time range or
     *     page token
     */
    public Page<JoinedPrediction> searchPredictions(PredictionQuery query, Optional<Long> maxResults,
            Optional<String> pageToken) {
        validate(query);
        long pageSize = maxResults.orElse((long) DEFAULT_SEARCH_RESULTS);
        if (pageSize < 1 || pageSize > MAX_SEARCH_RESULTS) {
            throw SlipwayException.invalidParameter("Invalid value %d for parameter 'max_results' supplied: it must "
                    + "be between 1 and %d", pageSize, MAX_SEARCH_RESULTS);
        }
        return store.searchPredictions(query, (int) pageSize, PageToken.decode(pageToken));
    }

    /** The store of prediction sketches over the log's database, when its backend keeps them. */
    public Optional<PredictionSketchStore> sketchStore() {
        return store.sketchStore();
    }

    /** The store of monitors over the log's database, when its backend keeps them. */
    public Optional<MonitorStore> monitorStore() {
        return store.monitorStore();
    }

    /** The store of deployment statuses and events over the log's database, when its backend keeps them. */
    public Optional<DeploymentStore> deploymentStore() {
        return store.deploymentStore();
    }

    /** The append-only audit log over the log's database, when its backend keeps one. */
    public Optional<AuditStore> auditStore() {
        return store.auditStore();
    }

    /** The number of the model's predictions matching the query. */
    public long countPredictions(PredictionQuery query) {
        validate(query);
        return store.countPredictions(query);
    }

    private static void validate(PredictionQuery query) {
        requireNonNull(query, "query is null");
        checkText("model_name", query.modelName(), MAX_MODEL_NAME_LENGTH);
        query.modelVersion().ifPresent(version -> checkText("model_version", version, MAX_MODEL_VERSION_LENGTH));
        query.variant().ifPresent(variant -> checkText("variant", variant, MAX_VARIANT_LENGTH));
        if (query.startTime().isPresent() && query.endTime().isPresent()
                && query.startTime().get() > query.endTime().get()) {
            throw SlipwayException.invalidParameter("Invalid time range: start_time %d is after end_time %d",
                    query.startTime().get(), query.endTime().get());
        }
    }

    private static void checkBatchSize(String field, int size) {
        if (size > MAX_BATCH_ROWS) {
            throw SlipwayException.invalidParameter("A batch may hold at most %d entries in '%s', got %d",
                    MAX_BATCH_ROWS, field, size);
        }
    }

    private static void checkText(String field, String value, int maxLength) {
        if (value.isEmpty()) {
            throw SlipwayException.invalidParameter("Missing value for required parameter '%s'.", field);
        }
        if (value.length() > maxLength) {
            throw SlipwayException.invalidParameter("'%s' exceeds the maximum length of %d characters (got %d)",
                    field, maxLength, value.length());
        }
    }

    private static void checkJson(String field, String json) {
        if (json.isEmpty()) {
            throw SlipwayException.invalidParameter("Missing value for required parameter '%s'.", field);
        }
        if (json.length() > MAX_JSON_LENGTH) {
            throw SlipwayException.invalidParameter("'%s' exceeds the maximum size of %d characters of JSON (got %d)",
                    field, MAX_JSON_LENGTH, json.length());
        }
    }

    private static void checkTime(String field, long timestamp) {
        if (timestamp < 0) {
            throw SlipwayException.invalidParameter("Invalid value %d for parameter '%s': expected epoch "
                    + "milliseconds >= 0", timestamp, field);
        }
    }
}
