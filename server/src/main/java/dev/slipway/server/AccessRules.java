package dev.slipway.server;

import static dev.slipway.core.auth.Permission.Capability.DELETE;
import static dev.slipway.core.auth.Permission.Capability.MANAGE;
import static dev.slipway.core.auth.Permission.Capability.READ;
import static dev.slipway.core.auth.Permission.Capability.UPDATE;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.artifacts.ArtifactPaths;
import dev.slipway.core.auth.Access;
import dev.slipway.core.auth.Permission.Capability;
import dev.slipway.core.auth.User;
import dev.slipway.core.logged.LoggedModelService;
import dev.slipway.core.registry.ModelSources;
import dev.slipway.core.tracking.TrackingService;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Who may call what: the one table from every route of the server (method and route pattern, API and web UI) to the
 * check its requests must pass, applied after authentication and before the route runs. It follows MLflow's
 * basic-auth plugin where MLflow has the route: reads need {@code can_read} on the experiment (of the run, of the
 * logged model) or registered model, writes {@code can_update}, deletions and restores {@code can_delete}, and the
 * permission endpoints {@code can_manage}; creating an experiment or a registered model needs only a user (who then
 * gets MANAGE on it); searches are filtered by their routes so that a user never sees what the user cannot read;
 * user management is for administrators, except reading oneself and changing one's own password. Slipway's own
 * routes: prediction logs and monitoring windows of a model need READ on the registered model (logging predictions
 * EDIT); monitors, GitOps deployments, prediction feedback and server information need an authenticated user, the
 * audit log an administrator;
 * {@code /health}, {@code /version} and {@code /metrics} are open, as are static files. A route the table does not
 * name is refused to everyone but administrators (and a test keeps the table complete).
 *
 * <p>Administrators pass every check. A refusal is 403 PERMISSION_DENIED. Checks read the request's parameters through
 * the {@link RequestReader}, which keeps them for the route. Thread-safe.
 */
final class AccessRules {
    /** The check of one request; throws {@link SlipwayException} PERMISSION_DENIED when it is refused. */
    @FunctionalInterface
    interface Rule {
        void check(Context ctx, Access access);
    }

