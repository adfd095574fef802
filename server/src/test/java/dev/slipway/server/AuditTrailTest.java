package dev.slipway.server;

import static dev.slipway.server.TestServer.expectOk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.registry.RegistryService;
import dev.slipway.server.ApiClient.Response;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit log over HTTP: one change of each kind, made through the API (and through a form route as the web UI's),
 * is found in {@code /api/2.0/slipway/audit/list} with its user, address, action, resource and, for registry and
 * deployment changes, the state before and after. A test extension plays authentication: it sets the user from the
 * header {@code X-Test-User} and refuses (403) requests that carry {@code X-Test-Deny}, before routing.
 */
class AuditTrailTest {
    private static final String API = "/api/2.0/mlflow/";
    private static final String AUDIT = AuditEntries.ROUTE;
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final AtomicReference<RegistryService> REGISTRY = new AtomicReference<>();

    @TempDir
    static Path folder;

    private static TestServer server;
    private static ApiClient client;

    @BeforeAll
    static void startServer() {
        server = TestServer.builder(folder).extensions(List.of(AuditTrailTest::pretendAuthenticationAndUi)).start();
        client = server.client;
        REGISTRY.set(new RegistryService(server.registryStore, Clock.systemUTC()));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    /** Sets the user as authentication would, and adds a form route shaped like the web UI's. */
    private static void pretendAuthenticationAndUi(io.javalin.config.JavalinConfig config) {
        config.routes.before(ctx -> {
            String user = ctx.header("X-Test-User");
            if (user != null) {
                ctx.attribute(AuditTrail.USER_ATTRIBUTE, user);
            }
            if (ctx.header("X-Test-Deny") != null) {
                throw new SlipwayException(ErrorCode.PERMISSION_DENIED, "denied by the test");
            }
        });
        config.routes.post("/models/{name}/description", ctx -> {
            String description = ctx.formParam("description");
            if ("refuse".equals(description)) {
                ctx.attribute(ServerExtension.CHANGE_REFUSED_ATTRIBUTE, true);
                ctx.html("<p>refused</p>");
                return;
            }
            REGISTRY.get().updateRegisteredModel(ctx.pathParam("name"), Optional.ofNullable(description));
            ctx.html("<p>saved</p>");
        });
    }

    @Test
    void experimentChangesNameTheUserTheAddressAndTheExperiment() {
        String user = newName("alice");
        String name = newName("experiment");
        Response created = post(user, API + "experiments/create", "{\"name\": \"" + name + "\"}");
        String id = created.json().get("experiment_id").asText();
        send(user, HttpRequest.newBuilder(client.uri(API + "experiments/update"))
                .POST(BodyPublishers.ofString("{\"experiment_id\": \"" + id + "\", \"new_name\": \"" + name + "-2\"}"))
                .header("Content-Type", "application/json").header("X-Forwarded-For", "203.0.113.7"));
        post(user, API + "experiments/set-experiment-tag", "{\"experiment_id\": \"" + id
                + "\", \"key\": \"team\", \"value\": \"churn\"}");
        post(user, API + "experiments/delete", "{\"experiment_id\": \"" + id + "\"}");
        post(user, API + "experiments/restore", "{\"experiment_id\": \"" + id + "\"}");

        List<JsonNode> entries = awaitEntries("user=" + user, 5);

        assertThat(entries).extracting(entry -> entry.get("action").asText()).containsExactly("experiments/restore",
                "experiments/delete", "experiments/set-experiment-tag", "experiments/update", "experiments/create");
        assertThat(entries).allSatisfy(entry -> {
            assertThat(entry.get("user").asText()).isEqualTo(user);
            assertThat(entry.get("client_address").asText()).isEqualTo("127.0.0.1");
            assertThat(entry.get("resource_type").asText()).isEqualTo("experiment");
            assertThat(entry.get("resource_id").asText()).isEqualTo(id);
            assertThat(entry.get("method").asText()).isEqualTo("POST");
            assertThat(entry.get("status").asInt()).isEqualTo(200);
            assertThat(entry.get("outcome").asText()).isEqualTo("succeeded");
            assertThat(entry.get("time").asLong()).isPositive();
        });
        JsonNode create = entries.get(4);
        assertThat(create.get("route").asText()).isEqualTo("/api/2.0/mlflow/experiments/create");
        assertThat(create.get("details").get("name").asText()).isEqualTo(name);
        JsonNode rename = entries.get(3);
        assertThat(rename.get("forwarded_for").asText()).isEqualTo("203.0.113.7");
        assertThat(rename.get("details").get("new_name").asText()).isEqualTo(name + "-2");
        assertThat(entries.get(0).has("forwarded_for")).isFalse();
    }

    @Test
    void requestsWithoutAUserAreRecordedAsAnonymous() {
        String name = newName("anonymous-experiment");
        String id = expectOk(client.post(API + "experiments/create", "{\"name\": \"" + name + "\"}")).json()
                .get("experiment_id").asText();

        JsonNode entry = awaitEntries("resource_type=experiment&resource_id=" + id, 1).get(0);

        assertThat(entry.get("user").asText()).isEqualTo("anonymous");
    }

    @Test
    void runChangesAreRecordedAndBatchesAsCountsNotValues() {
        String user = newName("bob");
        String experimentId = server.createExperiment(newName("runs"));
        String runId = post(user, API + "runs/create", "{\"experiment_id\": \"" + experimentId + "\"}").json()
                .get("run").get("info").get("run_id").asText();
        post(user, API + "runs/log-parameter", "{\"run_id\": \"" + runId + "\", \"key\": \"lr\", \"value\": \"0.1\"}");
        post(user, API + "runs/log-metric", "{\"run_id\": \"" + runId
                + "\", \"key\": \"loss\", \"value\": 0.25, \"timestamp\": 1, \"step\": 0}");
        post(user, API + "runs/log-batch", "{\"run_id\": \"" + runId + "\", \"metrics\": ["
                + "{\"key\": \"acc\", \"value\": 0.91234, \"timestamp\": 1, \"step\": 1},"
                + "{\"key\": \"acc\", \"value\": 0.92345, \"timestamp\": 2, \"step\": 2},"
                + "{\"key\": \"auc\", \"value\": 0.93456, \"timestamp\": 2, \"step\": 2}],"
                + "\"params\": [{\"key\": \"depth\", \"value\": \"seven-levels\"}],"
                + "\"tags\": [{\"key\": \"a\", \"value\": \"x\"}, {\"key\": \"b\", \"value\": \"y\"}]}");
        post(user, API + "runs/set-tag", "{\"run_id\": \"" + runId + "\", \"key\": \"stage\", \"value\": \"dev\"}");
        post(user, API + "runs/update", "{\"run_id\": \"" + runId + "\", \"status\": \"FINISHED\", \"end_time\": 9}");
        post(user, API + "runs/delete", "{\"run_id\": \"" + runId + "\"}");

        List<JsonNode> entries = awaitEntries("user=" + user, 7);

        assertThat(entries).extracting(entry -> entry.get("action").asText()).containsExactly("runs/delete",
                "runs/update", "runs/set-tag", "runs/log-batch", "runs/log-metric", "runs/log-parameter",
                "runs/create");
        assertThat(entries).allSatisfy(entry -> {
            assertThat(entry.get("resource_type").asText()).isEqualTo("run");
            assertThat(entry.get("resource_id").asText()).isEqualTo(runId);
        });
        JsonNode batch = entries.get(3);
        assertThat(batch.get("details")).isEqualTo(ApiClient.JSON.createObjectNode().put("run_id", runId)
                .put("metrics", 3).put("params", 1).put("tags", 2));
        assertThat(batch.toString()).doesNotContain("0.91234", "seven-levels");
        assertThat(entries.get(5).get("details").get("key").asText()).isEqualTo("lr");
        assertThat(entries.get(1).get("details").get("status").asText()).isEqualTo("FINISHED");
    }

    @Test
    void registryChangesKeepTheStateBeforeAndAfter() {
        String user = newName("carol");
        String model = newName("churn");
        post(user, API + "registered-models/create", "{\"name\": \"" + model + "\"}");
        post(user, API + "model-versions/create", "{\"name\": \"" + model + "\", \"source\": \"s3://bucket/churn/1\"}");
        post(user, API + "registered-models/alias", "{\"name\": \"" + model
                + "\", \"alias\": \"champion\", \"version\": \"1\"}");
        post(user, API + "model-versions/transition-stage", "{\"name\": \"" + model
                + "\", \"version\": \"1\", \"stage\": \"Staging\"}");
        patch(user, API + "model-versions/update", "{\"name\": \"" + model
                + "\", \"version\": \"1\", \"description\": \"first\"}");
        patch(user, API + "registered-models/update", "{\"name\": \"" + model
                + "\", \"description\": \"churn model\"}");
        delete(user, API + "registered-models/alias", "{\"name\": \"" + model + "\", \"alias\": \"champion\"}");
        delete(user, API + "model-versions/delete", "{\"name\": \"" + model + "\", \"version\": \"1\"}");
        post(user, API + "registered-models/rename", "{\"name\": \"" + model + "\", \"new_name\": \"" + model
                + "-v2\"}");

        List<JsonNode> entries = awaitEntries("user=" + user, 9);

        assertThat(entries).extracting(entry -> entry.get("action").asText()).containsExactly(
                "registered-models/rename", "model-versions/delete", "registered-models/alias/delete",
                "registered-models/update", "model-versions/update", "model-versions/transition-stage",
                "registered-models/alias/set", "model-versions/create", "registered-models/create");
        JsonNode created = entries.get(8);
        assertThat(created.get("resource_id").asText()).isEqualTo(model);
        assertThat(created.has("before")).isFalse();
        assertThat(created.get("after").get("name").asText()).isEqualTo(model);

        JsonNode version = entries.get(7);
        assertThat(version.get("resource_type").asText()).isEqualTo("model_version");
        assertThat(version.get("resource_id").asText()).isEqualTo(model + "/1");
        assertThat(version.has("before")).isFalse();
        assertThat(version.get("after").get("source").asText()).isEqualTo("s3://bucket/churn/1");

        JsonNode aliasSet = entries.get(6);
        assertThat(aliasSet.get("resource_type").asText()).isEqualTo("model_alias");
        assertThat(aliasSet.get("resource_id").asText()).isEqualTo(model + "@champion");
        assertThat(aliasSet.has("before")).isFalse();
        assertThat(aliasSet.get("after").get("version").asText()).isEqualTo("1");

        JsonNode stage = entries.get(5);
        assertThat(stage.get("before").get("current_stage").asText()).isEqualTo("None");
        assertThat(stage.get("after").get("current_stage").asText()).isEqualTo("Staging");

        JsonNode versionDescription = entries.get(4);
        assertThat(versionDescription.get("before").has("description")).isFalse();
        assertThat(versionDescription.get("after").get("description").asText()).isEqualTo("first");

        JsonNode modelDescription = entries.get(3);
        assertThat(modelDescription.get("resource_id").asText()).isEqualTo(model);
        assertThat(modelDescription.get("after").get("description").asText()).isEqualTo("churn model");

        JsonNode aliasDeleted = entries.get(2);
        assertThat(aliasDeleted.get("before").get("version").asText()).isEqualTo("1");
        assertThat(aliasDeleted.has("after")).isFalse();

        JsonNode versionDeleted = entries.get(1);
        assertThat(versionDeleted.get("before").get("current_stage").asText()).isEqualTo("Staging");
        assertThat(versionDeleted.has("after")).isFalse();

        JsonNode renamed = entries.get(0);
        assertThat(renamed.get("before").get("name").asText()).isEqualTo(model);
        assertThat(renamed.get("after").get("name").asText()).isEqualTo(model + "-v2");

        // the model's name finds its versions and aliases too
        assertThat(awaitEntries("user=" + user + "&resource_id=" + model, 9)).hasSize(9);
        assertThat(entries("user=" + user + "&resource_type=model_version")).hasSize(4);
    }

    @Test
    void monitorAndDeploymentChangesAreRecorded() {
        String user = newName("dave");
        String monitor = newName("monitor");
        post(user, "/api/2.0/slipway/monitors/create", "{\"monitor\": {\"name\": \"" + monitor
                + "\", \"model\": \"models:/churn@champion\", \"window\": \"1h\"}}");
        post(user, "/api/2.0/slipway/monitors/delete", "{\"name\": \"" + monitor + "\"}");
        String env = "audit" + NAMES.incrementAndGet();
        ObjectNode status = ApiClient.JSON.createObjectNode().put("env", env).put("name", "churn")
                .put("model", "models:/churn/7").put("sync", "Synced").put("health", "Healthy").put("agent", "agent-1");
        post(user, "/api/2.0/slipway/gitops/deployments/report", status.toString());
        post(user, "/api/2.0/slipway/gitops/deployments/report", status.put("model", "models:/churn/8")
                .put("health", "Progressing").toString());
        post(user, "/api/2.0/slipway/gitops/deployments/delete", "{\"env\": \"" + env + "\", \"name\": \"churn\"}");

        List<JsonNode> entries = awaitEntries("user=" + user, 5);

        assertThat(entries).extracting(entry -> entry.get("action").asText()).containsExactly(
                "gitops/deployments/delete", "gitops/deployments/report", "gitops/deployments/report",
                "monitors/delete", "monitors/create");
        assertThat(entries.get(4).get("resource_type").asText()).isEqualTo("monitor");
        assertThat(entries.get(4).get("resource_id").asText()).isEqualTo(monitor);
        assertThat(entries.get(3).get("resource_id").asText()).isEqualTo(monitor);
        JsonNode first = entries.get(2);
        assertThat(first.get("resource_type").asText()).isEqualTo("deployment");
        assertThat(first.get("resource_id").asText()).isEqualTo(env + "/churn");
        assertThat(first.has("before")).isFalse();
        assertThat(first.get("after").get("model").asText()).isEqualTo("models:/churn/7");
        JsonNode second = entries.get(1);
        assertThat(second.get("before").get("model").asText()).isEqualTo("models:/churn/7");
        assertThat(second.get("after").get("model").asText()).isEqualTo("models:/churn/8");
        assertThat(second.get("after").get("health").asText()).isEqualTo("Progressing");
        JsonNode deleted = entries.get(0);
        assertThat(deleted.get("before").get("model").asText()).isEqualTo("models:/churn/8");
        assertThat(deleted.has("after")).isFalse();
        assertThat(awaitEntries("resource_id=" + env, 3)).hasSize(3);
    }

    @Test
    void artifactUploadsRecordThePathAndSizeNotTheContent() {
        String user = newName("erin");
        byte[] content = ("confidential-content-" + "x".repeat(1000)).getBytes(StandardCharsets.UTF_8);
        String path = "1/" + newName("run") + "/artifacts/model/weights.bin";
        expectOk(send(user, HttpRequest.newBuilder(client.uri("/api/2.0/mlflow-artifacts/artifacts/" + path))
                .PUT(BodyPublishers.ofByteArray(content))));
        expectOk(send(user, HttpRequest.newBuilder(client.uri("/api/2.0/mlflow-artifacts/artifacts/" + path))
                .DELETE()));

        List<JsonNode> entries = awaitEntries("user=" + user, 2);

        JsonNode upload = entries.get(1);
        assertThat(upload.get("action").asText()).isEqualTo("artifacts/upload");
        assertThat(upload.get("method").asText()).isEqualTo("PUT");
        assertThat(upload.get("resource_type").asText()).isEqualTo("artifact");
        assertThat(upload.get("resource_id").asText()).isEqualTo(path);
        assertThat(upload.get("details").get("bytes").asLong()).isEqualTo(content.length);
        assertThat(upload.toString()).doesNotContain("confidential-content");
        assertThat(entries.get(0).get("action").asText()).isEqualTo("artifacts/delete");
        assertThat(entries.get(0).get("resource_id").asText()).isEqualTo(path);
    }

    @Test
    void secretsAreRedactedFromDetailsAndStates() {
        String user = newName("frank");
        String experimentId = server.createExperiment(newName("secrets"));
        String runId = server.createRunId(experimentId);
        post(user, API + "runs/log-parameter", "{\"run_id\": \"" + runId
                + "\", \"key\": \"db_password\", \"value\": \"hunter2-param\"}");
        post(user, API + "runs/set-tag", "{\"run_id\": \"" + runId
                + "\", \"key\": \"source\", \"value\": \"https://user:hunter2-url@git.example.org/repo?token=abc\"}");
        String model = newName("secret-model");
        post(user, API + "registered-models/create", "{\"name\": \"" + model
                + "\", \"tags\": [{\"key\": \"api_token\", \"value\": \"hunter2-tag\"}]}");

        List<JsonNode> entries = awaitEntries("user=" + user, 3);

        String all = entries.toString();
        assertThat(all).doesNotContain("hunter2", "token=abc");
        assertThat(entries.get(2).get("details").get("value").asText()).isEqualTo("[REDACTED]");
        assertThat(entries.get(1).get("details").get("value").asText()).isEqualTo("https://git.example.org/...");
        assertThat(entries.get(0).get("after").get("tags").get(0).get("value").asText()).isEqualTo("[REDACTED]");
    }

    @Test
    void refusedRequestsAreFlaggedAndFailedOnesAndSearchesAreNotRecorded() {
        String user = newName("mallory");
        Response denied = send(user, HttpRequest.newBuilder(client.uri(API + "experiments/create"))
                .POST(BodyPublishers.ofString("{\"name\": \"denied\"}")).header("Content-Type", "application/json")
                .header("X-Test-Deny", "yes"));
        assertThat(denied.status()).isEqualTo(403);
        Response anonymous = client.send(HttpRequest.newBuilder(client.uri(API + "experiments/create"))
                .POST(BodyPublishers.ofString("{\"name\": \"anonymous-denied\"}"))
                .header("Content-Type", "application/json").header("X-Test-Deny", "yes"));
        assertThat(anonymous.status()).isEqualTo(403);
        Response missing = send(user, HttpRequest.newBuilder(client.uri(API + "experiments/delete"))
                .POST(BodyPublishers.ofString("{\"experiment_id\": \"987654\"}"))
                .header("Content-Type", "application/json"));
        assertThat(missing.status()).isEqualTo(404);
        post(user, API + "runs/search", "{\"experiment_ids\": [\"0\"]}");
        post(user, API + "experiments/search", "{}");
        post(user, API + "experiments/create", "{\"name\": \"" + newName("after-refusal") + "\"}");

        List<JsonNode> entries = awaitEntries("user=" + user, 2);

        assertThat(entries).extracting(entry -> entry.get("action").asText()).containsExactly("experiments/create",
                "experiments/create");
        JsonNode refused = entries.get(1);
        assertThat(refused.get("status").asInt()).isEqualTo(403);
        assertThat(refused.get("outcome").asText()).isEqualTo("refused");
        assertThat(refused.get("details").get("name").asText()).isEqualTo("denied");
        assertThat(entries.get(0).get("outcome").asText()).isEqualTo("succeeded");
        // a refusal that names no user is not logged
        assertThat(entries("action=experiments/create&user=anonymous")).noneSatisfy(entry ->
                assertThat(entry.get("status").asInt()).isEqualTo(403));
    }

    @Test
    void formChangesOfTheWebUiAreRecordedUnderTheirApiAction() {
        String user = newName("grace");
        String model = newName("ui-model");
        post(user, API + "registered-models/create", "{\"name\": \"" + model + "\"}");
        String form = "form=description&description=" + URLEncoder.encode("from the UI", StandardCharsets.UTF_8);
        send(user, HttpRequest.newBuilder(client.uri("/models/" + model + "/description"))
                .POST(BodyPublishers.ofString(form)).header("Content-Type", "application/x-www-form-urlencoded"));
        send(user, HttpRequest.newBuilder(client.uri("/models/" + model + "/description"))
                .POST(BodyPublishers.ofString("description=refuse"))
                .header("Content-Type", "application/x-www-form-urlencoded"));

        List<JsonNode> entries = awaitEntries("user=" + user, 2);

        JsonNode update = entries.get(0);
        assertThat(update.get("action").asText()).isEqualTo("registered-models/update");
        assertThat(update.get("route").asText()).isEqualTo("/models/{name}/description");
        assertThat(update.get("resource_id").asText()).isEqualTo(model);
        assertThat(update.get("before").has("description")).isFalse();
        assertThat(update.get("after").get("description").asText()).isEqualTo("from the UI");
        assertThat(update.get("details")).isEqualTo(ApiClient.JSON.createObjectNode()
                .put("description", "from the UI"));
        assertThat(entries.get(1).get("action").asText()).isEqualTo("registered-models/create");
    }

    @Test
    void theListPagesNewestFirstAndChecksItsParameters() {
        String user = newName("heidi");
        List<String> ids = new ArrayList<>();
        for (int index = 0; index < 5; index++) {
            ids.add(post(user, API + "experiments/create", "{\"name\": \"" + newName("paged") + "\"}").json()
                    .get("experiment_id").asText());
        }
        awaitEntries("user=" + user, 5);

        List<String> seen = new ArrayList<>();
        String token = "";
        for (int page = 0; page < 5 && token != null; page++) {
            JsonNode answer = expectOk(client.get(AUDIT + "?user=" + user + "&max_results=2"
                    + (token.isEmpty() ? "" : "&page_token=" + token))).json();
            answer.get("entries").forEach(entry -> seen.add(entry.get("resource_id").asText()));
            token = answer.has("next_page_token") ? answer.get("next_page_token").asText() : null;
        }
        Collections.reverse(ids);
        assertThat(seen).containsExactlyElementsOf(ids);

        assertThat(entries("user=" + user + "&action=experiments/create&start_time=0&end_time=1")).isEmpty();
        assertThat(entries("user=" + user + "&resource_id=" + ids.get(2))).hasSize(1);
        assertThat(client.get(AUDIT + "?max_results=0").status()).isEqualTo(400);
        assertThat(client.get(AUDIT + "?max_results=1001").status()).isEqualTo(400);
        assertThat(client.get(AUDIT + "?start_time=5&end_time=4").status()).isEqualTo(400);
        Response badToken = client.get(AUDIT + "?page_token=nonsense");
        assertThat(badToken.status()).isEqualTo(400);
        assertThat(badToken.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    }

    @Test
    void theMetricsCountWrittenAndDroppedEntries() {
        post(newName("ivan"), API + "experiments/create", "{\"name\": \"" + newName("metrics") + "\"}");

        String metrics = expectOk(client.get("/metrics")).body();

        assertThat(metrics).contains("# TYPE slipway_audit_entries_written_total counter",
                "slipway_audit_entries_dropped_total{reason=\"queue_full\"} 0",
                "slipway_audit_entries_dropped_total{reason=\"write_failed\"} 0", "slipway_audit_queue_depth ");
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static Response post(String user, String path, String json) {
        return expectOk(send(user, HttpRequest.newBuilder(client.uri(path)).POST(BodyPublishers.ofString(json))
                .header("Content-Type", "application/json")));
    }

    private static Response patch(String user, String path, String json) {
        return expectOk(send(user, HttpRequest.newBuilder(client.uri(path))
                .method("PATCH", BodyPublishers.ofString(json)).header("Content-Type", "application/json")));
    }

    private static Response delete(String user, String path, String json) {
        return expectOk(send(user, HttpRequest.newBuilder(client.uri(path))
                .method("DELETE", BodyPublishers.ofString(json)).header("Content-Type", "application/json")));
    }

    private static Response send(String user, HttpRequest.Builder request) {
        return client.send(request.header("X-Test-User", user));
    }

    private static JsonNode getJson(String path) {
        return expectOk(client.get(path)).json();
    }

    private static List<JsonNode> entries(String query) {
        return AuditEntries.list(AuditTrailTest::getJson, query);
    }

    private static List<JsonNode> awaitEntries(String query, int count) {
        return AuditEntries.await(AuditTrailTest::getJson, query, count);
    }

    private static String newName(String prefix) {
        return prefix + "-" + NAMES.incrementAndGet();
    }
}
