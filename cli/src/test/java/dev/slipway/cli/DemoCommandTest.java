package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.client.TrackingClient;
import dev.slipway.core.predictions.PredictionQuery;
import dev.slipway.core.registry.ModelVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code slipway demo} end to end with few rows: project, tracked pipeline, registry, serving and traffic. */
class DemoCommandTest {
    @TempDir
    Path folder;

    @Test
    void demoBuildsRegistersPromotesServesAndSummarises() throws Exception {
        Path project = folder.resolve("demo");
        Environment environment = CliRun.environment(folder, Map.of(
                "PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
                "DVC_GLOBAL_CONFIG_DIR", folder.resolve("global").toString(),
                "DVC_SYSTEM_CONFIG_DIR", folder.resolve("system").toString()));

        CliRun run = CliRun.run(environment, "demo", "--dir", "demo", "--port", "0", "--rows", "400");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("[1/6] Creating the churn project in " + project, "[3/6] Running the pipeline",
                "[prepare] Wrote 400 customers", "[train] Trained xgboost", "[6/6] Sending 300 predictions",
                "300 answered (0 failed)", "Demo finished in ", "Project          " + project,
                "models:/churn@champion = models:/churn/1", "300 predictions served, 300 in the prediction log",
                "curl -s http://127.0.0.1:", "/invocations -H 'Content-Type: application/json'",
                "slipway exp run -S train.max_depth=6", "slipway models list");
        assertThat(project.resolve(".git")).isDirectory();
        assertThat(project.resolve(".dvc")).isDirectory();
        assertThat(project.resolve("dvc.lock")).isRegularFile();
        assertThat(Files.readString(project.resolve("ci-report.md"))).contains("`models:/churn/1`");

        try (RunningServer server = RunningServer.start(project)) {
            TrackingClient client = server.client();
            ModelVersion champion = client.registry().getModelVersionByAlias("churn", "champion");
            assertThat(champion.version()).isEqualTo(1);
            assertThat(client.predictions().count(PredictionQuery.of("churn"))).isEqualTo(DemoCommand.PREDICTIONS);
        }
    }
}
