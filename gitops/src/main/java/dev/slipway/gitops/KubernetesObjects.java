package dev.slipway.gitops;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Kubernetes objects that run Slipway model servers, as trees for {@link KubernetesYaml}: a Deployment whose
 * pods run {@code slipway serve} with readiness, liveness and startup probes on the Open Inference Protocol health
 * routes ({@code /v2/health/ready}, {@code /v2/health/live}) and a graceful termination period, a ClusterIP Service
 * in front, and a ConfigMap. One place for what both {@code slipway serve --print-kubernetes} and
 * {@code slipway deploy render} write.
 */
public final class KubernetesObjects {
    public static final String NAME_LABEL = "app.kubernetes.io/name";
    public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY = "slipway";
    public static final String CONTAINER_NAME = "model-server";
    /** Seconds a pod gets after SIGTERM: {@code slipway serve} finishes its in-flight requests in that time. */
    public static final int TERMINATION_GRACE_SECONDS = 30;

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private KubernetesObjects() {}

    /**
     * Checks a Deployment, Service or ConfigMap name.
     *
     * @throws IllegalArgumentException for a name that is not a DNS-1123 label
     */
    public static String checkName(String name) {
        requireNonNull(name, "name is null");
        if (!DNS_LABEL.matcher(name).matches()) {
            throw new IllegalArgumentException("Kubernetes name '" + name + "' must be lower-case letters, digits "
                    + "and '-', at most 63 characters, starting and ending with a letter or digit");
        }
        return name;
    }

    /** A Kubernetes name from any text: lower case, other characters as '-', at most 63 characters. */
    public static String nameFrom(String text) {
        String lower = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
        if (lower.length() > 63) {
            lower = lower.substring(0, 63).replaceAll("-+$", "");
        }
        return lower.isEmpty() ? "slipway-model" : lower;
    }

    /**
     * The model server container: {@code slipway <args>} listening on {@code port} (named {@code http}), with the
     * probes on the V2 health routes.
     *
     * @param environment variables set one by one, written sorted
     * @param configMap a ConfigMap whose keys all become variables ({@code envFrom}); variables in
     *        {@code environment} win over it, and {@code args} may refer to either as {@code $(NAME)}
     * @param requests resource requests ({@code cpu}, {@code memory}); none when empty
     * @param limits resource limits; none when empty
     */
    public static Map<String, Object> modelServerContainer(String image, List<String> args, int port,
            Map<String, String> environment, Optional<String> configMap, Map<String, String> requests,
            Map<String, String> limits) {
        requireNonNull(image, "image is null");
        requireNonNull(args, "args is null");
        requireNonNull(environment, "environment is null");
        requireNonNull(configMap, "configMap is null");
        requireNonNull(requests, "requests is null");
        requireNonNull(limits, "limits is null");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        Map<String, Object> container = new LinkedHashMap<>();
        container.put("name", CONTAINER_NAME);
        container.put("image", image);
        container.put("command", List.of("slipway"));
        container.put("args", List.copyOf(args));
        if (!environment.isEmpty()) {
            container.put("env", environment.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(variable -> Map.of("name", variable.getKey(), "value", variable.getValue())).toList());
        }
        configMap.ifPresent(name -> container.put("envFrom", List.of(Map.of("configMapRef", Map.of("name", name)))));
        container.put("ports", List.of(Map.of("name", "http", "containerPort", port, "protocol", "TCP")));
        container.put("readinessProbe", Map.of("httpGet", probe("/v2/health/ready"), "periodSeconds", 5,
                "failureThreshold", 3));
        container.put("livenessProbe", Map.of("httpGet", probe("/v2/health/live"), "initialDelaySeconds", 10,
                "periodSeconds", 10, "failureThreshold", 3));
        // loading a large model can take minutes: the startup probe holds liveness off until the first ready
        container.put("startupProbe", Map.of("httpGet", probe("/v2/health/ready"), "periodSeconds", 2,
                "failureThreshold", 90));
        Map<String, Object> resources = new LinkedHashMap<>();
        if (!requests.isEmpty()) {
            resources.put("requests", Map.copyOf(requests));
        }
        if (!limits.isEmpty()) {
            resources.put("limits", Map.copyOf(limits));
        }
        if (!resources.isEmpty()) {
            container.put("resources", resources);
        }
        return container;
    }

    /**
     * A Deployment of one container.
     *
     * @param labels the Deployment's own labels
     * @param selector the pods it owns; they carry these labels and {@code podLabels}
     */
    public static Map<String, Object> deployment(String name, Map<String, String> labels, int replicas,
            Map<String, String> selector, Map<String, String> podLabels, Map<String, String> podAnnotations,
            Map<String, Object> container) {
        checkName(name);
        if (replicas < 0) {
            throw new IllegalArgumentException("replicas must be 0 or more: " + replicas);
        }
        Map<String, String> allPodLabels = new LinkedHashMap<>(podLabels);
        allPodLabels.putAll(selector);
        Map<String, Object> podMetadata = new LinkedHashMap<>();
        podMetadata.put("labels", allPodLabels);
        if (!podAnnotations.isEmpty()) {
            podMetadata.put("annotations", Map.copyOf(podAnnotations));
        }
        return Map.of(
                "apiVersion", "apps/v1",
                "kind", "Deployment",
                "metadata", metadata(name, labels),
                "spec", Map.of(
                        "replicas", replicas,
                        "selector", Map.of("matchLabels", Map.copyOf(selector)),
                        "template", Map.of(
                                "metadata", podMetadata,
                                "spec", Map.of(
                                        "terminationGracePeriodSeconds", TERMINATION_GRACE_SECONDS,
                                        "containers", List.of(container)))));
    }

    /** A ClusterIP Service on port 80 that sends to the pods' {@code http} port. */
    public static Map<String, Object> service(String name, Map<String, String> labels, Map<String, String> selector) {
        checkName(name);
        return Map.of(
                "apiVersion", "v1",
                "kind", "Service",
                "metadata", metadata(name, labels),
                "spec", Map.of(
                        "type", "ClusterIP",
                        "selector", Map.copyOf(selector),
                        "ports", List.of(Map.of("name", "http", "port", 80, "targetPort", "http",
                                "protocol", "TCP"))));
    }

    /** A ConfigMap holding {@code data}. */
    public static Map<String, Object> configMap(String name, Map<String, String> labels, Map<String, String> data) {
        checkName(name);
        return Map.of(
                "apiVersion", "v1",
                "kind", "ConfigMap",
                "metadata", metadata(name, labels),
                "data", Map.copyOf(data));
    }

    private static Map<String, Object> metadata(String name, Map<String, String> labels) {
        return Map.of("name", name, "labels", Map.copyOf(labels));
    }

    private static Map<String, Object> probe(String path) {
        return Map.of("path", path, "port", "http");
    }
}
