package dev.slipway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.server.ApiClient.Response;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

/**
 * MLflow 3's logged-model endpoints against a real server, in the order {@code mlflow.<flavor>.log_model} uses
 * them.
 */
class LoggedModelApiTest {
    private static final String API = "/api/2.0/mlflow/";
    private static final String AJAX = "/ajax-api/2.0/mlflow/";
    private static final String PROXY = "/api/2.0/mlflow-artifacts/artifacts/";
    private static final AtomicInteger EXPERIMENTS = new AtomicInteger();

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
    void logModelSequenceCreatesUploadsListsFinalizesAndReadsTheModel() throws Exception {
        String experimentId = newExperiment();
        String runId = server.createRunId(experimentId);

        Response created = ok(client.post(API + "logged-models", "{\"experiment_id\": \"" + experimentId + "\", "
                + "\"name\": \"model\", \"model_type\": \"onnx\", \"source_run_id\": \"" + runId + "\", "
                + "\"params\": [{\"key\": \"lr\", \"value\": \"0.1\"}], "
                + "\"tags\": [{\"key\": \"mlflow.source.name\", \"value\": \"train.py\"}]}"));
        JsonNode info = created.json().get("model").get("info");
        String modelId = info.get("model_id").asText();
        assertThat(modelId).matches("m-[0-9a-f]{32}");
        assertThat(info.get("experiment_id").asText()).isEqualTo(experimentId);
        assertThat(info.get("status").asText()).isEqualTo("LOGGED_MODEL_PENDING");
        assertThat(info.get("source_run_id").asText()).isEqualTo(runId);
        assertThat(info.get("model_type").asText()).isEqualTo("onnx");
        assertThat(info.get("creation_timestamp_ms").isIntegralNumber()).isTrue();
        String artifactUri = info.get("artifact_uri").asText();
        assertThat(artifactUri).isEqualTo("mlflow-artifacts:/" + experimentId + "/models/" + modelId + "/artifacts");

        // the client turns mlflow-artifacts:/<path> into a PUT through the proxy
        String proxied = PROXY + artifactUri.substring("mlflow-artifacts:/".length()) + "/";
        byte[] mlmodel = "artifact_path: model\nflavors: {}\n".getBytes(StandardCharsets.UTF_8);
        ok(client.put(proxied + "MLmodel", mlmodel));
        ok(client.put(proxied + "env/requirements.txt", "onnxruntime\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(Files.readAllBytes(server.artifactDestination.resolve(experimentId + "/models/" + modelId
                + "/artifacts/MLmodel"))).isEqualTo(mlmodel);

        JsonNode listing = ok(client.get(API + "logged-models/" + modelId + "/artifacts/directories")).json();
        assertThat(listing.get("root_uri").asText()).isEqualTo(artifactUri);
        assertThat(files(listing)).containsExactly("MLmodel:false:" + mlmodel.length, "env:true:-");
        JsonNode nested = ok(client.get(API + "logged-models/" + modelId
                + "/artifacts/directories?artifact_directory_path=env")).json();
        assertThat(files(nested)).containsExactly("env/requirements.txt:false:12");
        Response download = ok(client.get(AJAX + "logged-models/" + modelId
                + "/artifacts/files?artifact_file_path=MLmodel"));
        assertThat(download.bytes()).isEqualTo(mlmodel);
        assertThat(download.header("Content-Disposition")).hasValueSatisfying(value ->
                assertThat(value).startsWith("attachment"));

        JsonNode finalized = ok(patch(API + "logged-models/" + modelId,
                "{\"model_id\": \"" + modelId + "\", \"status\": \"LOGGED_MODEL_READY\"}")).json();
        assertThat(finalized.get("model").get("info").get("status").asText()).isEqualTo("LOGGED_MODEL_READY");

        // log_model inside a run links the run to the model
        assertThat(ok(client.post(API + "runs/outputs", "{\"run_id\": \"" + runId + "\", \"models\": "
                + "[{\"model_id\": \"" + modelId + "\", \"step\": 0}]}")).body()).isEqualTo("{}");
        assertThat(server.getRun(runId).get("outputs").toString())
                .isEqualTo("{\"model_outputs\":[{\"model_id\":\"" + modelId + "\",\"step\":0}]}");

