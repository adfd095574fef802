package dev.slipway.server;

import dev.slipway.core.ErrorCode;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's answer to requests it rejects before any route sees them (a malformed URI, an over-long header, no Host
 * header), written as an MLflow JSON error instead of Jetty's HTML page, without stack traces.
 */
final class JsonErrorHandler extends ErrorHandler {

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
            Callback callback) {
        if (HttpStatus.hasNoBody(code)) {
            callback.succeeded();
            return;
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, WireFormat.JSON_CONTENT_TYPE);
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put("X-Frame-Options", "DENY");
        response.getHeaders().put("Referrer-Policy", "same-origin");
        // Jetty drops the connection after a request it rejected; saying so keeps clients from reusing it and
        // failing their next request on a dead connection
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        response.write(true, ByteBuffer.wrap(body(code, message)), callback);
    }

    private static byte[] body(int status, String message) {
        String errorCode = status == HttpStatus.NOT_FOUND_404 ? ErrorCode.ENDPOINT_NOT_FOUND.name()
                : status >= 500 ? ErrorCode.INTERNAL_ERROR.name() : ErrorCode.BAD_REQUEST.name();
        String reason = HttpStatus.getMessage(status);
        String detail = status >= 500 || message == null || message.isBlank() || message.equals(reason) ? ""
                : ": " + RequestReader.safeEcho(message);
        return ErrorResponses.body(errorCode, reason + detail);
    }
}
