package dev.slipway.pipeline.report;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.core.SlipwayException;
import dev.slipway.data.HashInfo;
import dev.slipway.data.Repository;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineReportsTest {
    private static final String PIPELINE = """
            stages:
              train:
                cmd: python train.py
                params:
                - train.lr
                - train.epochs
                - config.toml:
                  - model.depth
                metrics:
                - metrics.json:
                    cache: false
                plots:
                - loss.csv:
                    x: epoch
                    y: loss
            plots:
            - accuracy:
                x: step
                y:
                  history.json: [acc]
                template: scatter
            """;

    @TempDir
    Path folder;

    private Git git;
    private PipelineReports reports;

    @BeforeEach
    void createGitRepository() throws Exception {
        git = Git.init().setDirectory(folder.toFile()).setInitialBranch("main").call();
        reports = new PipelineReports(folder, Optional.empty());
    }

    @AfterEach
    void closeGit() {
        git.close();
    }

    @Test
    void paramsDiffComparesHeadWithTheWorkspace() throws Exception {
        write("dvc.yaml", PIPELINE);
        write("params.yaml", "train:\n  lr: 0.01\n  epochs: 10\nseed: 1\nname: base\n");
        write("config.toml", "[model]\ndepth = 3\nwidth = 8\n");
        commit("v1");
        assertThat(reports.paramsDiff(List.of(), false, false).entries()).isEmpty();

        write("params.yaml", "train:\n  lr: 0.02\n  epochs: 10\nseed: 1\nname: tuned\nextra: true\n");
        write("config.toml", "[model]\ndepth = 4\nwidth = 16\n");
        ValueDiff diff = reports.paramsDiff(List.of(), false, false);

        assertThat(diff.header()).containsExactly("Path", "Param", "HEAD", "workspace");
        assertThat(diff.rows(5)).containsExactly(
                List.of("config.toml", "model.depth", "3", "4"),
                List.of("params.yaml", "extra", "-", "True"),
                List.of("params.yaml", "name", "base", "tuned"),
                List.of("params.yaml", "train.lr", "0.01", "0.02"));
        JsonNode json = diff.toJson();
        assertThat(json.get("params.yaml").get("train.lr").get("old").asDouble()).isEqualTo(0.01);
        assertThat(json.get("params.yaml").get("train.lr").get("new").asDouble()).isEqualTo(0.02);
        assertThat(json.get("params.yaml").get("train.lr").get("diff").asDouble()).isCloseTo(0.01, within(1e-12));
        assertThat(json.get("params.yaml").get("extra").get("old").isNull()).isTrue();
        assertThat(json.get("params.yaml").get("name").has("diff")).as("no diff of strings").isFalse();
        assertThat(json.get("config.toml").get("model.depth").get("diff").isIntegralNumber()).isTrue();
        assertThat(json.get("config.toml").has("model.width")).as("only declared keys of other files").isFalse();

        assertThat(reports.paramsDiff(List.of(), true, false).rows(5)).extracting(row -> row.get(1))
                .containsExactly("model.depth", "extra", "name", "seed", "train.epochs", "train.lr");
        assertThat(reports.paramsDiff(List.of(), true, true).rows(5)).extracting(row -> row.get(1))
                .as("--deps: only what stages declare").containsExactly("model.depth", "train.epochs", "train.lr");
    }

    @Test
    void metricsDiffComparesTwoCommitsRoundingToFiveDigits() throws Exception {
        write("dvc.yaml", PIPELINE);
        write("metrics.json", "{\"acc\": 0.8, \"loss\": 0.5, \"nested\": {\"f1\": 0.7}, \"list\": [1, 2]}");
        commit("v1");
        write("metrics.json", "{\"acc\": 0.9, \"loss\": 0.5, \"nested\": {\"f1\": 0.75}, \"list\": [3]}");
        commit("v2");

        ValueDiff diff = reports.metricsDiff(List.of("HEAD~1", "HEAD"), false);

        assertThat(diff.header()).containsExactly("Path", "Metric", "HEAD~1", "HEAD", "Change");
        assertThat(diff.rows(5)).containsExactly(
                List.of("metrics.json", "acc", "0.8", "0.9", "0.1"),
                List.of("metrics.json", "nested.f1", "0.7", "0.75", "0.05"));
        assertThat(diff.toJson().get("metrics.json").get("acc").get("diff").asDouble())
                .isEqualTo(0.9 - 0.8);
        assertThat(reports.metricsDiff(List.of("HEAD~1", "HEAD"), true).rows(5)).hasSize(3);
        assertThat(reports.metricsDiff(List.of(), false).entries()).as("workspace is HEAD").isEmpty();
    }

    @Test
    void markdownIsAPipeTableForTheCiReport() throws Exception {
        write("dvc.yaml", PIPELINE);
        write("params.yaml", "train:\n  lr: 0.01\n");
        write("metrics.json", "{\"acc\": 0.8}");
        commit("v1");
        write("params.yaml", "train:\n  lr: 0.1\n");
        write("metrics.json", "{\"acc\": 0.912345678}");

        assertThat(reports.metricsDiffMarkdown(List.of())).isEqualTo("""
                | Path         | Metric | HEAD | workspace | Change  |
                |--------------|--------|------|-----------|---------|
                | metrics.json | acc    | 0.8  | 0.91235   | 0.11235 |
                """);
        assertThat(reports.paramsDiffMarkdown(List.of())).isEqualTo("""
                | Path        | Param    | HEAD | workspace |
                |-------------|----------|------|-----------|
                | params.yaml | train.lr | 0.01 | 0.1       |
                """);
    }

    @Test
    void metricsShowReportsEachVersionInDvcsJsonShape() throws Exception {
        write("dvc.yaml", "metrics:\n- scores.yaml\n- missing.json\n");
        write("scores.yaml", "auc: 0.91\nsplit:\n  test: {acc: 0.8}\nnote: ok\n");
        commit("v1");
        write("scores.yaml", "auc: 0.95\nsplit:\n  test: {acc: 0.85}\nnote: ok\n");

        MetricsShow shown = reports.metricsShow(List.of());
        JsonNode json = shown.toJson();
        assertThat(json.get("workspace").get("data").get("scores.yaml").get("data").get("split").get("test")
                .get("acc").asDouble()).isEqualTo(0.85);
        assertThat(json.get("workspace").get("data").get("missing.json").get("error").get("type").asText())
                .isEqualTo("FileNotFoundError");
        assertThat(shown.header()).containsExactly("Path", "auc", "split.test.acc", "note");
        assertThat(shown.rows(5)).containsExactly(List.of("scores.yaml", "0.95", "0.85", "ok"));
        assertThat(shown.errors()).hasSize(1);

        MetricsShow both = reports.metricsShow(List.of("HEAD", "workspace"));
        assertThat(both.header()).startsWith("Revision", "Path");
        assertThat(both.rows(5)).extracting(row -> row.get(0)).containsExactly("HEAD", "workspace");
    }

    @Test
    void gitIgnoredMetricsOutputIsReadFromTheCacheAtARevision() throws Exception {
        try (Repository repository = Repository.init(folder)) {
            write("dvc.yaml", "stages:\n  eval:\n    cmd: echo\n    metrics:\n    - eval/metrics.json\n");
            String old = "{\"acc\": 0.7}";
            String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(old.getBytes(UTF_8)));
            write("dvc.lock", "schema: '2.0'\nstages:\n  eval:\n    cmd: echo\n    outs:\n    - path: eval/metrics.json\n"
                    + "      hash: md5\n      md5: " + md5 + "\n      size: " + old.length() + "\n");
            write(".gitignore", "/eval/\n");
            Path object = repository.cache().objectPath(HashInfo.md5(md5));
            Files.createDirectories(object.getParent());
            Files.writeString(object, old, UTF_8);
            write("eval/metrics.json", old);
            commit("v1");
            write("eval/metrics.json", "{\"acc\": 0.75}");

            ValueDiff withCache = new PipelineReports(folder, Optional.of(repository.cache())).metricsDiff(List.of(), false);
            assertThat(withCache.rows(5)).containsExactly(List.of("eval/metrics.json", "acc", "0.7", "0.75", "0.05"));
            ValueDiff withoutCache = reports.metricsDiff(List.of(), false);
            assertThat(withoutCache.rows(5)).containsExactly(List.of("eval/metrics.json", "acc", "-", "0.75", "-"));
        }
    }

    @Test
    void unknownRevisionAndMissingGitAreOneClearMessage() throws Exception {
        write("dvc.yaml", PIPELINE);
        commit("v1");
        assertThatThrownBy(() -> reports.metricsDiff(List.of("no-such-branch"), false))
                .isInstanceOf(SlipwayException.class).hasMessageContaining("Unknown Git revision 'no-such-branch'");
        assertThatThrownBy(() -> reports.paramsDiff(List.of("a", "b", "c"), false, false))
                .hasMessageContaining("At most two revisions");

        Path plain = Files.createTempDirectory("no-git");
        try {
            assertThatThrownBy(() -> new PipelineReports(plain, Optional.empty()).paramsDiff(List.of(), false, false))
                    .isInstanceOf(SlipwayException.class).hasMessageContaining("is not inside a Git repository");
            assertThat(new PipelineReports(plain, Optional.empty()).metricsShow(List.of()).versions())
                    .as("the workspace needs no Git").hasSize(1);
        } finally {
            Files.delete(plain);
        }
    }

    @Test
    void aMetricsFolderStandsForEveryFileInIt() throws Exception {
        write("dvc.yaml", "metrics:\n- eval\n");
        write("eval/a.json", "{\"acc\": 0.5}");
        write("eval/sub/b.yaml", "f1: 0.25\n");
        commit("v1");
        write("eval/sub/b.yaml", "f1: 0.5\n");
        assertThat(reports.metricsDiff(List.of(), true).rows(5)).containsExactly(
                List.of("eval/a.json", "acc", "0.5", "0.5", "0.0"),
                List.of("eval/sub/b.yaml", "f1", "0.25", "0.5", "0.25"));
    }

    @Test
    void headOfARepositoryWithoutCommitsIsEmpty() throws Exception {
        write("dvc.yaml", PIPELINE);
        write("params.yaml", "train:\n  lr: 0.01\n");
        assertThat(reports.paramsDiff(List.of(), false, false).rows(5))
                .containsExactly(List.of("params.yaml", "train.lr", "-", "0.01"));
    }

    @Test
    void plotsPageHasAnSvgPerPlotAndPngImagesOfTheChartSize() throws Exception {
        write("dvc.yaml", PIPELINE);
        write("loss.csv", "epoch,loss\n1,0.9\n2,0.5\n3,0.3\n");
        write("history.json", "[{\"acc\": 0.5}, {\"acc\": 0.7}]");
        commit("v1");
        write("loss.csv", "epoch,loss\n1,0.8\n2,0.4\n3,0.2\n4,0.1\n");

        PlotsReport report = reports.plots(List.of(), List.of(), true);
        assertThat(report.charts()).extracting(Chart::id).as("top-level plots first, as DVC")
                .containsExactly("accuracy", "loss.csv");
        Chart loss = report.charts().get(1);
        assertThat(loss.series()).extracting(Chart.Series::label).containsExactly("HEAD", "workspace");
        assertThat(loss.series().get(1).points()).hasSize(4).first().isEqualTo(new Chart.Point(1, 0.8));
        assertThat(report.charts().get(0).scatter()).isTrue();

        Path out = folder.resolve("dvc_plots");
        PlotsPage.Written written = new PlotsPage(new ChartRenderer()).write(report, out, true);
        String html = Files.readString(written.index());
        assertThat(written.index()).isEqualTo(out.resolve("index.html"));
        assertThat(html.split("<svg ", -1)).hasSize(3);
        assertThat(html).doesNotContain("<script");
        assertThat(written.pngFiles()).hasSize(2);
        for (Path png : written.pngFiles()) {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(Files.readAllBytes(png)));
            assertThat(image).as(png.toString()).isNotNull();
            assertThat(image.getWidth()).isEqualTo(ChartRenderer.WIDTH);
            assertThat(image.getHeight()).isEqualTo(ChartRenderer.HEIGHT);
        }

        PlotsReport shown = reports.plots(List.of(), List.of("loss.csv"), false);
        assertThat(shown.charts()).singleElement().satisfies(chart ->
                assertThat(chart.series()).extracting(Chart.Series::label).containsExactly("workspace"));
    }

    @Test
    void plotDataWithoutHeaderOrXUsesColumnNumbersAndTheRowIndex() throws Exception {
        write("dvc.yaml", "plots:\n- roc.tsv:\n    y: {roc.tsv: ['1']}\n");
        write("roc.tsv", "0.1\t0.5\n0.2\t0.6\n");
        write("dvc.yaml", "stages:\n  s:\n    cmd: x\n    plots:\n    - roc.tsv:\n        header: false\n");
        PlotsReport report = reports.plots(List.of(), List.of(), false);
        assertThat(report.charts()).singleElement().satisfies(chart -> {
            assertThat(chart.xLabel()).isEqualTo("step");
            assertThat(chart.series().get(0).points()).containsExactly(new Chart.Point(0, 0.5), new Chart.Point(1, 0.6));
        });
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
}
