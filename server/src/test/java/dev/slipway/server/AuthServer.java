package dev.slipway.server;

import dev.slipway.artifacts.LocalArtifactRepositoryFactory;
import dev.slipway.core.artifacts.ArtifactRepositories;
import dev.slipway.core.auth.AuthService;
import dev.slipway.core.auth.AuthStore;
import dev.slipway.core.auth.Permission;
import dev.slipway.core.logged.LoggedModelService;
import dev.slipway.core.logged.LoggedModelStore;
import dev.slipway.core.predictions.PredictionLogService;
import dev.slipway.core.predictions.PredictionLogStore;
import dev.slipway.core.registry.RegistryService;
import dev.slipway.core.registry.RegistryStore;
import dev.slipway.core.tracking.TrackingService;
import dev.slipway.core.tracking.TrackingStore;
import dev.slipway.store.jdbc.JdbcAuthStoreFactory;
import dev.slipway.store.jdbc.JdbcLoggedModelStoreFactory;
import dev.slipway.store.jdbc.JdbcPredictionLogStoreFactory;
import dev.slipway.store.jdbc.JdbcRegistryStoreFactory;
import dev.slipway.store.jdbc.JdbcTrackingStoreFactory;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * A real server with authentication ({@code --auth basic}) on an ephemeral port over a real SQLite file, with an
 * administrator {@value #ADMIN}; users are made with {@link #createUser} and call the server through {@link #as}.
 * Every user's password is its name followed by {@value #PASSWORD_SUFFIX}. BCrypt runs at its lowest cost to keep
 * tests fast.
 */
final class AuthServer implements AutoCloseable {
    static final String ADMIN = "admin";
    static final String PASSWORD_SUFFIX = "-secret-pw";

    final TrackingStore store;
    final RegistryStore registryStore;
    final LoggedModelStore loggedModelStore;
    final PredictionLogStore predictionLogStore;
    final AuthStore authStore;
    final AuthService auth;
    final ServerAuth serverAuth;
    final SlipwayServer server;
    final ApiClient client;

    private AuthServer(Path directory, Permission defaultPermission, int maxFailures, Optional<OidcOptions> oidc) {
        String backendUri = "sqlite://" + directory.resolve("mlflow.db").toAbsolutePath();
        this.store = new JdbcTrackingStoreFactory().open(backendUri);
        this.registryStore = new JdbcRegistryStoreFactory().open(backendUri);
        this.loggedModelStore = new JdbcLoggedModelStoreFactory().open(backendUri);
        this.predictionLogStore = new JdbcPredictionLogStoreFactory().open(backendUri);
        this.authStore = new JdbcAuthStoreFactory().open(backendUri);
        TrackingService tracking = new TrackingService(store, Clock.systemUTC(), "mlflow-artifacts:/");
        RegistryService registry = new RegistryService(registryStore, Clock.systemUTC());
        LoggedModelService loggedModels = new LoggedModelService(loggedModelStore, tracking, Clock.systemUTC());
        ArtifactRepositories artifacts = new ArtifactRepositories(List.of(new LocalArtifactRepositoryFactory()),
                Optional.of(directory.resolve("mlartifacts").toUri().toString()));
        PredictionLogService predictionLog = new PredictionLogService(predictionLogStore, Clock.systemUTC());
        this.auth = new AuthService(authStore, new BCryptPasswordHasher(4), defaultPermission, Clock.systemUTC());
        auth.ensureAdmin(ADMIN, Optional.of(ADMIN + PASSWORD_SUFFIX));
        this.serverAuth = new ServerAuth(auth, oidc, maxFailures, Duration.ofMinutes(1));
        this.server = SlipwayServer.start(new ServerOptions("127.0.0.1", 0, tracking, registry, loggedModels,
                predictionLog, artifacts, true, List.of(), TestServer.MAX_REQUEST_BYTES, TestServer.VERSION)
                .withAuth(serverAuth));
        this.client = new ApiClient(server.port());
    }

    static AuthServer start(Path directory, Permission defaultPermission) {
        return new AuthServer(directory, defaultPermission, 1000, Optional.empty());
    }

    static AuthServer start(Path directory, Permission defaultPermission, int maxFailures) {
        return new AuthServer(directory, defaultPermission, maxFailures, Optional.empty());
    }

    static AuthServer withOidc(Path directory, OidcOptions oidc) {
        return new AuthServer(directory, Permission.READ, 1000, Optional.of(oidc));
    }

    void createUser(String username) {
        auth.createUser(username, username + PASSWORD_SUFFIX, false);
    }

    /** Calls as the user, with HTTP Basic and the user's password. */
    Caller as(String username) {
        return basic(username, username + PASSWORD_SUFFIX);
    }

    Caller basic(String username, String password) {
        return new Caller(Optional.of("Basic " + Base64.getEncoder().encodeToString((username + ":" + password)
                .getBytes(StandardCharsets.UTF_8))));
    }

    Caller bearer(String token) {
        return new Caller(Optional.of("Bearer " + token));
    }

    Caller anonymous() {
        return new Caller(Optional.empty());
    }

    /** Requests with one Authorization header (or none). */
    final class Caller {
        private final Optional<String> authorization;

        private Caller(Optional<String> authorization) {
            this.authorization = authorization;
        }

        ApiClient.Response get(String pathAndQuery) {
            return send(HttpRequest.newBuilder(client.uri(pathAndQuery)).GET());
        }

        ApiClient.Response post(String path, String json) {
            return send(HttpRequest.newBuilder(client.uri(path)).POST(BodyPublishers.ofString(json))
                    .header("Content-Type", "application/json"));
        }

        ApiClient.Response patch(String path, String json) {
            return send(HttpRequest.newBuilder(client.uri(path)).method("PATCH", BodyPublishers.ofString(json))
                    .header("Content-Type", "application/json"));
        }

        ApiClient.Response delete(String path, String json) {
            return send(HttpRequest.newBuilder(client.uri(path)).method("DELETE", BodyPublishers.ofString(json))
                    .header("Content-Type", "application/json"));
        }

        ApiClient.Response put(String path, byte[] body) {
            return send(HttpRequest.newBuilder(client.uri(path)).PUT(BodyPublishers.ofByteArray(body)));
        }

        ApiClient.Response send(String method, String path, String json) {
            return switch (method) {
                case "GET" -> get(path);
                case "POST" -> post(path, json);
                case "PATCH" -> patch(path, json);
                case "DELETE" -> delete(path, json);
                case "PUT" -> put(path, json.getBytes(StandardCharsets.UTF_8));
                default -> throw new IllegalArgumentException(method);
            };
        }

        private ApiClient.Response send(HttpRequest.Builder request) {
            authorization.ifPresent(value -> request.header("Authorization", value));
            return client.send(request);
        }
    }

    static ApiClient.Response ok(ApiClient.Response response) {
        return TestServer.expectOk(response);
    }

    @Override
    public void close() {
        server.stop();
        authStore.close();
        predictionLogStore.close();
        loggedModelStore.close();
        registryStore.close();
        store.close();
    }
}
