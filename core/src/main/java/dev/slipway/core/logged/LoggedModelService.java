package dev.slipway.core.logged;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import dev.slipway.core.search.Comparison;
import dev.slipway.core.search.EntityType;
import dev.slipway.core.search.Literal;
import dev.slipway.core.search.Operator;
import dev.slipway.core.search.PageToken;
import dev.slipway.core.search.SearchParser;
import dev.slipway.core.tracking.Experiment;
import dev.slipway.core.tracking.LifecycleStage;
import dev.slipway.core.tracking.Page;
import dev.slipway.core.tracking.Param;
import dev.slipway.core.tracking.RunInfo;
import dev.slipway.core.tracking.RunNames;
import dev.slipway.core.tracking.Tag;
import dev.slipway.core.tracking.TrackingService;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The rules of MLflow 3's logged models in front of a {@link LoggedModelStore}: a model belongs to an active
 * experiment, its source run must exist, its files live under {@code <experiment artifact location>/models/<model
 * id>/artifacts}, params and tags follow the limits of run params and tags, and searches take MLflow's filter
 * grammar over {@code attributes}, {@code params.x}, {@code tags.x} and {@code metrics.x}. Every public method
 * validates its input and throws {@link SlipwayException} with INVALID_PARAMETER_VALUE on bad input and
 * RESOURCE_DOES_NOT_EXIST for a missing experiment, run or model. Thread-safe.
 */
public final class LoggedModelService {
    public static final int MAX_SEARCH_RESULTS = 50;
    public static final int DEFAULT_SEARCH_RESULTS = 50;
    public static final int MAX_NAME_LENGTH = 500;
    public static final int MAX_MODEL_TYPE_LENGTH = 500;
    public static final int MAX_PARAMS_PER_REQUEST = 100;
    public static final int MAX_TAGS_PER_REQUEST = 100;
    public static final int MAX_METRICS_PER_REQUEST = 1000;
    /** The tag in which MLflow lists the model versions registered from a logged model (its UI reads it). */
    public static final String MODEL_VERSIONS_TAG = "mlflow.modelVersions";

    /** The characters MLflow refuses in a logged model's name. */
    private static final List<String> NAME_FORBIDDEN = List.of("/", ":", ".", "%", "\"", "'");
    private static final Set<String> STRING_ATTRIBUTES = Set.of("name", "model_id", "model_type", "status",
            "source_run_id");
    private static final Set<String> NUMERIC_ATTRIBUTES = Set.of("creation_timestamp", "last_updated_timestamp");

