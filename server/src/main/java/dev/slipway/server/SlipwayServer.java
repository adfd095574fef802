package dev.slipway.server;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.audit.AuditService;
import dev.slipway.core.gitops.DeploymentService;
import dev.slipway.core.monitors.MonitorService;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import io.javalin.router.ParsedEndpoint;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
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
 * ({@code /api/2.0/slipway/gitops/*}), the audit log ({@code /api/2.0/slipway/audit/list}), the
 * {@code mlflow-artifacts} proxy, {@code /health}, {@code /version}, server info and Prometheus {@code /metrics}, on
 * Javalin over Jetty.
 *
 * <p>Every answer is JSON or plain text, never an HTML page or a stack trace. Requests whose Host header does not
 * name this server are refused with 403 (DNS-rebinding protection), except the probe paths {@code /health} and
 * {@code /version}; cross-origin use of the API follows the {@link CorsPolicy}; every answer carries
 * {@code X-Content-Type-Options: nosniff}, {@code X-Frame-Options: DENY} and {@code Referrer-Policy: same-origin},
 * and no {@code Server} header. Every change is recorded in the audit log when the backend keeps one
 * ({@link AuditTrail}). With {@link ServerOptions#auth()}, every request but the open ones must be authenticated
 * ({@link Authentication}) and pass the check of its route ({@link AccessRules}); the users, permissions and token
 * endpoints are served ({@link AuthRoutes}). Thread-safe; {@link #stop()} may be called once from any thread.
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
    private final Optional<AuditWriter> audit;
    private final AccessRules accessRules;

    private SlipwayServer(Javalin app, Optional<PredictionSketches> sketches, Optional<AuditWriter> audit,
            AccessRules accessRules) {
        this.app = requireNonNull(app, "app is null");
        this.sketches = requireNonNull(sketches, "sketches is null");
        this.audit = requireNonNull(audit, "audit is null");
        this.accessRules = requireNonNull(accessRules, "accessRules is null");
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
        CorsPolicy cors = new CorsPolicy(options.corsAllowedOrigins());
        Optional<AuditWriter> audit = options.predictionLog().auditStore().map(AuditWriter::start);
        AccessRules accessRules = new AccessRules(options.tracking(), options.loggedModels(),
                new RequestReader(options.maxRequestBytes()));
        Javalin app = Javalin.create(config -> configure(config, options, sketches, metrics, cors, audit));
        try {
            app.start(options.host(), options.port());
        } catch (RuntimeException e) {
            sketches.ifPresent(PredictionSketches::close);
            audit.ifPresent(AuditWriter::close);
            throw e;
        }
        sketches.ifPresent(sketch -> sketch.startFlushing(PredictionSketches.DEFAULT_FLUSH_INTERVAL));
        SlipwayServer server = new SlipwayServer(app, sketches, audit, accessRules);
        if (options.auth().isPresent() && !server.routesWithoutAccessRule().isEmpty()) {
            LOG.warn("No access rule names these routes, so only administrators may call them: {}",
                    server.routesWithoutAccessRule());
        }
        LOG.info("Slipway {} listening on http://{}:{}", options.version(), options.host(), app.port());
        return server;
    }

    /**
     * The routes ({@code "METHOD /path"}) that the access rules of {@code --auth basic} do not name, sorted: with
     * authentication only administrators may call them. Empty when the table is complete, as a test keeps it.
     */
    public List<String> routesWithoutAccessRule() {
        List<String> missing = new ArrayList<>();
        for (ParsedEndpoint parsed : app.unsafe.internalRouter.allHttpHandlers()) {
            Endpoint endpoint = parsed.endpoint;
            if (endpoint.method.isHttpMethod() && accessRules.rule(endpoint.method, endpoint.path).isEmpty()) {
                missing.add(endpoint.method + " " + endpoint.path);
            }
        }
        missing.sort(null);
        return List.copyOf(missing);
    }

    /** The port the server listens on (the chosen one when started with port 0). */
    public int port() {
        return app.port();
    }

    /**
     * Stops accepting requests, shuts the server down and stores the prediction sketches and the audit entries held
     * in memory.
     */
    public void stop() {
        try {
            app.stop();
        } finally {
            try {
                sketches.ifPresent(PredictionSketches::close);
            } finally {
                audit.ifPresent(AuditWriter::close);
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static void configure(JavalinConfig config, ServerOptions options,
            Optional<PredictionSketches> sketches, RequestMetrics metrics, CorsPolicy cors,
            Optional<AuditWriter> audit) {
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
            // the web UI's pages relax X-Frame-Options with their own Content-Security-Policy frame-ancestors
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.header("X-Frame-Options", "DENY");
            ctx.header("Referrer-Policy", "same-origin");
            if (!SystemRoutes.PROBE_PATHS.contains(ctx.path())) {
                hostCheck.check(Optional.ofNullable(ctx.header("Host")));
            }
            cors.apply(ctx);
        });
        ErrorResponses.register(config.routes);

        RequestReader reader = new RequestReader(options.maxRequestBytes());
        options.auth().ifPresent(auth -> {
            AccessRules rules = new AccessRules(options.tracking(), options.loggedModels(), reader);
            Authentication authentication = new Authentication(auth, rules::isOpen, Clock.systemUTC());
            config.routes.before(ctx -> {
                if (ctx.method() != HandlerType.OPTIONS) {
                    authentication.authenticate(ctx);
                }
            });
            config.routes.beforeMatched(rules::authorize);
            new AuthRoutes(auth.service(), options.tracking(), options.registry(), reader).register(config.routes);
        });
        Optional<DeploymentService> deployments = options.predictionLog().deploymentStore()
                .map(store -> new DeploymentService(store, Clock.systemUTC()));
        audit.ifPresent(writer -> {
            metrics.addCollector(writer::appendMetrics);
            new AuditTrail(writer, new AuditedActions(options.registry(), deployments), reader, Clock.systemUTC())
                    .register(config.routes);
        });
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
        new DeploymentRoutes(deployments, reader).register(config.routes);
        new AuditRoutes(options.predictionLog().auditStore().map(AuditService::new), reader).register(config.routes);
        new ModelQualityRoutes(options.predictionLog(), reader, Clock.systemUTC()).register(config.routes);
        new SystemRoutes(options.version(), metrics).register(config.routes);
        options.extensions().forEach(extension -> extension.configure(config));
    }

    /** The route pattern of the request; all unknown paths share one label so the series stay bounded. */
    private static String routeLabel(Context ctx) {
        // the HTTP endpoint that answered, not the last handler that ran (an after handler such as the audit trail's)
        Endpoint endpoint = ctx.endpoints().lastHttpEndpoint();
        if (endpoint == null || endpoint.path.equals("*")) {
            return UNMATCHED_ROUTE;
        }
        return endpoint.path;
    }
}
