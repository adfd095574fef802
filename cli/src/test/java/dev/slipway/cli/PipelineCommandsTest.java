package dev.slipway.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.data.Repository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineCommandsTest {
    private static final String PIPELINE = """
            stages:
              prepare:
                cmd: cat data.txt > prepared.txt && echo prepare-ran
                deps:
                - data.txt
                params:
                - lr
                outs:
                - prepared.txt
              train:
                cmd: cat prepared.txt prepared.txt > model.bin
                deps:
                - prepared.txt
                outs:
                - model.bin
            """;

    @TempDir
    Path root;

    @BeforeEach
    void setUp() throws IOException {
        Repository.init(root).close();
        write("data.txt", "hello\n");
        write("params.yaml", "lr: 0.1\n");
        write("dvc.yaml", PIPELINE);
    }

    @Test
    void reproRunsChangedStagesAndStatusReportsThem() throws IOException {
        CliRun first = run("repro");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.out()).contains("Running stage 'prepare':\n> cat data.txt > prepared.txt && echo prepare-ran\n"
                + "[prepare] prepare-ran\n").contains("Updated dvc.lock.");
        assertThat(Files.readString(root.resolve("dvc.lock"))).startsWith("schema: '2.0'\nstages:\n  prepare:\n");

        assertThat(run("status").out()).isEqualTo("Data and pipelines are up to date.\n");

        write("params.yaml", "lr: 0.2\n");
        write("model.bin", "edited");
        CliRun status = run("status");
        assertThat(status.out()).isEqualTo("prepare:\n\tchanged deps:\n\t\tparams.yaml:\n\t\t\tmodified:           lr\n"
                + "train:\n\tchanged outs:\n\t\tmodified:           model.bin\n");
        CliRun json = run("status", "--json");
        assertThat(json.out().replaceAll("\\s", "")).isEqualTo(
                "{\"prepare\":[{\"changeddeps\":{\"params.yaml\":{\"lr\":\"modified\"}}}],"
                        + "\"train\":[{\"changedouts\":{\"model.bin\":\"modified\"}}]}");
        assertThat(run("status", "-q").exitCode()).isEqualTo(1);

        CliRun again = run("repro", "train", "--single-item");
        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).doesNotContain("prepare-ran");
    }

    @Test
    void dagPrintsTextDotAndMermaid() {
        assertThat(run("dag").out()).isEqualTo("prepare\ntrain <- prepare\n");
        assertThat(run("dag", "--dot").out()).isEqualTo(
                "strict digraph  {\n\"prepare\";\n\"train\";\n\"prepare\" -> \"train\";\n}\n");
        assertThat(run("dag", "--mermaid").out()).isEqualTo(
                "flowchart TD\n\tnode1[\"prepare\"]\n\tnode2[\"train\"]\n\tnode1-->node2\n");
    }

    @Test
    void badInputIsOneMessageAndExitCodeOne() throws IOException {
        write("dvc.yaml", PIPELINE.replace("    outs:\n    - model.bin", "    outs:\n    - prepared.txt"));

        CliRun result = run("repro");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("slipway repro: error: dvc.yaml:13: stage 'train': 'prepared.txt' is both "
                + "a dependency and an output of the stage\n");
        assertThat(root.resolve("prepared.txt")).doesNotExist();
    }

    @Test
    void failingStageExitsOneAndUsageErrorsExitTwo() throws IOException {
        write("dvc.yaml", PIPELINE.replace("&& echo prepare-ran", "&& exit 4"));

        CliRun failed = run("repro");

        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.err()).contains("failed to reproduce 'prepare': command 'cat data.txt > prepared.txt && exit 4'"
                + " exited with code 4");
        assertThat(root.resolve("dvc.lock")).doesNotExist();
        assertThat(run("repro", "--jobs", "0").exitCode()).isEqualTo(2);
        assertThat(run("repro", "--no-such-flag").exitCode()).isEqualTo(2);
    }

    @Test
    void stopSignalStopsTheStageAndExits130() throws Exception {
        write("dvc.yaml", "stages:\n  slow:\n    cmd: sleep 30\n    deps: [data.txt]\n    outs: [never.txt]\n");
        ManualStopSignal signal = new ManualStopSignal();
        Environment environment = new Environment(variables(), root, Clock.systemUTC(), ZoneOffset.UTC, signal);
        CompletableFuture<CliRun> running = CompletableFuture.supplyAsync(() -> CliRun.run(environment, "repro"));
        Thread.sleep(700);

        signal.fire();
        CliRun result = running.get(20, TimeUnit.SECONDS);

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(130);
        assertThat(root.resolve("dvc.lock")).doesNotExist();
    }

    private CliRun run(String... args) {
        return CliRun.run(CliRun.environment(root, variables()), args);
    }

    private static Map<String, String> variables() {
        return Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    }

    private void write(String path, String text) throws IOException {
        Files.writeString(root.resolve(path), text, UTF_8);
    }
}
