package dev.slipway.server;

import io.javalin.config.JavalinConfig;

/**
 * Routes the composition root adds to the server beside its REST API, such as the web UI. Extensions are configured
 * after the API's routes, so they cannot shadow an API path; the server's Host check and headers apply to them too,
 * and so does the audit log: a POST, PUT, PATCH or DELETE an extension answers below 400 is recorded as a change.
 */
public interface ServerExtension {
    /**
     * The request attribute an extension sets (to any value) on a POST, PUT, PATCH or DELETE that it answered below
     * 400 without making the change, such as a form whose input was refused and is shown again with the message, so
     * that the audit log does not record a change.
     */
    String CHANGE_REFUSED_ATTRIBUTE = "slipway.change.refused";

    /** Adds the extension's routes, static files and handlers; called once while the server is configured. */
    void configure(JavalinConfig config);
}
