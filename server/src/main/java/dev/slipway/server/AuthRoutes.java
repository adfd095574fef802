package dev.slipway.server;

import static dev.slipway.server.MlflowPaths.tracking;
import static io.javalin.http.HandlerType.DELETE;
import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.PATCH;
import static io.javalin.http.HandlerType.POST;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.auth.AccessToken;
import dev.slipway.core.auth.AuthService;
import dev.slipway.core.auth.ExperimentPermission;
import dev.slipway.core.auth.NewAccessToken;
import dev.slipway.core.auth.Permission;
import dev.slipway.core.auth.RegisteredModelPermission;
import dev.slipway.core.auth.User;
import dev.slipway.core.registry.RegistryService;
import dev.slipway.core.tracking.TrackingService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The users and permissions endpoints of MLflow's basic-auth plugin, under both tracking prefixes:
 * {@code users/create|get|update-password|update-admin|delete}, {@code experiments/permissions/create|get|update|delete}
 * and {@code registered-models/permissions/create|get|update|delete}, with MLflow's request and answer shapes; and
 * Slipway's own, under {@code /api/2.0/slipway/} and {@code /ajax-api/2.0/slipway/}:
 *
 * <ul>
 *   <li>{@code GET users/list} answers {@code {"users": [{"id", "username", "is_admin"}...]}} by username;
 *   <li>{@code GET permissions/list?experiment_id=} or {@code ?name=} answers {@code {"permissions": [P...]}}, the
 *       permissions given on one experiment or registered model, by username;
 *   <li>{@code POST tokens/create {"name", "expires_in_days"?, "username"?}} answers
 *       {@code {"token": T, "secret": "slw_..."}}: the secret is shown this once and stored only as a hash;
 *   <li>{@code GET tokens/list?username=} answers {@code {"tokens": [T...]}}, oldest first, without secrets;
 *   <li>{@code POST tokens/revoke {"token_id", "username"?}} answers {@code {}}.
 * </ul>
 *
 * <p>{@code T = {"token_id", "username", "name", "creation_time", "expiration_time"?}}; {@code username} defaults to the
 * caller. Who may call each route is {@link AccessRules}'s. Thread-safe.
 */
final class AuthRoutes {
    private static final List<String> SLIPWAY_PREFIXES = List.of("/api/2.0/slipway/", "/ajax-api/2.0/slipway/");
    private static final long MAX_TOKEN_DAYS = 3650;

    private final AuthService auth;
    private final TrackingService tracking;
    private final RegistryService registry;
    private final RequestReader reader;

