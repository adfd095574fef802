package dev.slipway.client;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.auth.AccessToken;
import dev.slipway.core.auth.ExperimentPermission;
import dev.slipway.core.auth.NewAccessToken;
import dev.slipway.core.auth.Permission;
import dev.slipway.core.auth.RegisteredModelPermission;
import dev.slipway.core.auth.User;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The users and permissions endpoints of a server with authentication: those of MLflow's basic-auth plugin
 * ({@code users/*}, {@code experiments/permissions/*}, {@code registered-models/permissions/*}) and Slipway's own user
 * list, permission lists and personal access tokens. Failures are {@link dev.slipway.core.SlipwayException}s with the
 * server's code, such as PERMISSION_DENIED or UNAUTHENTICATED. Thread-safe.
 */
public final class AuthClient {
    private static final String MLFLOW = "api/2.0/mlflow/";
    private static final String SLIPWAY = "api/2.0/slipway/";

    private final RestTransport transport;

    AuthClient(RestTransport transport) {
        this.transport = requireNonNull(transport, "transport is null");
    }

    /** A user with the permissions given to the user. */
    public record UserDetails(User user, List<ExperimentPermission> experimentPermissions,
            List<RegisteredModelPermission> registeredModelPermissions) {
        public UserDetails {
            requireNonNull(user, "user is null");
            experimentPermissions = List.copyOf(experimentPermissions);
            registeredModelPermissions = List.copyOf(registeredModelPermissions);
        }
    }

    // ---- users ---------------------------------------------------------------------------------

    public UserDetails createUser(String username, String password, boolean admin) {
        ObjectNode body = transport.object().put("username", username).put("password", password);
        if (admin) {
            body.put("is_admin", true);
        }
        return userDetails(transport.post(MLFLOW + "users/create", body).path("user"));
    }

    public UserDetails getUser(String username) {
        return userDetails(transport.get(MLFLOW + "users/get", new Query().add("username", username)).path("user"));
    }

    public List<User> listUsers() {
        List<User> users = new ArrayList<>();
        for (JsonNode user : transport.get(SLIPWAY + "users/list", new Query()).path("users")) {
            users.add(user(user));
        }
        return List.copyOf(users);
    }

    public void updatePassword(String username, String password) {
        transport.patch(MLFLOW + "users/update-password", transport.object().put("username", username)
                .put("password", password));
    }

    public void updateAdmin(String username, boolean admin) {
        transport.patch(MLFLOW + "users/update-admin", transport.object().put("username", username)
                .put("is_admin", admin));
    }

    public void deleteUser(String username) {
        transport.delete(MLFLOW + "users/delete", transport.object().put("username", username));
    }

    // ---- experiment permissions ----------------------------------------------------------------

    public ExperimentPermission createExperimentPermission(String experimentId, String username,
            Permission permission) {
        return experimentPermission(transport.post(MLFLOW + "experiments/permissions/create",
                experimentBody(experimentId, username).put("permission", permission.name()))
                .path("experiment_permission"));
    }

    public ExperimentPermission getExperimentPermission(String experimentId, String username) {
        return experimentPermission(transport.get(MLFLOW + "experiments/permissions/get", new Query()
                .add("experiment_id", experimentId).add("username", username)).path("experiment_permission"));
    }

    public void updateExperimentPermission(String experimentId, String username, Permission permission) {
        transport.patch(MLFLOW + "experiments/permissions/update", experimentBody(experimentId, username)
                .put("permission", permission.name()));
    }

    public void deleteExperimentPermission(String experimentId, String username) {
        transport.delete(MLFLOW + "experiments/permissions/delete", experimentBody(experimentId, username));
    }

    /** The permissions given on the experiment, by username (needs MANAGE on it). */
    public List<ExperimentPermission> experimentPermissions(String experimentId) {
        List<ExperimentPermission> permissions = new ArrayList<>();
        for (JsonNode permission : transport.get(SLIPWAY + "permissions/list",
                new Query().add("experiment_id", experimentId)).path("permissions")) {
            permissions.add(experimentPermission(permission));
        }
        return List.copyOf(permissions);
    }

    // ---- registered model permissions ----------------------------------------------------------

    public RegisteredModelPermission createRegisteredModelPermission(String name, String username,
            Permission permission) {
        return modelPermission(transport.post(MLFLOW + "registered-models/permissions/create",
                modelBody(name, username).put("permission", permission.name())).path("registered_model_permission"));
    }

    public RegisteredModelPermission getRegisteredModelPermission(String name, String username) {
        return modelPermission(transport.get(MLFLOW + "registered-models/permissions/get", new Query()
                .add("name", name).add("username", username)).path("registered_model_permission"));
    }

    public void updateRegisteredModelPermission(String name, String username, Permission permission) {
        transport.patch(MLFLOW + "registered-models/permissions/update", modelBody(name, username)
                .put("permission", permission.name()));
    }

    public void deleteRegisteredModelPermission(String name, String username) {
        transport.delete(MLFLOW + "registered-models/permissions/delete", modelBody(name, username));
    }

    /** The permissions given on the registered model, by username (needs MANAGE on it). */
    public List<RegisteredModelPermission> registeredModelPermissions(String name) {
        List<RegisteredModelPermission> permissions = new ArrayList<>();
        for (JsonNode permission : transport.get(SLIPWAY + "permissions/list", new Query().add("name", name))
                .path("permissions")) {
            permissions.add(modelPermission(permission));
        }
        return List.copyOf(permissions);
    }

    // ---- tokens --------------------------------------------------------------------------------

    /**
     * Creates a personal access token; its secret is in the answer only.
     *
     * @param username whose token, by default the caller's (only administrators may name another user)
     */
    public NewAccessToken createToken(String name, Optional<Integer> expiresInDays, Optional<String> username) {
        ObjectNode body = transport.object().put("name", name);
        expiresInDays.ifPresent(days -> body.put("expires_in_days", days));
        username.ifPresent(user -> body.put("username", user));
        JsonNode response = transport.post(SLIPWAY + "tokens/create", body);
        return new NewAccessToken(token(response.path("token")), RestTransport.requiredText(response, "secret"));
    }

    public List<AccessToken> tokens(Optional<String> username) {
        Query query = new Query();
        username.ifPresent(user -> query.add("username", user));
        List<AccessToken> tokens = new ArrayList<>();
        for (JsonNode token : transport.get(SLIPWAY + "tokens/list", query).path("tokens")) {
            tokens.add(token(token));
        }
        return List.copyOf(tokens);
    }

    public void revokeToken(String tokenId, Optional<String> username) {
        ObjectNode body = transport.object().put("token_id", tokenId);
        username.ifPresent(user -> body.put("username", user));
        transport.post(SLIPWAY + "tokens/revoke", body);
    }

    // ---- wire shapes ---------------------------------------------------------------------------

    private ObjectNode experimentBody(String experimentId, String username) {
        return transport.object().put("experiment_id", experimentId).put("username", username);
    }

    private ObjectNode modelBody(String name, String username) {
        return transport.object().put("name", name).put("username", username);
    }

    private static User user(JsonNode user) {
        return new User(user.path("id").asLong(), RestTransport.requiredText(user, "username"),
                user.path("is_admin").asBoolean(false));
    }

    private static UserDetails userDetails(JsonNode user) {
        List<ExperimentPermission> experiments = new ArrayList<>();
        for (JsonNode permission : user.path("experiment_permissions")) {
            experiments.add(experimentPermission(permission));
        }
        List<RegisteredModelPermission> models = new ArrayList<>();
        for (JsonNode permission : user.path("registered_model_permissions")) {
            models.add(modelPermission(permission));
        }
        return new UserDetails(user(user), experiments, models);
    }

    private static ExperimentPermission experimentPermission(JsonNode permission) {
        return new ExperimentPermission(RestTransport.requiredText(permission, "experiment_id"),
                permission.path("user_id").asLong(), permission.path("username").asText(""),
                Permission.parse(RestTransport.requiredText(permission, "permission")));
    }

    private static RegisteredModelPermission modelPermission(JsonNode permission) {
        return new RegisteredModelPermission(RestTransport.requiredText(permission, "name"),
                permission.path("user_id").asLong(), permission.path("username").asText(""),
                Permission.parse(RestTransport.requiredText(permission, "permission")));
    }

    private static AccessToken token(JsonNode token) {
        JsonNode expiration = token.path("expiration_time");
        return new AccessToken(RestTransport.requiredText(token, "token_id"), token.path("username").asText(""),
                token.path("name").asText(""), token.path("creation_time").asLong(),
                expiration.isNumber() ? Optional.of(expiration.asLong()) : Optional.empty());
    }
}
