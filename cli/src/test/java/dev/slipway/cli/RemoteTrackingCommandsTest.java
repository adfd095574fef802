package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.client.TrackingClient;
import dev.slipway.core.tracking.Metric;
import dev.slipway.core.tracking.Param;
import dev.slipway.core.tracking.RunStatus;
import dev.slipway.core.tracking.Tag;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The tracking commands against a server, chosen through {@code MLFLOW_TRACKING_URI}. */
class RemoteTrackingCommandsTest extends AbstractTrackingCommandsTest {
    @TempDir
    static Path serverFolder;

    @TempDir
    Path workingFolder;

    private static RunningServer server;
    private static TrackingClient client;

    @BeforeAll
    static void startServer() {
        server = RunningServer.onFolder(serverFolder);
        client = server.client();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.stop();
        }
    }

    @AfterEach
    void noLocalStoreWasCreated() {
        assertThat(workingFolder.resolve(".slipway")).doesNotExist();
    }

    @Override
    Environment environment() {
        return CliRun.environment(workingFolder, Map.of(TrackingOptions.MLFLOW_TRACKING_URI, server.uri()));
    }

    @Override
    RunLogger runLogger() {
        return new RunLogger() {
            @Override
            public String createRun(String experimentId, String runName) {
                return client.createRun(Optional.of(experimentId), Optional.of("tester"), Optional.of(runName),
                        Optional.empty(), List.of()).info().runId();
            }

            @Override
            public void log(String runId, List<Metric> metrics, List<Param> params, List<Tag> tags) {
                client.logBatch(runId, metrics, params, tags);
            }

            @Override
            public void end(String runId, RunStatus status) {
                client.endRun(runId, status, System.currentTimeMillis());
            }
        };
    }
}
