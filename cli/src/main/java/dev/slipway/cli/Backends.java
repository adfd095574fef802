package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import dev.slipway.core.artifacts.ArtifactRepositories;
import dev.slipway.core.artifacts.ArtifactRepositoryFactory;
import dev.slipway.core.auth.AuthStore;
import dev.slipway.core.auth.AuthStoreFactory;
import dev.slipway.core.backup.StoreBackup;
import dev.slipway.core.backup.StoreBackupFactory;
import dev.slipway.core.gc.TrackingPurger;
import dev.slipway.core.gc.TrackingPurgerFactory;
import dev.slipway.core.logged.LoggedModelStore;
import dev.slipway.core.logged.LoggedModelStoreFactory;
import dev.slipway.core.predictions.PredictionLogStore;
import dev.slipway.core.predictions.PredictionLogStoreFactory;
import dev.slipway.core.registry.RegistryStore;
import dev.slipway.core.registry.RegistryStoreFactory;
import dev.slipway.core.tracking.TrackingStore;
import dev.slipway.core.tracking.TrackingStoreFactory;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.Function;
import java.util.TreeSet;

/**
 * The tracking stores, registry stores and artifact repositories on the class path, found through {@link ServiceLoader}
 * ({@code META-INF/services}), so that adding a backend is adding a class and a service entry.
 */
public final class Backends {
    private final List<TrackingStoreFactory> storeFactories;
    private final List<ArtifactRepositoryFactory> artifactFactories;
    private final List<RegistryStoreFactory> registryFactories;
    private final List<LoggedModelStoreFactory> loggedModelFactories;
    private final List<PredictionLogStoreFactory> predictionLogFactories;
    private final List<TrackingPurgerFactory> purgerFactories;
    private final List<StoreBackupFactory> backupFactories;

    public Backends(List<TrackingStoreFactory> storeFactories, List<ArtifactRepositoryFactory> artifactFactories) {
        this(storeFactories, artifactFactories, List.of());
    }

    public Backends(List<TrackingStoreFactory> storeFactories, List<ArtifactRepositoryFactory> artifactFactories,
            List<RegistryStoreFactory> registryFactories) {
        this(storeFactories, artifactFactories, registryFactories, List.of());
    }

    public Backends(List<TrackingStoreFactory> storeFactories, List<ArtifactRepositoryFactory> artifactFactories,
            List<RegistryStoreFactory> registryFactories, List<LoggedModelStoreFactory> loggedModelFactories) {
        this(storeFactories, artifactFactories, registryFactories, loggedModelFactories, List.of());
    }

    public Backends(List<TrackingStoreFactory> storeFactories, List<ArtifactRepositoryFactory> artifactFactories,
            List<RegistryStoreFactory> registryFactories, List<LoggedModelStoreFactory> loggedModelFactories,
            List<PredictionLogStoreFactory> predictionLogFactories) {
        this(storeFactories, artifactFactories, registryFactories, loggedModelFactories, predictionLogFactories,
                List.of(), List.of());
    }

    public Backends(List<TrackingStoreFactory> storeFactories, List<ArtifactRepositoryFactory> artifactFactories,
            List<RegistryStoreFactory> registryFactories, List<LoggedModelStoreFactory> loggedModelFactories,
            List<PredictionLogStoreFactory> predictionLogFactories, List<TrackingPurgerFactory> purgerFactories,
            List<StoreBackupFactory> backupFactories) {
        this.purgerFactories = List.copyOf(requireNonNull(purgerFactories, "purgerFactories is null"));
        this.backupFactories = List.copyOf(requireNonNull(backupFactories, "backupFactories is null"));
        this.storeFactories = List.copyOf(requireNonNull(storeFactories, "storeFactories is null"));
        this.artifactFactories = List.copyOf(requireNonNull(artifactFactories, "artifactFactories is null"));
        this.registryFactories = List.copyOf(requireNonNull(registryFactories, "registryFactories is null"));
        this.loggedModelFactories = List.copyOf(requireNonNull(loggedModelFactories, "loggedModelFactories is null"));
        this.predictionLogFactories = List.copyOf(requireNonNull(predictionLogFactories,
                "predictionLogFactories is null"));
    }

