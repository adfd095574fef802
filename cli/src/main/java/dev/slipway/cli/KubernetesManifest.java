package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Kubernetes objects that run one {@code slipway serve} as a service: a Deployment whose pods run the same
 * command line, with readiness and liveness probes on the Open Inference Protocol health routes and a graceful
 * termination period, and a ClusterIP Service in front of it. Written as YAML for {@code kubectl apply -f -}.
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
        if (!name.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
            throw new IllegalArgumentException("Kubernetes name '" + name + "' must be lower-case letters, digits "
                    + "and '-', at most 63 characters, starting and ending with a letter or digit");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas must be at least 1: " + replicas);
        }
    }

    /** A Kubernetes name from any text: lower case, other characters as '-', at most 63 characters. */
    static String nameFrom(String text) {
        String lower = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
        if (lower.length() > 63) {
            lower = lower.substring(0, 63).replaceAll("-+$", "");
        }
        return lower.isEmpty() ? "slipway-model" : lower;
    }

    String toYaml() {
        StringBuilder yaml = new StringBuilder();
        yaml.append("apiVersion: apps/v1\n")
                .append("kind: Deployment\n")
                .append("metadata:\n")
                .append("  name: ").append(name).append('\n')
                .append("  labels:\n")
                .append("    app.kubernetes.io/name: ").append(name).append('\n')
                .append("    app.kubernetes.io/component: model-server\n")
                .append("    app.kubernetes.io/managed-by: slipway\n")
                .append("spec:\n")
                .append("  replicas: ").append(replicas).append('\n')
                .append("  selector:\n")
                .append("    matchLabels:\n")
                .append("      app.kubernetes.io/name: ").append(name).append('\n')
                .append("  template:\n")
                .append("    metadata:\n")
                .append("      labels:\n")
                .append("        app.kubernetes.io/name: ").append(name).append('\n')
                .append("      annotations:\n")
                .append("        prometheus.io/scrape: \"true\"\n")
                .append("        prometheus.io/port: \"").append(port).append("\"\n")
                .append("        prometheus.io/path: /metrics\n")
                .append("    spec:\n")
                .append("      terminationGracePeriodSeconds: 30\n")
                .append("      containers:\n")
                .append("        - name: model-server\n")
                .append("          image: ").append(quote(image)).append('\n')
                .append("          command: [\"slipway\"]\n")
                .append("          args:\n");
        for (String arg : args) {
            yaml.append("            - ").append(quote(arg)).append('\n');
        }
        if (!environment.isEmpty()) {
            yaml.append("          env:\n");
            environment.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(variable -> yaml
                    .append("            - name: ").append(quote(variable.getKey())).append('\n')
                    .append("              value: ").append(quote(variable.getValue())).append('\n'));
        }
        yaml.append("          ports:\n")
                .append("            - name: http\n")
                .append("              containerPort: ").append(port).append('\n')
                .append("          readinessProbe:\n")
                .append("            httpGet: {path: /v2/health/ready, port: http}\n")
                .append("            periodSeconds: 5\n")
                .append("            failureThreshold: 3\n")
                .append("          livenessProbe:\n")
                .append("            httpGet: {path: /v2/health/live, port: http}\n")
                .append("            initialDelaySeconds: 10\n")
                .append("            periodSeconds: 10\n")
                .append("            failureThreshold: 3\n")
                .append("          startupProbe:\n")
                .append("            httpGet: {path: /v2/health/ready, port: http}\n")
                .append("            periodSeconds: 2\n")
                .append("            failureThreshold: 90\n")
                .append("          resources:\n")
                .append("            requests: {cpu: \"1\", memory: 1Gi}\n")
                .append("            limits: {memory: 2Gi}\n")
                .append("---\n")
                .append("apiVersion: v1\n")
                .append("kind: Service\n")
                .append("metadata:\n")
                .append("  name: ").append(name).append('\n')
                .append("  labels:\n")
                .append("    app.kubernetes.io/name: ").append(name).append('\n')
                .append("spec:\n")
                .append("  type: ClusterIP\n")
                .append("  selector:\n")
                .append("    app.kubernetes.io/name: ").append(name).append('\n')
                .append("  ports:\n")
                .append("    - name: http\n")
                .append("      port: 80\n")
                .append("      targetPort: http\n");
        return yaml.toString();
    }

    /** A YAML double-quoted scalar: safe for any text (colons, '@', '#', leading dashes). */
    private static String quote(String value) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (c < 0x20) {
                        quoted.append(String.format("\\x%02x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
