package dev.slipway.server;

import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.POST;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.gitops.DeploymentEvent;
import dev.slipway.core.gitops.DeploymentService;
import dev.slipway.core.gitops.DeploymentService.NewEvent;
import dev.slipway.core.gitops.DeploymentStatus;
import dev.slipway.core.gitops.HealthStatus;
import dev.slipway.core.gitops.SyncStatus;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * Slipway's GitOps endpoints (not part of MLflow), where agents report the status of each deployment and the
 * decisions they take, under {@code /api/2.0/slipway/gitops/} and {@code /ajax-api/2.0/slipway/gitops/}:
 *
 * <ul>
 *   <li>{@code POST deployments/report S without updated_time} answers {@code {"deployment": S}}: the status replaces
 *       the one of the same env and name, {@code updated_time} set to now.
 *   <li>{@code GET deployments/list?env=&model_name=} answers {@code {"deployments": [S...]}} ordered by env then
 *       name, of one environment or all, of the deployments of one registered model (as {@code model} or as
 *       {@code canary}) or all.
 *   <li>{@code GET deployments/get?env=&name=} answers {@code {"deployment": S}}.
 *   <li>{@code POST deployments/delete {"env", "name"}} answers {@code {}}; the events stay.
 *   <li>{@code POST events/create E without id and time} answers {@code {"event": E}}, {@code time} set to now;
 *       {@code evidence} defaults to {@code {}}.
 *   <li>{@code GET events/list?env=&name=&max_results=} answers {@code {"events": [E...]}}, newest first, of one
 *       deployment or, without {@code name}, of all of the environment; 100 by default, at most 1000.
 * </ul>
 *
 * <p>{@code S = {"env", "name", "revision", "model", "live_model", "canary", "canary_weight", "canary_step", "sync",
 * "health", "message", "endpoint", "agent", "updated_time"}} with {@code sync} one of {@code Synced},
 * {@code OutOfSync}, {@code Unknown} and {@code health} one of {@code Healthy}, {@code Progressing},
 * {@code Degraded}, {@code Suspended}, {@code Missing}, {@code Unknown} (read in any case); {@code revision},
 * {@code live_model}, {@code canary}, {@code canary_step} and {@code endpoint} are left out when absent,
 * {@code canary_weight} is 0 and {@code message} empty when not given. {@code E = {"id", "env", "name", "time",
 * "kind", "revision", "message", "evidence": {...}}}, {@code revision} left out when absent. Times are epoch ms, ids
 * JSON numbers. An unknown deployment is RESOURCE_DOES_NOT_EXIST (404), bad input INVALID_PARAMETER_VALUE (400)
 * naming the field, and a server whose backend keeps no deployments answers every route with NOT_IMPLEMENTED (501).
 */
final class DeploymentRoutes {
    static final List<String> PREFIXES = List.of("/api/2.0/slipway/gitops/", "/ajax-api/2.0/slipway/gitops/");

    private final Optional<DeploymentService> deployments;
    private final RequestReader reader;

    /** @param deployments the deployment statuses and events, when the backend keeps them */
    DeploymentRoutes(Optional<DeploymentService> deployments, RequestReader reader) {
        this.deployments = requireNonNull(deployments, "deployments is null");
        this.reader = requireNonNull(reader, "reader is null");
    }

    void register(RoutesConfig routes) {
        add(routes, POST, "deployments/report", this::report);
        add(routes, GET, "deployments/list", this::list);
        add(routes, GET, "deployments/get", this::get);
        add(routes, POST, "deployments/delete", this::delete);
        add(routes, POST, "events/create", this::createEvent);
        add(routes, GET, "events/list", this::listEvents);
    }

    private static void add(RoutesConfig routes, HandlerType method, String path, Handler handler) {
        for (String prefix : PREFIXES) {
            routes.addHttpHandler(method, prefix + path, handler);
        }
    }

    private DeploymentService deployments() {
        return deployments.orElseThrow(() -> new SlipwayException(ErrorCode.NOT_IMPLEMENTED,
                "The backend store of this server keeps no deployments"));
    }

    private void report(Context ctx) {
        DeploymentService service = deployments();
        ApiRequest request = reader.read(ctx);
        // Fields are read in this order so that the first bad one is the one reported.
        String env = request.requiredString("env");
        String name = request.requiredString("name");
        Optional<String> revision = request.string("revision");
        String model = request.requiredString("model");
        Optional<String> liveModel = request.string("live_model");
        Optional<String> canary = request.string("canary");
        int canaryWeight = request.int32("canary_weight").orElse(0);
        Optional<Integer> canaryStep = request.int32("canary_step");
        SyncStatus sync = SyncStatus.parse(request.requiredString("sync"));
        HealthStatus health = HealthStatus.parse(request.requiredString("health"));
        String message = request.string("message").orElse("");
        Optional<String> endpoint = request.string("endpoint");
        String agent = request.requiredString("agent");
        DeploymentStatus stored = service.report(new DeploymentStatus(env, name, revision, model, liveModel, canary,
                canaryWeight, canaryStep, sync, health, message, endpoint, agent, 0));
        WireFormat.send(ctx, WireFormat.object(generator -> {
            generator.writeFieldName("deployment");
            status(generator, stored);
        }));
    }

