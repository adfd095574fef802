package dev.slipway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.server.ApiClient.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Slipway's prediction log endpoints against a real server over a SQLite file. */
class PredictionLogApiTest {
    private static final String API = "/api/2.0/slipway/predictions/";
    private static final String AJAX = "/ajax-api/2.0/slipway/predictions/";
    private static final AtomicInteger MODELS = new AtomicInteger();

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

    @Test
    void loggedBatchIsSearchableWithInputsAndOutputsAsJson() {
        String model = newModel();
        ok(client.post(API + "log-batch", "{\"predictions\": ["
                + row("r1", 0, 1000, model, "3", "stable", "{\"age\": 41, \"city\": \"Zürich\"}",
                        "{\"label\": \"yes\", \"probability_yes\": 0.9}", 1.5) + ", "
                + row("r1", 1, 1000, model, "3", "stable", "{\"age\": null, \"city\": \"Bern\"}",
                        "{\"label\": \"no\", \"probability_yes\": 0.2}", 1.5) + ", "
                + row("r2", 0, 2000, model, "4", "canary", "{\"age\": 7}", "{\"label\": \"no\"}", 0.25) + "]}"));

        JsonNode found = ok(client.post(AJAX + "search", "{\"model_name\": \"" + model + "\"}")).json();
        JsonNode predictions = found.get("predictions");
        assertThat(predictions).hasSize(3);
        JsonNode first = predictions.get(0);
        assertThat(first.get("request_id").asText()).isEqualTo("r1");
        assertThat(first.get("row_index").asInt()).isZero();
        assertThat(first.get("timestamp_ms").asLong()).isEqualTo(1000);
        assertThat(first.get("model_version").asText()).isEqualTo("3");
        assertThat(first.get("variant").asText()).isEqualTo("stable");
        assertThat(first.get("inputs").get("city").asText()).isEqualTo("Zürich");
        assertThat(first.get("outputs").get("probability_yes").asDouble()).isEqualTo(0.9);
        assertThat(first.get("latency_ms").asDouble()).isEqualTo(1.5);
        assertThat(first.has("actual")).isFalse();
        assertThat(predictions.get(1).get("inputs").get("age").isNull()).isTrue();
        assertThat(found.has("next_page_token")).isFalse();

        JsonNode canary = ok(client.post(API + "search", "{\"model_name\": \"" + model
                + "\", \"variant\": \"canary\", \"start_time\": 1500, \"end_time\": 2001}")).json();
        assertThat(canary.get("predictions")).extracting(node -> node.get("request_id").asText())
                .containsExactly("r2");
        assertThat(ok(client.post(API + "count", "{\"model_name\": \"" + model + "\", \"model_version\": 3}"))
                .json().get("count").asLong()).isEqualTo(2);
    }

    @Test
    void feedbackJoinsWithItsPredictionEvenWhenItArrivesFirst() {
        String model = newModel();
        ok(client.post(API + "feedback", "{\"feedback\": [{\"request_id\": \"early-" + model + "\", \"actual\": "
                + "\"yes\", \"timestamp_ms\": 5000}]}"));
        ok(client.post(API + "log-batch", "{\"predictions\": ["
                + row("early-" + model, 0, 1000, model, "1", "stable", "{}", "{\"label\": \"no\"}", 1) + ", "
                + row("late-" + model, 0, 1001, model, "1", "stable", "{}", "{\"prediction\": 2.5}", 1) + "]}"));
        ok(client.post(API + "feedback", "{\"feedback\": [{\"request_id\": \"late-" + model + "\", \"row_index\": 0, "
                + "\"actual\": {\"value\": 3.0}}]}"));

        JsonNode predictions = ok(client.post(API + "search", "{\"model_name\": \"" + model + "\"}")).json()
                .get("predictions");
        assertThat(predictions.get(0).get("actual").asText()).isEqualTo("yes");
        assertThat(predictions.get(0).get("feedback_timestamp_ms").asLong()).isEqualTo(5000);
        assertThat(predictions.get(1).get("actual").get("value").asDouble()).isEqualTo(3.0);
        assertThat(predictions.get(1).get("feedback_timestamp_ms").asLong()).isPositive();
    }

