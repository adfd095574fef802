package dev.slipway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

/** Slipway's monitor endpoints and their series in {@code /metrics}, against a real server over a SQLite file. */
class MonitorApiTest {
    private static final String API = "/api/2.0/slipway/monitors/";
    private static final String AJAX = "/ajax-api/2.0/slipway/monitors/";
    private static final long T0 = 1_767_225_600_000L;
    private static final AtomicInteger NAMES = new AtomicInteger();

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
    void createdMonitorIsNormalisedAndCanBeReadListedAndReplaced() {
        String name = newName();
        long before = System.currentTimeMillis();
        JsonNode created = ok(client.post(API + "create", "{\"monitor\": {\"name\": \"" + name
                + "\", \"model\": \"models:/churn@champion\", \"window\": \"1h\"}}")).json().get("monitor");

        assertThat(created.get("name").asText()).isEqualTo(name);
        assertThat(created.get("definition").get("name").asText()).isEqualTo(name);
        assertThat(created.get("definition").get("model").asText()).isEqualTo("models:/churn@champion");
        assertThat(created.get("creation_time").asLong()).isGreaterThanOrEqualTo(before);
        assertThat(created.get("last_update_time").asLong()).isEqualTo(created.get("creation_time").asLong());
        assertThat(created.has("latest_result")).isFalse();

        JsonNode got = ok(client.get(AJAX + "get?name=" + name)).json();
        assertThat(got.get("monitor")).isEqualTo(created);
        assertThat(got.has("latest_result")).isFalse();
        assertThat(ok(client.get(API + "list")).json().get("monitors"))
                .anySatisfy(monitor -> assertThat(monitor).isEqualTo(created));

        Response duplicate = client.post(API + "create", "{\"monitor\": {\"name\": \"" + name
                + "\", \"model\": \"models:/churn/3\"}}");
        assertThat(duplicate.status()).isEqualTo(400);
        assertThat(duplicate.errorCode()).isEqualTo("RESOURCE_ALREADY_EXISTS");
        assertThat(duplicate.message()).contains(name);

        JsonNode replaced = ok(client.post(API + "create", "{\"monitor\": {\"name\": \"" + name
                + "\", \"model\": \"models:/churn/3\"}, \"replace\": true}")).json().get("monitor");
        assertThat(replaced.get("definition").get("model").asText()).isEqualTo("models:/churn/3");
        assertThat(replaced.get("creation_time")).isEqualTo(created.get("creation_time"));
        assertThat(replaced.get("last_update_time").asLong()).isGreaterThanOrEqualTo(
                created.get("last_update_time").asLong());
    }

    @Test
    void listedMonitorsAreOrderedByNameWithTheirLatestResult() {
        String prefix = newName();
        createMonitor(prefix + "-b");
        createMonitor(prefix + "-a");
        addResult(prefix + "-b", T0, "ok");
        JsonNode latest = addResult(prefix + "-b", T0 + 1, "alert");

        List<JsonNode> listed = new ArrayList<>();
        for (JsonNode monitor : ok(client.get(API + "list")).json().get("monitors")) {
            if (monitor.get("name").asText().startsWith(prefix + "-")) {
                listed.add(monitor);
            }
        }

        assertThat(listed).extracting(monitor -> monitor.get("name").asText()).containsExactly(prefix + "-a",
                prefix + "-b");
        assertThat(listed.get(0).has("latest_result")).isFalse();
        assertThat(listed.get(1).get("latest_result")).isEqualTo(latest);
    }

