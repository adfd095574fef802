package dev.slipway.core.tracking;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import dev.slipway.core.search.Comparison;
import dev.slipway.core.search.EntityType;
import dev.slipway.core.search.Literal;
import dev.slipway.core.search.Operator;
import dev.slipway.core.search.OrderBy;
import dev.slipway.core.search.PageToken;
import dev.slipway.core.search.SearchParser;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The rules of experiment tracking (MLflow's limits, lifecycles and defaults) in front of a
 * {@link TrackingStore}. Every public method validates its input and throws
 * {@link SlipwayException} with INVALID_PARAMETER_VALUE or RESOURCE_DOES_NOT_EXIST on bad input.
 * Thread-safe.
 */
public final class TrackingService {
    public static final String DEFAULT_EXPERIMENT_ID = "0";
    public static final String DEFAULT_EXPERIMENT_NAME = "Default";
    public static final String RUN_NAME_TAG = "mlflow.runName";
    public static final String USER_TAG = "mlflow.user";

    public static final int MAX_BATCH_METRICS = 1000;
    public static final int MAX_BATCH_PARAMS = 100;
    public static final int MAX_BATCH_TAGS = 100;
    public static final int MAX_BATCH_TOTAL = 1000;
    public static final int MAX_KEY_LENGTH = 250;
    public static final int MAX_PARAM_VALUE_LENGTH = 6000;
    public static final int MAX_RUN_TAG_VALUE_LENGTH = 8000;
    public static final int MAX_EXPERIMENT_TAG_VALUE_LENGTH = 5000;
    public static final int MAX_EXPERIMENT_NAME_LENGTH = 500;
    public static final int MAX_ARTIFACT_LOCATION_LENGTH = 2048;
    public static final int MAX_RUNS_RESULTS = 50_000;
    public static final int DEFAULT_RUNS_RESULTS = 1000;
    public static final int MAX_EXPERIMENTS_RESULTS = 50_000;
    public static final int DEFAULT_EXPERIMENTS_RESULTS = 1000;
    public static final int MAX_BULK_INTERVAL_RUNS = 100;
    public static final int MAX_BULK_INTERVAL_RESULTS = 2500;

    private static final Pattern KEY_PATTERN = Pattern.compile("^[/\\w.\\- :]*$");
    private static final Pattern RUN_ID_PATTERN = Pattern.compile("^[a-zA-Z0-9][\\w\\-]{0,255}$");
    private static final Pattern EXPERIMENT_ID_PATTERN = Pattern.compile("^[a-zA-Z0-9][\\w\\-]{0,63}$");
    private static final Set<String> RUN_ATTRIBUTES = Set.of("run_id", "run_name", "status", "user_id", "artifact_uri",
            "start_time", "end_time", "created", "lifecycle_stage");
    private static final Set<String> RUN_NUMERIC_ATTRIBUTES = Set.of("start_time", "end_time", "created");
    private static final Set<String> DATASET_ATTRIBUTES = Set.of("name", "digest", "context");
    private static final Set<String> EXPERIMENT_ATTRIBUTES = Set.of("name", "creation_time", "last_update_time",
            "experiment_id");

    private final TrackingStore store;
    private final Clock clock;
    private final String defaultArtifactRoot;
    private final SecureRandom random = new SecureRandom();

    public TrackingService(TrackingStore store, Clock clock, String defaultArtifactRoot) {
        this.store = requireNonNull(store, "store is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.defaultArtifactRoot = stripTrailingSlash(requireNonNull(defaultArtifactRoot, "defaultArtifactRoot is null"));
    }

    /** Creates the "Default" experiment (id 0) unless it exists. */
    public void ensureDefaultExperiment() {
        if (store.getExperiment(DEFAULT_EXPERIMENT_ID).isEmpty()
                && store.getExperimentByName(DEFAULT_EXPERIMENT_NAME).isEmpty()) {
            try {
                store.createExperiment(DEFAULT_EXPERIMENT_NAME, Optional.empty(), defaultArtifactRoot, List.of(),
                        clock.millis());
            } catch (SlipwayException e) {
                if (e.errorCode() != dev.slipway.core.ErrorCode.RESOURCE_ALREADY_EXISTS) {
                    throw e;
                }
                // another replica created it first
            }
        }
    }

    public String defaultArtifactRoot() {
        return defaultArtifactRoot;
    }

    // ---- experiments -------------------------------------------------------------------------

    public String createExperiment(String name, Optional<String> artifactLocation, List<Tag> tags) {
        validateExperimentName(name);
        Optional<String> location = artifactLocation.filter(value -> !value.isEmpty()).map(TrackingService::stripTrailingSlash);
        location.ifPresent(TrackingService::validateArtifactLocation);
        for (Tag tag : tags) {
            validateExperimentTag(tag);
        }
        return store.createExperiment(name, location, defaultArtifactRoot, tags, clock.millis());
    }

    public Experiment getExperiment(String experimentId) {
        validateExperimentId(experimentId);
        return store.getExperiment(experimentId)
                .orElseThrow(() -> SlipwayException.notFound("No Experiment with id=%s exists", experimentId));
    }

    public Experiment getExperimentByName(String name) {
        return store.getExperimentByName(name)
                .orElseThrow(() -> SlipwayException.notFound("Could not find experiment with name '%s'", name));
    }

    public Page<Experiment> searchExperiments(ViewType viewType, Optional<String> filter, List<String> orderBy,
            Optional<Integer> maxResults, Optional<String> pageToken) {
        int limit = maxResults.orElse(DEFAULT_EXPERIMENTS_RESULTS);
        if (limit < 1 || limit > MAX_EXPERIMENTS_RESULTS) {
            throw SlipwayException.invalidParameter(
                    "Invalid value %d for parameter 'max_results' supplied. It must be at most %d, and at least 1.",
                    limit, MAX_EXPERIMENTS_RESULTS);
        }
        List<Comparison> comparisons = SearchParser.parseFilter(filter);
        for (Comparison comparison : comparisons) {
            validateExperimentComparison(comparison);
        }
        List<OrderBy> terms = new ArrayList<>();
        for (String term : orderBy) {
            OrderBy parsed = SearchParser.parseOrderBy(term);
            if (parsed.type() != EntityType.ATTRIBUTE || !EXPERIMENT_ATTRIBUTES.contains(parsed.key())) {
                throw SlipwayException.invalidParameter(
                        "Invalid order_by entity: '%s'. Valid keys are name, experiment_id, creation_time, last_update_time",
                        term);
            }
            terms.add(parsed);
        }
        return store.searchExperiments(viewType, comparisons, terms, limit, PageToken.decode(pageToken));
    }

    public void deleteExperiment(String experimentId) {
        Experiment experiment = getExperiment(experimentId);
        if (experiment.lifecycleStage() == LifecycleStage.DELETED) {
            throw SlipwayException.invalidParameter("Cannot delete an already deleted experiment: %s", experimentId);
        }
        store.setExperimentLifecycleStage(experimentId, LifecycleStage.DELETED, clock.millis());
    }

    public void restoreExperiment(String experimentId) {
        Experiment experiment = getExperiment(experimentId);
        if (experiment.lifecycleStage() == LifecycleStage.ACTIVE) {
            throw SlipwayException.invalidParameter("Cannot restore an active experiment: %s", experimentId);
        }
        store.setExperimentLifecycleStage(experimentId, LifecycleStage.ACTIVE, clock.millis());
    }

    public void renameExperiment(String experimentId, String newName) {
        validateExperimentName(newName);
        Experiment experiment = getExperiment(experimentId);
        if (experiment.lifecycleStage() != LifecycleStage.ACTIVE) {
            throw SlipwayException.invalidParameter("Cannot rename a non-active experiment: %s", experimentId);
        }
        if (!experiment.name().equals(newName)) {
            store.renameExperiment(experimentId, newName, clock.millis());
        }
    }

    public void setExperimentTag(String experimentId, Tag tag) {
        validateExperimentTag(tag);
        requireActive(getExperiment(experimentId));
        store.setExperimentTag(experimentId, tag);
    }

    public void deleteExperimentTag(String experimentId, String key) {
        requireActive(getExperiment(experimentId));
        if (!store.deleteExperimentTag(experimentId, key)) {
            throw SlipwayException.notFound("No tag with name: %s in experiment with id %s", key, experimentId);
        }
    }

    // ---- runs --------------------------------------------------------------------------------

    /**
     * Creates a run. The name comes from {@code runName}, else the {@code mlflow.runName} tag, else is generated;
     * the user from {@code userId}, else the {@code mlflow.user} tag, else "unknown".
     */
    public Run createRun(Optional<String> experimentId, Optional<String> userId, Optional<String> runName,
            Optional<Long> startTime, List<Tag> tags) {
        String experimentIdValue = experimentId.filter(value -> !value.isEmpty()).orElse(DEFAULT_EXPERIMENT_ID);
        Experiment experiment = getExperiment(experimentIdValue);
        if (experiment.lifecycleStage() != LifecycleStage.ACTIVE) {
            throw SlipwayException.invalidParameter(
                    "The experiment %s must be in the 'active' state. Current state is deleted.", experimentIdValue);
        }
        for (Tag tag : tags) {
            validateRunTag(tag);
        }
        Optional<String> nameTag = lastValue(tags, RUN_NAME_TAG);
        Optional<String> givenName = runName.filter(value -> !value.isEmpty());
        if (givenName.isPresent() && nameTag.isPresent() && !givenName.get().equals(nameTag.get())) {
            throw SlipwayException.invalidParameter(
                    "Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values "
                            + "(run_name='%s', mlflow.runName='%s').", givenName.get(), nameTag.get());
        }
        String name = givenName.or(() -> nameTag).orElseGet(() -> RunNames.generate(random));
        String user = userId.filter(value -> !value.isEmpty()).or(() -> lastValue(tags, USER_TAG)).orElse("unknown");
        String runId = newRunId();
        List<Tag> allTags = new ArrayList<>();
        for (Tag tag : tags) {
            if (!tag.key().equals(RUN_NAME_TAG)) {
                allTags.add(tag);
            }
        }
        allTags.add(new Tag(RUN_NAME_TAG, name));
        long start = startTime.orElseGet(clock::millis);
        String artifactUri = joinUri(joinUri(experiment.artifactLocation(), runId), "artifacts");
        store.createRun(new NewRun(runId, experimentIdValue, name, user, start, artifactUri, dedupeTags(allTags)));
        return getRun(runId);
    }

    public Run getRun(String runId) {
        validateRunId(runId);
        return store.getRun(runId).orElseThrow(() -> runNotFound(runId));
    }

    public RunInfo getRunInfo(String runId) {
        validateRunId(runId);
        return store.getRunInfo(runId).orElseThrow(() -> runNotFound(runId));
    }

    public RunInfo updateRun(String runId, Optional<RunStatus> status, Optional<Long> endTime, Optional<String> runName) {
        RunInfo info = getRunInfo(runId);
        requireActive(info);
        Optional<String> name = runName.filter(value -> !value.isEmpty());
        RunInfo updated = store.updateRun(runId, new RunUpdate(status, endTime, name));
        if (name.isPresent()) {
            store.logBatch(runId, List.of(), List.of(), List.of(new Tag(RUN_NAME_TAG, name.get())));
        }
        return updated;
    }

    public void deleteRun(String runId) {
        getRunInfo(runId);
        store.setRunLifecycleStage(runId, LifecycleStage.DELETED, clock.millis());
    }

    public void restoreRun(String runId) {
        getRunInfo(runId);
        store.setRunLifecycleStage(runId, LifecycleStage.ACTIVE, clock.millis());
    }

    public void logMetric(String runId, Metric metric) {
        logBatch(runId, List.of(metric), List.of(), List.of());
    }

    public void logParam(String runId, Param param) {
        logBatch(runId, List.of(), List.of(param), List.of());
    }

    public void setTag(String runId, Tag tag) {
        logBatch(runId, List.of(), List.of(), List.of(tag));
    }

    /** Validates and logs a batch; see {@link TrackingStore#logBatch} for the semantics. */
    public void logBatch(String runId, List<Metric> metrics, List<Param> params, List<Tag> tags) {
        if (metrics.size() > MAX_BATCH_METRICS) {
            throw SlipwayException.invalidParameter(
                    "A batch logging request can contain at most %d metrics. Got %d metrics. Please split up metrics "
                            + "across multiple requests and try again.", MAX_BATCH_METRICS, metrics.size());
        }
        if (params.size() > MAX_BATCH_PARAMS) {
            throw SlipwayException.invalidParameter(
                    "A batch logging request can contain at most %d params. Got %d params. Please split up params "
                            + "across multiple requests and try again.", MAX_BATCH_PARAMS, params.size());
        }
        if (tags.size() > MAX_BATCH_TAGS) {
            throw SlipwayException.invalidParameter(
                    "A batch logging request can contain at most %d tags. Got %d tags. Please split up tags across "
                            + "multiple requests and try again.", MAX_BATCH_TAGS, tags.size());
        }
        int total = metrics.size() + params.size() + tags.size();
        if (total > MAX_BATCH_TOTAL) {
            throw SlipwayException.invalidParameter(
                    "A batch logging request can contain at most %d metrics, params, and tags in total. Got %d.",
                    MAX_BATCH_TOTAL, total);
        }
        List<Metric> clamped = new ArrayList<>(metrics.size());
        // a batch usually repeats a few keys many times: check each distinct key once
        Set<String> checkedKeys = new HashSet<>();
        for (Metric metric : metrics) {
            if (checkedKeys.add(metric.key())) {
                validateKey("metric", metric.key());
            }
            if (metric.timestamp() < 0) {
                throw SlipwayException.invalidParameter(
                        "Invalid value %d for parameter 'timestamp' supplied: it must be at least 0", metric.timestamp());
            }
            clamped.add(clamp(metric));
        }
        Set<String> paramKeys = new HashSet<>();
        Set<String> duplicates = new TreeSet<>();
        for (Param param : params) {
            validateKey("param", param.key());
            if (param.value().length() > MAX_PARAM_VALUE_LENGTH) {
                throw SlipwayException.invalidParameter(
                        "Param value '%s...' had length %d, which exceeded length limit of %d",
                        param.value().substring(0, 20), param.value().length(), MAX_PARAM_VALUE_LENGTH);
            }
            if (!paramKeys.add(param.key())) {
                duplicates.add(param.key());
            }
        }
        if (!duplicates.isEmpty()) {
            throw SlipwayException.invalidParameter("Duplicate parameter keys have been submitted: %s. Please ensure "
                    + "the request contains only one param value per param key.", duplicates);
        }
        for (Tag tag : tags) {
            validateRunTag(tag);
        }
        validateRunId(runId);
        // the store checks, in the writing transaction, that the run exists and is active
        store.logBatch(runId, clamped, params, dedupeTags(tags));
    }

    public void deleteTag(String runId, String key) {
        requireActive(getRunInfo(runId));
        if (!store.deleteRunTag(runId, key)) {
            throw SlipwayException.notFound("No tag with name: %s in run with id %s", key, runId);
        }
    }

    public void logInputs(String runId, List<DatasetInput> inputs) {
        for (DatasetInput input : inputs) {
            Dataset dataset = input.dataset();
            checkLength("dataset name", dataset.name(), 500);
            checkLength("dataset digest", dataset.digest(), 36);
            checkLength("dataset source", dataset.source(), 65535);
            checkLength("dataset source_type", dataset.sourceType(), 500);
            if (dataset.schema().isPresent()) {
                checkLength("dataset schema", dataset.schema().get(), 1_048_575);
            }
            if (dataset.profile().isPresent()) {
                checkLength("dataset profile", dataset.profile().get(), 16_777_215);
            }
            for (Tag tag : input.tags()) {
                checkLength("input tag key", tag.key(), 255);
                checkLength("input tag value", tag.value(), 500);
            }
        }
        requireActive(getRunInfo(runId));
        store.logInputs(runId, inputs);
    }

    public Page<Run> searchRuns(List<String> experimentIds, Optional<String> filter, ViewType viewType,
            Optional<Integer> maxResults, List<String> orderBy, Optional<String> pageToken) {
        int limit = maxResults.orElse(DEFAULT_RUNS_RESULTS);
        if (limit < 0 || limit > MAX_RUNS_RESULTS) {
            throw SlipwayException.invalidParameter(
                    "Invalid value %d for parameter 'max_results' supplied. It must be at most %d, but got value %d",
                    limit, MAX_RUNS_RESULTS, limit);
        }
        for (String experimentId : experimentIds) {
            validateExperimentId(experimentId);
        }
        List<Comparison> comparisons = SearchParser.parseFilter(filter);
        for (Comparison comparison : comparisons) {
            validateRunComparison(comparison);
        }
        List<OrderBy> terms = new ArrayList<>();
        for (String term : orderBy) {
            OrderBy parsed = SearchParser.parseOrderBy(term);
            if (parsed.type() == EntityType.DATASET) {
                throw SlipwayException.invalidParameter("Invalid order_by entity type '%s'", term);
            }
            if (parsed.type() == EntityType.ATTRIBUTE) {
                parsed = new OrderBy(EntityType.ATTRIBUTE, canonicalRunAttribute(parsed.key()), parsed.ascending());
            }
            terms.add(parsed);
        }
        long offset = PageToken.decode(pageToken);
        if (experimentIds.isEmpty() || limit == 0) {
            return new Page<>(List.of(), Optional.empty());
        }
        return store.searchRuns(List.copyOf(new LinkedHashSet<>(experimentIds)), comparisons, viewType, terms, limit,
                offset);
    }

    /**
     * The number of runs in the view of each experiment and the newest one's start time (absent when it has none),
     * counted by the store in one query.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE for a malformed experiment id
     */
    public Map<String, RunStats> runStats(List<String> experimentIds, ViewType viewType) {
        for (String experimentId : experimentIds) {
            validateExperimentId(experimentId);
        }
        if (experimentIds.isEmpty()) {
            return Map.of();
        }
        return store.runStats(List.copyOf(new LinkedHashSet<>(experimentIds)), viewType);
    }

    /** Streams a metric's full history in step order (validated first, so errors come before any output). */
    public void streamMetricHistory(String runId, String metricKey, Consumer<Metric> sink) {
        getRunInfo(runId);
        store.streamMetricHistory(runId, metricKey, 0, Long.MAX_VALUE, sink);
    }

    /** Validates the arguments of a metric history request before any output is written. */
    public void checkMetricHistoryRequest(String runId, String metricKey) {
        if (metricKey.isEmpty()) {
            throw SlipwayException.invalidParameter("Missing value for required parameter 'metric_key'.");
        }
        getRunInfo(runId);
    }

    public void streamMetricHistoryPage(String runId, String metricKey, long offset, long limit, Consumer<Metric> sink) {
        store.streamMetricHistory(runId, metricKey, offset, limit, sink);
    }

    /**
     * The history of a metric for up to 100 runs, sampled to at most {@code maxResults} steps per run,
     * always keeping the first and last step in range.
     */
    public List<RunMetric> metricHistoryBulkInterval(List<String> runIds, String metricKey, Optional<Long> startStep,
            Optional<Long> endStep, Optional<Integer> maxResults) {
        if (runIds.isEmpty()) {
            throw SlipwayException.invalidParameter("GetMetricHistoryBulkInterval request must specify at least one run_id.");
        }
        if (runIds.size() > MAX_BULK_INTERVAL_RUNS) {
            throw SlipwayException.invalidParameter(
                    "GetMetricHistoryBulkInterval request cannot specify more than %d run_ids. Received %d run_ids.",
                    MAX_BULK_INTERVAL_RUNS, runIds.size());
        }
        if (metricKey.isEmpty()) {
            throw SlipwayException.invalidParameter("Missing value for required parameter 'metric_key'.");
        }
        if (startStep.isPresent() != endStep.isPresent()) {
            throw SlipwayException.invalidParameter(
                    "If either start step or end step are specified, both must be specified.");
        }
        if (startStep.isPresent() && startStep.get() > endStep.get()) {
            throw SlipwayException.invalidParameter(
                    "end_step must be greater than start_step. Found start_step=%d and end_step=%d.",
                    startStep.get(), endStep.get());
        }
        int limit = maxResults.orElse(MAX_BULK_INTERVAL_RESULTS);
        if (limit < 1 || limit > MAX_BULK_INTERVAL_RESULTS) {
            throw SlipwayException.invalidParameter(
                    "max_results must be between 1 and %d. Got %d.", MAX_BULK_INTERVAL_RESULTS, limit);
        }
        List<String> distinctRuns = List.copyOf(new TreeSet<>(runIds));
        List<RunMetric> result = new ArrayList<>();
        for (String runId : distinctRuns) {
            getRunInfo(runId);
            List<Long> steps = store.metricSteps(runId, metricKey, startStep, endStep);
            if (steps.isEmpty()) {
                continue;
            }
            List<Long> sampled = sampleSteps(steps, limit);
            result.addAll(store.metricHistoryForSteps(List.of(runId), metricKey, Optional.of(sampled)));
        }
        return List.copyOf(result);
    }

    /** Evenly spaced steps, at most {@code limit} of them plus the last step. */
    static List<Long> sampleSteps(List<Long> steps, int limit) {
        if (steps.size() <= limit) {
            return steps;
        }
        int stride = (steps.size() + limit - 1) / limit;
        List<Long> sampled = new ArrayList<>();
        for (int index = 0; index < steps.size(); index += stride) {
            sampled.add(steps.get(index));
        }
        Long last = steps.get(steps.size() - 1);
        if (!sampled.get(sampled.size() - 1).equals(last)) {
            sampled.add(last);
        }
        return sampled;
    }

    // ---- validation ---------------------------------------------------------------------------

    public static void validateRunId(String runId) {
        if (!RUN_ID_PATTERN.matcher(runId).matches()) {
            throw SlipwayException.invalidParameter("Invalid run ID: '%s'", runId);
        }
    }

    public static void validateExperimentId(String experimentId) {
        if (!EXPERIMENT_ID_PATTERN.matcher(experimentId).matches()) {
            throw SlipwayException.invalidParameter("Invalid experiment ID: '%s'", experimentId);
        }
    }

    /** MLflow's rule for metric, param and tag names. */
    public static void validateKey(String kind, String key) {
        if (key.isEmpty()) {
            throw SlipwayException.invalidParameter("Missing value for required parameter 'key'.");
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw SlipwayException.invalidParameter("%s name '%s...' had length %d, which exceeded length limit of %d",
                    capitalize(kind), key.substring(0, 20), key.length(), MAX_KEY_LENGTH);
        }
        if (!KEY_PATTERN.matcher(key).matches()) {
            throw SlipwayException.invalidParameter("Invalid %s name: '%s'. Names may only contain alphanumerics, "
                    + "underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).", kind, key);
        }
        if (!isNormalizedPath(key)) {
            throw SlipwayException.invalidParameter(
                    "Invalid %s name: '%s'. Names cannot be a path that would be changed by normalisation "
                            + "(no '..', '.', '//' segments or a leading '/').", kind, key);
        }
    }

    private static boolean isNormalizedPath(String key) {
        if (key.startsWith("/") || key.contains("//")) {
            return false;
        }
        for (String segment : key.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return !key.endsWith("/") || key.length() == 1;
    }

    private static void validateRunTag(Tag tag) {
        validateKey("tag", tag.key());
        if (tag.value().length() > MAX_RUN_TAG_VALUE_LENGTH) {
            throw SlipwayException.invalidParameter("Tag value '%s...' had length %d, which exceeded length limit of %d",
                    tag.value().substring(0, 20), tag.value().length(), MAX_RUN_TAG_VALUE_LENGTH);
        }
    }

    private static void validateExperimentTag(Tag tag) {
        validateKey("tag", tag.key());
        if (tag.value().length() > MAX_EXPERIMENT_TAG_VALUE_LENGTH) {
            throw SlipwayException.invalidParameter("Tag value '%s...' had length %d, which exceeded length limit of %d",
                    tag.value().substring(0, 20), tag.value().length(), MAX_EXPERIMENT_TAG_VALUE_LENGTH);
        }
    }

    private static void validateExperimentName(String name) {
        if (name.isEmpty()) {
            throw SlipwayException.invalidParameter("Invalid experiment name: ''. Experiment name must not be empty.");
        }
        if (name.length() > MAX_EXPERIMENT_NAME_LENGTH) {
            throw SlipwayException.invalidParameter(
                    "Experiment name '%s...' had length %d, which exceeded length limit of %d", name.substring(0, 20),
                    name.length(), MAX_EXPERIMENT_NAME_LENGTH);
        }
    }

    /**
     * Rejects artifact locations that MLflow rejects: {@code runs:} URIs, fragments, parameters, traversal
     * in a query string, over-long values.
     */
    public static void validateArtifactLocation(String location) {
        if (location.length() > MAX_ARTIFACT_LOCATION_LENGTH) {
            throw SlipwayException.invalidParameter("Invalid artifact location: it exceeds %d characters",
                    MAX_ARTIFACT_LOCATION_LENGTH);
        }
        String lower = location.toLowerCase(Locale.ROOT);
        if (lower.startsWith("runs:")) {
            throw SlipwayException.invalidParameter(
                    "Artifact location cannot be a runs:/ URI. Given value was '%s'", location);
        }
        if (location.contains("#") || location.contains(";")) {
            throw SlipwayException.invalidParameter(
                    "'artifact_location' URL can't include fragments or params. Given value was '%s'", location);
        }
        int query = location.indexOf('?');
        if (query >= 0 && location.substring(query).contains("..")) {
            throw SlipwayException.invalidParameter(
                    "'artifact_location' URL can't include a query string containing '..'. Given value was '%s'",
                    location);
        }
        if (location.indexOf('\0') >= 0) {
            throw SlipwayException.invalidParameter("Invalid artifact location: '%s'", location);
        }
    }

    private static void validateRunComparison(Comparison comparison) {
        switch (comparison.type()) {
            case METRIC -> {
                if (!(comparison.value() instanceof Literal.Number) || comparison.operator().isStringOnly()) {
                    throw SlipwayException.invalidParameter(
                            "Invalid comparison for metric '%s': metrics take a numeric value and one of "
                                    + "'=', '!=', '>', '>=', '<', '<='", comparison.key());
                }
            }
            case PARAM, TAG -> requireStringComparison(comparison, comparison.type().name().toLowerCase(Locale.ROOT));
            case ATTRIBUTE -> {
                String key = canonicalRunAttribute(comparison.key());
                if (!RUN_ATTRIBUTES.contains(key)) {
                    throw SlipwayException.invalidParameter(
                            "Invalid attribute key '%s' specified. Valid keys are '%s'", comparison.key(),
                            new TreeSet<>(RUN_ATTRIBUTES));
                }
                if (RUN_NUMERIC_ATTRIBUTES.contains(key)) {
                    if (!(comparison.value() instanceof Literal.Number) || comparison.operator().isStringOnly()) {
                        throw SlipwayException.invalidParameter(
                                "Invalid comparison for attribute '%s': it takes a numeric value", comparison.key());
                    }
                } else if (comparison.operator() == Operator.IN || comparison.operator() == Operator.NOT_IN) {
                    if (!key.equals("run_id")) {
                        throw SlipwayException.invalidParameter(
                                "Invalid comparator '%s' for attribute '%s': IN and NOT IN are only for run_id",
                                comparison.operator().symbol(), comparison.key());
                    }
                } else {
                    requireStringComparison(comparison, "attribute");
                }
            }
            case DATASET -> {
                if (!DATASET_ATTRIBUTES.contains(comparison.key())) {
                    throw SlipwayException.invalidParameter(
                            "Invalid dataset key '%s' specified. Valid keys are '%s'", comparison.key(),
                            new TreeSet<>(DATASET_ATTRIBUTES));
                }
                if (comparison.operator() != Operator.IN && comparison.operator() != Operator.NOT_IN) {
                    requireStringComparison(comparison, "dataset");
                }
            }
        }
    }

    private static void validateExperimentComparison(Comparison comparison) {
        switch (comparison.type()) {
            case TAG -> requireStringComparison(comparison, "tag");
            case ATTRIBUTE -> {
                switch (comparison.key()) {
                    case "name" -> requireStringComparison(comparison, "attribute");
                    case "creation_time", "last_update_time" -> {
                        if (!(comparison.value() instanceof Literal.Number) || comparison.operator().isStringOnly()) {
                            throw SlipwayException.invalidParameter(
                                    "Invalid comparison for attribute '%s': it takes a numeric value", comparison.key());
                        }
                    }
                    default -> throw SlipwayException.invalidParameter(
                            "Invalid attribute key '%s' specified. Valid keys are '[creation_time, last_update_time, name]'",
                            comparison.key());
                }
            }
            case METRIC, PARAM, DATASET -> throw SlipwayException.invalidParameter(
                    "Invalid entity type '%s' in experiment filter. Valid types are 'attribute' and 'tag'",
                    comparison.type().name().toLowerCase(Locale.ROOT));
        }
    }

    private static void requireStringComparison(Comparison comparison, String kind) {
        if (comparison.operator().isNumericOnly() || comparison.operator() == Operator.IN
                || comparison.operator() == Operator.NOT_IN) {
            throw SlipwayException.invalidParameter(
                    "Invalid comparator '%s' not one of '['=', '!=', 'LIKE', 'ILIKE']' for %s '%s'",
                    comparison.operator().symbol(), kind, comparison.key());
        }
        if (!(comparison.value() instanceof Literal.Text)) {
            throw SlipwayException.invalidParameter(
                    "Expected a quoted string value for %s '%s'", kind, comparison.key());
        }
    }

    /** Maps attribute aliases ({@code created}, {@code run name}, {@code run_uuid}) to their column names. */
    public static String canonicalRunAttribute(String key) {
        return switch (key) {
            case "created", "Created" -> "start_time";
            case "run name", "Run name", "Run Name" -> "run_name";
            case "run_uuid" -> "run_id";
            default -> key;
        };
    }

    private static void checkLength(String what, String value, int limit) {
        if (value.length() > limit) {
            throw SlipwayException.invalidParameter("%s exceeds the maximum length of %d characters (got %d)", what,
                    limit, value.length());
        }
    }

    private static void requireActive(Experiment experiment) {
        if (experiment.lifecycleStage() != LifecycleStage.ACTIVE) {
            throw SlipwayException.invalidParameter("The experiment %s must be in the 'active' state. "
                    + "Current state is deleted.", experiment.experimentId());
        }
    }

    private static void requireActive(RunInfo info) {
        if (info.lifecycleStage() != LifecycleStage.ACTIVE) {
            throw SlipwayException.invalidParameter("The run %s must be in 'active' lifecycle_stage.", info.runId());
        }
    }

    private static SlipwayException runNotFound(String runId) {
        return SlipwayException.notFound("Run with id=%s not found", runId);
    }

    private static Metric clamp(Metric metric) {
        double value = metric.value();
        if (value == Double.POSITIVE_INFINITY) {
            return new Metric(metric.key(), Double.MAX_VALUE, metric.timestamp(), metric.step());
        }
        if (value == Double.NEGATIVE_INFINITY) {
            return new Metric(metric.key(), -Double.MAX_VALUE, metric.timestamp(), metric.step());
        }
        return metric;
    }

    private static List<Tag> dedupeTags(List<Tag> tags) {
        // last value of a key wins; keep the position of the last occurrence
        List<Tag> result = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int index = tags.size() - 1; index >= 0; index--) {
            if (seen.add(tags.get(index).key())) {
                result.add(0, tags.get(index));
            }
        }
        return result;
    }

    private static Optional<String> lastValue(List<Tag> tags, String key) {
        Optional<String> value = Optional.empty();
        for (Tag tag : tags) {
            if (tag.key().equals(key)) {
                value = Optional.of(tag.value());
            }
        }
        return value;
    }

    private String newRunId() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * Appends a path segment to a URI or path: {@code joinUri("mlflow-artifacts:/", "1")} is
     * {@code mlflow-artifacts:/1}, {@code joinUri("/data/mlruns", "1")} is {@code /data/mlruns/1}.
     */
    public static String joinUri(String base, String child) {
        return base.endsWith("/") ? base + child : base + "/" + child;
    }

    private static String stripTrailingSlash(String value) {
        String result = value;
        while (result.length() > 1 && result.endsWith("/") && !result.endsWith(":/") && !result.endsWith("://")) {
            result = result.substring(0, result.length() - 1);
        }
        return result;
    }

    private static String capitalize(String value) {
        return Character.toUpperCase(value.charAt(0)) + value.substring(1);
    }
}
