package dev.slipway.server;

import static io.javalin.http.HandlerType.GET;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.audit.AuditEntry;
import dev.slipway.core.audit.AuditQuery;
import dev.slipway.core.audit.AuditService;
import dev.slipway.core.tracking.Page;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Slipway's audit log endpoint (not part of MLflow), under {@code /api/2.0/slipway/audit/} and
 * {@code /ajax-api/2.0/slipway/audit/}:
 *
 * <ul>
 *   <li>{@code GET list?user=&action=&resource_type=&resource_id=&start_time=&end_time=&max_results=&page_token=}
 *       answers {@code {"entries": [E...], "next_page_token": T}}, newest first, 100 by default, at most 1000;
 *       {@code resource_id} also matches the resources nested under it ({@code churn} matches {@code churn/3} and
 *       {@code churn@champion}); {@code start_time} is inclusive and {@code end_time} exclusive, epoch ms.
 * </ul>
 *
 * <p>{@code E = {"id", "time", "user", "client_address", "forwarded_for", "method", "route", "action",
 * "resource_type", "resource_id", "status", "outcome", "before", "after", "details"}}: {@code outcome} is
 * {@code succeeded} or {@code refused} (status 401 or 403); {@code before} and {@code after} are the resource's state
 * as JSON for registry and deployment changes; {@code details} is a redacted summary of the request; absent values
 * are left out. Bad input is INVALID_PARAMETER_VALUE (400) naming the parameter; a server whose backend keeps no audit
 * log answers NOT_IMPLEMENTED (501).
 */
final class AuditRoutes {
    static final List<String> PREFIXES = List.of("/api/2.0/slipway/audit/", "/ajax-api/2.0/slipway/audit/");

    private final Optional<AuditService> audit;
    private final RequestReader reader;

    /** @param audit the audit log, when the backend keeps one */
    AuditRoutes(Optional<AuditService> audit, RequestReader reader) {
        this.audit = requireNonNull(audit, "audit is null");
        this.reader = requireNonNull(reader, "reader is null");
    }

    void register(RoutesConfig routes) {
        for (String prefix : PREFIXES) {
            routes.addHttpHandler(GET, prefix + "list", this::list);
        }
    }

    private void list(Context ctx) {
        AuditService service = audit.orElseThrow(() -> new SlipwayException(ErrorCode.NOT_IMPLEMENTED,
                "The backend store of this server keeps no audit log"));
        ApiRequest request = reader.read(ctx);
        AuditQuery query = new AuditQuery(nonEmpty(request.string("user")), nonEmpty(request.string("action")),
                nonEmpty(request.string("resource_type")), nonEmpty(request.string("resource_id")),
                request.int64("start_time"), request.int64("end_time"));
        Page<AuditEntry> page = service.list(query, request.int64("max_results"), request.string("page_token"));
        WireFormat.send(ctx, WireFormat.object(generator -> {
            generator.writeArrayFieldStart("entries");
            for (AuditEntry entry : page.items()) {
                entry(generator, entry);
            }
            generator.writeEndArray();
            if (page.nextPageToken().isPresent()) {
                generator.writeStringField("next_page_token", page.nextPageToken().get());
            }
        }));
    }

    static void entry(JsonGenerator generator, AuditEntry entry) throws IOException {
        generator.writeStartObject();
        generator.writeNumberField("id", entry.id());
        generator.writeNumberField("time", entry.time());
        generator.writeStringField("user", entry.user());
        generator.writeStringField("client_address", entry.clientAddress());
        optional(generator, "forwarded_for", entry.forwardedFor());
        generator.writeStringField("method", entry.method());
        generator.writeStringField("route", entry.route());
        generator.writeStringField("action", entry.action());
        optional(generator, "resource_type", entry.resourceType());
        optional(generator, "resource_id", entry.resourceId());
        generator.writeNumberField("status", entry.status());
        generator.writeStringField("outcome", entry.refused() ? "refused" : "succeeded");
        json(generator, "before", entry.beforeJson());
        json(generator, "after", entry.afterJson());
        json(generator, "details", Optional.of(entry.detailsJson()));
        generator.writeEndObject();
    }

    private static void optional(JsonGenerator generator, String field, Optional<String> value) throws IOException {
        if (value.isPresent()) {
            generator.writeStringField(field, value.get());
        }
    }

    /** Stored JSON as JSON; text that does not parse (written by hand into the table) as a string. */
    private static void json(JsonGenerator generator, String field, Optional<String> text) throws IOException {
        if (text.isEmpty()) {
            return;
        }
        JsonNode node;
        try {
            node = WireFormat.MAPPER.readTree(text.get());
        } catch (IOException e) {
            generator.writeStringField(field, text.get());
            return;
        }
        generator.writeFieldName(field);
        generator.writeTree(node);
    }

    private static Optional<String> nonEmpty(Optional<String> value) {
        return value.filter(text -> !text.isEmpty());
    }
}
