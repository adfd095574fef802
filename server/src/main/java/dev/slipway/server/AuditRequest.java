package dev.slipway.server;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What the audit trail reads of one request: its parameters (the JSON body or query the route read, else the path
 * parameters and, for form posts, the form fields) and, once the route has answered, its JSON answer. Never reads a
 * body the route did not read itself, except a form's. Not thread-safe; one instance per request and phase.
 */
final class AuditRequest {
    private final Context ctx;
    private final boolean answered;
    private Optional<JsonNode> response;

    private AuditRequest(Context ctx, boolean answered) {
        this.ctx = requireNonNull(ctx, "ctx is null");
        this.answered = answered;
    }

    /** The request before its route ran: no answer yet. */
    static AuditRequest before(Context ctx) {
        return new AuditRequest(ctx, false);
    }

    /** The request once its route has answered. */
    static AuditRequest after(Context ctx) {
        return new AuditRequest(ctx, true);
    }

    Context context() {
        return ctx;
    }

    /**
     * A parameter as text: a field of the JSON body or query (by its snake_case or lowerCamel name; {@code a.b} is
     * field {@code b} of object {@code a}), else a path parameter, else a form field. Numbers and booleans are
     * given as text; empty values are absent.
     */
    Optional<String> param(String name) {
        Optional<ApiRequest> parsed = RequestReader.parsed(ctx);
        if (parsed.isPresent()) {
            Optional<String> value = text(lookup(parsed.get().fields(), name));
            if (value.isPresent()) {
                return value;
            }
        }
        Optional<String> path = pathParam(name);
        if (path.isPresent()) {
            return path;
        }
        if (isForm()) {
            return Optional.ofNullable(ctx.formParam(name)).map(String::trim).filter(value -> !value.isEmpty());
        }
        return Optional.empty();
    }

    /** A path parameter of the matched route, decoded. */
    Optional<String> pathParam(String name) {
        String value = ctx.pathParamMap().get(name);
        return Optional.ofNullable(value).filter(text -> !text.isEmpty());
    }

    /** A field of the JSON answer ({@code a.b.c} for nested ones), once the route has answered. */
    Optional<String> responseField(String name) {
        return response().flatMap(json -> text(lookup(json, name)));
    }

    /** The JSON answer of the route, once it has answered with JSON. */
    Optional<JsonNode> response() {
        if (!answered) {
            return Optional.empty();
        }
        if (response == null) {
            response = Optional.empty();
            String contentType = ctx.res().getContentType();
            if (contentType != null && contentType.startsWith(WireFormat.JSON_CONTENT_TYPE)) {
                String body = ctx.result();
                if (body != null && !body.isEmpty()) {
                    try {
                        response = Optional.of(WireFormat.MAPPER.readTree(body));
                    } catch (IOException e) {
                        response = Optional.empty();
                    }
                }
            }
        }
        return response;
    }

    /** Whether the body is a form, read by the UI's actions (and so safe to read here). */
    boolean isForm() {
        String contentType = ctx.header("Content-Type");
        if (contentType == null) {
            return false;
        }
        String type = contentType.toLowerCase(Locale.ROOT);
        return type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data");
    }

    private static JsonNode lookup(JsonNode root, String dottedName) {
        JsonNode node = root;
        for (String part : List.of(dottedName.split("\\."))) {
            if (node == null || !node.isObject()) {
                return null;
            }
            JsonNode next = node.get(part);
            node = next != null ? next : node.get(lowerCamel(part));
        }
        return node;
    }

    private static Optional<String> text(JsonNode node) {
        if (node == null || !node.isValueNode() || node.isNull()) {
            return Optional.empty();
        }
        return Optional.of(node.asText()).filter(value -> !value.isEmpty());
    }

    private static String lowerCamel(String snakeCase) {
        StringBuilder camel = new StringBuilder(snakeCase.length());
        boolean upper = false;
        for (char character : snakeCase.toCharArray()) {
            if (character == '_') {
                upper = true;
            } else {
                camel.append(upper ? Character.toUpperCase(character) : character);
                upper = false;
            }
        }
        return camel.toString();
    }
}
