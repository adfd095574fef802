package dev.slipway.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API of a real model server over live models from a real registry: it reconfigures what a running server
 * serves (stable version, canary and its share, shadow), refuses requests without the token, and no scoring request
 * fails while it swaps.
 */
class AdminApiHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "s3cret-admin-token";
    private static final String[] AUTHORIZED = {"Authorization", "Bearer " + TOKEN};
    private static final String ROW = "{\"inputs\": [{\"name\": \"x1\", \"shape\": [1], \"datatype\": \"FP64\", "
            + "\"data\": [0.3]}, {\"name\": \"x2\", \"shape\": [1], \"datatype\": \"FP64\", \"data\": [-1.5]}, "
            + "{\"name\": \"color\", \"shape\": [1], \"datatype\": \"BYTES\", \"data\": [\"green\"]}]}";

    @TempDir
    static Path folder;

    private static RegistryFixture registry;
    private static Path firstModel;
    private static Path secondModel;

    @TempDir
    Path downloads;

    private LiveModels models;
    private ServingServer server;
    private Http http;

    @BeforeAll
    static void startRegistryAndTrainModels() {
        registry = RegistryFixture.start(folder);
        firstModel = registry.trainModel("first", 1);
        secondModel = registry.trainModel("second", 2);
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop();
        }
        if (models != null) {
            models.close();
        }
    }

    @Test
    void adminPathsAreUnknownWithoutAToken() {
        registry.register("untokened", firstModel);
        models = LiveModels.start(List.of(ModelSpec.of("models:/untokened/1")), registry.options(downloads));
        server = ServingServer.start(ServingOptions.of("127.0.0.1", 0, models, PredictionLog.NONE, "test"));
        http = new Http(server.port());

        HttpResponse<String> list = http.get("/slipway/admin/models", AUTHORIZED);
        HttpResponse<String> put = http.put("/slipway/admin/models/untokened", "{\"uri\": \"models:/untokened/1\"}",
                AUTHORIZED);

        assertThat(list.statusCode()).isEqualTo(404);
        assertThat(json(list).path("error_code").asText()).isEqualTo("ENDPOINT_NOT_FOUND");
        assertThat(put.statusCode()).isEqualTo(404);
    }

    @Test
    void aMissingOrWrongTokenIsUnauthenticated() {
        start("guarded");

        HttpResponse<String> missing = http.get("/slipway/admin/models");
        HttpResponse<String> wrong = http.get("/slipway/admin/models", "Authorization", "Bearer not-the-token");
        HttpResponse<String> prefix = http.get("/slipway/admin/models", "Authorization", "Bearer s3cret");
        HttpResponse<String> basic = http.get("/slipway/admin/models", "Authorization", "Basic " + TOKEN);
        HttpResponse<String> put = http.put("/slipway/admin/models/guarded", "{\"uri\": \"models:/guarded/2\"}",
                "Authorization", "Bearer wrong");

        for (HttpResponse<String> response : List.of(missing, wrong, prefix, basic, put)) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type)
                    .startsWith("application/json"));
            assertThat(json(response).path("error_code").asText()).isEqualTo("UNAUTHENTICATED");
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(value ->
                    assertThat(value).startsWith("Bearer"));
            assertThat(response.body()).doesNotContain(TOKEN);
        }
        assertThat(json(missing).path("message").asText()).contains("Authorization: Bearer");
        assertThat(models.describe("guarded").version()).as("the refused PUT changed nothing").isEqualTo("1");
        assertThat(http.get("/slipway/admin/models", "Authorization", "bearer " + TOKEN).statusCode())
                .as("the scheme is case-insensitive").isEqualTo(200);
    }

    @Test
    void putSwapsTheStableVersionAndRequestsAnswerFromIt() {
        start("swapped");
        HttpResponse<String> before = http.get("/slipway/admin/models", AUTHORIZED);
        assertThat(before.statusCode()).as(before.body()).isEqualTo(200);
        assertThat(json(before)).isEqualTo(parse("{\"models\": [{\"name\": \"swapped\", \"uri\": "
                + "\"models:/swapped/1\", \"version\": \"1\"}]}"));
        assertThat(version(infer("swapped"))).isEqualTo("1");

        HttpResponse<String> put = http.put("/slipway/admin/models/swapped", "{\"uri\": \"models:/swapped/2\"}",
                AUTHORIZED);

        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(json(put)).isEqualTo(parse("{\"name\": \"swapped\", \"uri\": \"models:/swapped/2\", "
                + "\"version\": \"2\"}"));
        for (int request = 0; request < 10; request++) {
            assertThat(version(infer("swapped"))).isEqualTo("2");
        }
        HttpResponse<String> one = http.get("/slipway/admin/models/swapped", AUTHORIZED);
        assertThat(json(one)).isEqualTo(json(put));
        String metrics = http.get("/metrics").body();
        assertThat(metrics).containsPattern("slipway_serving_requests_total\\{model=\"swapped\",version=\"2\","
                + "variant=\"stable\",protocol=\"v2\"} 10\n")
                .contains("slipway_serving_model_swaps_total 1\n");
    }

    @Test
    void aCanaryAtAHundredThenZeroPercentMovesTheTrafficAndThePercentAloneCanChange() {
        start("split");

        HttpResponse<String> full = http.put("/slipway/admin/models/split", "{\"uri\": \"models:/split/1\", "
                + "\"canary\": {\"uri\": \"models:/split/2\", \"percent\": 100}, \"shadow\": null}", AUTHORIZED);

        assertThat(full.statusCode()).as(full.body()).isEqualTo(200);
        assertThat(json(full)).isEqualTo(parse("{\"name\": \"split\", \"uri\": \"models:/split/1\", "
                + "\"version\": \"1\", \"canary\": {\"uri\": \"models:/split/2\", \"version\": \"2\", "
                + "\"percent\": 100.0}}"));
        for (int request = 0; request < 20; request++) {
            assertThat(version(infer("split"))).isEqualTo("2");
        }

        HttpResponse<String> none = http.put("/slipway/admin/models/split", "{\"uri\": \"models:/split/1\", "
                + "\"canary\": {\"uri\": \"models:/split/2\", \"percent\": 0}}", AUTHORIZED);

        assertThat(none.statusCode()).as(none.body()).isEqualTo(200);
        assertThat(json(none).path("canary").path("percent").asDouble()).isZero();
        for (int request = 0; request < 20; request++) {
            assertThat(version(infer("split"))).isEqualTo("1");
        }

        ServedModel canary = models.variant("split", Lease.CANARY).orElseThrow();
        HttpResponse<String> quarter = http.put("/slipway/admin/models/split", "{\"uri\": \"models:/split/1\", "
                + "\"canary\": {\"uri\": \"models:/split/2\", \"percent\": 25}}", AUTHORIZED);

        assertThat(quarter.statusCode()).as(quarter.body()).isEqualTo(200);
        assertThat(json(quarter).path("canary")).isEqualTo(parse("{\"uri\": \"models:/split/2\", "
                + "\"version\": \"2\", \"percent\": 25.0}"));
        assertThat(models.variant("split", Lease.CANARY)).as("the canary was not reloaded").containsSame(canary);
        assertThat(models.split("split").percent()).isEqualTo(25);

        HttpResponse<String> removed = http.put("/slipway/admin/models/split", "{\"uri\": \"models:/split/1\"}",
                AUTHORIZED);
        assertThat(json(removed).has("canary")).isFalse();
        assertThat(canary.isRetired()).isTrue();
        assertThat(http.get("/metrics").body()).containsPattern("slipway_serving_requests_total\\{model=\"split\","
                + "version=\"2\",variant=\"canary\",protocol=\"v2\"} 20\n");
    }

    @Test
    void aShadowIsSetAndRemovedThroughTheApi() {
        start("mirrored");

        HttpResponse<String> shadowed = http.put("/slipway/admin/models/mirrored", "{\"uri\": \"models:/mirrored/1\","
                + " \"shadow\": \"models:/mirrored/2\"}", AUTHORIZED);

        assertThat(shadowed.statusCode()).as(shadowed.body()).isEqualTo(200);
        assertThat(json(shadowed).path("shadow")).isEqualTo(parse("{\"uri\": \"models:/mirrored/2\", "
                + "\"version\": \"2\"}"));
        assertThat(version(infer("mirrored"))).isEqualTo("1");

        HttpResponse<String> plain = http.put("/slipway/admin/models/mirrored", "{\"uri\": \"models:/mirrored/1\"}",
                AUTHORIZED);
        assertThat(json(plain).has("shadow")).isFalse();
        assertThat(models.variant("mirrored", Lease.SHADOW)).isEmpty();
    }

    @Test
    void aVersionThatCannotLoadIsAnErrorAndTheOldVersionKeepsServing() {
        start("sturdy");
        long corrupt = registry.register("sturdy", registry.corruptCopy(firstModel, "sturdy-corrupt"));

        HttpResponse<String> missing = http.put("/slipway/admin/models/sturdy", "{\"uri\": \"models:/sturdy/99\"}",
                AUTHORIZED);
        HttpResponse<String> broken = http.put("/slipway/admin/models/sturdy", "{\"uri\": \"models:/sturdy/"
                + corrupt + "\"}", AUTHORIZED);

        assertThat(missing.statusCode()).as(missing.body()).isEqualTo(404);
        assertThat(json(missing).path("error_code").asText()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
        assertThat(json(missing).path("message").asText()).contains("'sturdy'", "models:/sturdy/99",
                "nothing changed");
        assertThat(broken.statusCode()).as(broken.body()).isEqualTo(400);
        assertThat(json(broken).path("error_code").asText()).isEqualTo("INVALID_PARAMETER_VALUE");
        assertThat(json(broken).path("message").asText()).contains("models:/sturdy/" + corrupt, "model.onnx");
        assertThat(version(infer("sturdy"))).isEqualTo("1");
        assertThat(models.describe("sturdy").version()).isEqualTo("1");
        assertThat(http.get("/metrics").body()).contains("slipway_serving_model_swap_failures_total 2\n")
                .contains("slipway_serving_model_swaps_total 0\n");
    }

    @Test
    void malformedBodiesAndUnknownNamesAreClearClientErrors() {
        start("strict");
        Map<String, String> expectations = Map.of(
                "not json", "Malformed JSON",
                "[]", "JSON object",
                "{}", "Field 'uri'",
                "{\"uri\": \"  \"}", "Field 'uri'",
                "{\"uri\": \"models:/strict/2\", \"canary\": {\"uri\": \"models:/strict/2\"}}",
                "Field 'canary.percent'",
                "{\"uri\": \"models:/strict/2\", \"canary\": {\"uri\": \"models:/strict/2\", \"percent\": 150}}",
                "Field 'canary.percent'",
                "{\"uri\": \"models:/strict/2\", \"canary\": {\"percent\": 5}}", "Field 'canary.uri'",
                "{\"uri\": \"models:/strict/2\", \"canary\": \"models:/strict/2\"}", "Field 'canary'",
                "{\"uri\": \"models:/strict/2\", \"shadow\": 7}", "Field 'shadow'",
                "{\"uri\": \"models:/strict/2\", \"canery\": null}", "Unknown field 'canery'");
        for (Map.Entry<String, String> expectation : expectations.entrySet()) {
            HttpResponse<String> response = http.put("/slipway/admin/models/strict", expectation.getKey(),
                    AUTHORIZED);
            assertThat(response.statusCode()).as(expectation.getKey() + " -> " + response.body()).isEqualTo(400);
            assertThat(json(response).path("message").asText()).as(expectation.getKey())
                    .contains(expectation.getValue());
        }
        HttpResponse<String> malformedUri = http.put("/slipway/admin/models/strict", "{\"uri\": \"models:/strict/\"}",
                AUTHORIZED);
        assertThat(malformedUri.statusCode()).as(malformedUri.body()).isEqualTo(400);
        assertThat(json(malformedUri).path("error_code").asText()).isEqualTo("INVALID_PARAMETER_VALUE");

        HttpResponse<String> unknown = http.put("/slipway/admin/models/nobody", "{\"uri\": \"models:/strict/2\"}",
                AUTHORIZED);
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
        assertThat(json(unknown).path("error_code").asText()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
        assertThat(json(unknown).path("message").asText()).contains("'nobody'", "strict");
        assertThat(http.get("/slipway/admin/models/nobody", AUTHORIZED).statusCode()).isEqualTo(404);
        assertThat(models.swapFailures()).as("no load was attempted").isZero();
        assertThat(models.describe("strict").version()).isEqualTo("1");
    }

    @Test
    void scoringRequestsDuringReconfigurationsNeverFail() throws Exception {
        start("busy");
        AtomicBoolean stop = new AtomicBoolean();
        List<String> failures = new CopyOnWriteArrayList<>();
        Map<String, AtomicInteger> versions = new ConcurrentHashMap<>();
        List<Thread> clients = new ArrayList<>();
        for (int thread = 0; thread < 3; thread++) {
            Thread client = new Thread(() -> {
                Http own = new Http(server.port());
                while (!stop.get()) {
                    try {
                        HttpResponse<String> response = own.json("/v2/models/busy/infer", ROW);
                        if (response.statusCode() != 200) {
                            failures.add(response.statusCode() + " " + response.body());
                        } else {
                            versions.computeIfAbsent(version(response), key -> new AtomicInteger())
                                    .incrementAndGet();
                        }
                    } catch (RuntimeException e) {
                        failures.add(e.toString());
                    }
                }
            });
            client.start();
            clients.add(client);
        }
        List<String> bodies = List.of(
                "{\"uri\": \"models:/busy/2\"}",
                "{\"uri\": \"models:/busy/2\", \"canary\": {\"uri\": \"models:/busy/1\", \"percent\": 50}}",
                "{\"uri\": \"models:/busy/1\", \"shadow\": \"models:/busy/2\"}",
                "{\"uri\": \"models:/busy/2\", \"canary\": {\"uri\": \"models:/busy/1\", \"percent\": 100}}",
                "{\"uri\": \"models:/busy/1\"}",
                "{\"uri\": \"models:/busy/2\"}");
        try {
            for (String body : bodies) {
                int served = versions.values().stream().mapToInt(AtomicInteger::get).sum();
                while (versions.values().stream().mapToInt(AtomicInteger::get).sum() < served + 30
                        && failures.isEmpty()) {
                    Thread.sleep(5);
                }
                HttpResponse<String> put = http.put("/slipway/admin/models/busy", body, AUTHORIZED);
                assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
            }
        } finally {
            stop.set(true);
            for (Thread client : clients) {
                client.join();
            }
        }

        assertThat(failures).isEmpty();
        assertThat(versions.keySet()).containsExactlyInAnyOrder("1", "2");
        assertThat(models.swaps()).as("the stable version was replaced five times").isEqualTo(5);
        assertThat(version(infer("busy"))).isEqualTo("2");
    }

    @Test
    void theAdminTokenIsNeverPrintedAndNeedsLiveModels() {
        start("masked");
        ServingOptions options = ServingOptions.of("127.0.0.1", 0, models, PredictionLog.NONE, "test")
                .withAdminToken(TOKEN);

        assertThat(options.toString()).doesNotContain(TOKEN).contains("adminToken=****");
        assertThatThrownBy(() -> options.withAdminToken(" ")).isInstanceOf(IllegalArgumentException.class);
        FixedModels fixed = FixedModels.load(Map.of("fixed", firstModel), 1);
        try {
            assertThatThrownBy(() -> ServingOptions.of("127.0.0.1", 0, fixed, PredictionLog.NONE, "test")
                    .withAdminToken(TOKEN)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("FixedModels");
        } finally {
            fixed.close();
        }
    }

    /** Registers versions 1 and 2 of the model, serves version 1 and starts a server with the admin API. */
    private void start(String name) {
        registry.register(name, firstModel);
        registry.register(name, secondModel);
        models = LiveModels.start(List.of(ModelSpec.of("models:/" + name + "/1")), registry.options(downloads));
        server = ServingServer.start(ServingOptions.of("127.0.0.1", 0, models, PredictionLog.NONE, "test")
                .withAdminToken(TOKEN));
        http = new Http(server.port());
    }

    private HttpResponse<String> infer(String name) {
        HttpResponse<String> response = http.json("/v2/models/" + name + "/infer", ROW);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response;
    }

    private static String version(HttpResponse<String> response) {
        return json(response).path("model_version").asText();
    }

    private static JsonNode json(HttpResponse<String> response) {
        return parse(response.body());
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
