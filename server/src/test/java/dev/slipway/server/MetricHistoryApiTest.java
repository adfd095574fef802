package dev.slipway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.server.ApiClient.Response;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricHistoryApiTest {
    private static final String API = "/api/2.0/mlflow/";
    /** Points of the large streamed history; a million are streamed in well under 2 s, but inserting them takes longer. */
    private static final int LARGE_HISTORY_POINTS = 200_000;

    @TempDir
    static Path directory;

    private static TestServer server;
    private static ApiClient client;
    private static String experimentId;

    @BeforeAll
    static void startServer() {
        server = TestServer.start(directory);
        client = server.client;
        experimentId = server.createExperiment("history");
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static void logPoints(String runId, String key, int fromStep, int toStep) {
        StringBuilder json = new StringBuilder("{\"run_id\": \"" + runId + "\", \"metrics\": [");
        for (int step = fromStep; step < toStep; step++) {
            json.append(step == fromStep ? "" : ",").append("{\"key\": \"").append(key).append("\", \"value\": ")
                    .append(step * 0.5).append(", \"timestamp\": ").append(1_000_000 + step).append(", \"step\": ")
                    .append(step).append('}');
        }
        TestServer.expectOk(client.post(API + "runs/log-batch", json.append("]}").toString()));
    }

    @Test
    void historyIsReturnedInStepOrderAndPagedWithTokens() {
        String runId = server.createRunId(experimentId);
        logPoints(runId, "loss", 0, 10);

        JsonNode all = TestServer.expectOk(client.get(API + "metrics/get-history?run_id=" + runId + "&metric_key=loss"))
                .json();
        assertThat(steps(all)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(all.has("next_page_token")).isFalse();
        assertThat(all.get("metrics").get(3).get("value").asDouble()).isEqualTo(1.5);
        assertThat(all.get("metrics").get(3).get("timestamp").asLong()).isEqualTo(1_000_003L);

        List<Long> paged = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            String query = "metrics/get-history?run_id=" + runId + "&metric_key=loss&max_results=4"
                    + (token == null ? "" : "&page_token=" + token);
            JsonNode page = TestServer.expectOk(client.get(API + query)).json();
            paged.addAll(steps(page));
            token = page.has("next_page_token") ? page.get("next_page_token").asText() : null;
            pages++;
        } while (token != null && pages < 10);
        assertThat(paged).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void historyRequestsAreValidatedBeforeAnythingIsStreamed() {
        String runId = server.createRunId(experimentId);
        Response noKey = client.get(API + "metrics/get-history?run_id=" + runId);
        assertThat(noKey.status()).isEqualTo(400);
        assertThat(noKey.message()).startsWith("Missing value for required parameter 'metric_key'");
        Response unknownRun = client.get(API + "metrics/get-history?run_id=" + "b".repeat(32) + "&metric_key=m");
        assertThat(unknownRun.status()).isEqualTo(404);
        assertThat(unknownRun.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
        assertThat(client.get(API + "metrics/get-history?run_id=" + runId + "&metric_key=m&page_token=zz%21")
                .status()).isEqualTo(400);
        assertThat(client.get(API + "metrics/get-history?run_id=" + runId + "&metric_key=m&max_results=x")
                .status()).isEqualTo(400);
    }

    @Test
    void largeHistoryIsStreamedCompleteAndInOrder() throws Exception {
        String runId = server.createRunId(experimentId);
        for (int from = 0; from < LARGE_HISTORY_POINTS; from += 1000) {
            logPoints(runId, "big", from, from + 1000);
        }
        HttpRequest request = HttpRequest.newBuilder(client.uri(API + "metrics/get-history?run_id=" + runId
                + "&metric_key=big")).GET().build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        long count = 0;
        long expectedStep = 0;
        boolean ordered = true;
        try (InputStream body = response.body(); JsonParser parser = ApiClient.JSON.getFactory().createParser(body)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.FIELD_NAME && parser.currentName().equals("step")) {
                    parser.nextToken();
                    ordered &= parser.getLongValue() == expectedStep;
                    expectedStep++;
                    count++;
                }
            }
        }
        assertThat(count).isEqualTo(LARGE_HISTORY_POINTS);
        assertThat(ordered).isTrue();
    }

    @Test
    void bulkHistoryOrdersByRunThenTimeAndTruncates() {
        String first = server.createRunId(experimentId);
        String second = server.createRunId(experimentId);
        logPoints(first, "acc", 0, 3);
        logPoints(second, "acc", 0, 3);
        String ajax = "/ajax-api/2.0/mlflow/metrics/get-history-bulk?metric_key=acc&run_id=" + first + "&run_id=" + second;

        JsonNode all = TestServer.expectOk(client.get(ajax)).json().get("metrics");
        assertThat(all).hasSize(6);
        List<String> expectedRunOrder = first.compareTo(second) < 0 ? List.of(first, second) : List.of(second, first);
        assertThat(all.get(0).get("run_id").asText()).isEqualTo(expectedRunOrder.get(0));
        assertThat(all.get(5).get("run_id").asText()).isEqualTo(expectedRunOrder.get(1));
        assertThat(all.get(1).get("timestamp").asLong()).isGreaterThan(all.get(0).get("timestamp").asLong());

        JsonNode truncated = TestServer.expectOk(client.get(ajax + "&max_results=4")).json().get("metrics");
        assertThat(truncated).hasSize(4);
        assertThat(truncated.get(3).get("run_id").asText()).isEqualTo(expectedRunOrder.get(1));

        assertThat(client.get("/ajax-api/2.0/mlflow/metrics/get-history-bulk?metric_key=acc").status()).isEqualTo(400);
        assertThat(client.get("/ajax-api/2.0/mlflow/metrics/get-history-bulk?run_id=" + first).status()).isEqualTo(400);
        StringBuilder tooMany = new StringBuilder("/ajax-api/2.0/mlflow/metrics/get-history-bulk?metric_key=acc");
        for (int index = 0; index < 101; index++) {
            tooMany.append("&run_id=").append(first);
        }
        assertThat(client.get(tooMany.toString()).status()).isEqualTo(400);
        assertThat(client.get("/api/2.0/mlflow/metrics/get-history-bulk?metric_key=acc&run_id=" + first).status())
                .isEqualTo(404);
    }

    @Test
    void bulkIntervalSamplesStepsKeepingFirstAndLast() {
        String runId = server.createRunId(experimentId);
        logPoints(runId, "curve", 0, 10);
        String base = API + "metrics/get-history-bulk-interval?metric_key=curve&run_ids=" + runId;

        JsonNode sampled = TestServer.expectOk(client.get(base + "&max_results=5")).json();
        assertThat(steps(sampled)).containsExactly(0L, 2L, 4L, 6L, 8L, 9L);
        assertThat(sampled.get("metrics").get(0).get("run_id").asText()).isEqualTo(runId);

        JsonNode window = TestServer.expectOk(client.get(base + "&start_step=3&end_step=5")).json();
        assertThat(steps(window)).containsExactly(3L, 4L, 5L);

        assertThat(client.get(API + "metrics/get-history-bulk-interval?metric_key=curve").status()).isEqualTo(400);
        assertThat(client.get(base + "&max_results=0").json().get("message").asText())
                .contains("must be between 1 and 2500");
        assertThat(client.get(API + "metrics/get-history-bulk-interval?metric_key=&run_ids=" + runId).status())
                .isEqualTo(400);
        assertThat(client.get(base + "&start_step=5&end_step=3").status()).isEqualTo(400);
        assertThat(client.get(base + "&start_step=5").status()).isEqualTo(400);
        StringBuilder tooMany = new StringBuilder(API + "metrics/get-history-bulk-interval?metric_key=curve");
        for (int index = 0; index < 101; index++) {
            tooMany.append("&run_ids=").append(runId);
        }
        assertThat(client.get(tooMany.toString()).status()).isEqualTo(400);
    }

    private static List<Long> steps(JsonNode page) {
        List<Long> steps = new ArrayList<>();
        page.path("metrics").forEach(metric -> steps.add(metric.get("step").asLong()));
        return steps;
    }
}
