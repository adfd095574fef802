package dev.slipway.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.slipway.client.TrackingClient;
import dev.slipway.core.monitors.MonitorAction;
import dev.slipway.core.monitors.MonitorResult;
import dev.slipway.core.monitors.MonitorStatus;
import dev.slipway.core.monitors.MonitorStore;
import dev.slipway.core.predictions.LoggedPrediction;
import dev.slipway.core.predictions.PredictionLogStore;
import dev.slipway.core.tracking.Metric;
import dev.slipway.monitoring.MonitorDefinition;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Monitors end to end against a real server: {@code monitor create|apply|list|show|run|actions|delete}, alert rules
 * that call a webhook served by the test, the server's scheduler running a due monitor, and the lease that lets one of
 * two schedulers evaluate it.
 */
class MonitorAlertsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MLMODEL = """
            artifact_path: model
            flavors:
              onnx:
                onnx_model_version: 1
            signature:
              inputs: '[{"type": "double", "name": "x1", "required": true}, {"type": "double", "name": "x2", "required": true}, {"type": "string", "name": "color", "required": true}]'
              outputs: '[{"type": "double", "name": "prediction", "required": true}]'
            """;

    @TempDir
    static Path folder;
    private static RunningServer server;
    private static TrackingClient client;
    private static Environment environment;
    private static HttpServer webhook;
    private static final List<JsonNode> calls = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        // this server runs no monitors itself, so the tests decide when they are evaluated
        server = RunningServer.onFolder(Files.createDirectories(folder.resolve("server")), "--no-monitors");
        client = server.client();
        environment = CliRun.environment(folder, Map.of());
        webhook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        webhook.createContext("/hook", exchange -> {
            calls.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
            byte[] answer = "{\"ok\": true}".getBytes(UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        webhook.start();
        StringBuilder reference = new StringBuilder("x1,x2,color\n");
        Random random = new Random(1);
        for (int i = 0; i < 2000; i++) {
            reference.append(String.join(",", row(random, false))).append('\n');
        }
        Files.writeString(folder.resolve("reference.csv"), reference);
    }

    @AfterAll
    static void stop() {
        webhook.stop(0);
        server.close();
    }

    @BeforeEach
    void forgetCalls() {
        calls.clear();
    }

    private static String hook() {
        return "http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook";
    }

    @Test
    void monitorFiresOnShiftedDataCallsTheWebhookOnceAndRecordsWhy() throws IOException {
        setUpModel("shifted", true);
        CliRun create = monitor("create", "shifted-drift", "-m", "models:/shifted@champion", "--rows", "600",
                "--schedule", "1h", "--alert", "dataset_drift", "--webhook", hook());
        assertThat(create.exitCode()).as(create.toString()).isZero();
        assertThat(create.out()).contains("Monitor shifted-drift created", "the latest 600 predictions");

        CliRun first = monitor("run", "shifted-drift", "--fail-on-alert");
        assertThat(first.exitCode()).as(first.toString()).isEqualTo(1);
        assertThat(first.out()).contains("alert, 600 rows", "(dataset drift)", "FIRED dataset_drift",
                "webhook " + hook() + " -> ok: HTTP 200");
        assertThat(calls).hasSize(1);
        JsonNode body = calls.get(0);
        assertThat(body.path("monitor").asText()).isEqualTo("shifted-drift");
        assertThat(body.path("model").asText()).isEqualTo("models:/shifted@champion");
        assertThat(body.path("model_version").asText()).isEqualTo("1");
        assertThat(body.path("rule").asText()).isEqualTo("dataset_drift");
        assertThat(body.path("dataset_drift").asBoolean()).isTrue();
        assertThat(body.path("cause").asText()).contains("features drifted", "x1");
        assertThat(body.path("drifted_features").toString()).contains("x1", "x2", "color");

        // the drift lasts: the rule still holds but acts again only after its repeat period
        CliRun second = monitor("run", "shifted-drift", "--json");
        assertThat(second.exitCode()).as(second.toString()).isZero();
        JsonNode result = JSON.readTree(second.out());
        assertThat(result.path("status").asText()).isEqualTo("alert");
        assertThat(result.path("actions")).isEmpty();
        assertThat(result.path("report").path("alerts").get(0).path("holds").asBoolean()).isTrue();
        assertThat(result.path("report").path("alerts").get(0).path("fired").asBoolean()).isFalse();
        assertThat(calls).hasSize(1);

        List<MonitorAction> actions = client.monitors().actions(Optional.of("shifted-drift"), 10);
        assertThat(actions).hasSize(1);
        assertThat(actions.get(0).kind()).isEqualTo("webhook");
        assertThat(actions.get(0).succeeded()).isTrue();
        assertThat(actions.get(0).cause()).contains("dataset drift");
        CliRun listed = monitor("actions", "shifted-drift");
        assertThat(listed.out()).contains("shifted-drift", "dataset_drift", "webhook", "HTTP 200");

        CliRun show = monitor("show", "shifted-drift");
        assertThat(show.exitCode()).as(show.toString()).isZero();
        assertThat(show.out()).contains("model: models:/shifted@champion", "rows: 600", "alert",
                "dataset_drift (fired)");
        List<MonitorResult> results = client.monitors().results("shifted-drift", 10);
        assertThat(results).hasSize(2).allSatisfy(stored -> {
            assertThat(stored.status()).isEqualTo(MonitorStatus.ALERT);
            assertThat(stored.rows()).isEqualTo(600);
            assertThat(stored.datasetDrift()).contains(true);
        });

        // each result is logged as metrics of the monitor's run, so it charts over time
        String runId = new MonitorTracking(client).runId("shifted-drift").orElseThrow();
        List<Metric> share = client.getMetricHistory(runId, "drift_share");
        assertThat(share).hasSize(2);
        assertThat(share.get(0).value()).isGreaterThanOrEqualTo(0.5);
        assertThat(client.getMetricHistory(runId, "drift_score.x1")).hasSize(2);
        assertThat(client.getMetricHistory(runId, "dataset_drift").get(0).value()).isEqualTo(1.0);
    }

    @Test
    void monitorStaysQuietOnUnshiftedData() throws IOException {
        setUpModel("steady", false);
        assertThat(monitor("create", "steady-drift", "-m", "models:/steady/1", "--rows", "600", "--alert",
                "dataset_drift", "--alert", "feature_drift", "--webhook", hook()).exitCode()).isZero();

        CliRun run = monitor("run", "steady-drift", "--fail-on-alert");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("ok, 600 rows").doesNotContain("FIRED");
        assertThat(calls).isEmpty();
        assertThat(client.monitors().actions(Optional.of("steady-drift"), 10)).isEmpty();
        MonitorResult result = client.monitors().results("steady-drift", 1).get(0);
        assertThat(result.status()).isEqualTo(MonitorStatus.OK);
        assertThat(result.datasetDrift()).contains(false);
    }

    @Test
    void failedActionsAreRecordedWithTheirReason() throws IOException {
        setUpModel("failing", true);
        Path notAProject = Files.createDirectories(folder.resolve("not-a-project"));
        assertThat(monitor("create", "failing-drift", "-m", "models:/failing/1", "--rows", "600", "--webhook",
                "http://127.0.0.1:1/unreachable", "--retrain", notAProject.toString()).exitCode()).isZero();

        CliRun run = monitor("run", "failing-drift");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        List<MonitorAction> actions = client.monitors().actions(Optional.of("failing-drift"), 10);
        assertThat(actions).extracting(MonitorAction::kind).containsExactlyInAnyOrder("webhook", "retrain");
        assertThat(actions).allSatisfy(action -> assertThat(action.succeeded()).isFalse());
        assertThat(actions).anySatisfy(action -> assertThat(action.detail()).contains("request failed"));
        assertThat(actions).anySatisfy(action -> assertThat(action.detail()).contains("has no dvc.yaml"));
    }

    @Test
    void theServerRunsADueMonitorOnItsScheduleAndExportsItToPrometheus() throws Exception {
        try (RunningServer scheduling = RunningServer.onFolder(Files.createDirectories(folder.resolve("scheduling")))) {
            serverRunsADueMonitor(scheduling);
        }
    }

    private void serverRunsADueMonitor(RunningServer server) throws Exception {
        TrackingClient client = server.client();
        setUpModel(server, "scheduled", true);
        Path file = folder.resolve("monitors.yaml");
        Files.writeString(file, """
                monitors:
                  - name: scheduled-drift
                    model: models:/scheduled@champion
                    window: 1h
                    schedule: 1h
                    alerts:
                      - when: feature_drift
                        features: [color]
                        webhook: %s
                  - name: scheduled-quality
                    model: models:/scheduled/1
                    rows: 100
                    schedule: 1h
                """.formatted(hook()));
        CliRun apply = monitor(server, "apply", "-f", "monitors.yaml");
        assertThat(apply.exitCode()).as(apply.toString()).isZero();
        assertThat(apply.out()).contains("Applied 2 monitor(s)", "scheduled-drift", "scheduled-quality");

        // never evaluated, so due at once: the server's scheduler (every 5 s) runs it
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (client.monitors().results("scheduled-drift", 1).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        List<MonitorResult> results = client.monitors().results("scheduled-drift", 10);
        assertThat(results).hasSize(1);
        assertThat(results.get(0).status()).isEqualTo(MonitorStatus.ALERT);
        while (calls.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).path("rule").asText()).isEqualTo("feature_drift color");

        HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(server.uri() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).contains("slipway_monitor_dataset_drift{monitor=\"scheduled-drift\"",
                "slipway_monitor_feature_drift_score{monitor=\"scheduled-drift\"");

        CliRun list = monitor(server, "list");
        assertThat(list.out()).contains("scheduled-drift", "models:/scheduled@champion", "the last 1 h", "alert");
        assertThat(monitor(server, "delete", "scheduled-quality").exitCode()).isZero();
        assertThat(monitor(server, "list").out()).doesNotContain("scheduled-quality");
    }

    @Test
    void ofTwoSchedulersOnOneDatabaseOnlyOneEvaluatesAMonitor() throws Exception {
        setUpModel("leased", false);
        ObjectNodeFactory definition = new ObjectNodeFactory("leased-drift", "models:/leased/1");
        client.monitors().create(definition.node(), false);
        String storeUri = "sqlite:///" + folder.resolve("server").toAbsolutePath().resolve("tracking.db");
        try (PredictionLogStore first = Backends.discover().openPredictionLogStore(storeUri);
                PredictionLogStore second = Backends.discover().openPredictionLogStore(storeUri)) {
            MonitorScheduler one = scheduler(first.monitorStore().orElseThrow(), "replica-1");
            MonitorScheduler two = scheduler(second.monitorStore().orElseThrow(), "replica-2");
            ExecutorService both = Executors.newFixedThreadPool(2);
            CountDownLatch go = new CountDownLatch(1);
            Future<Integer> a = both.submit(() -> {
                go.await();
                return one.tick();
            });
            Future<Integer> b = both.submit(() -> {
                go.await();
                return two.tick();
            });
            go.countDown();
            int started = a.get() + b.get();
            while (one.busy() || two.busy()) {
                Thread.sleep(50);
            }
            both.shutdown();
            one.close();
            two.close();
            assertThat(client.monitors().results("leased-drift", 10)).hasSize(1);
            assertThat(started).isEqualTo(1);
        }
    }

    @Test
    void badMonitorsAreClearErrors() throws IOException {
        CliRun noAction = monitor("create", "m1", "-m", "models:/x/1", "--alert", "dataset_drift");
        assertThat(noAction.exitCode()).isEqualTo(2);
        assertThat(noAction.err()).contains("--alert needs an action");
        CliRun badAlert = monitor("create", "m1", "-m", "models:/x/1", "--alert", "vibes<3", "--webhook", hook());
        assertThat(badAlert.exitCode()).isEqualTo(2);
        assertThat(badAlert.err()).contains("unknown quality metric 'vibes'");
        CliRun badModel = monitor("create", "m1", "-m", "churn");
        assertThat(badModel.exitCode()).isEqualTo(2);
        assertThat(badModel.err()).contains("'model' must be a registered model version");
        CliRun badName = monitor("create", "no way", "-m", "models:/x/1");
        assertThat(badName.exitCode()).isEqualTo(2);
        assertThat(badName.err()).contains("Invalid monitor name 'no way'");

        Files.writeString(folder.resolve("bad.yaml"), "monitors:\n  - name: a\n    model: models:/x/1\n    colour: red\n");
        CliRun badFile = monitor("apply", "-f", "bad.yaml");
        assertThat(badFile.exitCode()).isEqualTo(2);
        assertThat(badFile.err()).contains("monitors[0]", "unknown key 'colour'");
        CliRun missingFile = monitor("apply", "-f", "absent.yaml");
        assertThat(missingFile.exitCode()).isEqualTo(2);
        assertThat(missingFile.err()).contains("No monitors file");

        CliRun unknown = monitor("run", "nobody");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("nobody");

        assertThat(monitor("create", "twice", "-m", "models:/x/1").exitCode()).isZero();
        CliRun twice = monitor("create", "twice", "-m", "models:/x/1");
        assertThat(twice.exitCode()).isEqualTo(1);
        assertThat(twice.err()).contains("twice");
        assertThat(monitor("create", "twice", "-m", "models:/x/2", "--replace").out()).contains("replaced");

        // a monitor of a model that does not exist records an error result instead of failing the schedule
        CliRun orphan = monitor("run", "twice");
        assertThat(orphan.exitCode()).as(orphan.toString()).isZero();
        assertThat(orphan.out()).contains("error:");
        assertThat(client.monitors().results("twice", 1).get(0).status()).isEqualTo(MonitorStatus.ERROR);
    }

    private static MonitorScheduler scheduler(MonitorStore store, String owner) {
        AlertActions actions = new AlertActions(client, HttpClient.newHttpClient(), Clock.systemUTC(), folder, Map.of(),
                Duration.ofMinutes(1));
        return new MonitorScheduler(store, new MonitorEvaluator(client, Clock.systemUTC(), actions), Clock.systemUTC(),
                owner, Duration.ofHours(1), 2);
    }

    /** A minimal monitor definition. */
    private record ObjectNodeFactory(String name, String model) {
        com.fasterxml.jackson.databind.node.ObjectNode node() {
            return MonitorDefinition.fromJson(JSON.createObjectNode().put("name", name).put("model", model)
                    .put("rows", 600)).toJson();
        }
    }

    private static CliRun monitor(String... args) {
        return monitor(server, args);
    }

    private static CliRun monitor(RunningServer target, String... args) {
        List<String> all = new ArrayList<>(List.of("monitor"));
        all.addAll(List.of(args));
        all.addAll(List.of("--tracking-uri", target.uri()));
        return CliRun.run(environment, all.toArray(String[]::new));
    }

    /** Registers the model (version 1, alias champion), sets its reference and logs 600 predictions. */
    private static void setUpModel(String name, boolean shifted) {
        setUpModel(server, name, shifted);
    }

    private static void setUpModel(RunningServer target, String name, boolean shifted) {
        TrackingClient client = target.client();
        var run = client.createRun("0");
        client.logArtifact(run.info().runId(), "model/MLmodel", MLMODEL.getBytes(UTF_8));
        ModelLogging.register(client, name, run, "model");
        client.registry().setAlias(name, "champion", 1);
        CliRun reference = CliRun.run(environment, "monitor", "reference", "-m", "models:/" + name + "/1", "--data",
                "reference.csv", "--tracking-uri", target.uri());
        assertThat(reference.exitCode()).as(reference.toString()).isZero();
        Random random = new Random(name.hashCode());
        long start = System.currentTimeMillis() - 60_000;
        List<LoggedPrediction> batch = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            String[] row = row(random, shifted);
            batch.add(new LoggedPrediction("request-" + name + "-" + i, 0, start + i, name, "1", "stable",
                    "{\"x1\": " + row[0] + ", \"x2\": " + row[1] + ", \"color\": \"" + row[2] + "\"}",
                    "{\"prediction\": " + (i % 2) + "}", 1.0));
        }
        client.predictions().appendBatch(batch);
    }

    /** x1, x2 ~ N(0, 1), colour red/green/blue at 35/35/30%; shifted: x1 + 1, x2 + 1, mostly blue. */
    private static String[] row(Random random, boolean shifted) {
        double x1 = random.nextGaussian() + (shifted ? 1 : 0);
        double x2 = random.nextGaussian() + (shifted ? 1 : 0);
        double pick = random.nextDouble();
        String color = shifted ? (pick < 0.1 ? "red" : pick < 0.2 ? "green" : "blue")
                : (pick < 0.35 ? "red" : pick < 0.7 ? "green" : "blue");
        return new String[] {String.format(Locale.ROOT, "%.4f", x1), String.format(Locale.ROOT, "%.4f", x2), color};
    }
}
