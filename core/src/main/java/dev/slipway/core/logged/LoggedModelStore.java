package dev.slipway.core.logged;

import dev.slipway.core.search.Comparison;
import dev.slipway.core.tracking.Page;
import dev.slipway.core.tracking.Param;
import dev.slipway.core.tracking.Tag;
import java.util.List;
import java.util.Optional;

/**
 * The persistence port of logged models (MLflow 3). {@link LoggedModelService} validates every argument and checks
 * the experiment and source run before it gets here, so implementations only enforce what needs the stored state.
 * A deleted model is invisible to every method except {@link #getLoggedModel} with {@code includeDeleted}: it reads
 * as absent and writes to it fail as not found. A model's registrations are the model versions of the registry (in
 * the same database) created with its id and not deleted.
 *
 * <p>Implementations are thread-safe. A method that returns normally has made its change durable. Failures are
 * {@link dev.slipway.core.SlipwayException}s with MLflow error codes: RESOURCE_DOES_NOT_EXIST with
 * {@link LoggedModel#notFound} for a missing or deleted model.
 */
public interface LoggedModelStore extends AutoCloseable {

    /**
     * Stores a new model, PENDING and active, with its params and tags.
     *
     * @throws dev.slipway.core.SlipwayException RESOURCE_DOES_NOT_EXIST if its experiment does not exist
     */
    LoggedModel createLoggedModel(NewLoggedModel model);

    /** The model; a deleted one only when {@code includeDeleted}. */
    Optional<LoggedModel> getLoggedModel(String modelId, boolean includeDeleted);

    /** Marks the model deleted (soft: its rows stay) and sets its update time. */
    void deleteLoggedModel(String modelId, long time);

    /** Sets the status (and the update time) and returns the model as it is now. */
    LoggedModel finalizeLoggedModel(String modelId, LoggedModelStatus status, long time);

    /** Sets the tags, overwriting the values of existing keys; the last value of a key repeated in the list wins. */
    void setLoggedModelTags(String modelId, List<Tag> tags, long time);

    /** @return whether a tag with the key existed */
    boolean deleteLoggedModelTag(String modelId, String key, long time);

    /**
     * Logs params; they are write-once: logging a key again with the same value is a no-op.
     *
     * @throws dev.slipway.core.SlipwayException INVALID_PARAMETER_VALUE if a key was logged with another value
     */
    void logLoggedModelParams(String modelId, List<Param> params, long time);

    /**
     * Appends metric values; a value logged again with the same key, timestamp, step and run replaces the earlier
     * one.
     */
    void logLoggedModelMetrics(String modelId, List<LoggedModelMetric> metrics);

    /**
     * Records that the run produced the models; recording a model again updates its step.
     *
     * @throws dev.slipway.core.SlipwayException RESOURCE_DOES_NOT_EXIST if one of the models is missing or deleted
     */
    void logRunOutputs(String runId, List<LoggedModelOutput> outputs);

    /** The models the run produced, by model id. */
    List<LoggedModelOutput> runOutputs(String runId);

    /**
     * Active models of the experiments matching every comparison, ordered by the terms then by creation time
     * (newest first, unless a term orders by creation time) and model id.
     *
     * <p>Comparisons are on attributes ({@code name}, {@code model_id}, {@code model_type}, {@code status} as the
     * short status name, {@code source_run_id}: strings; {@code creation_timestamp}, {@code last_updated_timestamp}:
     * numbers), params and tags (strings: {@code = != LIKE ILIKE}) and metrics (numbers: a model matches when any of
     * its values of the metric, restricted to {@code datasets} when given, compares true). With {@code datasets} and
     * no metric comparison, only models with a metric on one of the datasets match. Order terms are attributes or
     * metrics (the latest value by timestamp then step; models without one come last).
     */
    Page<LoggedModel> searchLoggedModels(List<String> experimentIds, List<Comparison> filter,
            List<DatasetFilter> datasets, List<LoggedModelOrder> orderBy, int maxResults, long offset);

    @Override
    void close();
}
