package dev.slipway.server;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.artifacts.ArtifactRepositories;
import dev.slipway.core.logged.LoggedModelService;
import dev.slipway.core.predictions.PredictionLogService;
import dev.slipway.core.registry.RegistryService;
import dev.slipway.core.tracking.TrackingService;
import java.util.List;
import java.util.Optional;

/**
 * Everything the HTTP server needs, built by the composition root ({@code cli}).
 *
 * @param host the interface to bind, such as {@code 127.0.0.1} or {@code 0.0.0.0}
 * @param port the port to bind; 0 picks a free ephemeral port
 * @param tracking the tracking rules over the chosen store
 * @param registry the model registry rules over the chosen store
 * @param loggedModels the rules of MLflow 3's logged models over the chosen store
 * @param predictionLog the prediction log of model servers (Slipway's own endpoints) over the chosen store
 * @param artifacts resolves run artifact URIs, including {@code mlflow-artifacts:/} onto the destination
 * @param serveArtifacts whether the {@code mlflow-artifacts} proxy routes are served (else they answer 503)
 * @param allowedHosts extra values accepted in the Host header besides the loopback names and the bound
 *     host; {@code "*"} accepts any host (DNS-rebinding protection off)
 * @param maxRequestBytes the largest JSON request body accepted (artifact uploads are not limited by it)
 * @param version the version string served at {@code /version}
 * @param extensions routes added beside the API, such as the web UI, configured in this order
 * @param corsAllowedOrigins the origins whose pages may call the API from a browser ({@code https://host[:port]},
 *     or {@code "*"} for any); empty: none, no CORS headers are sent
 * @param auth users, tokens and permissions ({@code --auth basic}); absent: no authentication, everyone may do
 *     everything
 */
public record ServerOptions(String host, int port, TrackingService tracking, RegistryService registry,
        LoggedModelService loggedModels, PredictionLogService predictionLog, ArtifactRepositories artifacts,
        boolean serveArtifacts, List<String> allowedHosts, long maxRequestBytes, String version,
        List<ServerExtension> extensions, List<String> corsAllowedOrigins, Optional<ServerAuth> auth) {
    public ServerOptions {
        requireNonNull(host, "host is null");
        requireNonNull(tracking, "tracking is null");
        requireNonNull(registry, "registry is null");
        requireNonNull(loggedModels, "loggedModels is null");
        requireNonNull(predictionLog, "predictionLog is null");
        requireNonNull(artifacts, "artifacts is null");
        allowedHosts = List.copyOf(requireNonNull(allowedHosts, "allowedHosts is null"));
        requireNonNull(version, "version is null");
        extensions = List.copyOf(requireNonNull(extensions, "extensions is null"));
        corsAllowedOrigins = List.copyOf(requireNonNull(corsAllowedOrigins, "corsAllowedOrigins is null"));
        requireNonNull(auth, "auth is null");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** Options without authentication. */
    public ServerOptions(String host, int port, TrackingService tracking, RegistryService registry,
            LoggedModelService loggedModels, PredictionLogService predictionLog, ArtifactRepositories artifacts,
            boolean serveArtifacts, List<String> allowedHosts, long maxRequestBytes, String version,
            List<ServerExtension> extensions, List<String> corsAllowedOrigins) {
        this(host, port, tracking, registry, loggedModels, predictionLog, artifacts, serveArtifacts, allowedHosts,
                maxRequestBytes, version, extensions, corsAllowedOrigins, Optional.empty());
    }

    /** These options with authentication and permissions. */
    public ServerOptions withAuth(ServerAuth serverAuth) {
        return new ServerOptions(host, port, tracking, registry, loggedModels, predictionLog, artifacts, serveArtifacts,
                allowedHosts, maxRequestBytes, version, extensions, corsAllowedOrigins,
                Optional.of(requireNonNull(serverAuth, "serverAuth is null")));
    }

    /** Options that allow no cross-origin access. */
    public ServerOptions(String host, int port, TrackingService tracking, RegistryService registry,
            LoggedModelService loggedModels, PredictionLogService predictionLog, ArtifactRepositories artifacts,
            boolean serveArtifacts, List<String> allowedHosts, long maxRequestBytes, String version,
            List<ServerExtension> extensions) {
        this(host, port, tracking, registry, loggedModels, predictionLog, artifacts, serveArtifacts, allowedHosts,
                maxRequestBytes, version, extensions, List.of());
    }

    /** These options with another list of the origins allowed cross-origin access. */
    public ServerOptions withCorsAllowedOrigins(List<String> origins) {
        return new ServerOptions(host, port, tracking, registry, loggedModels, predictionLog, artifacts, serveArtifacts,
                allowedHosts, maxRequestBytes, version, extensions, origins, auth);
    }

    /** Options without extensions: the API alone. */
    public ServerOptions(String host, int port, TrackingService tracking, RegistryService registry,
            LoggedModelService loggedModels, PredictionLogService predictionLog, ArtifactRepositories artifacts,
            boolean serveArtifacts, List<String> allowedHosts, long maxRequestBytes, String version) {
        this(host, port, tracking, registry, loggedModels, predictionLog, artifacts, serveArtifacts, allowedHosts,
                maxRequestBytes, version, List.of());
    }
}
