package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * An {@link HttpClient} that sends one {@code Authorization} header with every request, as MLflow's own clients do
 * for a server behind authentication ({@code MLFLOW_TRACKING_TOKEN}, or {@code MLFLOW_TRACKING_USERNAME} and
 * {@code MLFLOW_TRACKING_PASSWORD}). {@link dev.slipway.client.TrackingClient} takes the HTTP client it uses, so the
 * credentials stay with the one client that needs them. Thread-safe.
 */
final class AuthorizingHttpClient extends HttpClient {
    private final HttpClient delegate;
    private final String authorization;

    private AuthorizingHttpClient(HttpClient delegate, String authorization) {
        this.delegate = requireNonNull(delegate, "delegate is null");
        this.authorization = requireNonNull(authorization, "authorization is null");
    }

    /** {@code Authorization: Bearer <token>}. */
    static HttpClient bearer(HttpClient delegate, String token) {
        return new AuthorizingHttpClient(delegate, "Bearer " + token);
    }

    /** {@code Authorization: Basic <base64(user:password)>}, sent up front as MLflow's Python client does. */
    static HttpClient basic(HttpClient delegate, String user, String password) {
        String credentials = Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
        return new AuthorizingHttpClient(delegate, "Basic " + credentials);
    }

    private HttpRequest authorized(HttpRequest request) {
        return HttpRequest.newBuilder(request, (name, value) -> true).setHeader("Authorization", authorization).build();
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        return delegate.send(authorized(request), handler);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        return delegate.sendAsync(authorized(request), handler);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
            HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
        return delegate.sendAsync(authorized(request), handler, pushPromiseHandler);
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
        return delegate.cookieHandler();
    }

    @Override
    public Optional<Duration> connectTimeout() {
        return delegate.connectTimeout();
    }

    @Override
    public Redirect followRedirects() {
        return delegate.followRedirects();
    }

    @Override
    public Optional<ProxySelector> proxy() {
        return delegate.proxy();
    }

    @Override
    public SSLContext sslContext() {
        return delegate.sslContext();
    }

    @Override
    public SSLParameters sslParameters() {
        return delegate.sslParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
        return delegate.authenticator();
    }

    @Override
    public Version version() {
        return delegate.version();
    }

    @Override
    public Optional<Executor> executor() {
        return delegate.executor();
    }
}
