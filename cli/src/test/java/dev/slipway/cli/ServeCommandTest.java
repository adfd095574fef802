package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.client.RetryPolicy;
import dev.slipway.client.TrackingClient;
import dev.slipway.core.predictions.PredictionQuery;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code slipway serve} through the real command: a model trained and registered with {@code slipway train} on the
 * local store, served by alias, scored over both protocols, its predictions arriving in the tracking store.
 */
class ServeCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path folder;

    private Environment environment;

    @BeforeEach
    void trainAndRegister() throws IOException {
        environment = CliRun.environment(folder, Map.of());
        ModelCommandsTest.writeChurn(folder.resolve("train.csv"), 800, new Random(5));
        CliRun trained = CliRun.run(environment, "train", "--data", "train.csv", "--target", "churn", "--algorithm",
                "logistic", "--register", "churn", "--no-progress");
        assertThat(trained.exitCode()).as(trained.toString()).isZero();
        assertThat(CliRun.run(environment, "models", "alias", "set", "churn", "champion", "1").exitCode()).isZero();
    }

    @Test
    void servesARegisteredModelOverBothProtocolsAndLogsItsPredictions() throws Exception {
        int port = freePort();
        ManualStopSignal stop = new ManualStopSignal();
        Environment serving = new Environment(Map.of(), folder, Clock.systemUTC(), ZoneOffset.UTC, stop);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = Main.commandLine(serving);
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        ExecutorService executor = Executors.newSingleThreadExecutor();
        Future<Integer> exit = executor.submit(() -> command.execute("serve", "-m", "models:/churn@champion",
                "--port", String.valueOf(port), "--poll-interval", "1s"));
        try {
            String base = "http://127.0.0.1:" + port;
            awaitReady(base, exit, out, err);
            assertThat(out.toString()).contains("Prediction log: ");

            HttpResponse<String> invocations = post(base + "/invocations", "application/json",
                    "{\"dataframe_split\": {\"columns\": [\"x1\", \"x2\", \"color\"], "
                            + "\"data\": [[0.5, -1.0, \"red\"], [-2.0, 1.5, \"blue\"]]}}", "req-1");
            assertThat(invocations.statusCode()).as(invocations.body()).isEqualTo(200);
            JsonNode predictions = JSON.readTree(invocations.body()).path("predictions");
            assertThat(predictions).hasSize(2);
            assertThat(predictions.get(0).path("label").asText()).isIn("yes", "no");

            HttpResponse<String> infer = post(base + "/v2/models/churn/infer", "application/json",
                    "{\"id\": \"req-2\", \"inputs\": [{\"name\": \"x1\", \"shape\": [1], \"datatype\": \"FP64\", "
                            + "\"data\": [0.5]}, {\"name\": \"x2\", \"shape\": [1], \"datatype\": \"FP64\", "
                            + "\"data\": [-1.0]}, {\"name\": \"color\", \"shape\": [1], \"datatype\": \"BYTES\", "
                            + "\"data\": [\"red\"]}]}", "req-2");
            assertThat(infer.statusCode()).as(infer.body()).isEqualTo(200);
            assertThat(JSON.readTree(infer.body()).path("id").asText()).isEqualTo("req-2");

            // the alias moves: the server follows it without a restart
            CliRun retrained = CliRun.run(environment, "train", "--data", "train.csv", "--target", "churn",
                    "--algorithm", "random-forest", "--param", "n_estimators=5", "--register", "churn",
                    "--no-progress");
            assertThat(retrained.exitCode()).as(retrained.toString()).isZero();
            assertThat(CliRun.run(environment, "models", "alias", "set", "churn", "champion", "2").exitCode()).isZero();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            String version = "";
            while (System.nanoTime() < deadline && !version.equals("2")) {
                HttpResponse<String> answer = post(base + "/v2/models/churn/infer", "application/json",
                        "{\"inputs\": [{\"name\": \"x1\", \"shape\": [1], \"datatype\": \"FP64\", \"data\": [0.5]}, "
                                + "{\"name\": \"x2\", \"shape\": [1], \"datatype\": \"FP64\", \"data\": [-1.0]}, "
                                + "{\"name\": \"color\", \"shape\": [1], \"datatype\": \"BYTES\", \"data\": [\"red\"]}]}",
                        "req-swap");
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                version = JSON.readTree(answer.body()).path("model_version").asText();
                Thread.sleep(100);
            }
            assertThat(version).isEqualTo("2");
        } finally {
            stop.fire();
            assertThat(exit.get(60, TimeUnit.SECONDS)).as(out + "\n" + err).isZero();
            executor.shutdownNow();
        }

        // the prediction log was flushed into the local store at shutdown
        try (ServerConnection connection = ServerConnection.open(new TrackingOptions(), environment,
                Backends.discover())) {
            TrackingClient client = TrackingClient.create(connection.client().trackingUri().toString(),
                    RetryPolicy.none());
            assertThat(client.predictions().count(PredictionQuery.of("churn"))).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void theAdminTokenVariableEnablesTheAdminApi() throws Exception {
        int port = freePort();
        ManualStopSignal stop = new ManualStopSignal();
        String token = "admin-token-for-the-test";
        Environment serving = new Environment(Map.of(ServeCommand.ADMIN_TOKEN_VARIABLE, token), folder,
                Clock.systemUTC(), ZoneOffset.UTC, stop);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = Main.commandLine(serving);
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        ExecutorService executor = Executors.newSingleThreadExecutor();
        Future<Integer> exit = executor.submit(() -> command.execute("serve", "-m", "models:/churn/1",
                "--port", String.valueOf(port), "--no-log-predictions"));
        try {
            String base = "http://127.0.0.1:" + port;
            awaitReady(base, exit, out, err);

            HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(URI.create(base
                    + "/slipway/admin/models")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);

            HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create(base
                    + "/slipway/admin/models/churn")).header("Authorization", "Bearer " + token)
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"uri\": \"models:/churn@champion\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
            assertThat(JSON.readTree(put.body()).path("uri").asText()).isEqualTo("models:/churn@champion");

            HttpResponse<String> list = HTTP.send(HttpRequest.newBuilder(URI.create(base
                    + "/slipway/admin/models")).header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
            assertThat(JSON.readTree(list.body()).path("models").get(0).path("version").asText()).isEqualTo("1");
        } finally {
            stop.fire();
            assertThat(exit.get(60, TimeUnit.SECONDS)).as(out + "\n" + err).isZero();
            executor.shutdownNow();
        }
        assertThat(out.toString() + err).doesNotContain(token);
    }

    @Test
    void withoutTheAdminTokenVariableThereIsNoAdminApiAndTheHelpTellsTheVariable() throws Exception {
        CliRun help = CliRun.run(environment, "serve", "--help");
        assertThat(help.out()).contains(ServeCommand.ADMIN_TOKEN_VARIABLE, "/slipway/admin");

        int port = freePort();
        ManualStopSignal stop = new ManualStopSignal();
        Environment serving = new Environment(Map.of(), folder, Clock.systemUTC(), ZoneOffset.UTC, stop);
        CommandLine command = Main.commandLine(serving);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        ExecutorService executor = Executors.newSingleThreadExecutor();
        Future<Integer> exit = executor.submit(() -> command.execute("serve", "-m", "models:/churn/1",
                "--port", String.valueOf(port), "--no-log-predictions"));
        try {
            String base = "http://127.0.0.1:" + port;
            awaitReady(base, exit, out, err);
            HttpResponse<String> admin = HTTP.send(HttpRequest.newBuilder(URI.create(base
                    + "/slipway/admin/models")).header("Authorization", "Bearer anything").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(admin.statusCode()).as(admin.body()).isEqualTo(404);
        } finally {
            stop.fire();
            assertThat(exit.get(60, TimeUnit.SECONDS)).as(out + "\n" + err).isZero();
            executor.shutdownNow();
        }
    }

    @Test
    void aModelThatCannotBeLoadedIsAClearErrorAndANonZeroExit() {
        CliRun run = CliRun.run(environment, "serve", "-m", "models:/churn@nope", "--port", "0",
                "--no-log-predictions");
        assertThat(run.exitCode()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(run.err()).contains("models:/churn@nope").doesNotContain("Exception");
    }

    @Test
    void printsAKubernetesManifestForTheSameCommand() {
        CliRun run = CliRun.run(environment, "serve", "-m", "models:/churn@champion", "--print-kubernetes",
                "--image", "registry.example.org/slipway:1", "--tracking-uri", "http://tracking:5000");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("kind: Deployment").contains("kind: Service")
                .contains("\"models:/churn@champion\"").contains("/v2/health/ready")
                .contains("\"http://tracking:5000\"").doesNotContain("--print-kubernetes");
    }

    @Test
    void badOptionsAreUsageErrors() {
        CliRun run = CliRun.run(environment, "serve", "-m", "a", "-m", "b", "--canary", "c");
        assertThat(run.exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(run.err()).contains("--canary");
        CliRun poll = CliRun.run(environment, "serve", "-m", "a", "--poll-interval", "soon");
        assertThat(poll.exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(poll.err()).contains("--poll-interval");
    }

    private static HttpResponse<String> post(String url, String contentType, String body, String requestId)
            throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", contentType).header("X-Request-Id", requestId)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitReady(String base, Future<Integer> exit, StringWriter out, StringWriter err)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (exit.isDone()) {
                throw new AssertionError("slipway serve exited early:\n" + out + err);
            }
            try {
                HttpResponse<Void> ready = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v2/health/ready"))
                        .build(), HttpResponse.BodyHandlers.discarding());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError("slipway serve did not become ready:\n" + out + err);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
