package dev.slipway.cli;

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

    /** Opens the chosen backend; the caller closes it. */
    TrackingBackend open(Environment environment, Backends backends) {
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
            return openStore(LocalStore.databaseUri(environment.workingDirectory()), environment, backends);
        }
        String value = uri.get();
        String lower = value.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            return new HttpTrackingBackend(TrackingClient.create(value));
        }
        if (backends.hasTrackingStore(value)) {
            return openStore(value, environment, backends);
        }
        throw SlipwayException.invalidParameter(
                "Unsupported tracking URI '%s' (from %s): use http(s)://host:port for a tracking server, or a store URI "
                        + "with one of the schemes %s, such as sqlite:///path/to/file.db", value, source.orElseThrow(),
                String.join(", ", backends.storeSchemes()));
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
