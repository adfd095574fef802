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
import dev.slipway.core.monitors.MonitorAction;
import dev.slipway.core.monitors.MonitorResult;
import dev.slipway.core.monitors.MonitorStatus;
import dev.slipway.core.monitors.StoredMonitor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A client of Slipway's production monitors on a Slipway tracking server ({@code slipway/monitors/*}): their
 * definitions, the results of their evaluations and the actions their alert rules took. Obtained from
 * {@link TrackingClient#monitors()}. Definitions and reports travel as JSON objects; they come back as compact JSON
 * text, a definition with every default filled in by the server.
 *
 * <p>Every method throws {@link SlipwayException} with the server's {@code error_code} and message, as
 * {@link TrackingClient} does: INVALID_PARAMETER_VALUE for bad input, RESOURCE_DOES_NOT_EXIST for an unknown
 * monitor, RESOURCE_ALREADY_EXISTS for a monitor created twice without replacing, NOT_IMPLEMENTED from a server whose
 * backend keeps no monitors, TEMPORARILY_UNAVAILABLE or INTERNAL_ERROR when the server cannot be reached or fails.
 * Thread-safe.
 */
public final class MonitorClient {
    private static final String API = "api/2.0/slipway/monitors/";

    private final RestTransport transport;
    /** Reads reports, whose numbers may include NaN. */
    private static final JsonMapper MAPPER = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    MonitorClient(RestTransport transport) {
        this.transport = requireNonNull(transport, "transport is null");
    }

    /**
     * Creates the monitor the definition describes (its {@code name} names it), or with {@code replace} replaces
     * the definition of the existing one, keeping its results and actions.
     *
     * @return the monitor as stored, its definition completed with the defaults
     * @throws SlipwayException INVALID_PARAMETER_VALUE for a bad definition, RESOURCE_ALREADY_EXISTS when the monitor
     *     exists and {@code replace} is false
     */
    public StoredMonitor create(ObjectNode definition, boolean replace) {
        requireNonNull(definition, "definition is null");
        ObjectNode body = transport.object();
        body.set("monitor", definition);
        body.put("replace", replace);
        return monitor(transport.post(API + "create", body).path("monitor"));
    }

    /**
     * The monitor with its latest result.
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST when there is none
     */
    public MonitorView get(String name) {
        JsonNode response = transport.get(API + "get", new Query().add("name", requireNonNull(name, "name is null")));
        return new MonitorView(monitor(response.path("monitor")), optionalResult(response.path("latest_result")));
    }

    /** Every monitor, by name, each with its latest result. */
    public List<MonitorView> list() {
        JsonNode response = transport.get(API + "list", new Query());
        List<MonitorView> views = new ArrayList<>();
        for (JsonNode node : response.path("monitors")) {
            views.add(new MonitorView(monitor(node), optionalResult(node.path("latest_result"))));
        }
        return List.copyOf(views);
    }

    /**
     * Deletes the monitor with its results, actions and lease.
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST when there is none
     */
    public void delete(String name) {
        transport.post(API + "delete", transport.object().put("name", requireNonNull(name, "name is null")));
    }

    /**
     * Stores a result of the monitor it names (its id is ignored) and returns it with the id the server gave it.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE when the report is not a JSON object (found before anything is
     *     sent) or the server refuses a field, RESOURCE_DOES_NOT_EXIST when the monitor does not exist
     */
    public MonitorResult addResult(MonitorResult result) {
        requireNonNull(result, "result is null");
        ObjectNode node = toJson(result);
        node.remove("id");
        ObjectNode body = transport.object();
        body.set("result", node);
        return result(transport.post(API + "results/create", body).path("result"));
    }

    /**
     * The monitor's latest results, newest first.
     *
     * @param maxResults 1 to 1,000
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST when the monitor does not exist
     */
    public List<MonitorResult> results(String name, int maxResults) {
        Query query = new Query().add("name", requireNonNull(name, "name is null"))
                .add("max_results", Integer.toString(maxResults));
        List<MonitorResult> results = new ArrayList<>();
        for (JsonNode node : transport.get(API + "results/list", query).path("results")) {
            results.add(result(node));
        }
        return List.copyOf(results);
    }

    /**
     * Stores an action of the monitor it names (its id is ignored) and returns it with the id the server gave it.
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST when the monitor does not exist
     */
    public MonitorAction addAction(MonitorAction action) {
        requireNonNull(action, "action is null");
        ObjectNode node = toJson(action);
        node.remove("id");
        ObjectNode body = transport.object();
        body.set("action", node);
        return action(transport.post(API + "actions/create", body).path("action"));
    }

    /**
     * The latest actions, of one monitor or of all, newest first.
     *
     * @param maxResults 1 to 1,000
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST when the named monitor does not exist
     */
    public List<MonitorAction> actions(Optional<String> name, int maxResults) {
        requireNonNull(name, "name is null");
        Query query = new Query();
        name.ifPresent(value -> query.add("name", value));
        query.add("max_results", Integer.toString(maxResults));
        List<MonitorAction> actions = new ArrayList<>();
        for (JsonNode node : transport.get(API + "actions/list", query).path("actions")) {
            actions.add(action(node));
        }
        return List.copyOf(actions);
    }

    /**
     * A result in the wire form of the monitors API, with its id and its report as a JSON object.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE when the report is not a JSON object
     */
    public static ObjectNode toJson(MonitorResult result) {
        JsonNode report = json(result.reportJson(), "result.report");
        if (!report.isObject()) {
            throw SlipwayException.invalidParameter("'result.report' must be a JSON object, got %s",
                    report.getNodeType().toString().toLowerCase(Locale.ROOT));
        }
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("id", result.id());
        node.put("monitor_name", result.monitorName());
        node.put("time", result.time());
        node.put("window_start", result.windowStart());
        node.put("window_end", result.windowEnd());
        node.put("rows", result.rows());
        node.put("status", result.status().wireName());
        result.datasetDrift().ifPresent(drift -> node.put("dataset_drift", drift));
        result.driftShare().ifPresent(share -> node.put("drift_share", share));
        node.set("report", report);
        return node;
    }

    /** An action in the wire form of the monitors API, with its id. */
    public static ObjectNode toJson(MonitorAction action) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("id", action.id());
        node.put("monitor_name", action.monitorName());
        node.put("result_id", action.resultId());
        node.put("time", action.time());
        node.put("rule", action.rule());
        node.put("cause", action.cause());
        node.put("kind", action.kind());
        node.put("target", action.target());
        node.put("succeeded", action.succeeded());
        node.put("detail", action.detail());
        return node;
    }

    private static StoredMonitor monitor(JsonNode node) {
        return new StoredMonitor(RestTransport.requiredText(node, "name"), requiredJson(node, "definition"),
                node.path("creation_time").asLong(), node.path("last_update_time").asLong());
    }

    private static Optional<MonitorResult> optionalResult(JsonNode node) {
        return node.isObject() ? Optional.of(result(node)) : Optional.empty();
    }

    private static MonitorResult result(JsonNode node) {
        String statusName = RestTransport.requiredText(node, "status");
        MonitorStatus status = MonitorStatus.fromWireName(statusName).orElseThrow(() -> malformed(
                "unknown monitor status '" + statusName + "'"));
        JsonNode drift = node.path("dataset_drift");
        JsonNode share = node.path("drift_share");
        return new MonitorResult(node.path("id").asLong(), RestTransport.requiredText(node, "monitor_name"),
                node.path("time").asLong(), node.path("window_start").asLong(), node.path("window_end").asLong(),
                Math.max(0, node.path("rows").asLong()), status,
                drift.isBoolean() ? Optional.of(drift.booleanValue()) : Optional.empty(),
                share.isNumber() ? Optional.of(share.doubleValue()) : Optional.empty(), requiredJson(node, "report"));
    }

    private static MonitorAction action(JsonNode node) {
        return new MonitorAction(node.path("id").asLong(), RestTransport.requiredText(node, "monitor_name"),
                node.path("result_id").asLong(), node.path("time").asLong(), node.path("rule").asText(""),
                node.path("cause").asText(""), node.path("kind").asText(""), node.path("target").asText(""),
                node.path("succeeded").asBoolean(), node.path("detail").asText(""));
    }

    private static JsonNode json(String text, String field) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw SlipwayException.invalidParameter("'%s' is not JSON: %s", field, e.getOriginalMessage());
        }
    }

    private static String requiredJson(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null) {
            throw malformed("missing field '" + field + "'");
        }
        return value.toString();
    }

    private static SlipwayException malformed(String problem) {
        return new SlipwayException(ErrorCode.INTERNAL_ERROR,
                "Malformed response from the tracking server: " + problem);
    }
}