    private final LoggedModelStore store;
    private final TrackingService tracking;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public LoggedModelService(LoggedModelStore store, TrackingService tracking, Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.tracking = requireNonNull(tracking, "tracking is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** One ORDER BY term as a search request carries it: a field name, a direction, a dataset for metrics. */
    public record OrderTerm(String fieldName, boolean ascending, Optional<String> datasetName,
            Optional<String> datasetDigest) {
        public OrderTerm {
            requireNonNull(fieldName, "fieldName is null");
            requireNonNull(datasetName, "datasetName is null");
            requireNonNull(datasetDigest, "datasetDigest is null");
        }
    }

    /**
     * Creates a PENDING model in the experiment. The name is generated ({@code adjective-noun-NNN}) when absent or
     * empty; the id is {@code m-} and 32 hex digits.
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST for an unknown experiment or source run,
     *     INVALID_PARAMETER_VALUE for a deleted experiment or bad name, params or tags
     */
    public LoggedModel createLoggedModel(String experimentId, Optional<String> name, Optional<String> modelType,
            Optional<String> sourceRunId, List<Param> params, List<Tag> tags) {
        Optional<String> givenName = name.filter(value -> !value.isEmpty());
        givenName.ifPresent(LoggedModelService::validateName);
        Optional<String> type = modelType.filter(value -> !value.isEmpty());
        type.ifPresent(value -> checkLength("model_type", value, MAX_MODEL_TYPE_LENGTH));
        validateParams(params);
        validateTags(tags);
        Experiment experiment = tracking.getExperiment(experimentId);
        if (experiment.lifecycleStage() != LifecycleStage.ACTIVE) {
            throw SlipwayException.invalidParameter(
                    "The experiment %s must be in the 'active' state. Current state is deleted.", experimentId);
        }
        Optional<String> runId = sourceRunId.filter(value -> !value.isEmpty());
        runId.ifPresent(tracking::getRunInfo);
        String modelId = "m-" + UUID.randomUUID().toString().replace("-", "");
        String artifactUri = TrackingService.joinUri(TrackingService.joinUri(
                TrackingService.joinUri(experiment.artifactLocation(), "models"), modelId), "artifacts");
        String modelName = givenName.orElseGet(() -> RunNames.generate(random));
        return store.createLoggedModel(new NewLoggedModel(modelId, experiment.experimentId(), modelName, artifactUri,
                type, runId, params, lastValuePerKey(tags), clock.millis()));
    }

    /** The model; a deleted one only with {@code allowDeleted}. */
    public LoggedModel getLoggedModel(String modelId, boolean allowDeleted) {
        requireModelId(modelId);
        return store.getLoggedModel(modelId, allowDeleted).orElseThrow(() -> LoggedModel.notFound(modelId));
    }

    /** Deletes the model softly: afterwards it is found only with {@code allow_deleted}. */
    public void deleteLoggedModel(String modelId) {
        requireModelId(modelId);
        store.deleteLoggedModel(modelId, clock.millis());
    }

    /**
     * Finalizes the model as READY or UPLOAD_FAILED.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE for PENDING
     */
    public LoggedModel finalizeLoggedModel(String modelId, LoggedModelStatus status) {
        requireModelId(modelId);
        return switch (status) {
            case PENDING -> throw SlipwayException.invalidParameter("Invalid value %s for parameter 'status' "
                    + "supplied: a logged model is finalized as LOGGED_MODEL_READY or LOGGED_MODEL_UPLOAD_FAILED.",
                    status.wireName());
            case READY, UPLOAD_FAILED -> store.finalizeLoggedModel(modelId, status, clock.millis());
        };
    }

    public void setLoggedModelTags(String modelId, List<Tag> tags) {
        requireModelId(modelId);
        validateTags(tags);
        store.setLoggedModelTags(modelId, lastValuePerKey(tags), clock.millis());
    }

    /** @throws SlipwayException RESOURCE_DOES_NOT_EXIST if the model has no tag with the key */
    public void deleteLoggedModelTag(String modelId, String key) {
        requireModelId(modelId);
        TrackingService.validateKey("tag", key);
        if (!store.deleteLoggedModelTag(modelId, key, clock.millis())) {
            throw SlipwayException.notFound("No tag with key '%s' found for model with ID '%s'.", key, modelId);
        }
    }

    /** Logs params; write-once per key, like run params. */
    public void logLoggedModelParams(String modelId, List<Param> params) {
        requireModelId(modelId);
        validateParams(params);
        if (!params.isEmpty()) {
            store.logLoggedModelParams(modelId, params, clock.millis());
        }
    }

    /**
     * Logs metric values of the model (MLflow 3 logs them with the run's metrics that carry a {@code model_id}).
     * Infinities are stored as the largest finite doubles, as for run metrics.
     */
    public void logLoggedModelMetrics(String modelId, List<LoggedModelMetric> metrics) {
        requireModelId(modelId);
        if (metrics.size() > MAX_METRICS_PER_REQUEST) {
            throw SlipwayException.invalidParameter("A request can log at most %d metrics of a logged model. Got %d.",
                    MAX_METRICS_PER_REQUEST, metrics.size());
        }
        List<LoggedModelMetric> clamped = new ArrayList<>(metrics.size());
        Set<String> checkedKeys = new HashSet<>();
        for (LoggedModelMetric metric : metrics) {
            if (checkedKeys.add(metric.key())) {
                TrackingService.validateKey("metric", metric.key());
            }
            if (metric.timestamp() < 0) {
                throw SlipwayException.invalidParameter(
                        "Invalid value %d for parameter 'timestamp' supplied: it must be at least 0",
                        metric.timestamp());
            }
            metric.runId().ifPresent(TrackingService::validateRunId);
            metric.datasetName().ifPresent(name -> checkLength("dataset_name", name, 500));
            metric.datasetDigest().ifPresent(digest -> checkLength("dataset_digest", digest, 36));
            clamped.add(clamp(metric));
        }
        if (!clamped.isEmpty()) {
            store.logLoggedModelMetrics(modelId, clamped);
        }
    }

    /**
     * Records that the model version {@code name}/{@code version} was registered from the model, as MLflow's server
     * does after {@code model-versions/create} with a {@code model_id}: the model's tag {@value #MODEL_VERSIONS_TAG}
     * becomes the JSON list ({@code [{"name": "churn", "version": 1}]}) of its registrations, which the store reads
     * from the registry's versions created with its id, plus this one.
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST for a missing or deleted model
     */
    public void recordRegistration(String modelId, String name, String version) {
        requireModelId(modelId);
        if (name.isEmpty() || version.isEmpty()) {
            throw SlipwayException.invalidParameter("A registration needs a registered model name and a version");
        }
        LoggedModel model = getLoggedModel(modelId, false);
        List<ModelRegistration> registrations = new ArrayList<>(model.info().registrations());
        ModelRegistration registration = new ModelRegistration(name, version);
        if (!registrations.contains(registration)) {
            registrations.add(registration);
        }
        store.setLoggedModelTags(modelId, List.of(new Tag(MODEL_VERSIONS_TAG, registrationsJson(registrations))),
                clock.millis());
    }

    /**
     * Where the files of the model are, for resolving {@code models:/<model_id>} sources; absent for an unknown or
     * deleted model.
     */
    public Optional<String> findArtifactUri(String modelId) {
        if (modelId.isEmpty()) {
            return Optional.empty();
        }
        return store.getLoggedModel(modelId, false).map(model -> model.info().artifactUri());
    }

    /**
     * Records that the run produced the models (MLflow 3's {@code runs/outputs}, sent by {@code log_model} inside a
     * run).
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST for an unknown run or model, INVALID_PARAMETER_VALUE for a
     *     deleted run
     */
    public void logRunOutputs(String runId, List<LoggedModelOutput> outputs) {
        RunInfo run = tracking.getRunInfo(runId);
        if (run.lifecycleStage() != LifecycleStage.ACTIVE) {
            throw SlipwayException.invalidParameter("The run %s must be in 'active' lifecycle_stage.", runId);
        }
        outputs.forEach(output -> requireModelId(output.modelId()));
        if (!outputs.isEmpty()) {
            store.logRunOutputs(runId, outputs);
        }
    }

    /** The models the run produced, by model id. */
    public List<LoggedModelOutput> runOutputs(String runId) {
        tracking.getRunInfo(runId);
        return store.runOutputs(runId);
    }

    /**
     * Searches the active models of the experiments.
     *
     * @param maxResults at most {@value #MAX_SEARCH_RESULTS}; {@value #DEFAULT_SEARCH_RESULTS} when absent
     * @throws SlipwayException INVALID_PARAMETER_VALUE for a bad filter, order term, dataset, limit or page token
     */
    public Page<LoggedModel> searchLoggedModels(List<String> experimentIds, Optional<String> filter,
            List<DatasetFilter> datasets, Optional<Long> maxResults, List<OrderTerm> orderBy,
            Optional<String> pageToken) {
        long limit = maxResults.orElse((long) DEFAULT_SEARCH_RESULTS);
        if (limit < 1 || limit > MAX_SEARCH_RESULTS) {
            throw SlipwayException.invalidParameter(
                    "Invalid value %d for parameter 'max_results' supplied. It must be at most %d and at least 1.",
                    limit, MAX_SEARCH_RESULTS);
        }
        experimentIds.forEach(TrackingService::validateExperimentId);
        for (DatasetFilter dataset : datasets) {
            if (dataset.datasetName().isEmpty()) {
                throw SlipwayException.invalidParameter("`dataset_name` in the `datasets` clause must be specified.");
            }
        }
        List<Comparison> comparisons = new ArrayList<>();
        for (Comparison comparison : SearchParser.parseFilter(filter)) {
            comparisons.add(checkedComparison(comparison));
        }
        List<LoggedModelOrder> terms = new ArrayList<>();
        for (OrderTerm term : orderBy) {
            terms.add(checkedOrder(term));
        }
        long offset = PageToken.decode(pageToken);
        if (experimentIds.isEmpty()) {
            return new Page<>(List.of(), Optional.empty());
        }
        return store.searchLoggedModels(List.copyOf(new LinkedHashSet<>(experimentIds)), comparisons, datasets, terms,
                (int) limit, offset);
    }

    // ---- rules ---------------------------------------------------------------------------------

    /** MLflow's rule for a given logged model name: non-empty, none of {@code / : . % " '}. */
    public static void validateName(String name) {
        if (name.isEmpty() || NAME_FORBIDDEN.stream().anyMatch(name::contains)) {
            throw SlipwayException.invalidParameter("Invalid model name ('%s') provided. Model name must be a "
                    + "non-empty string and cannot contain the following characters: ('/', ':', '.', '%%', '\"', "
                    + "\"'\")", name);
        }
        checkLength("name", name, MAX_NAME_LENGTH);
    }

    /** Params: at most {@value #MAX_PARAMS_PER_REQUEST}, distinct keys, run param key and value limits. */
    static void validateParams(List<Param> params) {
        if (params.size() > MAX_PARAMS_PER_REQUEST) {
            throw SlipwayException.invalidParameter("A request can log at most %d params of a logged model. Got %d.",
                    MAX_PARAMS_PER_REQUEST, params.size());
        }
        Set<String> keys = new HashSet<>();
        Set<String> duplicates = new TreeSet<>();
        for (Param param : params) {
            TrackingService.validateKey("param", param.key());
            if (param.value().length() > TrackingService.MAX_PARAM_VALUE_LENGTH) {
                throw SlipwayException.invalidParameter(
                        "Param value '%s...' had length %d, which exceeded length limit of %d",
                        param.value().substring(0, 20), param.value().length(), TrackingService.MAX_PARAM_VALUE_LENGTH);
            }
            if (!keys.add(param.key())) {
                duplicates.add(param.key());
            }
        }
        if (!duplicates.isEmpty()) {
            throw SlipwayException.invalidParameter("Duplicate parameter keys have been submitted: %s. Please ensure "
                    + "the request contains only one param value per param key.", duplicates);
        }
    }

    /** Tags: at most {@value #MAX_TAGS_PER_REQUEST}, run tag key and value limits. */
    static void validateTags(List<Tag> tags) {
        if (tags.size() > MAX_TAGS_PER_REQUEST) {
            throw SlipwayException.invalidParameter("A request can set at most %d tags of a logged model. Got %d.",
                    MAX_TAGS_PER_REQUEST, tags.size());
        }
        for (Tag tag : tags) {
            TrackingService.validateKey("tag", tag.key());
            if (tag.value().length() > TrackingService.MAX_RUN_TAG_VALUE_LENGTH) {
                throw SlipwayException.invalidParameter(
                        "Tag value '%s...' had length %d, which exceeded length limit of %d",
                        tag.value().substring(0, 20), tag.value().length(), TrackingService.MAX_RUN_TAG_VALUE_LENGTH);
            }
        }
    }

    /** The attribute a filter or order key names, with MLflow's aliases resolved; absent if it names none. */
    static Optional<String> canonicalAttribute(String key) {
        return switch (key) {
            case "name", "model_id", "model_type", "status", "source_run_id" -> Optional.of(key);
            case "creation_timestamp", "creation_time", "creation_timestamp_ms" -> Optional.of("creation_timestamp");
            case "last_updated_timestamp", "last_updated_time", "last_updated_timestamp_ms" ->
                    Optional.of("last_updated_timestamp");
            default -> Optional.empty();
        };
    }

    private static Comparison checkedComparison(Comparison comparison) {
        return switch (comparison.type()) {
            case METRIC -> {
                requireNumeric(comparison, "metrics." + comparison.key());
                yield comparison;
            }
            case PARAM -> {
                requireString(comparison, "params." + comparison.key());
                yield comparison;
            }
            case TAG -> {
                requireString(comparison, "tags." + comparison.key());
                yield comparison;
            }
            case ATTRIBUTE -> {
                String key = canonicalAttribute(comparison.key()).orElseThrow(() -> SlipwayException.invalidParameter(
                        "Invalid attribute key '%s' specified. Valid keys are '%s'", comparison.key(),
                        new TreeSet<>(union(STRING_ATTRIBUTES, NUMERIC_ATTRIBUTES))));
                if (NUMERIC_ATTRIBUTES.contains(key)) {
                    requireNumeric(comparison, key);
                    yield new Comparison(EntityType.ATTRIBUTE, key, comparison.operator(), comparison.value());
                }
                requireString(comparison, key);
                Literal value = comparison.value();
                if (key.equals("status") && (comparison.operator() == Operator.EQ
                        || comparison.operator() == Operator.NE)) {
                    // the store keeps the short name; accept LOGGED_MODEL_READY, READY and 2 alike
                    value = new Literal.Text(LoggedModelStatus.parse(comparison.text()).name());
                }
                yield new Comparison(EntityType.ATTRIBUTE, key, comparison.operator(), value);
            }
            case DATASET -> throw SlipwayException.invalidParameter("Invalid entity type: 'datasets'. Expected one "
                    + "of ['attributes', 'metrics', 'params', 'tags']; filter datasets with the 'datasets' field.");
        };
    }

    private static LoggedModelOrder checkedOrder(OrderTerm term) {
        String field = term.fieldName();
        int dot = field.indexOf('.');
        if (dot < 0) {
            String key = canonicalAttribute(field).orElseThrow(
                    () -> SlipwayException.invalidParameter("Invalid order by field name: %s", field));
            return new LoggedModelOrder(EntityType.ATTRIBUTE, key, term.ascending(), Optional.empty(),
                    Optional.empty());
        }
        Optional<EntityType> type = EntityType.fromPrefix(field.substring(0, dot));
        String key = stripBackticks(field.substring(dot + 1));
        if (type.isEmpty() || type.get() != EntityType.METRIC || key.isEmpty()) {
            throw SlipwayException.invalidParameter(
                    "Invalid order by field name: %s. Only metrics are supported.", field);
        }
        return new LoggedModelOrder(EntityType.METRIC, key, term.ascending(), term.datasetName(),
                term.datasetDigest());
    }

    private static void requireNumeric(Comparison comparison, String what) {
        if (!(comparison.value() instanceof Literal.Number) || comparison.operator().isStringOnly()) {
            throw SlipwayException.invalidParameter("Invalid comparison for %s: it takes a numeric value and one of "
                    + "'=', '!=', '>', '>=', '<', '<='", what);
        }
    }

    private static void requireString(Comparison comparison, String what) {
        Operator operator = comparison.operator();
        if (operator.isNumericOnly() || operator == Operator.IN || operator == Operator.NOT_IN) {
            throw SlipwayException.invalidParameter(
                    "Invalid comparison operator for %s: '%s'. Expected one of ('=', '!=', 'LIKE', 'ILIKE').", what,
                    operator.symbol());
        }
        if (!(comparison.value() instanceof Literal.Text)) {
            throw SlipwayException.invalidParameter("Expected a quoted string value for %s", what);
        }
    }

    private static void requireModelId(String modelId) {
        if (modelId.isEmpty()) {
            throw SlipwayException.invalidParameter("Missing value for required parameter 'model_id'. See the API "
                    + "docs for more information about request parameters.");
        }
    }

    private static void checkLength(String field, String value, int limit) {
        if (value.length() > limit) {
            throw SlipwayException.invalidParameter("'%s' had length %d, which exceeded length limit of %d", field,
                    value.length(), limit);
        }
    }

    private static LoggedModelMetric clamp(LoggedModelMetric metric) {
        double value = metric.value();
        if (Double.isInfinite(value)) {
            return new LoggedModelMetric(metric.key(), value > 0 ? Double.MAX_VALUE : -Double.MAX_VALUE,
                    metric.timestamp(), metric.step(), metric.runId(), metric.datasetName(), metric.datasetDigest());
        }
        return metric;
    }

    private static List<Tag> lastValuePerKey(List<Tag> tags) {
        Map<String, Tag> byKey = new LinkedHashMap<>();
        for (Tag tag : tags) {
            byKey.remove(tag.key());
            byKey.put(tag.key(), tag);
        }
        return List.copyOf(byKey.values());
    }

    /** The registrations as Python's {@code json.dumps} writes them: ASCII only, numeric versions as numbers. */
    static String registrationsJson(List<ModelRegistration> registrations) {
        StringBuilder json = new StringBuilder("[");
        for (ModelRegistration registration : registrations) {
            if (json.length() > 1) {
                json.append(", ");
            }
            json.append("{\"name\": ");
            appendJsonString(json, registration.name());
            json.append(", \"version\": ");
            if (registration.version().matches("\\d{1,18}")) {
                json.append(Long.parseLong(registration.version()));
            } else {
                appendJsonString(json, registration.version());
            }
            json.append('}');
        }
        return json.append(']').toString();
    }

    private static void appendJsonString(StringBuilder json, String value) {
        json.append('"');
        for (int index = 0; index < value.length(); index++) {
            char c = value.charAt(index);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                case '\b' -> json.append("\\b");
                case '\f' -> json.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }

    private static String stripBackticks(String key) {
        if (key.length() >= 2 && (key.startsWith("`") && key.endsWith("`") || key.startsWith("\"")
                && key.endsWith("\""))) {
            return key.substring(1, key.length() - 1);
        }
        return key;
    }

    private static Set<String> union(Set<String> first, Set<String> second) {
        Set<String> all = new HashSet<>(first);
        all.addAll(second);
        return all;
    }
}
