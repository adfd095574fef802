package dev.slipway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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

/** The live model quality endpoint against a real server over a SQLite file, fed through log-batch and feedback. */
class ModelQualityApiTest {
    private static final String LOG = "/api/2.0/slipway/predictions/log-batch";
    private static final String FEEDBACK = "/api/2.0/slipway/predictions/feedback";
    private static final String QUALITY = "/api/2.0/slipway/monitoring/quality";
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
    void binaryClassifierQualityMatchesHandComputedMetrics() {
        String model = newModel();
        double[] yes = {0.8, 0.6, 0.3, 0.1, 0.9, 0.7};
        String[] actual = {"yes", "no", "yes", "no", "yes", null};
        List<String> rows = new ArrayList<>();
        List<String> feedback = new ArrayList<>();
        for (int index = 0; index < yes.length; index++) {
            rows.add(row(model, "2", "r" + index, T0 + index, classifier(yes[index])));
            if (actual[index] != null) {
                feedback.add(feedback("r" + index, "\"" + actual[index] + "\""));
            }
        }
        rows.add(row(model, "1", "other-version", T0, classifier(0.9)));
        feedback.add(feedback("other-version", "\"no\""));
        logBatch(rows);
        sendFeedback(feedback);

        JsonNode answer = quality(model, "2", T0, T0 + HOUR, "");

        assertThat(answer.get("model_name").asText()).isEqualTo(model);
        assertThat(answer.get("model_version").asText()).isEqualTo("2");
        assertThat(answer.get("start_time").asLong()).isEqualTo(T0);
        assertThat(answer.get("end_time").asLong()).isEqualTo(T0 + HOUR);
        assertThat(answer.get("predictions").asLong()).isEqualTo(6);
        assertThat(answer.get("labelled").asLong()).isEqualTo(5);
        assertThat(answer.get("skipped").asLong()).isZero();
        assertThat(answer.get("task").asText()).isEqualTo("classification");
        assertThat(answer.get("positive_label").asText()).isEqualTo("yes");
        assertThat(answer.has("not_enough_data")).isFalse();
        JsonNode quality = answer.get("quality");
        // predicted yes, yes, no, no, yes against yes, no, yes, no, yes: TP 2, FP 1, FN 1, TN 1
        assertThat(quality.get("rows").asLong()).isEqualTo(5);
        assertThat(quality.get("accuracy").asDouble()).isCloseTo(0.6, within(1e-12));
        assertThat(quality.get("precision").asDouble()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(quality.get("recall").asDouble()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(quality.get("f1").asDouble()).isCloseTo(2.0 / 3, within(1e-12));
        // positive scores 0.8, 0.3, 0.9 against negative 0.6, 0.1: 5 of 6 pairs ordered
        assertThat(quality.get("roc_auc").asDouble()).isCloseTo(5.0 / 6, within(1e-12));
        double logLoss = -(Math.log(0.8) + Math.log(0.4) + Math.log(0.3) + Math.log(0.9) + Math.log(0.9)) / 5;
        assertThat(quality.get("log_loss").asDouble()).isCloseTo(logLoss, within(1e-6));

        JsonNode negative = quality(model, "2", T0, T0 + HOUR, "&positive_label=no");
        assertThat(negative.get("positive_label").asText()).isEqualTo("no");
        // predicted no twice, once right; actual no twice
        assertThat(negative.get("quality").get("precision").asDouble()).isEqualTo(0.5);
        assertThat(negative.get("quality").get("recall").asDouble()).isEqualTo(0.5);
    }

    @Test
    void regressionQualityMatchesHandComputedMetricsAcrossPages() {
        String model = newModel();
        // 10,001 rows read in two pages: prediction i % 4, actual i % 4 + 1 for even i and i % 4 - 1 for odd i
        int count = 10_001;
        List<String> rows = new ArrayList<>();
        List<String> feedback = new ArrayList<>();
        double errors = 0;
        double labelSum = 0;
        for (int index = 0; index < count; index++) {
            rows.add(row(model, "1", "q" + index, T0 + index, "{\"prediction\": " + index % 4 + "}"));
            int label = index % 4 + (index % 2 == 0 ? 1 : -1);
            feedback.add(feedback("q" + index, Integer.toString(label)));
            errors += index % 4 - label;
            labelSum += label;
            if (rows.size() == 5000) {
                logBatch(rows);
                sendFeedback(feedback);
                rows.clear();
                feedback.clear();
            }
        }
        logBatch(rows);
        sendFeedback(feedback);
        double mean = labelSum / count;
        double sst = 0;
        for (int index = 0; index < count; index++) {
            double label = index % 4 + (index % 2 == 0 ? 1 : -1);
            sst += (label - mean) * (label - mean);
        }

        JsonNode answer = quality(model, "1", T0, T0 + HOUR, "");

        assertThat(answer.get("predictions").asLong()).isEqualTo(count);
        assertThat(answer.get("labelled").asLong()).isEqualTo(count);
        assertThat(answer.get("task").asText()).isEqualTo("regression");
        assertThat(answer.has("positive_label")).isFalse();
        JsonNode quality = answer.get("quality");
        assertThat(quality.get("rows").asLong()).isEqualTo(count);
        assertThat(quality.get("mean_error").asDouble()).isCloseTo(errors / count, within(1e-9));
        assertThat(quality.get("mae").asDouble()).isCloseTo(1.0, within(1e-12));
        assertThat(quality.get("rmse").asDouble()).isCloseTo(1.0, within(1e-12));
        assertThat(quality.get("r2").asDouble()).isCloseTo(1 - count / sst, within(1e-9));
    }

    @Test
    void windowWithoutPredictionsHasNoQuality() {
        JsonNode answer = quality(newModel(), "1", T0, T0 + HOUR, "");

        assertThat(answer.get("predictions").asLong()).isZero();
        assertThat(answer.get("labelled").asLong()).isZero();
        assertThat(answer.get("task").isNull()).isTrue();
        assertThat(answer.get("quality").isNull()).isTrue();
        assertThat(answer.get("not_enough_data").asText()).startsWith("no labelled predictions in the window");
    }

    @Test
    void feedbackForUnknownRequestIdsNeverJoins() {
        String model = newModel();
        logBatch(List.of(row(model, "1", "known", T0, classifier(0.7))));
        sendFeedback(List.of(feedback("unknown-1", "\"yes\""), feedback("known", "\"no\"").replace("\"row_index\": 0",
                "\"row_index\": 3")));

        JsonNode answer = quality(model, "1", T0, T0 + HOUR, "");

        assertThat(answer.get("predictions").asLong()).isEqualTo(1);
        assertThat(answer.get("labelled").asLong()).isZero();
        assertThat(answer.get("quality").isNull()).isTrue();
        assertThat(answer.get("not_enough_data").asText())
                .contains("no labelled predictions in the window", "request id and row match a logged prediction");
    }

    @Test
    void unreadableActualValuesAreSkippedWithTheReason() {
        String model = newModel();
        logBatch(List.of(row(model, "1", "a", T0, "{\"prediction\": 2.5}"),
                row(model, "1", "b", T0 + 1, "{\"prediction\": 3.5}")));
        sendFeedback(List.of(feedback("a", "[1, 2]"), feedback("b", "{\"x\": 1, \"y\": 2}")));

        JsonNode answer = quality(model, "1", T0, T0 + HOUR, "");

        assertThat(answer.get("labelled").asLong()).isEqualTo(2);
        assertThat(answer.get("skipped").asLong()).isEqualTo(2);
        assertThat(answer.get("skipped_reason").asText()).contains("[1,2]");
        assertThat(answer.get("quality").isNull()).isTrue();
        assertThat(answer.get("not_enough_data").asText()).contains("none of the 2 labelled predictions could be read");
    }

    @Test
    void qualityIsServedUnderAjaxApiToo() {
        String model = newModel();
        logBatch(List.of(row(model, "1", "ajax", T0, "{\"prediction\": 1}")));
        sendFeedback(List.of(feedback("ajax", "1")));

        Response response = client.get("/ajax-api/2.0/slipway/monitoring/quality?model_name=" + model
                + "&model_version=1&start_time=" + T0 + "&end_time=" + (T0 + 1));

        JsonNode answer = TestServer.expectOk(response).json();
        assertThat(answer.get("quality").get("mae").asDouble()).isZero();
    }

    @Test
    void badParametersAreRejectedWith400() {
        assertBadRequest(QUALITY + "?model_version=1", "model_name");
        assertBadRequest(QUALITY + "?model_name=m", "model_version");
        assertBadRequest(QUALITY + "?model_name=m&model_version=1&start_time=yesterday", "start_time");
        assertBadRequest(QUALITY + "?model_name=m&model_version=1&end_time=1.5", "end_time");
        assertBadRequest(QUALITY + "?model_name=m&model_version=1&start_time=20&end_time=10", "start_time 20");
        assertBadRequest(QUALITY + "?model_name=m&model_version=1&start_time=-5&end_time=10", "start_time");
        assertBadRequest(QUALITY + "?model_name=m&model_version=1&positive_label=" + "x".repeat(300), "positive_label");
        assertBadRequest(QUALITY + "?model_name=" + "m".repeat(300) + "&model_version=1", "model_name");
    }

    private static JsonNode quality(String model, String version, long start, long end, String extra) {
        return TestServer.expectOk(client.get(QUALITY + "?model_name=" + model + "&model_version=" + version
                + "&start_time=" + start + "&end_time=" + end + extra)).json();
    }

    private static void assertBadRequest(String pathAndQuery, String messagePart) {
        Response response = client.get(pathAndQuery);
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
        assertThat(response.message()).contains(messagePart);
    }

    /** A classifier's outputs as model servers log them: label, then a probability per class in class order. */
    private static String classifier(double yes) {
        return "{\"label\": \"" + (yes > 0.5 ? "yes" : "no") + "\", \"probability_no\": " + (1 - yes)
                + ", \"probability_yes\": " + yes + "}";
    }

    private static void logBatch(List<String> rows) {
        TestServer.expectOk(client.post(LOG, "{\"predictions\": [" + String.join(", ", rows) + "]}"));
    }

    private static void sendFeedback(List<String> entries) {
        TestServer.expectOk(client.post(FEEDBACK, "{\"feedback\": [" + String.join(", ", entries) + "]}"));
    }

    private static String feedback(String requestId, String actual) {
        return "{\"request_id\": \"" + requestId + "\", \"row_index\": 0, \"actual\": " + actual + "}";
    }

    private static String row(String model, String version, String requestId, long time, String outputs) {
        return "{\"request_id\": \"" + requestId + "\", \"row_index\": 0, \"timestamp_ms\": " + time
                + ", \"model_name\": \"" + model + "\", \"model_version\": \"" + version
                + "\", \"variant\": \"stable\", \"inputs\": {\"x\": 1}, \"outputs\": " + outputs
                + ", \"latency_ms\": 1.0}";
    }

    private static String newModel() {
        return "quality-" + MODELS.incrementAndGet();
    }
}
