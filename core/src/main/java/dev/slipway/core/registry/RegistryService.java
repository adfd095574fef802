package dev.slipway.core.registry;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import dev.slipway.core.search.Comparison;
import dev.slipway.core.search.EntityType;
import dev.slipway.core.search.Literal;
import dev.slipway.core.search.Operator;
import dev.slipway.core.search.OrderBy;
import dev.slipway.core.search.PageToken;
import dev.slipway.core.search.SearchParser;
import dev.slipway.core.tracking.Page;
import dev.slipway.core.tracking.Tag;
import dev.slipway.core.tracking.TrackingService;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rules of the model registry (MLflow's names, limits and aliases) in front of a {@link RegistryStore}. Every
 * public method validates its input and throws {@link SlipwayException} with INVALID_PARAMETER_VALUE on bad input
 * and RESOURCE_DOES_NOT_EXIST for a missing model, version or alias. Thread-safe.
 */
public final class RegistryService {
    public static final int MAX_NAME_LENGTH = 256;
    public static final int MAX_TAG_KEY_LENGTH = 250;
    public static final int MAX_TAG_VALUE_LENGTH = 5000;
    public static final int MAX_ALIAS_LENGTH = 255;
    public static final int MAX_REGISTERED_MODELS_RESULTS = 1000;
    public static final int DEFAULT_REGISTERED_MODELS_RESULTS = 100;
    public static final int MAX_MODEL_VERSIONS_RESULTS = 200_000;
    public static final int DEFAULT_MODEL_VERSIONS_RESULTS = 10_000;
    /** How many {@code models:/} references a download URI is followed through. */
    public static final int MAX_SOURCE_REFERENCE_DEPTH = 10;

    private static final Pattern ALIAS_PATTERN = Pattern.compile("^[\\w\\-]*$");
    private static final Pattern VERSION_ALIAS_PATTERN = Pattern.compile("^[vV]\\d+$");
    private static final Pattern VERSION_PATTERN = Pattern.compile("^\\d{1,18}$");
    private static final Pattern MODEL_ID_PATTERN = Pattern.compile("^[a-zA-Z0-9][\\w\\-]{0,255}$");

    private final RegistryStore store;
    private final Clock clock;

    public RegistryService(RegistryStore store, Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    // ---- registered models ---------------------------------------------------------------------

    public RegisteredModel createRegisteredModel(String name, Optional<String> description, List<Tag> tags) {
        validateName(name);
        tags.forEach(RegistryService::validateTag);
        return store.createRegisteredModel(name, description, tags, clock.millis());
    }

    public RegisteredModel getRegisteredModel(String name) {
        validateName(name);
        return store.getRegisteredModel(name).orElseThrow(() -> RegisteredModel.notFound(name));
    }

    public RegisteredModel renameRegisteredModel(String name, String newName) {
        validateName(name);
        validateName(newName);
        return store.renameRegisteredModel(name, newName, clock.millis());
    }

    public RegisteredModel updateRegisteredModel(String name, Optional<String> description) {
        validateName(name);
        return store.updateRegisteredModelDescription(name, description, clock.millis());
    }

    public void deleteRegisteredModel(String name) {
        validateName(name);
        store.deleteRegisteredModel(name);
    }

    public void setRegisteredModelTag(String name, Tag tag) {
        validateName(name);
        validateTag(tag);
        store.setRegisteredModelTag(name, tag);
    }

    /** Deletes the tag; deleting a key the model does not have is a no-op, as in MLflow. */
    public void deleteRegisteredModelTag(String name, String key) {
        validateName(name);
        TrackingService.validateKey("tag", key);
        store.deleteRegisteredModelTag(name, key);
    }

    public Page<RegisteredModel> searchRegisteredModels(Optional<String> filter, Optional<Long> maxResults,
            List<String> orderBy, Optional<String> pageToken) {
        int limit = maxResults(maxResults, DEFAULT_REGISTERED_MODELS_RESULTS, MAX_REGISTERED_MODELS_RESULTS);
        List<Comparison> comparisons = SearchParser.parseFilter(filter);
        comparisons.forEach(RegistryService::validateRegisteredModelComparison);
        List<OrderBy> terms = orderBy(orderBy, RegistryService::registeredModelOrderKey);
        return store.searchRegisteredModels(comparisons, terms, limit, PageToken.decode(pageToken));
    }

    /** The latest version per stage: of the given stages (case-insensitive), or of every stage when none given. */
    public List<ModelVersion> getLatestVersions(String name, List<String> stages) {
        validateName(name);
        LinkedHashSet<ModelVersionStage> parsed = new LinkedHashSet<>();
        for (String stage : stages) {
            parsed.add(ModelVersionStage.parse(stage));
        }
        List<ModelVersionStage> wanted = parsed.isEmpty() ? List.of(ModelVersionStage.values()) : List.copyOf(parsed);
        return store.latestVersions(name, wanted);
    }

    // ---- aliases -------------------------------------------------------------------------------

    public void setAlias(String name, String alias, String version) {
        validateName(name);
        validateAlias(alias);
        store.setAlias(name, alias, parseVersion(version));
    }

    /** Deletes the alias; deleting an alias the model does not have is a no-op, as in MLflow. */
    public void deleteAlias(String name, String alias) {
        validateName(name);
        validateAlias(alias);
        store.deleteAlias(name, alias);
    }

    public ModelVersion getModelVersionByAlias(String name, String alias) {
        validateName(name);
        validateAlias(alias);
        return store.getModelVersionByAlias(name, alias).orElseThrow(
                () -> SlipwayException.notFound("Registered model alias %s not found.", alias));
    }

    // ---- model versions ------------------------------------------------------------------------

    /**
     * Creates the next version of the model from a source that is trusted as it is (the server checks sources
     * received over the API with {@link #createModelVersion(NewModelVersion, SourceLocations)}).
     */
    public ModelVersion createModelVersion(NewModelVersion version) {
        validateNewVersion(version);
        return store.createModelVersion(version, clock.millis());
    }

    /**
     * Creates the next version of the model after checking its source with MLflow's rules ({@link ModelSources}):
     * local paths only inside the artifact directory of the version's run, no relative path references in remote
     * URIs, {@code runs:/} naming an existing run.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE for a refused source, RESOURCE_DOES_NOT_EXIST for a missing
     *     model or run
     */
    public ModelVersion createModelVersion(NewModelVersion version, SourceLocations locations) {
        validateNewVersion(version);
        ModelSources.validate(version.source(), version.runId().filter(runId -> !runId.isEmpty()),
                version.modelId().filter(modelId -> !modelId.isEmpty()), locations);
        return store.createModelVersion(version, clock.millis());
    }

    /**
     * Where a client downloads the version's files from: its source, with {@code runs:/<run_id>/<path>} resolved to
     * the run's artifact URI plus the path and {@code models:/} references resolved to the download URI of the
     * version they name (at most {@value #MAX_SOURCE_REFERENCE_DEPTH} references deep); any other source as it is.
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST for a missing version (or a missing one it refers to),
     *     INVALID_PARAMETER_VALUE for references nested too deeply
     */
    public String getModelVersionDownloadUri(String name, String version, SourceLocations locations) {
        return downloadUri(getModelVersion(name, version).source(), locations, 0);
    }

    public ModelVersion getModelVersion(String name, String version) {
        validateName(name);
        long number = parseVersion(version);
        return store.getModelVersion(name, number).orElseThrow(() -> ModelVersion.notFound(name, number));
    }

    public ModelVersion updateModelVersion(String name, String version, Optional<String> description) {
        validateName(name);
        return store.updateModelVersionDescription(name, parseVersion(version), description, clock.millis());
    }

    public void deleteModelVersion(String name, String version) {
        validateName(name);
        store.deleteModelVersion(name, parseVersion(version), clock.millis());
    }

    public ModelVersion transitionModelVersionStage(String name, String version, String stage,
            boolean archiveExistingVersions) {
        validateName(name);
        long number = parseVersion(version);
        ModelVersionStage target = ModelVersionStage.parse(stage);
        if (archiveExistingVersions && !isActive(target)) {
            throw SlipwayException.invalidParameter("Model version transition cannot archive existing model versions "
                    + "because '%s' is not an Active stage. Valid stages are ['Staging', 'Production']", stage);
        }
        return store.transitionModelVersionStage(name, number, target, archiveExistingVersions, clock.millis());
    }

    public void setModelVersionTag(String name, String version, Tag tag) {
        validateName(name);
        long number = parseVersion(version);
        validateTag(tag);
        store.setModelVersionTag(name, number, tag);
    }

    /** Deletes the tag; deleting a key the version does not have is a no-op, as in MLflow. */
    public void deleteModelVersionTag(String name, String version, String key) {
        validateName(name);
        long number = parseVersion(version);
        TrackingService.validateKey("tag", key);
        store.deleteModelVersionTag(name, number, key);
    }

    public Page<ModelVersion> searchModelVersions(Optional<String> filter, Optional<Long> maxResults,
            List<String> orderBy, Optional<String> pageToken) {
        int limit = maxResults(maxResults, DEFAULT_MODEL_VERSIONS_RESULTS, MAX_MODEL_VERSIONS_RESULTS);
        List<Comparison> comparisons = SearchParser.parseFilter(filter);
        comparisons.forEach(RegistryService::validateModelVersionComparison);
        List<OrderBy> terms = orderBy(orderBy, RegistryService::modelVersionOrderKey);
        return store.searchModelVersions(comparisons, terms, limit, PageToken.decode(pageToken));
    }

    private String downloadUri(String source, SourceLocations locations, int depth) {
        if (depth > MAX_SOURCE_REFERENCE_DEPTH) {
            throw SlipwayException.invalidParameter("Model version source '%s' cannot be resolved: models:/ "
                    + "references nest more than %d levels deep", source, MAX_SOURCE_REFERENCE_DEPTH);
        }
        Optional<ModelSources.RunReference> run = ModelSources.parseRunsUri(source);
        if (run.isPresent()) {
            String root = locations.runArtifactUri(run.get().runId());
            if (run.get().path().isEmpty()) {
                return root;
            }
            return (root.endsWith("/") ? root : root + "/") + run.get().path();
        }
        Optional<ModelSources.ModelReference> reference = ModelSources.parseModelsUri(source);
        if (reference.isEmpty()) {
            return source;
        }
        String name = reference.get().name();
        String selector = reference.get().selector();
        return switch (reference.get().kind()) {
            case VERSION -> downloadUri(getModelVersion(name, selector).source(), locations, depth + 1);
            case ALIAS -> downloadUri(getModelVersionByAlias(name, selector).source(), locations, depth + 1);
            case STAGE -> downloadUri(getLatestVersions(name, List.of(selector)).stream().findFirst()
                    .orElseThrow(() -> SlipwayException.notFound("No versions of registered model '%s' in stage '%s'",
                            name, selector)).source(), locations, depth + 1);
            case LATEST -> downloadUri(getLatestVersions(name, List.of()).stream()
                    .max(Comparator.comparingLong(ModelVersion::version))
                    .orElseThrow(() -> SlipwayException.notFound("Registered model '%s' has no versions", name))
                    .source(), locations, depth + 1);
            case LOGGED_MODEL -> locations.loggedModelArtifactUri(name).orElse(source);
        };
    }

    private static void validateNewVersion(NewModelVersion version) {
        validateName(version.name());
        if (version.source().isEmpty()) {
            throw SlipwayException.invalidParameter(
                    "Missing value for required parameter 'source'. See the API docs for more information about "
                            + "request parameters.");
        }
        version.runId().filter(runId -> !runId.isEmpty()).ifPresent(TrackingService::validateRunId);
        version.modelId().filter(modelId -> !modelId.isEmpty()).ifPresent(RegistryService::validateModelId);
        version.tags().forEach(RegistryService::validateTag);
    }

    // ---- rules ---------------------------------------------------------------------------------

    /** A logged model id (MLflow 3, such as {@code m-0123abcd}): the run id rule, named for the field. */
    public static void validateModelId(String modelId) {
        if (!MODEL_ID_PATTERN.matcher(modelId).matches()) {
            throw SlipwayException.invalidParameter("Invalid value '%s' for parameter 'model_id' supplied: a model id "
                    + "is a letter or digit followed by at most 255 letters, digits, '_' or '-'.", modelId);
        }
    }

    /** A registered model name is required and at most {@value #MAX_NAME_LENGTH} characters. */
    public static void validateName(String name) {
        if (name.isEmpty()) {
            throw SlipwayException.invalidParameter("Missing value for required parameter 'name'. See the API docs "
                    + "for more information about request parameters.");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw SlipwayException.invalidParameter(
                    "Registered model name '%s...' had length %d, which exceeded length limit of %d",
                    name.substring(0, 20), name.length(), MAX_NAME_LENGTH);
        }
    }

    /** MLflow's alias rule: {@code ^[\w\-]*$}, at most 255 characters, not {@code latest} nor {@code v<digits>}. */
    public static void validateAlias(String alias) {
        if (alias.isEmpty()) {
            throw SlipwayException.invalidParameter("Registered model alias name cannot be empty.");
        }
        if (!ALIAS_PATTERN.matcher(alias).matches()) {
            throw SlipwayException.invalidParameter("Invalid alias name: '%s'. Names may only contain alphanumerics, "
                    + "underscores (_), and dashes (-).", alias);
        }
        if (alias.length() > MAX_ALIAS_LENGTH) {
            throw SlipwayException.invalidParameter(
                    "Registered model alias name '%s...' had length %d, which exceeded length limit of %d",
                    alias.substring(0, 20), alias.length(), MAX_ALIAS_LENGTH);
        }
        if (alias.toLowerCase(Locale.ROOT).equals("latest")) {
            throw SlipwayException.invalidParameter("'latest' alias name (case insensitive) is reserved.");
        }
        if (VERSION_ALIAS_PATTERN.matcher(alias).matches()) {
            throw SlipwayException.invalidParameter("Version alias name '%s' is reserved.", alias);
        }
    }

    /** Registered model and model version tags: MLflow's key rule (at most 250 characters), values at most 5000. */
    public static void validateTag(Tag tag) {
        TrackingService.validateKey("tag", tag.key());
        if (tag.value().length() > MAX_TAG_VALUE_LENGTH) {
            throw SlipwayException.invalidParameter("Tag value '%s...' had length %d, which exceeded length limit of %d",
                    tag.value().substring(0, 20), tag.value().length(), MAX_TAG_VALUE_LENGTH);
        }
    }

    /** A model version number as sent on the wire: a positive integer in decimal. */
    public static long parseVersion(String version) {
        if (!VERSION_PATTERN.matcher(version).matches() || Long.parseLong(version) < 1) {
            throw SlipwayException.invalidParameter("Parameter 'version' must be an integer, got '%s'.", version);
        }
        return Long.parseLong(version);
    }

    static int maxResults(Optional<Long> requested, int defaultValue, int limit) {
        long value = requested.orElse((long) defaultValue);
        if (value < 1 || value > limit) {
            throw SlipwayException.invalidParameter(
                    "Invalid value %d for parameter 'max_results' supplied. It must be at most %d and at least 1.",
                    value, limit);
        }
        return (int) value;
    }

    private static boolean isActive(ModelVersionStage stage) {
        return switch (stage) {
            case STAGING, PRODUCTION -> true;
            case NONE, ARCHIVED -> false;
        };
    }

    private static void validateRegisteredModelComparison(Comparison comparison) {
        switch (comparison.type()) {
            case TAG -> requireStringComparison(comparison, "tag", false);
            case ATTRIBUTE -> {
                if (!comparison.key().equals("name")) {
                    throw SlipwayException.invalidParameter(
                            "Invalid attribute key '%s' specified. Valid keys are '[name]'", comparison.key());
                }
                requireStringComparison(comparison, "attribute", false);
            }
            case METRIC, PARAM, DATASET -> throw invalidEntity(comparison, "registered model");
        }
    }

    private static void validateModelVersionComparison(Comparison comparison) {
        switch (comparison.type()) {
            case TAG -> requireStringComparison(comparison, "tag", false);
            case ATTRIBUTE -> {
                switch (comparison.key()) {
                    case "name", "source_path" -> requireStringComparison(comparison, "attribute", false);
                    case "run_id" -> requireStringComparison(comparison, "attribute", true);
                    case "version_number" -> {
                        if (!(comparison.value() instanceof Literal.Number number)
                                || comparison.operator().isStringOnly()) {
                            throw SlipwayException.invalidParameter(
                                    "Invalid comparison for attribute 'version_number': it takes a numeric value");
                        }
                        if (number.value() != Math.rint(number.value())) {
                            throw SlipwayException.invalidParameter(
                                    "Invalid version_number '%s': it must be an integer", number.text());
                        }
                    }
                    default -> throw SlipwayException.invalidParameter("Invalid attribute key '%s' specified. Valid "
                            + "keys are '[name, version_number, run_id, source_path]'", comparison.key());
                }
            }
            case METRIC, PARAM, DATASET -> throw invalidEntity(comparison, "model version");
        }
    }

    private static void requireStringComparison(Comparison comparison, String kind, boolean allowIn) {
        boolean isIn = comparison.operator() == Operator.IN || comparison.operator() == Operator.NOT_IN;
        if (comparison.operator().isNumericOnly() || (isIn && !allowIn)) {
            throw SlipwayException.invalidParameter(
                    "Invalid comparator '%s' not one of '['=', '!=', 'LIKE', 'ILIKE'%s]' for %s '%s'",
                    comparison.operator().symbol(), allowIn ? ", 'IN', 'NOT IN'" : "", kind, comparison.key());
        }
        boolean text = isIn ? comparison.value() instanceof Literal.TextList : comparison.value() instanceof Literal.Text;
        if (!text) {
            throw SlipwayException.invalidParameter("Expected a quoted string value for %s '%s'", kind,
                    comparison.key());
        }
    }

    private static SlipwayException invalidEntity(Comparison comparison, String searched) {
        return SlipwayException.invalidParameter(
                "Invalid entity type '%s' in %s filter. Valid types are 'attribute' and 'tag'",
                comparison.type().name().toLowerCase(Locale.ROOT), searched);
    }

    private interface OrderKey {
        String canonical(String key);
    }

    private static List<OrderBy> orderBy(List<String> terms, OrderKey keys) {
        List<OrderBy> parsed = new ArrayList<>();
        for (String term : terms) {
            OrderBy orderBy = SearchParser.parseOrderBy(term);
            if (orderBy.type() != EntityType.ATTRIBUTE) {
                throw SlipwayException.invalidParameter("Invalid order_by clause '%s'. Only attributes can be ordered "
                        + "by", term);
            }
            parsed.add(new OrderBy(EntityType.ATTRIBUTE, keys.canonical(orderBy.key()), orderBy.ascending()));
        }
        return List.copyOf(parsed);
    }

    private static String registeredModelOrderKey(String key) {
        return switch (key) {
            case "name" -> "name";
            case "creation_timestamp", "timestamp" -> "creation_timestamp";
            case "last_updated_timestamp" -> "last_updated_timestamp";
            default -> throw SlipwayException.invalidParameter("Invalid order by key '%s' specified. Valid keys are "
                    + "'[name, creation_timestamp, timestamp, last_updated_timestamp]'", key);
        };
    }

    private static String modelVersionOrderKey(String key) {
        return switch (key) {
            case "name", "version_number", "creation_timestamp", "last_updated_timestamp" -> key;
            default -> throw SlipwayException.invalidParameter("Invalid order by key '%s' specified. Valid keys are "
                    + "'[name, version_number, creation_timestamp, last_updated_timestamp]'", key);
        };
    }
}
