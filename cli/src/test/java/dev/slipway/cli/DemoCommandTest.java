package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.client.TrackingClient;
import dev.slipway.core.monitors.MonitorAction;
import dev.slipway.core.predictions.PredictionQuery;
import dev.slipway.core.registry.ModelVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
        assertThat(run.out()).contains("[1/8] Creating the churn project in " + project, "[3/8] Running the pipeline",
                "[prepare] Wrote 400 customers", "[train] Trained xgboost", "[6/8] Sending 300 predictions",
                "300 answered (0 failed)", "[7/8] The customers change", "[8/8] Monitor churn-drift",
                "alert dataset_drift fired: dataset drift:", "retrain: Slipway CI: churn",
                "Demo finished in ", "Project          " + project,
                "models:/churn@champion = models:/churn/1", "600 predictions served, 600 in the prediction log",
                "Monitor          churn-drift: alert; 1 action(s) taken", "Web UI           http://127.0.0.1:",
                "curl -s http://127.0.0.1:", "/invocations -H 'Content-Type: application/json'",
                "slipway exp run -S train.max_depth=6", "slipway models list");
        assertThat(project.resolve(".git")).isDirectory();
        assertThat(project.resolve(".dvc")).isDirectory();
        assertThat(project.resolve("dvc.lock")).isRegularFile();
        assertThat(Files.readString(project.resolve("ci-report.md"))).contains("`models:/churn/1`");

        try (RunningServer server = RunningServer.start(project)) {
            TrackingClient client = server.client();
            assertThat(client.predictions().count(PredictionQuery.of("churn"))).isEqualTo(2 * DemoCommand.PREDICTIONS);
            // the monitor fired on the shifted customers and retrained: the gate decided whether version 2 took over
            List<MonitorAction> actions = client.monitors().actions(Optional.of(DemoCommand.MONITOR_NAME), 10);
            assertThat(actions).singleElement().satisfies(action -> {
                assertThat(action.kind()).isEqualTo("retrain");
                assertThat(action.succeeded()).as(action.detail()).isTrue();
                assertThat(action.cause()).contains("dataset drift");
            });
            boolean passed = actions.get(0).detail().startsWith("Slipway CI: churn PASS");
            ModelVersion champion = client.registry().getModelVersionByAlias("churn", "champion");
            assertThat(champion.version()).isEqualTo(passed ? 2 : 1);
            assertThat(run.out()).contains("models:/churn@champion is now version " + champion.version());
        }
    }
}
