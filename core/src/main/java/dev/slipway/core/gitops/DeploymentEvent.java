package dev.slipway.core.gitops;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One decision a GitOps agent took about a deployment, or one thing it saw happen to it, in the order of the
 * deployment's history.
 *
 * <p>The compact constructor checks every field and throws {@link SlipwayException} INVALID_PARAMETER_VALUE naming
 * the field by its wire name and the bad value; an empty revision is made absent. Immutable and thread-safe.
 *
 * @param id assigned by the store, increasing with each event stored; an event to append carries 0
 * @param env the environment, a DNS-1123 label such as {@code prod}
 * @param name the deployment, a DNS-1123 label such as {@code churn}
 * @param time when it happened, epoch ms (set by the server that receives it)
 * @param kind what happened, a short lower-case word such as {@code synced}, {@code started}, {@code swapped},
 *     {@code stopped}, {@code restarted}, {@code healed}, {@code pruned}, {@code degraded}, {@code out_of_sync},
 *     {@code canary_step}, {@code canary_check}, {@code canary_promoted} or {@code canary_rolled_back}: 1 to 40 of
 *     {@code a-z} and {@code _}
 * @param revision the Git revision of the deployments repository it concerns, when known
 * @param message what happened, in words; may be empty
 * @param evidenceJson what the decision rests on (metrics, thresholds, the diff), a JSON object as text; {@code "{}"}
 *     when there is none. Core does not parse it; the HTTP route checks it is a JSON object.
 */
public record DeploymentEvent(long id, String env, String name, long time, String kind, Optional<String> revision,
        String message, String evidenceJson) {
    /** What an event kind is. */
    public static final Pattern KIND = Pattern.compile("[a-z_]{1,40}");

    public DeploymentEvent {
        if (id < 0) {
            throw new IllegalArgumentException("id is negative: " + id);
        }
        DeploymentStatus.checkLabel("env", env);
        DeploymentStatus.checkLabel("name", name);
        if (time < 0) {
            throw SlipwayException.invalidParameter("Invalid value %d for parameter 'time': expected epoch "
                    + "milliseconds >= 0", time);
        }
        requireNonNull(kind, "kind is null");
        if (kind.isEmpty()) {
            throw SlipwayException.invalidParameter("Missing value for required parameter 'kind'.");
        }
        if (!KIND.matcher(kind).matches()) {
            throw SlipwayException.invalidParameter("Invalid value '%s' for parameter 'kind': expected 1 to 40 "
                    + "lower-case letters or '_', such as synced or canary_promoted",
                    DeploymentStatus.abbreviate(kind));
        }
        revision = requireNonNull(revision, "revision is null").filter(text -> !text.isEmpty());
        requireNonNull(message, "message is null");
        requireNonNull(evidenceJson, "evidenceJson is null");
        if (evidenceJson.isBlank()) {
            throw SlipwayException.invalidParameter("Missing value for parameter 'evidence': give a JSON object, "
                    + "{} when there is none");
        }
    }

    /** This event with the id the store gave it. */
    public DeploymentEvent withId(long newId) {
        return new DeploymentEvent(newId, env, name, time, kind, revision, message, evidenceJson);
    }

    /** This event as it happened at {@code newTime} (epoch ms). */
    public DeploymentEvent withTime(long newTime) {
        return new DeploymentEvent(id, env, name, newTime, kind, revision, message, evidenceJson);
    }
}
