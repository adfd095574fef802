package dev.slipway.serving;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The admin API, for an agent that changes what a running model server serves without restarting it; registered only
 * when {@link ServingOptions#adminToken()} is set. Every request needs {@code Authorization: Bearer <token>}, else it
 * is answered 401.
 *
 * <ul>
 *   <li>{@code GET /slipway/admin/models}: {@code {"models": [<description>, ...]}}, in serving order;
 *   <li>{@code GET /slipway/admin/models/<name>}: one {@code <description>};
 *   <li>{@code PUT /slipway/admin/models/<name>} with {@code {"uri": "models:/churn/8", "canary": {"uri":
 *       "models:/churn/9", "percent": 25}, "shadow": "models:/churn/7"}} ({@code canary} and {@code shadow} absent or
 *       null: none): {@link LiveModels#reconfigure}, answered with the new {@code <description>} once it serves.
 * </ul>
 *
 * <p>A {@code <description>} is {@code {"name", "uri", "version", "canary": {"uri", "version", "percent"},
 * "shadow": {"uri", "version"}}}, without {@code canary} or {@code shadow} when there is none. Errors have the
 * server's shape {@code {"error_code", "message"}}: 400 for a malformed body, 404 for an unknown name, and for a
 * version that cannot be loaded the status of its error code with the message (the previous versions keep serving).
 * Thread-safe.
 */
final class AdminRoutes {
    static final String PREFIX = "/slipway/admin";
    private static final String BEARER = "Bearer ";
    private static final Set<String> SPEC_FIELDS = Set.of("uri", "canary", "shadow");
    private static final Set<String> CANARY_FIELDS = Set.of("uri", "percent");
    private static final String EXAMPLE = "{\"uri\": \"models:/churn/8\", \"canary\": {\"uri\": \"models:/churn/9\","
            + " \"percent\": 25}, \"shadow\": \"models:/churn/7\"}";

    private final LiveModels models;
    private final byte[] tokenDigest;
    private final long maxRequestBytes;

    AdminRoutes(LiveModels models, String token, long maxRequestBytes) {
        this.models = requireNonNull(models, "models is null");
        this.tokenDigest = sha256(requireNonNull(token, "token is null"));
        this.maxRequestBytes = maxRequestBytes;
    }

    void register(RoutesConfig routes) {
        routes.get(PREFIX + "/models", this::list);
        routes.get(PREFIX + "/models/{name}", this::show);
        routes.put(PREFIX + "/models/{name}", this::reconfigure);
    }

    private void list(Context ctx) {
        authorize(ctx);
        List<ModelDescription> descriptions = models.describe();
        send(ctx, generator -> {
            generator.writeStartObject();
            generator.writeArrayFieldStart("models");
            for (ModelDescription description : descriptions) {
                write(generator, description);
            }
            generator.writeEndArray();
            generator.writeEndObject();
        });
    }

    private void show(Context ctx) {
        authorize(ctx);
        ModelDescription description = models.describe(ctx.pathParam("name"));
        send(ctx, generator -> write(generator, description));
    }

    private void reconfigure(Context ctx) {
        authorize(ctx);
        String name = ctx.pathParam("name");
        models.describe(name); // an unknown name is 404 whatever the body holds
        ModelSpec spec = spec(name, MlflowRequests.parseJson(RequestBodies.read(ctx, maxRequestBytes)));
        ModelDescription description;
        try {
            description = models.reconfigure(spec);
        } catch (SlipwayException e) {
            // the caller is the operator: a failed load is told as it is, whatever its status
            ErrorCode code = e.errorCode();
            throw new ServingFailure(code.httpStatus(), code.name(), e.getMessage());
        }
        send(ctx, generator -> write(generator, description));
    }

    /** Compares digests in constant time, so neither the token's bytes nor its length leak through timing. */
    private void authorize(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw unauthenticated(ctx, "The admin API needs the header 'Authorization: Bearer <token>'");
        }
        if (!MessageDigest.isEqual(tokenDigest, sha256(header.substring(BEARER.length()).trim()))) {
            throw unauthenticated(ctx, "The admin token is not valid");
        }
    }

    private static ServingFailure unauthenticated(Context ctx, String message) {
        ctx.header("WWW-Authenticate", "Bearer realm=\"slipway-admin\"");
        return new ServingFailure(401, ErrorCode.UNAUTHENTICATED.name(), message);
    }

    /** The spec a PUT body asks for. */
    private static ModelSpec spec(String name, JsonNode root) {
        if (!root.isObject()) {
            throw ServingFailure.badRequest("The body must be a JSON object such as %s", EXAMPLE);
        }
        checkFields(root, SPEC_FIELDS, "the body");
        String uri = requiredUri(root, "uri", "uri", "the stable version's model URI");
        Optional<ModelSpec.Canary> canary = Optional.empty();
        JsonNode canaryNode = root.path("canary");
        if (!canaryNode.isMissingNode() && !canaryNode.isNull()) {
            if (!canaryNode.isObject()) {
                throw ServingFailure.invalid("Field 'canary' must be null or an object such as {\"uri\": "
                        + "\"models:/churn/9\", \"percent\": 25}, got %s", abbreviate(canaryNode));
            }
            checkFields(canaryNode, CANARY_FIELDS, "field 'canary'");
            String canaryUri = requiredUri(canaryNode, "uri", "canary.uri", "the canary's model URI");
            JsonNode percent = canaryNode.path("percent");
            if (!percent.isNumber() || !(percent.doubleValue() >= 0 && percent.doubleValue() <= 100)) {
                throw ServingFailure.invalid("Field 'canary.percent' must be the canary's share of requests, a "
                        + "number from 0 to 100, got %s", percent.isMissingNode() ? "nothing" : abbreviate(percent));
            }
            canary = Optional.of(new ModelSpec.Canary(canaryUri, TrafficSplit.of(percent.doubleValue())));
        }
        Optional<String> shadow = Optional.empty();
        JsonNode shadowNode = root.path("shadow");
        if (!shadowNode.isMissingNode() && !shadowNode.isNull()) {
            shadow = Optional.of(requiredUri(root, "shadow", "shadow", "the shadow's model URI"));
        }
        return new ModelSpec(name, uri, canary, shadow);
    }

    /** The text of {@code object.field}; {@code label} names it in the message. */
    private static String requiredUri(JsonNode object, String field, String label, String what) {
        JsonNode value = object.path(field);
        if (!value.isTextual() || value.textValue().isBlank()) {
            throw ServingFailure.invalid("Field '%s' must be %s, a non-empty string, got %s", label, what,
                    value.isMissingNode() ? "nothing" : abbreviate(value));
        }
        return value.textValue().trim();
    }

    private static void checkFields(JsonNode object, Set<String> known, String where) {
        Iterator<String> names = object.fieldNames();
        while (names.hasNext()) {
            String field = names.next();
            if (!known.contains(field)) {
                throw ServingFailure.invalid("Unknown field '%s' in %s; expected %s", ServingServer.safeEcho(field),
                        where, String.join(", ", known.stream().sorted().toList()));
            }
        }
    }

    private static String abbreviate(JsonNode value) {
        String text = value.toString();
        return text.length() > 100 ? text.substring(0, 100) + "..." : text;
    }

    private static void write(JsonGenerator generator, ModelDescription description) throws IOException {
        generator.writeStartObject();
        generator.writeStringField("name", description.name());
        generator.writeStringField("uri", description.uri());
        generator.writeStringField("version", description.version());
        if (description.canary().isPresent()) {
            ModelDescription.Canary canary = description.canary().get();
            generator.writeObjectFieldStart("canary");
            generator.writeStringField("uri", canary.uri());
            generator.writeStringField("version", canary.version());
            generator.writeNumberField("percent", canary.percent());
            generator.writeEndObject();
        }
        if (description.shadow().isPresent()) {
            ModelDescription.Shadow shadow = description.shadow().get();
            generator.writeObjectFieldStart("shadow");
            generator.writeStringField("uri", shadow.uri());
            generator.writeStringField("version", shadow.version());
            generator.writeEndObject();
        }
        generator.writeEndObject();
    }

    private static void send(Context ctx, OpenInferenceRoutes.JsonWriter writer) {
        ctx.contentType("application/json").result(OpenInferenceRoutes.json(writer));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }
}
