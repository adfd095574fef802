package dev.slipway.monitoring;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.Durations;
import dev.slipway.core.SlipwayException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A production monitor: which registered model it watches, over which window of logged predictions, how often the
 * server evaluates it, how drift is decided, and its alert rules. Read from JSON (or YAML parsed to the same tree) by
 * {@link #fromJson}, written back, with every default filled in, by {@link #toJson}:
 *
 * <pre>{@code
 * name: churn-drift
 * model: models:/churn@champion   # an alias follows the champion as it moves
 * window: 1h                      # the last period of predictions; or "rows: 10000" for the latest rows
 * schedule: 10m                   # how often the server evaluates it (default: the window, or 1h)
 * drift_share: 0.5                # the dataset drifts when this share of the features drifted
 * method: psi                     # optional: one test for every column...
 * methods: {tenure: ks}           # ...or per column; otherwise Evidently's choice by type and reference size
 * threshold: 0.2                  # optional: one threshold for every column, or per column with thresholds:
 * positive_label: "1"             # optional: the positive class of live quality
 * alerts:
 *   - when: dataset_drift         # or feature_drift (features: [...]), quality_below / quality_above (metric, bound)
 *     webhook: https://hooks.example.org/slipway
 *     retrain: {project: /srv/churn, args: [--promote]}
 *     repeat: 24h
 * }</pre>
 */
public record MonitorDefinition(String name, String model, Optional<Duration> window, OptionalLong rows,
        Duration schedule, double driftShare, Optional<DriftMethod> method, Map<String, DriftMethod> columnMethods,
        OptionalDouble threshold, Map<String, Double> columnThresholds, Optional<String> positiveLabel,
        List<AlertRule> alerts) {
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    public static final Duration DEFAULT_WINDOW = Duration.ofHours(1);
    public static final Duration SHORTEST_SCHEDULE = Duration.ofSeconds(5);
    private static final Pattern MODEL_URI = Pattern.compile("models:/[^/@]+(/[0-9]+|/latest|@[A-Za-z0-9_-]+)");
    private static final Set<String> KEYS = Set.of("name", "model", "window", "rows", "schedule", "drift_share",
            "method", "methods", "threshold", "thresholds", "positive_label", "alerts");
    private static final Set<String> RULE_KEYS = Set.of("when", "features", "metric", "bound", "webhook", "retrain",
            "repeat");

    public MonitorDefinition {
        requireNonNull(name, "name is null");
        requireNonNull(model, "model is null");
        requireNonNull(window, "window is null");
        requireNonNull(rows, "rows is null");
        requireNonNull(schedule, "schedule is null");
        requireNonNull(method, "method is null");
        columnMethods = Map.copyOf(requireNonNull(columnMethods, "columnMethods is null"));
        requireNonNull(threshold, "threshold is null");
        columnThresholds = Map.copyOf(requireNonNull(columnThresholds, "columnThresholds is null"));
        requireNonNull(positiveLabel, "positiveLabel is null");
        alerts = List.copyOf(requireNonNull(alerts, "alerts is null"));
        if (window.isPresent() == rows.isPresent()) {
            throw new IllegalArgumentException("exactly one of window and rows");
        }
        driftOptions(driftShare, method, columnMethods, threshold, columnThresholds);
    }

    /**
     * Reads and checks a definition.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE naming the field and the bad value: a missing name or model, a
     *     name that is not 1-128 letters, digits, '.', '_' or '-', a model that is not a registry URI, an unknown key,
     *     method or metric, a window that is not a duration, both window and rows, a schedule shorter than 5 s, a
     *     drift share outside (0, 1], a rule without an action or a webhook that is not an http(s) URL
     */
    public static MonitorDefinition fromJson(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw SlipwayException.invalidParameter("A monitor definition must be an object, got %s",
                    node == null ? "nothing" : node.getNodeType().toString().toLowerCase(Locale.ROOT));
        }
        checkKeys(node, KEYS, "monitor");
        String name = text(node, "name", "monitor").orElseThrow(() -> missing("name", "monitor"));
        if (!NAME.matcher(name).matches()) {
            throw SlipwayException.invalidParameter("Invalid monitor name '%s': use 1 to 128 letters, digits, '.', '_' "
                    + "or '-', starting with a letter or digit", name);
        }
        String where = "monitor '" + name + "'";
        String model = text(node, "model", where).orElseThrow(() -> missing("model", where)).trim();
        if (!MODEL_URI.matcher(model).matches()) {
            throw SlipwayException.invalidParameter("%s: 'model' must be a registered model version such as "
                    + "models:/churn/7 or models:/churn@champion, got '%s'", where, model);
        }
        Optional<Duration> window = text(node, "window", where).map(value -> duration(value, "window", where));
        OptionalLong rows = OptionalLong.empty();
        if (node.hasNonNull("rows")) {
            JsonNode value = node.get("rows");
            if (!value.canConvertToLong() || !value.isIntegralNumber() || value.longValue() < 1) {
                throw SlipwayException.invalidParameter("%s: 'rows' must be a positive whole number, got %s", where,
                        value);
            }
            rows = OptionalLong.of(value.longValue());
        }
        if (window.isPresent() && rows.isPresent()) {
            throw SlipwayException.invalidParameter("%s: give either 'window' (a period) or 'rows' (the latest rows), "
                    + "not both", where);
        }
        if (window.isEmpty() && rows.isEmpty()) {
            window = Optional.of(DEFAULT_WINDOW);
        }
        Duration schedule = text(node, "schedule", where).map(value -> duration(value, "schedule", where))
                .orElse(window.orElse(DEFAULT_WINDOW));
        if (schedule.compareTo(SHORTEST_SCHEDULE) < 0) {
            throw SlipwayException.invalidParameter("%s: 'schedule' must be at least %s, got %s", where,
                    Durations.text(SHORTEST_SCHEDULE), Durations.text(schedule));
        }
        double driftShare = number(node, "drift_share", where).orElse(DriftOptions.DEFAULT_DRIFT_SHARE);
        Optional<DriftMethod> method = text(node, "method", where).map(value -> method(value, "method", where));
        Map<String, DriftMethod> columnMethods = new LinkedHashMap<>();
        forEachField(node, "methods", where, (column, value) -> {
            if (!value.isTextual()) {
                throw SlipwayException.invalidParameter("%s: methods.%s must be a method name, got %s", where, column,
                        value);
            }
            columnMethods.put(column, method(value.textValue(), "methods." + column, where));
        });
        OptionalDouble threshold = number(node, "threshold", where);
        Map<String, Double> columnThresholds = new LinkedHashMap<>();
        forEachField(node, "thresholds", where, (column, value) -> {
            if (!value.isNumber() || !Double.isFinite(value.doubleValue())) {
                throw SlipwayException.invalidParameter("%s: thresholds.%s must be a number, got %s", where, column,
                        value);
            }
            columnThresholds.put(column, value.doubleValue());
        });
        Optional<String> positiveLabel = Optional.empty();
        if (node.hasNonNull("positive_label")) {
            JsonNode value = node.get("positive_label");
            if (!value.isValueNode()) {
                throw SlipwayException.invalidParameter("%s: 'positive_label' must be a string, got %s", where, value);
            }
            positiveLabel = Optional.of(value.asText());
        }
        List<AlertRule> alerts = new ArrayList<>();
        if (node.hasNonNull("alerts")) {
            JsonNode list = node.get("alerts");
            if (!list.isArray()) {
                throw SlipwayException.invalidParameter("%s: 'alerts' must be a list of rules, got %s", where, list);
            }
            for (int index = 0; index < list.size(); index++) {
                alerts.add(rule(list.get(index), where + " alerts[" + index + "]"));
            }
        }
        try {
            driftOptions(driftShare, method, columnMethods, threshold, columnThresholds);
        } catch (SlipwayException e) {
            throw SlipwayException.invalidParameter("%s: %s", where, e.getMessage());
        }
        return new MonitorDefinition(name, model, window, rows, schedule, driftShare, method, columnMethods, threshold,
                columnThresholds, positiveLabel, alerts);
    }

    /** How this monitor decides drift. */
    public DriftOptions driftOptions() {
        return driftOptions(driftShare, method, columnMethods, threshold, columnThresholds);
    }

    private static DriftOptions driftOptions(double driftShare, Optional<DriftMethod> method,
            Map<String, DriftMethod> columnMethods, OptionalDouble threshold, Map<String, Double> columnThresholds) {
        DriftOptions options = DriftOptions.defaults().withDriftShare(driftShare);
        if (method.isPresent()) {
            options = options.withMethod(method.get());
        }
        for (Map.Entry<String, DriftMethod> entry : columnMethods.entrySet()) {
            options = options.withColumnMethod(entry.getKey(), entry.getValue());
        }
        if (threshold.isPresent()) {
            options = options.withThreshold(threshold.getAsDouble());
        }
        for (Map.Entry<String, Double> entry : columnThresholds.entrySet()) {
            options = options.withColumnThreshold(entry.getKey(), entry.getValue());
        }
        return options;
    }

    /** The model name of {@link #model}: {@code churn} for {@code models:/churn@champion}. */
    public String modelName() {
        String rest = model.substring("models:/".length());
        int end = rest.indexOf('@') >= 0 ? rest.indexOf('@') : rest.indexOf('/');
        return rest.substring(0, end);
    }

    /** The alias of {@link #model}, when it names one. */
    public Optional<String> modelAlias() {
        int at = model.indexOf('@');
        return at < 0 ? Optional.empty() : Optional.of(model.substring(at + 1));
    }

    /** The window in words: {@code the last 1 h} or {@code the latest 10000 predictions}. */
    public String describeWindow() {
        return window.map(period -> "the last " + Durations.describe(period))
                .orElseGet(() -> "the latest " + rows.getAsLong() + " predictions");
    }

    /** The definition with every default filled in, as {@link #fromJson} reads it back. */
    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("name", name);
        json.put("model", model);
        window.ifPresent(period -> json.put("window", Durations.text(period)));
        rows.ifPresent(count -> json.put("rows", count));
        json.put("schedule", Durations.text(schedule));
        json.put("drift_share", driftShare);
        method.ifPresent(value -> json.put("method", value.wireName()));
        if (!columnMethods.isEmpty()) {
            ObjectNode methods = json.putObject("methods");
            new java.util.TreeMap<>(columnMethods).forEach((column, value) -> methods.put(column, value.wireName()));
        }
        threshold.ifPresent(value -> json.put("threshold", value));
        if (!columnThresholds.isEmpty()) {
            ObjectNode thresholds = json.putObject("thresholds");
            new java.util.TreeMap<>(columnThresholds).forEach(thresholds::put);
        }
        positiveLabel.ifPresent(label -> json.put("positive_label", label));
        alerts.forEach(rule -> json.withArray("alerts").add(rule.toJson()));
        return json;
    }

    private static AlertRule rule(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw SlipwayException.invalidParameter("%s must be an object with 'when' and an action, got %s", where,
                    node);
        }
        checkKeys(node, RULE_KEYS, where);
        String when = text(node, "when", where).orElseThrow(() -> missing("when", where));
        AlertRule.Condition condition = switch (when.trim().toLowerCase(Locale.ROOT)) {
            case "dataset_drift" -> AlertRule.Condition.DATASET_DRIFT;
            case "feature_drift" -> AlertRule.Condition.FEATURE_DRIFT;
            case "quality_below" -> AlertRule.Condition.QUALITY_BELOW;
            case "quality_above" -> AlertRule.Condition.QUALITY_ABOVE;
            default -> throw SlipwayException.invalidParameter("%s: unknown condition 'when: %s' (known: dataset_drift, "
                    + "feature_drift, quality_below, quality_above)", where, when);
        };
        List<String> features = new ArrayList<>();
        if (node.hasNonNull("features")) {
            JsonNode list = node.get("features");
            if (!list.isArray() || condition != AlertRule.Condition.FEATURE_DRIFT) {
                throw SlipwayException.invalidParameter("%s: 'features' is a list of feature names, and only for "
                        + "when: feature_drift", where);
            }
            list.forEach(feature -> features.add(feature.asText()));
        }
        Optional<String> metric = text(node, "metric", where);
        OptionalDouble bound = number(node, "bound", where);
        boolean quality = condition == AlertRule.Condition.QUALITY_BELOW
                || condition == AlertRule.Condition.QUALITY_ABOVE;
        if (quality) {
            String name = metric.orElseThrow(() -> missing("metric", where));
            if (!AlertRule.QUALITY_METRICS.contains(name)) {
                throw SlipwayException.invalidParameter("%s: unknown quality metric '%s' (known: %s)", where, name,
                        String.join(", ", AlertRule.QUALITY_METRICS));
            }
            if (bound.isEmpty()) {
                throw missing("bound", where);
            }
        } else if (metric.isPresent() || bound.isPresent()) {
            throw SlipwayException.invalidParameter("%s: 'metric' and 'bound' belong to quality_below and "
                    + "quality_above, not %s", where, when);
        }
        Optional<URI> webhook = text(node, "webhook", where).map(value -> webhook(value, where));
        Optional<AlertRule.Retrain> retrain = Optional.empty();
        if (node.hasNonNull("retrain")) {
            JsonNode action = node.get("retrain");
            if (!action.isObject()) {
                throw SlipwayException.invalidParameter("%s: 'retrain' must be an object with 'project' (the pipeline "
                        + "folder) and optional 'args', got %s", where, action);
            }
            checkKeys(action, Set.of("project", "args"), where + " retrain");
            String project = text(action, "project", where + " retrain")
                    .orElseThrow(() -> missing("project", where + " retrain"));
            List<String> arguments = new ArrayList<>();
            if (action.hasNonNull("args")) {
                if (!action.get("args").isArray()) {
                    throw SlipwayException.invalidParameter("%s retrain: 'args' must be a list of strings", where);
                }
                action.get("args").forEach(argument -> arguments.add(argument.asText()));
            }
            retrain = Optional.of(new AlertRule.Retrain(project, arguments));
        }
        if (webhook.isEmpty() && retrain.isEmpty()) {
            throw SlipwayException.invalidParameter("%s does nothing: give it a 'webhook' URL and/or 'retrain'", where);
        }
        Duration repeat = text(node, "repeat", where).map(value -> duration(value, "repeat", where))
                .orElse(AlertRule.DEFAULT_REPEAT);
        return new AlertRule(condition, features, quality ? metric : Optional.empty(), bound, webhook, retrain, repeat);
    }

    private static URI webhook(String value, String where) {
        try {
            URI uri = new URI(value.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw SlipwayException.invalidParameter("%s: 'webhook' must be an http:// or https:// URL, got '%s'", where,
                value);
    }

    private static DriftMethod method(String value, String field, String where) {
        return DriftMethod.fromWireName(value.trim()).orElseThrow(() -> SlipwayException.invalidParameter(
                "%s: unknown drift method '%s' in '%s' (known: %s)", where, value, field, String.join(", ",
                        java.util.Arrays.stream(DriftMethod.values()).map(DriftMethod::wireName).toList())));
    }

    private static Duration duration(String value, String field, String where) {
        try {
            return Durations.parsePositive(value);
        } catch (SlipwayException e) {
            throw SlipwayException.invalidParameter("%s: '%s': %s", where, field, e.getMessage());
        }
    }

    private static Optional<String> text(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual() && !value.isNumber()) {
            throw SlipwayException.invalidParameter("%s: '%s' must be a string, got %s", where, field, value);
        }
        String text = value.asText();
        if (text.isBlank()) {
            throw SlipwayException.invalidParameter("%s: '%s' is empty", where, field);
        }
        return Optional.of(text);
    }

    private static OptionalDouble number(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return OptionalDouble.empty();
        }
        if (!value.isNumber() || !Double.isFinite(value.doubleValue())) {
            throw SlipwayException.invalidParameter("%s: '%s' must be a number, got %s", where, field, value);
        }
        return OptionalDouble.of(value.doubleValue());
    }

    private static void forEachField(JsonNode node, String field, String where,
            java.util.function.BiConsumer<String, JsonNode> action) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isObject()) {
            throw SlipwayException.invalidParameter("%s: '%s' must map column names to values, got %s", where, field,
                    value);
        }
        value.properties().forEach(entry -> action.accept(entry.getKey(), entry.getValue()));
    }

    private static void checkKeys(JsonNode node, Set<String> known, String where) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
            String key = names.next();
            if (!known.contains(key)) {
                throw SlipwayException.invalidParameter("%s: unknown key '%s' (known: %s)", where, key,
                        String.join(", ", new java.util.TreeSet<>(known)));
            }
        }
    }

    private static SlipwayException missing(String field, String where) {
        return SlipwayException.invalidParameter("%s: '%s' is required", where, field);
    }
}
