package dev.slipway.ui;

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
import dev.slipway.server.ServerOptions;
import dev.slipway.server.SlipwayServer;
import dev.slipway.store.jdbc.JdbcLoggedModelStoreFactory;
import dev.slipway.store.jdbc.JdbcPredictionLogStoreFactory;
import dev.slipway.store.jdbc.JdbcRegistryStoreFactory;
import dev.slipway.store.jdbc.JdbcTrackingStoreFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * A real tracking server with the web UI on an ephemeral port, over a real SQLite file and artifact folder in a temp
 * folder. Tests seed it through the services (the same the REST API uses) and read it through a browser.
 */
final class UiServer implements AutoCloseable {
    final Path directory;
    final TrackingService tracking;
    final RegistryService registry;
    final LoggedModelService loggedModels;
    final PredictionLogService predictionLog;
    final ArtifactRepositories artifacts;
    private final TrackingStore store;
    private final RegistryStore registryStore;
    private final LoggedModelStore loggedModelStore;
    private final PredictionLogStore predictionLogStore;
    private final SlipwayServer server;

    private UiServer(Path directory) {
        this.directory = directory;
        String backendUri = "sqlite://" + directory.resolve("mlflow.db").toAbsolutePath();
        this.store = new JdbcTrackingStoreFactory().open(backendUri);
        this.registryStore = new JdbcRegistryStoreFactory().open(backendUri);
        this.loggedModelStore = new JdbcLoggedModelStoreFactory().open(backendUri);
        this.predictionLogStore = new JdbcPredictionLogStoreFactory().open(backendUri);
        this.tracking = new TrackingService(store, Clock.systemUTC(), "mlflow-artifacts:/");
        this.registry = new RegistryService(registryStore, Clock.systemUTC());
        this.loggedModels = new LoggedModelService(loggedModelStore, tracking, Clock.systemUTC());
        this.artifacts = new ArtifactRepositories(List.of(new LocalArtifactRepositoryFactory()),
                Optional.of(directory.resolve("mlartifacts").toUri().toString()));
        this.predictionLog = new PredictionLogService(predictionLogStore, Clock.systemUTC());
        UiServices services = new UiServices(tracking, registry, loggedModels, predictionLog, artifacts,
                Clock.systemUTC(), ZoneOffset.UTC);
        this.server = SlipwayServer.start(new ServerOptions("127.0.0.1", 0, tracking, registry, loggedModels,
                predictionLog, artifacts, true, List.of(), 16L * 1024 * 1024, "0.1.0-test",
                List.of(new WebUi(services))));
    }

    static UiServer start(Path directory) {
        return new UiServer(directory);
    }

    /** The server's base URL, {@code http://127.0.0.1:PORT}. */
    String url() {
        return "http://127.0.0.1:" + server.port();
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
