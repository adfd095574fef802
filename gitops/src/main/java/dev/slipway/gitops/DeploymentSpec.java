package dev.slipway.gitops;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.slipway.core.Durations;
import dev.slipway.core.SlipwayException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One deployment as written in {@code envs/<env>/<name>.yaml} of a deployments repository: the model it
 * serves, pinned to an immutable version so that the Git diff is the model change, and how it is served.
 *
 * <pre>{@code
 * name: churn
 * model: models:/churn/7
 * replicas: 1
 * port: 8080
 * resources: {cpu: "1", memory: 1Gi}
 * canary: {candidate: models:/churn/8, steps: [10, 25, 50, 100], pause: 5m,
 *          analysis: {max_error_rate: 0.01, max_p99_ms: 500, min_quality: {accuracy: 0.8}}, failure_limit: 3}
 * shadow: models:/churn/9
 * monitors: [churn-drift]
 * sync: {self_heal: false, prune: false}
 * }</pre>
 *
 * Immutable and thread-safe. Every constructor and parser throws {@link SlipwayException} with
 * {@code INVALID_PARAMETER_VALUE} naming the field and the bad value.
 */
public record DeploymentSpec(
        String name,
        String model,
        int replicas,
        int port,
        Map<String, String> resources,
        Optional<Canary> canary,
        Optional<String> shadow,
        List<String> monitors,
        boolean selfHeal,
        boolean prune) {

    public static final int DEFAULT_REPLICAS = 1;
    public static final int DEFAULT_PORT = 8080;

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern VERSIONED_MODEL_URI = Pattern.compile("models:/([^/@]+)/([0-9]+)");
    private static final YAMLMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                    .build())
            .build();

    public DeploymentSpec {
        requireNonNull(name, "name is null");
        requireNonNull(model, "model is null");
        requireNonNull(resources, "resources is null");
        requireNonNull(canary, "canary is null");
        requireNonNull(shadow, "shadow is null");
        requireNonNull(monitors, "monitors is null");
        checkName(name, "name");
        checkModelUri(model, "model");
        if (replicas < 0) {
            throw SlipwayException.invalidParameter("Deployment '%s': replicas must be 0 or more, got %d", name, replicas);
        }
        if (port < 1 || port > 65535) {
            throw SlipwayException.invalidParameter("Deployment '%s': port must be in 1..65535, got %d", name, port);
        }
        resources = Map.copyOf(resources);
        resources.forEach((key, value) -> {
            if (key.isBlank() || value.isBlank()) {
                throw SlipwayException.invalidParameter("Deployment '%s': resource '%s' has a blank name or value '%s'", name, key, value);
            }
        });
        canary.ifPresent(c -> {
            if (c.candidate().equals(model)) {
                throw SlipwayException.invalidParameter("Deployment '%s': canary candidate '%s' is the model already deployed", name, c.candidate());
            }
        });
        shadow.ifPresent(uri -> checkModelUri(uri, "shadow"));
        monitors = List.copyOf(monitors);
        for (String monitor : monitors) {
            if (monitor.isBlank()) {
                throw SlipwayException.invalidParameter("Deployment '%s': a monitor name is blank", name);
            }
        }
    }

    /** A deployment with the defaults: one replica on port 8080, no canary, shadow or monitors, no self-heal or prune. */
    public static DeploymentSpec of(String name, String model) {
        return new DeploymentSpec(name, model, DEFAULT_REPLICAS, DEFAULT_PORT, Map.of(), Optional.empty(), Optional.empty(), List.of(), false, false);
    }

    /** The registered model's name, from {@code models:/<name>/<version>}. */
    public String modelName() {
        return modelUriParts(model)[0];
    }

    /** The model version, from {@code models:/<name>/<version>}. */
    public long modelVersion() {
        return Long.parseLong(modelUriParts(model)[1]);
    }

    public DeploymentSpec withModel(String newModel) {
        return new DeploymentSpec(name, newModel, replicas, port, resources, canary, shadow, monitors, selfHeal, prune);
    }

    public DeploymentSpec withReplicas(int newReplicas) {
        return new DeploymentSpec(name, model, newReplicas, port, resources, canary, shadow, monitors, selfHeal, prune);
    }

    public DeploymentSpec withPort(int newPort) {
        return new DeploymentSpec(name, model, replicas, newPort, resources, canary, shadow, monitors, selfHeal, prune);
    }

    public DeploymentSpec withShadow(Optional<String> newShadow) {
        return new DeploymentSpec(name, model, replicas, port, resources, canary, newShadow, monitors, selfHeal, prune);
    }

    public DeploymentSpec withCanary(Optional<Canary> newCanary) {
        return new DeploymentSpec(name, model, replicas, port, resources, newCanary, shadow, monitors, selfHeal, prune);
    }

    /**
     * A progressive rollout of {@code candidate}: traffic weights in percent, each held for {@code pause}
     * while {@code analysis} passes; rolled back after {@code failureLimit} failed checks.
     */
    public record Canary(String candidate, List<Integer> steps, Duration pause, Analysis analysis, int failureLimit) {
        public static final List<Integer> DEFAULT_STEPS = List.of(10, 25, 50, 100);
        public static final Duration DEFAULT_PAUSE = Duration.ofMinutes(5);
        public static final int DEFAULT_FAILURE_LIMIT = 3;

        public Canary {
            requireNonNull(candidate, "candidate is null");
            requireNonNull(steps, "steps is null");
            requireNonNull(pause, "pause is null");
            requireNonNull(analysis, "analysis is null");
            checkModelUri(candidate, "canary.candidate");
            steps = List.copyOf(steps);
            if (steps.isEmpty()) {
                throw SlipwayException.invalidParameter("canary.steps is empty: give traffic weights such as [10, 25, 50, 100]");
            }
            int previous = 0;
            for (int step : steps) {
                if (step < 1 || step > 100) {
                    throw SlipwayException.invalidParameter("canary.steps: weight %d is outside 1..100", step);
                }
                if (step <= previous) {
                    throw SlipwayException.invalidParameter("canary.steps %s must increase strictly", steps);
                }
                previous = step;
            }
            if (pause.isNegative()) {
                throw SlipwayException.invalidParameter("canary.pause is negative: %s", pause);
            }
            if (failureLimit < 1) {
                throw SlipwayException.invalidParameter("canary.failure_limit must be 1 or more, got %d", failureLimit);
            }
        }
    }

    /** The bounds a canary must hold at each check; an empty bound is not checked. */
    public record Analysis(OptionalDouble maxErrorRate, OptionalDouble maxP99Millis, Map<String, Double> minQuality) {
        public static final Analysis NONE = new Analysis(OptionalDouble.empty(), OptionalDouble.empty(), Map.of());

        public Analysis {
            requireNonNull(maxErrorRate, "maxErrorRate is null");
            requireNonNull(maxP99Millis, "maxP99Millis is null");
            requireNonNull(minQuality, "minQuality is null");
            maxErrorRate.ifPresent(rate -> {
                if (!(rate >= 0 && rate <= 1)) {
                    throw SlipwayException.invalidParameter("canary.analysis.max_error_rate must be in 0..1, got %s", rate);
                }
            });
            maxP99Millis.ifPresent(millis -> {
                if (!(millis > 0) || Double.isInfinite(millis)) {
                    throw SlipwayException.invalidParameter("canary.analysis.max_p99_ms must be positive, got %s", millis);
                }
            });
            minQuality = Map.copyOf(minQuality);
            minQuality.forEach((metric, bound) -> {
                if (metric.isBlank() || !Double.isFinite(bound)) {
                    throw SlipwayException.invalidParameter("canary.analysis.min_quality: bad bound '%s': %s", metric, bound);
                }
            });
        }
    }

    /**
     * Parses one deployment file.
     *
     * @param where the file, named in error messages (e.g. {@code envs/prod/churn.yaml})
     * @throws SlipwayException INVALID_PARAMETER_VALUE naming {@code where} and the field
     */
    public static DeploymentSpec fromYaml(String text, String where) {
        requireNonNull(text, "text is null");
        requireNonNull(where, "where is null");
        JsonNode node;
        try {
            node = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw SlipwayException.invalidParameter("%s is not valid YAML: %s", where, e.getOriginalMessage());
        }
        return fromJson(node, where);
    }

    /**
     * Reads a deployment from a parsed YAML or JSON tree.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE naming {@code where} and the field
     */
    public static DeploymentSpec fromJson(JsonNode node, String where) {
        requireNonNull(where, "where is null");
        if (node == null || !node.isObject()) {
            throw SlipwayException.invalidParameter("%s: a deployment must be a mapping with name and model", where);
        }
        try {
            checkKeys(node, where, "", Set.of("name", "model", "replicas", "port", "resources", "canary", "shadow", "monitors", "sync"));
            String name = requiredText(node, where, "name");
            String model = requiredText(node, where, "model");
            int replicas = optionalInt(node, where, "replicas", DEFAULT_REPLICAS);
            int port = optionalInt(node, where, "port", DEFAULT_PORT);
            Map<String, String> resources = new LinkedHashMap<>();
            JsonNode resourcesNode = node.get("resources");
            if (resourcesNode != null && !resourcesNode.isNull()) {
                if (!resourcesNode.isObject()) {
                    throw fieldError(where, "resources", "must be a mapping such as {cpu: \"1\", memory: 1Gi}");
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = resourcesNode.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> entry = it.next();
                    if (!entry.getValue().isValueNode() || entry.getValue().isNull() || entry.getValue().isBoolean()) {
                        throw fieldError(where, "resources." + entry.getKey(), "must be a quantity such as \"1\" or 1Gi");
                    }
                    resources.put(entry.getKey(), entry.getValue().asText());
                }
            }
            Optional<Canary> canary = Optional.ofNullable(node.get("canary")).filter(n -> !n.isNull()).map(n -> parseCanary(n, where));
            Optional<String> shadow = Optional.ofNullable(node.get("shadow")).filter(n -> !n.isNull()).map(n -> text(n, where, "shadow"));
            List<String> monitors = new ArrayList<>();
            JsonNode monitorsNode = node.get("monitors");
            if (monitorsNode != null && !monitorsNode.isNull()) {
                if (!monitorsNode.isArray()) {
                    throw fieldError(where, "monitors", "must be a list of monitor names");
                }
                for (JsonNode monitor : monitorsNode) {
                    monitors.add(text(monitor, where, "monitors[]"));
                }
            }
            boolean selfHeal = false;
            boolean prune = false;
            JsonNode sync = node.get("sync");
            if (sync != null && !sync.isNull()) {
                if (!sync.isObject()) {
                    throw fieldError(where, "sync", "must be a mapping {self_heal: false, prune: false}");
                }
                checkKeys(sync, where, "sync.", Set.of("self_heal", "prune"));
                selfHeal = optionalBoolean(sync, where, "sync.", "self_heal");
                prune = optionalBoolean(sync, where, "sync.", "prune");
            }
            return new DeploymentSpec(name, model, replicas, port, resources, canary, shadow, monitors, selfHeal, prune);
        } catch (SlipwayException e) {
            if (e.getMessage().startsWith(where)) {
                throw e;
            }
            throw SlipwayException.invalidParameter("%s: %s", where, e.getMessage());
        }
    }

    /** This deployment as YAML that {@link #fromYaml} reads back equal. */
    public String toYaml() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("name", name);
        root.put("model", model);
        root.put("replicas", replicas);
        root.put("port", port);
        if (!resources.isEmpty()) {
            ObjectNode resourcesNode = root.putObject("resources");
            new java.util.TreeMap<>(resources).forEach(resourcesNode::put);
        }
        canary.ifPresent(c -> {
            ObjectNode canaryNode = root.putObject("canary");
            canaryNode.put("candidate", c.candidate());
            ArrayNode steps = canaryNode.putArray("steps");
            c.steps().forEach(steps::add);
            canaryNode.put("pause", Durations.text(c.pause()));
            Analysis analysis = c.analysis();
            if (!analysis.equals(Analysis.NONE)) {
                ObjectNode analysisNode = canaryNode.putObject("analysis");
                analysis.maxErrorRate().ifPresent(rate -> analysisNode.put("max_error_rate", rate));
                analysis.maxP99Millis().ifPresent(millis -> analysisNode.put("max_p99_ms", millis));
                if (!analysis.minQuality().isEmpty()) {
                    ObjectNode quality = analysisNode.putObject("min_quality");
                    new java.util.TreeMap<>(analysis.minQuality()).forEach(quality::put);
                }
            }
            canaryNode.put("failure_limit", c.failureLimit());
        });
        shadow.ifPresent(uri -> root.put("shadow", uri));
        if (!monitors.isEmpty()) {
            ArrayNode monitorsNode = root.putArray("monitors");
            monitors.forEach(monitorsNode::add);
        }
        ObjectNode sync = root.putObject("sync");
        sync.put("self_heal", selfHeal);
        sync.put("prune", prune);
        try {
            return YAML.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write deployment " + name, e);
        }
    }

    /** Reads a duration ({@link Durations}: {@code 30s}, {@code 5m}, {@code 1h30m}, {@code 500ms}), naming the field. */
    public static Duration parseDuration(String text, String field) {
        try {
            return Durations.parse(text);
        } catch (SlipwayException e) {
            throw SlipwayException.invalidParameter("%s: %s", field, e.getMessage());
        }
    }

    /**
     * Checks that {@code uri} names an immutable model version, {@code models:/<name>/<version>}.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE for an alias, {@code latest} or a stage
     */
    public static void checkModelUri(String uri, String field) {
        modelUriParts(uri, field);
    }

    private static String[] modelUriParts(String uri) {
        return modelUriParts(uri, "model");
    }

    private static String[] modelUriParts(String uri, String field) {
        Matcher matcher = VERSIONED_MODEL_URI.matcher(uri);
        if (matcher.matches()) {
            return new String[] {matcher.group(1), matcher.group(2)};
        }
        if (uri.startsWith("models:/") && uri.contains("@")) {
            throw SlipwayException.invalidParameter("%s '%s' names an alias; a deployment pins an immutable version such as "
                    + "models:/%s/7 (slipway deploy promote resolves aliases)", field, uri, uri.substring(8, uri.indexOf('@')));
        }
        if (uri.startsWith("models:/") && uri.endsWith("/latest")) {
            throw SlipwayException.invalidParameter("%s '%s' names 'latest'; a deployment pins an immutable version such as models:/%s/7",
                    field, uri, uri.substring(8, uri.length() - "/latest".length()));
        }
        throw SlipwayException.invalidParameter("%s '%s' is not a model version URI models:/<name>/<version>", field, uri);
    }

    private static void checkName(String name, String field) {
        if (name.length() > 63 || !DNS_LABEL.matcher(name).matches()) {
            throw SlipwayException.invalidParameter("%s '%s' is not a DNS-1123 label (lower-case letters, digits and '-', "
                    + "starting and ending with a letter or digit, at most 63 characters)", field, name);
        }
    }

    private static Canary parseCanary(JsonNode node, String where) {
        if (!node.isObject()) {
            throw fieldError(where, "canary", "must be a mapping with candidate, steps, pause, analysis, failure_limit");
        }
        checkKeys(node, where, "canary.", Set.of("candidate", "steps", "pause", "analysis", "failure_limit"));
        String candidate = requiredText(node, where, "canary.candidate", "candidate");
        List<Integer> steps = Canary.DEFAULT_STEPS;
        JsonNode stepsNode = node.get("steps");
        if (stepsNode != null && !stepsNode.isNull()) {
            if (!stepsNode.isArray()) {
                throw fieldError(where, "canary.steps", "must be a list of weights such as [10, 25, 50, 100]");
            }
            steps = new ArrayList<>();
            for (JsonNode step : stepsNode) {
                if (!step.isIntegralNumber()) {
                    throw fieldError(where, "canary.steps", "weight '" + step.asText() + "' is not a whole number");
                }
                steps.add(step.intValue());
            }
        }
        Duration pause = Canary.DEFAULT_PAUSE;
        JsonNode pauseNode = node.get("pause");
        if (pauseNode != null && !pauseNode.isNull()) {
            pause = parseDuration(text(pauseNode, where, "canary.pause"), "canary.pause");
        }
        Analysis analysis = Analysis.NONE;
        JsonNode analysisNode = node.get("analysis");
        if (analysisNode != null && !analysisNode.isNull()) {
            if (!analysisNode.isObject()) {
                throw fieldError(where, "canary.analysis", "must be a mapping with max_error_rate, max_p99_ms, min_quality");
            }
            checkKeys(analysisNode, where, "canary.analysis.", Set.of("max_error_rate", "max_p99_ms", "min_quality"));
            Map<String, Double> minQuality = new LinkedHashMap<>();
            JsonNode quality = analysisNode.get("min_quality");
            if (quality != null && !quality.isNull()) {
                if (!quality.isObject()) {
                    throw fieldError(where, "canary.analysis.min_quality", "must be a mapping of metric to lower bound");
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = quality.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> entry = it.next();
                    minQuality.put(entry.getKey(), number(entry.getValue(), where, "canary.analysis.min_quality." + entry.getKey()));
                }
            }
            analysis = new Analysis(optionalDouble(analysisNode, where, "max_error_rate"), optionalDouble(analysisNode, where, "max_p99_ms"), minQuality);
        }
        int failureLimit = optionalInt(node, where, "canary.failure_limit", "failure_limit", Canary.DEFAULT_FAILURE_LIMIT);
        return new Canary(candidate, steps, pause, analysis, failureLimit);
    }

    private static void checkKeys(JsonNode node, String where, String prefix, Set<String> known) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                throw fieldError(where, prefix + key, "is not a known field (known: " + String.join(", ", new java.util.TreeSet<>(known)) + ")");
            }
        }
    }

    private static String requiredText(JsonNode node, String where, String field) {
        return requiredText(node, where, field, field);
    }

    private static String requiredText(JsonNode node, String where, String field, String key) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            throw fieldError(where, field, "is missing");
        }
        return text(value, where, field);
    }

    private static String text(JsonNode value, String where, String field) {
        if (!value.isTextual() || value.asText().isBlank()) {
            throw fieldError(where, field, "must be a non-empty string, got " + value);
        }
        return value.asText();
    }

    private static int optionalInt(JsonNode node, String where, String field, int defaultValue) {
        return optionalInt(node, where, field, field, defaultValue);
    }

    private static int optionalInt(JsonNode node, String where, String field, String key, int defaultValue) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return defaultValue;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw fieldError(where, field, "must be a whole number, got " + value);
        }
        return value.intValue();
    }

    private static OptionalDouble optionalDouble(JsonNode node, String where, String key) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(number(value, where, "canary.analysis." + key));
    }

    private static double number(JsonNode value, String where, String field) {
        if (!value.isNumber()) {
            throw fieldError(where, field, "must be a number, got " + value);
        }
        return value.doubleValue();
    }

    private static boolean optionalBoolean(JsonNode node, String where, String prefix, String key) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw fieldError(where, prefix + key, "must be true or false, got " + value);
        }
        return value.booleanValue();
    }

    private static SlipwayException fieldError(String where, String field, String problem) {
        return SlipwayException.invalidParameter("%s: %s %s", where, field, problem);
    }
}
