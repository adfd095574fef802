package dev.slipway.server;

import static io.javalin.http.HandlerType.DELETE;
import static io.javalin.http.HandlerType.PATCH;
import static io.javalin.http.HandlerType.POST;
import static io.javalin.http.HandlerType.PUT;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.gitops.DeploymentService;
import dev.slipway.core.registry.ModelVersion;
import dev.slipway.core.registry.RegistryService;
import io.javalin.http.HandlerType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The changes the audit log names: for each mutating route (method and route pattern) of the API and of the web UI's
 * forms, the action it performs, the kind of resource and how to find its id, and, for registry and deployment
 * changes, how to read the resource's state before and after. A mutating route not listed here is still recorded,
 * under an action named after its path ({@link #of}); searches sent as POST are not changes and are not recorded.
 * Thread-safe once built.
 */
final class AuditedActions {
    static final String EXPERIMENT = "experiment";
    static final String RUN = "run";
    static final String LOGGED_MODEL = "logged_model";
    static final String REGISTERED_MODEL = "registered_model";
    static final String MODEL_VERSION = "model_version";
    static final String MODEL_ALIAS = "model_alias";
    static final String ARTIFACT = "artifact";
    static final String PREDICTION_LOG = "prediction_log";
    static final String MONITOR = "monitor";
    static final String DEPLOYMENT = "deployment";
    static final String USER = "user";
    static final String EXPERIMENT_PERMISSION = "experiment_permission";
    static final String REGISTERED_MODEL_PERMISSION = "registered_model_permission";
    static final String ACCESS_TOKEN = "access_token";

    /** The path prefixes stripped from a route to name an unlisted action. */
    private static final List<String> API_PREFIXES = List.of("/api/2.0/mlflow/", "/ajax-api/2.0/mlflow/",
            "/api/3.0/mlflow/", "/ajax-api/3.0/mlflow/", "/api/2.0/slipway/", "/ajax-api/2.0/slipway/",
            "/api/2.0/mlflow-artifacts/", "/ajax-api/2.0/mlflow-artifacts/");
    private static final Pattern UI_EXPERIMENT_PAGE = Pattern.compile("^/experiments/([^/?#]+)$");

    /** Finds the id of the resource a request changed. */
    @FunctionalInterface
    interface ResourceId {
        Optional<String> of(AuditRequest request);
    }

    /** Reads the state of the resource as JSON, before the route ran ({@code after} false) or after it. */
    @FunctionalInterface
    interface StateReader {
        Optional<JsonNode> read(AuditRequest request, boolean after);
    }

    /** Summarises the request for the entry's details. */
    @FunctionalInterface
    interface Details {
        ObjectNode of(AuditRequest request);
    }

    /**
     * What a route does.
     *
     * @param name the action, such as {@code registered-models/alias/set}
     * @param resourceType the kind of resource it changes, when it names one
     * @param resourceId how to find the resource's id
     * @param state how to read the resource's state, for registry and deployment changes
     * @param details how to summarise the request, when not as a whole
     */
    record AuditedAction(String name, Optional<String> resourceType, ResourceId resourceId,
            Optional<StateReader> state, Optional<Details> details) {
        AuditedAction {
            requireNonNull(name, "name is null");
            requireNonNull(resourceType, "resourceType is null");
            requireNonNull(resourceId, "resourceId is null");
            requireNonNull(state, "state is null");
            requireNonNull(details, "details is null");
        }
    }

    private record RouteKey(HandlerType method, String route) {}

    private final RegistryService registry;
    private final Optional<DeploymentService> deployments;
    private final Map<RouteKey, AuditedAction> actions = new HashMap<>();

    AuditedActions(RegistryService registry, Optional<DeploymentService> deployments) {
        this.registry = requireNonNull(registry, "registry is null");
        this.deployments = requireNonNull(deployments, "deployments is null");
        for (String prefix : MlflowPaths.TRACKING_PREFIXES) {
            tracking(prefix);
            registry(prefix);
            users(prefix);
        }
        for (String prefix : MlflowPaths.ARTIFACT_PREFIXES) {
            add(PUT, prefix + "artifacts/<path>", "artifacts/upload", ARTIFACT, request -> request.pathParam("path"),
                    null, request -> artifactDetails(request, true));
            add(DELETE, prefix + "artifacts/<path>", "artifacts/delete", ARTIFACT, request -> request.pathParam("path"),
                    null, request -> artifactDetails(request, false));
            for (String operation : List.of("create", "complete", "abort")) {
                add(POST, prefix + "mpu/" + operation + "/<path>", "artifacts/multipart-" + operation, ARTIFACT,
                        AuditedActions::multipartArtifact, null, AuditedActions::multipartDetails);
            }
        }
        for (String prefix : PredictionLogRoutes.PREFIXES) {
            add(POST, prefix + "log-batch", "predictions/log-batch", PREDICTION_LOG, request -> Optional.empty(), null,
                    request -> counts(request, "predictions"));
            add(POST, prefix + "feedback", "predictions/feedback", PREDICTION_LOG, request -> Optional.empty(), null,
                    request -> counts(request, "feedback"));
        }
        for (String prefix : MonitorRoutes.PREFIXES) {
            add(POST, prefix + "create", "monitors/create", MONITOR, param("monitor.name"));
            add(POST, prefix + "delete", "monitors/delete", MONITOR, param("name"));
            add(POST, prefix + "results/create", "monitors/results/create", MONITOR, param("result.monitor_name"));
            add(POST, prefix + "actions/create", "monitors/actions/create", MONITOR, param("action.monitor_name"));
        }
        for (String prefix : DeploymentRoutes.PREFIXES) {
            add(POST, prefix + "deployments/report", "gitops/deployments/report", DEPLOYMENT, deploymentId(),
                    this::deploymentState, null);
            add(POST, prefix + "deployments/delete", "gitops/deployments/delete", DEPLOYMENT, deploymentId(),
                    this::deploymentState, null);
            add(POST, prefix + "events/create", "gitops/events/create", DEPLOYMENT, deploymentId());
        }
        for (String prefix : List.of("/api/2.0/slipway/", "/ajax-api/2.0/slipway/")) {
            // the answer to tokens/create holds the token's secret: only its id is read from it
            add(POST, prefix + "tokens/create", "tokens/create", ACCESS_TOKEN, response("token.token_id"));
            add(POST, prefix + "tokens/revoke", "tokens/revoke", ACCESS_TOKEN, param("token_id"));
        }
        webUi();
    }

    /** The action listed for the route, if any. */
    Optional<AuditedAction> listed(HandlerType method, String route) {
        return Optional.ofNullable(actions.get(new RouteKey(method, route)));
    }

    /**
     * What the route does: its listed action, else an action named after its path with no resource; absent for
     * routes that change nothing (searches sent as POST).
     */
    Optional<AuditedAction> of(HandlerType method, String route) {
        AuditedAction listed = actions.get(new RouteKey(method, route));
        if (listed != null) {
            return Optional.of(listed);
        }
        if (route.endsWith("/search") || route.endsWith("/count") || route.endsWith("/get-latest-versions")) {
            return Optional.empty();
        }
        String name = route;
        for (String prefix : API_PREFIXES) {
            if (route.startsWith(prefix)) {
                name = route.substring(prefix.length());
                break;
            }
        }
        if (name.length() > 120) {
            name = name.substring(0, 120);
        }
        return Optional.of(new AuditedAction(name.isEmpty() ? route : name, Optional.empty(),
                request -> Optional.empty(), Optional.empty(), Optional.empty()));
    }

    private void tracking(String prefix) {
        add(POST, prefix + "experiments/create", "experiments/create", EXPERIMENT,
                response("experiment_id").or(param("experiment_id")));
        for (String action : List.of("update", "delete", "restore", "set-experiment-tag", "delete-experiment-tag")) {
            add(POST, prefix + "experiments/" + action, "experiments/" + action, EXPERIMENT, param("experiment_id"));
        }
        add(POST, prefix + "runs/create", "runs/create", RUN, response("run.info.run_id"));
        for (String action : List.of("update", "delete", "restore", "log-metric", "log-parameter", "log-batch",
                "log-inputs", "set-tag", "delete-tag", "outputs")) {
            add(POST, prefix + "runs/" + action, "runs/" + action, RUN, param("run_id").or(param("run_uuid")));
        }
        add(POST, prefix + "logged-models", "logged-models/create", LOGGED_MODEL, response("model.info.model_id"));
        add(PATCH, prefix + "logged-models/{model_id}", "logged-models/finalize", LOGGED_MODEL, param("model_id"));
        add(DELETE, prefix + "logged-models/{model_id}", "logged-models/delete", LOGGED_MODEL, param("model_id"));
        add(PATCH, prefix + "logged-models/{model_id}/tags", "logged-models/set-tags", LOGGED_MODEL,
                param("model_id"));
        add(DELETE, prefix + "logged-models/{model_id}/tags/<tag_key>", "logged-models/delete-tag", LOGGED_MODEL,
                param("model_id"));
        add(POST, prefix + "logged-models/{model_id}/params", "logged-models/log-params", LOGGED_MODEL,
                param("model_id"));
    }

    private void registry(String prefix) {
        String models = prefix + "registered-models/";
        add(POST, models + "create", "registered-models/create", REGISTERED_MODEL, param("name"),
                this::registeredModelState, null);
        add(POST, models + "rename", "registered-models/rename", REGISTERED_MODEL, param("name"),
                (request, after) -> request.param(after ? "new_name" : "name").flatMap(this::registeredModel), null);
        add(PATCH, models + "update", "registered-models/update", REGISTERED_MODEL, param("name"),
                this::registeredModelState, null);
        add(DELETE, models + "delete", "registered-models/delete", REGISTERED_MODEL, param("name"),
                this::registeredModelState, null);
        add(POST, models + "set-tag", "registered-models/set-tag", REGISTERED_MODEL, param("name"),
                this::registeredModelState, null);
        add(DELETE, models + "delete-tag", "registered-models/delete-tag", REGISTERED_MODEL, param("name"),
                this::registeredModelState, null);
        add(POST, models + "alias", "registered-models/alias/set", MODEL_ALIAS, aliasId(), this::aliasState, null);
        add(DELETE, models + "alias", "registered-models/alias/delete", MODEL_ALIAS, aliasId(), this::aliasState,
                null);
        String versions = prefix + "model-versions/";
        add(POST, versions + "create", "model-versions/create", MODEL_VERSION, createdVersionId(),
                (request, after) -> after ? createdVersionId().of(request).flatMap(this::modelVersion)
                        : Optional.empty(), null);
        for (String action : List.of("update", "transition-stage", "delete", "set-tag", "delete-tag")) {
            HandlerType method = switch (action) {
                case "update" -> PATCH;
                case "delete", "delete-tag" -> DELETE;
                default -> POST;
            };
            add(method, versions + action, "model-versions/" + action, MODEL_VERSION, versionId(),
                    this::modelVersionState, null);
        }
    }

    /** Users and their permissions (a server with authentication); passwords are redacted from the details. */
    private void users(String prefix) {
        add(POST, prefix + "users/create", "users/create", USER, param("username"));
        add(PATCH, prefix + "users/update-password", "users/update-password", USER, param("username"));
        add(PATCH, prefix + "users/update-admin", "users/update-admin", USER, param("username"));
        add(DELETE, prefix + "users/delete", "users/delete", USER, param("username"));
        for (String action : List.of("create", "update", "delete")) {
            HandlerType method = switch (action) {
                case "create" -> POST;
                case "update" -> PATCH;
                default -> DELETE;
            };
            add(method, prefix + "experiments/permissions/" + action, "experiments/permissions/" + action,
                    EXPERIMENT_PERMISSION, request -> request.param("experiment_id")
                            .flatMap(id -> request.param("username").map(user -> id + "/" + user)));
            add(method, prefix + "registered-models/permissions/" + action, "registered-models/permissions/" + action,
                    REGISTERED_MODEL_PERMISSION, request -> request.param("name")
                            .flatMap(name -> request.param("username").map(user -> name + "/" + user)));
        }
    }

    /** The web UI's forms, under the API action each performs. */
    private void webUi() {
        add(POST, "/experiments", "experiments/create", EXPERIMENT, request -> Optional.ofNullable(
                request.context().res().getHeader("HX-Redirect")).map(UI_EXPERIMENT_PAGE::matcher)
                .filter(Matcher::matches).map(matcher -> matcher.group(1)));
        for (String action : List.of("delete", "restore")) {
            add(POST, "/experiments/{experimentId}/" + action, "experiments/" + action, EXPERIMENT,
                    param("experimentId"));
            add(POST, "/experiments/{experimentId}/runs/" + action, "runs/" + action, RUN, request -> Optional.empty());
        }
        add(POST, "/experiments/{experimentId}/rename", "experiments/update", EXPERIMENT, param("experimentId"));
        String model = "/models/{name}/";
        String version = model + "versions/{version}/";
        for (String base : List.of(model, version)) {
            add(POST, base + "aliases", "registered-models/alias/set", MODEL_ALIAS, aliasId(), this::aliasState, null);
            add(POST, base + "aliases/delete", "registered-models/alias/delete", MODEL_ALIAS, aliasId(),
                    this::aliasState, null);
        }
        add(POST, model + "description", "registered-models/update", REGISTERED_MODEL, param("name"),
                this::registeredModelState, null);
        add(POST, model + "tags", "registered-models/set-tag", REGISTERED_MODEL, param("name"),
                this::registeredModelState, null);
        add(POST, model + "tags/delete", "registered-models/delete-tag", REGISTERED_MODEL, param("name"),
                this::registeredModelState, null);
        add(POST, version + "stage", "model-versions/transition-stage", MODEL_VERSION, versionId(),
                this::modelVersionState, null);
        add(POST, version + "description", "model-versions/update", MODEL_VERSION, versionId(),
                this::modelVersionState, null);
        add(POST, version + "tags", "model-versions/set-tag", MODEL_VERSION, versionId(), this::modelVersionState,
                null);
        add(POST, version + "tags/delete", "model-versions/delete-tag", MODEL_VERSION, versionId(),
                this::modelVersionState, null);
    }

    private void add(HandlerType method, String route, String name, String resourceType, ResourceId resourceId) {
        add(method, route, name, resourceType, resourceId, null, null);
    }

    private void add(HandlerType method, String route, String name, String resourceType, ResourceId resourceId,
            StateReader state, Details details) {
        actions.put(new RouteKey(method, route), new AuditedAction(name, Optional.of(resourceType), resourceId,
                Optional.ofNullable(state), Optional.ofNullable(details)));
    }

    // ---- resource ids --------------------------------------------------------------------------

    private static Id param(String name) {
        return request -> request.param(name);
    }

    private static Id response(String name) {
        return request -> request.responseField(name);
    }

    /** A resource id finder that can fall back on another. */
    @FunctionalInterface
    private interface Id extends ResourceId {
        default Id or(ResourceId other) {
            return request -> {
                Optional<String> found = of(request);
                return found.isPresent() ? found : other.of(request);
            };
        }
    }

    private static ResourceId aliasId() {
        return request -> request.param("name")
                .flatMap(name -> request.param("alias").map(alias -> name + "@" + alias));
    }

    private static ResourceId versionId() {
        return request -> request.param("name").flatMap(name -> request.param("version")
                .map(version -> name + "/" + version));
    }

    private static ResourceId createdVersionId() {
        return request -> request.param("name").flatMap(name -> request.responseField("model_version.version")
                .map(version -> name + "/" + version));
    }

    private static ResourceId deploymentId() {
        return request -> request.param("env").flatMap(env -> request.param("name").map(name -> env + "/" + name));
    }

    // ---- states --------------------------------------------------------------------------------

    private Optional<JsonNode> registeredModelState(AuditRequest request, boolean after) {
        return request.param("name").flatMap(this::registeredModel);
    }

    private Optional<JsonNode> registeredModel(String name) {
        return found(() -> json(generator -> RegistryWireFormat.registeredModel(generator,
                registry.getRegisteredModel(name), List.of())));
    }

    private Optional<JsonNode> modelVersionState(AuditRequest request, boolean after) {
        return versionId().of(request).flatMap(this::modelVersion);
    }

    /** The version {@code name/version}; the name may hold '/', the version does not. */
    private Optional<JsonNode> modelVersion(String id) {
        int slash = id.lastIndexOf('/');
        String name = id.substring(0, slash);
        String version = id.substring(slash + 1);
        return found(() -> json(generator -> RegistryWireFormat.modelVersion(generator,
                registry.getModelVersion(name, version))));
    }

    private Optional<JsonNode> aliasState(AuditRequest request, boolean after) {
        Optional<String> name = request.param("name");
        Optional<String> alias = request.param("alias");
        if (name.isEmpty() || alias.isEmpty()) {
            return Optional.empty();
        }
        return found(() -> {
            ModelVersion version = registry.getModelVersionByAlias(name.get(), alias.get());
            return JsonNodeFactory.instance.objectNode().put("name", version.name()).put("alias", alias.get())
                    .put("version", Long.toString(version.version()))
                    .put("current_stage", version.currentStage().wireName());
        });
    }

    private Optional<JsonNode> deploymentState(AuditRequest request, boolean after) {
        Optional<String> env = request.param("env");
        Optional<String> name = request.param("name");
        if (deployments.isEmpty() || env.isEmpty() || name.isEmpty()) {
            return Optional.empty();
        }
        return found(() -> deployments.get().findStatus(env.get(), name.get())
                .map(status -> json(generator -> DeploymentRoutes.status(generator, status))).orElse(null));
    }

    /** The state read, or absent when the resource does not exist (or its name is not valid). */
    private static Optional<JsonNode> found(Supplier<JsonNode> reader) {
        try {
            return Optional.ofNullable(reader.get());
        } catch (SlipwayException e) {
            if (e.errorCode() == ErrorCode.RESOURCE_DOES_NOT_EXIST
                    || e.errorCode() == ErrorCode.INVALID_PARAMETER_VALUE) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @FunctionalInterface
    private interface Writer {
        void write(JsonGenerator generator) throws IOException;
    }

    private static JsonNode json(Writer writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator generator = WireFormat.generator(out)) {
            writer.write(generator);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            return WireFormat.MAPPER.readTree(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- details -------------------------------------------------------------------------------

    private static ObjectNode counts(AuditRequest request, String field) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        RequestReader.parsed(request.context()).ifPresent(parsed -> {
            JsonNode rows = parsed.fields().path(field);
            details.put(field, rows.isArray() ? rows.size() : 0);
        });
        return details;
    }

    /**
     * The artifact of a multipart upload route, as the route reads it ({@link ArtifactRoutes#multipartArtifact}),
     * else the directory in its URL. The body's {@code path} is only read when it is not the URL's (which
     * {@link AuditRequest#param} falls back to).
     */
    private static Optional<String> multipartArtifact(AuditRequest request) {
        Optional<String> directory = request.pathParam("path");
        return request.param("path").filter(path -> !path.equals(directory.orElse(null)))
                .flatMap(localFile -> ArtifactRoutes.multipartArtifact(directory.orElse(""), localFile))
                .or(() -> directory);
    }

    /** The upload id and the number of parts of a multipart upload route (never the presigned part URLs). */
    private static ObjectNode multipartDetails(AuditRequest request) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        request.param("upload_id").or(() -> request.responseField("upload_id"))
                .ifPresent(id -> details.put("upload_id", id));
        request.param("num_parts").filter(parts -> parts.matches("\\d{1,9}"))
                .ifPresent(parts -> details.put("num_parts", Integer.parseInt(parts)));
        return details;
    }

    private static ObjectNode artifactDetails(AuditRequest request, boolean upload) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        request.pathParam("path").ifPresent(path -> details.put("path", path));
        if (upload) {
            details.put("bytes", AuditTrail.requestBytesRead(request.context()));
        }
        return details;
    }
}
