package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import dev.slipway.client.Credentials;
import dev.slipway.client.MultipartSettings;
import dev.slipway.client.RetryPolicy;
import dev.slipway.client.TrackingClient;
import dev.slipway.core.artifacts.ArtifactRepositories;
import dev.slipway.server.ServerOptions;
import dev.slipway.server.SlipwayServer;
import java.util.List;
import java.util.Optional;

/**
 * A tracking server the model commands talk to over MLflow's REST API: the remote one named by the tracking URI,
 * or, for a store URI (and the local store by default), a server started in this process on a loopback ephemeral
 * port over that store, with the artifact proxy writing to {@code ./.slipway/artifacts} exactly as
 * {@code slipway server} does with its defaults. Closing it stops the in-process server and closes its stores.
 */
final class ServerConnection implements AutoCloseable {
    private static final long MAX_REQUEST_BYTES = 16L * 1024 * 1024;
    private static final String SERVER_LOG_LEVEL = "org.slf4j.simpleLogger.log." + SlipwayServer.class.getName();

    private final TrackingClient client;
    private final String location;
    private final List<AutoCloseable> resources;

    private ServerConnection(TrackingClient client, String location, List<AutoCloseable> resources) {
        this.client = requireNonNull(client, "client is null");
        this.location = requireNonNull(location, "location is null");
        this.resources = List.copyOf(resources);
    }

    static ServerConnection open(TrackingOptions options, Environment environment, Backends backends) {
        TrackingOptions.Target target = options.target(environment, backends);
        if (target.isServer()) {
            return new ServerConnection(TrackingClient.create(target.uri(), RetryPolicy.defaults(),
                    Credentials.fromVariables(environment.variables()),
                    MultipartSettings.fromVariables(environment.variables())), target.uri(), List.of());
        }
        return embedded(target.uri(), environment, backends);
    }

    /** The client of the server. */
    TrackingClient client() {
        return client;
    }

    /** Where the data is, for messages: the server URI or the store URI. */
    String location() {
        return location;
    }

    private static ServerConnection embedded(String storeUri, Environment environment, Backends backends) {
        // the in-process server is an implementation detail of the command: its "listening on" line is noise
        if (System.getProperty(SERVER_LOG_LEVEL) == null) {
            System.setProperty(SERVER_LOG_LEVEL, "warn");
        }
        ArtifactRepositories artifacts = backends.artifactRepositories(
                Optional.of(LocalStore.artifacts(environment.workingDirectory()).toString()));
        BackendServices services = BackendServices.open(backends, storeUri, ArtifactRepositories.PROXY_SCHEME + ":/",
                environment.clock());
        try {
            SlipwayServer server = SlipwayServer.start(new ServerOptions("127.0.0.1", 0, services.tracking(),
                    services.registry(), services.loggedModels(), services.predictionLog(), artifacts, true,
                    List.of(), MAX_REQUEST_BYTES, VersionProvider.version()));
            return new ServerConnection(TrackingClient.create("http://127.0.0.1:" + server.port()), storeUri,
                    List.of(server, services));
        } catch (RuntimeException e) {
            BackendServices.closeAll(List.of(services), e);
            throw e;
        }
    }

    @Override
    public void close() {
        BackendServices.closeInOrder(resources, "Closing the local tracking server failed");
    }
}
