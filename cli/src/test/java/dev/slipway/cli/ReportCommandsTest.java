package dev.slipway.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path folder;

    @TempDir
    Path elsewhere;

    private Environment environment;
    private Git git;

    @BeforeEach
    void createProject() throws Exception {
        git = Git.init().setDirectory(folder.toFile()).setInitialBranch("main").call();
        environment = CliRun.environment(folder, Map.of(
                "DVC_GLOBAL_CONFIG_DIR", elsewhere.resolve("global").toString(),
                "DVC_SYSTEM_CONFIG_DIR", elsewhere.resolve("system").toString()));
        assertThat(run("data", "init").exitCode()).isZero();
        write("dvc.yaml", """
                stages:
                  train:
                    cmd: python train.py
                    params: [train.lr]
                    metrics:
                    - metrics.json:
                        cache: false
                    plots:
                    - loss.csv:
                        x: epoch
                """);
        write("params.yaml", "train:\n  lr: 0.01\n  epochs: 5\n");
        write("metrics.json", "{\"acc\": 0.8, \"loss\": 0.4}");
        write("loss.csv", "epoch,loss\n1,0.9\n2,0.6\n");
        commit("v1");
    }

    @AfterEach
    void closeGit() {
        git.close();
    }

    @Test
    void paramsAndMetricsDiffPrintDvcsTablesJsonAndMarkdown() throws Exception {
        write("params.yaml", "train:\n  lr: 0.05\n  epochs: 5\n");
        write("metrics.json", "{\"acc\": 0.85, \"loss\": 0.4}");

        CliRun params = run("params", "diff");
        assertThat(params.exitCode()).as(params.toString()).isZero();
        assertThat(params.out()).isEqualTo("""
                Path         Param     HEAD  workspace
                params.yaml  train.lr  0.01  0.05
                """);
        CliRun all = run("params", "diff", "--all");
        assertThat(all.out()).contains("train.epochs  5     5");

        CliRun metrics = run("metrics", "diff");
        assertThat(metrics.exitCode()).as(metrics.toString()).isZero();
        assertThat(metrics.out()).isEqualTo("""
                Path          Metric  HEAD  workspace  Change
                metrics.json  acc     0.8   0.85       0.05
                """);
        JsonNode json = JSON.readTree(run("metrics", "diff", "--json").out());
        assertThat(json.get("metrics.json").get("acc").get("old").asDouble()).isEqualTo(0.8);
        assertThat(json.get("metrics.json").get("acc").get("new").asDouble()).isEqualTo(0.85);
        assertThat(json.get("metrics.json").get("acc").has("diff")).isTrue();
        assertThat(run("metrics", "diff", "--md").out()).startsWith("| Path         | Metric | HEAD | workspace |");

        commit("v2");
        CliRun between = run("metrics", "diff", "HEAD~1", "HEAD");
        assertThat(between.out()).startsWith("Path          Metric  HEAD~1  HEAD  Change");
        assertThat(run("metrics", "diff").out()).as("nothing changed since HEAD").isEmpty();
    }

    @Test
    void metricsShowPrintsOneRowPerFile() throws Exception {
        CliRun shown = run("metrics", "show");
        assertThat(shown.exitCode()).as(shown.toString()).isZero();
        assertThat(shown.out()).isEqualTo("""
                Path          acc  loss
                metrics.json  0.8  0.4
                """);
        JsonNode json = JSON.readTree(run("metrics", "show", "--json").out());
        assertThat(json.get("workspace").get("data").get("metrics.json").get("data").get("acc").asDouble())
                .isEqualTo(0.8);
        assertThat(run("metrics", "show", "-a").out()).contains("Revision", "workspace", "main");
    }

    @Test
    void unknownRevisionIsOneMessageAndExitOne() {
        CliRun failed = run("metrics", "diff", "nope");
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.err().strip()).isEqualTo("slipway metrics diff: error: Unknown Git revision 'nope' in the "
                + "repository of '" + folder.toAbsolutePath().normalize() + "'");
        assertThat(failed.err().lines()).hasSize(1);
    }

    @Test
    void plotsDiffWritesTheHtmlPageAndPngImages() throws Exception {
        write("loss.csv", "epoch,loss\n1,0.8\n2,0.5\n3,0.2\n");
        CliRun plotted = run("plots", "diff", "--png", "-o", "out");
        assertThat(plotted.exitCode()).as(plotted.toString()).isZero();
        Path index = folder.resolve("out/index.html");
        assertThat(plotted.out().lines().reduce((a, b) -> b)).hasValue(index.toString());
        assertThat(Files.readString(index)).contains("<svg ", "HEAD", "workspace");
        BufferedImage image = ImageIO.read(folder.resolve("out/loss.csv.png").toFile());
        assertThat(image.getWidth()).isPositive();

        CliRun shown = run("plots", "show");
        assertThat(shown.exitCode()).as(shown.toString()).isZero();
        assertThat(folder.resolve("dvc_plots/index.html")).exists();
    }

    @Test
    void outsideGitARevisionIsOneMessage(@TempDir Path plain) throws Exception {
        Environment noGit = CliRun.environment(plain, Map.of());
        CliRun failed = CliRun.run(noGit, "params", "diff");
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.err()).contains("is not inside a Git repository").hasLineCount(1);
    }

    private void write(String path, String content) throws Exception {
        Path file = folder.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, UTF_8);
    }

    private void commit(String message) throws Exception {
        git.add().addFilepattern(".").call();
        git.commit().setMessage(message).setSign(false)
                .setAuthor("Test", "test@example.com").setCommitter("Test", "test@example.com").call();
    }

    private CliRun run(String... args) {
        return CliRun.run(environment, args);
    }
}
