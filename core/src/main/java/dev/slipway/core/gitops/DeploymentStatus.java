package dev.slipway.core.gitops;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The state of one deployment ({@code name} in environment {@code env}) as a GitOps agent last reported it.
 *
 * <p>The compact constructor checks every field and throws {@link SlipwayException} INVALID_PARAMETER_VALUE naming
 * the field by its wire name and the bad value; an empty optional text is made absent. Immutable and thread-safe.
 *
 * @param env the environment, a DNS-1123 label such as {@code prod}
 * @param name the deployment, a DNS-1123 label such as {@code churn}
 * @param revision the Git revision of the deployments repository the agent reconciled, when known
 * @param model the model Git asks for, a model version URI {@code models:/<name>/<version>}
 * @param liveModel the model that actually serves, when known (any URI, as the agent read it from the cluster)
 * @param canary the candidate of a canary rollout in progress, a model version URI
 * @param canaryWeight the percentage of traffic the candidate gets, 0 to 100; 0 without a canary
 * @param canaryStep the canary step in progress, as the agent counts steps (0 or more); absent without a canary
 * @param sync whether what runs matches Git
 * @param health how the model server is doing
 * @param message what the agent has to say about it, in words; may be empty
 * @param endpoint where the deployment answers, when known
 * @param agent who reported it, such as {@code slipway-agent@host-1}
 * @param updatedTime when it was reported, epoch ms (set by the server that receives the report)
 */
public record DeploymentStatus(String env, String name, Optional<String> revision, String model,
        Optional<String> liveModel, Optional<String> canary, int canaryWeight, Optional<Integer> canaryStep,
        SyncStatus sync, HealthStatus health, String message, Optional<String> endpoint, String agent,
        long updatedTime) {
    /** What an environment or deployment name is: a DNS-1123 label, as in Kubernetes object names. */
    public static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    /** The longest registered model name in a model URI, as the registry allows. */
    public static final int MAX_MODEL_NAME_LENGTH = 256;

    private static final Pattern MODEL_VERSION_URI = Pattern.compile("models:/([^/@]+)/([0-9]{1,18})");

    public DeploymentStatus {
        checkLabel("env", env);
        checkLabel("name", name);
        revision = nonEmpty(requireNonNull(revision, "revision is null"));
        checkModelUri("model", model);
        liveModel = nonEmpty(requireNonNull(liveModel, "liveModel is null"));
        canary = nonEmpty(requireNonNull(canary, "canary is null"));
        canary.ifPresent(uri -> checkModelUri("canary", uri));
        requireNonNull(canaryStep, "canaryStep is null");
        if (canaryWeight < 0 || canaryWeight > 100) {
            throw SlipwayException.invalidParameter("Invalid value %d for parameter 'canary_weight': expected a "
                    + "percentage from 0 to 100", canaryWeight);
        }
        if (canary.isEmpty() && canaryWeight != 0) {
            throw SlipwayException.invalidParameter("Invalid value %d for parameter 'canary_weight': without a "
                    + "'canary' the weight is 0", canaryWeight);
        }
        if (canaryStep.isPresent() && canaryStep.get() < 0) {
            throw SlipwayException.invalidParameter("Invalid value %d for parameter 'canary_step': expected a "
                    + "step >= 0", canaryStep.get());
        }
        if (canary.isEmpty() && canaryStep.isPresent()) {
            throw SlipwayException.invalidParameter("Invalid value %d for parameter 'canary_step': without a "
                    + "'canary' there is no step", canaryStep.get());
        }
        requireNonNull(sync, "sync is null");
        requireNonNull(health, "health is null");
        requireNonNull(message, "message is null");
        endpoint = nonEmpty(requireNonNull(endpoint, "endpoint is null"));
        requireNonNull(agent, "agent is null");
        if (agent.isEmpty()) {
            throw SlipwayException.invalidParameter("Missing value for required parameter 'agent'.");
        }
        if (updatedTime < 0) {
            throw SlipwayException.invalidParameter("Invalid value %d for parameter 'updated_time': expected epoch "
                    + "milliseconds >= 0", updatedTime);
        }
    }

    /** The registered model Git asks for: {@code churn} of {@code models:/churn/7}. */
    public String modelName() {
        return modelUriPart(model, 1);
    }

    /** The version Git asks for: 7 of {@code models:/churn/7}. */
    public long modelVersion() {
        return Long.parseLong(modelUriPart(model, 2));
    }

    /** The registered model of the canary candidate, when a canary is in progress. */
    public Optional<String> canaryModelName() {
        return canary.map(uri -> modelUriPart(uri, 1));
    }

    /** The version of the canary candidate, when a canary is in progress. */
    public Optional<Long> canaryModelVersion() {
        return canary.map(uri -> Long.parseLong(modelUriPart(uri, 2)));
    }

    /** This status as reported at {@code time} (epoch ms). */
    public DeploymentStatus withUpdatedTime(long time) {
        return new DeploymentStatus(env, name, revision, model, liveModel, canary, canaryWeight, canaryStep, sync,
                health, message, endpoint, agent, time);
    }

    /**
     * Checks an environment or deployment name.
     *
     * @param field the wire name of the field, for the message
     * @throws SlipwayException INVALID_PARAMETER_VALUE unless the value is a DNS-1123 label
     */
    public static void checkLabel(String field, String value) {
        requireNonNull(value, field + " is null");
        if (value.isEmpty()) {
            throw SlipwayException.invalidParameter("Missing value for required parameter '%s'.", field);
        }
        if (!LABEL.matcher(value).matches()) {
            throw SlipwayException.invalidParameter("Invalid value '%s' for parameter '%s': expected a DNS-1123 "
                    + "label (lower-case letters, digits and '-', starting and ending with a letter or digit, at most "
                    + "63 characters)", abbreviate(value), field);
        }
    }

    /**
     * Checks a model version URI {@code models:/<name>/<version>}.
     *
     * @param field the wire name of the field, for the message
     * @throws SlipwayException INVALID_PARAMETER_VALUE for anything else, such as an alias or {@code latest}
     */
    public static void checkModelUri(String field, String uri) {
        requireNonNull(uri, field + " is null");
        if (uri.isEmpty()) {
            throw SlipwayException.invalidParameter("Missing value for required parameter '%s'.", field);
        }
        Matcher matcher = MODEL_VERSION_URI.matcher(uri);
        if (!matcher.matches()) {
            throw SlipwayException.invalidParameter("Invalid value '%s' for parameter '%s': expected a model version "
                    + "URI models:/<name>/<version>, such as models:/churn/7", abbreviate(uri), field);
        }
        if (matcher.group(1).length() > MAX_MODEL_NAME_LENGTH) {
            throw SlipwayException.invalidParameter("Invalid value '%s' for parameter '%s': the model name exceeds "
                    + "%d characters", abbreviate(uri), field, MAX_MODEL_NAME_LENGTH);
        }
    }

    static String abbreviate(String value) {
        return value == null ? "null" : value.length() <= 200 ? value : value.substring(0, 200) + "...";
    }

    private static Optional<String> nonEmpty(Optional<String> value) {
        return value.filter(text -> !text.isEmpty());
    }

    private static String modelUriPart(String uri, int group) {
        Matcher matcher = MODEL_VERSION_URI.matcher(uri);
        if (!matcher.matches()) {
            throw new IllegalStateException("not a model version URI: " + uri);
        }
        return matcher.group(group);
    }
}
