package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.client.TrackingClient;
import dev.slipway.core.registry.ModelVersion;
import dev.slipway.core.tracking.Tag;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code slipway ci} on the churn template with few rows and trees, in a Git and DVC repository, against a real
 * tracking server: the stages run as separate processes through the {@code slipway} launcher.
 */
class CiCommandTest {
    private static final PersonIdent AUTHOR = new PersonIdent("Test", "test@example.invalid");

    @TempDir
    Path folder;

    @TempDir
    Path serverFolder;

    @TempDir
    Path elsewhere;

    private RunningServer server;
    private Git git;
    private Environment environment;

    @BeforeEach
    void createProject() throws Exception {
        server = RunningServer.onFolder(serverFolder);
        git = Git.init().setDirectory(folder.toFile()).setInitialBranch("main").call();
        environment = CliRun.environment(folder, Map.of(
                "PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
                TrackingOptions.MLFLOW_TRACKING_URI, server.uri(),
                "DVC_GLOBAL_CONFIG_DIR", elsewhere.resolve("global").toString(),
                "DVC_SYSTEM_CONFIG_DIR", elsewhere.resolve("system").toString()));
        assertThat(CliRun.run(environment, "data", "init").exitCode()).isZero();
        ExampleProject.CHURN.copyTo(folder);
        setParams(600, 20, 3);
        Files.writeString(folder.resolve(".gitignore"), "/.slipway/\n/ci-report.md\n");
        commit("churn project");
    }

    @AfterEach
    void stop() {
        git.close();
        server.close();
    }

    @Test
    void firstRunRegistersAndPromotesThenAWorseModelFailsTheGateAndLeavesTheAlias() throws Exception {
        CliRun first = CliRun.run(environment, "ci", "--model", "churn", "--promote");

        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.out()).contains("[train] ", "Registered models:/churn/1",
                "Promoted models:/churn@champion -> version 1");
        String firstReport = Files.readString(folder.resolve("ci-report.md"));
        assertThat(firstReport).startsWith("## Slipway CI: `churn` PASS")
                .contains("no `models:/churn@champion` yet", "`models:/churn/1`", "now points at version 1",
                        "| roc_auc |", "### Metrics (`HEAD` → workspace)", "### Params (`HEAD` → workspace)",
                        "prepare: ran, train: ran, evaluate: ran");
        TrackingClient client = server.client();
        assertThat(client.registry().getModelVersionByAlias("churn", "champion").version()).isEqualTo(1);

        commit("first model's metrics");
        setParams(600, 1, 1);
        CliRun second = CliRun.run(environment, "ci", "--model", "churn", "--promote", "--min-delta", "0.5",
                "--report", "reports/gate.md");

        assertThat(second.exitCode()).as(second.toString()).isEqualTo(CiCommand.EXIT_GATE_FAILED);
        assertThat(second.err()).contains("Quality gate failed: FAIL: roc_auc");
        String report = Files.readString(folder.resolve("reports/gate.md"));
        assertThat(report).startsWith("## Slipway CI: `churn` FAIL")
                .contains("**FAIL: roc\\_auc", "an improvement of at least 0.5000 required",
                        "`models:/churn@champion` = version 1", "`models:/churn/2`",
                        "`champion` unchanged: the gate failed", "| Metric | Candidate | Baseline | Delta |",
                        "| **roc_auc ↑** |")
                .contains("| Path ", "metrics.json", "train.n_estimators", "prepare: unchanged, train: ran, evaluate: ran");
        assertThat(client.registry().getModelVersionByAlias("churn", "champion").version()).isEqualTo(1);
        ModelVersion secondVersion = client.registry().getModelVersion("churn", 2);
        assertThat(secondVersion.tags()).contains(new Tag(ModelRelease.GATE_TAG, "failed"));
        assertThat(secondVersion.aliases()).isEmpty();
    }

    @Test
    void promotingWithoutRegisteringIsAUsageError() {
        CliRun run = CliRun.run(environment, "ci", "--promote", "--no-register");

        assertThat(run.exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(run.err()).contains("--promote needs a registered candidate");
    }

    private void setParams(int rows, int trees, int depth) throws Exception {
        Path params = folder.resolve("params.yaml");
        Files.writeString(params, Files.readString(params)
                .replaceFirst("(?m)^(\\s+rows:\\s*)\\d+", "$1" + rows)
                .replaceFirst("(?m)^(\\s+n_estimators:\\s*)\\d+", "$1" + trees)
                .replaceFirst("(?m)^(\\s+max_depth:\\s*)\\d+", "$1" + depth));
    }

    private void commit(String message) throws Exception {
        git.add().addFilepattern(".").call();
        git.commit().setMessage(message).setAuthor(AUTHOR).setCommitter(AUTHOR).setSign(false).call();
    }
}
