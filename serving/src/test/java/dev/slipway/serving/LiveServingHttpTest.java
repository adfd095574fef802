package dev.slipway.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The serving server over live models from a real registry, at the HTTP level: an alias swap under concurrent
 * requests fails none of them, and a canary's observed share of traffic is within statistical bounds.
 */
class LiveServingHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROW = "{\"inputs\": [{\"name\": \"x1\", \"shape\": [1], \"datatype\": \"FP64\", "
            + "\"data\": [0.3]}, {\"name\": \"x2\", \"shape\": [1], \"datatype\": \"FP64\", \"data\": [-1.5]}, "
            + "{\"name\": \"color\", \"shape\": [1], \"datatype\": \"BYTES\", \"data\": [\"green\"]}]}";

    @TempDir
    Path directory;

    private RegistryFixture registry;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void startRegistry() {
        registry = RegistryFixture.start(directory);
    }

    @AfterEach
    void stopRegistry() {
        registry.close();
    }

    @Test
    void anAliasSwapUnderConcurrentRequestsFailsNoneOfThem() throws Exception {
        registry.register("churn", registry.trainModel("first", 1));
        registry.register("churn", registry.trainModel("second", 2));
        registry.setAlias("churn", "champion", 1);
        try (LiveModels models = LiveModels.start(List.of(ModelSpec.of("models:/churn@champion")),
                registry.options(directory.resolve("downloads")))) {
            ServingServer server = ServingServer.start(ServingOptions.of("127.0.0.1", 0, models, PredictionLog.NONE,
                    "test"));
            try {
                String url = "http://127.0.0.1:" + server.port() + "/v2/models/churn/infer";
                AtomicBoolean stop = new AtomicBoolean();
                AtomicBoolean swapped = new AtomicBoolean();
                List<String> failures = new CopyOnWriteArrayList<>();
                Map<String, AtomicInteger> versions = new ConcurrentHashMap<>();
                AtomicInteger oldAfterSwap = new AtomicInteger();
                CountDownLatch before = new CountDownLatch(200);
                CountDownLatch after = new CountDownLatch(200);
                List<Thread> clients = new ArrayList<>();
                for (int thread = 0; thread < 4; thread++) {
                    Thread client = new Thread(() -> {
                        while (!stop.get()) {
                            boolean swapDone = swapped.get();
                            try {
                                HttpResponse<String> response = infer(url);
                                if (response.statusCode() != 200) {
                                    failures.add(response.statusCode() + " " + response.body());
                                } else {
                                    String version = JSON.readTree(response.body()).path("model_version").asText();
                                    versions.computeIfAbsent(version, key -> new AtomicInteger()).incrementAndGet();
                                    if (swapDone && !version.equals("2")) {
                                        oldAfterSwap.incrementAndGet();
                                    }
                                }
                            } catch (Exception e) {
                                failures.add(e.toString());
                            }
                            before.countDown();
                            if (swapDone) {
                                after.countDown();
                            }
                        }
                    });
                    client.start();
                    clients.add(client);
                }
                before.await();
                registry.setAlias("churn", "champion", 2);
                models.refresh();
                swapped.set(true);
                after.await();
                stop.set(true);
                for (Thread client : clients) {
                    client.join();
                }
                assertThat(failures).isEmpty();
                assertThat(versions.keySet()).containsExactlyInAnyOrder("1", "2");
                assertThat(oldAfterSwap.get()).isZero();
                HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + server.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(metrics.body()).contains("slipway_serving_model_swaps_total 1\n")
                        .contains("slipway_serving_model_swap_failures_total 0\n");
            } finally {
                server.stop();
            }
        }
    }

    @Test
    void aCanaryGetsItsShareOfRequestsWithinStatisticalBounds() throws Exception {
        registry.register("churn", registry.trainModel("stable", 1));
        registry.register("churn", registry.trainModel("candidate", 2));
        try (LiveModels models = LiveModels.start(List.of(ModelSpec.of("models:/churn/1")
                .withCanary("models:/churn/2", 20)), registry.options(directory.resolve("downloads")))) {
            ServingServer server = ServingServer.start(ServingOptions.of("127.0.0.1", 0, models, PredictionLog.NONE,
                    "test"));
            try {
                String url = "http://127.0.0.1:" + server.port() + "/v2/models/churn/infer";
                int requests = 2_000;
                int canary = 0;
                for (int request = 0; request < requests; request++) {
                    HttpResponse<String> response = infer(url);
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                    JsonNode answer = JSON.readTree(response.body());
                    if (answer.path("model_version").asText().equals("2")) {
                        canary++;
                    }
                }
                double expected = requests * 0.2;
                double sigma = Math.sqrt(requests * 0.2 * 0.8);
                assertThat((double) canary).isBetween(expected - 4.5 * sigma, expected + 4.5 * sigma);

                // with a request key the choice is sticky: the same key always reaches the same version
                String first = JSON.readTree(infer(url, "customer-42").body()).path("model_version").asText();
                for (int request = 0; request < 50; request++) {
                    assertThat(JSON.readTree(infer(url, "customer-42").body()).path("model_version").asText())
                            .isEqualTo(first);
                }
            } finally {
                server.stop();
            }
        }
    }

    private HttpResponse<String> infer(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(ROW)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> infer(String url, String requestKey) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .header("X-Request-Key", requestKey).POST(HttpRequest.BodyPublishers.ofString(ROW)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