    /** The backends registered on the class path of this class. */
    public static Backends discover() {
        ClassLoader loader = Backends.class.getClassLoader();
        return new Backends(
                ServiceLoader.load(TrackingStoreFactory.class, loader).stream().map(ServiceLoader.Provider::get).toList(),
                ServiceLoader.load(ArtifactRepositoryFactory.class, loader).stream().map(ServiceLoader.Provider::get)
                        .toList(),
                ServiceLoader.load(RegistryStoreFactory.class, loader).stream().map(ServiceLoader.Provider::get)
                        .toList(),
                ServiceLoader.load(LoggedModelStoreFactory.class, loader).stream().map(ServiceLoader.Provider::get)
                        .toList(),
                ServiceLoader.load(PredictionLogStoreFactory.class, loader).stream().map(ServiceLoader.Provider::get)
                        .toList(),
                ServiceLoader.load(TrackingPurgerFactory.class, loader).stream().map(ServiceLoader.Provider::get)
                        .toList(),
                ServiceLoader.load(StoreBackupFactory.class, loader).stream().map(ServiceLoader.Provider::get)
                        .toList());
    }

    /** Whether a tracking store factory handles the URI's scheme. */
    public boolean hasTrackingStore(String uri) {
        return storeFactory(uri).isPresent();
    }

    /**
     * Opens (and migrates) the tracking store at the URI.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE if no factory handles the URI's scheme
     */
    public TrackingStore openTrackingStore(String uri) {
        TrackingStoreFactory factory = storeFactory(uri).orElseThrow(() -> SlipwayException.invalidParameter(
                "Unsupported backend store URI '%s': the supported schemes are %s (for example sqlite:///path/to/file.db)",
                uri, String.join(", ", storeSchemes())));
        return factory.open(uri);
    }

    /**
     * Opens (and migrates) the model registry store at the URI; on the tracking store's URI it shares its database.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE if no factory handles the URI's scheme
     */
    public RegistryStore openRegistryStore(String uri) {
        RegistryStoreFactory factory = factoryFor(uri, registryFactories, RegistryStoreFactory::schemes)
                .orElseThrow(() -> SlipwayException.invalidParameter(
                        "Unsupported backend store URI '%s' for the model registry", uri));
        return factory.open(uri);
    }

    /**
     * Opens (and migrates) the store of MLflow 3's logged models at the URI; give it the tracking store's URI, whose
     * experiments the models belong to.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE if no factory handles the URI's scheme
     */
    public LoggedModelStore openLoggedModelStore(String uri) {
        LoggedModelStoreFactory factory = factoryFor(uri, loggedModelFactories, LoggedModelStoreFactory::schemes)
                .orElseThrow(() -> SlipwayException.invalidParameter(
                        "Unsupported backend store URI '%s' for logged models", uri));
        return factory.open(uri);
    }

    /**
     * Opens (and migrates) the prediction log store at the URI; on the tracking store's URI it shares its database.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE if no factory handles the URI's scheme
     */
    public PredictionLogStore openPredictionLogStore(String uri) {
        PredictionLogStoreFactory factory = factoryFor(uri, predictionLogFactories,
                PredictionLogStoreFactory::schemes).orElseThrow(() -> SlipwayException.invalidParameter(
                        "Unsupported backend store URI '%s' for the prediction log", uri));
        return factory.open(uri);
    }

