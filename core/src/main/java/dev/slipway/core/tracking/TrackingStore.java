package dev.slipway.core.tracking;

import dev.slipway.core.search.Comparison;
import dev.slipway.core.search.OrderBy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The persistence port of experiment tracking. Implementations store experiments, runs, metrics,
 * params, tags and dataset inputs; {@link TrackingService} validates every argument before it gets here,
 * so implementations only enforce what needs the stored state (uniqueness, write-once params).
 *
 * <p>Implementations are thread-safe. A method that returns normally has made its change durable.
 * Failures are {@link dev.slipway.core.SlipwayException}s with MLflow error codes.
 */
public interface TrackingStore extends AutoCloseable {

    /**
     * Creates an experiment with the next free numeric id.
     *
     * @param artifactLocation where the experiment's artifacts go; when absent,
     *     {@code defaultArtifactRoot + "/" + id}
     * @return the new experiment's id
     * @throws dev.slipway.core.SlipwayException RESOURCE_ALREADY_EXISTS if any experiment, active or deleted,
     *     has that name
     */
    String createExperiment(String name, Optional<String> artifactLocation, String defaultArtifactRoot, List<Tag> tags,
            long creationTime);

    Optional<Experiment> getExperiment(String experimentId);

    /** The experiment with this name, preferring an active one over a deleted one. */
    Optional<Experiment> getExperimentByName(String name);

    /**
     * Experiments matching every comparison (attributes {@code name}, {@code creation_time},
     * {@code last_update_time}; tags), ordered by the terms then by experiment id.
     * Default order: creation_time DESC.
     */
    Page<Experiment> searchExperiments(ViewType viewType, List<Comparison> filter, List<OrderBy> orderBy, int maxResults,
            long offset);

    /** Moves the experiment and all its runs to the stage. */
    void setExperimentLifecycleStage(String experimentId, LifecycleStage stage, long updateTime);

    /** @throws dev.slipway.core.SlipwayException RESOURCE_ALREADY_EXISTS if another experiment has the name */
    void renameExperiment(String experimentId, String newName, long updateTime);

    void setExperimentTag(String experimentId, Tag tag);

    /** @return whether a tag with the key existed */
    boolean deleteExperimentTag(String experimentId, String key);

    /** Creates a run in state RUNNING with its initial tags. */
    void createRun(NewRun run);

    Optional<RunInfo> getRunInfo(String runId);

    /** The run with its latest metrics, params, tags and inputs. */
    Optional<Run> getRun(String runId);

    /** Applies the present fields of the update and returns the run's info afterwards. */
    RunInfo updateRun(String runId, RunUpdate update);

    void setRunLifecycleStage(String runId, LifecycleStage stage, long updateTime);

    /**
     * Logs metrics, params and tags of one run in one transaction. Metric values append to the history
     * (identical rows are stored once) and update the latest value; tags overwrite (the last one of the
     * list wins); params are write-once.
     *
     * @throws dev.slipway.core.SlipwayException RESOURCE_DOES_NOT_EXIST if there is no such run;
     *     INVALID_PARAMETER_VALUE if the run is not active or a param already has another value; nothing of the
     *     batch is then written
     */
    void logBatch(String runId, List<Metric> metrics, List<Param> params, List<Tag> tags);

    /** @return whether a tag with the key existed */
    boolean deleteRunTag(String runId, String key);

    /** Records datasets (deduplicated per experiment by name and digest) and their use by the run. */
    void logInputs(String runId, List<DatasetInput> inputs);

    /**
     * Runs of the experiments matching every comparison, ordered by the terms then by start_time DESC and
     * run id ASC, with missing values last.
     */
    Page<Run> searchRuns(List<String> experimentIds, List<Comparison> filter, ViewType viewType, List<OrderBy> orderBy,
            int maxResults, long offset);

    /**
     * The number of runs of each of these experiments whose lifecycle stage the view includes, and the start time of
     * the newest of them, in one query (not by reading the runs). Experiments without such runs, and ids that no
     * experiment can have, are absent from the map.
     */
    Map<String, RunStats> runStats(List<String> experimentIds, ViewType viewType);

    /**
     * Streams the history of one metric of one run in (step, timestamp, value) order without holding it in
     * memory, starting after {@code offset} points and ending after {@code limit} points.
     */
    void streamMetricHistory(String runId, String metricKey, long offset, long limit, Consumer<Metric> sink);

    /**
     * The history of a metric for several runs, restricted to the given steps (all steps when absent),
     * ordered by run id then step, timestamp and value.
     */
    List<RunMetric> metricHistoryForSteps(List<String> runIds, String metricKey, Optional<List<Long>> steps);

    /** The distinct steps at which the run logged the metric, between the bounds inclusive, ascending. */
    List<Long> metricSteps(String runId, String metricKey, Optional<Long> startStep, Optional<Long> endStep);

    @Override
    void close();
}
