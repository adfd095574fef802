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
import org.junit.jupiter.params.provider.CsvSource;

/** Slipway's GitOps endpoints (deployment statuses and events), against a real server over a SQLite file. */
class DeploymentApiTest {
    private static final String API = "/api/2.0/slipway/gitops/";
    private static final String AJAX = "/ajax-api/2.0/slipway/gitops/";
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
    void reportedStatusIsStampedWithEveryFieldAndCanBeReadAndListed() {
        String env = newEnv();
        ObjectNode body = fullStatus(env, "churn");
        body.put("updated_time", 5);
        long before = System.currentTimeMillis();
        JsonNode reported = ok(client.post(API + "deployments/report", body.toString())).json().get("deployment");
        long after = System.currentTimeMillis();

        assertThat(reported.get("updated_time").asLong()).isBetween(before, after);
        ObjectNode expected = fullStatus(env, "churn");
        expected.put("sync", "OutOfSync").put("health", "Progressing").set("updated_time",
                reported.get("updated_time"));
        assertThat(reported).isEqualTo(expected);
        assertThat(ok(client.get(API + "deployments/get?env=" + env + "&name=churn")).json().get("deployment"))
                .isEqualTo(reported);
        assertThat(ok(client.get(AJAX + "deployments/get?env=" + env + "&name=churn")).json().get("deployment"))
                .isEqualTo(reported);
        assertThat(ok(client.get(API + "deployments/list?env=" + env)).json().get("deployments"))
                .containsExactly(reported);
        assertThat(ok(client.get(API + "deployments/list")).json().get("deployments")).contains(reported);
    }

    @Test
    void absentFieldsAreLeftOutAndDefaultsApply() {
        String env = newEnv();
        JsonNode reported = report("{\"env\": \"" + env + "\", \"name\": \"fraud\", \"model\": \"models:/fraud/1\", "
                + "\"revision\": \"\", \"live_model\": null, \"sync\": \"Synced\", \"health\": \"Healthy\", "
                + "\"agent\": \"agent-1\"}");

        assertThat(fieldNames(reported)).containsExactly("env", "name", "model", "canary_weight", "sync", "health",
                "message", "agent", "updated_time");
        assertThat(reported.get("canary_weight").asInt()).isZero();
        assertThat(reported.get("message").asText()).isEmpty();
        assertThat(ok(client.get(API + "deployments/get?env=" + env + "&name=fraud")).json().get("deployment"))
                .isEqualTo(reported);
    }

    @Test
    void reportReplacesTheStatusOfTheSameDeploymentAndStatusNamesAreReadInAnyCase() {
        String env = newEnv();
        report(fullStatus(env, "churn").toString());
        JsonNode promoted = report("{\"env\": \"" + env + "\", \"name\": \"churn\", \"model\": \"models:/churn/8\", "
                + "\"sync\": \"synced\", \"health\": \"HEALTHY\", \"message\": \"promoted\", \"agent\": \"agent-2\"}");

        assertThat(promoted.get("sync").asText()).isEqualTo("Synced");
        assertThat(promoted.get("health").asText()).isEqualTo("Healthy");
        assertThat(promoted.has("canary")).isFalse();
        assertThat(ok(client.get(API + "deployments/list?env=" + env)).json().get("deployments"))
                .containsExactly(promoted);
    }

    @Test
    void listIsOrderedByEnvThenNameAndFilteredByEnvAndModelNameIncludingTheCanary() {
        String prod = newEnv() + "-prod";
        String staging = prod.replace("-prod", "-staging");
        String model = "model-" + NAMES.incrementAndGet();
        String other = "model-" + NAMES.incrementAndGet();
        JsonNode serving = report(status(prod, "b", "models:/" + model + "/3").toString());
        JsonNode canary = report(status(prod, "a", "models:/" + other + "/1").put("canary", "models:/" + model + "/4")
                .put("canary_weight", 10).put("canary_step", 0).toString());
        JsonNode unrelated = report(status(prod, "c", "models:/" + other + "/2").toString());
        JsonNode elsewhere = report(status(staging, "a", "models:/" + model + "/4").toString());

        assertThat(ok(client.get(API + "deployments/list?env=" + prod)).json().get("deployments"))
                .containsExactly(canary, serving, unrelated);
        assertThat(ok(client.get(API + "deployments/list?model_name=" + model)).json().get("deployments"))
                .containsExactly(canary, serving, elsewhere);
        assertThat(ok(client.get(API + "deployments/list?env=" + prod + "&model_name=" + other)).json()
                .get("deployments")).containsExactly(canary, unrelated);
        assertThat(ok(client.get(AJAX + "deployments/list?env=" + staging + "&model_name=" + other)).json()
                .get("deployments")).isEmpty();
        assertThat(ok(client.get(API + "deployments/list?env=&model_name=" + model)).json().get("deployments"))
                .hasSize(3);
    }

