package dev.slipway.client;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.logged.DatasetFilter;
import dev.slipway.core.logged.LoggedModel;
import dev.slipway.core.logged.LoggedModelService.OrderTerm;
import dev.slipway.core.logged.LoggedModelStatus;
import dev.slipway.core.tracking.Metric;
import dev.slipway.core.tracking.Page;
import dev.slipway.core.tracking.Param;
import dev.slipway.core.tracking.Tag;
import java.util.List;
import java.util.Optional;

/**
 * A client of MLflow 3's logged models on an MLflow-compatible server ({@code logged-models/*}): models logged in an
 * experiment, with their status, params, tags and metrics. Obtained from {@link TrackingClient#loggedModels()}.
 *
 * <p>Every method throws {@link SlipwayException} with the server's {@code error_code} and message, as
 * {@link TrackingClient} does: RESOURCE_DOES_NOT_EXIST for a missing or deleted model, experiment or run,
 * INVALID_PARAMETER_VALUE for bad input. Thread-safe.
 */
public final class LoggedModelClient {
    private static final String API = "api/2.0/mlflow/logged-models";

    private final RestTransport transport;

    LoggedModelClient(RestTransport transport) {
        this.transport = requireNonNull(transport, "transport is null");
    }

    /**
     * Creates a PENDING model in the experiment; the server generates the name when it is absent, and the id
     * ({@code m-...}) and artifact location always.
     */
    public LoggedModel createLoggedModel(String experimentId, Optional<String> name, Optional<String> modelType,
            Optional<String> sourceRunId, List<Param> params, List<Tag> tags) {
        ObjectNode body = transport.object().put("experiment_id", experimentId);
        name.ifPresent(value -> body.put("name", value));
        modelType.ifPresent(value -> body.put("model_type", value));
        sourceRunId.ifPresent(value -> body.put("source_run_id", value));
        body.set("params", params(params));
        body.set("tags", TrackingJson.tags(tags));
        return model(transport.post(API, body));
    }

    /** @throws SlipwayException RESOURCE_DOES_NOT_EXIST for a missing or deleted model */
    public LoggedModel getLoggedModel(String modelId) {
        return getLoggedModel(modelId, false);
    }

    /** The model; a deleted one only with {@code allowDeleted}. */
    public LoggedModel getLoggedModel(String modelId, boolean allowDeleted) {
        Query query = new Query();
        if (allowDeleted) {
            query.add("allow_deleted", "true");
        }
        return model(transport.get(modelPath(modelId), query));
    }

    /**
     * Marks the upload of the model's files as done: READY or UPLOAD_FAILED.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE for PENDING
     */
    public LoggedModel finalizeLoggedModel(String modelId, LoggedModelStatus status) {
        return model(transport.patch(modelPath(modelId), transport.object().put("status", status.wireName())));
    }

    /** Deletes the model softly: afterwards only {@code getLoggedModel(id, true)} finds it. */
    public void deleteLoggedModel(String modelId) {
        transport.delete(modelPath(modelId), transport.object());
    }

    /**
     * One page (at most 50) of the active models of the experiments that match the filter
     * ({@code params.lr = '0.1' AND metrics.accuracy > 0.9}), ordered by the terms (attributes such as
     * {@code creation_timestamp}, or {@code metrics.<key>}); metric filters and orders count only values on
     * {@code datasets} when given.
     */
    public Page<LoggedModel> searchLoggedModels(List<String> experimentIds, Optional<String> filter,
            List<DatasetFilter> datasets, Optional<Integer> maxResults, List<OrderTerm> orderBy,
            Optional<String> pageToken) {
        ObjectNode body = transport.object();
        ArrayNode ids = body.putArray("experiment_ids");
        experimentIds.forEach(ids::add);
        filter.ifPresent(value -> body.put("filter", value));
        ArrayNode datasetArray = body.putArray("datasets");
        for (DatasetFilter dataset : datasets) {
            ObjectNode node = datasetArray.addObject().put("dataset_name", dataset.datasetName());
            dataset.datasetDigest().ifPresent(value -> node.put("dataset_digest", value));
        }
        maxResults.ifPresent(value -> body.put("max_results", value));
        ArrayNode order = body.putArray("order_by");
        for (OrderTerm term : orderBy) {
            ObjectNode node = order.addObject().put("field_name", term.fieldName()).put("ascending", term.ascending());
            term.datasetName().ifPresent(value -> node.put("dataset_name", value));
            term.datasetDigest().ifPresent(value -> node.put("dataset_digest", value));
        }
        pageToken.ifPresent(value -> body.put("page_token", value));
        JsonNode response = transport.post(API + "/search", body);
        return new Page<>(TrackingJson.list(response.path("models"), LoggedModelJson::loggedModel),
                RestTransport.nextPageToken(response));
    }

