package dev.slipway.client;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.audit.AuditEntry;
import dev.slipway.core.audit.AuditQuery;
import dev.slipway.core.tracking.Page;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A client of the audit log of a Slipway tracking server ({@code slipway/audit/list}): every change made through the
 * server, newest first. Obtained from {@link TrackingClient#audit()}. The states before and after a change and the
 * summary of its request travel as JSON objects and come back as compact JSON text.
 *
 * <p>Every method throws {@link SlipwayException} with the server's {@code error_code} and message, as
 * {@link TrackingClient} does: INVALID_PARAMETER_VALUE for bad input, PERMISSION_DENIED when the user may not read
 * the log, NOT_IMPLEMENTED from a server whose backend keeps no audit log, TEMPORARILY_UNAVAILABLE or INTERNAL_ERROR
 * when the server cannot be reached or fails. Thread-safe.
 */
public final class AuditClient {
    private static final String API = "api/2.0/slipway/audit/";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final RestTransport transport;

    AuditClient(RestTransport transport) {
        this.transport = requireNonNull(transport, "transport is null");
    }

    /**
     * One page of the entries matching the query, newest first, with the token of the next page when more may
     * remain.
     *
     * @param maxResults 1 to 1,000
     * @param pageToken the token of the previous page, absent for the first
     */
    public Page<AuditEntry> list(AuditQuery query, int maxResults, Optional<String> pageToken) {
        requireNonNull(query, "query is null");
        requireNonNull(pageToken, "pageToken is null");
        Query parameters = new Query();
        query.user().ifPresent(value -> parameters.add("user", value));
        query.action().ifPresent(value -> parameters.add("action", value));
        query.resourceType().ifPresent(value -> parameters.add("resource_type", value));
        query.resourceId().ifPresent(value -> parameters.add("resource_id", value));
        query.startTime().ifPresent(value -> parameters.add("start_time", Long.toString(value)));
        query.endTime().ifPresent(value -> parameters.add("end_time", Long.toString(value)));
        parameters.add("max_results", Integer.toString(maxResults));
        pageToken.ifPresent(value -> parameters.add("page_token", value));
        JsonNode response = transport.get(API + "list", parameters);
        List<AuditEntry> entries = new ArrayList<>();
        for (JsonNode node : response.path("entries")) {
            entries.add(entry(node));
        }
        return new Page<>(entries, RestTransport.nextPageToken(response));
    }

    /**
     * An entry in the wire form of the audit API: {@code before}, {@code after} and {@code details} as JSON objects,
     * {@code outcome} {@code succeeded} or {@code refused}, absent values left out.
     */
    public static ObjectNode toJson(AuditEntry entry) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("id", entry.id());
        node.put("time", entry.time());
        node.put("user", entry.user());
        node.put("client_address", entry.clientAddress());
        entry.forwardedFor().ifPresent(value -> node.put("forwarded_for", value));
        node.put("method", entry.method());
        node.put("route", entry.route());
        node.put("action", entry.action());
        entry.resourceType().ifPresent(value -> node.put("resource_type", value));
        entry.resourceId().ifPresent(value -> node.put("resource_id", value));
        node.put("status", entry.status());
        node.put("outcome", entry.refused() ? "refused" : "succeeded");
        entry.beforeJson().ifPresent(value -> node.set("before", json(value)));
        entry.afterJson().ifPresent(value -> node.set("after", json(value)));
        node.set("details", json(entry.detailsJson()));
        return node;
    }

    private static AuditEntry entry(JsonNode node) {
        try {
            return new AuditEntry(node.path("id").asLong(), node.path("time").asLong(),
                    RestTransport.requiredText(node, "user"), RestTransport.requiredText(node, "client_address"),
                    text(node, "forwarded_for"), RestTransport.requiredText(node, "method"),
                    RestTransport.requiredText(node, "route"), RestTransport.requiredText(node, "action"),
                    text(node, "resource_type"), text(node, "resource_id"), node.path("status").asInt(),
                    compact(node.get("before")), compact(node.get("after")),
                    compact(node.get("details")).orElse("{}"));
        } catch (IllegalArgumentException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    "Malformed audit entry from the tracking server: " + e.getMessage());
        }
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
    }

    private static Optional<String> compact(JsonNode value) {
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        try {
            return Optional.of(MAPPER.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a JSON value could not be written", e);
        }
    }

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return JsonNodeFactory.instance.textNode(text);
        }
    }
}
