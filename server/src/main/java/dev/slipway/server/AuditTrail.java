package dev.slipway.server;

import static io.javalin.http.HandlerType.DELETE;
import static io.javalin.http.HandlerType.PATCH;
import static io.javalin.http.HandlerType.POST;
import static io.javalin.http.HandlerType.PUT;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.audit.AuditEntry;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.server.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records every change made through the server in the audit log: after each POST, PUT, PATCH or DELETE that a route
 * answered below 400, an {@link AuditEntry} with the time, the user (the request attribute {@value #USER_ATTRIBUTE}
 * that authentication sets, else {@code anonymous}), the peer address and any {@code X-Forwarded-For} header, the
 * route, the action and resource ({@link AuditedActions}), and a redacted summary of the request
 * ({@link AuditSummary}); for registry and deployment changes also the resource's state read just before the route
 * runs and just after. Changes an authenticated user was refused (401 or 403) are recorded too, with their status;
 * refusals of requests that name no user are not. Never records headers or a request body the route did not read,
 * except a form's.
 *
 * <p>Entries go to the {@link AuditWriter}, which stores them in the background. Recording never fails a request: a
 * failure here is logged and the entry lost. Thread-safe.
 */
final class AuditTrail {
    /** The request attribute holding the name of the authenticated user, set by {@link Authentication}. */
    static final String USER_ATTRIBUTE = Authentication.USER_ATTRIBUTE;

    private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);
    private static final Set<HandlerType> MUTATING = Set.of(POST, PUT, PATCH, DELETE);
    private static final String BEFORE_ATTRIBUTE = "slipway.audit.before";
    private static final String RESOURCE_ATTRIBUTE = "slipway.audit.resource";
    private static final String DETAILS_ATTRIBUTE = "slipway.audit.details";
    private static final int UNAUTHORIZED = 401;
    private static final int FORBIDDEN = 403;

    private final AuditWriter writer;
    private final AuditedActions actions;
    private final RequestReader reader;
    private final Clock clock;

    AuditTrail(AuditWriter writer, AuditedActions actions, RequestReader reader, Clock clock) {
        this.writer = requireNonNull(writer, "writer is null");
        this.actions = requireNonNull(actions, "actions is null");
        this.reader = requireNonNull(reader, "reader is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Reads the states before routes that change the registry or a deployment, and records after every request. */
    void register(RoutesConfig routes) {
        routes.beforeMatched(this::before);
        routes.after(this::after);
    }

    /**
     * Names the resource and summarises the request for a route that reads its body itself (log-batch, which counts
     * rather than copies what it logs).
     */
    static void describe(Context ctx, String resourceId, ObjectNode details) {
        ctx.attribute(RESOURCE_ATTRIBUTE, requireNonNull(resourceId, "resourceId is null"));
        ctx.attribute(DETAILS_ATTRIBUTE, requireNonNull(details, "details is null"));
    }

    /** The bytes of the request body read so far: an artifact upload's size once its route has stored it. */
    static long requestBytesRead(Context ctx) {
        ServletContextRequest request = ServletContextRequest.getServletContextRequest(ctx.req());
        return request == null ? Math.max(0, ctx.req().getContentLengthLong()) : Request.getContentBytesRead(request);
    }

    private void before(Context ctx) {
        if (!MUTATING.contains(ctx.method())) {
            return;
        }
        try {
            Optional<String> route = matchedRoute(ctx);
            Optional<AuditedActions.AuditedAction> action = route.flatMap(path -> actions.listed(ctx.method(), path));
            if (action.isEmpty() || action.get().state().isEmpty()) {
                return;
            }
            AuditRequest request = AuditRequest.before(ctx);
            if (!request.isForm()) {
                reader.read(ctx);
            }
            Optional<JsonNode> state = action.get().state().get().read(request, false);
            ctx.attribute(BEFORE_ATTRIBUTE, state.map(AuditSummary::redacted).map(AuditSummary::text).orElse(""));
        } catch (SlipwayException e) {
            // the route meets the same bad request and answers it; there is nothing to record
            LOG.debug("No audit state before {} {}: {}", ctx.method(), ctx.path(), e.errorCode());
        } catch (RuntimeException e) {
            LOG.warn("Could not read the state before {} {} for the audit log", ctx.method(), ctx.path(), e);
        }
    }

    private void after(Context ctx) {
        if (!MUTATING.contains(ctx.method())) {
            return;
        }
        try {
            record(ctx);
        } catch (RuntimeException e) {
            LOG.warn("Could not record {} {} in the audit log", ctx.method(), ctx.path(), e);
        }
    }

    private void record(Context ctx) {
        int status = ctx.statusCode();
        boolean refused = status == UNAUTHORIZED || status == FORBIDDEN;
        if (status >= 400 && !refused) {
            return;
        }
        // refusals before authentication (a wrong password, an unknown Host, another origin) name no one and anyone
        // could send them by the thousand: they are counted in /metrics, not written to the log
        if (refused && ctx.attribute(USER_ATTRIBUTE) == null) {
            return;
        }
        if (!refused && ctx.attribute(ServerExtension.CHANGE_REFUSED_ATTRIBUTE) != null) {
            return;
        }
        Optional<String> route = matchedRoute(ctx);
        Optional<AuditedActions.AuditedAction> found;
        if (route.isPresent()) {
            found = actions.of(ctx.method(), route.get());
        } else if (refused) {
            // refused before routing: recorded when the path is a listed route
            route = Optional.of(ctx.path());
            found = actions.listed(ctx.method(), ctx.path());
        } else {
            return;
        }
        if (found.isEmpty()) {
            return;
        }
        AuditedActions.AuditedAction action = found.get();
        AuditRequest request = AuditRequest.after(ctx);
        if (refused && RequestReader.parsed(ctx).isEmpty() && isJson(ctx)) {
            try {
                reader.read(ctx);
            } catch (SlipwayException e) {
                // what was attempted cannot be read; the entry says who tried which route
            }
        }
        Optional<String> resourceId = Optional.<String>ofNullable(ctx.attribute(RESOURCE_ATTRIBUTE))
                .or(() -> action.resourceId().of(request));
        Optional<String> before = refused ? Optional.empty()
                : Optional.<String>ofNullable(ctx.attribute(BEFORE_ATTRIBUTE)).filter(text -> !text.isEmpty());
        Optional<String> after = refused ? Optional.empty() : action.state()
                .flatMap(state -> state.read(request, true)).map(AuditSummary::redacted).map(AuditSummary::text);
        writer.submit(new AuditEntry(0, clock.millis(), user(ctx),
                fit(Optional.ofNullable(ctx.req().getRemoteAddr()).orElse("unknown"), AuditEntry.MAX_ADDRESS_LENGTH),
                Optional.ofNullable(ctx.header("X-Forwarded-For"))
                        .map(value -> fit(value, AuditEntry.MAX_FORWARDED_FOR_LENGTH)),
                ctx.method().name(), fit(route.get(), AuditEntry.MAX_ROUTE_LENGTH), action.name(),
                action.resourceType(), resourceId.map(id -> fit(id, AuditEntry.MAX_RESOURCE_ID_LENGTH)), status,
                before, after, AuditSummary.text(details(ctx, action, request))));
    }

    private static ObjectNode details(Context ctx, AuditedActions.AuditedAction action, AuditRequest request) {
        ObjectNode noted = ctx.attribute(DETAILS_ATTRIBUTE);
        if (noted != null) {
            return noted;
        }
        if (action.details().isPresent()) {
            return action.details().get().of(request);
        }
        Optional<ApiRequest> parsed = RequestReader.parsed(ctx);
        if (parsed.isPresent()) {
            return AuditSummary.summary(parsed.get().fields());
        }
        if (request.isForm()) {
            ObjectNode form = AuditSummary.formFields(ctx.formParamMap());
            // the id of the page's form that was sent says nothing about the change
            form.remove("form");
            return AuditSummary.summary(form);
        }
        return JsonNodeFactory.instance.objectNode();
    }

    /** The pattern of the route that matched, when one did. */
    private static Optional<String> matchedRoute(Context ctx) {
        Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
        if (endpoint == null) {
            endpoint = ctx.endpoints().lastHttpEndpoint();
        }
        if (endpoint == null || endpoint.path.equals("*")) {
            return Optional.empty();
        }
        return Optional.of(endpoint.path);
    }

    private static String user(Context ctx) {
        Object user = ctx.attribute(USER_ATTRIBUTE);
        String name = user == null ? "" : user.toString().strip();
        return name.isEmpty() ? AuditEntry.ANONYMOUS : fit(name, AuditEntry.MAX_USER_LENGTH);
    }

    private static boolean isJson(Context ctx) {
        String contentType = ctx.header("Content-Type");
        return contentType != null && contentType.toLowerCase(Locale.ROOT)
                .startsWith(WireFormat.JSON_CONTENT_TYPE);
    }

    private static String fit(String value, int maxLength) {
        return value.length() <= maxLength ? value : value.substring(0, maxLength);
    }
}
