package dev.slipway.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads API requests as MLflow's server does: GET parameters from the query string, every other method from a
 * JSON object body. POST and PUT bodies must be declared {@code application/json} (a cross-origin page cannot send
 * that without a CORS preflight). A missing body is {@code {}}; a body that is a JSON string holding JSON is decoded
 * twice, for legacy clients. Bodies are size-checked before they are parsed. Thread-safe.
 */
final class RequestReader {
    /** MLflow's limit on the raw body of a log-batch request. */
    static final int MAX_LOG_BATCH_BYTES = 1_000_000;

    private static final String PARSED_ATTRIBUTE = "slipway.request";
    private static final String FAILURE_ATTRIBUTE = "slipway.request.failure";
    private static final String LOG_BATCH_BODY_ATTRIBUTE = "slipway.request.log-batch-body";
    private static final int MAX_ECHOED_LENGTH = 200;
    private static final int MAX_ARRAY_BYTES = Integer.MAX_VALUE - 16;

    private final long maxRequestBytes;

    RequestReader(long maxRequestBytes) {
        if (maxRequestBytes < 1) {
            throw new IllegalArgumentException("maxRequestBytes must be positive: " + maxRequestBytes);
        }
        this.maxRequestBytes = maxRequestBytes;
    }

    /**
     * The parameters of a request whose JSON body may be up to the configured request size. The body is read once:
     * a second call for the same request (the audit trail reads registry requests before their route does) answers
     * the same parameters, or throws the same failure.
     *
     * @throws SlipwayException REQUEST_TOO_LARGE (413) for a body over the limit, INVALID_PARAMETER_VALUE for a body
     *     that is not JSON or not declared as JSON
     */
    ApiRequest read(Context ctx) {
        ApiRequest parsed = ctx.attribute(PARSED_ATTRIBUTE);
        if (parsed != null) {
            return parsed;
        }
        SlipwayException failed = ctx.attribute(FAILURE_ATTRIBUTE);
        if (failed != null) {
            throw failed;
        }
        try {
            parsed = readOnce(ctx);
        } catch (SlipwayException e) {
            ctx.attribute(FAILURE_ATTRIBUTE, e);
            throw e;
        }
        ctx.attribute(PARSED_ATTRIBUTE, parsed);
        return parsed;
    }

    /** The parameters {@link #read} parsed for this request, if it did. */
    static Optional<ApiRequest> parsed(Context ctx) {
        return Optional.ofNullable(ctx.attribute(PARSED_ATTRIBUTE));
    }

    private ApiRequest readOnce(Context ctx) {
        if (ctx.method() == HandlerType.GET) {
            return ApiRequest.ofQuery(ctx.queryParamMap());
        }
        checkContentType(ctx);
        byte[] body = readBody(ctx, maxRequestBytes);
        if (body == null) {
            long declared = ctx.req().getContentLengthLong();
            throw new SlipwayException(ErrorCode.REQUEST_TOO_LARGE, String.format("Request body too large: at most "
                    + "%d bytes are accepted%s. Upload files through the artifact API instead.", maxRequestBytes,
                    declared > 0 ? ", got " + declared : ""));
        }
        return parse(body);
    }

    /**
     * The raw body of a log-batch request, after the content-type and size checks. The body is read once: a second
     * call for the same request (authorization reads the run id before the route runs) answers the same bytes.
     */
    byte[] readLogBatchBody(Context ctx) {
        byte[] read = ctx.attribute(LOG_BATCH_BODY_ATTRIBUTE);
        if (read != null) {
            return read;
        }
        byte[] body = readLogBatchBodyOnce(ctx);
        ctx.attribute(LOG_BATCH_BODY_ATTRIBUTE, body);
        return body;
    }

    private byte[] readLogBatchBodyOnce(Context ctx) {
        checkContentType(ctx);
        byte[] body = readBody(ctx, MAX_LOG_BATCH_BYTES);
        if (body == null) {
            long declared = ctx.req().getContentLengthLong();
            String size = declared > 0 ? "of size " + declared : "larger than that";
            throw SlipwayException.invalidParameter(
                    "Batched logging API requests must be at most %d bytes, got a request %s.", MAX_LOG_BATCH_BYTES,
                    size);
        }
        return body;
    }

