package dev.slipway.serving;

import dev.slipway.artifacts.LocalArtifactRepositoryFactory;
import dev.slipway.client.RetryPolicy;
import dev.slipway.client.TrackingClient;
import dev.slipway.core.artifacts.ArtifactRepositories;
import dev.slipway.core.logged.LoggedModelService;
import dev.slipway.core.logged.LoggedModelStore;
import dev.slipway.core.predictions.PredictionLogService;
import dev.slipway.core.predictions.PredictionLogStore;
import dev.slipway.core.registry.ModelVersion;
import dev.slipway.core.registry.NewModelVersion;
import dev.slipway.core.registry.RegistryService;
import dev.slipway.core.registry.RegistryStore;
import dev.slipway.core.tracking.RunInfo;
import dev.slipway.core.tracking.TrackingService;
import dev.slipway.core.tracking.TrackingStore;
import dev.slipway.models.training.Algorithm;
import dev.slipway.models.training.Trainer;
import dev.slipway.models.training.TrainingListener;
import dev.slipway.models.training.TrainingRequest;
import dev.slipway.models.training.Validation;
import dev.slipway.server.ServerOptions;
import dev.slipway.server.SlipwayServer;
import dev.slipway.store.jdbc.JdbcLoggedModelStoreFactory;
import dev.slipway.store.jdbc.JdbcPredictionLogStoreFactory;
import dev.slipway.store.jdbc.JdbcRegistryStoreFactory;
import dev.slipway.store.jdbc.JdbcTrackingStoreFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * A real tracking server on an ephemeral port over a SQLite file and an artifact folder in a temp folder, a client
 * for it, and shortcuts to train small models and register them as versions.
 */
final class RegistryFixture implements AutoCloseable {
    static final List<String> FEATURES = List.of("x1", "x2", "color");
    private static final String[] COLORS = {"red", "green", "blue"};

    final Path directory;
    final TrackingClient client;
    private final TrackingStore store;
    private final RegistryStore registryStore;
    private final LoggedModelStore loggedModelStore;
    private final PredictionLogStore predictionLogStore;
    private final SlipwayServer server;
    private final String experimentId;

    private RegistryFixture(Path directory) {
        this.directory = directory;
        String backendUri = "sqlite://" + directory.resolve("mlflow.db").toAbsolutePath();
        this.store = new JdbcTrackingStoreFactory().open(backendUri);
        this.registryStore = new JdbcRegistryStoreFactory().open(backendUri);
        this.loggedModelStore = new JdbcLoggedModelStoreFactory().open(backendUri);
        this.predictionLogStore = new JdbcPredictionLogStoreFactory().open(backendUri);
        TrackingService tracking = new TrackingService(store, Clock.systemUTC(), "mlflow-artifacts:/");
        RegistryService registry = new RegistryService(registryStore, Clock.systemUTC());
        LoggedModelService loggedModels = new LoggedModelService(loggedModelStore, tracking, Clock.systemUTC());
        ArtifactRepositories artifacts = new ArtifactRepositories(List.of(new LocalArtifactRepositoryFactory()),
                Optional.of(directory.resolve("mlartifacts").toUri().toString()));
        this.server = SlipwayServer.start(new ServerOptions("127.0.0.1", 0, tracking, registry, loggedModels,
                new PredictionLogService(predictionLogStore, Clock.systemUTC()), artifacts, true, List.of(), 64L * 1024 * 1024, "0.1.0-test"));
        this.client = TrackingClient.create("http://127.0.0.1:" + server.port(), RetryPolicy.none());
        this.experimentId = client.createExperiment("serving-tests");
    }

    static RegistryFixture start(Path directory) {
        return new RegistryFixture(directory);
    }

    /** Trains a logistic classifier on a generated CSV (x1, x2, color -> target c0/c1) into a new folder. */
    Path trainModel(String folderName, long seed) {
        try {
            Path csv = directory.resolve(folderName + ".csv");
            Files.writeString(csv, trainingCsv(200, seed));
            Path model = directory.resolve(folderName);
            new Trainer(Clock.systemUTC()).train(new TrainingRequest(csv, "target", Algorithm.LOGISTIC,
                    Map.of("epochs", "3"), Set.of(), Validation.split(0.2), seed, Optional.empty(), model,
                    Optional.empty(), Optional.empty()), TrainingListener.NONE);
            return model;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of a model folder whose model.onnx is not an ONNX model. */
    Path corruptCopy(Path model, String folderName) {
        try {
            Path copy = directory.resolve(folderName);
            Files.createDirectories(copy);
            try (var files = Files.list(model)) {
                for (Path file : files.toList()) {
                    Files.copy(file, copy.resolve(file.getFileName()));
                }
            }
            Files.writeString(copy.resolve("model.onnx"), "this is not an ONNX model");
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Logs the folder as a new run's "model" artifacts; returns the run. */
    RunInfo logModel(Path model) {
        RunInfo run = client.createRun(experimentId).info();
        try (var files = Files.walk(model)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String relative = model.relativize(file).toString().replace('\\', '/');
                client.logArtifact(run.runId(), "model/" + relative, file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return run;
    }

    /** Logs the folder to a new run and registers it as the next version of the model (created if needed). */
    long register(String name, Path model) {
        RunInfo run = logModel(model);
        if (client.registry().searchAllRegisteredModels(Optional.of("name = '" + name + "'"), List.of()).isEmpty()) {
            client.registry().createRegisteredModel(name, Optional.empty(), List.of());
        }
        ModelVersion version = client.registry().createModelVersion(new NewModelVersion(name,
                run.artifactUri() + "/model", Optional.of(run.runId()), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of()));
        return version.version();
    }

    void setAlias(String name, String alias, long version) {
        client.registry().setAlias(name, alias, version);
    }

    LiveModelsOptions options(Path downloadRoot) {
        return new LiveModelsOptions(Optional.of(client), downloadRoot, 1, Optional.empty(), Clock.systemUTC(),
                SwapListener.NONE);
    }

    static String trainingCsv(int rows, long seed) {
        Random random = new Random(seed);
        StringBuilder csv = new StringBuilder("x1,x2,color,target\n");
        for (int row = 0; row < rows; row++) {
            double x1 = random.nextGaussian() * 2;
            double x2 = random.nextDouble() * 10 - 5;
            int color = random.nextInt(COLORS.length);
            double signal = x1 + 0.4 * x2 + (color == 1 ? 1.5 : 0) + random.nextGaussian() * 0.5;
            csv.append(String.format(Locale.ROOT, "%.4f,%.1f,%s,%s%n", x1, x2, COLORS[color],
                    signal > 0 ? "c1" : "c0"));
        }
        return csv.toString();
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
