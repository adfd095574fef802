package dev.slipway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.SlipwayException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReproducerTest {
    private static final String PARAMS = "lr: 0.001\neps: 1.0e-05\nmodel:\n  depth: 3\n  name: tree\n";
    private static final String OTHER = "beta: [1, 2]\nalpha: 0.5\n";
    private static final String PIPELINE = """
            stages:
              prepare:
                cmd: cat data.txt > prepared.txt && echo prepared >> log.txt
                deps:
                - data.txt
                params:
                - model.depth
                - lr
                - eps
                outs:
                - prepared.txt
              train:
                cmd:
                - cat prepared.txt prepared.txt > model.bin && echo trained >> log.txt
                - mkdir -p metrics && echo 0.9 > metrics/acc.txt
                deps:
                - prepared.txt
                params:
                - other.yaml:
                - model
                outs:
                - model.bin
                - metrics
            """;
    /** md5 and .dir hashes computed independently with Python's hashlib and json.dumps(sort_keys=True). */
    private static final String GOLDEN_LOCK = """
            schema: '2.0'
            stages:
              prepare:
                cmd: cat data.txt > prepared.txt && echo prepared >> log.txt
                deps:
                - path: data.txt
                  hash: md5
                  md5: b1946ac92492d2347c6235b4d2611184
                  size: 6
                params:
                  params.yaml:
                    eps: 1e-05
                    lr: 0.001
                    model.depth: 3
                outs:
                - path: prepared.txt
                  hash: md5
                  md5: b1946ac92492d2347c6235b4d2611184
                  size: 6
              train:
                cmd:
                - cat prepared.txt prepared.txt > model.bin && echo trained >> log.txt
                - mkdir -p metrics && echo 0.9 > metrics/acc.txt
                deps:
                - path: prepared.txt
                  hash: md5
                  md5: b1946ac92492d2347c6235b4d2611184
                  size: 6
                params:
                  params.yaml:
                    model:
                      depth: 3
                      name: tree
                  other.yaml:
                    alpha: 0.5
                    beta:
                    - 1
                    - 2
                outs:
                - path: metrics
                  hash: md5
                  md5: 8c37df5b7ab53a43eb014cb28daaae72.dir
                  size: 4
                  nfiles: 1
                - path: model.bin
                  hash: md5
                  md5: 0e5d2dc0db8b4407625b8bf633b75055
                  size: 12
            """;

    @TempDir
    Path root;
    private PipelineFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new PipelineFixture(root);
        fixture.write("params.yaml", PARAMS).write("other.yaml", OTHER).write("data.txt", "hello\n")
                .write("dvc.yaml", PIPELINE);
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void reproWritesTheLockFileAsDvcDoes() {
        ReproResult result = fixture.repro();

        assertThat(result.succeeded()).isTrue();
        assertThat(outcomes(result)).containsExactly(StageResult.Outcome.RAN, StageResult.Outcome.RAN);
        assertThat(fixture.read("dvc.lock")).isEqualTo(GOLDEN_LOCK);
        assertThat(fixture.read(".gitignore")).isEqualTo("/prepared.txt\n/model.bin\n/metrics\n");
        assertThat(fixture.read("log.txt")).isEqualTo("prepared\ntrained\n");
    }

    @Test
    void lockFileReadsBackToTheSameText() {
        fixture.repro();

        Map<String, LockEntry> entries = LockFile.read(root.resolve("dvc.lock"), "dvc.lock");

        assertThat(entries).containsOnlyKeys("prepare", "train");
        assertThat(LockFile.toYaml(entries)).isEqualTo(GOLDEN_LOCK);
    }

    @Test
    void secondReproRunsNothing() {
        fixture.repro();
        fixture.messages.clear();

        ReproResult result = fixture.repro();

        assertThat(outcomes(result)).containsExactly(StageResult.Outcome.UNCHANGED, StageResult.Outcome.UNCHANGED);
        assertThat(fixture.messages).contains("Stage 'prepare' didn't change, skipping");
        assertThat(fixture.read("log.txt")).isEqualTo("prepared\ntrained\n");
        assertThat(new ChangeDetector(fixture.repository).status(fixture.pipeline()))
                .noneMatch(StageStatus::changed);
    }

    @Test
    void onlyChangedStagesRerun() {
        fixture.repro();
        fixture.write("other.yaml", "beta: [1, 2]\nalpha: 0.7\n");

        List<StageStatus> status = new ChangeDetector(fixture.repository).status(fixture.pipeline());
        ReproResult result = fixture.repro();

        assertThat(status.get(0).changed()).isFalse();
        assertThat(status.get(1).changedDeps()).containsEntry("other.yaml", Map.of("alpha", "modified"));
        assertThat(status.get(1).reason()).contains("params of 'other.yaml' changed: {alpha=modified}");
        assertThat(outcomes(result)).containsExactly(StageResult.Outcome.UNCHANGED, StageResult.Outcome.RAN);
        assertThat(fixture.read("log.txt")).isEqualTo("prepared\ntrained\ntrained\n");
    }

    @Test
    void statusNamesEachReasonWithDvcWords() {
        fixture.repro();
        fixture.write("data.txt", "changed\n").write("params.yaml", PARAMS.replace("lr: 0.001", "lr: 0.01"));
        fixture.write("dvc.yaml", PIPELINE.replace("echo trained", "echo trained2"));
        fixture.write("model.bin", "edited\n");

        List<StageStatus> status = new ChangeDetector(fixture.repository).status(fixture.pipeline());

        assertThat(status.get(0).changedDeps()).containsEntry("data.txt", "modified")
                .containsEntry("params.yaml", Map.of("lr", "modified"));
        assertThat(status.get(0).reason()).contains("dependency 'data.txt' is modified");
        assertThat(status.get(1).changedCommand()).isTrue();
        assertThat(status.get(1).changedOuts()).containsEntry("model.bin", "modified");
        assertThat(status.get(1).reason()).contains("command changed");
    }

    @Test
    void deletedOutputMakesTheStageRerun() {
        fixture.repro();
        fixture.write("model.bin", "x");
        root.resolve("model.bin").toFile().delete();

        ReproResult result = fixture.repro();

        assertThat(result.results().get(1).reason()).isPresent();
        assertThat(outcomes(result)).containsExactly(StageResult.Outcome.UNCHANGED, StageResult.Outcome.RESTORED);
        assertThat(fixture.read("model.bin")).isEqualTo("hello\nhello\n");
    }

    @Test
    void runCacheRestoresOutputsOfACombinationSeenBefore() {
        fixture.repro();
        fixture.write("data.txt", "other\n");
        fixture.repro();
        fixture.write("data.txt", "hello\n");
        fixture.messages.clear();

        ReproResult result = fixture.repro();

        assertThat(outcomes(result)).containsExactly(StageResult.Outcome.RESTORED, StageResult.Outcome.RESTORED);
        assertThat(fixture.messages).contains("Stage 'prepare' is cached - skipping run, checking out outputs");
        assertThat(fixture.read("prepared.txt")).isEqualTo("hello\n");
        assertThat(fixture.read("metrics/acc.txt")).isEqualTo("0.9\n");
        assertThat(fixture.read("log.txt")).isEqualTo("prepared\ntrained\nprepared\ntrained\n");
        assertThat(fixture.read("dvc.lock")).isEqualTo(GOLDEN_LOCK);
    }

    @Test
    void runCacheUsesDvcKeysAndLayout() {
        fixture.repro();

        // key and value computed with Python: sha256(json.dumps(entry, sort_keys=True)) without size/nfiles
        String key = "5f8dae15b662d194a02098b8314a7420fced483a62a7961d4aba7deaadb6a3c7";
        Path entry = root.resolve(".dvc/cache/runs/5f/" + key
                + "/f9dd8aef889c11f9c51ae3256b2a0b8ab2b58312f0dbf72cccf5ccc4a97075c7");
        assertThat(entry).exists();
        assertThat(fixture.read(root.relativize(entry).toString())).isEqualTo("""
                cmd: cat data.txt > prepared.txt && echo prepared >> log.txt
                deps:
                - path: data.txt
                  hash: md5
                  md5: b1946ac92492d2347c6235b4d2611184
                  size: 6
                params:
                  params.yaml:
                    eps: 1e-05
                    lr: 0.001
                    model.depth: 3
                outs:
                - path: prepared.txt
                  hash: md5
                  md5: b1946ac92492d2347c6235b4d2611184
                  size: 6
                """);
    }

    @Test
    void noRunCacheRunsTheCommand() {
        fixture.repro();
        fixture.write("data.txt", "other\n");
        fixture.repro();
        fixture.write("data.txt", "hello\n");

        ReproResult result = fixture.repro(fixture.options().withNoRunCache(true));

        assertThat(outcomes(result)).containsExactly(StageResult.Outcome.RAN, StageResult.Outcome.RAN);
    }

    @Test
    void forceRunsUnchangedStagesAndSingleItemOnlyTheTarget() {
        fixture.repro();

        ReproResult result = fixture.repro(fixture.options().withForce(true).withSingleItem(true), "train");

        assertThat(result.results()).extracting(StageResult::stage).containsExactly("train");
        assertThat(outcomes(result)).containsExactly(StageResult.Outcome.RAN);
    }

    @Test
    void downstreamPlansTheTargetAndItsDependents() {
        Pipeline pipeline = fixture.pipeline();

        assertThat(pipeline.plan(pipeline.resolve("prepare"), true, false)).extracting(Stage::name)
                .containsExactly("prepare", "train");
        assertThat(pipeline.plan(pipeline.resolve("train"), false, false)).extracting(Stage::name)
                .containsExactly("prepare", "train");
        assertThat(pipeline.plan(pipeline.resolve("prepare"), false, false)).extracting(Stage::name)
                .containsExactly("prepare");
    }

    @Test
    void dryRunRunsNothing() {
        ReproResult result = fixture.repro(fixture.options().withDry(true));

        assertThat(outcomes(result)).containsExactly(StageResult.Outcome.WOULD_RUN, StageResult.Outcome.WOULD_RUN);
        assertThat(fixture.exists("dvc.lock")).isFalse();
        assertThat(fixture.messages).contains("Running stage 'prepare':\n> cat data.txt > prepared.txt && echo prepared >> log.txt");
    }

    @Test
    void failingStageLeavesItsLockEntryAndStopsItsDependents() {
        fixture.repro();
        String lock = fixture.read("dvc.lock");
        fixture.write("data.txt", "changed\n");
        fixture.write("dvc.yaml", PIPELINE.replace("cat data.txt > prepared.txt &&", "cat data.txt > prepared.txt && exit 3 &&"));

        ReproResult result = fixture.repro();

        assertThat(result.succeeded()).isFalse();
        assertThat(outcomes(result)).containsExactly(StageResult.Outcome.FAILED, StageResult.Outcome.NOT_RUN);
        assertThat(result.results().get(0).exitCode()).hasValue(3);
        assertThat(result.results().get(0).error()).hasValueSatisfying(error -> assertThat(error).contains("exited with code 3"));
        assertThat(fixture.read("dvc.lock")).isEqualTo(lock);
    }

    @Test
    void commandsSeeDvcVariablesAndTheListenerEnvironmentAndOutputIsStreamed() {
        fixture.write("dvc.yaml", """
                stages:
                  env:
                    cmd: echo "$DVC_STAGE $EXTRA" && test "$DVC_ROOT" = "$(pwd)"
                    always_changed: true
                """);
        AtomicReference<String> line = new AtomicReference<>();
        StageListener listener = new StageListener() {
            @Override
            public Map<String, String> environment(Stage stage) {
                return Map.of("EXTRA", "from-listener");
            }

            @Override
            public void onStageOutput(Stage stage, String text) {
                line.set(stage.name() + ": " + text);
            }
        };

        ReproResult result = new Reproducer(fixture.repository, Clock.systemUTC())
                .repro(fixture.pipeline(), List.of(), fixture.options(), listener);

        assertThat(result.succeeded()).isTrue();
        assertThat(line.get()).isEqualTo("env: env from-listener");
    }

    @Test
    void independentStagesRunInParallel() {
        fixture.write("dvc.yaml", """
                stages:
                  left:
                    cmd: touch left.started && for i in $(seq 1 100); do [ -f right.started ] && break; sleep 0.05; done && [ -f right.started ] && echo ok > left.txt
                    outs:
                    - left.txt
                  right:
                    cmd: touch right.started && for i in $(seq 1 100); do [ -f left.started ] && break; sleep 0.05; done && [ -f left.started ] && echo ok > right.txt
                    outs:
                    - right.txt
                """);

        ReproResult result = fixture.repro(fixture.options().withJobs(2));

        assertThat(outcomes(result)).containsExactly(StageResult.Outcome.RAN, StageResult.Outcome.RAN);
    }

    @Test
    void cancelDestroysTheProcessTreeAndRecordsOnlyFinishedStages() throws Exception {
        fixture.write("dvc.yaml", """
                stages:
                  quick:
                    cmd: echo quick > quick.txt
                    outs:
                    - quick.txt
                  slow:
                    cmd: sh -c 'sleep 30; echo late > late.txt' & wait
                    deps:
                    - quick.txt
                    outs:
                    - slow.txt
                """);
        Reproducer reproducer = new Reproducer(fixture.repository, Clock.systemUTC());
        Thread canceller = new Thread(() -> {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!fixture.exists("dvc.lock") || !fixture.read("dvc.lock").contains("quick")) {
                if (System.nanoTime() > deadline) {
                    return;
                }
                Thread.onSpinWait();
            }
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            reproducer.cancel();
        });
        canceller.start();
        long started = System.nanoTime();

        ReproResult result = reproducer.repro(fixture.pipeline(), List.of(), fixture.options(), StageListener.none());
        canceller.join();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
        assertThat(result.interrupted()).isTrue();
        assertThat(outcomes(result)).containsExactly(StageResult.Outcome.RAN, StageResult.Outcome.INTERRUPTED);
        assertThat(LockFile.read(root.resolve("dvc.lock"), "dvc.lock")).containsOnlyKeys("quick");
        Thread.sleep(200);
        assertThat(fixture.exists("late.txt")).isFalse();
    }

    @Test
    void interruptingTheCallingThreadStopsTheStage() throws Exception {
        fixture.write("dvc.yaml", "stages:\n  slow:\n    cmd: sleep 30 && echo done > out.txt\n    outs: [out.txt]\n");
        Thread caller = Thread.currentThread();
        Thread interrupter = new Thread(() -> {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
            caller.interrupt();
        });
        interrupter.start();
        long started = System.nanoTime();

        ReproResult result = fixture.repro();

        assertThat(Thread.interrupted()).isTrue();
        interrupter.join();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
        assertThat(result.interrupted()).isTrue();
        assertThat(outcomes(result)).containsExactly(StageResult.Outcome.INTERRUPTED);
        assertThat(fixture.exists("dvc.lock")).isFalse();
    }

    @Test
    void missingDependencyIsReportedBeforeAnythingRuns() {
        fixture.write("dvc.yaml", PIPELINE.replace("- data.txt", "- missing.txt"));

        assertThatThrownBy(() -> fixture.repro()).isInstanceOf(SlipwayException.class)
                .hasMessage("dvc.yaml:5: stage 'prepare': dependency 'missing.txt' does not exist and no stage outputs it");
        assertThat(fixture.exists("log.txt")).isFalse();
    }

    @Test
    void unparsableParamsFileIsReportedBeforeAnythingRuns() {
        fixture.write("other.yaml", "alpha: [1, 2\nbeta: 3\n");

        assertThatThrownBy(() -> fixture.repro()).isInstanceOf(SlipwayException.class)
                .hasMessageStartingWith("other.yaml:")
                .hasMessageContaining("cannot parse YAML");
        assertThat(fixture.exists("log.txt")).isFalse();
    }

    private static List<StageResult.Outcome> outcomes(ReproResult result) {
        return result.results().stream().map(StageResult::outcome).toList();
    }
}