    /** A route as the router knows it: the method and the path pattern. */
    record Route(HandlerType method, String path) {
        Route {
            requireNonNull(method, "method is null");
            requireNonNull(path, "path is null");
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    /** Paths served without credentials besides the open routes: static files of the web UI. */
    private static final List<String> OPEN_PREFIXES = List.of("/static/", "/webjars/");
    private static final Set<String> OPEN_FILES = Set.of("/favicon.ico", "/robots.txt");
    private static final List<String> SLIPWAY_PREFIXES = List.of("/api/2.0/slipway/", "/ajax-api/2.0/slipway/");
    private static final Rule OPEN = (ctx, access) -> { };
    private static final int MAX_KNOWN_EXPERIMENTS = 100_000;
    private static final Rule AUTHENTICATED = (ctx, access) -> { };

    private final TrackingService tracking;
    private final LoggedModelService loggedModels;
    private final RequestReader reader;
    private final Map<Route, Rule> rules = new LinkedHashMap<>();
    /**
     * The experiment of each run and logged model checked lately: it never changes (neither moves to another
     * experiment, and their ids are random and never reused), so a check need not read it again. Bounded: emptied
     * when full.
     */
    private final Map<String, String> experimentOf = new ConcurrentHashMap<>();
    private final Set<String> openPaths = new LinkedHashSet<>();

    AccessRules(TrackingService tracking, LoggedModelService loggedModels, RequestReader reader) {
        this.tracking = requireNonNull(tracking, "tracking is null");
        this.loggedModels = requireNonNull(loggedModels, "loggedModels is null");
        this.reader = requireNonNull(reader, "reader is null");
        system();
        experiments();
        runs();
        artifacts();
        registry();
        loggedModelRoutes();
        slipway();
        usersAndPermissions();
        webUi();
    }

    // ---- the table -----------------------------------------------------------------------------

    private void system() {
        open(HandlerType.GET, "/health");
        open(HandlerType.GET, "/version");
        open(HandlerType.GET, "/metrics");
        for (String prefix : List.of("/api/3.0/mlflow/", "/ajax-api/3.0/mlflow/")) {
            put(HandlerType.GET, prefix + "server-info", AUTHENTICATED);
        }
    }

    private void experiments() {
        mlflow(HandlerType.POST, "experiments/create", AUTHENTICATED);
        mlflow(HandlerType.GET, "experiments/get", experiment(READ, id("experiment_id")));
        mlflow(HandlerType.GET, "experiments/get-by-name", experiment(READ,
                ctx -> tracking.getExperimentByName(request(ctx).requiredString("experiment_name")).experimentId()));
        // filtered by the route: only the experiments the user can read are listed
        mlflow(HandlerType.GET, "experiments/search", AUTHENTICATED);
        mlflow(HandlerType.POST, "experiments/search", AUTHENTICATED);
        mlflow(HandlerType.POST, "experiments/update", experiment(UPDATE, id("experiment_id")));
        mlflow(HandlerType.POST, "experiments/delete", experiment(DELETE, id("experiment_id")));
        mlflow(HandlerType.POST, "experiments/restore", experiment(DELETE, id("experiment_id")));
        mlflow(HandlerType.POST, "experiments/set-experiment-tag", experiment(UPDATE, id("experiment_id")));
        mlflow(HandlerType.POST, "experiments/delete-experiment-tag", experiment(UPDATE, id("experiment_id")));
    }

    private void runs() {
        mlflow(HandlerType.POST, "runs/create", experiment(UPDATE, ctx -> request(ctx).id("experiment_id")
                .filter(value -> !value.isEmpty()).orElse(TrackingService.DEFAULT_EXPERIMENT_ID)));
        mlflow(HandlerType.GET, "runs/get", run(READ, ctx -> request(ctx).requiredRunId()));
        mlflow(HandlerType.POST, "runs/update", run(UPDATE, ctx -> request(ctx).requiredRunId()));
        mlflow(HandlerType.POST, "runs/delete", run(DELETE, ctx -> request(ctx).requiredRunId()));
        mlflow(HandlerType.POST, "runs/restore", run(DELETE, ctx -> request(ctx).requiredRunId()));
        // READ on every experiment searched, as MLflow checks it
        mlflow(HandlerType.POST, "runs/search", experiments(READ, ctx -> request(ctx).ids("experiment_ids")));
        mlflow(HandlerType.POST, "runs/log-metric", (ctx, access) -> {
            ApiRequest request = request(ctx);
            requireRun(access, request.requiredRunId(), UPDATE);
            request.string("model_id").filter(value -> !value.isEmpty())
                    .ifPresent(modelId -> requireLoggedModel(access, modelId, UPDATE));
        });
        mlflow(HandlerType.POST, "runs/log-parameter", run(UPDATE, ctx -> request(ctx).requiredRunId()));
        mlflow(HandlerType.POST, "runs/log-batch", (ctx, access) -> {
            LogBatchTargets targets = LogBatchTargets.of(reader.readLogBatchBody(ctx));
            requireRun(access, targets.runId(), UPDATE);
            targets.modelIds().forEach(modelId -> requireLoggedModel(access, modelId, UPDATE));
        });
        mlflow(HandlerType.POST, "runs/log-inputs", run(UPDATE, ctx -> request(ctx).requiredRunId()));
        mlflow(HandlerType.POST, "runs/set-tag", run(UPDATE, ctx -> request(ctx).requiredRunId()));
        mlflow(HandlerType.POST, "runs/delete-tag", run(UPDATE, ctx -> request(ctx).requiredRunId()));
        mlflow(HandlerType.POST, "runs/outputs", run(UPDATE, ctx -> request(ctx).requiredRunId()));
        mlflow(HandlerType.GET, "metrics/get-history", run(READ, ctx -> request(ctx).requiredRunId()));
        mlflow(HandlerType.GET, "metrics/get-history-bulk-interval", runs(READ,
                ctx -> request(ctx).strings("run_ids")));
        put(HandlerType.GET, "/ajax-api/2.0/mlflow/metrics/get-history-bulk", runs(READ,
                ctx -> request(ctx).strings("run_id")));
    }

    private void artifacts() {
        mlflow(HandlerType.GET, "artifacts/list", run(READ, ctx -> request(ctx).requiredRunId()));
        put(HandlerType.GET, "/get-artifact", run(READ, ctx -> request(ctx).requiredRunId()));
        for (String prefix : MlflowPaths.ARTIFACT_PREFIXES) {
            put(HandlerType.GET, prefix + "artifacts/<path>", artifactPath(READ, AccessRules::proxiedPath));
            put(HandlerType.PUT, prefix + "artifacts/<path>", artifactPath(UPDATE, AccessRules::proxiedPath));
            put(HandlerType.DELETE, prefix + "artifacts/<path>", artifactPath(DELETE, AccessRules::proxiedPath));
            put(HandlerType.GET, prefix + "artifacts", artifactPath(READ, ctx -> Optional
                    .ofNullable(ctx.queryParam("path")).map(ArtifactPaths::validate).orElse("")));
            for (String operation : List.of("create", "complete", "abort")) {
                put(HandlerType.POST, prefix + "mpu/" + operation + "/<path>", artifactPath(UPDATE,
                        AccessRules::proxiedPath));
            }
        }
    }

    private void registry() {
        Function<Context, String> name = ctx -> request(ctx).requiredString("name");
        mlflow(HandlerType.POST, "registered-models/create", AUTHENTICATED);
        mlflow(HandlerType.POST, "registered-models/rename", model(UPDATE, name));
        mlflow(HandlerType.PATCH, "registered-models/update", model(UPDATE, name));
        mlflow(HandlerType.DELETE, "registered-models/delete", model(DELETE, name));
        mlflow(HandlerType.GET, "registered-models/get", model(READ, name));
        // filtered by the route: only the models the user can read are listed
        mlflow(HandlerType.GET, "registered-models/search", AUTHENTICATED);
        mlflow(HandlerType.GET, "registered-models/get-latest-versions", model(READ, name));
        mlflow(HandlerType.POST, "registered-models/get-latest-versions", model(READ, name));
        mlflow(HandlerType.POST, "registered-models/set-tag", model(UPDATE, name));
        mlflow(HandlerType.DELETE, "registered-models/delete-tag", model(UPDATE, name));
        mlflow(HandlerType.POST, "registered-models/alias", model(UPDATE, name));
        mlflow(HandlerType.DELETE, "registered-models/alias", model(DELETE, name));
        mlflow(HandlerType.GET, "registered-models/alias", model(READ, name));
        mlflow(HandlerType.POST, "model-versions/create", (ctx, access) -> {
            ApiRequest request = request(ctx);
            requireModel(access, request.requiredString("name"), UPDATE);
            // the version's files are read through it: its source must be readable by the user
            nonEmpty(request.string("run_id")).ifPresent(runId -> requireRun(access, runId, READ));
            nonEmpty(request.string("model_id")).ifPresent(modelId -> requireLoggedModel(access, modelId, READ));
            String source = request.requiredString("source");
            ModelSources.parseRunsUri(source).ifPresent(reference -> requireRun(access, reference.runId(), READ));
            ModelSources.parseModelsUri(source).ifPresent(reference -> {
                if (reference.kind() == ModelSources.ReferenceKind.LOGGED_MODEL) {
                    requireLoggedModel(access, reference.name(), READ);
                } else {
                    requireModel(access, reference.name(), READ);
                }
            });
        });
        mlflow(HandlerType.PATCH, "model-versions/update", model(UPDATE, name));
        mlflow(HandlerType.POST, "model-versions/transition-stage", model(UPDATE, name));
        mlflow(HandlerType.DELETE, "model-versions/delete", model(DELETE, name));
        mlflow(HandlerType.GET, "model-versions/get", model(READ, name));
        // filtered by the route: only versions of models the user can read are listed
        mlflow(HandlerType.GET, "model-versions/search", AUTHENTICATED);
        mlflow(HandlerType.GET, "model-versions/get-download-uri", model(READ, name));
        mlflow(HandlerType.POST, "model-versions/set-tag", model(UPDATE, name));
        mlflow(HandlerType.DELETE, "model-versions/delete-tag", model(DELETE, name));
        mlflow(HandlerType.GET, "model-versions/get-artifact", model(READ, name));
        put(HandlerType.GET, "/model-versions/get-artifact", model(READ, name));
    }

    private void loggedModelRoutes() {
        Function<Context, String> modelId = ctx -> ctx.pathParam("model_id");
        mlflow(HandlerType.POST, "logged-models", experiment(UPDATE, id("experiment_id")));
        // READ on every experiment searched, as for runs
        mlflow(HandlerType.POST, "logged-models/search", experiments(READ, ctx -> request(ctx).ids("experiment_ids")));
        mlflow(HandlerType.GET, "logged-models/{model_id}", loggedModel(READ, modelId));
        mlflow(HandlerType.PATCH, "logged-models/{model_id}", loggedModel(UPDATE, modelId));
        mlflow(HandlerType.DELETE, "logged-models/{model_id}", loggedModel(DELETE, modelId));
        mlflow(HandlerType.PATCH, "logged-models/{model_id}/tags", loggedModel(UPDATE, modelId));
        mlflow(HandlerType.DELETE, "logged-models/{model_id}/tags/<tag_key>", loggedModel(DELETE, modelId));
        mlflow(HandlerType.POST, "logged-models/{model_id}/params", loggedModel(UPDATE, modelId));
        mlflow(HandlerType.GET, "logged-models/{model_id}/artifacts/directories", loggedModel(READ, modelId));
        mlflow(HandlerType.GET, "logged-models/{model_id}/artifacts/files", loggedModel(READ, modelId));
    }

    private void slipway() {
        Function<Context, String> modelName = ctx -> request(ctx).requiredString("model_name");
        slipway(PredictionLogRoutes.PREFIXES, HandlerType.POST, "log-batch", (ctx, access) -> {
            Set<String> models = new LinkedHashSet<>();
            for (ApiRequest row : request(ctx).objects("predictions")) {
                row.string("model_name").filter(value -> !value.isEmpty()).ifPresent(models::add);
            }
            models.forEach(model -> requireModel(access, model, UPDATE));
        });
        // feedback names a prediction by request id only: any user may send it (a model server's client)
        slipway(PredictionLogRoutes.PREFIXES, HandlerType.POST, "feedback", AUTHENTICATED);
        slipway(PredictionLogRoutes.PREFIXES, HandlerType.POST, "search", model(READ, modelName));
        slipway(PredictionLogRoutes.PREFIXES, HandlerType.POST, "count", model(READ, modelName));
        slipway(MonitoringRoutes.PREFIXES, HandlerType.GET, "window", model(READ, modelName));
        slipway(ModelQualityRoutes.PREFIXES, HandlerType.GET, "quality", model(READ, modelName));
        // monitors and GitOps reports span models and environments: any authenticated user
        for (String path : List.of("create", "delete", "results/create", "actions/create")) {
            slipway(MonitorRoutes.PREFIXES, HandlerType.POST, path, AUTHENTICATED);
        }
        for (String path : List.of("get", "list", "results/list", "actions/list")) {
            slipway(MonitorRoutes.PREFIXES, HandlerType.GET, path, AUTHENTICATED);
        }
        for (String path : List.of("deployments/report", "deployments/delete", "events/create")) {
            slipway(DeploymentRoutes.PREFIXES, HandlerType.POST, path, AUTHENTICATED);
        }
        for (String path : List.of("deployments/list", "deployments/get", "events/list")) {
            slipway(DeploymentRoutes.PREFIXES, HandlerType.GET, path, AUTHENTICATED);
        }
        // the audit log names every user's changes: administrators only
        slipway(AuditRoutes.PREFIXES, HandlerType.GET, "list", admin());
    }

    private void usersAndPermissions() {
        Function<Context, String> username = ctx -> request(ctx).requiredString("username");
        Function<Context, String> name = ctx -> request(ctx).requiredString("name");
        mlflow(HandlerType.POST, "users/create", admin());
        mlflow(HandlerType.GET, "users/get", self(username));
        mlflow(HandlerType.PATCH, "users/update-password", self(username));
        mlflow(HandlerType.PATCH, "users/update-admin", admin());
        mlflow(HandlerType.DELETE, "users/delete", admin());
        mlflow(HandlerType.POST, "experiments/permissions/create", experiment(MANAGE, id("experiment_id")));
        mlflow(HandlerType.GET, "experiments/permissions/get", experiment(MANAGE, id("experiment_id")));
        mlflow(HandlerType.PATCH, "experiments/permissions/update", experiment(MANAGE, id("experiment_id")));
        mlflow(HandlerType.DELETE, "experiments/permissions/delete", experiment(MANAGE, id("experiment_id")));
        mlflow(HandlerType.POST, "registered-models/permissions/create", model(MANAGE, name));
        mlflow(HandlerType.GET, "registered-models/permissions/get", model(MANAGE, name));
        mlflow(HandlerType.PATCH, "registered-models/permissions/update", model(MANAGE, name));
        mlflow(HandlerType.DELETE, "registered-models/permissions/delete", model(MANAGE, name));
        Function<Context, String> userOrSelf = ctx -> request(ctx).string("username").filter(value -> !value.isEmpty())
                .orElseGet(() -> Authentication.user(ctx).orElse(""));
        slipway(SLIPWAY_PREFIXES, HandlerType.GET, "users/list", admin());
        slipway(SLIPWAY_PREFIXES, HandlerType.GET, "permissions/list", (ctx, access) -> {
            ApiRequest request = request(ctx);
            Optional<String> experimentId = request.id("experiment_id").filter(value -> !value.isEmpty());
            if (experimentId.isPresent()) {
                requireExperiment(access, experimentId.get(), MANAGE);
            } else {
                requireModel(access, request.requiredString("name"), MANAGE);
            }
        });
        slipway(SLIPWAY_PREFIXES, HandlerType.POST, "tokens/create", self(userOrSelf));
        slipway(SLIPWAY_PREFIXES, HandlerType.GET, "tokens/list", self(userOrSelf));
        slipway(SLIPWAY_PREFIXES, HandlerType.POST, "tokens/revoke", self(userOrSelf));
    }

    private void webUi() {
        Function<Context, String> experimentId = ctx -> ctx.pathParam("experimentId");
        Function<Context, String> modelName = ctx -> ctx.pathParam("name");
        // lists filtered by their pages
        put(HandlerType.GET, "/", AUTHENTICATED);
        put(HandlerType.GET, "/models", AUTHENTICATED);
        put(HandlerType.GET, "/datasets", AUTHENTICATED);
        put(HandlerType.GET, "/lineage", (ctx, access) -> {
            String runId = ctx.queryParam("run");
            if (runId != null && !runId.isBlank()) {
                requireRun(access, runId.trim(), READ);
            }
        });
        put(HandlerType.POST, "/experiments", AUTHENTICATED);
        put(HandlerType.GET, "/experiments/{experimentId}", experiment(READ, experimentId));
        put(HandlerType.POST, "/experiments/{experimentId}/rename", experiment(UPDATE, experimentId));
        put(HandlerType.POST, "/experiments/{experimentId}/delete", experiment(DELETE, experimentId));
        put(HandlerType.POST, "/experiments/{experimentId}/restore", experiment(DELETE, experimentId));
        put(HandlerType.POST, "/experiments/{experimentId}/runs/delete", experiment(DELETE, experimentId));
        put(HandlerType.POST, "/experiments/{experimentId}/runs/restore", experiment(DELETE, experimentId));
        put(HandlerType.GET, "/runs/{runId}", run(READ, ctx -> ctx.pathParam("runId")));
        put(HandlerType.GET, "/compare", runs(READ, ctx -> Arrays.stream(Optional.ofNullable(ctx.queryParam("runs"))
                .orElse("").split(",")).map(String::trim).filter(value -> !value.isEmpty()).toList()));
        put(HandlerType.GET, "/ui/data/metric", run(READ, query("run_id")));
        put(HandlerType.GET, "/ui/data/artifact", run(READ, query("run_id")));
        put(HandlerType.GET, "/models/{name}", model(READ, modelName));
        put(HandlerType.GET, "/models/{name}/versions/{version}", model(READ, modelName));
        for (String prefix : List.of("/models/{name}/", "/models/{name}/versions/{version}/")) {
            put(HandlerType.POST, prefix + "aliases", model(UPDATE, modelName));
            put(HandlerType.POST, prefix + "aliases/delete", model(DELETE, modelName));
            put(HandlerType.POST, prefix + "description", model(UPDATE, modelName));
            put(HandlerType.POST, prefix + "tags", model(UPDATE, modelName));
        }
        put(HandlerType.POST, "/models/{name}/tags/delete", model(UPDATE, modelName));
        put(HandlerType.POST, "/models/{name}/versions/{version}/tags/delete", model(DELETE, modelName));
        put(HandlerType.POST, "/models/{name}/versions/{version}/stage", model(UPDATE, modelName));
        // deployments and monitors span models: any authenticated user
        put(HandlerType.GET, "/deployments", AUTHENTICATED);
        put(HandlerType.GET, "/deployments/{env}/{name}", AUTHENTICATED);
        put(HandlerType.GET, "/monitoring", AUTHENTICATED);
        put(HandlerType.GET, "/monitoring/{monitor}", AUTHENTICATED);
    }

    // ---- lookups -------------------------------------------------------------------------------

    /** Whether a request path needs no credentials: an open route or a static file. */
    boolean isOpen(String path) {
        return openPaths.contains(path) || OPEN_FILES.contains(path)
                || OPEN_PREFIXES.stream().anyMatch(path::startsWith);
    }

    /** Every route the table names. */
    Set<Route> routes() {
        return Set.copyOf(rules.keySet());
    }

    Optional<Rule> rule(HandlerType method, String path) {
        return Optional.ofNullable(rules.get(new Route(method, path)));
    }

    /**
     * Checks the request against the rule of its route (a before-matched handler). A route without a rule is
     * refused to everyone but administrators.
     *
     * @throws SlipwayException PERMISSION_DENIED (403), or what reading the request's parameters throws
     */
    void authorize(Context ctx) {
        Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
        if (endpoint == null || endpoint.path.equals("*") || openPaths.contains(endpoint.path)) {
            return;
        }
        Access access = Authentication.access(ctx);
        Optional<Rule> rule = rule(endpoint.method, endpoint.path);
        if (rule.isEmpty()) {
            if (!access.isAdmin()) {
                throw denied(access, "may not call " + endpoint.method + " " + endpoint.path
                        + ", which only administrators may call");
            }
            return;
        }
        rule.get().check(ctx, access);
    }

    // ---- rules ---------------------------------------------------------------------------------

    private static Rule admin() {
        return (ctx, access) -> {
            if (!access.isAdmin()) {
                throw denied(access, "is not an administrator");
            }
        };
    }

    /** The user named, or an administrator. */
    private static Rule self(Function<Context, String> username) {
        return (ctx, access) -> {
            String named = username.apply(ctx);
            if (!access.isAdmin() && !access.user().map(User::username).filter(named::equals).isPresent()) {
                throw denied(access, "may not act for user '" + named + "'");
            }
        };
    }

    private Rule experiment(Capability capability, Function<Context, String> experimentId) {
        return (ctx, access) -> requireExperiment(access, experimentId.apply(ctx), capability);
    }

    private Rule experiments(Capability capability, Function<Context, List<String>> experimentIds) {
        return (ctx, access) -> experimentIds.apply(ctx).forEach(id -> requireExperiment(access, id, capability));
    }

    private Rule run(Capability capability, Function<Context, String> runId) {
        return (ctx, access) -> requireRun(access, runId.apply(ctx), capability);
    }

    private Rule runs(Capability capability, Function<Context, List<String>> runIds) {
        return (ctx, access) -> runIds.apply(ctx).forEach(id -> requireRun(access, id, capability));
    }

    private Rule model(Capability capability, Function<Context, String> name) {
        return (ctx, access) -> requireModel(access, name.apply(ctx), capability);
    }

    private Rule loggedModel(Capability capability, Function<Context, String> modelId) {
        return (ctx, access) -> requireLoggedModel(access, modelId.apply(ctx), capability);
    }

    /**
     * A path of the artifact proxy: under the default artifact root its first segment is the experiment id, whose
     * permission applies; any other path (the root's listing, custom locations) is for administrators.
     */
    private Rule artifactPath(Capability capability, Function<Context, String> path) {
        return (ctx, access) -> {
            if (access.isAdmin()) {
                return;
            }
            String artifactPath = path.apply(ctx);
            int slash = artifactPath.indexOf('/');
            String first = slash < 0 ? artifactPath : artifactPath.substring(0, slash);
            if (first.isEmpty() || !first.chars().allMatch(Character::isDigit) || first.length() > 18
                    || !experimentExists(first)) {
                throw denied(access, "may not use artifact path '" + artifactPath + "', which belongs to no "
                        + "experiment");
            }
            requireExperiment(access, first, capability);
        };
    }

    private void requireExperiment(Access access, String experimentId, Capability capability) {
        if (!access.experiment(experimentId).allows(capability)) {
            throw denied(access, "lacks " + capability.wireName() + " on experiment " + experimentId);
        }
    }

    private void requireRun(Access access, String runId, Capability capability) {
        if (access.isAdmin()) {
            return;
        }
        requireExperiment(access, experimentOf("run:" + runId, () -> tracking.getRunInfo(runId).experimentId()),
                capability);
    }

    /** The experiment of a run or logged model ({@code key}), read with {@code lookup} unless known. */
    private String experimentOf(String key, Supplier<String> lookup) {
        String known = experimentOf.get(key);
        if (known != null) {
            return known;
        }
        String experimentId = lookup.get();
        if (experimentOf.size() >= MAX_KNOWN_EXPERIMENTS) {
            experimentOf.clear();
        }
        experimentOf.put(key, experimentId);
        return experimentId;
    }

    private void requireModel(Access access, String name, Capability capability) {
        if (!access.registeredModel(name).allows(capability)) {
            throw denied(access, "lacks " + capability.wireName() + " on registered model '" + name + "'");
        }
    }

    private void requireLoggedModel(Access access, String modelId, Capability capability) {
        if (access.isAdmin()) {
            return;
        }
        requireExperiment(access, experimentOf("model:" + modelId,
                () -> loggedModels.getLoggedModel(modelId, true).info().experimentId()), capability);
    }

    private boolean experimentExists(String experimentId) {
        try {
            tracking.getExperiment(experimentId);
            return true;
        } catch (SlipwayException e) {
            if (e.errorCode() == ErrorCode.RESOURCE_DOES_NOT_EXIST) {
                return false;
            }
            throw e;
        }
    }

    private static SlipwayException denied(Access access, String reason) {
        return new SlipwayException(ErrorCode.PERMISSION_DENIED, "Permission denied: user '"
                + access.user().map(User::username).orElse("?") + "' " + reason);
    }

    // ---- parameters ----------------------------------------------------------------------------

    private ApiRequest request(Context ctx) {
        return reader.read(ctx);
    }

    private Function<Context, String> id(String field) {
        return ctx -> request(ctx).requiredId(field);
    }

    private static Function<Context, String> query(String name) {
        return ctx -> {
            String value = ctx.queryParam(name);
            if (value == null || value.isEmpty()) {
                throw SlipwayException.invalidParameter("Missing query parameter '%s'", name);
            }
            return value;
        };
    }

    private static Optional<String> nonEmpty(Optional<String> value) {
        return value.filter(text -> !text.isEmpty());
    }

    /** The artifact path of a proxy request, as {@link ArtifactRoutes} reads it: from the raw URI, validated. */
    private static String proxiedPath(Context ctx) {
        String pattern = ctx.endpoints().matchedHttpEndpoint().path;
        String literalPrefix = pattern.substring(0, pattern.indexOf('<'));
        String rawUri = ctx.req().getRequestURI();
        if (rawUri == null || !rawUri.startsWith(literalPrefix)) {
            throw ArtifactPaths.invalidPath();
        }
        return ArtifactPaths.validate(rawUri.substring(literalPrefix.length()));
    }

    // ---- registration --------------------------------------------------------------------------

    private void open(HandlerType method, String path) {
        put(method, path, OPEN);
        openPaths.add(path);
    }

    private void mlflow(HandlerType method, String path, Rule rule) {
        for (String prefix : MlflowPaths.TRACKING_PREFIXES) {
            put(method, prefix + path, rule);
        }
    }

    private void slipway(List<String> prefixes, HandlerType method, String path, Rule rule) {
        for (String prefix : prefixes) {
            put(method, prefix + path, rule);
        }
    }

    private void put(HandlerType method, String path, Rule rule) {
        if (rules.put(new Route(method, path), rule) != null) {
            throw new IllegalStateException("Two access rules for " + method + " " + path);
        }
    }

    /**
     * The run id and the logged models a log-batch body writes to, read with a streaming scan that skips the values
     * (a batch may be a megabyte); a body the scan cannot read is parsed in full, which reports what is wrong with it.
     */
    record LogBatchTargets(String runId, Set<String> modelIds) {
        static LogBatchTargets of(byte[] body) {
            return scan(body).orElseGet(() -> {
                ApiRequest request = RequestReader.parse(body);
                Set<String> modelIds = new LinkedHashSet<>();
                for (ApiRequest metric : request.objects("metrics")) {
                    metric.string("model_id").filter(value -> !value.isEmpty()).ifPresent(modelIds::add);
                }
                return new LogBatchTargets(request.requiredRunId(), modelIds);
            });
        }

        private static Optional<LogBatchTargets> scan(byte[] body) {
            String runId = null;
            String runUuid = null;
            Set<String> modelIds = new LinkedHashSet<>();
            try (JsonParser parser = WireFormat.MAPPER.getFactory().createParser(body)) {
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                    return Optional.empty();
                }
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    JsonToken value = parser.nextToken();
                    if (field.equals("run_id") && value == JsonToken.VALUE_STRING) {
                        runId = parser.getText();
                    } else if (field.equals("run_uuid") && value == JsonToken.VALUE_STRING) {
                        runUuid = parser.getText();
                    } else if (field.equals("metrics") && value == JsonToken.START_ARRAY) {
                        while (parser.nextToken() == JsonToken.START_OBJECT) {
                            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                                String metricField = parser.currentName();
                                JsonToken metricValue = parser.nextToken();
                                if (metricField.equals("model_id") && metricValue == JsonToken.VALUE_STRING) {
                                    if (!parser.getText().isEmpty()) {
                                        modelIds.add(parser.getText());
                                    }
                                } else {
                                    parser.skipChildren();
                                }
                            }
                        }
                    } else {
                        parser.skipChildren();
                    }
                }
            } catch (IOException e) {
                return Optional.empty();
            }
            String chosen = runId != null && !runId.isEmpty() ? runId : runUuid;
            if (chosen == null || chosen.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new LogBatchTargets(chosen, Set.copyOf(modelIds)));
        }
    }
}
