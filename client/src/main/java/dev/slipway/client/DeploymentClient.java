package dev.slipway.client;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.gitops.DeploymentEvent;
import dev.slipway.core.gitops.DeploymentStatus;
import dev.slipway.core.gitops.HealthStatus;
import dev.slipway.core.gitops.SyncStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A client of the deployment statuses and events that GitOps agents report to a Slipway tracking server
 * ({@code slipway/gitops/*}): the latest status of each deployment, and the history of the agents' decisions.
 * Obtained from {@link TrackingClient#deployments()}. The server sets the time of every report and event; evidence
 * travels as a JSON object and comes back as compact JSON text.
 *
 * <p>Every method throws {@link SlipwayException} with the server's {@code error_code} and message, as
 * {@link TrackingClient} does: INVALID_PARAMETER_VALUE for bad input, RESOURCE_DOES_NOT_EXIST for an unknown
 * deployment where one is required, NOT_IMPLEMENTED from a server whose backend keeps no deployments,
 * TEMPORARILY_UNAVAILABLE or INTERNAL_ERROR when the server cannot be reached or fails. Thread-safe.
 */
public final class DeploymentClient {
    private static final String API = "api/2.0/slipway/gitops/";
    /** Reads evidence, whose numbers may include NaN. */
    private static final JsonMapper MAPPER = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private final RestTransport transport;

    DeploymentClient(RestTransport transport) {
        this.transport = requireNonNull(transport, "transport is null");
    }

    /**
     * Reports the status of a deployment, replacing the one of the same env and name; its {@code updatedTime} is
     * ignored.
     *
     * @return the status as stored, with the time the server received it
     * @throws SlipwayException INVALID_PARAMETER_VALUE when the server refuses a field (a text too long)
     */
    public DeploymentStatus report(DeploymentStatus status) {
        requireNonNull(status, "status is null");
        ObjectNode body = toJson(status);
        body.remove("updated_time");
        return status(transport.post(API + "deployments/report", body).path("deployment"));
    }

    /** The status of the deployment, when one was reported and not deleted. */
    public Optional<DeploymentStatus> get(String env, String name) {
        Query query = new Query().add("env", requireNonNull(env, "env is null"))
                .add("name", requireNonNull(name, "name is null"));
        try {
            return Optional.of(status(transport.get(API + "deployments/get", query).path("deployment")));
        } catch (SlipwayException e) {
            if (e.errorCode() == ErrorCode.RESOURCE_DOES_NOT_EXIST) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * The statuses, ordered by env then name: of one environment or all, of the deployments of one registered model
     * (as the model Git asks for or as the canary candidate) or all.
     */
    public List<DeploymentStatus> list(Optional<String> env, Optional<String> modelName) {
        requireNonNull(env, "env is null");
        requireNonNull(modelName, "modelName is null");
        Query query = new Query();
        env.ifPresent(value -> query.add("env", value));
        modelName.ifPresent(value -> query.add("model_name", value));
        List<DeploymentStatus> statuses = new ArrayList<>();
        for (JsonNode node : transport.get(API + "deployments/list", query).path("deployments")) {
            statuses.add(status(node));
        }
        return List.copyOf(statuses);
    }

    /**
     * Deletes the status of the deployment; its events stay.
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST when there is none
     */
    public void delete(String env, String name) {
        ObjectNode body = transport.object().put("env", requireNonNull(env, "env is null"))
                .put("name", requireNonNull(name, "name is null"));
        transport.post(API + "deployments/delete", body);
    }

    /**
     * Appends an event to the history of the deployment, which need not have a status.
     *
     * @param kind a short lower-case word such as {@code synced} or {@code canary_promoted}
     * @param evidenceJson a JSON object as text, {@code "{}"} when there is none
     * @return the event as stored, with its id and the time the server received it
     * @throws SlipwayException INVALID_PARAMETER_VALUE when the evidence is not a JSON object (found before anything
     *     is sent) or the server refuses a field
     */
    public DeploymentEvent appendEvent(String env, String name, String kind, Optional<String> revision,
            String message, String evidenceJson) {
        requireNonNull(env, "env is null");
        requireNonNull(name, "name is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(revision, "revision is null");
        requireNonNull(message, "message is null");
        JsonNode evidence = evidence(requireNonNull(evidenceJson, "evidenceJson is null"));
        ObjectNode body = transport.object().put("env", env).put("name", name).put("kind", kind);
        revision.ifPresent(value -> body.put("revision", value));
        body.put("message", message);
        body.set("evidence", evidence);
        return event(transport.post(API + "events/create", body).path("event"));
    }

    /**
     * The latest events of an environment, of one deployment or all, newest first.
     *
     * @param maxResults 1 to 1,000
     */
    public List<DeploymentEvent> events(String env, Optional<String> name, int maxResults) {
        requireNonNull(env, "env is null");
        requireNonNull(name, "name is null");
        Query query = new Query().add("env", env);
        name.ifPresent(value -> query.add("name", value));
        query.add("max_results", Integer.toString(maxResults));
        List<DeploymentEvent> events = new ArrayList<>();
        for (JsonNode node : transport.get(API + "events/list", query).path("events")) {
            events.add(event(node));
        }
        return List.copyOf(events);
    }

    /** A status in the wire form of the GitOps API, absent optionals left out. */
    public static ObjectNode toJson(DeploymentStatus status) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("env", status.env());
        node.put("name", status.name());
        status.revision().ifPresent(value -> node.put("revision", value));
        node.put("model", status.model());
        status.liveModel().ifPresent(value -> node.put("live_model", value));
        status.canary().ifPresent(value -> node.put("canary", value));
        node.put("canary_weight", status.canaryWeight());
        status.canaryStep().ifPresent(value -> node.put("canary_step", value));
        node.put("sync", status.sync().wireName());
        node.put("health", status.health().wireName());
        node.put("message", status.message());
        status.endpoint().ifPresent(value -> node.put("endpoint", value));
        node.put("agent", status.agent());
        node.put("updated_time", status.updatedTime());
        return node;
    }

    /**
     * An event in the wire form of the GitOps API, with its evidence as a JSON object.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE when the evidence is not a JSON object
     */
    public static ObjectNode toJson(DeploymentEvent event) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("id", event.id());
        node.put("env", event.env());
        node.put("name", event.name());
        node.put("time", event.time());
        node.put("kind", event.kind());
        event.revision().ifPresent(value -> node.put("revision", value));
        node.put("message", event.message());
        node.set("evidence", evidence(event.evidenceJson()));
        return node;
    }

    private static JsonNode evidence(String evidenceJson) {
        JsonNode evidence;
        try {
            evidence = MAPPER.readTree(evidenceJson);
        } catch (JsonProcessingException e) {
            throw SlipwayException.invalidParameter("'evidence' is not JSON: %s", e.getOriginalMessage());
        }
        if (evidence == null || !evidence.isObject()) {
            throw SlipwayException.invalidParameter("'evidence' must be a JSON object, got %s", evidence == null
                    ? "nothing" : evidence.getNodeType().toString().toLowerCase(Locale.ROOT));
        }
        return evidence;
    }

    private static DeploymentStatus status(JsonNode node) {
        String syncName = RestTransport.requiredText(node, "sync");
        SyncStatus sync = SyncStatus.fromWireName(syncName).orElseThrow(() -> malformed(
                "unknown sync status '" + syncName + "'"));
        String healthName = RestTransport.requiredText(node, "health");
        HealthStatus health = HealthStatus.fromWireName(healthName).orElseThrow(() -> malformed(
                "unknown health status '" + healthName + "'"));
        JsonNode step = node.path("canary_step");
        return new DeploymentStatus(RestTransport.requiredText(node, "env"), RestTransport.requiredText(node, "name"),
                optionalText(node, "revision"), RestTransport.requiredText(node, "model"),
                optionalText(node, "live_model"), optionalText(node, "canary"), node.path("canary_weight").asInt(),
                step.isIntegralNumber() ? Optional.of(step.intValue()) : Optional.empty(), sync, health,
                node.path("message").asText(""), optionalText(node, "endpoint"),
                RestTransport.requiredText(node, "agent"), node.path("updated_time").asLong());
    }

    private static DeploymentEvent event(JsonNode node) {
        JsonNode evidence = node.get("evidence");
        if (evidence == null) {
            throw malformed("missing field 'evidence'");
        }
        return new DeploymentEvent(node.path("id").asLong(), RestTransport.requiredText(node, "env"),
                RestTransport.requiredText(node, "name"), node.path("time").asLong(),
                RestTransport.requiredText(node, "kind"), optionalText(node, "revision"),
                node.path("message").asText(""), evidence.toString());
    }

    private static Optional<String> optionalText(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() ? Optional.of(value.textValue()) : Optional.empty();
    }

    private static SlipwayException malformed(String problem) {
        return new SlipwayException(ErrorCode.INTERNAL_ERROR,
                "Malformed response from the tracking server: " + problem);
    }
}
