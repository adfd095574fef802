package dev.slipway.core.gitops;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The rules of deployment statuses and events in front of a {@link DeploymentStore}: the lengths of the texts, page
 * sizes, and the times, which are the times the server receives a report or an event. The records check the shape
 * of every field (names, model URIs, the canary weight, the event kind); every public method here checks the rest and
 * throws {@link SlipwayException} INVALID_PARAMETER_VALUE with a message naming the field (by its wire name) and the
 * bad value, or its length when the value is too long to echo. Evidence is JSON text the caller (the HTTP route) has
 * parsed; it is stored as given. Thread-safe.
 */
public final class DeploymentService {
    public static final int MAX_REVISION_LENGTH = 256;
    /** The longest live model URI and endpoint. */
    public static final int MAX_URI_LENGTH = 2048;
    public static final int MAX_AGENT_LENGTH = 256;
    /** The longest message of a status or an event. */
    public static final int MAX_MESSAGE_LENGTH = 16 * 1024;
    /** The longest evidence of an event, in characters of JSON text. */
    public static final int MAX_EVIDENCE_LENGTH = 1024 * 1024;
    public static final int MAX_RESULTS = 1000;
    public static final int DEFAULT_RESULTS = 100;

    private final DeploymentStore store;
    private final Clock clock;

    public DeploymentService(DeploymentStore store, Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * An event as a request carries it: the server gives it its id and time.
     *
     * @param evidenceJson a JSON object as text, {@code "{}"} when there is none
     */
    public record NewEvent(String env, String name, String kind, Optional<String> revision, String message,
            String evidenceJson) {
        public NewEvent {
            requireNonNull(env, "env is null");
            requireNonNull(name, "name is null");
            requireNonNull(kind, "kind is null");
            requireNonNull(revision, "revision is null");
            requireNonNull(message, "message is null");
            requireNonNull(evidenceJson, "evidenceJson is null");
        }
    }

    /**
     * Stores the status as reported now, replacing the one of the same env and name, and returns it with its
     * {@code updatedTime} (the given one is ignored).
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE for a revision, live model, endpoint, agent or message longer
     *     than its limit
     */
    public DeploymentStatus report(DeploymentStatus status) {
        requireNonNull(status, "status is null");
        status.revision().ifPresent(revision -> checkLength("revision", revision, MAX_REVISION_LENGTH));
        status.liveModel().ifPresent(liveModel -> checkLength("live_model", liveModel, MAX_URI_LENGTH));
        status.endpoint().ifPresent(endpoint -> checkLength("endpoint", endpoint, MAX_URI_LENGTH));
        checkLength("agent", status.agent(), MAX_AGENT_LENGTH);
        checkLength("message", status.message(), MAX_MESSAGE_LENGTH);
        DeploymentStatus stamped = status.withUpdatedTime(clock.millis());
        store.reportStatus(stamped);
        return stamped;
    }

    /**
     * The status of the deployment, when one was reported.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE for a bad env or name
     */
    public Optional<DeploymentStatus> findStatus(String env, String name) {
        DeploymentStatus.checkLabel("env", env);
        DeploymentStatus.checkLabel("name", name);
        return store.status(env, name);
    }

    /**
     * The status of the deployment.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE for a bad env or name, RESOURCE_DOES_NOT_EXIST when none was
     *     reported
     */
    public DeploymentStatus getStatus(String env, String name) {
        return findStatus(env, name).orElseThrow(() -> notFound(env, name));
    }

    /**
     * The statuses, ordered by env then name, of one environment or all, of the deployments of one registered model
     * (as the model Git asks for or as the canary candidate) or all.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE for a bad env or a model name longer than a registered
     *     model's
     */
    public List<DeploymentStatus> listStatuses(Optional<String> env, Optional<String> modelName) {
        requireNonNull(env, "env is null");
        requireNonNull(modelName, "modelName is null");
        env.ifPresent(value -> DeploymentStatus.checkLabel("env", value));
        modelName.ifPresent(value -> checkLength("model_name", value, DeploymentStatus.MAX_MODEL_NAME_LENGTH));
        return store.statuses(env, modelName);
    }

    /**
     * Deletes the status of the deployment; its events stay.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE for a bad env or name, RESOURCE_DOES_NOT_EXIST when there is
     *     none
     */
    public void deleteStatus(String env, String name) {
        DeploymentStatus.checkLabel("env", env);
        DeploymentStatus.checkLabel("name", name);
        if (!store.deleteStatus(env, name)) {
            throw notFound(env, name);
        }
    }

    /**
     * Stores the event as happening now and returns it with its id and time. The deployment need not have a status:
     * an agent may tell what it does before its first report, or after the status was deleted.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE for a bad env, name or kind, or a revision, message or
     *     evidence longer than its limit
     */
    public DeploymentEvent appendEvent(NewEvent event) {
        requireNonNull(event, "event is null");
        event.revision().ifPresent(revision -> checkLength("revision", revision, MAX_REVISION_LENGTH));
        checkLength("message", event.message(), MAX_MESSAGE_LENGTH);
        checkLength("evidence", event.evidenceJson(), MAX_EVIDENCE_LENGTH);
        DeploymentEvent stamped = new DeploymentEvent(0, event.env(), event.name(), clock.millis(), event.kind(),
                event.revision(), event.message(), event.evidenceJson());
        return stamped.withId(store.appendEvent(stamped));
    }

    /**
     * The latest events of an environment, of one deployment or all, newest first.
     *
     * @param maxResults 1 to {@link #MAX_RESULTS}; {@link #DEFAULT_RESULTS} when absent
     * @throws SlipwayException INVALID_PARAMETER_VALUE for a bad env, name or page size
     */
    public List<DeploymentEvent> events(String env, Optional<String> name, Optional<Long> maxResults) {
        requireNonNull(name, "name is null");
        requireNonNull(maxResults, "maxResults is null");
        DeploymentStatus.checkLabel("env", env);
        name.ifPresent(value -> DeploymentStatus.checkLabel("name", value));
        long size = maxResults.orElse((long) DEFAULT_RESULTS);
        if (size < 1 || size > MAX_RESULTS) {
            throw SlipwayException.invalidParameter("Invalid value %d for parameter 'max_results' supplied: it must "
                    + "be between 1 and %d", size, MAX_RESULTS);
        }
        return store.events(env, name, (int) size);
    }

    private static void checkLength(String field, String value, int maxLength) {
        if (value.length() > maxLength) {
            throw SlipwayException.invalidParameter("'%s' exceeds the maximum length of %d characters (got %d)",
                    field, maxLength, value.length());
        }
    }

    private static SlipwayException notFound(String env, String name) {
        return new SlipwayException(ErrorCode.RESOURCE_DOES_NOT_EXIST,
                "Deployment '" + name + "' in environment '" + env + "' not found");
    }
}
