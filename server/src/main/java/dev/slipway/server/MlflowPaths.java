package dev.slipway.server;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.List;

/** MLflow serves every API endpoint twice: under {@code /api/<major>.0} and under {@code /ajax-api/<major>.0}. */
final class MlflowPaths {
    /** The prefixes of the tracking API (proto endpoints since major version 2). */
    static final List<String> TRACKING_PREFIXES = List.of("/api/2.0/mlflow/", "/ajax-api/2.0/mlflow/");
    /** The prefixes of the artifact proxy. */
    static final List<String> ARTIFACT_PREFIXES = List.of("/api/2.0/mlflow-artifacts/", "/ajax-api/2.0/mlflow-artifacts/");

    private MlflowPaths() {}

    /** Registers the handler at {@code path} below both tracking prefixes. */
    static void tracking(RoutesConfig routes, HandlerType method, String path, Handler handler) {
        for (String prefix : TRACKING_PREFIXES) {
            routes.addHttpHandler(method, prefix + path, handler);
        }
    }
}