    @Test
    void searchPagesThroughEveryRow() {
        String model = newModel();
        List<String> rows = new ArrayList<>();
        for (int index = 0; index < 25; index++) {
            rows.add(row("p" + index, 0, 1000 + index, model, "1", "stable", "{}", "{}", 1));
        }
        ok(client.post(API + "log-batch", "{\"predictions\": [" + String.join(", ", rows) + "]}"));

        List<String> seen = new ArrayList<>();
        String token = "";
        do {
            JsonNode page = ok(client.post(API + "search", "{\"model_name\": \"" + model
                    + "\", \"max_results\": 10, \"page_token\": \"" + token + "\"}")).json();
            page.get("predictions").forEach(node -> seen.add(node.get("request_id").asText()));
            token = page.path("next_page_token").asText("");
        } while (!token.isEmpty());
        assertThat(seen).hasSize(25).startsWith("p0", "p1").endsWith("p24");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{}|Missing value for required parameter 'predictions'",
        "{\"predictions\": [{\"row_index\": 0}]}|'predictions[0].request_id'",
        "{\"predictions\": [ROW_WITH_ARRAY_INPUTS]}|'predictions[0].inputs'",
        "{\"predictions\": [ROW_WITH_NEGATIVE_LATENCY]}|predictions[0].latency_ms",
        "{\"predictions\": [ROW_WITH_BAD_TIME]}|'predictions[0].timestamp_ms'",
        "{\"predictions\": 5}|'predictions'"})
    void malformedBatchesAreRefusedWithTheField(String caseText) {
        String[] parts = caseText.split("\\|");
        String body = parts[0]
                .replace("ROW_WITH_ARRAY_INPUTS", row("x", 0, 1, "m", "1", "stable", "[1, 2]", "{}", 1))
                .replace("ROW_WITH_NEGATIVE_LATENCY", row("x", 0, 1, "m", "1", "stable", "{}", "{}", -2))
                .replace("ROW_WITH_BAD_TIME", row("x", 0, 1, "m", "1", "stable", "{}", "{}", 1)
                        .replace("\"timestamp_ms\": 1", "\"timestamp_ms\": \"soon\""));
        Response response = client.post(API + "log-batch", body);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("error_code").asText()).isEqualTo("INVALID_PARAMETER_VALUE");
        assertThat(response.json().get("message").asText()).contains(parts[1]);
    }

    @Test
    void badSearchesAndFeedbackAreRefusedNot500() {
        assertBadRequest(client.post(API + "search", "{}"), "model_name");
        assertBadRequest(client.post(API + "search", "{\"model_name\": \"m\", \"max_results\": 100000}"),
                "max_results");
        assertBadRequest(client.post(API + "search", "{\"model_name\": \"m\", \"page_token\": \"??\"}"),
                "page token");
        assertBadRequest(client.post(API + "feedback", "{\"feedback\": [{\"request_id\": \"r\"}]}"),
                "feedback[0].actual");
        assertBadRequest(client.post(API + "feedback", "{\"feedback\": [{\"request_id\": \"r\", \"actual\": 1, "
                + "\"row_index\": -1}]}"), "feedback[0].row_index");
        assertBadRequest(client.post(API + "log-batch", "{\"predictions\": [}"), "");
    }

    private static void assertBadRequest(Response response, String messagePart) {
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.json().get("message").asText()).contains(messagePart);
    }

    private static String row(String requestId, int rowIndex, long time, String model, String version,
            String variant, String inputs, String outputs, double latency) {
        return "{\"request_id\": \"" + requestId + "\", \"row_index\": " + rowIndex + ", \"timestamp_ms\": " + time
                + ", \"model_name\": \"" + model + "\", \"model_version\": \"" + version + "\", \"variant\": \""
                + variant + "\", \"inputs\": " + inputs + ", \"outputs\": " + outputs + ", \"latency_ms\": "
                + latency + "}";
    }

    private static Response ok(Response response) {
        return TestServer.expectOk(response);
    }

    private static String newModel() {
        return "model-" + MODELS.incrementAndGet();
    }
}
