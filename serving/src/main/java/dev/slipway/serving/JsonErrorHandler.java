package dev.slipway.serving;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's answer to requests it rejects before any route sees them (a malformed URI, an over-long header, a request
 * during shutdown), as JSON instead of Jetty's HTML page, without stack traces.
 */
final class JsonErrorHandler extends ErrorHandler {

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
            Callback callback) {
        if (HttpStatus.hasNoBody(code)) {
            callback.succeeded();
            return;
        }
        String reason = HttpStatus.getMessage(code);
        String path = request.getHttpURI().getPath();
        boolean v2 = path != null && (path.equals("/v2") || path.startsWith("/v2/"));
        String errorCode = code == 503 ? "TEMPORARILY_UNAVAILABLE" : code >= 500 ? "INTERNAL_ERROR" : "BAD_REQUEST";
        String body = v2 ? "{\"error\":\"" + reason + "\"}"
                : "{\"error_code\":\"" + errorCode + "\",\"message\":\"" + reason + "\"}";
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        // as in the tracking server: Jetty drops the connection after a request it rejected, so say so
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }
}
