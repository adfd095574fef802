package dev.slipway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retries and error mapping of TrackingClient, against a real HTTP server on an ephemeral port that plays back
 * scripted answers (status, headers, body), as an overloaded proxy or another MLflow server would send them.
 */
class TrackingClientTransportTest {
    private static final RetryPolicy FAST_RETRIES = new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50));

    private HttpServer server;
    private final Deque<Answer> answers = new ArrayDeque<>();
    private final AtomicInteger requests = new AtomicInteger();

    private record Answer(int status, String contentType, String body, String retryAfter) {}

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private synchronized void answer(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        exchange.getRequestBody().readAllBytes();
        Answer answer = answers.size() > 1 ? answers.removeFirst() : answers.getFirst();
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", answer.contentType());
        if (answer.retryAfter() != null) {
            exchange.getResponseHeaders().add("Retry-After", answer.retryAfter());
        }
        exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private synchronized void script(Answer... script) {
        answers.clear();
        answers.addAll(List.of(script));
    }

    private static Answer json(int status, String body) {
        return new Answer(status, "application/json", body, null);
    }

    private TrackingClient client(RetryPolicy retryPolicy) {
        return TrackingClient.create("http://127.0.0.1:" + server.getAddress().getPort(), retryPolicy);
    }

    @Test
    void retriesUnavailableAnswersUntilTheServerRecovers() {
        script(new Answer(503, "text/plain", "busy", null), new Answer(502, "text/html", "<html>bad gateway</html>", null),
                json(429, "{\"error_code\": \"REQUEST_LIMIT_EXCEEDED\", \"message\": \"slow down\"}"),
                json(200, "{\"experiment_id\": \"7\"}"));

        assertThat(client(FAST_RETRIES).createExperiment("x")).isEqualTo("7");
        assertThat(requests).hasValue(4);
    }

    @Test
    void givesUpAfterTheRetryBudgetWithTheLastError() {
        script(json(503, "{\"error_code\": \"TEMPORARILY_UNAVAILABLE\", \"message\": \"maintenance\"}"));

        assertThatThrownBy(() -> client(FAST_RETRIES).getExperiment("1"))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE))
                .hasMessage("maintenance");
        assertThat(requests).hasValue(1 + FAST_RETRIES.maxRetries());
    }

    @Test
    void retryAfterIsHonouredButBoundedByTheMaximumBackoff() {
        script(new Answer(503, "text/plain", "", "3600"), json(200, "{\"experiment_id\": \"8\"}"));
        long start = System.nanoTime();

        assertThat(client(FAST_RETRIES).createExperiment("x")).isEqualTo("8");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void doesNotRetryClientErrors() {
        script(json(400, "{\"error_code\": \"INVALID_PARAMETER_VALUE\", \"message\": \"bad name\"}"));

        assertThatThrownBy(() -> client(FAST_RETRIES).createExperiment("x"))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE))
                .hasMessage("bad name");
        assertThat(requests).hasValue(1);
    }

    @Test
    void unknownErrorCodesBecomeInternalErrorAndKeepTheirName() {
        script(json(500, "{\"error_code\": \"FEATURE_DISABLED\", \"message\": \"no webhooks here\"}"));

        assertThatThrownBy(() -> client(RetryPolicy.none()).getExperiment("1"))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INTERNAL_ERROR))
                .hasMessage("FEATURE_DISABLED: no webhooks here");
    }

    @Test
    void errorsWithoutJsonBodiesAreMappedFromTheStatus() {
        script(new Answer(404, "text/html", "<h1>Not Found</h1>", null));

        assertThatThrownBy(() -> client(RetryPolicy.none()).getExperiment("1"))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.ENDPOINT_NOT_FOUND))
                .hasMessageContaining("HTTP 404")
                .hasMessageContaining("/api/2.0/mlflow/experiments/get");
    }

    @Test
    void aSuccessfulAnswerThatIsNotAJsonObjectIsAnError() {
        script(new Answer(200, "text/html", "<html>a login page</html>", null));

        assertThatThrownBy(() -> client(RetryPolicy.none()).getExperiment("1"))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INTERNAL_ERROR))
                .hasMessageContaining("other than a JSON object");
    }

    @Test
    void refusedConnectionNamesTheTrackingUri() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String uri = "http://127.0.0.1:" + closedPort;

        assertThatThrownBy(() -> TrackingClient.create(uri, FAST_RETRIES).getExperiment("1"))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE))
                .hasMessageContaining(uri)
                .hasMessageContaining("connection refused");
    }

    @Test
    void trackingUriMustBeHttp() {
        assertThatThrownBy(() -> TrackingClient.create("sqlite:///tmp/x.db"))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE))
                .hasMessageContaining("sqlite:///tmp/x.db");
    }

    @Test
    void backoffDoublesUpToTheMaximum() {
        RetryPolicy policy = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(500));

        assertThat(List.of(policy.backoff(0), policy.backoff(1), policy.backoff(2), policy.backoff(3), policy.backoff(9)))
                .containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400),
                        Duration.ofMillis(500), Duration.ofMillis(500));
    }
}
