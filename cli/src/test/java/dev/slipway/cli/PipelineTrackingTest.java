package dev.slipway.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.core.tracking.Experiment;
import dev.slipway.core.tracking.Metric;
import dev.slipway.core.tracking.Param;
import dev.slipway.core.tracking.Run;
import dev.slipway.core.tracking.RunStatus;
import dev.slipway.core.tracking.Tag;
import dev.slipway.core.tracking.TrackingStore;
import dev.slipway.core.tracking.ViewType;
import dev.slipway.data.Repository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code slipway repro} as tracked runs, through the real command, real shell commands and a SQLite store. */
class PipelineTrackingTest {
    private static final String PIPELINE = """
            stages:
              prepare:
                cmd: cat data.txt > prepared.txt && echo "$MLFLOW_RUN_ID" > prepare_run.txt && echo "$MLFLOW_TRACKING_URI $MLFLOW_EXPERIMENT_ID" > prepare_env.txt
                deps:
                - data.txt
                params:
                - prepare.factor
                outs:
                - prepared.txt
              train:
                cmd: cat prepared.txt > model.bin && echo '{"loss":0.25,"label":"x","nested":{"steps":3}}' > train_metrics.json
                deps:
                - prepared.txt
                params:
                - train
                outs:
                - model.bin
                metrics:
                - train_metrics.json:
                    cache: false
              evaluate:
                cmd: echo '{"auc":0.9}' > metrics.json
                deps:
                - model.bin
                metrics:
                - metrics.json:
                    cache: false
            """;

    @TempDir
    Path root;

    @TempDir
    Path storeFolder;

    private Git git;
    private String storeUri;
    private Environment environment;

    @BeforeEach
    void setUp() throws Exception {
        git = Git.init().setDirectory(root.toFile()).setInitialBranch("main").call();
        Repository.init(root).close();
        write("data.txt", "hello\n");
        write("params.yaml", "prepare:\n  factor: 2\ntrain:\n  lr: 0.1\n  depth: 4\n");
        write("dvc.yaml", PIPELINE);
        git.add().addFilepattern(".").call();
        git.commit().setMessage("pipeline").setSign(false).setAuthor("Test", "test@example.com")
                .setCommitter("Test", "test@example.com").call();
        storeUri = "sqlite:///" + storeFolder.resolve("tracking.db");
        environment = CliRun.environment(root, Map.of("PATH", System.getenv("PATH"), "MLFLOW_TRACKING_URI", storeUri));
    }

    @Test
    void reproIsAParentRunWithAChildRunPerExecutedStage() throws Exception {
        CliRun repro = CliRun.run(environment, "repro");
        assertThat(repro.exitCode()).as(repro.toString()).isZero();
        assertThat(repro.out()).contains("Tracked as run ");
        String head = git.getRepository().resolve("HEAD").getName();

        try (TrackingStore store = Backends.discover().openTrackingStore(storeUri)) {
            Experiment experiment = store.getExperimentByName(root.getFileName().toString()).orElseThrow();
            List<Run> runs = runs(store, experiment);
            assertThat(runs).hasSize(4);
            Run parent = runs.stream().filter(run -> tag(run, PipelineTracking.PARENT_RUN_ID_TAG).isEmpty())
                    .findFirst().orElseThrow();
            assertThat(parent.info().status()).isEqualTo(RunStatus.FINISHED);
            assertThat(tag(parent, PipelineTracking.GIT_COMMIT_TAG)).contains(head);
            assertThat(params(parent)).containsEntry("train.lr", "0.1").containsEntry("prepare.factor", "2");
            assertThat(metrics(parent)).containsEntry("auc", 0.9).containsEntry("loss", 0.25);

            Run prepare = child(runs, "prepare");
            Run train = child(runs, "train");
            Run evaluate = child(runs, "evaluate");
            for (Run child : List.of(prepare, train, evaluate)) {
                assertThat(tag(child, PipelineTracking.PARENT_RUN_ID_TAG)).contains(parent.info().runId());
                assertThat(tag(child, PipelineTracking.GIT_COMMIT_TAG)).contains(head);
                assertThat(child.info().status()).isEqualTo(RunStatus.FINISHED);
                assertThat(child.info().endTime()).isPresent();
                assertThat(child.info().endTime().get()).isGreaterThanOrEqualTo(child.info().startTime());
            }
            assertThat(params(prepare)).containsExactly(Map.entry("prepare.factor", "2"));
            assertThat(params(train)).containsOnly(Map.entry("train.lr", "0.1"), Map.entry("train.depth", "4"));
            assertThat(metrics(train)).containsOnly(Map.entry("loss", 0.25), Map.entry("nested.steps", 3.0));
            assertThat(metrics(evaluate)).containsOnly(Map.entry("auc", 0.9));
            assertThat(prepare.inputs()).singleElement().satisfies(input -> {
                assertThat(input.dataset().name()).isEqualTo("data.txt");
                assertThat(input.dataset().source()).isEqualTo("data.txt");
                assertThat(input.dataset().digest()).isEqualTo(md5("hello\n"));
            });
            assertThat(train.inputs()).extracting(input -> input.dataset().name()).containsExactly("prepared.txt");

            assertThat(Files.readString(root.resolve("prepare_run.txt")).strip()).isEqualTo(prepare.info().runId());
            String[] env = Files.readString(root.resolve("prepare_env.txt")).strip().split(" ");
            assertThat(env[0]).startsWith("http://127.0.0.1:");
            assertThat(env[1]).isEqualTo(experiment.experimentId());
        }

        CliRun again = CliRun.run(environment, "repro", "--experiment", "again");
        assertThat(again.exitCode()).as(again.toString()).isZero();
        try (TrackingStore store = Backends.discover().openTrackingStore(storeUri)) {
            List<Run> runs = runs(store, store.getExperimentByName("again").orElseThrow());
            assertThat(runs).singleElement().satisfies(parent -> assertThat(
                    tag(parent, PipelineTracking.UNCHANGED_TAG)).contains("prepare,train,evaluate"));
        }
    }

