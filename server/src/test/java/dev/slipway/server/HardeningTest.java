package dev.slipway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.server.ApiClient.Response;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's defences: security headers on every answer, the CORS allow-list (none by default), the request size
 * limit, the Host allow-list, and no secret in the server log.
 */
class HardeningTest {
    private static final String API = "/api/2.0/mlflow/";
    private static final String ALLOWED_ORIGIN = "https://notebooks.example.org";

    @TempDir
    static Path directory;

    private static TestServer server;
    private static ApiClient client;

    @BeforeAll
    static void startServer() {
        server = TestServer.builder(directory).corsAllowedOrigins(List.of(ALLOWED_ORIGIN + "/")).start();
        client = server.client;
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void everyAnswerCarriesTheSecurityHeadersAndNoServerVersion() {
        List<Response> answers = List.of(client.get("/health"), client.get(API + "experiments/search"),
                client.get(API + "no/such/endpoint"), client.post(API + "experiments/create", "{}"),
                client.get("/metrics"));
        for (Response answer : answers) {
            assertThat(answer.header("X-Content-Type-Options")).as(answer.body()).contains("nosniff");
            assertThat(answer.header("X-Frame-Options")).contains("DENY");
            assertThat(answer.header("Referrer-Policy")).contains("same-origin");
            assertThat(answer.header("Server")).isEmpty();
            assertThat(answer.header("X-Powered-By")).isEmpty();
        }
        // refused by Jetty before any route: an over-long header
        String rejected = client.raw("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(70_000)
                + "\r\nConnection: close\r\n\r\n");
        assertThat(ApiClient.statusOf(rejected)).isEqualTo(431);
        assertThat(rejected).containsIgnoringCase("X-Content-Type-Options: nosniff")
                .containsIgnoringCase("X-Frame-Options: DENY").doesNotContainIgnoringCase("Server:");
    }

    @Test
    void aPreflightFromAnAllowedOriginIsAnswered() {
        Response preflight = preflight(ALLOWED_ORIGIN, "POST", "content-type, authorization");

        assertThat(preflight.status()).isEqualTo(204);
        assertThat(preflight.header("Access-Control-Allow-Origin")).contains(ALLOWED_ORIGIN);
        assertThat(preflight.header("Access-Control-Allow-Methods")).hasValueSatisfying(methods ->
                assertThat(methods).contains("POST", "DELETE", "PATCH", "PUT", "GET"));
        assertThat(preflight.header("Access-Control-Allow-Headers")).contains("content-type, authorization");
        assertThat(preflight.header("Access-Control-Max-Age")).contains("600");
        assertThat(preflight.header("Access-Control-Allow-Credentials")).isEmpty();
        assertThat(preflight.header("Vary")).contains("Origin");
    }

    @Test
    void aPreflightFromAnotherOriginIsRefusedWithoutCorsHeaders() {
        for (String origin : List.of("https://evil.example", "null", "https://notebooks.example.org.evil.example",
                "http://notebooks.example.org")) {
            Response preflight = preflight(origin, "POST", "content-type");

            assertThat(preflight.status()).as(origin).isEqualTo(403);
            assertThat(preflight.errorCode()).isEqualTo("PERMISSION_DENIED");
            assertThat(preflight.header("Access-Control-Allow-Origin")).isEmpty();
            assertThat(preflight.header("Access-Control-Allow-Methods")).isEmpty();
        }
    }

    @Test
    void answersCarryCorsHeadersForTheAllowedOriginOnly() {
        Response allowed = get(API + "experiments/search", ALLOWED_ORIGIN);
        assertThat(allowed.status()).isEqualTo(200);
        assertThat(allowed.header("Access-Control-Allow-Origin")).contains(ALLOWED_ORIGIN);

        Response other = get(API + "experiments/search", "https://evil.example");
        assertThat(other.status()).isEqualTo(200);
        assertThat(other.header("Access-Control-Allow-Origin")).isEmpty();

        Response noOrigin = client.get(API + "experiments/search");
        assertThat(noOrigin.header("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void changesFromAnotherOriginAreRefusedBeforeAnyRoute() {
        Response refused = postFrom("https://evil.example", "cross-origin-refused");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.message()).contains("--cors-allowed-origins");
        assertThat(client.get(API + "experiments/get-by-name?experiment_name=cross-origin-refused").status())
                .isEqualTo(404);

        assertThat(postFrom(ALLOWED_ORIGIN, "cross-origin-allowed").status()).isEqualTo(200);
        assertThat(postFrom("http://127.0.0.1:" + server.server.port(), "same-origin").status()).isEqualTo(200);
        TestServer.expectOk(client.post(API + "experiments/create", "{\"name\": \"no-origin\"}"));
    }

    @Test
    void corsIsOffByDefault() throws Exception {
        Path folder = Files.createDirectories(directory.resolve("default"));
        try (TestServer plain = TestServer.start(folder)) {
            ApiClient other = plain.client;
            Response preflight = other.send(HttpRequest.newBuilder(other.uri(API + "experiments/create"))
                    .method("OPTIONS", BodyPublishers.noBody()).header("Origin", ALLOWED_ORIGIN)
                    .header("Access-Control-Request-Method", "POST"));
            assertThat(preflight.status()).isEqualTo(403);
            assertThat(preflight.header("Access-Control-Allow-Origin")).isEmpty();
            Response get = other.send(HttpRequest.newBuilder(other.uri(API + "experiments/search"))
                    .header("Origin", ALLOWED_ORIGIN));
            assertThat(get.status()).isEqualTo(200);
            assertThat(get.header("Access-Control-Allow-Origin")).isEmpty();
        }
    }

    @Test
    void aBodyOverTheLimitIs413WithAJsonMessage() {
        String padding = "x".repeat((int) TestServer.MAX_REQUEST_BYTES + 1);
        Response response = client.post(API + "experiments/create", "{\"name\": \"" + padding + "\"}");

        assertThat(response.status()).isEqualTo(413);
        assertThat(response.errorCode()).isEqualTo("REQUEST_TOO_LARGE");
        assertThat(response.message()).contains("at most " + TestServer.MAX_REQUEST_BYTES + " bytes");
    }

    @Test
    void anUnknownHostIsRefused() {
        String answer = client.rawGet(API + "experiments/search", "rebinding.evil.example");

        assertThat(ApiClient.statusOf(answer)).isEqualTo(403);
        assertThat(ApiClient.bodyOf(answer)).contains(HostHeaderCheck.INVALID_HOST_MESSAGE);
        assertThat(answer).containsIgnoringCase("X-Frame-Options: DENY");
    }

    @Test
    void credentialsAndSecretsInRequestsNeverReachTheServerLog() throws Exception {
        String basic = Base64.getEncoder().encodeToString("alice:hunter2-basic".getBytes(StandardCharsets.UTF_8));
        // an upload below a file fails inside the artifact repository: an error the server logs with its stack trace
        Files.createDirectories(server.artifactDestination);
        Files.writeString(server.artifactDestination.resolve("blocked"), "a file, not a folder");
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            List<HttpRequest.Builder> requests = List.of(
                    HttpRequest.newBuilder(client.uri(API + "experiments/create?token=hunter2-query"))
                            .POST(BodyPublishers.ofString("{\"name\": \"logged\", \"password\": \"hunter2-body\"}"))
                            .header("Content-Type", "application/json")
                            .header("Authorization", "Basic " + basic),
                    HttpRequest.newBuilder(client.uri(API + "experiments/create"))
                            .POST(BodyPublishers.ofString("{\"name\": hunter2-malformed}"))
                            .header("Content-Type", "application/json")
                            .header("Authorization", "Bearer hunter2-bearer"),
                    HttpRequest.newBuilder(client.uri(API + "runs/get?run_id=missing&access_token=hunter2-token"))
                            .header("Authorization", "Bearer hunter2-bearer")
                            .header("Cookie", "session=hunter2-cookie"),
                    HttpRequest.newBuilder(client.uri("/api/2.0/mlflow-artifacts/artifacts/blocked/x.bin"
                                    + "?secret=hunter2-upload"))
                            .PUT(BodyPublishers.ofString("hunter2-content"))
                            .header("Authorization", "Bearer hunter2-bearer"),
                    HttpRequest.newBuilder(client.uri(API + "experiments/search"))
                            .header("Authorization", "Basic " + basic).header("Origin", "https://evil.example")
                            .POST(BodyPublishers.ofString("{}")).header("Content-Type", "application/json"));
            List<Integer> statuses = requests.stream().map(request -> client.send(request).status()).toList();
            assertThat(statuses).containsExactly(200, 400, 404, 500, 403);
        } finally {
            System.err.flush();
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        // the failed upload was logged: the capture works
        assertThat(log).contains("/api/2.0/mlflow-artifacts/artifacts/blocked/x.bin");
        assertThat(log).doesNotContain("hunter2", basic, "Authorization", "Bearer");
    }

    private static Response preflight(String origin, String method, String headers) {
        return client.send(HttpRequest.newBuilder(client.uri(API + "experiments/create"))
                .method("OPTIONS", BodyPublishers.noBody()).header("Origin", origin)
                .header("Access-Control-Request-Method", method).header("Access-Control-Request-Headers", headers));
    }

    private static Response get(String path, String origin) {
        return client.send(HttpRequest.newBuilder(client.uri(path)).header("Origin", origin));
    }

    private static Response postFrom(String origin, String experimentName) {
        return client.send(HttpRequest.newBuilder(client.uri(API + "experiments/create"))
                .POST(BodyPublishers.ofString("{\"name\": \"" + experimentName + "\"}"))
                .header("Content-Type", "application/json").header("Origin", origin));
    }
}
