package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.core.gitops.DeploymentEvent;
import dev.slipway.core.gitops.DeploymentStatus;
import dev.slipway.core.gitops.HealthStatus;
import dev.slipway.core.gitops.SyncStatus;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-process server the commands start over the local store by default serves the deployment statuses and
 * events, kept in {@code ./.slipway/slipway.db} where {@code slipway server} in the same folder finds them.
 */
class ServerConnectionDeploymentsTest {
    @TempDir
    Path folder;

    @Test
    void deploymentsReportedThroughTheEmbeddedServerAreKeptInTheLocalStore() throws Exception {
        Environment environment = CliRun.environment(folder, Map.of());
        DeploymentStatus status = new DeploymentStatus("prod", "churn", Optional.of("4f2a9c1e"), "models:/churn/7",
                Optional.of("models:/churn/7"), Optional.empty(), 0, Optional.empty(), SyncStatus.SYNCED,
                HealthStatus.HEALTHY, "in sync", Optional.of("http://127.0.0.1:8080"), "agent", 0);
        DeploymentStatus reported;
        DeploymentEvent synced;
        try (ServerConnection connection = ServerConnection.open(new TrackingOptions(), environment,
                Backends.discover())) {
            reported = connection.client().deployments().report(status);
            synced = connection.client().deployments().appendEvent("prod", "churn", "synced", Optional.of("4f2a9c1e"),
                    "applied", "{\"objects\": 2}");
        }

        try (RunningServer server = RunningServer.start(folder)) {
            assertThat(server.client().deployments().get("prod", "churn")).contains(reported);
            assertThat(server.client().deployments().list(Optional.empty(), Optional.of("churn")))
                    .containsExactly(reported);
            assertThat(server.client().deployments().events("prod", Optional.empty(), 10)).containsExactly(synced);
        }
        assertThat(folder.resolve(".slipway/slipway.db")).exists();
    }
}