    @Test
    void aFailedStageGivesAFailedChildAndParent() throws Exception {
        write("dvc.yaml", PIPELINE.replace("echo '{\"auc\":0.9}' > metrics.json", "exit 3"));
        CliRun repro = CliRun.run(environment, "repro");
        assertThat(repro.exitCode()).as(repro.toString()).isEqualTo(1);
        try (TrackingStore store = Backends.discover().openTrackingStore(storeUri)) {
            List<Run> runs = runs(store, store.getExperimentByName(root.getFileName().toString()).orElseThrow());
            assertThat(runs).hasSize(4);
            assertThat(child(runs, "evaluate").info().status()).isEqualTo(RunStatus.FAILED);
            assertThat(tag(child(runs, "evaluate"), PipelineTracking.OUTCOME_TAG)).contains("failed");
            assertThat(child(runs, "train").info().status()).isEqualTo(RunStatus.FINISHED);
            Run parent = runs.stream().filter(run -> tag(run, PipelineTracking.PARENT_RUN_ID_TAG).isEmpty())
                    .findFirst().orElseThrow();
            assertThat(parent.info().status()).isEqualTo(RunStatus.FAILED);
        }
    }

    @Test
    void noTrackRecordsNothing() throws Exception {
        CliRun repro = CliRun.run(environment, "repro", "--no-track");
        assertThat(repro.exitCode()).as(repro.toString()).isZero();
        assertThat(repro.out()).doesNotContain("Tracked as run");
        assertThat(Files.readString(root.resolve("prepare_run.txt")).strip()).isEmpty();
    }

    @Test
    void trainLogsIntoTheRunNamedByMlflowRunId() throws Exception {
        CliRun repro = CliRun.run(environment, "repro");
        assertThat(repro.exitCode()).as(repro.toString()).isZero();
        String stageRunId = Files.readString(root.resolve("prepare_run.txt")).strip();
        writeChurn(root.resolve("train.csv"), 300, new Random(3));

        Environment inStage = CliRun.environment(root, Map.of("MLFLOW_TRACKING_URI", storeUri,
                "MLFLOW_RUN_ID", stageRunId));
        CliRun trained = CliRun.run(inStage, "train", "--data", "train.csv", "--target", "churn", "--algorithm",
                "logistic", "--no-progress");
        assertThat(trained.exitCode()).as(trained.toString()).isZero();
        assertThat(trained.out()).contains("Run:    " + stageRunId);
        try (TrackingStore store = Backends.discover().openTrackingStore(storeUri)) {
            Run run = store.getRun(stageRunId).orElseThrow();
            assertThat(params(run)).containsKey("algorithm").containsEntry("prepare.factor", "2");
            assertThat(metrics(run)).containsKey("val_accuracy");
            assertThat(tag(run, "mlflow.log-model.history")).isPresent();
            assertThat(run.info().status()).isEqualTo(RunStatus.FINISHED);
            assertThat(runs(store, store.getExperiment("0").orElseThrow())).isEmpty();
        }
    }

    static List<Run> runs(TrackingStore store, Experiment experiment) {
        return store.searchRuns(List.of(experiment.experimentId()), List.of(), ViewType.ACTIVE_ONLY, List.of(), 1000, 0)
                .items();
    }

    static Run child(List<Run> runs, String stage) {
        return runs.stream().filter(run -> tag(run, PipelineTracking.STAGE_TAG).equals(Optional.of(stage)))
                .findFirst().orElseThrow(() -> new AssertionError("no run of stage " + stage + " in " + runs));
    }

    static Optional<String> tag(Run run, String key) {
        return run.tags().stream().filter(tag -> tag.key().equals(key)).map(Tag::value).findFirst();
    }

    static Map<String, String> params(Run run) {
        return run.params().stream().collect(java.util.stream.Collectors.toMap(Param::key, Param::value));
    }

    static Map<String, Double> metrics(Run run) {
        return run.metrics().stream().collect(java.util.stream.Collectors.toMap(Metric::key, Metric::value));
    }

    static String md5(String content) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
                .digest(content.getBytes(UTF_8)));
    }

    private void write(String path, String content) throws Exception {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, UTF_8);
    }

    private static void writeChurn(Path file, int rows, Random random) throws Exception {
        StringBuilder csv = new StringBuilder("tenure,charges,churn\n");
        for (int i = 0; i < rows; i++) {
            double tenure = random.nextInt(60);
            double charges = 20 + random.nextDouble() * 80;
            int churn = tenure < 12 && charges > 50 ? 1 : random.nextDouble() < 0.1 ? 1 : 0;
            csv.append((int) tenure).append(',').append(String.format(java.util.Locale.ROOT, "%.2f", charges))
                    .append(',').append(churn).append('\n');
        }
        Files.writeString(file, csv.toString(), UTF_8);
    }
}
