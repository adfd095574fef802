package dev.slipway.server;

import io.javalin.config.JavalinConfig;

/**
 * Routes the composition root adds to the server beside its REST API, such as the web UI. Extensions are configured
 * after the API's routes, so they cannot shadow an API path; the server's Host check and headers apply to them too.
 */
public interface ServerExtension {
    /** Adds the extension's routes, static files and handlers; called once while the server is configured. */
    void configure(JavalinConfig config);
}
