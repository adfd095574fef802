package dev.slipway.server;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP responses: a {@link SlipwayException} answers its code's status with
 * MLflow's {@code {"error_code", "message"}} body; an unknown route answers 404 ENDPOINT_NOT_FOUND and a known route
 * with the wrong method 405 ENDPOINT_NOT_FOUND (the code on which MLflow's clients fall back to another method);
 * INTERNAL_ERROR and anything unexpected answer 500 INTERNAL_ERROR with a generic message, the details and stack
 * trace going to the server log only.
 */
final class ErrorResponses {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);
    private static final int METHOD_NOT_ALLOWED = 405;
    private static final String GENERIC_MESSAGE = "Internal server error; see the server log for details";

    private ErrorResponses() {}

    static void register(RoutesConfig routes) {
        routes.exception(SlipwayException.class, ErrorResponses::slipwayFailure);
        routes.exception(HttpResponseException.class, ErrorResponses::httpFailure);
        routes.exception(Exception.class, ErrorResponses::unexpectedFailure);
    }

    /** The MLflow error body. */
    static byte[] body(String errorCode, String message) {
        return WireFormat.object(generator -> {
            generator.writeStringField("error_code", errorCode);
            generator.writeStringField("message", message);
        });
    }

    static void slipwayFailure(SlipwayException failure, Context ctx) {
        ErrorCode code = failure.errorCode();
        if (code == ErrorCode.INTERNAL_ERROR) {
            // its message may carry database or file-system details: they go to the log only
            LOG.error("{} {} failed: {}", ctx.method(), ctx.path(), failure.getMessage(), failure);
            write(ctx, code.httpStatus(), code.name(), GENERIC_MESSAGE);
            return;
        }
        if (code.httpStatus() >= 500 && failure.getCause() != null) {
            LOG.warn("{} {} failed with {}: {}", ctx.method(), ctx.path(), code, failure.getMessage(), failure);
        } else {
            LOG.debug("{} {} rejected with {}: {}", ctx.method(), ctx.path(), code, failure.getMessage());
        }
        write(ctx, code.httpStatus(), code.name(), failure.getMessage());
    }

    private static void httpFailure(HttpResponseException failure, Context ctx) {
        int status = failure.getStatus();
        if (status == ErrorCode.ENDPOINT_NOT_FOUND.httpStatus()) {
            write(ctx, status, ErrorCode.ENDPOINT_NOT_FOUND.name(),
                    "No API endpoint " + ctx.method() + " " + RequestReader.safeEcho(ctx.path()));
        } else if (status == METHOD_NOT_ALLOWED) {
            write(ctx, status, ErrorCode.ENDPOINT_NOT_FOUND.name(), "Method " + ctx.method()
                    + " is not allowed for " + RequestReader.safeEcho(ctx.path()));
        } else if (status >= 500) {
            LOG.error("{} {} failed with status {}", ctx.method(), ctx.path(), status, failure);
            write(ctx, status, ErrorCode.INTERNAL_ERROR.name(), GENERIC_MESSAGE);
        } else {
            write(ctx, status, ErrorCode.BAD_REQUEST.name(), "Bad request: " + RequestReader.safeEcho(failure.getMessage()));
        }
    }

    private static void unexpectedFailure(Exception failure, Context ctx) {
        if (ctx.res().isCommitted() && (failure instanceof IOException || failure instanceof UncheckedIOException)) {
            LOG.debug("{} {}: the client went away during a streamed answer", ctx.method(), ctx.path(), failure);
            abort(ctx, failure);
            return;
        }
        LOG.error("{} {} failed unexpectedly", ctx.method(), ctx.path(), failure);
        write(ctx, ErrorCode.INTERNAL_ERROR.httpStatus(), ErrorCode.INTERNAL_ERROR.name(), GENERIC_MESSAGE);
    }

    private static void write(Context ctx, int status, String errorCode, String message) {
        if (ctx.res().isCommitted()) {
            LOG.warn("{} {} failed after its response was committed: {}", ctx.method(), ctx.path(), message);
            abort(ctx, new IOException("response aborted: " + message));
            return;
        }
        ctx.res().resetBuffer();
        ctx.status(status).contentType(WireFormat.JSON_CONTENT_TYPE).result(body(errorCode, message));
    }

    /**
     * Cuts the connection of an answer whose start is already on the wire, so the client sees a broken transfer
     * rather than a body that merely looks complete.
     */
    private static void abort(Context ctx, Throwable failure) {
        ServletContextRequest request = ServletContextRequest.getServletContextRequest(ctx.req());
        if (request != null) {
            request.getServletChannel().abort(failure);
        }
    }
}
