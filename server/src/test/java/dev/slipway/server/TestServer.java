package dev.slipway.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.artifacts.LocalArtifactRepositoryFactory;
import dev.slipway.core.artifacts.ArtifactRepositories;
import dev.slipway.core.logged.LoggedModelService;
import dev.slipway.core.logged.LoggedModelStore;
import dev.slipway.core.predictions.PredictionLogService;
import dev.slipway.core.predictions.PredictionLogStore;
import dev.slipway.core.registry.RegistryService;
import dev.slipway.core.registry.RegistryStore;
import dev.slipway.core.tracking.TrackingService;
import dev.slipway.core.tracking.TrackingStore;
import dev.slipway.store.jdbc.JdbcLoggedModelStoreFactory;
import dev.slipway.store.jdbc.JdbcPredictionLogStoreFactory;
import dev.slipway.store.jdbc.JdbcRegistryStoreFactory;
import dev.slipway.store.jdbc.JdbcTrackingStoreFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * A real server on an ephemeral port over a real SQLite file and a real artifact folder, both in a temp folder.
 */
final class TestServer implements AutoCloseable {
    static final String VERSION = "0.1.0-test";
    static final long MAX_REQUEST_BYTES = 4 * 1024 * 1024;

    final Path directory;
    final Path artifactDestination;
    final TrackingStore store;
    final RegistryStore registryStore;
    final LoggedModelStore loggedModelStore;
    final PredictionLogStore predictionLogStore;
    final SlipwayServer server;
    final ApiClient client;

    private TestServer(Builder builder) {
        this.directory = builder.directory;
        this.artifactDestination = directory.resolve("mlartifacts");
        String backendUri = builder.backendUri.orElse("sqlite://" + directory.resolve("mlflow.db").toAbsolutePath());
        this.store = new JdbcTrackingStoreFactory().open(backendUri);
        this.registryStore = new JdbcRegistryStoreFactory().open(backendUri);
        this.loggedModelStore = new JdbcLoggedModelStoreFactory().open(backendUri);
        this.predictionLogStore = new JdbcPredictionLogStoreFactory().open(backendUri);
        TrackingService tracking = new TrackingService(store, Clock.systemUTC(), builder.defaultArtifactRoot);
        RegistryService registry = new RegistryService(registryStore, Clock.systemUTC());
        LoggedModelService loggedModels = new LoggedModelService(loggedModelStore, tracking, Clock.systemUTC());
        ArtifactRepositories artifacts = new ArtifactRepositories(List.of(new LocalArtifactRepositoryFactory()),
                Optional.of(artifactDestination.toUri().toString()));
        PredictionLogService predictionLog = new PredictionLogService(predictionLogStore, Clock.systemUTC());
        this.server = SlipwayServer.start(new ServerOptions("127.0.0.1", 0, tracking, registry, loggedModels,
                predictionLog, artifacts, builder.serveArtifacts, builder.allowedHosts, MAX_REQUEST_BYTES, VERSION,
                builder.extensions, builder.corsAllowedOrigins));
        this.client = new ApiClient(server.port());
    }

    static TestServer start(Path directory) {
        return builder(directory).start();
    }

    static Builder builder(Path directory) {
        return new Builder(directory);
    }

    static final class Builder {
        private final Path directory;
        private boolean serveArtifacts = true;
        private List<String> allowedHosts = List.of();
        private String defaultArtifactRoot = "mlflow-artifacts:/";
        private Optional<String> backendUri = Optional.empty();
        private List<ServerExtension> extensions = List.of();
        private List<String> corsAllowedOrigins = List.of();

        private Builder(Path directory) {
            this.directory = directory;
        }

        Builder serveArtifacts(boolean value) {
            this.serveArtifacts = value;
            return this;
        }

        Builder allowedHosts(List<String> value) {
            this.allowedHosts = value;
            return this;
        }

        Builder defaultArtifactRoot(String value) {
            this.defaultArtifactRoot = value;
            return this;
        }

        /** The backend store of both tracking and registry; default: a SQLite file in the directory. */
        Builder backendUri(String value) {
            this.backendUri = Optional.of(value);
            return this;
        }

        /** Routes and handlers added beside the API, such as one that sets the authenticated user. */
        Builder extensions(List<ServerExtension> value) {
            this.extensions = value;
            return this;
        }

        Builder corsAllowedOrigins(List<String> value) {
            this.corsAllowedOrigins = value;
            return this;
        }

        TestServer start() {
            return new TestServer(this);
        }
    }

    // ---- shortcuts for setting up state through the API ----

    String createExperiment(String name) {
        ApiClient.Response response = client.post("/api/2.0/mlflow/experiments/create",
                "{\"name\": \"" + name + "\"}");
        expectOk(response);
        return response.json().get("experiment_id").asText();
    }

    JsonNode createRun(String experimentId) {
        ApiClient.Response response = client.post("/api/2.0/mlflow/runs/create",
                "{\"experiment_id\": \"" + experimentId + "\", \"start_time\": 1000}");
        expectOk(response);
        return response.json().get("run");
    }

    String createRunId(String experimentId) {
        return createRun(experimentId).get("info").get("run_id").asText();
    }

    JsonNode getRun(String runId) {
        ApiClient.Response response = client.get("/api/2.0/mlflow/runs/get?run_id=" + runId);
        expectOk(response);
        return response.json().get("run");
    }

    static ApiClient.Response expectOk(ApiClient.Response response) {
        if (response.status() != 200) {
            throw new AssertionError("expected 200, got " + response.status() + ": " + response.body());
        }
        return response;
    }

    @Override
    public void close() {
        server.stop();
        predictionLogStore.close();
        loggedModelStore.close();
        registryStore.close();
        store.close();
    }
}
