package dev.slipway.serving;

import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Request and response bodies, with a size limit, and request ids. Thread-safe (stateless). */
final class RequestBodies {
    static final String REQUEST_ID_HEADER = "X-Request-Id";
    static final String REQUEST_KEY_HEADER = "X-Request-Key";
    private static final int MAX_ID_LENGTH = 200;
    /** A refused body up to this size is read to its end so that the client, still sending, reads the 413. */
    private static final long MAX_DISCARDED_BYTES = 64L << 20;

    private RequestBodies() {}

    /**
     * The body, at most {@code limit} bytes.
     *
     * @throws ServingFailure 413 for a larger one
     */
    static byte[] read(Context ctx, long limit) {
        long declared = ctx.req().getContentLengthLong();
        try {
            InputStream in = ctx.req().getInputStream();
            if (declared > limit) {
                discard(in, declared);
                throw tooLarge(limit);
            }
            if (declared >= 0) {
                // Jetty holds the client to its Content-Length: read exactly that, into a buffer of that size
                byte[] body = new byte[(int) declared];
                int read = in.readNBytes(body, 0, body.length);
                if (read != body.length) {
                    throw ServingFailure.badRequest("The request body ended after %d of %d bytes", read, declared);
                }
                return body;
            }
            byte[] body = in.readNBytes((int) limit + 1);
            if (body.length > limit) {
                discard(in, MAX_DISCARDED_BYTES);
                throw tooLarge(limit);
            }
            return body;
        } catch (IOException e) {
            throw ServingFailure.badRequest("Could not read the request body: %s", e.getClass().getSimpleName());
        }
    }

    /**
     * Answers {@code body} with a Content-Length, written straight to the response: unlike
     * {@link Context#result(byte[])}, which Javalin copies through a new 32 KiB buffer per response, and with
     * Content-Length known Jetty sends the whole response in one write. A client that went away is not an error
     * here (Jetty drops the connection).
     */
    static void send(Context ctx, String contentType, byte[] body) {
        HttpServletResponse response = ctx.res();
        response.setContentType(contentType);
        response.setContentLength(body.length);
        try {
            response.getOutputStream().write(body);
        } catch (IOException e) {
            // the client closed the connection: there is nobody to answer
        }
    }

    private static void discard(InputStream in, long declared) throws IOException {
        if (declared > MAX_DISCARDED_BYTES) {
            return;
        }
        byte[] buffer = new byte[65536];
        long total = 0;
        int read;
        while (total <= MAX_DISCARDED_BYTES && (read = in.read(buffer)) >= 0) {
            total += read;
        }
    }

    private static ServingFailure tooLarge(long limit) {
        return new ServingFailure(413, "BAD_REQUEST",
                "The request body is larger than this server's limit of %d bytes".formatted(limit));
    }

    /** The client's request id (header {@code X-Request-Id}), else a new random one. */
    static String requestId(Optional<String> given) {
        if (given.isPresent() && !given.get().isBlank() && given.get().length() <= MAX_ID_LENGTH) {
            return given.get();
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = random.nextLong() & 0xffffffffffff0fffL | 0x0000000000004000L;
        long low = random.nextLong() & 0x3fffffffffffffffL | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }

    static Optional<String> header(Context ctx, String name) {
        String value = ctx.header(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }
}
