package dev.slipway.cli;

import dev.slipway.client.Credentials;
import dev.slipway.client.MultipartSettings;
import dev.slipway.client.RetryPolicy;
import dev.slipway.client.TrackingClient;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.artifacts.ArtifactRepositories;
import dev.slipway.core.tracking.TrackingService;
import dev.slipway.core.tracking.TrackingStore;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Chooses where the tracking commands read and write: {@code --tracking-uri}, else {@code MLFLOW_TRACKING_URI},
 * else {@code SLIPWAY_TRACKING_URI}, else the local store {@code ./.slipway/slipway.db} (as MLflow falls back to
 * a local store), which {@code slipway server} started in the same folder serves.
 */
final class TrackingOptions {
    static final String MLFLOW_TRACKING_URI = "MLFLOW_TRACKING_URI";
    static final String SLIPWAY_TRACKING_URI = "SLIPWAY_TRACKING_URI";

    @Option(names = "--tracking-uri", paramLabel = "URI", description = {
            "Where experiments and runs are: a tracking server (http://host:port or https://...) or a store opened "
                    + "directly (sqlite:///path/to/file.db, postgresql://user:password@host:5432/db, mysql://...).",
            "Default: $MLFLOW_TRACKING_URI, else $SLIPWAY_TRACKING_URI, else the local store ./.slipway/slipway.db."})
    Optional<String> trackingUri = Optional.empty();

    /**
     * Where the commands go: a server URI ({@code http(s)://}) or a store URI, the local store when nothing is set.
     *
     * @param uri the server or store URI
     * @param isServer whether {@code uri} is a tracking server (else a store opened in this process)
     */
    record Target(String uri, boolean isServer) {}

    /**
     * Chooses the target from the option and the environment.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE for a URI that is neither a server nor a known store
     */
    Target target(Environment environment, Backends backends) {
        Optional<String> source = Optional.empty();
        Optional<String> uri = trackingUri.map(String::trim).filter(value -> !value.isEmpty());
        if (uri.isPresent()) {
            source = Optional.of("--tracking-uri");
        } else if (environment.variable(MLFLOW_TRACKING_URI).isPresent()) {
            uri = environment.variable(MLFLOW_TRACKING_URI);
            source = Optional.of("$" + MLFLOW_TRACKING_URI);
        } else if (environment.variable(SLIPWAY_TRACKING_URI).isPresent()) {
            uri = environment.variable(SLIPWAY_TRACKING_URI);
            source = Optional.of("$" + SLIPWAY_TRACKING_URI);
        }
        if (uri.isEmpty()) {
            return new Target(LocalStore.databaseUri(environment.workingDirectory()), false);
        }
        String value = uri.get();
        String lower = value.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            return new Target(value, true);
        }
        if (backends.hasTrackingStore(value)) {
            return new Target(value, false);
        }
        throw SlipwayException.invalidParameter(
                "Unsupported tracking URI '%s' (from %s): use http(s)://host:port for a tracking server, or a store URI "
                        + "with one of the schemes %s, such as sqlite:///path/to/file.db", value, source.orElseThrow(),
                String.join(", ", backends.storeSchemes()));
    }

    /** Opens the chosen backend; the caller closes it. */
    TrackingBackend open(Environment environment, Backends backends) {
        Target target = target(environment, backends);
        if (target.isServer()) {
            return new HttpTrackingBackend(TrackingClient.create(target.uri(), RetryPolicy.defaults(),
                    Credentials.fromVariables(environment.variables()),
                    MultipartSettings.fromVariables(environment.variables())));
        }
        return openStore(target.uri(), environment, backends);
    }

    /**
     * Opens a store in this process. New experiments get {@code mlflow-artifacts:/<id>} locations, exactly as
     * under {@code slipway server} with its defaults, so a server started later serves their artifacts.
     */
    private static TrackingBackend openStore(String storeUri, Environment environment, Backends backends) {
        TrackingStore store = backends.openTrackingStore(storeUri);
        try {
            TrackingService tracking = new TrackingService(store, environment.clock(), ArtifactRepositories.PROXY_SCHEME + ":/");
            tracking.ensureDefaultExperiment();
            return new EmbeddedTrackingBackend(storeUri, store, tracking);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }
}
