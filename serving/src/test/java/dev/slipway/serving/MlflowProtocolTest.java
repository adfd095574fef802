package dev.slipway.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.core.predictions.LoggedPrediction;
import dev.slipway.models.data.TextRow;
import dev.slipway.models.format.ModelDirectory;
import dev.slipway.models.scoring.FeatureBatch;
import dev.slipway.models.scoring.OnnxModel;
import dev.slipway.models.scoring.Predictions;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MLflow's scoring protocol against a real server serving one trained classifier. */
class MlflowProtocolTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SPLIT = """
            {"dataframe_split": {"columns": ["x1", "x2", "color"],
             "data": [[2.5, 1.0, "green"], [-3.0, -2.5, "red"]]}}""";

    @TempDir
    static Path folder;

    private static Path modelFolder;
    private static FixedModels models;
    private static RecordingPredictionLog log;
    private static ServingServer server;
    private static Http http;

    @BeforeAll
    static void start() {
        modelFolder = TrainedModels.classifier(folder.resolve("classifier"));
        Map<String, Path> folders = new LinkedHashMap<>();
        folders.put("churn", modelFolder);
        models = FixedModels.load(folders, 1);
        log = new RecordingPredictionLog();
        server = ServingServer.start(new ServingOptions("127.0.0.1", 0, models, log, 1 << 20,
                Duration.ofSeconds(60), Duration.ofSeconds(5), "0.1.0-test", Clock.systemUTC()));
        http = new Http(server.port());
    }

    @AfterAll
    static void stop() {
        server.stop();
        models.close();
    }

    @Test
    void dataframeSplitAnswersRecordsWithTheLabelAndOneProbabilityPerClassAsTheModelScoresThem() throws Exception {
        HttpResponse<String> response = http.json("/invocations", SPLIT);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        JsonNode predictions = JSON.readTree(response.body()).get("predictions");
        assertThat(predictions).hasSize(2);
        List<String> fields = JSON.convertValue(predictions.get(0).fieldNames(), List.class);
        assertThat(fields).containsExactly("label", "probability_no", "probability_yes");

        try (OnnxModel direct = OnnxModel.load(ModelDirectory.read(modelFolder), 1)) {
            FeatureBatch batch = direct.newBatch(List.of("x1", "x2", "color"), Set.of(), "test", 2);
            batch.addRow(new TextRow("test", 1, List.of("x1", "x2", "color"), List.of("2.5", "1.0", "green")));
            batch.addRow(new TextRow("test", 2, List.of("x1", "x2", "color"), List.of("-3.0", "-2.5", "red")));
            Predictions expected = direct.predict(batch);
            for (int row = 0; row < 2; row++) {
                JsonNode record = predictions.get(row);
                assertThat(record.get("label").asText()).isEqualTo(expected.label(row));
                int no = expected.classes().indexOf("no");
                int yes = expected.classes().indexOf("yes");
                assertThat(record.get("probability_no").doubleValue()).isCloseTo(expected.probability(row, no),
                        within(1e-6));
                assertThat(record.get("probability_yes").doubleValue()).isCloseTo(expected.probability(row, yes),
                        within(1e-6));
            }
        }
        assertThat(predictions.get(0).get("label").asText()).isEqualTo("yes");
        assertThat(predictions.get(1).get("label").asText()).isEqualTo("no");
    }

    @Test
    void everyJsonInputFormatAndCsvGiveTheSamePredictions() throws Exception {
        JsonNode expected = JSON.readTree(http.json("/invocations", SPLIT).body());
        List<String> bodies = List.of(
                """
                {"dataframe_records": [{"x1": 2.5, "x2": 1.0, "color": "green"},
                                       {"color": "red", "x2": -2.5, "x1": -3.0}]}""",
                """
                {"instances": [{"x1": 2.5, "x2": 1.0, "color": "green"}, {"x1": -3.0, "x2": -2.5, "color": "red"}]}""",
                """
                {"inputs": {"x1": [2.5, -3.0], "x2": [1.0, -2.5], "color": ["green", "red"]}}""",
                """
                {"inputs": [[2.5, 1.0, "green"], [-3.0, -2.5, "red"]], "params": {"ignored": 1}}""",
                """
                {"dataframe_split": {"index": [0, 1], "data": [[2.5, 1.0, "green"], [-3.0, -2.5, "red"]]}}""");
        for (String body : bodies) {
            HttpResponse<String> response = http.json("/invocations", body);
            assertThat(response.statusCode()).as(body).isEqualTo(200);
            assertThat(JSON.readTree(response.body())).as(body).isEqualTo(expected);
        }
        HttpResponse<String> csv = http.post("/invocations", "text/csv; charset=utf-8",
                "x1,x2,color\n2.5,1.0,green\n-3.0,-2.5,red\n");
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(csv.body())).isEqualTo(expected);
    }

    @Test
    void integersAreWidenedToDoubleColumns() throws Exception {
        JsonNode widened = JSON.readTree(http.json("/invocations",
                "{\"dataframe_records\": [{\"x1\": 2, \"x2\": 1, \"color\": \"green\"}]}").body());
        JsonNode decimal = JSON.readTree(http.json("/invocations",
                "{\"dataframe_records\": [{\"x1\": 2.0, \"x2\": 1.0, \"color\": \"green\"}]}").body());

        assertThat(widened.get("predictions")).hasSize(1);
        assertThat(widened).isEqualTo(decimal);
    }

    @Test
    void aContentTypeOtherThanJsonOrCsvWithUtf8IsRefusedWith415InPlainText() {
        for (String type : List.of("text/plain", "application/json; charset=latin-1", "application/json; format=x",
                "application/x-www-form-urlencoded")) {
            HttpResponse<String> response = http.post("/invocations", type, SPLIT);
            assertThat(response.statusCode()).as(type).isEqualTo(415);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    value -> assertThat(value).startsWith("text/plain"));
            assertThat(response.body()).contains("application/json", "text/csv");
        }
        assertThat(http.post("/invocations", null, SPLIT).statusCode()).isEqualTo(415);
        assertThat(http.post("/invocations", "application/json; charset=UTF-8", SPLIT).statusCode()).isEqualTo(200);
    }

    @Test
    void malformedOrAmbiguousJsonIsA400BadRequest() throws Exception {
        Map<String, String> cases = Map.of(
                "{\"dataframe_split\": ", "Malformed JSON",
                "[1, 2]", "JSON object",
                "{}", "exactly one of",
                "{\"instances\": [[1, 2, \"red\"]], \"inputs\": [[1, 2, \"red\"]]}", "exactly one of",
                "{\"dataframe_records\": [1, 2]}", "not a record",
                "{\"dataframe_split\": {\"columns\": [\"x1\", \"x2\", \"color\"], \"data\": [[1, 2]]}}", "row 0");
        for (Map.Entry<String, String> entry : cases.entrySet()) {
            HttpResponse<String> response = http.json("/invocations", entry.getKey());
            assertThat(response.statusCode()).as(entry.getKey()).isEqualTo(400);
            JsonNode error = JSON.readTree(response.body());
            assertThat(error.get("error_code").asText()).isEqualTo("BAD_REQUEST");
            assertThat(error.get("message").asText()).as(entry.getKey()).contains(entry.getValue());
        }
    }

    @Test
    void anEmptyBatchIsRefused() throws Exception {
        for (String body : List.of("{\"dataframe_records\": []}", "{\"inputs\": {\"x1\": [], \"x2\": [],"
                + " \"color\": []}}", "x1,x2,color\n")) {
            HttpResponse<String> response = body.startsWith("{") ? http.json("/invocations", body)
                    : http.post("/invocations", "text/csv", body);
            assertThat(response.statusCode()).as(body).isEqualTo(400);
            assertThat(JSON.readTree(response.body()).get("message").asText()).contains("no rows");
        }
    }

    @Test
    void schemaViolationsAre400sNamingTheColumnAndTheExpectedType() throws Exception {
        assertError("{\"dataframe_records\": [{\"x1\": 1.0, \"x2\": 2.0}]}", "'color'", "string", "missing");
        assertError("{\"dataframe_records\": [{\"x1\": 1.0, \"x2\": 2.0, \"color\": \"red\", \"size\": 3}]}",
                "'size'", "not in the model's signature", "x1 (double)");
        assertError("{\"dataframe_records\": [{\"x1\": \"abc\", \"x2\": 2.0, \"color\": \"red\"}]}", "'x1'",
                "double", "string");
        assertError("{\"dataframe_records\": [{\"x1\": true, \"x2\": 2.0, \"color\": \"red\"}]}", "'x1'", "double",
                "boolean");
        assertError("{\"dataframe_records\": [{\"x1\": 1.0, \"x2\": 2.0, \"color\": 7}]}", "'color'", "string",
                "integer");
        assertError("{\"dataframe_split\": {\"columns\": [\"x1\", \"x2\", \"color\"], \"data\": [[NaN, 2.0, \"red\"]]}}",
                "'x1'", "double", "required");
        assertError("{\"dataframe_records\": [{\"x1\": 1.0, \"x2\": null, \"color\": \"red\"}]}", "'x2'", "double",
                "required");
        HttpResponse<String> csv = http.post("/invocations", "text/csv", "x1,x2,color\n1.0,,red\n");
        assertThat(csv.statusCode()).isEqualTo(400);
        assertThat(csv.body()).contains("'x2'", "double");
        HttpResponse<String> csvText = http.post("/invocations", "text/csv", "x1,x2,color\none,2,red\n");
        assertThat(csvText.statusCode()).isEqualTo(400);
        assertThat(csvText.body()).contains("'x1'", "double", "one");
    }

    @Test
    void everyScoredRowReachesThePredictionLogUnderTheRequestIdThatIsReturned() throws Exception {
        HttpResponse<String> given = http.json("/invocations", SPLIT, "X-Request-Id", "req-42");
        HttpResponse<String> generated = http.json("/invocations", SPLIT);

        assertThat(given.headers().firstValue("X-Request-Id")).contains("req-42");
        String generatedId = generated.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(generatedId).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        List<LoggedPrediction> rows = log.records().stream().filter(record -> record.requestId().equals("req-42"))
                .toList();
        assertThat(rows).extracting(LoggedPrediction::rowIndex).containsExactly(0, 1);
        LoggedPrediction first = rows.get(0);
        assertThat(first.modelName()).isEqualTo("churn");
        assertThat(first.modelVersion()).isEqualTo("1");
        assertThat(first.variant()).isEqualTo("stable");
        assertThat(JSON.readTree(first.inputsJson())).isEqualTo(JSON.readTree(
                "{\"x1\": 2.5, \"x2\": 1.0, \"color\": \"green\"}"));
        assertThat(JSON.readTree(first.outputsJson()).get("label").asText()).isEqualTo("yes");
        assertThat(log.records()).anyMatch(record -> record.requestId().equals(generatedId));
    }

    @Test
    void pingHealthAndVersionAnswerAsMlflowDoes() {
        for (String path : List.of("/ping", "/health")) {
            HttpResponse<String> response = http.get(path);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("\n");
        }
        assertThat(http.get("/version").body()).isEqualTo("0.1.0-test");
    }

    @Test
    void aBodyOverTheLimitIsRefusedWith413() throws Exception {
        String big = "{\"inputs\": {\"x1\": [" + "1.0,".repeat(300_000) + "1.0]}}";
        HttpResponse<String> response = http.json("/invocations", big);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(response.body()).get("message").asText()).contains("1048576 bytes");
        assertThat(http.json("/invocations", SPLIT).statusCode()).isEqualTo(200);
    }

    @Test
    void unknownPathsAndModelsAnswerJson404s() throws Exception {
        HttpResponse<String> path = http.get("/nothing");
        assertThat(path.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(path.body()).get("error_code").asText()).isEqualTo("ENDPOINT_NOT_FOUND");
        HttpResponse<String> model = http.json("/models/other/invocations", SPLIT);
        assertThat(model.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(model.body()).get("message").asText()).contains("'other'", "churn");
        assertThat(http.json("/models/churn/invocations", SPLIT).statusCode()).isEqualTo(200);
    }

    private static void assertError(String body, String... fragments) throws Exception {
        HttpResponse<String> response = http.json("/invocations", body);
        assertThat(response.statusCode()).as(body).isEqualTo(400);
        JsonNode error = JSON.readTree(response.body());
        assertThat(error.get("error_code").asText()).isEqualTo("BAD_REQUEST");
        assertThat(error.get("message").asText()).as(body).contains(fragments);
    }
}
