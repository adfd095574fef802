package dev.slipway.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.core.tracking.Run;
import dev.slipway.core.tracking.TrackingStore;
import dev.slipway.data.Repository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code slipway exp run|show|apply} through the real commands, real shell commands, Git and a SQLite store. */
class ExpCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PIPELINE = """
            stages:
              prepare:
                cmd: cat data.txt > prepared.txt
                deps:
                - data.txt
                outs:
                - prepared.txt
              train:
                cmd: cat prepared.txt > model.bin && echo ${train.lr} >> model.bin && echo '{"score":${train.lr}}' > metrics.json
                deps:
                - prepared.txt
                params:
                - train.lr
                outs:
                - model.bin
                metrics:
                - metrics.json:
                    cache: false
            """;

    @TempDir
    Path root;

    @TempDir
    Path storeFolder;

    private String storeUri;
    private Environment environment;

    @BeforeEach
    void setUp() throws Exception {
        Git git = Git.init().setDirectory(root.toFile()).setInitialBranch("main").call();
        Repository.init(root).close();
        write("data.txt", "hello\n");
        write("params.yaml", "train:\n  lr: 0.1\n  epochs: 3\n");
        write("dvc.yaml", PIPELINE);
        storeUri = "sqlite:///" + storeFolder.resolve("tracking.db");
        environment = CliRun.environment(root, Map.of("PATH", System.getenv("PATH"), "MLFLOW_TRACKING_URI", storeUri));
        CliRun repro = run("repro");
        assertThat(repro.exitCode()).as(repro.toString()).isZero();
        git.add().addFilepattern(".").call();
        git.commit().setMessage("pipeline").setSign(false).setAuthor("Test", "test@example.com")
                .setCommitter("Test", "test@example.com").call();
        git.close();
    }

    @Test
    void expRunLeavesTheWorkspaceAloneAndApplyBringsTheResultIn() throws Exception {
        String params = Files.readString(root.resolve("params.yaml"));
        String lock = Files.readString(root.resolve("dvc.lock"));
        String model = Files.readString(root.resolve("model.bin"));

        CliRun exp = run("exp", "run", "-S", "train.lr=0.05", "-n", "lowlr");
        assertThat(exp.exitCode()).as(exp.toString()).isZero();
        assertThat(exp.out()).contains("Ran experiment 'lowlr'");
        assertThat(Files.readString(root.resolve("params.yaml"))).isEqualTo(params);
        assertThat(Files.readString(root.resolve("dvc.lock"))).isEqualTo(lock);
        assertThat(Files.readString(root.resolve("model.bin"))).isEqualTo(model);
        assertThat(Files.readString(root.resolve("metrics.json"))).contains("0.1");

        try (TrackingStore store = Backends.discover().openTrackingStore(storeUri)) {
            List<Run> runs = PipelineTrackingTest.runs(store,
                    store.getExperimentByName(root.getFileName().toString()).orElseThrow());
            Run parent = runs.stream().filter(run -> PipelineTrackingTest.tag(run, PipelineExperiments.NAME_TAG)
                    .equals(Optional.of("lowlr"))).findFirst().orElseThrow();
            assertThat(parent.info().runName()).isEqualTo("lowlr");
            assertThat(PipelineTrackingTest.tag(parent, PipelineExperiments.BASELINE_TAG)).isPresent();
            assertThat(PipelineTrackingTest.tag(parent, PipelineExperiments.PARAMS_TAG)).contains("{\"train.lr\":\"0.05\"}");
            assertThat(PipelineTrackingTest.params(parent)).containsEntry("train.lr", "0.05");
            assertThat(PipelineTrackingTest.metrics(parent)).containsEntry("score", 0.05);
            Run train = runs.stream().filter(run -> PipelineTrackingTest.tag(run, PipelineTracking.PARENT_RUN_ID_TAG)
                    .equals(Optional.of(parent.info().runId()))).filter(run -> PipelineTrackingTest.tag(run,
                    PipelineTracking.STAGE_TAG).equals(Optional.of("train"))).findFirst().orElseThrow();
            assertThat(PipelineTrackingTest.params(train)).containsEntry("train.lr", "0.05");
        }

        CliRun show = run("exp", "show");
        assertThat(show.exitCode()).as(show.toString()).isZero();
        List<String> lines = show.out().lines().toList();
        assertThat(lines.get(0)).contains("Experiment").contains("score").contains("train.lr");
        assertThat(lines.get(1)).startsWith("workspace").contains("baseline").contains("0.1");
        assertThat(lines.get(2)).startsWith("lowlr").contains("success").contains("0.05");
        JsonNode json = JSON.readTree(run("exp", "show", "--json").out());
        assertThat(json.get(1).path("metrics").path("score").asDouble()).isEqualTo(0.05);
        assertThat(json.get(1).path("changed_params").path("train.lr").asText()).isEqualTo("0.05");
        assertThat(run("exp", "show", "--md").out()).startsWith("| Experiment | Created | State | score |");

        CliRun apply = run("exp", "apply", "lowlr");
        assertThat(apply.exitCode()).as(apply.toString()).isZero();
        assertThat(Files.readString(root.resolve("params.yaml"))).contains("lr: 0.05").contains("epochs: 3");
        assertThat(Files.readString(root.resolve("model.bin"))).isEqualTo("hello\n0.05\n");
        assertThat(Files.readString(root.resolve("metrics.json"))).contains("0.05");
        assertThat(run("status").out()).isEqualTo("Data and pipelines are up to date.\n");
    }

    @Test
    void queuedExperimentsRunTwoAtATime() throws Exception {
        assertThat(run("exp", "run", "--queue", "-S", "train.lr=0.2", "-n", "first").exitCode()).isZero();
        CliRun queued = run("exp", "run", "--queue", "-S", "params.yaml:train.lr=0.3");
        assertThat(queued.exitCode()).as(queued.toString()).isZero();
        String generated = queued.out().replaceAll("(?s).*'(.*)'.*", "$1");
        assertThat(generated).matches("[a-z]+-[a-z]+(-\\d+)?");
        assertThat(run("exp", "run", "--queue", "-n", "first").exitCode()).isEqualTo(1);
        assertThat(run("exp", "show").out()).contains("queued");

        CliRun all = run("exp", "run", "--run-all", "--jobs", "2");
        assertThat(all.exitCode()).as(all.toString()).isZero();
        JsonNode shown = JSON.readTree(run("exp", "show", "--json").out());
        assertThat(shown).hasSize(3);
        Map<String, Double> scores = new java.util.HashMap<>();
        shown.forEach(row -> scores.put(row.path("name").asText(), row.path("metrics").path("score").asDouble()));
        assertThat(scores).containsEntry("workspace", 0.1).containsEntry("first", 0.2).containsEntry(generated, 0.3);
        assertThat(shown.get(1).path("state").asText()).isEqualTo("success");
        try (var queue = Files.list(root.resolve(PipelineExperiments.FOLDER).resolve(PipelineExperiments.QUEUE))) {
            assertThat(queue).isEmpty();
        }
        assertThat(Files.readString(root.resolve("params.yaml"))).contains("lr: 0.1");
    }

    private CliRun run(String... args) {
        return CliRun.run(environment, args);
    }

    private void write(String path, String content) throws Exception {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, UTF_8);
    }
}
