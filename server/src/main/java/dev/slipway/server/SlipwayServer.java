package dev.slipway.server;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.gitops.DeploymentService;
import dev.slipway.core.monitors.MonitorService;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import java.time.Clock;
import java.util.Optional;
import org.eclipse.jetty.http.UriCompliance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: MLflow's tracking and model registry REST API (under {@code /api/2.0/mlflow} and
 * {@code /ajax-api/2.0/mlflow}),
 * Slipway's prediction log ({@code /api/2.0/slipway/predictions/*}) and the sketches of its windows
 * ({@code /api/2.0/slipway/monitoring/window}), production monitors ({@code /api/2.0/slipway/monitors/*}, with their
 * latest results in {@code /metrics}), the deployment statuses and events GitOps agents report
 * ({@code /api/2.0/slipway/gitops/*}), the {@code mlflow-artifacts} proxy,
 * {@code /health}, {@code /version}, server info and Prometheus {@code /metrics}, on Javalin over Jetty.
 *
 * <p>Every answer is JSON or plain text, never an HTML page or a stack trace. Requests whose Host header does not
 * name this server are refused with 403 (DNS-rebinding protection), except the probe paths {@code /health} and
 * {@code /version}. Thread-safe; {@link #stop()} may be called once from any thread.
 */
public final class SlipwayServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SlipwayServer.class);
    private static final int MAX_REQUEST_HEADER_BYTES = 64 * 1024;
    private static final String UNMATCHED_ROUTE = "unmatched";

    /**
     * Ambiguous encodings such as {@code %2e%2e%2f} and {@code ..%2f} are let through to the routes, which see the
     * raw URI and reject them as an "Invalid path" 400 where they matter (artifact paths), instead of Jetty
     * refusing them with its own error page first.
     */
    private static final UriCompliance URI_COMPLIANCE = UriCompliance.DEFAULT.with("SLIPWAY",
            UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR, UriCompliance.Violation.AMBIGUOUS_PATH_SEGMENT,
            UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING, UriCompliance.Violation.AMBIGUOUS_EMPTY_SEGMENT,
            UriCompliance.Violation.AMBIGUOUS_PATH_PARAMETER, UriCompliance.Violation.SUSPICIOUS_PATH_CHARACTERS);

    private final Javalin app;
    private final Optional<PredictionSketches> sketches;

    private SlipwayServer(Javalin app, Optional<PredictionSketches> sketches) {
        this.app = requireNonNull(app, "app is null");
        this.sketches = requireNonNull(sketches, "sketches is null");
    }

    /**
     * Creates the "Default" experiment if needed, binds {@code options.host():options.port()} and returns once the
     * server is listening.
     *
     * @throws RuntimeException if the port cannot be bound
     */
    public static SlipwayServer start(ServerOptions options) {
        requireNonNull(options, "options is null");
        options.tracking().ensureDefaultExperiment();
        RequestMetrics metrics = new RequestMetrics();
        // -Dslipway.monitoring.sketches=false turns sketching off: bench/run sketching measures what it costs
        boolean sketching = !"false".equalsIgnoreCase(System.getProperty("slipway.monitoring.sketches", "true"));
        Optional<PredictionSketches> sketches = options.predictionLog().sketchStore().filter(store -> sketching)
                .map(store -> new PredictionSketches(store, PredictionSketches.DEFAULT_BUCKET_LENGTH));
        Javalin app = Javalin.create(config -> configure(config, options, sketches, metrics));
        try {
            app.start(options.host(), options.port());
        } catch (RuntimeException e) {
            sketches.ifPresent(PredictionSketches::close);
            throw e;
        }
        sketches.ifPresent(sketch -> sketch.startFlushing(PredictionSketches.DEFAULT_FLUSH_INTERVAL));
        LOG.info("Slipway {} listening on http://{}:{}", options.version(), options.host(), app.port());
        return new SlipwayServer(app, sketches);
    }

    /** The port the server listens on (the chosen one when started with port 0). */
    public int port() {
        return app.port();
    }

    /** Stops accepting requests, shuts the server down and stores the prediction sketches held in memory. */
    public void stop() {
        try {
            app.stop();
        } finally {
            sketches.ifPresent(PredictionSketches::close);
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static void configure(JavalinConfig config, ServerOptions options,
            Optional<PredictionSketches> sketches, RequestMetrics metrics) {
        config.startup.showJavalinBanner = false;
        config.startup.showOldJavalinVersionWarning = false;
        config.http.compressionStrategy = CompressionStrategy.NONE;
        config.http.prefer405over404 = true;
        config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
        config.jetty.modifyHttpConfiguration(http -> {
            http.setUriCompliance(URI_COMPLIANCE);
            http.setRequestHeaderSize(MAX_REQUEST_HEADER_BYTES);
            http.setSendServerVersion(false);
            http.setSendXPoweredBy(false);
        });
        config.requestLogger.http((ctx, millis) ->
                metrics.record(routeLabel(ctx), ctx.method().name(), ctx.statusCode(), millis / 1000.0));

        HostHeaderCheck hostCheck = new HostHeaderCheck(options.host(), options.allowedHosts());
        config.routes.before(ctx -> {
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.header("X-Frame-Options", "SAMEORIGIN");
            if (!SystemRoutes.PROBE_PATHS.contains(ctx.path())) {
                hostCheck.check(Optional.ofNullable(ctx.header("Host")));
            }
        });
        ErrorResponses.register(config.routes);

        RequestReader reader = new RequestReader(options.maxRequestBytes());
        new ExperimentRoutes(options.tracking(), reader).register(config.routes);
        new RunRoutes(options.tracking(), options.loggedModels(), reader).register(config.routes);
        new MetricRoutes(options.tracking(), reader).register(config.routes);
        new ArtifactRoutes(options.tracking(), options.artifacts(), options.serveArtifacts(), reader)
                .register(config.routes);
        new RegistryRoutes(options.registry(), options.tracking(), options.loggedModels(), options.artifacts(), reader)
                .register(config.routes);
        new LoggedModelRoutes(options.loggedModels(), options.artifacts(), reader).register(config.routes);
        new PredictionLogRoutes(options.predictionLog(), sketches, reader).register(config.routes);
        new MonitoringRoutes(sketches, reader, Clock.systemUTC()).register(config.routes);
        new MonitorRoutes(options.predictionLog().monitorStore().map(store -> new MonitorService(store,
                Clock.systemUTC())), reader, metrics).register(config.routes);
        new DeploymentRoutes(options.predictionLog().deploymentStore().map(store -> new DeploymentService(store,
                Clock.systemUTC())), reader).register(config.routes);
        new ModelQualityRoutes(options.predictionLog(), reader, Clock.systemUTC()).register(config.routes);
        new SystemRoutes(options.version(), metrics).register(config.routes);
        options.extensions().forEach(extension -> extension.configure(config));
    }

    /** The route pattern of the request; all unknown paths share one label so the series stay bounded. */
    private static String routeLabel(Context ctx) {
        Endpoint endpoint = ctx.endpoint();
        if (endpoint == null || endpoint.path.equals("*")) {
            return UNMATCHED_ROUTE;
        }
        return endpoint.path;
    }
}
