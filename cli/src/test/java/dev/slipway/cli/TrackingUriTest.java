package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which tracking backend the commands use: option, then MLFLOW_TRACKING_URI, then SLIPWAY_TRACKING_URI. */
class TrackingUriTest {
    @TempDir
    static Path serverFolder;

    @TempDir
    Path workingFolder;

    private static RunningServer server;
    private static String closedUri;

    @BeforeAll
    static void start() throws IOException {
        server = RunningServer.onFolder(serverFolder);
        server.client().createExperiment("only-on-the-server");
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedUri = "http://127.0.0.1:" + socket.getLocalPort();
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private CliRun listExperiments(Map<String, String> variables, String... extraArgs) {
        String[] args = new String[2 + extraArgs.length];
        args[0] = "experiments";
        args[1] = "list";
        System.arraycopy(extraArgs, 0, args, 2, extraArgs.length);
        return CliRun.run(CliRun.environment(workingFolder, variables), args);
    }

    @Test
    void optionBeatsTheEnvironment() {
        CliRun run = listExperiments(Map.of("MLFLOW_TRACKING_URI", closedUri, "SLIPWAY_TRACKING_URI", closedUri),
                "--tracking-uri", server.uri());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("only-on-the-server");
    }

    @Test
    void mlflowTrackingUriBeatsSlipwayTrackingUri() {
        CliRun run = listExperiments(Map.of("MLFLOW_TRACKING_URI", server.uri(), "SLIPWAY_TRACKING_URI", closedUri));

        assertThat(run.out()).contains("only-on-the-server");
    }

    @Test
    void slipwayTrackingUriIsUsedWhenMlflowsIsUnset() {
        CliRun run = listExperiments(Map.of("SLIPWAY_TRACKING_URI", server.uri()));

        assertThat(run.out()).contains("only-on-the-server");
        assertThat(workingFolder.resolve(".slipway")).doesNotExist();
    }

    @Test
    void withoutAnyUriTheLocalStoreIsUsed() {
        CliRun run = listExperiments(Map.of());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Default").doesNotContain("only-on-the-server");
        assertThat(workingFolder.resolve(".slipway/slipway.db")).isRegularFile();
    }

    @Test
    void unreachableServerFailsWithOneLineNamingTheUri() {
        CliRun run = listExperiments(Map.of("MLFLOW_TRACKING_URI", closedUri));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines()).hasSize(1);
        assertThat(run.err()).contains("Cannot connect to the tracking server at " + closedUri);
    }

    @Test
    void unsupportedUriNamesWhereItCameFrom() {
        CliRun run = listExperiments(Map.of("MLFLOW_TRACKING_URI", "file:///tmp/mlruns"));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines()).hasSize(1);
        assertThat(run.err()).contains("Unsupported tracking URI 'file:///tmp/mlruns' (from $MLFLOW_TRACKING_URI)",
                "sqlite");
    }
}
