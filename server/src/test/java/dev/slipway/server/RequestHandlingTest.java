package dev.slipway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.server.ApiClient.Response;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Protocol behaviour shared by all endpoints: parsing, content types, limits, errors, Host checks, system routes. */
class RequestHandlingTest {
    private static final String API = "/api/2.0/mlflow/";

    @TempDir
    static Path directory;

    private static TestServer server;
    private static ApiClient client;

    @BeforeAll
    static void startServer() {
        server = TestServer.start(directory);
        client = server.client;
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"})
    void postWithANonJsonContentTypeIsRejected(String contentType) {
        Response response = client.post(API + "experiments/create", "{\"name\": \"ct\"}", contentType);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
        assertThat(response.message()).startsWith("Bad Request. Content-Type must be one of [application/json].");
    }

    @Test
    void postWithoutContentTypeIsRejected() {
        Response response = client.post(API + "experiments/search", "{}", null);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.message()).startsWith("Bad Request. Content-Type must be one of [application/json].");
    }

    @Test
    void contentTypeIsEchoedWithoutMarkup() {
        Response response = client.post(API + "experiments/search", "{}", "text/html<script>alert('x')</script>");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.message()).doesNotContain("<", ">", "'x'", "(").contains("text/html");
        assertThat(response.header("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    }

    @Test
    void jsonContentTypeWithParametersIsAccepted() {
        TestServer.expectOk(client.post(API + "experiments/search", "{}", "application/json; charset=utf-8"));
        TestServer.expectOk(client.post(API + "experiments/search", "{}", "Application/JSON"));
    }

    @Test
    void doublyEncodedJsonBodyIsDecodedTwice() {
        String body = ApiClient.JSON.valueToTree("{\"name\": \"double-encoded\"}").toString();
        Response response = TestServer.expectOk(client.post(API + "experiments/create", body));
        String experimentId = response.json().get("experiment_id").asText();
        JsonNode experiment = TestServer.expectOk(client.get(API + "experiments/get?experiment_id=" + experimentId))
                .json().get("experiment");
        assertThat(experiment.get("name").asText()).isEqualTo("double-encoded");
    }

    @Test
    void unknownFieldsAreIgnoredInBodiesAndQueries() {
        TestServer.expectOk(client.post(API + "experiments/search", "{\"max_results\": 5, \"no_such_field\": [1, {}]}"));
        TestServer.expectOk(client.get(API + "experiments/search?max_results=5&no_such_field=1"));
    }

    @Test
    void missingBodyCountsAsAnEmptyObject() {
        Response response = client.send(HttpRequest.newBuilder(client.uri(API + "experiments/search"))
                .POST(BodyPublishers.noBody()).header("Content-Type", "application/json"));
        TestServer.expectOk(response);
        Response missingName = client.send(HttpRequest.newBuilder(client.uri(API + "experiments/create"))
                .POST(BodyPublishers.noBody()).header("Content-Type", "application/json"));
        assertThat(missingName.message()).startsWith("Missing value for required parameter 'name'");
    }

    @Test
    void lowerCamelFieldNamesAreAccepted() {
        String experimentId = server.createExperiment("camel");
        Response run = TestServer.expectOk(client.post(API + "runs/create",
                "{\"experimentId\": \"" + experimentId + "\", \"runName\": \"camel-run\", \"startTime\": \"42\"}"));
        JsonNode info = run.json().get("run").get("info");
        assertThat(info.get("run_name").asText()).isEqualTo("camel-run");
        assertThat(info.get("start_time").asLong()).isEqualTo(42);
    }

    @Test
    void malformedJsonIsAJson400() {
        for (String body : List.of("{\"name\": ", "{name: 1}", "[1, 2]", "42", "{} trailing", "\"not json\"")) {
            Response response = client.post(API + "experiments/create", body);
            assertThat(response.status()).as(body).isEqualTo(400);
            assertThat(response.errorCode()).as(body).isEqualTo("INVALID_PARAMETER_VALUE");
        }
    }

    @Test
    void bodiesOverTheRequestLimitAreRejectedWith413() {
        String padding = "x".repeat((int) TestServer.MAX_REQUEST_BYTES);
        Response response = client.post(API + "experiments/create", "{\"name\": \"" + padding + "\"}");
        assertThat(response.status()).isEqualTo(413);
        assertThat(response.errorCode()).isEqualTo("REQUEST_TOO_LARGE");
        assertThat(response.header("Content-Type")).hasValueSatisfying(type -> assertThat(type)
                .startsWith("application/json"));
        assertThat(response.message()).contains("at most " + TestServer.MAX_REQUEST_BYTES + " bytes");
    }

    @Test
    void unknownRoutesAnswerAJson404() {
        for (String path : List.of(API + "no/such/endpoint", "/nope", "/api/2.0/preview/mlflow/runs/get",
                "/api/2.0/mlflow/runs%2Fget")) {
            Response response = client.get(path);
            assertThat(response.status()).as(path).isEqualTo(404);
            assertThat(response.errorCode()).as(path).isEqualTo("ENDPOINT_NOT_FOUND");
            assertThat(response.header("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        }
        Response post = client.post(API + "no/such/endpoint", "{}");
        assertThat(post.status()).isEqualTo(404);
        assertThat(post.errorCode()).isEqualTo("ENDPOINT_NOT_FOUND");
    }

    @Test
    void wrongMethodAnswersAJsonError() {
        Response response = client.get(API + "runs/create");
        assertThat(response.status()).isIn(404, 405);
        assertThat(response.errorCode()).isEqualTo("ENDPOINT_NOT_FOUND");
        Response put = client.put(API + "experiments/get", new byte[0]);
        assertThat(put.status()).isIn(404, 405);
        assertThat(put.errorCode()).isEqualTo("ENDPOINT_NOT_FOUND");
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET /api/2.0/mlflow/runs/get?run_id=%zz HTTP/1.1", "GET /api/2.0/mlflow/%zz HTTP/1.1",
        "GET /a b HTTP/1.1", "GET /api/2.0/mlflow/experiments/get?experiment_id=%E0%A4%A HTTP/1.1"})
    void malformedRequestsGetAJson400WithoutHtml(String requestLine) {
        String answer = client.raw(requestLine + "\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertThat(ApiClient.statusOf(answer)).isEqualTo(400);
        assertThat(answer).contains("application/json").doesNotContain("<html", "<h2", "at org.eclipse");
        assertThat(ApiClient.bodyOf(answer)).contains("\"error_code\"");
    }

    @Test
    void requestWithoutHostHeaderIsAJson400() {
        String answer = client.raw("GET /api/2.0/mlflow/experiments/search HTTP/1.1\r\nConnection: close\r\n\r\n");
        assertThat(ApiClient.statusOf(answer)).isEqualTo(400);
        assertThat(answer).contains("application/json").doesNotContain("<html");
    }

    @Test
    void loopbackHostHeadersAreAccepted() {
        int port = server.server.port();
        for (String host : List.of("localhost", "localhost:" + port, "127.0.0.1:" + port, "[::1]:" + port, "[::1]",
                "LOCALHOST:1234")) {
            String answer = client.rawGet(API + "experiments/search", host);
            assertThat(ApiClient.statusOf(answer)).as(host).isEqualTo(200);
        }
    }

    @Test
    void foreignHostHeadersAreRefusedAsDnsRebinding() {
        for (String host : List.of("evil.example.com", "evil.example.com:" + server.server.port(), "localhost.evil.com",
                "127.0.0.1.nip.io", "attacker:80")) {
            String answer = client.rawGet(API + "experiments/search", host);
            assertThat(ApiClient.statusOf(answer)).as(host).isEqualTo(403);
            assertThat(ApiClient.bodyOf(answer)).contains("\"error_code\":\"PERMISSION_DENIED\"")
                    .contains(HostHeaderCheck.INVALID_HOST_MESSAGE);
        }
        String upload = client.raw("PUT /api/2.0/mlflow-artifacts/artifacts/rebind.txt HTTP/1.1\r\nHost: evil.com\r\n"
                + "Content-Length: 1\r\nConnection: close\r\n\r\nx");
        assertThat(ApiClient.statusOf(upload)).isEqualTo(403);
        // load balancer probes call by IP and are answered whatever the Host
        assertThat(ApiClient.statusOf(client.rawGet("/health", "10.1.2.3:5000"))).isEqualTo(200);
    }

    @Test
    void allowedHostsFlagIsHonoured(@TempDir Path ownDirectory) {
        try (TestServer allowList = TestServer.builder(ownDirectory.resolve("a"))
                .allowedHosts(List.of("mlflow.example.com", "*.corp.example", "10.0.0.5:5000")).start()) {
            ApiClient api = allowList.client;
            assertThat(ApiClient.statusOf(api.rawGet(API + "experiments/search", "mlflow.example.com"))).isEqualTo(200);
            assertThat(ApiClient.statusOf(api.rawGet(API + "experiments/search", "mlflow.example.com:443"))).isEqualTo(200);
            assertThat(ApiClient.statusOf(api.rawGet(API + "experiments/search", "tracking.corp.example"))).isEqualTo(200);
            assertThat(ApiClient.statusOf(api.rawGet(API + "experiments/search", "10.0.0.5:5000"))).isEqualTo(200);
            assertThat(ApiClient.statusOf(api.rawGet(API + "experiments/search", "10.0.0.5:6000"))).isEqualTo(403);
            assertThat(ApiClient.statusOf(api.rawGet(API + "experiments/search", "evil.example.com"))).isEqualTo(403);
            assertThat(ApiClient.statusOf(api.rawGet(API + "experiments/search", "localhost"))).isEqualTo(200);
        }
        try (TestServer anyHost = TestServer.builder(ownDirectory.resolve("b")).allowedHosts(List.of("*")).start()) {
            assertThat(ApiClient.statusOf(anyHost.client.rawGet(API + "experiments/search", "anything.example")))
                    .isEqualTo(200);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST experiments/create", "GET experiments/get", "GET experiments/get-by-name",
        "GET experiments/search", "POST experiments/search", "POST experiments/update", "POST experiments/delete",
        "POST experiments/restore", "POST experiments/set-experiment-tag", "POST experiments/delete-experiment-tag",
        "POST runs/create", "GET runs/get", "POST runs/update", "POST runs/delete", "POST runs/restore",
        "POST runs/search", "POST runs/log-metric", "POST runs/log-parameter", "POST runs/log-batch",
        "POST runs/log-inputs", "POST runs/set-tag", "POST runs/delete-tag", "GET metrics/get-history",
        "GET metrics/get-history-bulk-interval", "GET artifacts/list"})
    void endpointIsServedUnderBothPrefixes(String endpoint) {
        String method = endpoint.substring(0, endpoint.indexOf(' '));
        String path = endpoint.substring(endpoint.indexOf(' ') + 1);
        for (String prefix : List.of("/api/2.0/mlflow/", "/ajax-api/2.0/mlflow/")) {
            Response response = method.equals("GET") ? client.get(prefix + path) : client.post(prefix + path, "{}");
            assertThat(response.errorCode()).as(prefix + path).isNotEqualTo("ENDPOINT_NOT_FOUND");
            assertThat(response.status()).as(prefix + path).isIn(200, 400);
        }
    }

    @Test
    void oversizedHeadersGetAJsonError() {
        String answer = client.raw("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "x".repeat(80_000)
                + "\r\nConnection: close\r\n\r\n");
        assertThat(ApiClient.statusOf(answer)).isEqualTo(431);
        assertThat(answer).contains("application/json").doesNotContain("<html");
    }

    @Test
    void everyTrackingEndpointIsAlsoServedUnderAjaxApi() {
        Response api = TestServer.expectOk(client.get(API + "experiments/get?experiment_id=0"));
        Response ajax = TestServer.expectOk(client.get("/ajax-api/2.0/mlflow/experiments/get?experiment_id=0"));
        assertThat(ajax.json()).isEqualTo(api.json());
        TestServer.expectOk(client.post("/ajax-api/2.0/mlflow/experiments/search", "{}"));
    }

    @Test
    void responsesAreJsonWithNosniff() {
        Response response = TestServer.expectOk(client.get(API + "experiments/get?experiment_id=0"));
        assertThat(response.header("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertThat(response.header("X-Content-Type-Options")).hasValue("nosniff");
    }

    @Test
    void healthVersionAndServerInfo() {
        Response health = TestServer.expectOk(client.get("/health"));
        assertThat(health.body()).isEqualTo("OK");
        assertThat(TestServer.expectOk(client.get("/version")).body()).isEqualTo(TestServer.VERSION);
        for (String prefix : List.of("/api/3.0/mlflow/", "/ajax-api/3.0/mlflow/")) {
            JsonNode info = TestServer.expectOk(client.get(prefix + "server-info")).json();
            assertThat(info.get("store_type").asText()).isEqualTo("SqlStore");
            assertThat(info.get("workspaces_enabled").asBoolean()).isFalse();
        }
    }

    @Test
    void metricsExposePrometheusCountersAndLatencyHistograms() {
        TestServer.expectOk(client.get(API + "experiments/get?experiment_id=0"));
        client.get(API + "experiments/get?experiment_id=424242");
        client.get("/definitely/not/a/route/" + System.nanoTime());
        System.gc(); // the server runs in this JVM: after a collection, the live heap is more than nothing
        Response metrics = TestServer.expectOk(client.get("/metrics"));
        assertThat(metrics.header("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
        String text = metrics.body();
        assertThat(text).contains("# TYPE slipway_http_requests_total counter")
                .contains("slipway_http_requests_total{route=\"/api/2.0/mlflow/experiments/get\",method=\"GET\",status=\"200\"}")
                .contains("slipway_http_requests_total{route=\"/api/2.0/mlflow/experiments/get\",method=\"GET\",status=\"404\"}")
                .contains("# TYPE slipway_http_request_duration_seconds histogram")
                .contains("slipway_http_request_duration_seconds_bucket{route=\"/api/2.0/mlflow/experiments/get\",le=\"+Inf\"}")
                .contains("slipway_http_request_duration_seconds_count{route=\"/api/2.0/mlflow/experiments/get\"}")
                .contains("route=\"unmatched\"")
                .doesNotContain("/definitely/not");
        assertThat(text).containsPattern("\njvm_memory_heap_used_bytes [1-9][0-9]*\n")
                .containsPattern("\njvm_memory_heap_after_gc_bytes [1-9][0-9]*\n")
                .containsPattern("\njvm_threads_live [1-9][0-9]*\n")
                .contains("# TYPE process_cpu_seconds_total counter");
    }

    @Test
    void unexpectedFailuresAre500WithAGenericJsonBody(@TempDir Path ownDirectory) {
        try (TestServer broken = TestServer.start(ownDirectory)) {
            broken.store.close();
            Response response = broken.client.get(API + "experiments/get?experiment_id=0");
            assertThat(response.status()).isEqualTo(500);
            assertThat(response.errorCode()).isEqualTo("INTERNAL_ERROR");
            assertThat(response.body()).doesNotContain("Exception", "\tat ", "java.");
        }
    }
}
