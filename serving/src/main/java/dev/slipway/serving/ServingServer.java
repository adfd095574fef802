package dev.slipway.serving;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inference server: MLflow's scoring protocol ({@link MlflowRoutes}), the Open Inference Protocol
 * ({@link OpenInferenceRoutes}), {@code POST /feedback}, Prometheus {@code /metrics} and, with an admin token, the
 * admin API under {@code /slipway/admin} ({@link AdminRoutes}), on Javalin over Jetty.
 *
 * <p>Every answer is JSON or plain text, never an HTML page or a stack trace: MLflow's routes answer errors with
 * {@code {"error_code", "message"}} (415 with a text/plain body, as MLflow does), the {@code /v2} routes with
 * {@code {"error"}}. Each request is logged on one line at INFO on the logger {@code dev.slipway.serving.access}.
 *
 * <p>{@link #stop()} is graceful: the server stops accepting connections, answers 503 to new requests on open ones,
 * waits up to {@link ServingOptions#drainTimeout()} for in-flight requests, then closes. The model repository and
 * the prediction log belong to the caller, who closes them after {@link #stop()}. Thread-safe.
 */
public final class ServingServer implements AutoCloseable {
    /** The most rows scored in one ONNX Runtime call; larger requests are scored in chunks. */
    public static final int CHUNK_ROWS = 1024;
    static final String PROTOCOL_ATTRIBUTE = "slipway.protocol";
    static final String OUTCOME_ATTRIBUTE = "slipway.outcome";
    static final String REQUEST_ID_ATTRIBUTE = "slipway.requestId";

    private static final Logger LOG = LoggerFactory.getLogger(ServingServer.class);
    private static final Logger ACCESS = LoggerFactory.getLogger("dev.slipway.serving.access");
    private static final int MAX_REQUEST_HEADER_BYTES = 64 * 1024;
    private static final String GENERIC_MESSAGE = "Internal server error; see the server log for details";

    private final Javalin app;
    private final Scorer scorer;

    private ServingServer(Javalin app, Scorer scorer) {
        this.app = app;
        this.scorer = scorer;
    }

    /**
     * Binds {@code options.host():options.port()} and returns once the server is listening.
     *
     * @throws RuntimeException if the port cannot be bound
     */
    public static ServingServer start(ServingOptions options) {
        requireNonNull(options, "options is null");
        ServingMetrics metrics = new ServingMetrics();
        Scorer scorer = new Scorer(options.models(), options.predictionLog(), options.clock(), metrics);
        try {
            Javalin app = Javalin.create(config -> configure(config, options, scorer, metrics));
            app.start(options.host(), options.port());
            LOG.info("Slipway serving {} on http://{}:{}: {}", options.version(), options.host(), app.port(),
                    String.join(", ", options.models().modelNames()));
            return new ServingServer(app, scorer);
        } catch (RuntimeException e) {
            scorer.close();
            throw e;
        }
    }

    /** The port the server listens on (the chosen one when started with port 0). */
    public int port() {
        return app.port();
    }

    /** Stops accepting requests, lets in-flight ones finish (bounded by the drain timeout) and shuts down. */
    public void stop() {
        app.stop();
        scorer.close();
    }

    @Override
    public void close() {
        stop();
    }

    private static void configure(JavalinConfig config, ServingOptions options, Scorer scorer,
            ServingMetrics metrics) {
        config.startup.showJavalinBanner = false;
        config.startup.showOldJavalinVersionWarning = false;
        config.http.compressionStrategy = CompressionStrategy.NONE;
        config.http.prefer405over404 = true;
        config.jetty.modifyServer(server -> {
            server.setErrorHandler(new JsonErrorHandler());
            // Javalin puts its context inside this wrapper; on stop, it refuses new requests and waits for
            // in-flight ones, up to the stop timeout, after the connectors stopped accepting
            server.setHandler(new GracefulHandler());
            server.setStopTimeout(options.drainTimeout().toMillis());
        });
        config.jetty.modifyHttpConfiguration(http -> {
            http.setRequestHeaderSize(MAX_REQUEST_HEADER_BYTES);
            http.setSendServerVersion(false);
            http.setSendXPoweredBy(false);
        });
        config.requestLogger.http((ctx, millis) -> requestDone(ctx, millis, metrics, options.models()));

        config.routes.exception(ServingFailure.class, (failure, ctx) ->
                write(ctx, failure.status(), failure.errorCode(), failure.getMessage()));
        config.routes.exception(SlipwayException.class, ServingServer::slipwayFailure);
        config.routes.exception(HttpResponseException.class, (failure, ctx) -> {
            int status = failure.getStatus();
            if (status == 404) {
                write(ctx, 404, ErrorCode.ENDPOINT_NOT_FOUND.name(), "No endpoint " + ctx.method() + " "
                        + safeEcho(ctx.path()));
            } else if (status == 405) {
                write(ctx, 405, ErrorCode.ENDPOINT_NOT_FOUND.name(), "Method " + ctx.method()
                        + " is not allowed for " + safeEcho(ctx.path()));
            } else if (status >= 500) {
                LOG.error("{} {} failed with status {}", ctx.method(), ctx.path(), status, failure);
                write(ctx, status, ErrorCode.INTERNAL_ERROR.name(), GENERIC_MESSAGE);
            } else {
                write(ctx, status, ErrorCode.BAD_REQUEST.name(), "Bad request: " + safeEcho(failure.getMessage()));
            }
        });
        config.routes.exception(Exception.class, (failure, ctx) -> {
            LOG.error("{} {} failed unexpectedly", ctx.method(), ctx.path(), failure);
            write(ctx, 500, ErrorCode.INTERNAL_ERROR.name(), GENERIC_MESSAGE);
        });

        new MlflowRoutes(options, scorer).register(config.routes);
        new OpenInferenceRoutes(options, scorer).register(config.routes);
        options.adminToken().ifPresent(token -> new AdminRoutes((LiveModels) options.models(), token,
                options.maxRequestBytes()).register(config.routes));
        config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                .result(metrics.render(options.predictionLog(), options.models())));
    }

    private static void slipwayFailure(SlipwayException failure, Context ctx) {
        ErrorCode code = failure.errorCode();
        if (code.httpStatus() >= 500 && code != ErrorCode.TEMPORARILY_UNAVAILABLE
                && code != ErrorCode.DEADLINE_EXCEEDED) {
            LOG.error("{} {} failed: {}", ctx.method(), ctx.path(), failure.getMessage(), failure);
            write(ctx, code.httpStatus(), code.name(), GENERIC_MESSAGE);
            return;
        }
        write(ctx, code.httpStatus(), code.name(), failure.getMessage());
    }

    /** Writes an error in the shape of the protocol the path belongs to. */
    private static void write(Context ctx, int status, String errorCode, String message) {
        ctx.res().resetBuffer();
        ctx.status(status);
        if (status == 415 && !isV2(ctx)) {
            ctx.contentType("text/plain; charset=utf-8").result(message);
            return;
        }
        byte[] body = OpenInferenceRoutes.json(generator -> {
            generator.writeStartObject();
            if (isV2(ctx)) {
                generator.writeStringField("error", message);
            } else {
                generator.writeStringField("error_code", errorCode);
                generator.writeStringField("message", message);
            }
            generator.writeEndObject();
        });
        ctx.contentType("application/json").result(body);
    }

    private static boolean isV2(Context ctx) {
        String path = ctx.path();
        return path.equals("/v2") || path.startsWith("/v2/");
    }

    private static void requestDone(Context ctx, float millis, ServingMetrics metrics, ModelRepository models) {
        String protocol = ctx.attribute(PROTOCOL_ATTRIBUTE);
        Scorer.Outcome outcome = ctx.attribute(OUTCOME_ATTRIBUTE);
        int status = ctx.statusCode();
        String model = outcome == null ? "" : outcome.model;
        String version = outcome == null ? "" : outcome.version;
        String variant = outcome == null ? "" : outcome.variant;
        if (protocol != null) {
            // a name no model has (a client's typo) is not a label value of its own: the series stay bounded
            String label = version.isEmpty() && !model.isEmpty() && !models.modelNames().contains(model) ? ""
                    : model;
            metrics.request(label, version, variant, protocol, status);
        }
        if (ACCESS.isInfoEnabled()) {
            String requestId = ctx.attribute(REQUEST_ID_ATTRIBUTE);
            ACCESS.info("method={} path={} status={} model={} version={} variant={} latency_ms={} request_id={}",
                    ctx.method().name(), ctx.path(), status, model, version, variant,
                    Math.round(millis * 1000.0) / 1000.0, requestId == null ? "" : requestId);
        }
    }

    /** Keeps letters, digits and {@code -/_.} of a client-supplied value echoed in a message. */
    static String safeEcho(String value) {
        StringBuilder safe = new StringBuilder(Math.min(value.length(), 200));
        for (int i = 0; i < value.length() && safe.length() < 200; i++) {
            char character = value.charAt(i);
            if (Character.isLetterOrDigit(character) || "-/_.".indexOf(character) >= 0) {
                safe.append(character);
            }
        }
        return safe.toString();
    }
}