    /**
     * Opens (and migrates) the store at the URI for {@code slipway gc}, which removes deleted runs and experiments.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE if no factory handles the URI's scheme
     */
    public TrackingPurger openTrackingPurger(String uri) {
        TrackingPurgerFactory factory = factoryFor(uri, purgerFactories, TrackingPurgerFactory::schemes)
                .orElseThrow(() -> SlipwayException.invalidParameter(
                        "Unsupported backend store URI '%s': the supported schemes are %s", uri,
                        String.join(", ", storeSchemes())));
        return factory.open(uri);
    }

    /**
     * Opens (and migrates) the store at the URI for {@code slipway db export|import}.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE if no factory handles the URI's scheme
     */
    public StoreBackup openStoreBackup(String uri) {
        StoreBackupFactory factory = factoryFor(uri, backupFactories, StoreBackupFactory::schemes)
                .orElseThrow(() -> SlipwayException.invalidParameter(
                        "Unsupported backend store URI '%s': the supported schemes are %s", uri,
                        String.join(", ", storeSchemes())));
        return factory.open(uri);
    }

    /**
     * Opens (and migrates) the users, tokens and permissions of {@code slipway server --auth basic} at the URI, found
     * on the class path of this class.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE if no factory handles the URI's scheme
     */
    public AuthStore openAuthStore(String uri) {
        List<AuthStoreFactory> factories = ServiceLoader.load(AuthStoreFactory.class, Backends.class.getClassLoader())
                .stream().map(ServiceLoader.Provider::get).toList();
        AuthStoreFactory factory = factoryFor(uri, factories, AuthStoreFactory::schemes)
                .orElseThrow(() -> SlipwayException.invalidParameter(
                        "Unsupported backend store URI '%s' for users and permissions", uri));
        return factory.open(uri);
    }

    /** The schemes of the registered tracking stores without driver variants ({@code mysql+pymysql}), sorted. */
    public List<String> storeSchemes() {
        TreeSet<String> schemes = new TreeSet<>();
        storeFactories.forEach(factory -> factory.schemes().stream().filter(scheme -> !scheme.contains("+"))
                .forEach(schemes::add));
        return List.copyOf(schemes);
    }

    /**
     * The artifact repositories over every registered factory.
     *
     * @param proxiedDestination what {@code mlflow-artifacts:/} stands for, when artifacts are served
     */
    public ArtifactRepositories artifactRepositories(Optional<String> proxiedDestination) {
        return artifactRepositories(proxiedDestination, Map.of());
    }

    /**
     * The artifact repositories over every registered factory, each {@link ArtifactRepositoryFactory#configured
     * configured} with the settings (environment variables such as {@code MLFLOW_S3_ENDPOINT_URL}); close them to
     * release the clients they open.
     *
     * @param proxiedDestination what {@code mlflow-artifacts:/} stands for, when artifacts are served
     * @throws SlipwayException INVALID_PARAMETER_VALUE for a malformed setting
     */
    public ArtifactRepositories artifactRepositories(Optional<String> proxiedDestination, Map<String, String> settings) {
        return new ArtifactRepositories(artifactFactories.stream().map(factory -> factory.configured(settings)).toList(),
                proxiedDestination);
    }

    private Optional<TrackingStoreFactory> storeFactory(String uri) {
        return factoryFor(uri, storeFactories, TrackingStoreFactory::schemes);
    }

    private static <F> Optional<F> factoryFor(String uri, List<F> factories, Function<F, Set<String>> schemesOf) {
        int colon = uri.indexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        String scheme = uri.substring(0, colon).toLowerCase(Locale.ROOT);
        // SQLAlchemy-style URIs name a driver after '+' (postgresql+psycopg2://); the database is what counts
        String database = scheme.contains("+") ? scheme.substring(0, scheme.indexOf('+')) : scheme;
        Optional<F> exact = find(factories, schemesOf, scheme);
        return exact.isPresent() ? exact : find(factories, schemesOf, database);
    }

    private static <F> Optional<F> find(List<F> factories, Function<F, Set<String>> schemesOf, String scheme) {
        return factories.stream().filter(factory -> schemesOf.apply(factory).contains(scheme)).findFirst();
    }
}
