package dev.slipway.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.predictions.LoggedPrediction;
import dev.slipway.core.predictions.PredictionFeedback;
import dev.slipway.models.format.ModelDirectory;
import dev.slipway.models.scoring.OnnxModel;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several models, feedback, metrics, limits, timeout, readiness, shadow scoring and graceful stop. */
class ServingOperationsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHURN_ROW = "{\"dataframe_records\": [{\"x1\": 1.0, \"x2\": 2.0, \"color\": \"red\"}]}";
    private static final String PRICE_ROW = "{\"dataframe_records\": [{\"x1\": 1.0, \"rooms\": 3}]}";

    @TempDir
    static Path folder;

    private static Map<String, Path> folders;
    private static FixedModels models;
    private static RecordingPredictionLog log;
    private static ServingServer server;
    private static Http http;

    @BeforeAll
    static void start() {
        folders = new LinkedHashMap<>();
        folders.put("churn", TrainedModels.classifier(folder.resolve("classifier")));
        folders.put("price", TrainedModels.regressor(folder.resolve("regressor")));
        models = FixedModels.load(folders, 1);
        log = new RecordingPredictionLog();
        server = ServingServer.start(ServingOptions.of("127.0.0.1", 0, models, log, "0.1.0-test"));
        http = new Http(server.port());
    }

    @AfterAll
    static void stop() {
        server.stop();
        models.close();
    }

    @Test
    void withSeveralModelsInvocationsIsRoutedByHeaderOrPathPrefix() throws Exception {
        HttpResponse<String> unnamed = http.json("/invocations", CHURN_ROW);
        assertThat(unnamed.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(unnamed.body()).get("message").asText()).contains("churn, price", "X-Slipway-Model",
                "/models/<name>/invocations");

        JsonNode byHeader = JSON.readTree(http.json("/invocations", PRICE_ROW, "X-Slipway-Model", "price").body());
        JsonNode byPath = JSON.readTree(http.json("/models/price/invocations", PRICE_ROW).body());
        assertThat(byHeader.get("predictions").get(0).has("prediction")).isTrue();
        assertThat(byHeader).isEqualTo(byPath);
        JsonNode churn = JSON.readTree(http.json("/invocations", CHURN_ROW, "X-Slipway-Model", "churn").body());
        assertThat(churn.get("predictions").get(0).has("label")).isTrue();

        HttpResponse<String> unknown = http.json("/invocations", CHURN_ROW, "X-Slipway-Model", "house");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).get("error_code").asText()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
        assertThat(JSON.readTree(unknown.body()).get("message").asText()).contains("'house'", "churn, price");
    }

    @Test
    void aLongColumnRefusesFractionsAndAcceptsWholeNumbers() throws Exception {
        HttpResponse<String> fraction = http.json("/models/price/invocations",
                "{\"dataframe_records\": [{\"x1\": 1.0, \"rooms\": 2.5}]}");
        assertThat(fraction.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(fraction.body()).get("message").asText()).contains("'rooms'", "long", "2.5");
        HttpResponse<String> csvFraction = http.post("/models/price/invocations", "text/csv", "x1,rooms\n1.0,2.5\n");
        assertThat(csvFraction.statusCode()).isEqualTo(400);
        assertThat(csvFraction.body()).contains("'rooms'", "long");

        JsonNode whole = JSON.readTree(http.json("/models/price/invocations", PRICE_ROW).body());
        JsonNode wholeDecimal = JSON.readTree(http.json("/models/price/invocations",
                "{\"dataframe_records\": [{\"x1\": 1.0, \"rooms\": 3.0}]}").body());
        assertThat(whole.get("predictions")).hasSize(1);
        assertThat(wholeDecimal).isEqualTo(whole);
    }

    @Test
    void feedbackReachesThePredictionLogInBothForms() throws Exception {
        HttpResponse<String> single = http.json("/feedback", "{\"request_id\": \"r-1\", \"actual\": \"yes\"}");
        HttpResponse<String> list = http.json("/feedback", """
                {"feedback": [{"request_id": "r-2", "row": 1, "actual": 4.5},
                              {"request_id": "r-3", "actual": {"price": 7}}]}""");

        assertThat(single.statusCode()).isEqualTo(200);
        assertThat(single.body()).isEqualTo("{}");
        assertThat(list.statusCode()).isEqualTo(200);
        List<PredictionFeedback> feedback = log.feedbackItems();
        assertThat(feedback).filteredOn(item -> item.requestId().equals("r-1")).singleElement()
                .satisfies(item -> {
                    assertThat(item.rowIndex()).isZero();
                    assertThat(item.actualJson()).isEqualTo("\"yes\"");
                });
        assertThat(feedback).filteredOn(item -> item.requestId().equals("r-2")).singleElement()
                .satisfies(item -> {
                    assertThat(item.rowIndex()).isEqualTo(1);
                    assertThat(item.actualJson()).isEqualTo("4.5");
                });
        assertThat(feedback).filteredOn(item -> item.requestId().equals("r-3")).singleElement()
                .satisfies(item -> assertThat(JSON.readTree(item.actualJson())).isEqualTo(
                        JSON.readTree("{\"price\": 7}")));

        for (String bad : List.of("{\"actual\": 1}", "{\"request_id\": \"r\"}", "{\"feedback\": []}",
                "{\"request_id\": \"r\", \"row\": -1, \"actual\": 1}", "[1]")) {
            HttpResponse<String> response = http.json("/feedback", bad);
            assertThat(response.statusCode()).as(bad).isEqualTo(400);
            assertThat(JSON.readTree(response.body()).get("error_code").asText()).isEqualTo("BAD_REQUEST");
        }
    }

    @Test
    void metricsCountRequestsErrorsAndLatencyByModelVersionVariantAndProtocol() {
        http.json("/models/churn/invocations", CHURN_ROW);
        http.json("/models/churn/invocations", "{\"dataframe_records\": [{\"x1\": \"a\", \"x2\": 2.0,"
                + " \"color\": \"red\"}]}");
        http.json("/v2/models/price/infer", """
                {"inputs": [{"name": "x1", "shape": [1], "datatype": "FP64", "data": [1.0]},
                            {"name": "rooms", "shape": [1], "datatype": "INT64", "data": [3]}]}""");

        HttpResponse<String> metrics = http.get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain"));
        String text = metrics.body();
        assertThat(text).containsPattern("slipway_serving_requests_total\\{model=\"churn\",version=\"1\","
                + "variant=\"stable\",protocol=\"mlflow\"} [1-9]");
        // a schema error is counted under the model it was meant for (the route was not taken: no version)
        assertThat(text).containsPattern("slipway_serving_errors_total\\{model=\"churn\",[^}]*protocol=\"mlflow\"}"
                + " [1-9]");
        assertThat(text).containsPattern("slipway_serving_requests_total\\{model=\"price\",version=\"1\","
                + "variant=\"stable\",protocol=\"v2\"} [1-9]");
        assertThat(text).containsPattern("slipway_serving_request_duration_seconds_bucket\\{model=\"churn\","
                + "version=\"1\",variant=\"stable\",le=\"\\+Inf\"} [1-9]");
        assertThat(text).contains("slipway_serving_request_duration_seconds_count{model=\"price\"");
        assertThat(text).containsPattern("slipway_serving_prediction_log_queue_depth [1-9]");
        assertThat(text).contains("slipway_serving_prediction_log_dropped_rows_total 0");
    }

    @Test
    void theDefaultLimitRefusesAnOversizedBodyWith413AndTheServerKeepsServing() throws Exception {
        StringBuilder body = new StringBuilder("{\"dataframe_records\": [");
        String row = "{\"x1\": 1.0, \"x2\": 2.0, \"color\": \"red\"},";
        while (body.length() <= ServingOptions.DEFAULT_MAX_REQUEST_BYTES) {
            body.append(row);
        }
        body.append(row, 0, row.length() - 1).append("]}");

        HttpResponse<String> response = http.json("/models/churn/invocations", body.toString());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(response.body()).get("message").asText()).contains("16777216 bytes");
        assertThat(http.json("/models/churn/invocations", CHURN_ROW).statusCode()).isEqualTo(200);
    }

    @Test
    void aRequestThatOutlivesTheTimeoutIsAnswered504() throws Exception {
        try (ServingServer impatient = ServingServer.start(ServingOptions.of("127.0.0.1", 0, models,
                PredictionLog.NONE, "t").withRequestTimeout(Duration.ofNanos(1)))) {
            Http client = new Http(impatient.port());
            HttpResponse<String> mlflow = client.json("/models/churn/invocations", CHURN_ROW);
            assertThat(mlflow.statusCode()).isEqualTo(504);
            assertThat(JSON.readTree(mlflow.body()).get("error_code").asText()).isEqualTo("DEADLINE_EXCEEDED");
            HttpResponse<String> v2 = client.json("/v2/models/price/infer", """
                    {"inputs": [{"name": "x1", "shape": [1], "datatype": "FP64", "data": [1.0]},
                                {"name": "rooms", "shape": [1], "datatype": "INT64", "data": [3]}]}""");
            assertThat(v2.statusCode()).isEqualTo(504);
            assertThat(JSON.readTree(v2.body()).get("error").asText()).contains("timeout");
        }
    }

    @Test
    void aServerWhoseModelsAreNotLoadedIsNotReady() throws Exception {
        FixedModels closed = FixedModels.load(Map.of("churn", folders.get("churn")), 1);
        closed.close();
        try (ServingServer notReady = ServingServer.start(ServingOptions.of("127.0.0.1", 0, closed,
                PredictionLog.NONE, "t"))) {
            Http client = new Http(notReady.port());
            assertThat(client.get("/ping").statusCode()).isEqualTo(404);
            assertThat(client.get("/health").statusCode()).isEqualTo(404);
            assertThat(client.get("/v2/health/ready").statusCode()).isEqualTo(400);
            assertThat(client.get("/v2/health/live").statusCode()).isEqualTo(200);
            HttpResponse<String> scoring = client.json("/invocations", CHURN_ROW);
            assertThat(scoring.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(scoring.body()).get("error_code").asText()).isEqualTo("TEMPORARILY_UNAVAILABLE");
        }
    }

    @Test
    void theShadowScoresACopyOffTheRequestPathAndOnlyThePrimaryAnswers() throws Exception {
        ServedModel stable = new ServedModel("churn", "1", "stable", OnnxModel.load(
                ModelDirectory.read(folders.get("churn")), 1));
        ServedModel shadow = new ServedModel("churn", "2", "shadow", OnnxModel.load(
                ModelDirectory.read(folders.get("churn")), 1));
        RecordingPredictionLog shadowLog = new RecordingPredictionLog();
        try (ShadowedModels shadowed = new ShadowedModels(stable, shadow);
                ServingServer shadowing = ServingServer.start(ServingOptions.of("127.0.0.1", 0, shadowed, shadowLog,
                        "t"))) {
            HttpResponse<String> response = new Http(shadowing.port()).json("/invocations", CHURN_ROW,
                    "X-Request-Id", "shadowed-1");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(response.body()).get("predictions")).hasSize(1);
            List<LoggedPrediction> records = shadowLog.awaitRecords(2);
            assertThat(records).extracting(LoggedPrediction::variant).containsExactlyInAnyOrder("stable", "shadow");
            assertThat(records).allMatch(record -> record.requestId().equals("shadowed-1"));
            assertThat(records).filteredOn(record -> record.variant().equals("shadow"))
                    .extracting(LoggedPrediction::modelVersion).containsExactly("2");
        }
        assertThat(stable.leases()).isZero();
        assertThat(shadow.leases()).isZero();
    }

    @Test
    void aModelWithoutSignatureIsFedByInputNameWithTheValuesAsTheyCome() throws Exception {
        Path unsigned = TrainedModels.withoutSignature(folders.get("churn"), folder.resolve("unsigned"));
        try (FixedModels plain = FixedModels.load(Map.of("plain", unsigned), 1);
                ServingServer plainServer = ServingServer.start(ServingOptions.of("127.0.0.1", 0, plain,
                        PredictionLog.NONE, "t"))) {
            Http client = new Http(plainServer.port());
            HttpResponse<String> response = client.json("/invocations", CHURN_ROW);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(response.body())).isEqualTo(
                    JSON.readTree(http.json("/models/churn/invocations", CHURN_ROW).body()));

            HttpResponse<String> text = client.json("/invocations",
                    "{\"dataframe_records\": [{\"x1\": \"abc\", \"x2\": 2.0, \"color\": \"red\"}]}");
            assertThat(text.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(text.body()).get("message").asText()).contains("'x1'", "abc");
            HttpResponse<String> missing = client.json("/invocations",
                    "{\"dataframe_records\": [{\"x1\": 1.0, \"x2\": 2.0}]}");
            assertThat(missing.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(missing.body()).get("message").asText()).contains("'color'");
        }
    }

    @Test
    void stopFinishesTheRequestInFlightAndThenRefusesConnections() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        PredictionLog blocking = new PredictionLog() {
            @Override
            public void record(List<LoggedPrediction> rows) {
                entered.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void feedback(List<PredictionFeedback> feedback) {}
        };
        ServingServer draining = ServingServer.start(new ServingOptions("127.0.0.1", 0, models, blocking,
                ServingOptions.DEFAULT_MAX_REQUEST_BYTES, Duration.ofSeconds(60), Duration.ofSeconds(60), "t",
                Clock.systemUTC()));
        int port = draining.port();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/models/churn/invocations"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(CHURN_ROW))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(entered.await(60, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(draining::stop);
        assertThat(stopping).isNotDone();
        release.countDown();

        HttpResponse<String> response = inFlight.get(60, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("predictions")).hasSize(1);
        stopping.get(60, TimeUnit.SECONDS);
        assertThatThrownBy(() -> new Http(port).get("/ping")).isInstanceOf(UncheckedIOException.class);
    }

    /** A repository that routes every request to a stable model and a shadow. */
    private static final class ShadowedModels implements ModelRepository {
        private final ServedModel stable;
        private final ServedModel shadow;

        ShadowedModels(ServedModel stable, ServedModel shadow) {
            this.stable = stable;
            this.shadow = shadow;
        }

        @Override
        public List<String> modelNames() {
            return List.of("churn");
        }

        @Override
        public Route route(String modelName, Optional<String> requestKey) {
            if (!modelName.equals("churn")) {
                throw new SlipwayException(ErrorCode.RESOURCE_DOES_NOT_EXIST, "no model " + modelName);
            }
            return new Route(Lease.acquire(stable, Lease.STABLE).orElseThrow(),
                    Lease.acquire(shadow, Lease.SHADOW));
        }

        @Override
        public Optional<ServedModel> current(String modelName, Optional<String> version) {
            List<ServedModel> all = new ArrayList<>(List.of(stable, shadow));
            return all.stream().filter(model -> model.name().equals(modelName))
                    .filter(model -> version.map(model.version()::equals).orElse(model == stable)).findFirst();
        }

        @Override
        public boolean ready() {
            return true;
        }

        @Override
        public void close() {
            stable.retire();
            shadow.retire();
        }
    }
}
