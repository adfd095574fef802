package dev.slipway.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.client.TrackingClient;
import dev.slipway.core.monitors.MonitorResult;
import dev.slipway.monitoring.MonitorDefinition;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code slipway server} replicas on one PostgreSQL (and one MariaDB) database and one artifacts folder behave as
 * one server: both start at once (migrations serialised by the database), a write on one is read on the other, and a
 * monitor due on both replicas' schedules is evaluated by exactly one of them (the lease). Skipped, saying so, when
 * the database variable is not set.
 */
class ReplicasTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path folder;

    @Test
    void twoReplicasOnPostgresqlBehaveAsOne() throws Exception {
        replicasOn("SLIPWAY_TEST_POSTGRES_URI", "PostgreSQL");
    }

    @Test
    void twoReplicasOnMariadbBehaveAsOne() throws Exception {
        replicasOn("SLIPWAY_TEST_MYSQL_URI", "MariaDB");
    }

    private void replicasOn(String variable, String serverName) throws Exception {
        String adminUri = System.getenv(variable);
        assumeTrue(adminUri != null && !adminUri.isBlank(), variable + " not set; " + serverName + " replica tests skipped");
        URI admin = URI.create(adminUri);
        boolean postgres = admin.getScheme().startsWith("postgres");
        String database = "slipway_replicas_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        String jdbcAdmin = (postgres ? "jdbc:postgresql://" : "jdbc:mariadb://") + admin.getHost() + ":" + admin.getPort()
                + admin.getPath();
        String user = admin.getUserInfo() == null ? "" : admin.getUserInfo().split(":", 2)[0];
        execute(jdbcAdmin, user, "CREATE DATABASE " + database);
        String backendUri = admin.getScheme() + "://" + admin.getRawAuthority() + "/" + database;
        String artifacts = folder.resolve("artifacts").toString();
        java.nio.file.Files.createDirectories(folder.resolve("a"));
        java.nio.file.Files.createDirectories(folder.resolve("b"));
        try {
            CompletableFuture<RunningServer> startingA = CompletableFuture.supplyAsync(() -> RunningServer.start(folder.resolve("a"),
                    "--backend-store-uri", backendUri, "--artifacts-destination", artifacts));
            CompletableFuture<RunningServer> startingB = CompletableFuture.supplyAsync(() -> RunningServer.start(folder.resolve("b"),
                    "--backend-store-uri", backendUri, "--artifacts-destination", artifacts));
            try (RunningServer a = startingA.join(); RunningServer b = startingB.join()) {
                TrackingClient onA = a.client();
                TrackingClient onB = b.client();

                String experimentId = onA.createExperiment("replicated-" + serverName);
                var run = onA.createRun(experimentId);
                String runId = run.info().runId();
                onA.logParam(runId, new dev.slipway.core.tracking.Param("depth", "6"));
                onA.logMetric(runId, new dev.slipway.core.tracking.Metric("auc", 0.91, 1_000, 0));
                onA.logArtifact(runId, "notes/readme.txt", "written through replica A".getBytes(UTF_8));
                ModelLogging.register(onA, "replicated", run, "model");
                onA.registry().setAlias("replicated", "champion", 1);

                assertThat(onB.getExperiment(experimentId).name()).isEqualTo("replicated-" + serverName);
                var read = onB.getRun(runId);
                assertThat(read.params()).anySatisfy(param -> assertThat(param.value()).isEqualTo("6"));
                assertThat(read.metrics()).anySatisfy(metric -> assertThat(metric.value()).isEqualTo(0.91));
                try (InputStream in = onB.openRunArtifact(runId, "notes/readme.txt")) {
                    assertThat(new String(in.readAllBytes(), UTF_8)).isEqualTo("written through replica A");
                }
                assertThat(onB.registry().getModelVersionByAlias("replicated", "champion").version()).isEqualTo(1L);

                // due at once on both replicas' schedules (every 5 s): exactly one evaluates it
                onB.monitors().create(MonitorDefinition.fromJson(JSON.createObjectNode().put("name", "replicated-drift")
                        .put("model", "models:/replicated/1").put("rows", 100).put("schedule", "1h")).toJson(), false);
                long deadline = System.nanoTime() + 60_000_000_000L;
                List<MonitorResult> results = List.of();
                while (System.nanoTime() < deadline && results.isEmpty()) {
                    Thread.sleep(250);
                    results = onA.monitors().results("replicated-drift", 10);
                }
                assertThat(results).as("the monitor was evaluated").hasSize(1);
                Thread.sleep(12_000);
                assertThat(onA.monitors().results("replicated-drift", 10)).as("by one replica, once").hasSize(1);
            }
        } finally {
            execute(jdbcAdmin, user, postgres ? "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)"
                    : "DROP DATABASE IF EXISTS " + database);
        }
    }

    private static void execute(String jdbcUrl, String user, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, user, "");
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
