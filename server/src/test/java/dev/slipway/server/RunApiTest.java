package dev.slipway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.server.ApiClient.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunApiTest {
    private static final String API = "/api/2.0/mlflow/";

    @TempDir
    static Path directory;

    private static TestServer server;
    private static ApiClient client;
    private static String experimentId;

    @BeforeAll
    static void startServer() {
        server = TestServer.start(directory);
        client = server.client;
        experimentId = server.createExperiment("runs");
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static String newRun() {
        return server.createRunId(experimentId);
    }

    private static Response post(String endpoint, String json) {
        return client.post(API + endpoint, json);
    }

    @Test
    void createRunTakesUserFromTagAndEchoesStartTimeAndName() {
        Response created = post("runs/create", """
                {"experiment_id": "%s", "start_time": 1234567890123, "run_name": "my-run",
                 "tags": [{"key": "mlflow.user", "value": "alice"}, {"key": "team", "value": "ml"}]}
                """.formatted(experimentId));
        TestServer.expectOk(created);
        JsonNode info = created.json().get("run").get("info");
        String runId = info.get("run_id").asText();
        assertThat(runId).matches("[0-9a-f]{32}");
        assertThat(info.get("run_uuid").asText()).isEqualTo(runId);
        assertThat(info.get("user_id").asText()).isEqualTo("alice");
        assertThat(info.get("start_time").asLong()).isEqualTo(1234567890123L);
        assertThat(info.get("start_time").isIntegralNumber()).isTrue();
        assertThat(info.get("run_name").asText()).isEqualTo("my-run");
        assertThat(info.get("status").asText()).isEqualTo("RUNNING");
        assertThat(info.get("lifecycle_stage").asText()).isEqualTo("active");
        assertThat(info.get("experiment_id").asText()).isEqualTo(experimentId);
        assertThat(info.get("artifact_uri").asText()).isEqualTo("mlflow-artifacts:/" + experimentId + "/" + runId
                + "/artifacts");
        assertThat(info.has("end_time")).isFalse();

        JsonNode fetched = server.getRun(runId);
        assertThat(fetched.get("info").get("run_name").asText()).isEqualTo("my-run");
        assertThat(fetched.get("info").get("start_time").asLong()).isEqualTo(1234567890123L);
        assertThat(tagMap(fetched.get("data").get("tags"))).containsEntry("mlflow.runName", "my-run")
                .containsEntry("team", "ml");
        assertThat(fetched.get("inputs").isObject()).isTrue();

        JsonNode searched = searchRuns("{\"experiment_ids\": [\"" + experimentId + "\"], \"filter\": \"run_name = 'my-run'\"}");
        assertThat(searched.get("runs").get(0).get("info").get("start_time").asLong()).isEqualTo(1234567890123L);
    }

    @Test
    void createRunWithoutTagsHasUnknownUserAndNumericExperimentIdIsAccepted() {
        Response created = post("runs/create", "{\"experiment_id\": " + experimentId + "}");
        TestServer.expectOk(created);
        assertThat(created.json().get("run").get("info").get("user_id").asText()).isEqualTo("unknown");
    }

    @Test
    void logMetricAcceptsNanAndInfinitiesAndHistoryCarriesAllFields() {
        String runId = newRun();
        TestServer.expectOk(post("runs/log-metric", "{\"run_id\": \"%s\", \"key\": \"nan\", \"value\": NaN, \"timestamp\": 1}"
                .formatted(runId)));
        TestServer.expectOk(post("runs/log-metric", "{\"run_id\": \"%s\", \"key\": \"pos\", \"value\": \"Infinity\", \"timestamp\": 1}"
                .formatted(runId)));
        TestServer.expectOk(post("runs/log-metric", "{\"run_id\": \"%s\", \"key\": \"neg\", \"value\": -Infinity, \"timestamp\": \"1\"}"
                .formatted(runId)));
        TestServer.expectOk(post("runs/log-metric", "{\"run_uuid\": \"%s\", \"key\": \"plain\", \"value\": 2.5, \"timestamp\": 7, \"step\": \"3\"}"
                .formatted(runId)));

        Map<String, JsonNode> metrics = new HashMap<>();
        server.getRun(runId).get("data").get("metrics").forEach(metric -> metrics.put(metric.get("key").asText(), metric));
        assertThat(metrics.get("nan").get("value").asText()).isEqualTo("NaN");
        assertThat(metrics.get("pos").get("value").asDouble()).isGreaterThanOrEqualTo(1.7976931348623157e308);
        assertThat(metrics.get("neg").get("value").asDouble()).isLessThanOrEqualTo(-1.7976931348623157e308);
        assertThat(metrics.get("plain").get("step").asLong()).isEqualTo(3);

        JsonNode history = TestServer.expectOk(client.get(API + "metrics/get-history?run_id=" + runId
                + "&metric_key=nan")).json().get("metrics");
        assertThat(history).hasSize(1);
        assertThat(history.get(0).get("key").asText()).isEqualTo("nan");
        assertThat(history.get(0).get("value").asText()).isEqualTo("NaN");
        assertThat(history.get(0).get("timestamp").asLong()).isEqualTo(1);
        assertThat(history.get(0).get("step").asLong()).isEqualTo(0);

        Response unknown = TestServer.expectOk(client.get(API + "metrics/get-history?run_id=" + runId
                + "&metric_key=unknown"));
        assertThat(unknown.json().path("metrics").size()).isZero();
    }

    @Test
    void logMetricRejectsWrongTypesAndMissingValues() {
        String runId = newRun();
        assertInvalid(post("runs/log-metric", "{\"run_id\": 31, \"key\": \"m\", \"value\": 1, \"timestamp\": 1}"),
                "Invalid value 31 for parameter 'run_id' supplied");
        assertInvalid(post("runs/log-metric", "{\"run_id\": \"%s\", \"key\": 31, \"value\": 1, \"timestamp\": 1}"
                .formatted(runId)), "Invalid value 31 for parameter 'key' supplied");
        assertInvalid(post("runs/log-metric", "{\"run_id\": \"%s\", \"key\": \"m\", \"value\": 1, \"timestamp\": 1, \"step\": \"foo\"}"
                .formatted(runId)), "Invalid value \"foo\" for parameter 'step' supplied");
        assertInvalid(post("runs/log-metric", "{\"run_id\": \"%s\", \"key\": \"m\", \"value\": 1, \"timestamp\": \"foo\"}"
                .formatted(runId)), "Invalid value \"foo\" for parameter 'timestamp' supplied");
        assertInvalid(post("runs/log-metric", "{\"run_id\": \"%s\", \"key\": \"m\", \"value\": true, \"timestamp\": 1}"
                .formatted(runId)), "for parameter 'value' supplied");
        assertInvalid(post("runs/log-metric", "{\"run_id\": null, \"key\": \"m\", \"value\": 1, \"timestamp\": 1}"),
                "Missing value for required parameter 'run_id'");
        assertInvalid(post("runs/log-metric", "{\"run_id\": \"%s\", \"value\": 1, \"timestamp\": 1}".formatted(runId)),
                "Missing value for required parameter 'key'");
        assertInvalid(post("runs/log-metric", "{\"run_id\": \"%s\", \"key\": \"m\", \"value\": 1}".formatted(runId)),
                "Missing value for required parameter 'timestamp'");
    }

    @Test
    void emptyParamAndTagValuesAreAccepted() {
        String runId = newRun();
        TestServer.expectOk(post("runs/log-parameter", "{\"run_id\": \"%s\", \"key\": \"p\", \"value\": \"\"}".formatted(runId)));
        TestServer.expectOk(post("runs/set-tag", "{\"run_id\": \"%s\", \"key\": \"t\", \"value\": \"\"}".formatted(runId)));
        TestServer.expectOk(post("runs/log-batch", """
                {"run_id": "%s", "params": [{"key": "bp", "value": ""}], "tags": [{"key": "bt", "value": ""}]}
                """.formatted(runId)));
        JsonNode data = server.getRun(runId).get("data");
        assertThat(tagMap(data.get("params"))).containsEntry("p", "").containsEntry("bp", "");
        assertThat(tagMap(data.get("tags"))).containsEntry("t", "").containsEntry("bt", "");
    }

    @Test
    void setTagRejectsNonStringValueAndAcceptsRunUuid() {
        String runId = newRun();
        assertInvalid(post("runs/set-tag", "{\"run_id\": \"%s\", \"key\": \"k\", \"value\": 41}".formatted(runId)),
                "Invalid value 41 for parameter 'value' supplied");
        TestServer.expectOk(post("runs/set-tag", "{\"run_uuid\": \"%s\", \"key\": \"k\", \"value\": \"v\"}".formatted(runId)));
        assertThat(tagMap(server.getRun(runId).get("data").get("tags"))).containsEntry("k", "v");
    }

    @Test
    void deleteTagReportsUnknownRunUnknownKeyAndDeletedRun() {
        String runId = newRun();
        TestServer.expectOk(post("runs/set-tag", "{\"run_id\": \"%s\", \"key\": \"k\", \"value\": \"v\"}".formatted(runId)));
        TestServer.expectOk(post("runs/delete-tag", "{\"run_id\": \"%s\", \"key\": \"k\"}".formatted(runId)));
        assertThat(tagMap(server.getRun(runId).get("data").get("tags"))).doesNotContainKey("k");

        Response unknownRun = post("runs/delete-tag", "{\"run_id\": \"%s\", \"key\": \"k\"}".formatted("f".repeat(32)));
        assertThat(unknownRun.status()).isEqualTo(404);
        assertThat(unknownRun.message()).contains("Run with id=" + "f".repeat(32) + " not found");

        Response unknownKey = post("runs/delete-tag", "{\"run_id\": \"%s\", \"key\": \"fakeTag\"}".formatted(runId));
        assertThat(unknownKey.status()).isEqualTo(404);
        assertThat(unknownKey.message()).contains("No tag with name: fakeTag");

        TestServer.expectOk(post("runs/delete", "{\"run_id\": \"%s\"}".formatted(runId)));
        Response deleted = post("runs/delete-tag", "{\"run_id\": \"%s\", \"key\": \"k\"}".formatted(runId));
        assertThat(deleted.status()).isEqualTo(400);
        assertThat(deleted.message()).contains("must be in 'active' lifecycle_stage");
    }

    @Test
    void logBatchRoundTripsMetricsParamsAndTags() {
        String runId = newRun();
        TestServer.expectOk(post("runs/log-batch", """
                {"run_id": "%s",
                 "metrics": [{"key": "m", "value": 1.5, "timestamp": 10, "step": 2}, {"key": "nostep", "value": 3, "timestamp": 10}],
                 "params": [{"key": "p", "value": "pv"}],
                 "tags": [{"key": "t", "value": "tv"}]}
                """.formatted(runId)));
        JsonNode data = server.getRun(runId).get("data");
        Map<String, JsonNode> metrics = new HashMap<>();
        data.get("metrics").forEach(metric -> metrics.put(metric.get("key").asText(), metric));
        assertThat(metrics.get("m").get("value").asDouble()).isEqualTo(1.5);
        assertThat(metrics.get("m").get("step").asLong()).isEqualTo(2);
        assertThat(metrics.get("nostep").get("step").asLong()).isZero();
        assertThat(tagMap(data.get("params"))).containsEntry("p", "pv");
        assertThat(tagMap(data.get("tags"))).containsEntry("t", "tv");
    }

    @Test
    void logBatchRejectsMalformedMetrics() {
        String runId = newRun();
        assertInvalid(post("runs/log-batch", "{\"run_id\": \"%s\", \"metrics\": \"foo\"}".formatted(runId)),
                "Invalid value \"foo\" for parameter 'metrics' supplied");
        assertInvalid(post("runs/log-batch", "{\"run_id\": \"%s\", \"metrics\": [{\"key\": \"m\", \"value\": 1}]}"
                .formatted(runId)), "Missing value for required parameter 'metrics[0].timestamp'");
        assertInvalid(post("runs/log-batch", "{\"run_id\": \"%s\", \"metrics\": [1, 2]}".formatted(runId)),
                "for parameter 'metrics' supplied");
    }

    @Test
    void logBatchRejectsTooManyEntries() {
        String runId = newRun();
        assertThat(post("runs/log-batch", batch(runId, 1001, 0, 0)).status()).isEqualTo(400);
        assertThat(post("runs/log-batch", batch(runId, 0, 101, 0)).status()).isEqualTo(400);
        assertThat(post("runs/log-batch", batch(runId, 0, 0, 101)).status()).isEqualTo(400);
        Response total = post("runs/log-batch", batch(runId, 900, 100, 100));
        assertThat(total.status()).isEqualTo(400);
        assertThat(total.message()).contains("at most 1000");
        TestServer.expectOk(post("runs/log-batch", batch(runId, 1000, 0, 0)));
    }

    @Test
    void logBatchBodyOverOneMillionBytesIsRejectedBeforeParsing() {
        String runId = newRun();
        String padding = "x".repeat(1_000_001);
        Response response = post("runs/log-batch", "{\"run_id\": \"" + runId + "\", \"tags\": [{\"key\": \"k\", \"value\": \""
                + padding + "\"}]}");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
        assertThat(response.message()).startsWith("Batched logging API requests must be at most 1000000 bytes");
        // not parsed: even an invalid body of that size gets the size error
        Response garbage = post("runs/log-batch", "{" + padding);
        assertThat(garbage.message()).startsWith("Batched logging API requests must be at most 1000000 bytes");
    }

    @Test
    void paramsAreWriteOnceAndDuplicateKeysInABatchAreRejected() {
        String runId = newRun();
        TestServer.expectOk(post("runs/log-parameter", "{\"run_id\": \"%s\", \"key\": \"p\", \"value\": \"a\"}".formatted(runId)));
        TestServer.expectOk(post("runs/log-parameter", "{\"run_id\": \"%s\", \"key\": \"p\", \"value\": \"a\"}".formatted(runId)));
        Response changed = post("runs/log-parameter", "{\"run_id\": \"%s\", \"key\": \"p\", \"value\": \"b\"}".formatted(runId));
        assertThat(changed.status()).isEqualTo(400);
        assertThat(changed.message()).contains("Changing param values is not allowed");

        Response duplicates = post("runs/log-batch", """
                {"run_id": "%s", "params": [{"key": "q", "value": "1"}, {"key": "q", "value": "2"}]}
                """.formatted(runId));
        assertThat(duplicates.status()).isEqualTo(400);
        assertThat(duplicates.message()).contains("Duplicate parameter keys");
    }

    @Test
    void lastTagOfABatchWinsAndIdenticalMetricRowsAreStoredOnce() {
        String runId = newRun();
        TestServer.expectOk(post("runs/log-batch", """
                {"run_id": "%s",
                 "metrics": [{"key": "m", "value": 1, "timestamp": 5, "step": 1}, {"key": "m", "value": 1, "timestamp": 5, "step": 1}],
                 "tags": [{"key": "t", "value": "first"}, {"key": "t", "value": "last"}]}
                """.formatted(runId)));
        TestServer.expectOk(post("runs/log-metric", "{\"run_id\": \"%s\", \"key\": \"m\", \"value\": 1, \"timestamp\": 5, \"step\": 1}"
                .formatted(runId)));
        assertThat(tagMap(server.getRun(runId).get("data").get("tags"))).containsEntry("t", "last");
        JsonNode history = TestServer.expectOk(client.get(API + "metrics/get-history?run_id=" + runId
                + "&metric_key=m")).json().get("metrics");
        assertThat(history).hasSize(1);
    }

    @Test
    void latestMetricIsTheGreatestStepThenTimestampThenValue() {
        String runId = newRun();
        TestServer.expectOk(post("runs/log-batch", """
                {"run_id": "%s", "metrics": [
                  {"key": "m", "value": 9, "timestamp": 100, "step": 1},
                  {"key": "m", "value": 1, "timestamp": 50, "step": 2},
                  {"key": "m", "value": 2, "timestamp": 50, "step": 2},
                  {"key": "m", "value": 0, "timestamp": 10, "step": 2}]}
                """.formatted(runId)));
        JsonNode latest = server.getRun(runId).get("data").get("metrics").get(0);
        assertThat(latest.get("value").asDouble()).isEqualTo(2);
        assertThat(latest.get("step").asLong()).isEqualTo(2);
    }

    @Test
    void updateRunTerminatesHonoursStatusAndRenamesAlone() {
        String runId = newRun();
        long before = System.currentTimeMillis();
        Response finished = post("runs/update", "{\"run_id\": \"%s\", \"status\": \"FINISHED\", \"end_time\": %d}"
                .formatted(runId, before));
        TestServer.expectOk(finished);
        JsonNode runInfo = finished.json().get("run_info");
        assertThat(runInfo.get("status").asText()).isEqualTo("FINISHED");
        assertThat(runInfo.get("end_time").asLong()).isEqualTo(before).isLessThanOrEqualTo(System.currentTimeMillis());

        String failedRun = newRun();
        TestServer.expectOk(post("runs/update", "{\"run_uuid\": \"%s\", \"status\": 4}".formatted(failedRun)));
        assertThat(server.getRun(failedRun).get("info").get("status").asText()).isEqualTo("FAILED");

        String renamedRun = newRun();
        TestServer.expectOk(post("runs/update", "{\"run_id\": \"%s\", \"run_name\": \"new-name\"}".formatted(renamedRun)));
        JsonNode renamed = server.getRun(renamedRun);
        assertThat(renamed.get("info").get("run_name").asText()).isEqualTo("new-name");
        assertThat(renamed.get("info").get("status").asText()).isEqualTo("RUNNING");
        assertThat(tagMap(renamed.get("data").get("tags"))).containsEntry("mlflow.runName", "new-name");

        assertThat(post("runs/update", "{\"run_id\": \"%s\", \"status\": \"DONE\"}".formatted(renamedRun)).status())
                .isEqualTo(400);
    }

    @Test
    void deleteAndRestoreRunFlipLifecycleAndSearchHidesDeletedRuns() {
        String ownExperiment = server.createExperiment("lifecycle-" + UUID.randomUUID());
        String runId = server.createRunId(ownExperiment);
        TestServer.expectOk(post("runs/delete", "{\"run_id\": \"%s\"}".formatted(runId)));
        assertThat(server.getRun(runId).get("info").get("lifecycle_stage").asText()).isEqualTo("deleted");
        assertThat(searchRuns("{\"experiment_ids\": [\"" + ownExperiment + "\"]}").path("runs").size()).isZero();
        assertThat(searchRuns("{\"experiment_ids\": [\"" + ownExperiment + "\"], \"run_view_type\": \"DELETED_ONLY\"}")
                .get("runs")).hasSize(1);
        Response logToDeleted = post("runs/log-metric", "{\"run_id\": \"%s\", \"key\": \"m\", \"value\": 1, \"timestamp\": 1}"
                .formatted(runId));
        assertThat(logToDeleted.status()).isEqualTo(400);
        TestServer.expectOk(post("runs/restore", "{\"run_id\": \"%s\"}".formatted(runId)));
        assertThat(searchRuns("{\"experiment_ids\": [\"" + ownExperiment + "\"]}").get("runs")).hasSize(1);
    }

    @Test
    void getRunOfUnknownRunIs404AndMissingRunIdIs400() {
        Response unknown = client.get(API + "runs/get?run_id=" + "a".repeat(32));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
        assertThat(client.get(API + "runs/get").status()).isEqualTo(400);
        TestServer.expectOk(client.get(API + "runs/get?run_uuid=" + newRun()));
    }

    @Test
    void searchPagesRunsWithEqualStartTimesByRunId() {
        String ownExperiment = server.createExperiment("paging-" + UUID.randomUUID());
        List<String> runIds = new ArrayList<>();
        for (int index = 0; index < 10; index++) {
            runIds.add(server.createRunId(ownExperiment));
        }
        runIds.sort(String::compareTo);
        List<String> seen = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        String token = null;
        do {
            String tokenField = token == null ? "" : ", \"page_token\": \"" + token + "\"";
            JsonNode page = searchRuns("{\"experiment_ids\": [\"" + ownExperiment + "\"], \"max_results\": 4" + tokenField + "}");
            pageSizes.add(page.path("runs").size());
            page.path("runs").forEach(run -> seen.add(run.get("info").get("run_id").asText()));
            token = page.has("next_page_token") ? page.get("next_page_token").asText() : null;
        } while (token != null && pageSizes.size() < 10);
        assertThat(seen).containsExactlyElementsOf(runIds);
        assertThat(pageSizes.subList(0, 3)).containsExactly(4, 4, 2);
    }

    @Test
    void searchOrdersByMetricWithMissingValuesLast() {
        String ownExperiment = server.createExperiment("order-" + UUID.randomUUID());
        String low = server.createRunId(ownExperiment);
        String high = server.createRunId(ownExperiment);
        String none = server.createRunId(ownExperiment);
        String nan = server.createRunId(ownExperiment);
        logMetric(low, "acc", "0.1");
        logMetric(high, "acc", "0.9");
        logMetric(nan, "acc", "\"NaN\"");
        assertThat(runIds(searchRuns("{\"experiment_ids\": [\"" + ownExperiment + "\"], \"order_by\": [\"metrics.acc DESC\"]}")))
                .containsExactly(high, low, nan, none);
        assertThat(runIds(searchRuns("{\"experiment_ids\": [\"" + ownExperiment + "\"], \"order_by\": [\"metrics.acc ASC\"]}")))
                .containsExactly(low, high, nan, none);
        assertThat(runIds(searchRuns("{\"experiment_ids\": [\"" + ownExperiment + "\"], \"filter\": \"metrics.acc > 0.5\"}")))
                .containsExactly(high);
    }

    @Test
    void searchRejectsHugeMaxResultsAndTreatsEmptyPageTokenAsNone() {
        Response huge = post("runs/search", "{\"experiment_ids\": [\"" + experimentId + "\"], \"max_results\": 123456789}");
        assertThat(huge.status()).isEqualTo(400);
        assertThat(huge.message()).contains("Invalid value 123456789 for parameter 'max_results' supplied");
        TestServer.expectOk(post("runs/search", "{\"experiment_ids\": [\"" + experimentId + "\"], \"page_token\": \"\"}"));
        assertThat(post("runs/search", "{\"experiment_ids\": [\"" + experimentId + "\"], \"filter\": \"metrics.x > 'a'\"}")
                .status()).isEqualTo(400);
    }

    @Test
    void logInputsRoundTripsDatasetsAndInputTags() {
        String runId = newRun();
        TestServer.expectOk(post("runs/log-inputs", """
                {"run_id": "%s", "datasets": [{
                   "tags": [{"key": "mlflow.data.context", "value": "training"}],
                   "dataset": {"name": "iris", "digest": "abc123", "source_type": "local",
                               "source": "{\\"uri\\": \\"/data/iris.csv\\"}", "schema": "{}", "profile": "{\\"rows\\": 150}"}}]}
                """.formatted(runId)));
        JsonNode inputs = server.getRun(runId).get("inputs").get("dataset_inputs");
        assertThat(inputs).hasSize(1);
        JsonNode dataset = inputs.get(0).get("dataset");
        assertThat(dataset.get("name").asText()).isEqualTo("iris");
        assertThat(dataset.get("digest").asText()).isEqualTo("abc123");
        assertThat(dataset.get("source_type").asText()).isEqualTo("local");
        assertThat(dataset.get("source").asText()).isEqualTo("{\"uri\": \"/data/iris.csv\"}");
        assertThat(dataset.get("schema").asText()).isEqualTo("{}");
        assertThat(dataset.get("profile").asText()).isEqualTo("{\"rows\": 150}");
        assertThat(tagMap(inputs.get(0).get("tags"))).containsEntry("mlflow.data.context", "training");

        assertThat(post("runs/log-inputs", "{\"datasets\": []}").status()).isEqualTo(400);
        Response noDatasets = post("runs/log-inputs", "{\"run_id\": \"%s\"}".formatted(runId));
        assertThat(noDatasets.status()).isEqualTo(400);
        assertThat(noDatasets.message()).contains("'datasets'");
        assertThat(post("runs/log-inputs", "{\"run_id\": \"%s\", \"datasets\": [{\"dataset\": {\"name\": \"x\"}}]}"
                .formatted(runId)).status()).isEqualTo(400);
    }

    private static void logMetric(String runId, String key, String valueJson) {
        TestServer.expectOk(post("runs/log-metric", "{\"run_id\": \"%s\", \"key\": \"%s\", \"value\": %s, \"timestamp\": 1}"
                .formatted(runId, key, valueJson)));
    }

    private static JsonNode searchRuns(String json) {
        return TestServer.expectOk(post("runs/search", json)).json();
    }

    private static List<String> runIds(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("runs").forEach(run -> ids.add(run.get("info").get("run_id").asText()));
        return ids;
    }

    private static String batch(String runId, int metrics, int params, int tags) {
        StringBuilder json = new StringBuilder("{\"run_id\": \"" + runId + "\", \"metrics\": [");
        for (int index = 0; index < metrics; index++) {
            json.append(index == 0 ? "" : ",").append("{\"key\": \"m\", \"value\": ").append(index)
                    .append(", \"timestamp\": 1, \"step\": ").append(index).append('}');
        }
        json.append("], \"params\": [");
        for (int index = 0; index < params; index++) {
            json.append(index == 0 ? "" : ",").append("{\"key\": \"p").append(index).append("\", \"value\": \"v\"}");
        }
        json.append("], \"tags\": [");
        for (int index = 0; index < tags; index++) {
            json.append(index == 0 ? "" : ",").append("{\"key\": \"t").append(index).append("\", \"value\": \"v\"}");
        }
        return json.append("]}").toString();
    }

    private static void assertInvalid(Response response, String messagePart) {
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
        assertThat(response.message()).contains(messagePart);
    }

    static Map<String, String> tagMap(JsonNode keyValues) {
        Map<String, String> values = new HashMap<>();
        if (keyValues != null) {
            keyValues.forEach(entry -> values.put(entry.get("key").asText(), entry.get("value").asText()));
        }
        return values;
    }
}
