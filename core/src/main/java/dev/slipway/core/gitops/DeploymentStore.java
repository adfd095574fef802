package dev.slipway.core.gitops;

import java.util.List;
import java.util.Optional;

/**
 * The persistence port of what GitOps agents report about deployments: the latest status of each deployment (one per
 * environment and name) and the history of events (the agents' decisions and what they saw), which stays when a
 * status is deleted. {@link DeploymentService} validates every argument before it gets here; the records check their
 * own fields.
 *
 * <p>Implementations are thread-safe and safe with several processes on one database. A method that returns normally
 * has made its change durable. Failures are {@link dev.slipway.core.SlipwayException}s: INTERNAL_ERROR or
 * TEMPORARILY_UNAVAILABLE when the database fails.
 */
public interface DeploymentStore {

    /** Stores the status, replacing every field of the one with the same env and name, if any. */
    void reportStatus(DeploymentStatus status);

    /** The status of the deployment, when one was reported and not deleted. */
    Optional<DeploymentStatus> status(String env, String name);

    /**
     * The statuses, ordered by env then name: of one environment, or of all; of the deployments of one registered
     * model (as the model Git asks for or as the canary candidate), or of all.
     */
    List<DeploymentStatus> statuses(Optional<String> env, Optional<String> modelName);

    /** Deletes the status of the deployment, keeping its events; false when there was none. */
    boolean deleteStatus(String env, String name);

    /** Stores the event, ignoring its id, and returns the id it was given (increasing with each event stored). */
    long appendEvent(DeploymentEvent event);

    /**
     * The latest events of an environment, of one deployment or of all, newest first (by time, then id), at most
     * {@code maxResults}.
     *
     * @param maxResults at least 1
     */
    List<DeploymentEvent> events(String env, Optional<String> name, int maxResults);
}