    /**
     * Rejects POST and PUT requests whose Content-Type is not JSON. Only harmless characters of the given type
     * are echoed, so the message cannot carry markup.
     */
    static void checkContentType(Context ctx) {
        HandlerType method = ctx.method();
        if (method != HandlerType.POST && method != HandlerType.PUT) {
            return;
        }
        String contentType = ctx.header("Content-Type");
        if (contentType != null) {
            int parameters = contentType.indexOf(';');
            String mediaType = (parameters < 0 ? contentType : contentType.substring(0, parameters)).trim();
            if (mediaType.toLowerCase(Locale.ROOT).equals(WireFormat.JSON_CONTENT_TYPE)) {
                return;
            }
        }
        String given = contentType == null ? "no Content-Type header" : "'" + safeEcho(contentType) + "'";
        throw SlipwayException.invalidParameter(
                "Bad Request. Content-Type must be one of [application/json]. Received %s.", given);
    }

    /** Bodies up to this size are read to their end even when refused, so the client reads the 400 cleanly. */
    private static final long MAX_DISCARDED_BYTES = 16L << 20;

    /**
     * Reads and drops the rest of a refused body when it is modest, so that the connection ends in order and the
     * client, still sending, reads the error instead of a connection reset. Larger bodies are left to Jetty, which
     * closes the connection.
     */
    private static void discardModestExcess(InputStream in, long declared) throws IOException {
        if (declared <= MAX_DISCARDED_BYTES) {
            byte[] buffer = new byte[65536];
            long total = 0;
            int read;
            while (total <= MAX_DISCARDED_BYTES && (read = in.read(buffer)) >= 0) {
                total += read;
            }
        }
    }

    /** The body bytes, or null when there are more than {@code limit} of them. */
    private static byte[] readBody(Context ctx, long limit) {
        long declared = ctx.req().getContentLengthLong();
        int readLimit = (int) Math.min(limit, MAX_ARRAY_BYTES);
        try (InputStream in = ctx.req().getInputStream()) {
            if (declared > limit) {
                discardModestExcess(in, declared);
                return null;
            }
            byte[] body = in.readNBytes(readLimit + 1);
            if (body.length > readLimit) {
                discardModestExcess(in, Long.MAX_VALUE);
                return null;
            }
            return body;
        } catch (IOException e) {
            throw SlipwayException.invalidParameter("Could not read the request body: %s", e.getClass().getSimpleName());
        }
    }

    static ApiRequest parse(byte[] body) {
        JsonNode root = parseJson(body);
        if (root.isTextual()) {
            root = parseJson(root.textValue());
        }
        if (root.isMissingNode() || root.isNull()) {
            return ApiRequest.empty();
        }
        if (!root.isObject()) {
            throw SlipwayException.invalidParameter("Request body must be a JSON object, got %s",
                    root.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        return ApiRequest.ofJson((ObjectNode) root);
    }

    private static JsonNode parseJson(byte[] body) {
        if (body.length == 0) {
            return WireFormat.MAPPER.missingNode();
        }
        try {
            return WireFormat.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw SlipwayException.invalidParameter("Could not read the request body");
        }
    }

    private static JsonNode parseJson(String body) {
        if (body.isBlank()) {
            return WireFormat.MAPPER.missingNode();
        }
        try {
            return WireFormat.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw malformed(e);
        }
    }

    private static SlipwayException malformed(JsonProcessingException e) {
        String detail = e.getOriginalMessage();
        if (detail.length() > MAX_ECHOED_LENGTH) {
            detail = detail.substring(0, MAX_ECHOED_LENGTH) + "...";
        }
        return SlipwayException.invalidParameter("Malformed JSON in the request body: %s", detail);
    }

    /** Keeps only the characters MLflow allows in an echoed header value: letters, digits and {@code -/;,+_ }. */
    static String safeEcho(String value) {
        StringBuilder safe = new StringBuilder(Math.min(value.length(), MAX_ECHOED_LENGTH));
        for (int index = 0; index < value.length() && safe.length() < MAX_ECHOED_LENGTH; index++) {
            char character = value.charAt(index);
            if (character >= 'a' && character <= 'z' || character >= 'A' && character <= 'Z'
                    || character >= '0' && character <= '9' || "-/;,+_ ".indexOf(character) >= 0) {
                safe.append(character);
            }
        }
        return safe.toString();
    }
}
