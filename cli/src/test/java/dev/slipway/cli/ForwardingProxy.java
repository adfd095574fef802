package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * An HTTP server on an ephemeral loopback port that forwards every request to a target server and copies back its
 * answer, and holds the first request that matches a test's condition until the test's action has run: the way to
 * stop a command at a known request instead of racing it.
 */
final class ForwardingProxy implements AutoCloseable {
    /** Headers the JDK's client sets itself and refuses from callers, and hop-by-hop ones. */
    private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "content-length", "expect",
            "upgrade", "transfer-encoding", "keep-alive");

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newCachedThreadPool();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final AtomicBoolean held = new AtomicBoolean();
    private final CompletableFuture<Void> actionDone = new CompletableFuture<>();

    /**
     * @param target the server's base URI, e.g. {@code http://127.0.0.1:5000}
     * @param hold which request (method, then path and query as sent) to hold; only the first one that matches
     * @param action runs on the proxy's thread while that request is held, before it is forwarded
     */
    static ForwardingProxy start(String target, Predicate<String> hold, Runnable action) throws IOException {
        return new ForwardingProxy(URI.create(target), hold, action);
    }

    private ForwardingProxy(URI target, Predicate<String> hold, Runnable action) throws IOException {
        requireNonNull(target, "target is null");
        requireNonNull(hold, "hold is null");
        requireNonNull(action, "action is null");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(handlers);
        server.createContext("/", exchange -> {
            try (exchange) {
                String pathAndQuery = exchange.getRequestURI().getRawPath()
                        + (exchange.getRequestURI().getRawQuery() == null ? ""
                                : "?" + exchange.getRequestURI().getRawQuery());
                if (hold.test(exchange.getRequestMethod() + " " + pathAndQuery) && held.compareAndSet(false, true)) {
                    try {
                        action.run();
                        actionDone.complete(null);
                    } catch (RuntimeException | Error e) {
                        actionDone.completeExceptionally(e);
                        throw e;
                    }
                }
                forward(exchange, target.resolve(pathAndQuery));
            }
        });
        server.start();
    }

    private void forward(HttpExchange exchange, URI to) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        HttpRequest.Builder request = HttpRequest.newBuilder(to).method(exchange.getRequestMethod(),
                body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
            if (!NOT_FORWARDED.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                header.getValue().forEach(value -> request.header(header.getKey(), value));
            }
        }
        HttpResponse<InputStream> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while forwarding to " + to, e);
        }
        response.headers().map().forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                exchange.getResponseHeaders().put(name, values);
            }
        });
        // the server's own length when it gave one (-1: no body), else chunked (0)
        long length = response.headers().firstValueAsLong("content-length").orElse(0);
        boolean empty = exchange.getRequestMethod().equalsIgnoreCase("HEAD") || response.statusCode() == 204
                || response.statusCode() == 304
                || response.headers().firstValueAsLong("content-length").orElse(-1) == 0;
        exchange.sendResponseHeaders(response.statusCode(), empty ? -1 : length);
        try (InputStream content = response.body(); OutputStream out = exchange.getResponseBody()) {
            content.transferTo(out);
        }
    }

    /** The base URI clients use in place of the target's. */
    String uri() {
        return "http://127.0.0.1:" + port();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Completes once the action of the held request has returned. */
    CompletableFuture<Void> actionDone() {
        return actionDone;
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }
}