    private void list(Context ctx) {
        DeploymentService service = deployments();
        ApiRequest request = reader.read(ctx);
        Optional<String> env = request.string("env").filter(value -> !value.isEmpty());
        Optional<String> modelName = request.string("model_name").filter(value -> !value.isEmpty());
        List<DeploymentStatus> statuses = service.listStatuses(env, modelName);
        WireFormat.send(ctx, WireFormat.object(generator -> {
            generator.writeArrayFieldStart("deployments");
            for (DeploymentStatus status : statuses) {
                status(generator, status);
            }
            generator.writeEndArray();
        }));
    }

    private void get(Context ctx) {
        DeploymentService service = deployments();
        ApiRequest request = reader.read(ctx);
        DeploymentStatus status = service.getStatus(request.requiredString("env"), request.requiredString("name"));
        WireFormat.send(ctx, WireFormat.object(generator -> {
            generator.writeFieldName("deployment");
            status(generator, status);
        }));
    }

    private void delete(Context ctx) {
        DeploymentService service = deployments();
        ApiRequest request = reader.read(ctx);
        service.deleteStatus(request.requiredString("env"), request.requiredString("name"));
        WireFormat.sendEmpty(ctx);
    }

    private void createEvent(Context ctx) {
        DeploymentService service = deployments();
        ApiRequest request = reader.read(ctx);
        String env = request.requiredString("env");
        String name = request.requiredString("name");
        String kind = request.requiredString("kind");
        Optional<String> revision = request.string("revision");
        String message = request.string("message").orElse("");
        Optional<JsonNode> evidence = request.json("evidence");
        if (evidence.isPresent() && !evidence.get().isObject()) {
            throw request.invalidValue("evidence", evidence.get());
        }
        String evidenceJson = evidence.map(DeploymentRoutes::text).orElse("{}");
        DeploymentEvent stored = service.appendEvent(new NewEvent(env, name, kind, revision, message, evidenceJson));
        WireFormat.send(ctx, WireFormat.object(generator -> {
            generator.writeFieldName("event");
            event(generator, stored);
        }));
    }

    private void listEvents(Context ctx) {
        DeploymentService service = deployments();
        ApiRequest request = reader.read(ctx);
        String env = request.requiredString("env");
        Optional<String> name = request.string("name").filter(value -> !value.isEmpty());
        Optional<Long> maxResults = request.int64("max_results");
        List<DeploymentEvent> events = service.events(env, name, maxResults);
        WireFormat.send(ctx, WireFormat.object(generator -> {
            generator.writeArrayFieldStart("events");
            for (DeploymentEvent event : events) {
                event(generator, event);
            }
            generator.writeEndArray();
        }));
    }

    /** The JSON of a status, as the routes answer it (and the audit log keeps it). */
    static void status(JsonGenerator generator, DeploymentStatus status) throws IOException {
        generator.writeStartObject();
        generator.writeStringField("env", status.env());
        generator.writeStringField("name", status.name());
        optionalField(generator, "revision", status.revision());
        generator.writeStringField("model", status.model());
        optionalField(generator, "live_model", status.liveModel());
        optionalField(generator, "canary", status.canary());
        generator.writeNumberField("canary_weight", status.canaryWeight());
        if (status.canaryStep().isPresent()) {
            generator.writeNumberField("canary_step", status.canaryStep().get());
        }
        generator.writeStringField("sync", status.sync().wireName());
        generator.writeStringField("health", status.health().wireName());
        generator.writeStringField("message", status.message());
        optionalField(generator, "endpoint", status.endpoint());
        generator.writeStringField("agent", status.agent());
        generator.writeNumberField("updated_time", status.updatedTime());
        generator.writeEndObject();
    }

    private static void event(JsonGenerator generator, DeploymentEvent event) throws IOException {
        generator.writeStartObject();
        generator.writeNumberField("id", event.id());
        generator.writeStringField("env", event.env());
        generator.writeStringField("name", event.name());
        generator.writeNumberField("time", event.time());
        generator.writeStringField("kind", event.kind());
        optionalField(generator, "revision", event.revision());
        generator.writeStringField("message", event.message());
        generator.writeFieldName("evidence");
        generator.writeRawValue(event.evidenceJson());
        generator.writeEndObject();
    }

    private static void optionalField(JsonGenerator generator, String field, Optional<String> value)
            throws IOException {
        if (value.isPresent()) {
            generator.writeStringField(field, value.get());
        }
    }

    private static String text(JsonNode node) {
        try {
            return WireFormat.MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
