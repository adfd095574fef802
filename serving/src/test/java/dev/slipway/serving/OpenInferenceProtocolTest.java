package dev.slipway.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Open Inference Protocol (KServe V2) REST routes against a real server with a classifier and a regressor. */
class OpenInferenceProtocolTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHURN_INFER = """
            {"id": "abc-1", "inputs": [
              {"name": "x1", "shape": [2], "datatype": "FP64", "data": [2.5, -3.0]},
              {"name": "x2", "shape": [2, 1], "datatype": "FP32", "data": [[1.0], [-2.5]]},
              {"name": "color", "shape": [2], "datatype": "BYTES", "data": ["green", "red"]}]}""";

    @TempDir
    static Path folder;

    private static FixedModels models;
    private static RecordingPredictionLog log;
    private static ServingServer server;
    private static Http http;

    @BeforeAll
    static void start() {
        Map<String, Path> folders = new LinkedHashMap<>();
        folders.put("churn", TrainedModels.classifier(folder.resolve("classifier")));
        folders.put("price", TrainedModels.regressor(folder.resolve("regressor")));
        models = FixedModels.load(folders, 1);
        log = new RecordingPredictionLog();
        server = ServingServer.start(ServingOptions.of("127.0.0.1", 0, models, log, "0.1.0-test")
                .withMaxRequestBytes(1 << 20));
        http = new Http(server.port());
    }

    @AfterAll
    static void stop() {
        server.stop();
        models.close();
    }

    @Test
    void serverMetadataAndHealthRoutesAnswer() throws Exception {
        JsonNode metadata = JSON.readTree(http.get("/v2").body());
        assertThat(metadata.get("name").asText()).isEqualTo("slipway");
        assertThat(metadata.get("version").asText()).isEqualTo("0.1.0-test");
        assertThat(metadata.get("extensions").isArray()).isTrue();
        assertThat(http.get("/v2/health/live").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = http.get("/v2/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(ready.body()).get("ready").asBoolean()).isTrue();
        HttpResponse<String> modelReady = http.get("/v2/models/churn/ready");
        assertThat(modelReady.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(modelReady.body()).get("ready").asBoolean()).isTrue();
        assertThat(http.get("/v2/models/churn/versions/1/ready").statusCode()).isEqualTo(200);
        assertThat(http.get("/v2/models/churn/versions/9/ready").statusCode()).isEqualTo(404);
    }

    @Test
    void modelMetadataListsTheInputsAndOutputsWithDatatypesAndVariableDimensions() throws Exception {
        JsonNode churn = JSON.readTree(http.get("/v2/models/churn").body());

        assertThat(churn.get("name").asText()).isEqualTo("churn");
        assertThat(churn.get("versions")).containsExactly(JSON.readTree("\"1\""));
        assertThat(churn.get("platform").asText()).isEqualTo("onnx_onnxv1");
        assertThat(churn.get("inputs")).containsExactly(
                JSON.readTree("{\"name\": \"x1\", \"datatype\": \"FP32\", \"shape\": [-1]}"),
                JSON.readTree("{\"name\": \"x2\", \"datatype\": \"FP32\", \"shape\": [-1]}"),
                JSON.readTree("{\"name\": \"color\", \"datatype\": \"BYTES\", \"shape\": [-1]}"));
        assertThat(churn.get("outputs")).containsExactly(
                JSON.readTree("{\"name\": \"label\", \"datatype\": \"BYTES\", \"shape\": [-1]}"),
                JSON.readTree("{\"name\": \"probability_no\", \"datatype\": \"FP32\", \"shape\": [-1]}"),
                JSON.readTree("{\"name\": \"probability_yes\", \"datatype\": \"FP32\", \"shape\": [-1]}"));
        JsonNode price = JSON.readTree(http.get("/v2/models/price/versions/1").body());
        assertThat(price.get("outputs")).containsExactly(
                JSON.readTree("{\"name\": \"prediction\", \"datatype\": \"FP32\", \"shape\": [-1]}"));
    }

    @Test
    void inferAnswersTensorsAndEchoesTheIdAsMlflowsProtocolScoresTheSameRows() throws Exception {
        HttpResponse<String> response = http.json("/v2/models/churn/infer", CHURN_INFER);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.get("model_name").asText()).isEqualTo("churn");
        assertThat(answer.get("model_version").asText()).isEqualTo("1");
        assertThat(answer.get("id").asText()).isEqualTo("abc-1");
        assertThat(response.headers().firstValue("X-Request-Id")).contains("abc-1");
        JsonNode outputs = answer.get("outputs");
        assertThat(outputs).extracting(output -> output.get("name").asText())
                .containsExactly("label", "probability_no", "probability_yes");
        assertThat(outputs.get(0).get("datatype").asText()).isEqualTo("BYTES");
        assertThat(outputs.get(0).get("shape")).containsExactly(JSON.readTree("2"));
        assertThat(outputs.get(1).get("datatype").asText()).isEqualTo("FP32");

        JsonNode mlflow = JSON.readTree(http.json("/models/churn/invocations", """
                {"dataframe_split": {"columns": ["x1", "x2", "color"],
                 "data": [[2.5, 1.0, "green"], [-3.0, -2.5, "red"]]}}""").body()).get("predictions");
        for (int row = 0; row < 2; row++) {
            assertThat(outputs.get(0).get("data").get(row).asText()).isEqualTo(mlflow.get(row).get("label").asText());
            assertThat(outputs.get(2).get("data").get(row).doubleValue()).isCloseTo(
                    mlflow.get(row).get("probability_yes").doubleValue(), within(1e-7));
        }
        assertThat(log.records()).anyMatch(record -> record.requestId().equals("abc-1") && record.rowIndex() == 1);
    }

    @Test
    void theOutputsSelectionIsHonoured() throws Exception {
        String body = CHURN_INFER.substring(0, CHURN_INFER.lastIndexOf('}'))
                + ", \"outputs\": [{\"name\": \"probability_yes\"}]}";
        JsonNode outputs = JSON.readTree(http.json("/v2/models/churn/infer", body).body()).get("outputs");
        assertThat(outputs).hasSize(1);
        assertThat(outputs.get(0).get("name").asText()).isEqualTo("probability_yes");

        String unknown = CHURN_INFER.substring(0, CHURN_INFER.lastIndexOf('}'))
                + ", \"outputs\": [{\"name\": \"score\"}]}";
        HttpResponse<String> refused = http.json("/v2/models/churn/infer", unknown);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(refused.body()).get("error").asText()).contains("'score'", "probability_yes");
    }

    @Test
    void aRegressorAnswersPredictionAndAVersionedPathScoresThatVersion() throws Exception {
        HttpResponse<String> response = http.json("/v2/models/price/versions/1/infer", """
                {"inputs": [{"name": "x1", "shape": [1], "datatype": "FP64", "data": [1.0]},
                            {"name": "rooms", "shape": [1], "datatype": "INT64", "data": [3]}]}""");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode output = JSON.readTree(response.body()).get("outputs").get(0);
        assertThat(output.get("name").asText()).isEqualTo("prediction");
        JsonNode mlflow = JSON.readTree(http.json("/models/price/invocations",
                "{\"dataframe_records\": [{\"x1\": 1.0, \"rooms\": 3}]}").body()).get("predictions").get(0);
        assertThat(mlflow.fieldNames()).toIterable().containsExactly("prediction");
        assertThat(output.get("data").get(0).doubleValue()).isEqualTo(mlflow.get("prediction").doubleValue());
        String generatedId = JSON.readTree(response.body()).get("id").asText();
        assertThat(generatedId).hasSize(36);
    }

    @Test
    void badInferenceRequestsAre400sWithAnErrorMessage() throws Exception {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("{\"inputs\": ", "Malformed JSON");
        cases.put("{}", "\"inputs\"");
        cases.put("{\"inputs\": [{\"name\": \"x1\", \"shape\": [2], \"datatype\": \"FP32\", \"data\": [1.0]}]}",
                "shape [2]");
        cases.put("{\"inputs\": [{\"name\": \"x1\", \"shape\": [1], \"datatype\": \"FP99\", \"data\": [1.0]}]}",
                "FP99");
        cases.put("{\"inputs\": [{\"name\": \"x1\", \"shape\": [1], \"datatype\": \"FP32\", \"data\": [\"a\"]}]}",
                "'x1' is FP32");
        cases.put("""
                {"inputs": [{"name": "x1", "shape": [1], "datatype": "FP32", "data": [1.0]},
                            {"name": "x2", "shape": [1], "datatype": "FP32", "data": [1.0]}]}""",
                "'color'");
        cases.put("""
                {"inputs": [{"name": "x1", "shape": [1], "datatype": "FP32", "data": [1.0]},
                            {"name": "x2", "shape": [1], "datatype": "FP32", "data": [1.0]},
                            {"name": "color", "shape": [1], "datatype": "FP32", "data": [1.0]}]}""",
                "'color' expects string");
        cases.put("""
                {"inputs": [{"name": "x1", "shape": [0], "datatype": "FP32", "data": []},
                            {"name": "x2", "shape": [0], "datatype": "FP32", "data": []},
                            {"name": "color", "shape": [0], "datatype": "BYTES", "data": []}]}""",
                "no rows");
        for (Map.Entry<String, String> entry : cases.entrySet()) {
            HttpResponse<String> response = http.json("/v2/models/churn/infer", entry.getKey());
            assertThat(response.statusCode()).as(entry.getKey()).isEqualTo(400);
            JsonNode error = JSON.readTree(response.body());
            assertThat(error.fieldNames()).toIterable().containsExactly("error");
            assertThat(error.get("error").asText()).as(entry.getKey()).contains(entry.getValue());
        }
    }

    @Test
    void anUnknownModelIsA404NamingTheServedModels() throws Exception {
        for (HttpResponse<String> response : List.of(http.get("/v2/models/nope"),
                http.json("/v2/models/nope/infer", CHURN_INFER), http.get("/v2/models/nope/ready"))) {
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(JSON.readTree(response.body()).get("error").asText()).contains("'nope'", "churn", "price");
        }
    }
}
