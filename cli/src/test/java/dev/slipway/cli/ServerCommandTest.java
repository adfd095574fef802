package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.client.TrackingClient;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.predictions.LoggedPrediction;
import dev.slipway.core.predictions.PredictionFeedback;
import dev.slipway.core.predictions.PredictionQuery;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code slipway server}, run in-process on ephemeral ports and stopped as SIGTERM would stop it. */
class ServerCommandTest {
    @TempDir
    Path folder;

    @Test
    void defaultsPutTheStoreAndArtifactsInTheWorkingFolderAndStopOnSignal() throws Exception {
        RunningServer server = RunningServer.start(folder);
        try {
            assertThat(server.output()).as("the server's listening line is logged, not printed").isEmpty();
            assertThat(folder.resolve(".slipway/slipway.db")).isRegularFile();

            HttpResponse<String> health = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(server.uri() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);

            TrackingClient client = server.client();
            String experimentId = client.createExperiment("served");
            assertThat(client.getExperiment(experimentId).artifactLocation()).isEqualTo("mlflow-artifacts:/" + experimentId);
            String runId = client.createRun(experimentId).info().runId();
            client.logArtifact(runId, "hello.txt", "hi".getBytes(StandardCharsets.UTF_8));
            assertThat(folder.resolve(".slipway/artifacts").resolve(experimentId).resolve(runId)
                    .resolve("artifacts/hello.txt")).hasContent("hi");
        } finally {
            assertThat(server.stop()).isZero();
        }
        try (ServerSocket socket = new ServerSocket(server.port(), 1, InetAddress.getLoopbackAddress())) {
            assertThat(socket.isBound()).as("the port is free again after the stop").isTrue();
        }
    }

    @Test
    void predictionLogIsServedOnTheBackendStore() {
        try (RunningServer server = RunningServer.start(folder)) {
            TrackingClient client = server.client();
            client.predictions().appendBatch(List.of(new LoggedPrediction("r1", 0, 1000, "churn", "3", "stable",
                    "{\"age\":41}", "{\"label\":\"yes\"}", 0.5)));
            client.predictions().feedback(List.of(new PredictionFeedback("r1", 0, "\"no\"", 2000)));

            assertThat(client.predictions().search(PredictionQuery.of("churn"), Optional.empty(), Optional.empty())
                    .items()).singleElement().satisfies(joined -> {
                        assertThat(joined.prediction().inputsJson()).isEqualTo("{\"age\":41}");
                        assertThat(joined.feedback()).contains(new PredictionFeedback("r1", 0, "\"no\"", 2000));
                    });
        }
    }

    @Test
    void withoutServingArtifactsExperimentsGetFolderLocationsAndTheProxyIsUnavailable() {
        try (RunningServer server = RunningServer.start(folder, "--no-serve-artifacts")) {
            TrackingClient client = server.client();
            String experimentId = client.createExperiment("unproxied");

            assertThat(client.getExperiment(experimentId).artifactLocation())
                    .isEqualTo(folder.resolve(".slipway/artifacts").resolve(experimentId).toString());
            assertThatThrownBy(() -> client.uploadArtifact("x/y.txt", new byte[] {1}))
                    .isInstanceOfSatisfying(SlipwayException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE));
        }
    }

    @Test
    void explicitDefaultArtifactRootAndDestinationAreResolvedAgainstTheWorkingFolder() {
        try (RunningServer server = RunningServer.start(folder, "--default-artifact-root", "roots",
                "--artifacts-destination", "proxied", "--serve-artifacts")) {
            TrackingClient client = server.client();
            String experimentId = client.createExperiment("rooted");

            assertThat(client.getExperiment(experimentId).artifactLocation())
                    .isEqualTo(folder.resolve("roots").resolve(experimentId).toString());
            client.uploadArtifact("direct/file.txt", "x".getBytes(StandardCharsets.UTF_8));
            assertThat(folder.resolve("proxied/direct/file.txt")).hasContent("x");
        }
    }

    @Test
    void allowedHostsAreServedAndOtherHostsRefused() throws IOException {
        try (RunningServer server = RunningServer.onFolder(folder, "--allowed-hosts", "tracking.example.org,*.corp.test")) {
            assertThat(statusForHost(server.port(), "tracking.example.org")).isEqualTo(200);
            assertThat(statusForHost(server.port(), "ml.corp.test:5000")).isEqualTo(200);
            assertThat(statusForHost(server.port(), "localhost:" + server.port())).isEqualTo(200);
            assertThat(statusForHost(server.port(), "evil.example.com")).isEqualTo(403);
        }
    }

    /** The status of GET /api/2.0/mlflow/experiments/get?experiment_id=0 sent with the given Host header. */
    private static int statusForHost(int port, String host) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.getOutputStream().write(("GET /api/2.0/mlflow/experiments/get?experiment_id=0 HTTP/1.1\r\nHost: " + host
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            return Integer.parseInt(statusLine.split(" ")[1]);
        }
    }

    @Test
    void unsupportedBackendStoreUriFailsWithOneLine() {
        CliRun run = CliRun.run(CliRun.environment(folder, Map.of()), "server", "--port", "0",
                "--backend-store-uri", "file:///tmp/mlruns");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines()).hasSize(1);
        assertThat(run.err()).contains("Unsupported backend store URI 'file:///tmp/mlruns'", "sqlite", "postgresql",
                "mysql");
    }

    @Test
    void busyPortFailsWithAClearMessage() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            CliRun run = CliRun.run(CliRun.environment(folder, Map.of()), "server", "--port",
                    String.valueOf(taken.getLocalPort()));

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
            assertThat(run.err().lines()).hasSize(1);
            assertThat(run.err()).contains("Cannot listen on 127.0.0.1:" + taken.getLocalPort(), "--port");
        }
    }

    @Test
    void proxyArtifactRootWithoutTheProxyIsAUsageError() {
        CliRun run = CliRun.run(CliRun.environment(folder, Map.of()), "server", "--no-serve-artifacts",
                "--default-artifact-root", "mlflow-artifacts:/");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--default-artifact-root", "--no-serve-artifacts");
    }

    @Test
    void invalidPortIsAUsageError() {
        CliRun run = CliRun.run(CliRun.environment(folder, Map.of()), "server", "--port", "http");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--port");
    }
}
