package dev.slipway.server;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.artifacts.ArtifactRepositories;
import dev.slipway.core.logged.LoggedModelService;
import dev.slipway.core.predictions.PredictionLogService;
import dev.slipway.core.registry.RegistryService;
import dev.slipway.core.tracking.TrackingService;
import java.util.List;

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
 */
public record ServerOptions(String host, int port, TrackingService tracking, RegistryService registry,
        LoggedModelService loggedModels, PredictionLogService predictionLog, ArtifactRepositories artifacts,
        boolean serveArtifacts, List<String> allowedHosts, long maxRequestBytes, String version,
        List<ServerExtension> extensions) {
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
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** Options without extensions: the API alone. */
    public ServerOptions(String host, int port, TrackingService tracking, RegistryService registry,
            LoggedModelService loggedModels, PredictionLogService predictionLog, ArtifactRepositories artifacts,
            boolean serveArtifacts, List<String> allowedHosts, long maxRequestBytes, String version) {
        this(host, port, tracking, registry, loggedModels, predictionLog, artifacts, serveArtifacts, allowedHosts,
                maxRequestBytes, version, List.of());
    }
}