    @Test
    void deletedStatusIsGoneButItsEventsStay() {
        String env = newEnv();
        report(status(env, "churn", "models:/churn/1").toString());
        JsonNode pruned = event(env, "churn", "pruned", "{\"reason\": \"removed from Git\"}");

        ok(client.post(API + "deployments/delete", "{\"env\": \"" + env + "\", \"name\": \"churn\"}"));

        expectError(client.get(API + "deployments/get?env=" + env + "&name=churn"), 404, "RESOURCE_DOES_NOT_EXIST",
                "churn");
        expectError(client.post(API + "deployments/delete", "{\"env\": \"" + env + "\", \"name\": \"churn\"}"), 404,
                "RESOURCE_DOES_NOT_EXIST", "churn");
        assertThat(ok(client.get(API + "deployments/list?env=" + env)).json().get("deployments")).isEmpty();
        assertThat(ok(client.get(API + "events/list?env=" + env + "&name=churn")).json().get("events"))
                .containsExactly(pruned);
    }

    @Test
    void unknownDeploymentIsNotFound() {
        String env = newEnv();
        Response response = client.get(API + "deployments/get?env=" + env + "&name=churn");
        expectError(response, 404, "RESOURCE_DOES_NOT_EXIST", "churn");
        assertThat(response.message()).contains(env);
    }

    @Test
    void eventsAreStampedAndListedNewestFirstWithTheirEvidence() {
        String env = newEnv();
        long before = System.currentTimeMillis();
        JsonNode started = ok(client.post(API + "events/create", "{\"env\": \"" + env + "\", \"name\": \"churn\", "
                + "\"kind\": \"started\", \"message\": \"model server started\"}")).json().get("event");
        JsonNode check = event(env, "churn", "canary_check", "{\"p99_ms\": 912, \"max_p99_ms\": 500, "
                + "\"passed\": false, \"nested\": {\"list\": [1, 2.5, \"x\"]}}");
        JsonNode other = event(env, "fraud", "synced", "{}");
        long after = System.currentTimeMillis();

        assertThat(started.get("id").isIntegralNumber()).isTrue();
        assertThat(started.get("time").asLong()).isBetween(before, after);
        assertThat(started.get("env").asText()).isEqualTo(env);
        assertThat(started.get("name").asText()).isEqualTo("churn");
        assertThat(started.get("kind").asText()).isEqualTo("started");
        assertThat(started.has("revision")).isFalse();
        assertThat(started.get("message").asText()).isEqualTo("model server started");
        assertThat(started.get("evidence")).isEqualTo(ApiClient.JSON.createObjectNode());
        assertThat(check.get("id").asLong()).isGreaterThan(started.get("id").asLong());
        assertThat(check.get("revision").asText()).isEqualTo("4f2a9c1e");
        assertThat(check.get("evidence").get("p99_ms").asInt()).isEqualTo(912);
        assertThat(check.get("evidence").get("nested").get("list").get(2).asText()).isEqualTo("x");

        assertThat(ok(client.get(API + "events/list?env=" + env + "&name=churn")).json().get("events"))
                .containsExactly(check, started);
        assertThat(ok(client.get(AJAX + "events/list?env=" + env)).json().get("events"))
                .containsExactly(other, check, started);
        assertThat(ok(client.get(API + "events/list?env=" + env + "&max_results=2")).json().get("events"))
                .containsExactly(other, check);
        assertThat(ok(client.get(API + "events/list?env=" + env + "&name=none")).json().get("events")).isEmpty();
    }

