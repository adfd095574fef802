package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.ModelRegistry;
import org.mlflow.api.proto.Service;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.RunsPage;

/**
 * {@code slipway server --backend-store-uri postgresql://... | mysql://...} end to end: a fresh database on the
 * server of {@code SLIPWAY_TEST_POSTGRES_URI} / {@code SLIPWAY_TEST_MYSQL_URI} is migrated at start and serves
 * MLflow's own Java client, tracking and model registry. Skipped, saying so, when the variable is not set.
 */
class ServerOnDatabaseServersTest {
    @TempDir
    Path folder;

    @Test
    void servesMlflowsClientOnPostgresql() throws Exception {
        roundTripOn("SLIPWAY_TEST_POSTGRES_URI", "PostgreSQL");
    }

    @Test
    void servesMlflowsClientOnMariadb() throws Exception {
        roundTripOn("SLIPWAY_TEST_MYSQL_URI", "MariaDB");
    }

    private void roundTripOn(String variable, String serverName) throws Exception {
        String adminUri = System.getenv(variable);
        assumeTrue(adminUri != null && !adminUri.isBlank(), variable + " not set; " + serverName + " tests skipped");
        URI admin = URI.create(adminUri);
        boolean postgres = admin.getScheme().startsWith("postgres");
        String database = "slipway_cli_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        String jdbcAdmin = (postgres ? "jdbc:postgresql://" : "jdbc:mariadb://") + admin.getHost() + ":" + admin.getPort()
                + admin.getPath();
        String user = admin.getUserInfo() == null ? "" : admin.getUserInfo().split(":", 2)[0];
        execute(jdbcAdmin, user, "CREATE DATABASE " + database);
        String backendUri = admin.getScheme() + "://" + admin.getRawAuthority() + "/" + database;
        try (RunningServer server = RunningServer.start(folder, "--backend-store-uri", backendUri,
                "--artifacts-destination", folder.resolve("artifacts").toString());
                MlflowClient mlflow = new MlflowClient(server.uri())) {
            assertThat(mlflow.getExperiment("0").getName()).isEqualTo("Default");
            String experimentId = mlflow.createExperiment("on-" + serverName);
            String runId = mlflow.createRun(experimentId).getRunId();
            mlflow.logParam(runId, "model", "gbm");
            mlflow.logBatch(runId, List.of(
                    Service.Metric.newBuilder().setKey("auc").setValue(0.8).setTimestamp(1_000).setStep(0).build(),
                    Service.Metric.newBuilder().setKey("auc").setValue(0.9).setTimestamp(2_000).setStep(1).build()),
                    List.of(), List.of(Service.RunTag.newBuilder().setKey("team").setValue("risk").build()));
            mlflow.setTerminated(runId);

            RunsPage page = mlflow.searchRuns(List.of(experimentId), "metrics.auc > 0.85 and params.model = 'gbm'",
                    Service.ViewType.ACTIVE_ONLY, 10, List.of("metrics.auc DESC"));
            assertThat(page.getItems()).extracting(run -> run.getInfo().getRunId()).containsExactly(runId);
            assertThat(page.getItems().get(0).getInfo().getStatus()).isEqualTo(Service.RunStatus.FINISHED);
            assertThat(mlflow.getMetricHistory(runId, "auc")).extracting(Service.Metric::getValue).containsExactly(0.8, 0.9);

            mlflow.sendPost("registered-models/create", "{\"name\": \"on-" + serverName + "\"}");
            mlflow.sendPost("model-versions/create", "{\"name\": \"on-" + serverName + "\", \"source\": \"runs:/"
                    + runId + "/model\", \"run_id\": \"" + runId + "\"}");
            assertThat(mlflow.getLatestVersions("on-" + serverName)).extracting(ModelRegistry.ModelVersion::getRunId)
                    .containsExactly(runId);
            assertThat(mlflow.getModelVersionDownloadUri("on-" + serverName, "1"))
                    .isEqualTo(mlflow.getRun(runId).getInfo().getArtifactUri() + "/model");
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
