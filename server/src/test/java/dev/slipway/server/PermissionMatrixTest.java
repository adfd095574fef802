package dev.slipway.server;

import static dev.slipway.core.auth.Permission.Capability.DELETE;
import static dev.slipway.core.auth.Permission.Capability.MANAGE;
import static dev.slipway.core.auth.Permission.Capability.READ;
import static dev.slipway.core.auth.Permission.Capability.UPDATE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.core.auth.Permission;
import dev.slipway.core.auth.Permission.Capability;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every route family against every kind of user, over HTTP on a server with {@code --auth basic} and the default
 * permission READ: the {@code owner} created the experiment and the registered model (and so has MANAGE), and gave
 * {@code reader} READ, {@code editor} EDIT and {@code stranger} NO_PERMISSIONS on both; {@code admin} passes every
 * check. A call a user may make must not be refused (401/403; reads answer 200), one the user may not make answers
 * 403 PERMISSION_DENIED.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PermissionMatrixTest {
    private static final String API = "/api/2.0/mlflow/";
    private static final String SLIPWAY = "/api/2.0/slipway/";
    private static final String PROXY = "/api/2.0/mlflow-artifacts/artifacts/";
    private static final List<String> USERS = List.of("admin", "owner", "editor", "reader", "stranger");
    /** The capabilities of each user on the matrix's experiment and model. */
    private static final Map<String, Permission> PERMISSIONS = Map.of("admin", Permission.MANAGE, "owner",
            Permission.MANAGE, "editor", Permission.EDIT, "reader", Permission.READ, "stranger",
            Permission.NO_PERMISSIONS);

    @TempDir
    static Path directory;

    private AuthServer server;
    private String experimentId;
    private String runId;
    private String model;
    private String loggedModelId;

    /** One call: what it needs, its method, and its path and body for the calling user. */
    private record Call(String name, Optional<Capability> needs, String method, Function<String, String> path,
            Function<String, String> body) {}

    @BeforeAll
    void createResources() {
        server = AuthServer.start(directory, Permission.READ);
        for (String user : List.of("owner", "editor", "reader", "stranger")) {
            server.createUser(user);
        }
        AuthServer.Caller owner = server.as("owner");
        experimentId = AuthServer.ok(owner.post(API + "experiments/create", "{\"name\": \"matrix\"}")).json()
                .get("experiment_id").asText();
        runId = AuthServer.ok(owner.post(API + "runs/create", "{\"experiment_id\": \"" + experimentId
                + "\", \"start_time\": 1}")).json().at("/run/info/run_id").asText();
        AuthServer.ok(owner.post(API + "runs/log-metric", "{\"run_id\": \"" + runId
                + "\", \"key\": \"m\", \"value\": 1.5, \"timestamp\": 1, \"step\": 0}"));
        AuthServer.ok(owner.put(PROXY + experimentId + "/" + runId + "/artifacts/model/file.txt",
                "hello".getBytes(StandardCharsets.UTF_8)));
        model = "matrix-model";
        AuthServer.ok(owner.post(API + "registered-models/create", "{\"name\": \"" + model + "\"}"));
        AuthServer.ok(owner.post(API + "model-versions/create", "{\"name\": \"" + model + "\", \"source\": \"runs:/"
                + runId + "/model\", \"run_id\": \"" + runId + "\"}"));
        AuthServer.ok(owner.post(API + "registered-models/alias", "{\"name\": \"" + model
                + "\", \"alias\": \"champion\", \"version\": \"1\"}"));
        loggedModelId = AuthServer.ok(owner.post(API + "logged-models", "{\"experiment_id\": \"" + experimentId
                + "\", \"name\": \"lm\"}")).json().at("/model/info/model_id").asText();
        // the owner has MANAGE on what it created, so it can grant permissions on them
        for (String user : List.of("editor", "reader", "stranger")) {
            String permission = PERMISSIONS.get(user).name();
            AuthServer.ok(owner.post(API + "experiments/permissions/create", "{\"experiment_id\": \"" + experimentId
                    + "\", \"username\": \"" + user + "\", \"permission\": \"" + permission + "\"}"));
            AuthServer.ok(owner.post(API + "registered-models/permissions/create", "{\"name\": \"" + model
                    + "\", \"username\": \"" + user + "\", \"permission\": \"" + permission + "\"}"));
        }
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private List<Call> calls() {
        String e = experimentId;
        String r = runId;
        String m = model;
        String lm = loggedModelId;
        List<Call> calls = new ArrayList<>();
        // experiments
        calls.add(read("experiments/get", "GET", API + "experiments/get?experiment_id=" + e));
        calls.add(read("experiments/get (ajax)", "GET", "/ajax-api/2.0/mlflow/experiments/get?experiment_id=" + e));
        calls.add(read("experiments/get-by-name", "GET", API + "experiments/get-by-name?experiment_name=matrix"));
        calls.add(write(UPDATE, "experiments/update", "POST", API + "experiments/update",
                "{\"experiment_id\": \"" + e + "\", \"new_name\": \"matrix\"}"));
        calls.add(write(UPDATE, "experiments/set-experiment-tag", "POST", API + "experiments/set-experiment-tag",
                "{\"experiment_id\": \"" + e + "\", \"key\": \"k\", \"value\": \"v\"}"));
        calls.add(write(UPDATE, "experiments/delete-experiment-tag", "POST",
                API + "experiments/delete-experiment-tag", "{\"experiment_id\": \"" + e + "\", \"key\": \"k\"}"));
        calls.add(write(DELETE, "experiments/restore", "POST", API + "experiments/restore",
                "{\"experiment_id\": \"" + e + "\"}"));
        // runs and metrics
        calls.add(write(UPDATE, "runs/create", "POST", API + "runs/create", "{\"experiment_id\": \"" + e + "\"}"));
        calls.add(read("runs/get", "GET", API + "runs/get?run_id=" + r));
        calls.add(new Call("runs/search", Optional.of(READ), "POST", user -> API + "runs/search",
                user -> "{\"experiment_ids\": [\"" + e + "\"]}"));
        calls.add(write(UPDATE, "runs/update", "POST", API + "runs/update",
                "{\"run_id\": \"" + r + "\", \"status\": \"RUNNING\"}"));
        calls.add(write(UPDATE, "runs/log-metric", "POST", API + "runs/log-metric",
                "{\"run_id\": \"" + r + "\", \"key\": \"m\", \"value\": 2, \"timestamp\": 2}"));
        calls.add(new Call("runs/log-parameter", Optional.of(UPDATE), "POST", user -> API + "runs/log-parameter",
                user -> "{\"run_id\": \"" + r + "\", \"key\": \"p-" + user + "\", \"value\": \"1\"}"));
        calls.add(write(UPDATE, "runs/log-batch", "POST", API + "runs/log-batch", "{\"run_id\": \"" + r
                + "\", \"metrics\": [{\"key\": \"m\", \"value\": 3, \"timestamp\": 3, \"step\": 1}]}"));
        calls.add(write(UPDATE, "runs/log-batch with a logged model", "POST", API + "runs/log-batch",
                "{\"run_id\": \"" + r + "\", \"metrics\": [{\"key\": \"m\", \"value\": 3, \"timestamp\": 4, "
                        + "\"model_id\": \"" + lm + "\"}]}"));
        calls.add(write(UPDATE, "runs/log-inputs", "POST", API + "runs/log-inputs", "{\"run_id\": \"" + r
                + "\", \"datasets\": [{\"dataset\": {\"name\": \"d\", \"digest\": \"abc\", \"source_type\": "
                + "\"local\", \"source\": \"/data/d\"}}]}"));
        calls.add(write(UPDATE, "runs/set-tag", "POST", API + "runs/set-tag",
                "{\"run_id\": \"" + r + "\", \"key\": \"t\", \"value\": \"v\"}"));
        calls.add(write(UPDATE, "runs/delete-tag", "POST", API + "runs/delete-tag",
                "{\"run_id\": \"" + r + "\", \"key\": \"t\"}"));
        calls.add(write(UPDATE, "runs/outputs", "POST", API + "runs/outputs",
                "{\"run_id\": \"" + r + "\", \"models\": [{\"model_id\": \"" + lm + "\", \"step\": 0}]}"));
        calls.add(write(DELETE, "runs/restore", "POST", API + "runs/restore", "{\"run_id\": \"" + r + "\"}"));
        calls.add(read("metrics/get-history", "GET", API + "metrics/get-history?run_id=" + r + "&metric_key=m"));
        calls.add(read("metrics/get-history-bulk-interval", "GET",
                API + "metrics/get-history-bulk-interval?run_ids=" + r + "&metric_key=m"));
        calls.add(read("metrics/get-history-bulk", "GET",
                "/ajax-api/2.0/mlflow/metrics/get-history-bulk?run_id=" + r + "&metric_key=m"));
        // artifacts
        calls.add(read("artifacts/list", "GET", API + "artifacts/list?run_id=" + r));
        calls.add(read("get-artifact", "GET", "/get-artifact?run_id=" + r + "&path=model/file.txt"));
        calls.add(read("proxy download", "GET", PROXY + e + "/" + r + "/artifacts/model/file.txt"));
        calls.add(read("proxy list", "GET", "/api/2.0/mlflow-artifacts/artifacts?path=" + e));
        calls.add(new Call("proxy upload", Optional.of(UPDATE), "PUT",
                user -> PROXY + e + "/" + r + "/artifacts/up-" + user + ".txt", user -> "data"));
        calls.add(write(UPDATE, "proxy multipart", "POST", "/api/2.0/mlflow-artifacts/mpu/create/" + e + "/" + r
                + "/artifacts/big.bin", "{}"));
        calls.add(write(DELETE, "proxy delete", "DELETE", PROXY + e + "/" + r + "/artifacts/nothing.txt", ""));
        // registry
        calls.add(read("registered-models/get", "GET", API + "registered-models/get?name=" + m));
        calls.add(read("registered-models/get-latest-versions", "GET",
                API + "registered-models/get-latest-versions?name=" + m));
        calls.add(read("registered-models/alias", "GET", API + "registered-models/alias?name=" + m
                + "&alias=champion"));
        calls.add(read("model-versions/get", "GET", API + "model-versions/get?name=" + m + "&version=1"));
        calls.add(read("model-versions/get-download-uri", "GET",
                API + "model-versions/get-download-uri?name=" + m + "&version=1"));
        calls.add(read("model-versions/get-artifact", "GET",
                API + "model-versions/get-artifact?name=" + m + "&version=1&path=file.txt"));
        calls.add(write(UPDATE, "registered-models/update", "PATCH", API + "registered-models/update",
                "{\"name\": \"" + m + "\", \"description\": \"d\"}"));
        calls.add(write(UPDATE, "registered-models/set-tag", "POST", API + "registered-models/set-tag",
                "{\"name\": \"" + m + "\", \"key\": \"k\", \"value\": \"v\"}"));
        calls.add(write(UPDATE, "registered-models/delete-tag", "DELETE", API + "registered-models/delete-tag",
                "{\"name\": \"" + m + "\", \"key\": \"k\"}"));
        calls.add(write(UPDATE, "registered-models/alias (set)", "POST", API + "registered-models/alias",
                "{\"name\": \"" + m + "\", \"alias\": \"champion\", \"version\": \"1\"}"));
        calls.add(write(UPDATE, "model-versions/update", "PATCH", API + "model-versions/update",
                "{\"name\": \"" + m + "\", \"version\": \"1\", \"description\": \"d\"}"));
        calls.add(write(UPDATE, "model-versions/transition-stage", "POST", API + "model-versions/transition-stage",
                "{\"name\": \"" + m + "\", \"version\": \"1\", \"stage\": \"Staging\"}"));
        calls.add(write(UPDATE, "model-versions/set-tag", "POST", API + "model-versions/set-tag",
                "{\"name\": \"" + m + "\", \"version\": \"1\", \"key\": \"k\", \"value\": \"v\"}"));
        calls.add(write(UPDATE, "model-versions/create", "POST", API + "model-versions/create",
                "{\"name\": \"" + m + "\", \"source\": \"runs:/" + r + "/model\", \"run_id\": \"" + r + "\"}"));
        calls.add(write(DELETE, "model-versions/delete-tag", "DELETE", API + "model-versions/delete-tag",
                "{\"name\": \"" + m + "\", \"version\": \"1\", \"key\": \"nothing\"}"));
        calls.add(write(DELETE, "registered-models/alias (delete)", "DELETE", API + "registered-models/alias",
                "{\"name\": \"" + m + "\", \"alias\": \"nothing\"}"));
        // logged models
        calls.add(read("logged-models/get", "GET", API + "logged-models/" + lm));
        calls.add(read("logged-models/artifacts/directories", "GET",
                API + "logged-models/" + lm + "/artifacts/directories"));
        calls.add(new Call("logged-models/search", Optional.of(READ), "POST", user -> API + "logged-models/search",
                user -> "{\"experiment_ids\": [\"" + e + "\"]}"));
        calls.add(write(UPDATE, "logged-models/create", "POST", API + "logged-models",
                "{\"experiment_id\": \"" + e + "\", \"name\": \"lm2\"}"));
        calls.add(write(UPDATE, "logged-models/tags", "PATCH", API + "logged-models/" + lm + "/tags",
                "{\"tags\": [{\"key\": \"k\", \"value\": \"v\"}]}"));
        calls.add(write(UPDATE, "logged-models/params", "POST", API + "logged-models/" + lm + "/params",
                "{\"params\": [{\"key\": \"p\", \"value\": \"1\"}]}"));
        calls.add(write(DELETE, "logged-models/tags (delete)", "DELETE", API + "logged-models/" + lm
                + "/tags/nothing", "{}"));
        // prediction log and monitoring of the registered model
        calls.add(write(UPDATE, "predictions/log-batch", "POST", SLIPWAY + "predictions/log-batch",
                "{\"predictions\": [{\"request_id\": \"q1\", \"timestamp_ms\": 1000, \"model_name\": \"" + m
                        + "\", \"model_version\": \"1\", \"variant\": \"stable\", \"inputs\": {\"x\": 1}, "
                        + "\"outputs\": {\"y\": 0}, \"latency_ms\": 1.0}]}"));
        calls.add(read("predictions/search", "POST", SLIPWAY + "predictions/search",
                "{\"model_name\": \"" + m + "\"}"));
        calls.add(read("predictions/count", "POST", SLIPWAY + "predictions/count", "{\"model_name\": \"" + m + "\"}"));
        calls.add(read("monitoring/window", "GET", SLIPWAY + "monitoring/window?model_name=" + m
                + "&model_version=1"));
        calls.add(read("monitoring/quality", "GET", SLIPWAY + "monitoring/quality?model_name=" + m
                + "&model_version=1"));
        // permissions on the experiment and the model
        calls.add(write(MANAGE, "experiments/permissions/get", "GET", API + "experiments/permissions/get"
                + "?experiment_id=" + e + "&username=reader", ""));
        calls.add(write(MANAGE, "registered-models/permissions/get", "GET", API
                + "registered-models/permissions/get?name=" + m + "&username=reader", ""));
        calls.add(write(MANAGE, "permissions/list (experiment)", "GET", SLIPWAY + "permissions/list?experiment_id="
                + e, ""));
        calls.add(write(MANAGE, "permissions/list (model)", "GET", SLIPWAY + "permissions/list?name=" + m, ""));
        // spanning models and environments: any authenticated user
        calls.add(anyUser("server-info", "GET", "/api/3.0/mlflow/server-info"));
        calls.add(anyUser("monitors/list", "GET", SLIPWAY + "monitors/list"));
        calls.add(anyUser("gitops deployments/list", "GET", SLIPWAY + "gitops/deployments/list"));
        calls.add(anyUser("gitops events/list", "GET", SLIPWAY + "gitops/events/list?env=prod"));
        return calls;
    }

    private static Call read(String name, String method, String path) {
        return read(name, method, path, "");
    }

    private static Call read(String name, String method, String path, String body) {
        return new Call(name, Optional.of(READ), method, user -> path, user -> body);
    }

    private static Call write(Capability needs, String name, String method, String path, String body) {
        return new Call(name, Optional.of(needs), method, user -> path, user -> body);
    }

    private static Call anyUser(String name, String method, String path) {
        return new Call(name, Optional.empty(), method, user -> path, user -> "");
    }

    @TestFactory
    Stream<DynamicTest> everyUserGetsExactlyWhatItsPermissionAllows() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Call call : calls()) {
            for (String user : USERS) {
                boolean allowed = call.needs().map(needed -> PERMISSIONS.get(user).allows(needed)).orElse(true);
                tests.add(DynamicTest.dynamicTest(call.name() + " as " + user + (allowed ? " is allowed" : " is denied"),
                        () -> {
                            ApiClient.Response response = server.as(user).send(call.method(), call.path().apply(user),
                                    call.body().apply(user));
                            if (allowed) {
                                assertThat(response.status()).as(response.body()).isNotIn(401, 403);
                                if (call.needs().filter(READ::equals).isPresent()) {
                                    assertThat(response.status()).as(response.body()).isEqualTo(200);
                                }
                            } else {
                                assertThat(response.status()).as(response.body()).isEqualTo(403);
                                assertThat(response.errorCode()).isEqualTo("PERMISSION_DENIED");
                            }
                        }));
            }
        }
        return tests.stream();
    }

    @Test
    void searchesListOnlyWhatTheUserCanRead() {
        JsonNode readerExperiments = AuthServer.ok(server.as("reader").post(API + "experiments/search",
                "{\"max_results\": 100}")).json();
        JsonNode strangerExperiments = AuthServer.ok(server.as("stranger").post(API + "experiments/search",
                "{\"max_results\": 100}")).json();
        assertThat(readerExperiments.path("experiments").findValuesAsText("experiment_id")).contains(experimentId);
        assertThat(strangerExperiments.path("experiments").findValuesAsText("experiment_id"))
                .doesNotContain(experimentId).contains("0");

        JsonNode strangerModels = AuthServer.ok(server.as("stranger").get(API + "registered-models/search")).json();
        JsonNode readerModels = AuthServer.ok(server.as("reader").get(API + "registered-models/search")).json();
        assertThat(strangerModels.path("registered_models").findValuesAsText("name")).doesNotContain(model);
        assertThat(readerModels.path("registered_models").findValuesAsText("name")).contains(model);

        JsonNode strangerVersions = AuthServer.ok(server.as("stranger").get(API + "model-versions/search")).json();
        JsonNode readerVersions = AuthServer.ok(server.as("reader").get(API + "model-versions/search")).json();
        assertThat(strangerVersions.path("model_versions").findValuesAsText("name")).doesNotContain(model);
        assertThat(readerVersions.path("model_versions").findValuesAsText("name")).contains(model);

        ApiClient.Response runs = server.as("stranger").post(API + "runs/search",
                "{\"experiment_ids\": [\"0\", \"" + experimentId + "\"]}");
        assertThat(runs.status()).isEqualTo(403);
        assertThat(runs.errorCode()).isEqualTo("PERMISSION_DENIED");
        assertThat(runs.message()).contains("experiment " + experimentId);
    }

    @Test
    void onlyManagersGrantPermissions() {
        for (String user : List.of("reader", "editor", "stranger")) {
            ApiClient.Response response = server.as(user).post(API + "experiments/permissions/create",
                    "{\"experiment_id\": \"" + experimentId + "\", \"username\": \"" + user + "\", \"permission\": "
                            + "\"MANAGE\"}");
            assertThat(response.status()).as(user).isEqualTo(403);
        }
        ApiClient.Response escalate = server.as("reader").patch(API + "registered-models/permissions/update",
                "{\"name\": \"" + model + "\", \"username\": \"reader\", \"permission\": \"MANAGE\"}");
        assertThat(escalate.status()).isEqualTo(403);
        assertThat(server.auth.getRegisteredModelPermission(model, "reader").permission()).isEqualTo(Permission.READ);
    }

    @Test
    void onlyAdministratorsManageUsers() {
        for (String user : List.of("owner", "reader", "stranger")) {
            AuthServer.Caller caller = server.as(user);
            assertThat(caller.post(API + "users/create", "{\"username\": \"x-" + user + "\", \"password\": "
                    + "\"long-enough-pw\"}").status()).isEqualTo(403);
            assertThat(caller.patch(API + "users/update-admin", "{\"username\": \"" + user + "\", \"is_admin\": true}")
                    .status()).isEqualTo(403);
            assertThat(caller.delete(API + "users/delete", "{\"username\": \"reader\"}").status()).isEqualTo(403);
            assertThat(caller.get(API + "users/get?username=admin").status()).isEqualTo(403);
            assertThat(caller.get(SLIPWAY + "users/list").status()).isEqualTo(403);
            // but a user reads itself
            JsonNode self = AuthServer.ok(caller.get(API + "users/get?username=" + user)).json().path("user");
            assertThat(self.path("username").asText()).isEqualTo(user);
            assertThat(self.path("is_admin").asBoolean()).isFalse();
        }
        JsonNode users = AuthServer.ok(server.as("admin").get(SLIPWAY + "users/list")).json();
        assertThat(users.path("users").findValuesAsText("username")).contains("admin", "owner", "stranger");
    }

    @Test
    void theCreatorOfAnExperimentOrModelGetsManage() {
        AuthServer.Caller editor = server.as("editor");
        String created = AuthServer.ok(editor.post(API + "experiments/create", "{\"name\": \"editors-own\"}")).json()
                .get("experiment_id").asText();
        AuthServer.ok(editor.post(API + "registered-models/create", "{\"name\": \"editors-model\"}"));

        JsonNode user = AuthServer.ok(editor.get(API + "users/get?username=editor")).json().path("user");
        assertThat(user.path("experiment_permissions").findValuesAsText("experiment_id")).contains(created);
        assertThat(server.auth.getExperimentPermission(created, "editor").permission()).isEqualTo(Permission.MANAGE);
        assertThat(server.auth.getRegisteredModelPermission("editors-model", "editor").permission())
                .isEqualTo(Permission.MANAGE);
        // and a renamed model keeps its permissions; a deleted one loses them
        AuthServer.ok(editor.post(API + "registered-models/rename", "{\"name\": \"editors-model\", \"new_name\": "
                + "\"editors-model-2\"}"));
        assertThat(server.auth.getRegisteredModelPermission("editors-model-2", "editor").permission())
                .isEqualTo(Permission.MANAGE);
        AuthServer.ok(editor.delete(API + "registered-models/delete", "{\"name\": \"editors-model-2\"}"));
        assertThat(server.auth.registeredModelPermissions("editors-model-2")).isEmpty();
    }

    @Test
    void deletionNeedsManage() {
        AuthServer.Caller owner = server.as("owner");
        String scratch = AuthServer.ok(owner.post(API + "experiments/create", "{\"name\": \"scratch\"}")).json()
                .get("experiment_id").asText();
        AuthServer.ok(owner.post(API + "experiments/permissions/create", "{\"experiment_id\": \"" + scratch
                + "\", \"username\": \"editor\", \"permission\": \"EDIT\"}"));
        String body = "{\"experiment_id\": \"" + scratch + "\"}";
        assertThat(server.as("editor").post(API + "experiments/delete", body).status()).isEqualTo(403);
        assertThat(server.as("reader").post(API + "experiments/delete", body).status()).isEqualTo(403);
        AuthServer.ok(owner.post(API + "experiments/delete", body));
    }
}
