package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import dev.slipway.gitops.KubernetesObjects;
import dev.slipway.gitops.KubernetesYaml;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Kubernetes objects that run one {@code slipway serve} as a service: a Deployment whose pods run the same
 * command line, with readiness and liveness probes on the Open Inference Protocol health routes and a graceful
 * termination period, and a ClusterIP Service in front of it. Written as YAML for {@code kubectl apply -f -}.
 * The objects themselves are {@link KubernetesObjects}', shared with {@code slipway deploy render}.
 *
 * @param name the Deployment and Service name (a DNS-1123 label)
 * @param image the container image holding Java 17 and the Slipway jar, with {@code slipway} on the PATH
 * @param args the {@code slipway} arguments of the served process, from {@code serve} on
 * @param port the container port the server listens on
 * @param replicas how many pods
 * @param environment variables for the container, such as {@code MLFLOW_TRACKING_URI}
 */
record KubernetesManifest(String name, String image, List<String> args, int port, int replicas,
        Map<String, String> environment) {
    KubernetesManifest {
        requireNonNull(name, "name is null");
        requireNonNull(image, "image is null");
        args = List.copyOf(requireNonNull(args, "args is null"));
        environment = Map.copyOf(requireNonNull(environment, "environment is null"));
        KubernetesObjects.checkName(name);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas must be at least 1: " + replicas);
        }
    }

    /** A Kubernetes name from any text: lower case, other characters as '-', at most 63 characters. */
    static String nameFrom(String text) {
        return KubernetesObjects.nameFrom(text);
    }

    String toYaml() {
        Map<String, String> selector = Map.of(KubernetesObjects.NAME_LABEL, name);
        Map<String, String> labels = Map.of(KubernetesObjects.NAME_LABEL, name,
                "app.kubernetes.io/component", "model-server",
                KubernetesObjects.MANAGED_BY_LABEL, KubernetesObjects.MANAGED_BY);
        Map<String, String> scrape = Map.of("prometheus.io/scrape", "true", "prometheus.io/port", String.valueOf(port),
                "prometheus.io/path", "/metrics");
        Map<String, Object> container = KubernetesObjects.modelServerContainer(image, args, port, environment,
                Optional.empty(), Map.of("cpu", "1", "memory", "1Gi"), Map.of("memory", "2Gi"));
        return KubernetesYaml.write(List.of(
                KubernetesObjects.deployment(name, labels, replicas, selector, Map.of(), scrape, container),
                KubernetesObjects.service(name, selector, selector)));
    }
}
