package dev.slipway.serving;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * How a {@link ServingServer} runs.
 *
 * @param host the address to bind, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
 * @param port the port, 0 for any free one
 * @param models the models served
 * @param predictionLog where scored rows and feedback go ({@link PredictionLog#NONE} to log nothing)
 * @param maxRequestBytes the largest request body accepted; larger ones get 413
 * @param requestTimeout how long one request may take before it is answered 504 (checked between parsing and each
 *     scored chunk of at most {@value ServingServer#CHUNK_ROWS} rows: a running ONNX Runtime call is not cut short)
 * @param drainTimeout how long {@link ServingServer#stop()} waits for in-flight requests
 * @param version the version reported by {@code /version} and {@code /v2}
 * @param clock stamps the prediction log and feedback
 * @param adminToken the bearer token of the admin API ({@link AdminRoutes}, under {@code /slipway/admin}); empty:
 *     no admin API (its paths answer 404). Needs {@link LiveModels}. Never printed by {@link #toString()}.
 */
public record ServingOptions(String host, int port, ModelRepository models, PredictionLog predictionLog,
        long maxRequestBytes, Duration requestTimeout, Duration drainTimeout, String version, Clock clock,
        Optional<String> adminToken) {
    /** 16 MiB: a generous batch, far below the 50 MB bodies that must be refused. */
    public static final long DEFAULT_MAX_REQUEST_BYTES = 16L << 20;
    /** MLflow's default ({@code MLFLOW_SCORING_SERVER_REQUEST_TIMEOUT}). */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);

    public ServingOptions {
        requireNonNull(host, "host is null");
        requireNonNull(models, "models is null");
        requireNonNull(predictionLog, "predictionLog is null");
        requireNonNull(requestTimeout, "requestTimeout is null");
        requireNonNull(drainTimeout, "drainTimeout is null");
        requireNonNull(version, "version is null");
        requireNonNull(clock, "clock is null");
        requireNonNull(adminToken, "adminToken is null");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535: " + port);
        }
        if (maxRequestBytes < 1 || maxRequestBytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("maxRequestBytes out of range: " + maxRequestBytes);
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive: " + requestTimeout);
        }
        if (drainTimeout.isNegative()) {
            throw new IllegalArgumentException("drainTimeout is negative: " + drainTimeout);
        }
        if (adminToken.isPresent()) {
            if (adminToken.get().isBlank()) {
                throw new IllegalArgumentException("adminToken is blank");
            }
            if (!(models instanceof LiveModels)) {
                throw new IllegalArgumentException("The admin API reconfigures live models; "
                        + models.getClass().getSimpleName() + " cannot be reconfigured");
            }
        }
    }

    /** Options without the admin API. */
    public ServingOptions(String host, int port, ModelRepository models, PredictionLog predictionLog,
            long maxRequestBytes, Duration requestTimeout, Duration drainTimeout, String version, Clock clock) {
        this(host, port, models, predictionLog, maxRequestBytes, requestTimeout, drainTimeout, version, clock,
                Optional.empty());
    }

    /** The defaults for everything but where to listen, what to serve and where to log. */
    public static ServingOptions of(String host, int port, ModelRepository models, PredictionLog predictionLog,
            String version) {
        return new ServingOptions(host, port, models, predictionLog, DEFAULT_MAX_REQUEST_BYTES,
                DEFAULT_REQUEST_TIMEOUT, DEFAULT_DRAIN_TIMEOUT, version, Clock.systemUTC());
    }

    public ServingOptions withMaxRequestBytes(long bytes) {
        return new ServingOptions(host, port, models, predictionLog, bytes, requestTimeout, drainTimeout, version,
                clock, adminToken);
    }

    public ServingOptions withRequestTimeout(Duration timeout) {
        return new ServingOptions(host, port, models, predictionLog, maxRequestBytes, timeout, drainTimeout, version,
                clock, adminToken);
    }

    /**
     * Enables the admin API, for requests with the header {@code Authorization: Bearer <token>}.
     *
     * @throws IllegalArgumentException for a blank token, or models other than {@link LiveModels}
     */
    public ServingOptions withAdminToken(String token) {
        return new ServingOptions(host, port, models, predictionLog, maxRequestBytes, requestTimeout, drainTimeout,
                version, clock, Optional.of(requireNonNull(token, "token is null")));
    }

    /** The options, with the admin token masked. */
    @Override
    public String toString() {
        return "ServingOptions[host=" + host + ", port=" + port + ", models=" + models + ", predictionLog="
                + predictionLog + ", maxRequestBytes=" + maxRequestBytes + ", requestTimeout=" + requestTimeout
                + ", drainTimeout=" + drainTimeout + ", version=" + version + ", clock=" + clock + ", adminToken="
                + adminToken.map(token -> "****").orElse("none") + "]";
    }
}