    @Test
    void eventsListHoldsAtMostAHundredByDefault() {
        String env = newEnv();
        for (int index = 0; index < 105; index++) {
            event(env, "churn", "synced", "{\"index\": " + index + "}");
        }

        JsonNode events = ok(client.get(API + "events/list?env=" + env)).json().get("events");
        assertThat(events).hasSize(100);
        assertThat(events.get(0).get("evidence").get("index").asInt()).isEqualTo(104);
        assertThat(ok(client.get(API + "events/list?env=" + env + "&max_results=1000")).json().get("events"))
                .hasSize(105);
    }

    @Test
    void longMessagesAndEvidenceAreKept() {
        String env = newEnv();
        String message = "é€😀 canary failed. ".repeat(1000).substring(0, 16 * 1024);
        ObjectNode status = status(env, "churn", "models:/churn/1").put("message", message);
        assertThat(report(status.toString()).get("message").asText()).isEqualTo(message);
        ObjectNode event = ApiClient.JSON.createObjectNode().put("env", env).put("name", "churn").put("kind",
                "degraded").put("message", message);
        event.putObject("evidence").put("log", "x".repeat(500_000));
        JsonNode stored = ok(client.post(API + "events/create", event.toString())).json().get("event");

        assertThat(stored.get("message").asText()).isEqualTo(message);
        assertThat(ok(client.get(API + "events/list?env=" + env)).json().get("events").get(0).get("evidence")
                .get("log").asText()).hasSize(500_000);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "env           | <missing>                  | 'env'",
        "env           | \"Prod\"                   | 'env'",
        "name          | <missing>                  | 'name'",
        "name          | \"churn_1\"                | 'name'",
        "model         | <missing>                  | 'model'",
        "model         | \"models:/churn@champion\" | 'model'",
        "model         | \"models:/churn/latest\"   | 'model'",
        "model         | 7                          | 'model'",
        "canary        | \"churn\"                  | 'canary'",
        "canary_weight | 10                         | 'canary_weight'",
        "canary_weight | \"many\"                   | 'canary_weight'",
        "canary_step   | 1                          | 'canary_step'",
        "sync          | <missing>                  | 'sync'",
        "sync          | \"in_sync\"                | Synced, OutOfSync, Unknown",
        "health        | <missing>                  | 'health'",
        "health        | \"fine\"                   | Healthy, Progressing, Degraded, Suspended, Missing, Unknown",
        "agent         | <missing>                  | 'agent'",
        "message       | 5                          | 'message'",
        "endpoint      | [\"x\"]                    | 'endpoint'"})
    void badReportsAreRefusedWith400NamingTheField(String field, String value, String culprit) throws Exception {
        String env = newEnv();
        ObjectNode body = status(env, "churn", "models:/churn/1");
        if (value.equals("<missing>")) {
            body.remove(field);
        } else {
            body.set(field, ApiClient.JSON.readTree(value));
        }

        expectInvalid(API + "deployments/report", body.toString(), culprit);
        assertThat(ok(client.get(API + "deployments/list?env=" + env)).json().get("deployments")).isEmpty();
    }

    @Test
    void canaryWeightIsAPercentage() {
        String env = newEnv();
        ObjectNode canary = status(env, "churn", "models:/churn/1").put("canary", "models:/churn/2");
        expectInvalid(API + "deployments/report", canary.put("canary_weight", 101).toString(), "'canary_weight'");
        expectInvalid(API + "deployments/report", canary.put("canary_weight", -1).toString(), "'canary_weight'");
        expectInvalid(API + "deployments/report", canary.put("canary_weight", 10).put("canary_step", -1).toString(),
                "'canary_step'");
        assertThat(report(canary.put("canary_weight", 100).put("canary_step", 3).toString()).get("canary_weight")
                .asInt()).isEqualTo(100);
    }

    @Test
    void tooLongTextsAreRefused() {
        String env = newEnv();
        expectInvalid(API + "deployments/report", status(env, "churn", "models:/churn/1")
                .put("message", "m".repeat(16 * 1024 + 1)).toString(), "'message'");
        expectInvalid(API + "deployments/report", status(env, "churn", "models:/churn/1")
                .put("revision", "r".repeat(257)).toString(), "'revision'");
        expectInvalid(API + "deployments/report", status(env, "churn", "models:/churn/1")
                .put("agent", "a".repeat(257)).toString(), "'agent'");
        expectInvalid(API + "deployments/report", status(env, "churn", "models:/churn/" + "1".repeat(19))
                .toString(), "'model'");
        ObjectNode event = ApiClient.JSON.createObjectNode().put("env", env).put("name", "churn").put("kind",
                "degraded");
        event.putObject("evidence").put("log", "x".repeat(1024 * 1024));
        expectInvalid(API + "events/create", event.toString(), "'evidence'");
        assertThat(ok(client.get(API + "deployments/list?env=" + env)).json().get("deployments")).isEmpty();
        assertThat(ok(client.get(API + "events/list?env=" + env)).json().get("events")).isEmpty();
    }

    @Test
    void badEventsAreRefusedWith400NamingTheField() {
        String env = newEnv();
        String valid = "\"env\": \"" + env + "\", \"name\": \"churn\"";
        expectInvalid(API + "events/create", "{}", "'env'");
        expectInvalid(API + "events/create", "{\"env\": \"" + env + "\", \"kind\": \"synced\"}", "'name'");
        expectInvalid(API + "events/create", "{" + valid + "}", "'kind'");
        expectInvalid(API + "events/create", "{" + valid + ", \"kind\": \"Canary-Step\"}", "'kind'");
        expectInvalid(API + "events/create", "{" + valid + ", \"kind\": \"synced\", \"evidence\": [1]}", "'evidence'");
        expectInvalid(API + "events/create", "{" + valid + ", \"kind\": \"synced\", \"evidence\": \"{}\"}",
                "'evidence'");
        expectInvalid(API + "events/create", "{" + valid + ", \"kind\": \"synced\", \"revision\": 5}", "'revision'");
        assertThat(ok(client.get(API + "events/list?env=" + env)).json().get("events")).isEmpty();
    }

    @Test
    void badQueriesAreRefusedWith400() {
        expectInvalid(API + "deployments/report", "{}", "'env'");
        expectInvalid(API + "deployments/get?name=churn", null, "'env'");
        expectInvalid(API + "deployments/get?env=prod", null, "'name'");
        expectInvalid(API + "deployments/get?env=prod&name=Churn", null, "Churn");
        expectInvalid(API + "deployments/list?env=Prod", null, "'env'");
        expectInvalid(API + "deployments/list?model_name=" + "m".repeat(257), null, "'model_name'");
        expectInvalid(API + "deployments/delete", "{\"env\": \"prod\"}", "'name'");
        expectInvalid(API + "events/list", null, "'env'");
        expectInvalid(API + "events/list?env=prod&name=bad%20name", null, "bad name");
        expectInvalid(API + "events/list?env=prod&max_results=0", null, "'max_results'");
        expectInvalid(API + "events/list?env=prod&max_results=1001", null, "'max_results'");
        expectInvalid(API + "events/list?env=prod&max_results=ten", null, "'max_results'");
        Response notJson = client.post(API + "deployments/report", "{\"env\": ", "application/json");
        assertThat(notJson.status()).isEqualTo(400);
    }

    private static ObjectNode fullStatus(String env, String name) {
        return ApiClient.JSON.createObjectNode().put("env", env).put("name", name).put("revision", "4f2a9c1e")
                .put("model", "models:/churn/7").put("live_model", "models:/churn/6").put("canary", "models:/churn/8")
                .put("canary_weight", 25).put("canary_step", 1).put("sync", "outofsync").put("health", "progressing")
                .put("message", "canary at 25% (step 2 of 4) é€😀").put("endpoint", "http://churn.prod.svc:8080")
                .put("agent", "slipway-agent@host-1");
    }

    private static ObjectNode status(String env, String name, String model) {
        return ApiClient.JSON.createObjectNode().put("env", env).put("name", name).put("model", model)
                .put("sync", "Synced").put("health", "Healthy").put("agent", "agent-1");
    }

    private static JsonNode report(String body) {
        return ok(client.post(API + "deployments/report", body)).json().get("deployment");
    }

    private static JsonNode event(String env, String name, String kind, String evidence) {
        return ok(client.post(API + "events/create", "{\"env\": \"" + env + "\", \"name\": \"" + name
                + "\", \"kind\": \"" + kind + "\", \"revision\": \"4f2a9c1e\", \"message\": \"" + kind
                + "\", \"evidence\": " + evidence + "}")).json().get("event");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
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

    private static String newEnv() {
        return "env-" + NAMES.incrementAndGet();
    }
}
