package dev.slipway.server;

import static java.util.Objects.requireNonNull;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Set;

/** Health, version, server information and the Prometheus metrics of the server itself. */
final class SystemRoutes {
    /** The paths that load balancers and probes call by IP address; they are served whatever the Host header. */
    static final Set<String> PROBE_PATHS = Set.of("/health", "/version");

    private final String version;
    private final RequestMetrics metrics;

    SystemRoutes(String version, RequestMetrics metrics) {
        this.version = requireNonNull(version, "version is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
    }

    void register(RoutesConfig routes) {
        routes.get("/health", ctx -> ctx.contentType("text/plain; charset=utf-8").result("OK"));
        routes.get("/version", ctx -> ctx.contentType("text/plain; charset=utf-8").result(version));
        for (String prefix : List.of("/api/3.0/mlflow/", "/ajax-api/3.0/mlflow/")) {
            routes.get(prefix + "server-info", this::serverInfo);
        }
        routes.get("/metrics", ctx -> ctx.contentType(RequestMetrics.CONTENT_TYPE).result(metrics.scrape()));
    }

    private void serverInfo(Context ctx) {
        WireFormat.send(ctx, WireFormat.object(generator -> {
            generator.writeStringField("store_type", "SqlStore");
            generator.writeBooleanField("workspaces_enabled", false);
        }));
    }
}