    @Test
    void resultsAreStoredWithEveryFieldAndListedNewestFirst() {
        String name = newName();
        createMonitor(name);
        long before = System.currentTimeMillis();
        JsonNode stamped = ok(client.post(API + "results/create", "{\"result\": {\"monitor_name\": \"" + name
                + "\", \"window_start\": 1000, \"window_end\": \"2000\", \"rows\": 0, \"status\": \"not_enough_data\", "
                + "\"report\": {\"rows\": 0}}}")).json().get("result");
        JsonNode first = addResult(name, T0, "ok");
        JsonNode second = addResult(name, T0 + 10, "alert");

        assertThat(stamped.get("time").asLong()).isGreaterThanOrEqualTo(before);
        assertThat(stamped.get("window_end").asLong()).isEqualTo(2000);
        assertThat(stamped.has("dataset_drift")).isFalse();
        assertThat(stamped.has("drift_share")).isFalse();
        assertThat(stamped.get("status").asText()).isEqualTo("not_enough_data");
        assertThat(second.get("id").isIntegralNumber()).isTrue();
        assertThat(second.get("id").asLong()).isGreaterThan(first.get("id").asLong());
        assertThat(second.get("monitor_name").asText()).isEqualTo(name);
        assertThat(second.get("time").asLong()).isEqualTo(T0 + 10);
        assertThat(second.get("window_start").asLong()).isEqualTo(T0 + 10 - 3_600_000);
        assertThat(second.get("window_end").asLong()).isEqualTo(T0 + 10);
        assertThat(second.get("rows").asLong()).isEqualTo(1000);
        assertThat(second.get("status").asText()).isEqualTo("alert");
        assertThat(second.get("dataset_drift").asBoolean()).isTrue();
        assertThat(second.get("drift_share").asDouble()).isEqualTo(0.6);
        assertThat(second.get("report").get("features").get(0).get("name").asText()).isEqualTo("tenure");

        JsonNode results = ok(client.get(API + "results/list?name=" + name)).json().get("results");
        assertThat(results).containsExactly(stamped, second, first);
        assertThat(ok(client.get(AJAX + "results/list?name=" + name + "&max_results=1")).json().get("results"))
                .containsExactly(stamped);
        assertThat(ok(client.get(API + "get?name=" + name)).json().get("latest_result")).isEqualTo(stamped);
    }

    @Test
    void actionsAreStoredAndListedPerMonitorOrForAll() {
        String name = newName();
        String other = newName();
        createMonitor(name);
        createMonitor(other);
        long resultId = addResult(name, T0, "alert").get("id").asLong();
        long later = 4_000_000_000_000L; // after the actions of the other tests
        JsonNode webhook = addAction(name, resultId, later, "webhook", true);
        JsonNode retrain = addAction(other, 0, later + 1, "retrain", false);
        JsonNode stamped = ok(client.post(API + "actions/create", "{\"action\": {\"monitor_name\": \"" + name
                + "\", \"result_id\": " + resultId + ", \"rule\": \"dataset_drift\", \"kind\": \"webhook\", "
                + "\"succeeded\": \"true\"}}")).json().get("action");

        assertThat(webhook.get("id").isIntegralNumber()).isTrue();
        assertThat(webhook.get("monitor_name").asText()).isEqualTo(name);
        assertThat(webhook.get("result_id").asLong()).isEqualTo(resultId);
        assertThat(webhook.get("time").asLong()).isEqualTo(later);
        assertThat(webhook.get("rule").asText()).isEqualTo("dataset_drift");
        assertThat(webhook.get("cause").asText()).isEqualTo("drift_share 0.6 >= 0.5");
        assertThat(webhook.get("kind").asText()).isEqualTo("webhook");
        assertThat(webhook.get("target").asText()).isEqualTo("https://hooks.example.org/x");
        assertThat(webhook.get("succeeded").asBoolean()).isTrue();
        assertThat(webhook.get("detail").asText()).isEqualTo("HTTP 200");
        assertThat(stamped.get("time").asLong()).isLessThan(later);
        assertThat(stamped.get("cause").asText()).isEmpty();

        assertThat(ok(client.get(API + "actions/list?name=" + name)).json().get("actions"))
                .containsExactly(webhook, stamped);
        assertThat(ok(client.get(AJAX + "actions/list?max_results=2")).json().get("actions"))
                .containsExactly(retrain, webhook);
    }

    @Test
    void deletedMonitorIsGoneWithItsResultsAndActions() {
        String name = newName();
        createMonitor(name);
        long resultId = addResult(name, T0, "alert").get("id").asLong();
        addAction(name, resultId, T0, "webhook", true);

        ok(client.post(API + "delete", "{\"name\": \"" + name + "\"}"));

        expectError(client.get(API + "get?name=" + name), 404, "RESOURCE_DOES_NOT_EXIST", name);
        expectError(client.get(API + "results/list?name=" + name), 404, "RESOURCE_DOES_NOT_EXIST", name);
        expectError(client.get(API + "actions/list?name=" + name), 404, "RESOURCE_DOES_NOT_EXIST", name);
        expectError(client.post(API + "delete", "{\"name\": \"" + name + "\"}"), 404, "RESOURCE_DOES_NOT_EXIST",
                name);
        createMonitor(name);
        assertThat(ok(client.get(API + "results/list?name=" + name)).json().get("results")).isEmpty();
        assertThat(ok(client.get(API + "actions/list?name=" + name)).json().get("actions")).isEmpty();
    }