    /** Every model matching the search, following page tokens. */
    public List<LoggedModel> searchAllLoggedModels(List<String> experimentIds, Optional<String> filter,
            List<DatasetFilter> datasets, List<OrderTerm> orderBy) {
        return Pages.all(pageToken -> searchLoggedModels(experimentIds, filter, datasets, Optional.empty(), orderBy,
                pageToken));
    }

    /** Sets the tags, overwriting the values of existing keys. */
    public void setLoggedModelTags(String modelId, List<Tag> tags) {
        ObjectNode body = transport.object();
        body.set("tags", TrackingJson.tags(tags));
        transport.patch(modelPath(modelId) + "/tags", body);
    }

    /** @throws SlipwayException RESOURCE_DOES_NOT_EXIST if the model has no tag with the key */
    public void deleteLoggedModelTag(String modelId, String key) {
        if (key.isEmpty()) {
            throw SlipwayException.invalidParameter("Missing value for required parameter 'tag_key'");
        }
        StringBuilder path = new StringBuilder(modelPath(modelId)).append("/tags");
        // tag keys may hold '/', which the route takes as part of the key; every other character is escaped
        for (String segment : key.split("/", -1)) {
            path.append('/').append(TrackingClient.encodePathSegment(segment));
        }
        transport.delete(path.toString(), transport.object());
    }

    /**
     * Logs params; like run params they are write-once.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE if a key was logged before with another value
     */
    public void logLoggedModelParams(String modelId, List<Param> params) {
        ObjectNode body = transport.object();
        body.set("params", params(params));
        transport.post(modelPath(modelId) + "/params", body);
    }

    /**
     * Logs metric values of the run that are also values of the model, computed on the dataset when given, as MLflow
     * 3 does ({@code runs/log-batch} with each metric's {@code model_id}): they show in the run's metrics and in the
     * model's. At most 1000 metrics per call.
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST for a missing run or model
     */
    public void logMetrics(String runId, String modelId, Optional<DatasetFilter> dataset, List<Metric> metrics) {
        if (modelId.isEmpty()) {
            throw SlipwayException.invalidParameter("Missing value for required parameter 'model_id'");
        }
        ObjectNode body = transport.object().put("run_id", runId);
        ArrayNode metricArray = body.putArray("metrics");
        for (Metric metric : metrics) {
            ObjectNode node = TrackingJson.toJson(metric).put("model_id", modelId);
            dataset.ifPresent(value -> {
                node.put("dataset_name", value.datasetName());
                value.datasetDigest().ifPresent(digest -> node.put("dataset_digest", digest));
            });
            metricArray.add(node);
        }
        transport.post("api/2.0/mlflow/runs/log-batch", body);
    }

    private ArrayNode params(List<Param> params) {
        ArrayNode array = transport.object().arrayNode();
        params.forEach(param -> array.addObject().put("key", param.key()).put("value", param.value()));
        return array;
    }

    private static String modelPath(String modelId) {
        if (modelId.isEmpty()) {
            throw SlipwayException.invalidParameter("Missing value for required parameter 'model_id'");
        }
        return API + "/" + TrackingClient.encodePathSegment(modelId);
    }

    private static LoggedModel model(JsonNode response) {
        return LoggedModelJson.loggedModel(response.path("model"));
    }
}