        for (String prefix : List.of(API, AJAX)) {
            JsonNode model = ok(client.get(prefix + "logged-models/" + modelId)).json().get("model");
            assertThat(model.get("info").get("status").asText()).isEqualTo("LOGGED_MODEL_READY");
            assertThat(model.get("info").get("name").asText()).isEqualTo("model");
            assertThat(model.get("info").get("tags").get(0).get("key").asText()).isEqualTo("mlflow.source.name");
            assertThat(model.get("data").get("params").get(0).get("value").asText()).isEqualTo("0.1");
            assertThat(model.get("info").get("last_updated_timestamp_ms").asLong())
                    .isGreaterThanOrEqualTo(model.get("info").get("creation_timestamp_ms").asLong());
        }
    }

    @Test
    void modelWithoutNameGetsAGeneratedNameAndStatusMayBeGivenAsNumber() {
        String experimentId = newExperiment();
        JsonNode info = create("{\"experiment_id\": " + experimentId + "}").get("info");
        assertThat(info.get("name").asText()).matches("[a-z]+-[a-z]+-\\d{1,3}");
        assertThat(info.has("source_run_id")).isFalse();

        JsonNode failed = ok(patch(API + "logged-models/" + info.get("model_id").asText(), "{\"status\": 3}")).json();
        assertThat(failed.get("model").get("info").get("status").asText()).isEqualTo("LOGGED_MODEL_UPLOAD_FAILED");
    }

    @Test
    void searchFiltersOrdersAndPages() {
        String experimentId = newExperiment();
        List<String> ids = new ArrayList<>();
        for (int index = 0; index < 5; index++) {
            ids.add(create("{\"experiment_id\": \"" + experimentId + "\", \"name\": \"model-" + index + "\", "
                    + "\"params\": [{\"key\": \"depth\", \"value\": \"" + (index % 2) + "\"}]}")
                    .get("info").get("model_id").asText());
        }
        String otherExperiment = newExperiment();
        create("{\"experiment_id\": \"" + otherExperiment + "\", "
                + "\"params\": [{\"key\": \"depth\", \"value\": \"0\"}]}");
        ok(patch(API + "logged-models/" + ids.get(1), "{\"status\": \"LOGGED_MODEL_READY\"}"));

        assertThat(searchIds("{\"experiment_ids\": [\"" + experimentId + "\"], \"filter\": \"params.depth = '0'\"}"))
                .containsExactly(ids.get(4), ids.get(2), ids.get(0));
        assertThat(searchIds("{\"experiment_ids\": [\"" + experimentId + "\"], "
                + "\"filter\": \"name LIKE 'model-%' AND status = 'LOGGED_MODEL_READY'\"}"))
                .containsExactly(ids.get(1));
        assertThat(searchIds("{\"experiment_ids\": [\"" + experimentId + "\", \"" + otherExperiment + "\"], "
                + "\"filter\": \"params.depth = '0'\"}")).hasSize(4);
        assertThat(searchIds("{\"experiment_ids\": [\"" + experimentId + "\"], \"order_by\": "
                + "[{\"field_name\": \"name\", \"ascending\": false}]}"))
                .containsExactly(ids.get(4), ids.get(3), ids.get(2), ids.get(1), ids.get(0));

        List<String> paged = new ArrayList<>();
        List<Long> created = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            String body = "{\"experiment_ids\": [\"" + experimentId + "\"], \"max_results\": 2, "
                    + "\"order_by\": [{\"field_name\": \"creation_timestamp\"}]"
                    + (token == null ? "" : ", \"page_token\": \"" + token + "\"") + "}";
            JsonNode page = ok(client.post(API + "logged-models/search", body)).json();
            page.get("models").forEach(model -> {
                paged.add(model.get("info").get("model_id").asText());
                created.add(model.get("info").get("creation_timestamp_ms").asLong());
            });
            token = page.has("next_page_token") ? page.get("next_page_token").asText() : null;
            pages++;
        } while (token != null);
        assertThat(pages).isEqualTo(3);
        // models created in the same millisecond tie on the timestamp; the pages still hold each model once, in order
        assertThat(paged).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(created).isSorted();

        assertThat(ok(client.post(AJAX + "logged-models/search", "{\"experiment_ids\": [\"" + experimentId + "\"], "
                + "\"filter\": \"tags.missing = 'x'\"}")).body()).isEqualTo("{}");
    }

    @Test
    void runMetricsWithAModelIdBecomeMetricsOfTheModelAndCanBeSearched() {
        String experimentId = newExperiment();
        String runId = server.createRunId(experimentId);
        String better = newModelId(experimentId);
        String worse = newModelId(experimentId);
        String unmeasured = newModelId(experimentId);

        ok(client.post(API + "runs/log-metric", "{\"run_id\": \"" + runId + "\", \"key\": \"acc\", \"value\": 0.9, "
                + "\"timestamp\": 10, \"step\": 1, \"model_id\": \"" + better + "\", \"dataset_name\": \"eval\", "
                + "\"dataset_digest\": \"abc\"}"));
        ok(client.post(API + "runs/log-batch", "{\"run_id\": \"" + runId + "\", \"metrics\": ["
                + "{\"key\": \"acc\", \"value\": 0.6, \"timestamp\": 10, \"model_id\": \"" + worse + "\", "
                + "\"dataset_name\": \"eval\", \"dataset_digest\": \"abc\"}, "
                + "{\"key\": \"loss\", \"value\": \"NaN\", \"timestamp\": 11, \"model_id\": \"" + worse + "\"}, "
                + "{\"key\": \"plain\", \"value\": 1, \"timestamp\": 12}]}"));

        JsonNode metric = model(better).get("data").get("metrics").get(0);
        assertThat(metric.toString()).isEqualTo("{\"key\":\"acc\",\"value\":0.9,\"timestamp\":10,\"step\":1,"
                + "\"dataset_name\":\"eval\",\"dataset_digest\":\"abc\",\"model_id\":\"" + better + "\","
                + "\"run_id\":\"" + runId + "\"}");
        JsonNode worseMetrics = model(worse).get("data").get("metrics");
        assertThat(worseMetrics.size()).isEqualTo(2);
        assertThat(worseMetrics.get(1).get("value").asText()).isEqualTo("NaN");
        assertThat(server.getRun(runId).get("data").get("metrics").size()).isEqualTo(3);

        assertThat(searchIds("{\"experiment_ids\": [\"" + experimentId + "\"], \"filter\": \"metrics.acc > 0.8\"}"))
                .containsExactly(better);
        assertThat(searchIds("{\"experiment_ids\": [\"" + experimentId + "\"], \"filter\": \"metrics.acc > 0.5\", "
                + "\"datasets\": [{\"dataset_name\": \"eval\", \"dataset_digest\": \"abc\"}]}"))
                .containsExactlyInAnyOrder(better, worse);
        assertThat(searchIds("{\"experiment_ids\": [\"" + experimentId + "\"], "
                + "\"datasets\": [{\"dataset_name\": \"train\"}]}")).isEmpty();
        assertThat(searchIds("{\"experiment_ids\": [\"" + experimentId + "\"], \"order_by\": [{\"field_name\": "
                + "\"metrics.acc\", \"ascending\": true, \"dataset_name\": \"eval\"}]}"))
                .containsExactly(worse, better, unmeasured);

        Response unknown = client.post(API + "runs/log-metric", "{\"run_id\": \"" + runId + "\", \"key\": \"acc\", "
                + "\"value\": 1, \"timestamp\": 20, \"model_id\": \"m-unknown\"}");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.message()).isEqualTo("Logged model with ID 'm-unknown' not found.");
    }

    @Test
    void registeringAVersionFromTheModelListsItOnTheModel() {
        String modelId = newModelId(newExperiment());
        String name = "registered-from-" + modelId;
        ok(client.post(API + "registered-models/create", "{\"name\": \"" + name + "\"}"));
        ok(client.post(API + "model-versions/create", "{\"name\": \"" + name + "\", \"source\": \"models:/" + modelId
                + "\", \"model_id\": \"" + modelId + "\"}"));

        JsonNode info = model(modelId).get("info");
        assertThat(info.get("registrations").toString()).isEqualTo("[{\"name\":\"" + name + "\",\"version\":\"1\"}]");
        assertThat(info.get("tags").toString()).isEqualTo("[{\"key\":\"mlflow.modelVersions\",\"value\":"
                + "\"[{\\\"name\\\": \\\"" + name + "\\\", \\\"version\\\": 1}]\"}]");
    }

    @Test
    void runOutputsNeedTheirModelsAndAnExistingRun() {
        String experimentId = newExperiment();
        String runId = server.createRunId(experimentId);
        assertThat(server.getRun(runId).has("outputs")).isFalse();

        Response unknownModel = client.post(API + "runs/outputs", "{\"run_id\": \"" + runId + "\", \"models\": "
                + "[{\"model_id\": \"m-unknown\", \"step\": 0}]}");
        assertThat(unknownModel.status()).isEqualTo(404);
        assertThat(unknownModel.message()).isEqualTo("Logged model with ID 'm-unknown' not found.");
        Response noModels = client.post(API + "runs/outputs", "{\"run_id\": \"" + runId + "\"}");
        assertThat(noModels.status()).isEqualTo(400);
        assertThat(noModels.message()).startsWith("Missing value for required parameter 'models'");
        Response noStep = client.post(API + "runs/outputs", "{\"run_id\": \"" + runId + "\", \"models\": "
                + "[{\"model_id\": \"" + newModelId(experimentId) + "\"}]}");
        assertThat(noStep.status()).isEqualTo(400);
        assertThat(noStep.message()).startsWith("Missing value for required parameter 'models[0].step'");
        Response unknownRun = client.post(API + "runs/outputs", "{\"run_id\": \"0123456789abcdef0123456789abcdef\", "
                + "\"models\": [{\"model_id\": \"" + newModelId(experimentId) + "\", \"step\": 1}]}");
        assertThat(unknownRun.status()).isEqualTo(404);
    }

    @Test
    void tagsAreSetAndDeleted() {
        String modelId = newModelId(newExperiment());
        ok(patch(API + "logged-models/" + modelId + "/tags",
                "{\"tags\": [{\"key\": \"stage\", \"value\": \"dev\"}, {\"key\": \"team/owner\", \"value\": \"a\"}]}"));
        ok(patch(API + "logged-models/" + modelId + "/tags",
                "{\"tags\": [{\"key\": \"stage\", \"value\": \"prod\"}]}"));
        JsonNode tags = model(modelId).get("info").get("tags");
        assertThat(tags.toString()).isEqualTo("[{\"key\":\"stage\",\"value\":\"prod\"},"
                + "{\"key\":\"team/owner\",\"value\":\"a\"}]");

        assertThat(ok(client.delete(API + "logged-models/" + modelId + "/tags/team/owner")).body()).isEqualTo("{}");
        assertThat(model(modelId).get("info").get("tags").size()).isEqualTo(1);

        Response missing = client.delete(API + "logged-models/" + modelId + "/tags/team/owner");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
        assertThat(missing.message()).isEqualTo("No tag with key 'team/owner' found for model with ID '" + modelId
                + "'.");
    }

    @Test
    void paramsAreLoggedOnce() {
        String modelId = newModelId(newExperiment());
        assertThat(ok(client.post(API + "logged-models/" + modelId + "/params",
                "{\"params\": [{\"key\": \"lr\", \"value\": \"0.1\"}, {\"key\": \"empty\"}]}")).body()).isEqualTo("{}");
        assertThat(model(modelId).get("data").get("params").toString())
                .isEqualTo("[{\"key\":\"empty\",\"value\":\"\"},{\"key\":\"lr\",\"value\":\"0.1\"}]");

        Response changed = client.post(API + "logged-models/" + modelId + "/params",
                "{\"params\": [{\"key\": \"lr\", \"value\": \"0.2\"}]}");
        assertThat(changed.status()).isEqualTo(400);
        assertThat(changed.message()).contains("Changing param values is not allowed");
    }

    @Test
    void deletedModelIsNotFoundUnlessDeletedOnesAreAllowed() {
        String experimentId = newExperiment();
        String modelId = create("{\"experiment_id\": \"" + experimentId + "\"}").get("info").get("model_id").asText();
        assertThat(ok(client.delete(API + "logged-models/" + modelId, "{}")).body()).isEqualTo("{}");

        Response gone = client.get(API + "logged-models/" + modelId);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
        assertThat(gone.message()).isEqualTo("Logged model with ID '" + modelId + "' not found.");
        assertThat(ok(client.get(API + "logged-models/" + modelId + "?allow_deleted=true")).json().get("model")
                .get("info").get("model_id").asText()).isEqualTo(modelId);
        assertThat(client.get(API + "logged-models/" + modelId + "/artifacts/directories").status()).isEqualTo(404);
        assertThat(client.delete(API + "logged-models/" + modelId).status()).isEqualTo(404);
        assertThat(searchIds("{\"experiment_ids\": [\"" + experimentId + "\"]}")).isEmpty();
    }

    @Test
    void missingExperimentIdIsRefusedWithMlflowsMessage() {
        Response response = client.post(API + "logged-models", "{\"name\": \"m\"}");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
        assertThat(response.message()).isEqualTo("Missing value for required parameter 'experiment_id'. See the API "
                + "docs for more information about request parameters.");
    }

    @Test
    void unknownExperimentAndUnknownModelAreNotFound() {
        Response experiment = client.post(API + "logged-models", "{\"experiment_id\": \"424242\"}");
        assertThat(experiment.status()).isEqualTo(404);
        assertThat(experiment.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
        assertThat(experiment.message()).isEqualTo("No Experiment with id=424242 exists");

        Response model = client.get(API + "logged-models/m-00000000000000000000000000000000");
        assertThat(model.status()).isEqualTo(404);
        assertThat(model.message()).isEqualTo("Logged model with ID 'm-00000000000000000000000000000000' not found.");
        Response run = client.post(API + "logged-models", "{\"experiment_id\": \"0\", \"source_run_id\": "
                + "\"0123456789abcdef0123456789abcdef\"}");
        assertThat(run.status()).isEqualTo(404);
        assertThat(run.message()).isEqualTo("Run with id=0123456789abcdef0123456789abcdef not found");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"status\": \"DONE\"}", "{\"status\": 7}", "{\"status\": true}", "{}",
            "{\"status\": \"LOGGED_MODEL_PENDING\"}"})
    void finalizingWithABadStatusIsRefused(String body) {
        String modelId = create("{\"experiment_id\": \"0\"}").get("info").get("model_id").asText();
        Response response = patch(API + "logged-models/" + modelId, body);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
        assertThat(response.message()).contains("'status'");
        assertThat(model(modelId).get("info").get("status").asText()).isEqualTo("LOGGED_MODEL_PENDING");
    }

    @Test
    void searchRefusesMoreThanFiftyResultsAndBadFilters() {
        Response tooMany = client.post(API + "logged-models/search",
                "{\"experiment_ids\": [\"0\"], \"max_results\": 51}");
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.message()).isEqualTo("Invalid value 51 for parameter 'max_results' supplied. It must be at "
                + "most 50 and at least 1.");

        Response badFilter = client.post(API + "logged-models/search",
                "{\"experiment_ids\": [\"0\"], \"filter\": \"metrics.acc > 'high'\"}");
        assertThat(badFilter.status()).isEqualTo(400);
        assertThat(badFilter.message()).contains("metrics.acc");

        Response badOrder = client.post(API + "logged-models/search",
                "{\"experiment_ids\": [\"0\"], \"order_by\": [{\"field_name\": \"params.depth\"}]}");
        assertThat(badOrder.status()).isEqualTo(400);
        assertThat(badOrder.message()).isEqualTo("Invalid order by field name: params.depth. Only metrics are "
                + "supported.");
    }

    @Test
    void badNamesParamsTagsAndPathsAreRefused() {
        assertThat(client.post(API + "logged-models", "{\"experiment_id\": \"0\", \"name\": \"a/b\"}").message())
                .startsWith("Invalid model name ('a/b') provided");
        assertThat(client.post(API + "logged-models", "{\"experiment_id\": \"0\", \"params\": \"x\"}").message())
                .startsWith("Invalid value \"x\" for parameter 'params' supplied");
        assertThat(client.post(API + "logged-models", "{\"experiment_id\": \"0\", \"tags\": [{\"value\": \"v\"}]}")
                .message()).startsWith("Missing value for required parameter 'tags[0].key'");
        assertThat(client.post(API + "logged-models", "{\"experiment_id\": \"0\"}", "text/plain").message())
                .startsWith("Bad Request. Content-Type must be one of [application/json]");
        String modelId = create("{\"experiment_id\": \"0\"}").get("info").get("model_id").asText();
        Response traversal = client.get(API + "logged-models/" + modelId
                + "/artifacts/directories?artifact_directory_path=../../etc");
        assertThat(traversal.status()).isEqualTo(400);
        assertThat(traversal.message()).isEqualTo("Invalid path");
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static String newExperiment() {
        return server.createExperiment("logged-models-" + EXPERIMENTS.incrementAndGet());
    }

    private static JsonNode create(String body) {
        return ok(client.post(API + "logged-models", body)).json().get("model");
    }

    private static String newModelId(String experimentId) {
        return create("{\"experiment_id\": \"" + experimentId + "\"}").get("info").get("model_id").asText();
    }

    private static JsonNode model(String modelId) {
        return ok(client.get(API + "logged-models/" + modelId)).json().get("model");
    }

    private static List<String> searchIds(String body) {
        List<String> ids = new ArrayList<>();
        ok(client.post(API + "logged-models/search", body)).json().path("models")
                .forEach(model -> ids.add(model.get("info").get("model_id").asText()));
        return ids;
    }

    private static Response patch(String path, String json) {
        return client.send(HttpRequest.newBuilder(client.uri(path)).method("PATCH", BodyPublishers.ofString(json))
                .header("Content-Type", "application/json"));
    }

    private static Response ok(Response response) {
        return TestServer.expectOk(response);
    }

    /** Each listed file as {@code path:is_dir:size} ({@code -} when no size). */
    private static List<String> files(JsonNode listing) {
        List<String> files = new ArrayList<>();
        listing.path("files").forEach(file -> files.add(file.get("path").asText() + ":" + file.get("is_dir").asBoolean()
                + ":" + (file.has("file_size") ? file.get("file_size").asText() : "-")));
        return files;
    }
}