    @Test
    void unknownMonitorIsNotFound() {
        String name = newName();
        expectError(client.get(API + "get?name=" + name), 404, "RESOURCE_DOES_NOT_EXIST", name);
        expectError(client.post(API + "results/create", resultBody(name, T0, "ok")), 404,
                "RESOURCE_DOES_NOT_EXIST", name);
        expectError(client.post(API + "actions/create", actionBody(name, 1, T0, "webhook", true)), 404,
                "RESOURCE_DOES_NOT_EXIST", name);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{}",
        "{\"monitor\": \"churn\"}",
        "{\"monitor\": [1]}",
        "{\"monitor\": {\"model\": \"models:/churn/1\"}}",
        "{\"monitor\": {\"name\": \"bad name\", \"model\": \"models:/churn/1\"}}",
        "{\"monitor\": {\"name\": \"ok-name\", \"model\": \"churn\"}}",
        "{\"monitor\": {\"name\": \"ok-name\", \"model\": \"models:/churn/1\", \"surprise\": 1}}",
        "{\"monitor\": {\"name\": \"ok-name\", \"model\": \"models:/churn/1\"}, \"replace\": \"maybe\"}"})
    void badMonitorDefinitionsAreRefusedWith400(String body) {
        Response response = client.post(API + "create", body);
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
        assertThat(response.message()).isNotBlank();
    }

    @Test
    void badResultsAreRefusedWith400NamingTheField() {
        String name = newName();
        createMonitor(name);
        String valid = "\"monitor_name\": \"" + name + "\", \"window_start\": 1, \"window_end\": 2, \"rows\": 3";
        expectInvalid(API + "results/create", "{}", "'result'");
        expectInvalid(API + "results/create", "{\"result\": 7}", "'result'");
        expectInvalid(API + "results/create", "{\"result\": {\"window_start\": 1, \"window_end\": 2, \"rows\": 3, "
                + "\"status\": \"ok\", \"report\": {}}}", "'result.monitor_name'");
        expectInvalid(API + "results/create", "{\"result\": {" + valid + ", \"report\": {}}}", "'result.status'");
        expectInvalid(API + "results/create", "{\"result\": {" + valid + ", \"status\": \"fine\", \"report\": {}}}",
                "fine");
        expectInvalid(API + "results/create", "{\"result\": {" + valid + ", \"status\": \"ok\"}}", "'result.report'");
        expectInvalid(API + "results/create", "{\"result\": {" + valid + ", \"status\": \"ok\", \"report\": [1]}}",
                "'result.report'");
        expectInvalid(API + "results/create", "{\"result\": {" + valid + ", \"status\": \"ok\", "
                + "\"report\": \"{}\"}}", "'result.report'");
        expectInvalid(API + "results/create", "{\"result\": {\"monitor_name\": \"" + name + "\", \"window_start\": 1, "
                + "\"window_end\": 2, \"rows\": \"many\", \"status\": \"ok\", \"report\": {}}}", "'result.rows'");
        expectInvalid(API + "results/create", "{\"result\": {\"monitor_name\": \"" + name + "\", \"window_start\": 1, "
                + "\"window_end\": 2, \"rows\": -1, \"status\": \"ok\", \"report\": {}}}", "'result.rows'");
        expectInvalid(API + "results/create", "{\"result\": {\"monitor_name\": \"" + name + "\", \"window_start\": 5, "
                + "\"window_end\": 2, \"rows\": 1, \"status\": \"ok\", \"report\": {}}}", "'result.window_end'");
        expectInvalid(API + "results/create", "{\"result\": {" + valid + ", \"status\": \"ok\", \"report\": {}, "
                + "\"drift_share\": 1.5}}", "'result.drift_share'");
        expectInvalid(API + "results/create", "{\"result\": {" + valid + ", \"status\": \"ok\", \"report\": {}, "
                + "\"dataset_drift\": \"sometimes\"}}", "'result.dataset_drift'");
        expectInvalid(API + "results/create", "{\"result\": {\"monitor_name\": \"no/slash\", \"window_start\": 1, "
                + "\"window_end\": 2, \"rows\": 1, \"status\": \"ok\", \"report\": {}}}", "no/slash");
        assertThat(ok(client.get(API + "results/list?name=" + name)).json().get("results")).isEmpty();
    }

    @Test
    void tooLargeReportIsRefused() {
        String name = newName();
        createMonitor(name);
        String big = "x".repeat(2 * 1024 * 1024);
        expectInvalid(API + "results/create", "{\"result\": {\"monitor_name\": \"" + name + "\", \"window_start\": 1, "
                + "\"window_end\": 2, \"rows\": 1, \"status\": \"ok\", \"report\": {\"big\": \"" + big + "\"}}}",
                "'result.report'");
    }

    @Test
    void badActionsAreRefusedWith400NamingTheField() {
        String name = newName();
        createMonitor(name);
        expectInvalid(API + "actions/create", "{}", "'action'");
        expectInvalid(API + "actions/create", "{\"action\": {\"monitor_name\": \"" + name + "\", \"result_id\": 1, "
                + "\"rule\": \"r\", \"kind\": \"webhook\"}}", "'action.succeeded'");
        expectInvalid(API + "actions/create", "{\"action\": {\"monitor_name\": \"" + name + "\", \"result_id\": 1, "
                + "\"kind\": \"webhook\", \"succeeded\": true}}", "'action.rule'");
        expectInvalid(API + "actions/create", "{\"action\": {\"monitor_name\": \"" + name + "\", "
                + "\"rule\": \"r\", \"kind\": \"webhook\", \"succeeded\": true}}", "'action.result_id'");
        expectInvalid(API + "actions/create", "{\"action\": {\"monitor_name\": \"" + name + "\", \"result_id\": 1, "
                + "\"rule\": \"r\", \"kind\": \"webhook\", \"succeeded\": true, \"detail\": 5}}", "'action.detail'");
        expectInvalid(API + "actions/create", "{\"action\": {\"monitor_name\": \"" + name + "\", \"result_id\": 1, "
                + "\"rule\": \"r\", \"kind\": \"webhook\", \"succeeded\": true, \"detail\": \""
                + "d".repeat(64 * 1024 + 1) + "\"}}", "'action.detail'");
        expectInvalid(API + "actions/create", "{\"action\": {\"monitor_name\": \"" + name + "\", \"result_id\": 1, "
                + "\"rule\": \"r\", \"kind\": \"" + "k".repeat(65) + "\", \"succeeded\": true}}", "'action.kind'");
        assertThat(ok(client.get(API + "actions/list?name=" + name)).json().get("actions")).isEmpty();
    }

    @Test
    void badQueriesAreRefusedWith400() {
        String name = newName();
        createMonitor(name);
        expectInvalid(API + "get", null, "'name'");
        expectInvalid(API + "get?name=bad%20name", null, "bad name");
        expectInvalid(API + "results/list", null, "'name'");
        expectInvalid(API + "results/list?name=" + name + "&max_results=0", null, "'max_results'");
        expectInvalid(API + "results/list?name=" + name + "&max_results=1001", null, "'max_results'");
        expectInvalid(API + "results/list?name=" + name + "&max_results=ten", null, "'max_results'");
        expectInvalid(API + "actions/list?max_results=-1", null, "'max_results'");
        expectInvalid(API + "delete", "{}", "'name'");
        Response notJson = client.post(API + "create", "{\"monitor\": ", "application/json");
        assertThat(notJson.status()).isEqualTo(400);
    }

    @Test
    void metricsExportTheLatestResultOfEachMonitor() {
        String name = newName();
        ok(client.post(API + "create", "{\"monitor\": {\"name\": \"" + name
                + "\", \"model\": \"models:/churn@champion\"}}"));
        addResult(name, T0, "ok");
        ObjectNode body = ApiClient.JSON.createObjectNode();
        ObjectNode result = body.putObject("result").put("monitor_name", name).put("time", T0 + 60_500)
                .put("window_start", T0).put("window_end", T0 + 60_000).put("rows", 1000).put("status", "alert")
                .put("dataset_drift", true).put("drift_share", 0.5);
        ObjectNode report = result.putObject("report").put("rows", 1000).put("dataset_drift", true);
        report.putArray("features")
                .add(ApiClient.JSON.createObjectNode().put("name", "tenure").put("method", "ks").put("score", 0.001)
                        .put("threshold", 0.05).put("drifted", true))
                .add(ApiClient.JSON.createObjectNode().put("name", "plan \"gold\"").put("method", "chisquare")
                        .put("score", 0.7).put("drifted", false))
                .add(ApiClient.JSON.createObjectNode().put("name", "age").put("method", "psi").putNull("score"))
                .add(ApiClient.JSON.createObjectNode().put("method", "psi").put("score", 0.3));
        report.putObject("model_quality").put("rows", 500).put("accuracy", 0.91).put("roc_auc", 0.88)
                .put("f1", "NaN").putNull("log_loss").put("positive_label", "1");
        ok(client.post(API + "results/create", body.toString()));

        Response scrape = client.get("/metrics");
        assertThat(scrape.status()).isEqualTo(200);
        assertThat(scrape.header("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
        String labels = "monitor=\"" + name + "\",model=\"models:/churn@champion\"";
        List<String> lines = scrape.body().lines().filter(line -> line.contains("monitor=\"" + name + "\""))
                .toList();
        assertThat(lines).containsExactly(
                "slipway_monitor_rows{" + labels + "} 1000",
                "slipway_monitor_dataset_drift{" + labels + "} 1",
                "slipway_monitor_drift_share{" + labels + "} 0.5",
                "slipway_monitor_feature_drift_score{" + labels
                        + ",feature=\"plan \\\"gold\\\"\",method=\"chisquare\"} 0.7",
                "slipway_monitor_feature_drift_score{" + labels + ",feature=\"tenure\",method=\"ks\"} 0.001",
                "slipway_monitor_feature_drifted{" + labels + ",feature=\"plan \\\"gold\\\"\"} 0",
                "slipway_monitor_feature_drifted{" + labels + ",feature=\"tenure\"} 1",
                "slipway_monitor_quality{" + labels + ",metric=\"accuracy\"} 0.91",
                "slipway_monitor_quality{" + labels + ",metric=\"roc_auc\"} 0.88",
                "slipway_monitor_last_evaluation_timestamp_seconds{" + labels + "} 1767225660.5",
                "slipway_monitor_status{" + labels + ",status=\"alert\"} 1",
                "slipway_monitor_status{" + labels + ",status=\"error\"} 0",
                "slipway_monitor_status{" + labels + ",status=\"not_enough_data\"} 0",
                "slipway_monitor_status{" + labels + ",status=\"ok\"} 0");
        assertThat(scrape.body()).contains("# HELP slipway_monitor_rows ", "# TYPE slipway_monitor_rows gauge\n",
                "# TYPE slipway_monitor_feature_drift_score gauge\n", "# TYPE slipway_monitor_status gauge\n");
        assertThat(scrape.body().indexOf("# TYPE slipway_monitor_rows gauge")).isLessThan(
                scrape.body().indexOf("# TYPE slipway_monitor_status gauge"));
    }

    @Test
    void metricsCountEachMonitorsActionsByKindAndOutcome() {
        String name = newName();
        createMonitor(name);
        long resultId = addResult(name, T0, "alert").get("id").asLong();
        addAction(name, resultId, T0 + 1, "webhook", true);
        addAction(name, resultId, T0 + 2, "webhook", true);
        addAction(name, resultId, T0 + 3, "webhook", false);
        addAction(name, resultId, T0 + 4, "retrain", true);

        String body = ok(client.get("/metrics")).body();

        assertThat(body).contains("# TYPE slipway_monitor_actions_total counter\n");
        assertThat(body.lines().filter(line -> line.startsWith("slipway_monitor_actions_total{monitor=\"" + name
                + "\""))).containsExactly(
                "slipway_monitor_actions_total{monitor=\"" + name + "\",kind=\"retrain\",succeeded=\"true\"} 1",
                "slipway_monitor_actions_total{monitor=\"" + name + "\",kind=\"webhook\",succeeded=\"false\"} 1",
                "slipway_monitor_actions_total{monitor=\"" + name + "\",kind=\"webhook\",succeeded=\"true\"} 2");
    }

    @Test
    void metricsLeaveOutMonitorsNeverEvaluatedAndMissingDrift() {
        String never = newName();
        String unknownDrift = newName();
        createMonitor(never);
        createMonitor(unknownDrift);
        ok(client.post(API + "results/create", "{\"result\": {\"monitor_name\": \"" + unknownDrift
                + "\", \"time\": 5000, \"window_start\": 1, \"window_end\": 2, \"rows\": 0, \"status\": \"error\", "
                + "\"report\": {\"error\": \"model unavailable\"}}}"));

        String body = ok(client.get("/metrics")).body();

        assertThat(body).doesNotContain("monitor=\"" + never + "\"");
        List<String> lines = body.lines().filter(line -> line.contains("monitor=\"" + unknownDrift + "\"")).toList();
        assertThat(lines).extracting(line -> line.substring(0, line.indexOf('{'))).containsExactly(
                "slipway_monitor_rows", "slipway_monitor_last_evaluation_timestamp_seconds", "slipway_monitor_status",
                "slipway_monitor_status", "slipway_monitor_status", "slipway_monitor_status");
        assertThat(lines).contains("slipway_monitor_last_evaluation_timestamp_seconds{monitor=\"" + unknownDrift
                + "\",model=\"models:/churn@champion\"} 5", "slipway_monitor_status{monitor=\"" + unknownDrift
                + "\",model=\"models:/churn@champion\",status=\"error\"} 1");
    }

    private static void createMonitor(String name) {
        ok(client.post(API + "create", "{\"monitor\": {\"name\": \"" + name
                + "\", \"model\": \"models:/churn@champion\", \"alerts\": [{\"when\": \"dataset_drift\", "
                + "\"webhook\": \"https://hooks.example.org/x\"}]}}"));
    }

    private static JsonNode addResult(String name, long time, String status) {
        return ok(client.post(API + "results/create", resultBody(name, time, status))).json().get("result");
    }

    private static String resultBody(String name, long time, String status) {
        return "{\"result\": {\"monitor_name\": \"" + name + "\", \"time\": " + time + ", \"window_start\": "
                + (time - 3_600_000) + ", \"window_end\": " + time + ", \"rows\": 1000, \"status\": \"" + status
                + "\", \"dataset_drift\": true, \"drift_share\": 0.6, \"report\": {\"rows\": 1000, "
                + "\"features\": [{\"name\": \"tenure\", \"method\": \"ks\", \"score\": 0.001, \"drifted\": true}]}}}";
    }

    private static JsonNode addAction(String name, long resultId, long time, String kind, boolean succeeded) {
        return ok(client.post(API + "actions/create", actionBody(name, resultId, time, kind, succeeded))).json()
                .get("action");
    }

    private static String actionBody(String name, long resultId, long time, String kind, boolean succeeded) {
        return "{\"action\": {\"monitor_name\": \"" + name + "\", \"result_id\": " + resultId + ", \"time\": " + time
                + ", \"rule\": \"dataset_drift\", \"cause\": \"drift_share 0.6 >= 0.5\", \"kind\": \"" + kind
                + "\", \"target\": \"https://hooks.example.org/x\", \"succeeded\": " + succeeded
                + ", \"detail\": \"HTTP 200\"}}";
    }

    /** POSTs the body, or GETs the path when the body is null, and expects a 400 whose message names the culprit. */
    private static void expectInvalid(String path, String body, String culprit) {
        Response response = body == null ? client.get(path) : client.post(path, body);
        expectError(response, 400, "INVALID_PARAMETER_VALUE", culprit);
    }

    private static void expectError(Response response, int status, String errorCode, String culprit) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.errorCode()).isEqualTo(errorCode);
        assertThat(response.message()).contains(culprit);
    }

    private static Response ok(Response response) {
        return TestServer.expectOk(response);
    }

    private static String newName() {
        return "monitor-" + NAMES.incrementAndGet();
    }
}
