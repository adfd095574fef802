package dev.slipway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.monitoring.DatasetSketch;
import dev.slipway.server.ApiClient.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The monitoring window endpoint against a real server over a SQLite file, fed through log-batch. */
class MonitoringWindowApiTest {
    private static final String LOG = "/api/2.0/slipway/predictions/log-batch";
    private static final String WINDOW = "/api/2.0/slipway/monitoring/window";
    private static final long HOUR = 3_600_000L;
    private static final long T0 = 1_767_225_600_000L;
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
    void windowHasEveryLoggedRowWithExactCountsAndMeans() {
        String model = newModel();
        List<String> rows = new ArrayList<>();
        String[] cities = {"Bern", "Basel", "Zürich"};
        for (int index = 0; index < 60; index++) {
            rows.add(row(model, "3", T0 + index * 1000L, "{\"age\": " + index + ", \"city\": \"" + cities[index % 3]
                    + "\", \"income\": " + (index % 2 == 0 ? "null" : String.valueOf(index * 10)) + "}",
                    "{\"label\": \"" + (index % 4 == 0 ? "yes" : "no") + "\", \"probability\": " + index / 100.0
                    + "}"));
        }
        logBatch(rows.subList(0, 25));
        logBatch(rows.subList(25, 60));

        JsonNode window = window(model, "3", "&start_time=" + T0 + "&end_time=" + (T0 + HOUR));

        assertThat(window.get("model_name").asText()).isEqualTo(model);
        assertThat(window.get("model_version").asText()).isEqualTo("3");
        assertThat(window.get("start_time").asLong()).isEqualTo(T0);
        assertThat(window.get("end_time").asLong()).isEqualTo(T0 + HOUR);
        assertThat(window.get("rows").asLong()).isEqualTo(60);
        DatasetSketch sketch = DatasetSketch.fromJson(window.get("sketch"));
        assertThat(sketch.rows()).isEqualTo(60);
        assertThat(sketch.numeric("age").count()).isEqualTo(60);
        assertThat(sketch.numeric("age").mean()).isEqualTo(29.5);
        assertThat(sketch.numeric("age").min()).isEqualTo(0);
        assertThat(sketch.numeric("age").max()).isEqualTo(59);
        assertThat(sketch.numeric("income").count()).isEqualTo(30);
        assertThat(sketch.numeric("income").missingCount()).isEqualTo(30);
        assertThat(sketch.numeric("income").mean()).isEqualTo(300.0);
        assertThat(sketch.categorical("city").counts()).containsEntry("Bern", 20L).containsEntry("Basel", 20L)
                .containsEntry("Zürich", 20L);
        assertThat(sketch.categorical("prediction.label").count("yes")).isEqualTo(15);
        assertThat(sketch.categorical("prediction.label").count("no")).isEqualTo(45);
        assertThat(sketch.numeric("prediction.probability").mean()).isCloseTo(0.295, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void windowCountsTheBucketsThatOverlapIt() {
        String model = newModel();
        logBatch(List.of(row(model, "1", T0 + 10 * 60_000, "{\"x\": 1}", "{\"y\": 1}"),
                row(model, "1", T0 + HOUR + 5 * 60_000, "{\"x\": 2}", "{\"y\": 2}"),
                row(model, "1", T0 + 2 * HOUR + 5 * 60_000, "{\"x\": 4}", "{\"y\": 4}")));

        assertThat(rows(model, "1", T0 + HOUR, T0 + 2 * HOUR)).isEqualTo(1);
        assertThat(rows(model, "1", T0 + HOUR + 30 * 60_000, T0 + 2 * HOUR + 1)).isEqualTo(2);
        assertThat(rows(model, "1", T0, T0 + 3 * HOUR)).isEqualTo(3);
        assertThat(rows(model, "1", T0 + 3 * HOUR, T0 + 4 * HOUR)).isZero();
        JsonNode lastTwo = window(model, "1", "&start_time=" + (T0 + HOUR) + "&end_time=" + (T0 + 3 * HOUR));
        assertThat(DatasetSketch.fromJson(lastTwo.get("sketch")).numeric("x").mean()).isEqualTo(3.0);
    }

    @Test
    void versionsAreSketchedApart() {
        String model = newModel();
        logBatch(List.of(row(model, "1", T0, "{\"x\": 1}", "{\"y\": 1}"), row(model, "2", T0, "{\"x\": 5}", "{\"y\": 1}"),
                row(model, "2", T0, "{\"x\": 7}", "{\"y\": 1}")));

        assertThat(rows(model, "1", T0, T0 + HOUR)).isEqualTo(1);
        assertThat(rows(model, "2", T0, T0 + HOUR)).isEqualTo(2);
    }

    @Test
    void windowWithoutPredictionsHasNoRowsAndANullSketch() {
        JsonNode window = window(newModel(), "1", "&start_time=" + T0 + "&end_time=" + (T0 + HOUR));

        assertThat(window.get("rows").asLong()).isZero();
        assertThat(window.get("sketch").isNull()).isTrue();
        assertThat(window.get("start_time").asLong()).isEqualTo(T0);
    }

    @Test
    void windowDefaultsToTheLast24HoursUpToNow() {
        String model = newModel();
        long now = System.currentTimeMillis();
        logBatch(List.of(row(model, "1", now - 60_000, "{\"x\": 1}", "{\"y\": 1}"),
                row(model, "1", now - 48 * HOUR, "{\"x\": 2}", "{\"y\": 1}")));

        JsonNode window = ok(client.get(WINDOW + "?model_name=" + model + "&model_version=1")).json();

        assertThat(window.get("rows").asLong()).isEqualTo(1);
        assertThat(window.get("end_time").asLong()).isBetween(now, System.currentTimeMillis());
        assertThat(window.get("end_time").asLong() - window.get("start_time").asLong()).isEqualTo(24 * HOUR);
    }

    @Test
    void windowIsServedUnderAjaxApiToo() {
        String model = newModel();
        logBatch(List.of(row(model, "1", T0, "{\"x\": 1}", "{\"y\": 1}")));

        JsonNode window = ok(client.get("/ajax-api/2.0/slipway/monitoring/window?model_name=" + model
                + "&model_version=1&start_time=" + T0 + "&end_time=" + (T0 + 1))).json();

        assertThat(window.get("rows").asLong()).isEqualTo(1);
    }

    @Test
    void badParametersAreRejectedWith400() {
        assertBadRequest(WINDOW + "?model_version=1", "model_name");
        assertBadRequest(WINDOW + "?model_name=m", "model_version");
        assertBadRequest(WINDOW + "?model_name=m&model_version=1&start_time=yesterday", "start_time");
        assertBadRequest(WINDOW + "?model_name=m&model_version=1&end_time=1.5", "end_time");
        assertBadRequest(WINDOW + "?model_name=m&model_version=1&start_time=20&end_time=10", "start_time 20");
    }

    @Test
    void rowsSurviveARestartAndAddToRowsLoggedAfterIt() {
        Path folder = directory.resolve("restart");
        String model = newModel();
        try (TestServer first = TestServer.start(folder)) {
            first.client.post(LOG, "{\"predictions\": [" + row(model, "1", T0, "{\"x\": 1}", "{\"y\": 0}") + ", "
                    + row(model, "1", T0 + 1, "{\"x\": 3}", "{\"y\": 0}") + "]}");
        }
        try (TestServer second = TestServer.start(folder)) {
            ok(second.client.post(LOG, "{\"predictions\": [" + row(model, "1", T0 + 2, "{\"x\": 8}", "{\"y\": 0}")
                    + "]}"));

            JsonNode window = ok(second.client.get(WINDOW + "?model_name=" + model + "&model_version=1&start_time="
                    + T0 + "&end_time=" + (T0 + HOUR))).json();

            assertThat(window.get("rows").asLong()).isEqualTo(3);
            assertThat(DatasetSketch.fromJson(window.get("sketch")).numeric("x").mean()).isEqualTo(4.0);
        }
    }

    @Test
    void rejectedBatchIsNotSketched() {
        String model = newModel();
        Response refused = client.post(LOG, "{\"predictions\": [" + row(model, "1", T0, "{\"x\": 1}", "{\"y\": 0}")
                + ", " + row(model, "1", T0, "{\"x\": 1}", "{\"y\": 0}").replace("\"stable\"", "\"" + "v".repeat(40)
                + "\"") + "]}");
        assertThat(refused.status()).isEqualTo(400);

        assertThat(rows(model, "1", T0, T0 + HOUR)).isZero();
    }

    private static void assertBadRequest(String pathAndQuery, String messagePart) {
        Response response = client.get(pathAndQuery);
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
        assertThat(response.message()).contains(messagePart);
    }

    private static long rows(String model, String version, long start, long end) {
        return window(model, version, "&start_time=" + start + "&end_time=" + end).get("rows").asLong();
    }

    private static JsonNode window(String model, String version, String range) {
        return ok(client.get(WINDOW + "?model_name=" + model + "&model_version=" + version + range)).json();
    }

    private static void logBatch(List<String> rows) {
        ok(client.post(LOG, "{\"predictions\": [" + String.join(", ", rows) + "]}"));
    }

    private static String row(String model, String version, long time, String inputs, String outputs) {
        return "{\"request_id\": \"r-" + time + "\", \"row_index\": 0, \"timestamp_ms\": " + time
                + ", \"model_name\": \"" + model + "\", \"model_version\": \"" + version
                + "\", \"variant\": \"stable\", \"inputs\": " + inputs + ", \"outputs\": " + outputs
                + ", \"latency_ms\": 1.0}";
    }

    private static Response ok(Response response) {
        return TestServer.expectOk(response);
    }

    private static String newModel() {
        return "monitored-" + MODELS.incrementAndGet();
    }
}