    AuthRoutes(AuthService auth, TrackingService tracking, RegistryService registry, RequestReader reader) {
        this.auth = requireNonNull(auth, "auth is null");
        this.tracking = requireNonNull(tracking, "tracking is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.reader = requireNonNull(reader, "reader is null");
    }

    void register(RoutesConfig routes) {
        tracking(routes, POST, "users/create", this::createUser);
        tracking(routes, GET, "users/get", this::getUser);
        tracking(routes, PATCH, "users/update-password", this::updatePassword);
        tracking(routes, PATCH, "users/update-admin", this::updateAdmin);
        tracking(routes, DELETE, "users/delete", this::deleteUser);
        tracking(routes, POST, "experiments/permissions/create", this::createExperimentPermission);
        tracking(routes, GET, "experiments/permissions/get", this::getExperimentPermission);
        tracking(routes, PATCH, "experiments/permissions/update", this::updateExperimentPermission);
        tracking(routes, DELETE, "experiments/permissions/delete", this::deleteExperimentPermission);
        tracking(routes, POST, "registered-models/permissions/create", this::createModelPermission);
        tracking(routes, GET, "registered-models/permissions/get", this::getModelPermission);
        tracking(routes, PATCH, "registered-models/permissions/update", this::updateModelPermission);
        tracking(routes, DELETE, "registered-models/permissions/delete", this::deleteModelPermission);
        slipway(routes, GET, "users/list", this::listUsers);
        slipway(routes, GET, "permissions/list", this::listPermissions);
        slipway(routes, POST, "tokens/create", this::createToken);
        slipway(routes, GET, "tokens/list", this::listTokens);
        slipway(routes, POST, "tokens/revoke", this::revokeToken);
    }

    private static void slipway(RoutesConfig routes, HandlerType method, String path, Handler handler) {
        for (String prefix : SLIPWAY_PREFIXES) {
            routes.addHttpHandler(method, prefix + path, handler);
        }
    }

    // ---- users ---------------------------------------------------------------------------------

    private void createUser(Context ctx) {
        ApiRequest request = reader.read(ctx);
        User user = auth.createUser(request.requiredString("username"), request.requiredString("password"),
                request.bool("is_admin").orElse(false));
        sendUser(ctx, user);
    }

    private void getUser(Context ctx) {
        sendUser(ctx, auth.getUser(reader.read(ctx).requiredString("username")));
    }

    private void updatePassword(Context ctx) {
        ApiRequest request = reader.read(ctx);
        auth.updatePassword(request.requiredString("username"), request.requiredString("password"));
        WireFormat.sendEmpty(ctx);
    }

    private void updateAdmin(Context ctx) {
        ApiRequest request = reader.read(ctx);
        String username = request.requiredString("username");
        boolean admin = request.bool("is_admin").orElseThrow(() -> request.missingValue("is_admin"));
        auth.updateAdmin(username, admin);
        WireFormat.sendEmpty(ctx);
    }

    private void deleteUser(Context ctx) {
        auth.deleteUser(reader.read(ctx).requiredString("username"));
        WireFormat.sendEmpty(ctx);
    }

    private void listUsers(Context ctx) {
        List<User> users = auth.users();
        WireFormat.send(ctx, WireFormat.object(generator -> {
            generator.writeArrayFieldStart("users");
            for (User user : users) {
                generator.writeStartObject();
                generator.writeNumberField("id", user.id());
                generator.writeStringField("username", user.username());
                generator.writeBooleanField("is_admin", user.admin());
                generator.writeEndObject();
            }
            generator.writeEndArray();
        }));
    }

    private void sendUser(Context ctx, User user) {
        List<ExperimentPermission> experiments = auth.experimentPermissionsOfUser(user.username());
        List<RegisteredModelPermission> models = auth.registeredModelPermissionsOfUser(user.username());
        WireFormat.send(ctx, WireFormat.object(generator -> {
            generator.writeObjectFieldStart("user");
            generator.writeNumberField("id", user.id());
            generator.writeStringField("username", user.username());
            generator.writeBooleanField("is_admin", user.admin());
            generator.writeArrayFieldStart("experiment_permissions");
            for (ExperimentPermission permission : experiments) {
                experimentPermission(generator, permission);
            }
            generator.writeEndArray();
            generator.writeArrayFieldStart("registered_model_permissions");
            for (RegisteredModelPermission permission : models) {
                modelPermission(generator, permission);
            }
            generator.writeEndArray();
            generator.writeEndObject();
        }));
    }

    // ---- experiment permissions ----------------------------------------------------------------

    private void createExperimentPermission(Context ctx) {
        ApiRequest request = reader.read(ctx);
        String experimentId = existingExperiment(request);
        ExperimentPermission permission = auth.createExperimentPermission(experimentId,
                request.requiredString("username"), permission(request));
        sendExperimentPermission(ctx, permission);
    }

    private void getExperimentPermission(Context ctx) {
        ApiRequest request = reader.read(ctx);
        sendExperimentPermission(ctx, auth.getExperimentPermission(request.requiredId("experiment_id"),
                request.requiredString("username")));
    }

    private void updateExperimentPermission(Context ctx) {
        ApiRequest request = reader.read(ctx);
        auth.updateExperimentPermission(request.requiredId("experiment_id"), request.requiredString("username"),
                permission(request));
        WireFormat.sendEmpty(ctx);
    }

    private void deleteExperimentPermission(Context ctx) {
        ApiRequest request = reader.read(ctx);
        auth.deleteExperimentPermission(request.requiredId("experiment_id"), request.requiredString("username"));
        WireFormat.sendEmpty(ctx);
    }

    private String existingExperiment(ApiRequest request) {
        return tracking.getExperiment(request.requiredId("experiment_id")).experimentId();
    }

    private static void sendExperimentPermission(Context ctx, ExperimentPermission permission) {
        WireFormat.send(ctx, WireFormat.object(generator -> {
            generator.writeFieldName("experiment_permission");
            experimentPermission(generator, permission);
        }));
    }

    // ---- registered model permissions ----------------------------------------------------------

    private void createModelPermission(Context ctx) {
        ApiRequest request = reader.read(ctx);
        String name = registry.getRegisteredModel(request.requiredString("name")).name();
        RegisteredModelPermission permission = auth.createRegisteredModelPermission(name,
                request.requiredString("username"), permission(request));
        sendModelPermission(ctx, permission);
    }

    private void getModelPermission(Context ctx) {
        ApiRequest request = reader.read(ctx);
        sendModelPermission(ctx, auth.getRegisteredModelPermission(request.requiredString("name"),
                request.requiredString("username")));
    }

    private void updateModelPermission(Context ctx) {
        ApiRequest request = reader.read(ctx);
        auth.updateRegisteredModelPermission(request.requiredString("name"), request.requiredString("username"),
                permission(request));
        WireFormat.sendEmpty(ctx);
    }

    private void deleteModelPermission(Context ctx) {
        ApiRequest request = reader.read(ctx);
        auth.deleteRegisteredModelPermission(request.requiredString("name"), request.requiredString("username"));
        WireFormat.sendEmpty(ctx);
    }

    private static void sendModelPermission(Context ctx, RegisteredModelPermission permission) {
        WireFormat.send(ctx, WireFormat.object(generator -> {
            generator.writeFieldName("registered_model_permission");
            modelPermission(generator, permission);
        }));
    }

    private void listPermissions(Context ctx) {
        ApiRequest request = reader.read(ctx);
        Optional<String> experimentId = request.id("experiment_id").filter(value -> !value.isEmpty());
        if (experimentId.isPresent()) {
            List<ExperimentPermission> permissions = auth.experimentPermissions(experimentId.get());
            WireFormat.send(ctx, WireFormat.object(generator -> {
                generator.writeArrayFieldStart("permissions");
                for (ExperimentPermission permission : permissions) {
                    experimentPermission(generator, permission);
                }
                generator.writeEndArray();
            }));
            return;
        }
        List<RegisteredModelPermission> permissions = auth.registeredModelPermissions(request.requiredString("name"));
        WireFormat.send(ctx, WireFormat.object(generator -> {
            generator.writeArrayFieldStart("permissions");
            for (RegisteredModelPermission permission : permissions) {
                modelPermission(generator, permission);
            }
            generator.writeEndArray();
        }));
    }

    // ---- tokens --------------------------------------------------------------------------------

    private void createToken(Context ctx) {
        ApiRequest request = reader.read(ctx);
        String username = owner(ctx, request);
        Optional<Long> days = request.int64("expires_in_days");
        if (days.isPresent() && (days.get() < 1 || days.get() > MAX_TOKEN_DAYS)) {
            throw SlipwayException.invalidParameter("Invalid value %d for parameter 'expires_in_days': expected 1 to "
                    + "%d", days.get(), MAX_TOKEN_DAYS);
        }
        NewAccessToken created = auth.createToken(username, request.requiredString("name"),
                days.map(Duration::ofDays));
        WireFormat.send(ctx, WireFormat.object(generator -> {
            generator.writeFieldName("token");
            token(generator, created.token());
            generator.writeStringField("secret", created.secret());
        }));
    }

    private void listTokens(Context ctx) {
        List<AccessToken> tokens = auth.tokens(owner(ctx, reader.read(ctx)));
        WireFormat.send(ctx, WireFormat.object(generator -> {
            generator.writeArrayFieldStart("tokens");
            for (AccessToken token : tokens) {
                token(generator, token);
            }
            generator.writeEndArray();
        }));
    }

    private void revokeToken(Context ctx) {
        ApiRequest request = reader.read(ctx);
        auth.revokeToken(owner(ctx, request), request.requiredString("token_id"));
        WireFormat.sendEmpty(ctx);
    }

    /** The user named by {@code username}, by default the caller. */
    private static String owner(Context ctx, ApiRequest request) {
        return request.string("username").filter(value -> !value.isEmpty()).or(() -> Authentication.user(ctx))
                .orElseThrow(() -> request.missingValue("username"));
    }

    // ---- wire shapes ---------------------------------------------------------------------------

    private static Permission permission(ApiRequest request) {
        return Permission.parse(request.requiredString("permission"));
    }

    private static void experimentPermission(JsonGenerator generator, ExperimentPermission permission)
            throws IOException {
        generator.writeStartObject();
        generator.writeStringField("experiment_id", permission.experimentId());
        generator.writeNumberField("user_id", permission.userId());
        generator.writeStringField("username", permission.username());
        generator.writeStringField("permission", permission.permission().name());
        generator.writeEndObject();
    }

    private static void modelPermission(JsonGenerator generator, RegisteredModelPermission permission)
            throws IOException {
        generator.writeStartObject();
        generator.writeStringField("name", permission.name());
        generator.writeNumberField("user_id", permission.userId());
        generator.writeStringField("username", permission.username());
        generator.writeStringField("permission", permission.permission().name());
        generator.writeEndObject();
    }

    private static void token(JsonGenerator generator, AccessToken token) throws IOException {
        generator.writeStartObject();
        generator.writeStringField("token_id", token.tokenId());
        generator.writeStringField("username", token.username());
        generator.writeStringField("name", token.name());
        generator.writeNumberField("creation_time", token.creationTime());
        if (token.expirationTime().isPresent()) {
            generator.writeNumberField("expiration_time", token.expirationTime().get());
        }
        generator.writeEndObject();
    }
}
