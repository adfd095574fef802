package dev.slipway.gitops;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Renders a deployment of a deployments repository as Kubernetes objects that Argo CD or Flux can sync to a
 * cluster: a ConfigMap with the model URI and tracking URI, a Deployment of {@code slipway serve} pods that take
 * their configuration from it ({@code envFrom}), and a Service in front.
 *
 * <p>A canary adds a Deployment {@code <name>-canary} of the candidate behind the same Service, sized for the first
 * step's weight (at least one pod). Its share of traffic is then its share of the ready pods: weights finer than
 * that need a service mesh or an ingress that splits by weight. A shadow adds a Deployment {@code <name>-shadow}
 * whose pods the Service does not select: mirroring requests to it likewise needs a mesh. Slipway's own server splits
 * by weight and mirrors to a shadow itself ({@code slipway serve --canary}, {@code --shadow}), which is how the GitOps
 * agent runs them.
 *
 * <p>The text is the same for the same deployment (sorted keys, no timestamps), so the diffs that Argo CD and Flux
 * show are the change made in Git. The pods carry a hash of the configuration they read from the ConfigMap, so a
 * new model version rolls them (and only them). Immutable and thread-safe.
 */
public final class KubernetesRender {
    public static final String MODEL_VERSION_LABEL = "slipway.dev/model-version";
    public static final String TRACK_LABEL = "slipway.dev/track";
    public static final String CONFIG_HASH_ANNOTATION = "slipway.dev/config-hash";
    public static final String MODEL_URI_KEY = "SLIPWAY_MODEL_URI";
    public static final String CANARY_MODEL_URI_KEY = "SLIPWAY_CANARY_MODEL_URI";
    public static final String SHADOW_MODEL_URI_KEY = "SLIPWAY_SHADOW_MODEL_URI";
    public static final String TRACKING_URI_KEY = "MLFLOW_TRACKING_URI";

    private final String image;
    private final Optional<String> trackingUri;

    /**
     * @param image the container image holding Java 17 and the Slipway jar, with {@code slipway} on the PATH
     * @param trackingUri the tracking server the pods load models from and log predictions to
     */
    public KubernetesRender(String image, Optional<String> trackingUri) {
        this.image = requireNonNull(image, "image is null");
        this.trackingUri = requireNonNull(trackingUri, "trackingUri is null");
        if (image.isBlank()) {
            throw new IllegalArgumentException("image is blank");
        }
    }

    /** The objects of one deployment: ConfigMap, Deployment(s), Service, in that order. */
    public List<Map<String, Object>> objects(DeploymentSpec deployment) {
        String name = deployment.name();
        Map<String, String> data = new TreeMap<>();
        data.put(MODEL_URI_KEY, deployment.model());
        deployment.canary().ifPresent(canary -> data.put(CANARY_MODEL_URI_KEY, canary.candidate()));
        deployment.shadow().ifPresent(shadow -> data.put(SHADOW_MODEL_URI_KEY, shadow));
        trackingUri.ifPresent(uri -> data.put(TRACKING_URI_KEY, uri));

        List<Map<String, Object>> objects = new ArrayList<>();
        objects.add(KubernetesObjects.configMap(name, labels(name, deployment.model(), Optional.empty()), data));
        objects.add(deployment(deployment, name, "stable", deployment.model(), MODEL_URI_KEY, deployment.replicas(),
                name, data));
        deployment.canary().ifPresent(canary -> objects.add(deployment(deployment, name + "-canary", "canary",
                canary.candidate(), CANARY_MODEL_URI_KEY, canaryReplicas(deployment.replicas(), canary.steps().get(0)),
                name, data)));
        // the shadow's pods are not named like the others, so that the Service sends them no live traffic
        deployment.shadow().ifPresent(shadow -> objects.add(deployment(deployment, name + "-shadow", "shadow", shadow,
                SHADOW_MODEL_URI_KEY, Math.max(1, deployment.replicas()), name + "-shadow", data)));
        objects.add(KubernetesObjects.service(name, labels(name, deployment.model(), Optional.empty()),
                Map.of(KubernetesObjects.NAME_LABEL, name)));
        return List.copyOf(objects);
    }

    /** {@link #objects} as a YAML stream. */
    public String render(DeploymentSpec deployment) {
        return KubernetesYaml.write(objects(deployment));
    }

    /**
     * Writes one file {@code <name>.yaml} per deployment of {@code desired} into {@code folder}, and deletes the
     * files of Slipway-managed deployments that are no longer there.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE naming every file of the environment that does not parse;
     *         then nothing is written
     */
    public ManifestFolder.Report write(DeploymentsRepository.DesiredState desired, ManifestFolder folder) {
        requireNonNull(desired, "desired is null");
        requireNonNull(folder, "folder is null");
        if (!desired.errors().isEmpty()) {
            throw SlipwayException.invalidParameter("Cannot render environment '%s'; nothing was written: %s",
                    desired.env(), String.join("; ", new TreeMap<>(desired.errors()).values()));
        }
        return folder.write(files(desired.deployments()));
    }

    /** The text of each deployment's file, by file name {@code <name>.yaml}. */
    public Map<String, String> files(List<DeploymentSpec> deployments) {
        Map<String, String> files = new TreeMap<>();
        for (DeploymentSpec deployment : deployments) {
            if (files.put(deployment.name() + ".yaml", render(deployment)) != null) {
                throw SlipwayException.invalidParameter("Two deployments are named '%s'", deployment.name());
            }
        }
        return files;
    }

    /** The candidate's pods for a first step of {@code weight} percent: its share of the replicas, at least 1. */
    static int canaryReplicas(int replicas, int weight) {
        return Math.max(1, (int) Math.ceil(replicas * weight / 100.0));
    }

    private Map<String, Object> deployment(DeploymentSpec deployment, String objectName, String track, String modelUri,
            String modelUriKey, int replicas, String podName, Map<String, String> data) {
        // a hash of the configuration these pods read, so that changing it (and only it) rolls them
        Map<String, String> used = new TreeMap<>();
        used.put(modelUriKey, data.get(modelUriKey));
        trackingUri.ifPresent(uri -> used.put(TRACKING_URI_KEY, uri));
        Map<String, String> podAnnotations = Map.of(CONFIG_HASH_ANNOTATION, hash(used));
        Map<String, String> selector = Map.of(KubernetesObjects.NAME_LABEL, podName, TRACK_LABEL, track);
        Map<String, String> podLabels = labels(podName, modelUri, Optional.of(track));
        List<String> args = List.of("serve", "-m", "$(" + modelUriKey + ")", "--name", deployment.modelName(),
                "--host", "0.0.0.0", "--port", String.valueOf(deployment.port()));
        Map<String, Object> container = KubernetesObjects.modelServerContainer(image, args, deployment.port(), Map.of(),
                Optional.of(deployment.name()), deployment.resources(), deployment.resources());
        return KubernetesObjects.deployment(objectName, labels(deployment.name(), modelUri, Optional.of(track)),
                replicas, selector, podLabels, podAnnotations, container);
    }

    private static Map<String, String> labels(String name, String modelUri, Optional<String> track) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(KubernetesObjects.NAME_LABEL, name);
        labels.put(KubernetesObjects.MANAGED_BY_LABEL, KubernetesObjects.MANAGED_BY);
        labels.put(MODEL_VERSION_LABEL, modelUri.substring(modelUri.lastIndexOf('/') + 1));
        track.ifPresent(value -> labels.put(TRACK_LABEL, value));
        return labels;
    }

    private static String hash(Map<String, String> data) {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(data).forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
