package dev.slipway.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.search.Comparison;
import dev.slipway.core.search.EntityType;
import dev.slipway.core.search.OrderBy;
import dev.slipway.core.search.PageToken;
import dev.slipway.core.search.SearchParser;
import dev.slipway.core.tracking.Dataset;
import dev.slipway.core.tracking.DatasetInput;
import dev.slipway.core.tracking.Experiment;
import dev.slipway.core.tracking.LifecycleStage;
import dev.slipway.core.tracking.Metric;
import dev.slipway.core.tracking.NewRun;
import dev.slipway.core.tracking.Page;
import dev.slipway.core.tracking.Param;
import dev.slipway.core.tracking.Run;
import dev.slipway.core.tracking.RunInfo;
import dev.slipway.core.tracking.RunMetric;
import dev.slipway.core.tracking.RunStats;
import dev.slipway.core.tracking.RunStatus;
import dev.slipway.core.tracking.RunUpdate;
import dev.slipway.core.tracking.Tag;
import dev.slipway.core.tracking.TrackingService;
import dev.slipway.core.tracking.TrackingStore;
import dev.slipway.core.tracking.ViewType;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every behaviour of {@link TrackingStore} over JDBC. Subclasses supply the database. The tests of one class share
 * one store and keep apart by unique experiment names; tests that need an empty store open their own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractTrackingStoreTest {
    private static final String ROOT = "file:///tmp/slipway-artifacts";
    private static final AtomicInteger NAMES = new AtomicInteger();

    private TrackingStore store;

    /** Opens a store on a new, empty database; {@link #removeDatabases()} removes them when the class is done. */
    protected abstract TrackingStore openEmptyStore();

    /** Prepares the database server, or skips the class (a JUnit assumption) when there is none. */
    protected void connectToServer() {}

    protected void removeDatabases() {}

    @BeforeAll
    void openSharedStore() {
        connectToServer();
        store = openEmptyStore();
    }

    @AfterAll
    void closeSharedStore() {
        try {
            if (store != null) {
                store.close();
            }
        } finally {
            removeDatabases();
        }
    }

    // ---- experiments ---------------------------------------------------------------------------

    @Test
    void firstExperimentInEmptyStoreGetsIdZeroAndLaterOnesCountUp() {
        try (TrackingStore empty = openEmptyStore()) {
            TrackingService service = new TrackingService(empty,
                    Clock.fixed(Instant.ofEpochMilli(1000), ZoneOffset.UTC), "mlflow-artifacts:/");
            service.ensureDefaultExperiment();
            Experiment defaultExperiment = empty.getExperiment("0").orElseThrow();
            assertThat(defaultExperiment.name()).isEqualTo("Default");
            assertThat(defaultExperiment.artifactLocation()).isEqualTo("mlflow-artifacts:/0");
            assertThat(empty.createExperiment("second", Optional.empty(), ROOT, List.of(), 2000)).isEqualTo("1");
            assertThat(empty.createExperiment("third", Optional.empty(), ROOT, List.of(), 3000)).isEqualTo("2");
            service.ensureDefaultExperiment();
            assertThat(empty.getExperimentByName("Default").orElseThrow().experimentId()).isEqualTo("0");
        }
    }

    @Test
    void createdExperimentIsReadBackWithTagsAndDefaultArtifactLocation() {
        String name = uniqueName("create");
        String id = store.createExperiment(name, Optional.empty(), ROOT,
                List.of(new Tag("team", "vision"), new Tag("note", "first")), 1234);

        Experiment experiment = store.getExperiment(id).orElseThrow();
        assertThat(experiment.experimentId()).isEqualTo(id);
        assertThat(experiment.name()).isEqualTo(name);
        assertThat(experiment.artifactLocation()).isEqualTo(ROOT + "/" + id);
        assertThat(experiment.lifecycleStage()).isEqualTo(LifecycleStage.ACTIVE);
        assertThat(experiment.creationTime()).isEqualTo(1234);
        assertThat(experiment.lastUpdateTime()).isEqualTo(1234);
        assertThat(experiment.tags()).containsExactlyInAnyOrder(new Tag("team", "vision"), new Tag("note", "first"));
        assertThat(store.getExperimentByName(name)).contains(experiment);
    }

    @Test
    void explicitArtifactLocationIsKept() {
        String id = store.createExperiment(uniqueName("location"), Optional.of("s3://bucket/prefix"), ROOT, List.of(),
                1);
        assertThat(store.getExperiment(id).orElseThrow().artifactLocation()).isEqualTo("s3://bucket/prefix");
    }

    @Test
    void unknownOrMalformedExperimentIdsAreAbsent() {
        assertThat(store.getExperiment("987654321")).isEmpty();
        assertThat(store.getExperiment("not-a-number")).isEmpty();
        assertThat(store.getExperimentByName(uniqueName("missing"))).isEmpty();
    }

    @Test
    void duplicateExperimentNameIsRejectedEvenWhenTheOtherIsDeleted() {
        String name = uniqueName("dup");
        String id = store.createExperiment(name, Optional.empty(), ROOT, List.of(), 1);
        assertThatThrownBy(() -> store.createExperiment(name, Optional.empty(), ROOT, List.of(), 2))
                .isInstanceOf(SlipwayException.class)
                .hasMessageStartingWith("Experiment(name=" + name + ") already exists. Error: ")
                .extracting(e -> ((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.RESOURCE_ALREADY_EXISTS);

        store.setExperimentLifecycleStage(id, LifecycleStage.DELETED, 3);
        assertThatThrownBy(() -> store.createExperiment(name, Optional.empty(), ROOT, List.of(), 4))
                .extracting(e -> ((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.RESOURCE_ALREADY_EXISTS);
        assertThat(store.getExperimentByName(name).orElseThrow().lifecycleStage()).isEqualTo(LifecycleStage.DELETED);
    }

    @Test
    void experimentNamesAreCaseSensitive() {
        String name = uniqueName("Case");
        store.createExperiment(name, Optional.empty(), ROOT, List.of(), 1);
        String other = store.createExperiment(name.toUpperCase(), Optional.empty(), ROOT, List.of(), 1);
        assertThat(store.getExperimentByName(name.toUpperCase()).orElseThrow().experimentId()).isEqualTo(other);
    }

    @Test
    void deletingExperimentDeletesItsRunsAndRestoringBringsThemBack() {
        String experimentId = newExperiment("lifecycle");
        String first = newRun(experimentId, "first", 10);
        String second = newRun(experimentId, "second", 20);

        store.setExperimentLifecycleStage(experimentId, LifecycleStage.DELETED, 500);
        Experiment deleted = store.getExperiment(experimentId).orElseThrow();
        assertThat(deleted.lifecycleStage()).isEqualTo(LifecycleStage.DELETED);
        assertThat(deleted.lastUpdateTime()).isEqualTo(500);
        assertThat(store.getRunInfo(first).orElseThrow().lifecycleStage()).isEqualTo(LifecycleStage.DELETED);
        assertThat(store.getRunInfo(second).orElseThrow().lifecycleStage()).isEqualTo(LifecycleStage.DELETED);
        assertThat(runIds(search(experimentId, "", ViewType.ACTIVE_ONLY))).isEmpty();
        assertThat(runIds(search(experimentId, "", ViewType.DELETED_ONLY))).containsExactlyInAnyOrder(first, second);

        store.setExperimentLifecycleStage(experimentId, LifecycleStage.ACTIVE, 600);
        assertThat(store.getExperiment(experimentId).orElseThrow().lifecycleStage()).isEqualTo(LifecycleStage.ACTIVE);
        assertThat(store.getRunInfo(first).orElseThrow().lifecycleStage()).isEqualTo(LifecycleStage.ACTIVE);
        assertThat(runIds(search(experimentId, "", ViewType.ACTIVE_ONLY))).containsExactlyInAnyOrder(first, second);
    }

    @Test
    void lifecycleChangeOfUnknownExperimentIsNotFound() {
        assertThatThrownBy(() -> store.setExperimentLifecycleStage("987654321", LifecycleStage.DELETED, 1))
                .extracting(e -> ((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST);
    }

    @Test
    void renameExperimentChangesNameAndRejectsATakenName() {
        String id = newExperiment("rename");
        String taken = uniqueName("taken");
        store.createExperiment(taken, Optional.empty(), ROOT, List.of(), 1);
        String newName = uniqueName("renamed");

        store.renameExperiment(id, newName, 777);
        Experiment renamed = store.getExperiment(id).orElseThrow();
        assertThat(renamed.name()).isEqualTo(newName);
        assertThat(renamed.lastUpdateTime()).isEqualTo(777);
        assertThat(store.getExperimentByName(newName)).isPresent();
        assertThatThrownBy(() -> store.renameExperiment(id, taken, 778))
                .hasMessageContaining("Experiment(name=" + taken + ") already exists")
                .extracting(e -> ((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.RESOURCE_ALREADY_EXISTS);
    }

    @Test
    void experimentTagsAreSetOverwrittenAndDeleted() {
        String id = newExperiment("tags");
        store.setExperimentTag(id, new Tag("a", "1"));
        store.setExperimentTag(id, new Tag("b", "2"));
        store.setExperimentTag(id, new Tag("a", "3"));
        assertThat(store.getExperiment(id).orElseThrow().tags()).containsExactly(new Tag("a", "3"), new Tag("b", "2"));

        assertThat(store.deleteExperimentTag(id, "a")).isTrue();
        assertThat(store.deleteExperimentTag(id, "a")).isFalse();
        assertThat(store.getExperiment(id).orElseThrow().tags()).containsExactly(new Tag("b", "2"));
    }

    @Test
    void searchExperimentsFiltersOnNameTagsAndTimes() {
        String prefix = uniqueName("sx");
        String alpha = store.createExperiment(prefix + "-alpha", Optional.empty(), ROOT,
                List.of(new Tag("team", "Vision")), 100);
        String beta = store.createExperiment(prefix + "-beta", Optional.empty(), ROOT,
                List.of(new Tag("team", "nlp")), 200);
        String gamma = store.createExperiment(prefix + "-Gamma", Optional.empty(), ROOT, List.of(), 300);

        assertThat(experimentIds(searchExperiments("name LIKE '" + prefix + "%'"))).containsExactly(gamma, beta, alpha);
        assertThat(experimentIds(searchExperiments("name = '" + prefix + "-beta'"))).containsExactly(beta);
        assertThat(experimentIds(searchExperiments("name LIKE '" + prefix + "-%a' AND name != '" + prefix + "-beta'")))
                .containsExactly(gamma, alpha);
        assertThat(experimentIds(searchExperiments("name LIKE '" + prefix + "-g%'"))).isEmpty();
        assertThat(experimentIds(searchExperiments("name ILIKE '" + prefix.toUpperCase() + "-g%'")))
                .containsExactly(gamma);
        assertThat(experimentIds(searchExperiments("name LIKE '" + prefix + "%' AND tags.team = 'nlp'")))
                .containsExactly(beta);
        assertThat(experimentIds(searchExperiments("name LIKE '" + prefix + "%' AND tags.team ILIKE 'vis%'")))
                .containsExactly(alpha);
        assertThat(experimentIds(searchExperiments("name LIKE '" + prefix + "%' AND tags.team != 'nlp'")))
                .containsExactly(alpha);
        assertThat(experimentIds(searchExperiments("name LIKE '" + prefix + "%' AND creation_time >= 200")))
                .containsExactly(gamma, beta);
        assertThat(experimentIds(searchExperiments("name LIKE '" + prefix + "%' AND last_update_time < 200")))
                .containsExactly(alpha);
    }

    @Test
    void searchExperimentsOrdersByTermsThenIdAndPagesWithTokenOnlyWhenMoreExist() {
        String prefix = uniqueName("ox");
        String b = store.createExperiment(prefix + "-b", Optional.empty(), ROOT, List.of(), 100);
        String a = store.createExperiment(prefix + "-a", Optional.empty(), ROOT, List.of(), 100);
        String c = store.createExperiment(prefix + "-c", Optional.empty(), ROOT, List.of(), 50);
        List<Comparison> filter = SearchParser.parseFilter(Optional.of("name LIKE '" + prefix + "%'"));

        Page<Experiment> byName = store.searchExperiments(ViewType.ALL, filter,
                List.of(SearchParser.parseOrderBy("name DESC")), 10, 0);
        assertThat(experimentIds(byName)).containsExactly(c, b, a);
        assertThat(byName.nextPageToken()).isEmpty();

        // default order: creation_time DESC, then experiment id ascending
        Page<Experiment> first = store.searchExperiments(ViewType.ALL, filter, List.of(), 2, 0);
        assertThat(experimentIds(first)).containsExactly(b, a);
        assertThat(first.nextPageToken()).isPresent();
        Page<Experiment> second = store.searchExperiments(ViewType.ALL, filter, List.of(), 2,
                PageToken.decode(first.nextPageToken()));
        assertThat(experimentIds(second)).containsExactly(c);
        assertThat(second.nextPageToken()).isEmpty();

        Page<Experiment> exact = store.searchExperiments(ViewType.ALL, filter, List.of(), 3, 0);
        assertThat(exact.items()).hasSize(3);
        assertThat(exact.nextPageToken()).isEmpty();

        assertThat(experimentIds(store.searchExperiments(ViewType.ALL, filter,
                List.of(SearchParser.parseOrderBy("creation_time"), SearchParser.parseOrderBy("name DESC")), 10, 0)))
                .containsExactly(c, b, a);
    }

    @Test
    void searchExperimentsReturnsTagsAndHonoursViewType() {
        String prefix = uniqueName("vx");
        String active = store.createExperiment(prefix + "-active", Optional.empty(), ROOT,
                List.of(new Tag("k", "v")), 1);
        String deleted = store.createExperiment(prefix + "-deleted", Optional.empty(), ROOT, List.of(), 2);
        store.setExperimentLifecycleStage(deleted, LifecycleStage.DELETED, 3);
        List<Comparison> filter = SearchParser.parseFilter(Optional.of("name LIKE '" + prefix + "%'"));

        Page<Experiment> activeOnly = store.searchExperiments(ViewType.ACTIVE_ONLY, filter, List.of(), 10, 0);
        assertThat(experimentIds(activeOnly)).containsExactly(active);
        assertThat(activeOnly.items().get(0).tags()).containsExactly(new Tag("k", "v"));
        assertThat(experimentIds(store.searchExperiments(ViewType.DELETED_ONLY, filter, List.of(), 10, 0)))
                .containsExactly(deleted);
        assertThat(experimentIds(store.searchExperiments(ViewType.ALL, filter, List.of(), 10, 0)))
                .containsExactly(deleted, active);
    }

    // ---- runs ----------------------------------------------------------------------------------

    @Test
    void createdRunIsRunningWithItsTagsAndNoEndTime() {
        String experimentId = newExperiment("runs");
        String runId = newRunId();
        store.createRun(new NewRun(runId, experimentId, "brave-owl-123", "alice", 1000, ROOT + "/" + runId,
                List.of(new Tag("mlflow.runName", "brave-owl-123"), new Tag("mlflow.user", "alice"))));

        Run run = store.getRun(runId).orElseThrow();
        RunInfo info = run.info();
        assertThat(info).isEqualTo(new RunInfo(runId, experimentId, "brave-owl-123", "alice", RunStatus.RUNNING, 1000,
                Optional.empty(), ROOT + "/" + runId, LifecycleStage.ACTIVE));
        assertThat(store.getRunInfo(runId)).contains(info);
        assertThat(run.tags()).containsExactly(new Tag("mlflow.runName", "brave-owl-123"),
                new Tag("mlflow.user", "alice"));
        assertThat(run.metrics()).isEmpty();
        assertThat(run.params()).isEmpty();
        assertThat(run.inputs()).isEmpty();
    }

    @Test
    void creatingARunInAnUnknownExperimentIsNotFound() {
        assertThatThrownBy(() -> store.createRun(new NewRun(newRunId(), "987654321", "r", "u", 1, ROOT, List.of())))
                .hasMessage("No Experiment with id=987654321 exists")
                .extracting(e -> ((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST);
    }

    @Test
    void unknownRunIsAbsent() {
        assertThat(store.getRun("0123456789abcdef0123456789abcdef")).isEmpty();
        assertThat(store.getRunInfo("0123456789abcdef0123456789abcdef")).isEmpty();
        assertThatThrownBy(() -> store.updateRun("0123456789abcdef0123456789abcdef",
                new RunUpdate(Optional.of(RunStatus.FINISHED), Optional.empty(), Optional.empty())))
                .extracting(e -> ((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST);
        assertThatThrownBy(() -> store.logBatch("0123456789abcdef0123456789abcdef",
                List.of(new Metric("m", 1, 1, 1)), List.of(), List.of()))
                .extracting(e -> ((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST);
    }

    @Test
    void updateRunChangesOnlyThePresentFields() {
        String runId = newRun(newExperiment("update"), "before", 100);

        RunInfo finished = store.updateRun(runId,
                new RunUpdate(Optional.of(RunStatus.FINISHED), Optional.of(900L), Optional.empty()));
        assertThat(finished.status()).isEqualTo(RunStatus.FINISHED);
        assertThat(finished.endTime()).contains(900L);
        assertThat(finished.runName()).isEqualTo("before");

        RunInfo renamed = store.updateRun(runId,
                new RunUpdate(Optional.empty(), Optional.empty(), Optional.of("after")));
        assertThat(renamed.runName()).isEqualTo("after");
        assertThat(renamed.status()).isEqualTo(RunStatus.FINISHED);
        assertThat(renamed.endTime()).contains(900L);
        assertThat(store.getRunInfo(runId)).contains(renamed);

        RunInfo unchanged = store.updateRun(runId, new RunUpdate(Optional.empty(), Optional.empty(), Optional.empty()));
        assertThat(unchanged).isEqualTo(renamed);
    }

    @Test
    void deleteAndRestoreRunSwitchLifecycleStage() {
        String runId = newRun(newExperiment("delete-run"), "r", 1);
        store.setRunLifecycleStage(runId, LifecycleStage.DELETED, 50);
        assertThat(store.getRunInfo(runId).orElseThrow().lifecycleStage()).isEqualTo(LifecycleStage.DELETED);
        assertThat(store.getRun(runId)).isPresent();
        store.setRunLifecycleStage(runId, LifecycleStage.ACTIVE, 60);
        assertThat(store.getRunInfo(runId).orElseThrow().lifecycleStage()).isEqualTo(LifecycleStage.ACTIVE);
        assertThatThrownBy(() -> store.setRunLifecycleStage("fedcba9876543210fedcba9876543210", LifecycleStage.DELETED,
                1)).extracting(e -> ((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST);
    }

    @Test
    void deleteRunTagReportsWhetherTheTagExisted() {
        String runId = newRun(newExperiment("delete-tag"), "r", 1);
        store.logBatch(runId, List.of(), List.of(), List.of(new Tag("gone", "soon")));
        assertThat(store.deleteRunTag(runId, "gone")).isTrue();
        assertThat(store.deleteRunTag(runId, "gone")).isFalse();
        assertThat(store.getRun(runId).orElseThrow().tags()).extracting(Tag::key).doesNotContain("gone");
    }

    // ---- logBatch ------------------------------------------------------------------------------

    @Test
    void logBatchWritesMetricsParamsAndTags() {
        String runId = newRun(newExperiment("batch"), "r", 1);
        store.logBatch(runId,
                List.of(new Metric("loss", 0.5, 10, 0), new Metric("loss", 0.25, 20, 1), new Metric("acc", 0.9, 20, 1)),
                List.of(new Param("lr", "0.01"), new Param("layers", "3")),
                List.of(new Tag("phase", "train")));

        Run run = store.getRun(runId).orElseThrow();
        assertThat(run.metrics()).containsExactly(new Metric("acc", 0.9, 20, 1), new Metric("loss", 0.25, 20, 1));
        assertThat(run.params()).containsExactly(new Param("layers", "3"), new Param("lr", "0.01"));
        assertThat(run.tags()).contains(new Tag("phase", "train"));
        assertThat(history(runId, "loss")).containsExactly(new Metric("loss", 0.5, 10, 0),
                new Metric("loss", 0.25, 20, 1));
    }

    @Test
    void reloggingAParamWithTheSameValueIsANoOp() {
        String runId = newRun(newExperiment("param-same"), "r", 1);
        store.logBatch(runId, List.of(), List.of(new Param("p", "v")), List.of());
        store.logBatch(runId, List.of(), List.of(new Param("p", "v"), new Param("q", "w")), List.of());
        assertThat(store.getRun(runId).orElseThrow().params())
                .containsExactly(new Param("p", "v"), new Param("q", "w"));
    }

    @Test
    void changingAParamValueFailsAndRollsBackTheWholeBatch() {
        String runId = newRun(newExperiment("param-change"), "r", 1);
        store.logBatch(runId, List.of(), List.of(new Param("p", "a")), List.of(new Tag("t", "old")));

        assertThatThrownBy(() -> store.logBatch(runId, List.of(new Metric("m", 1.0, 5, 0)),
                List.of(new Param("fresh", "x"), new Param("p", "b")), List.of(new Tag("t", "new"))))
                .isInstanceOf(SlipwayException.class)
                .hasMessage("Changing param values is not allowed. Param with key='p' was already logged with "
                        + "value='a' for run ID='" + runId + "'. Attempted logging new value 'b'.")
                .extracting(e -> ((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);

        Run run = store.getRun(runId).orElseThrow();
        assertThat(run.params()).containsExactly(new Param("p", "a"));
        assertThat(run.tags()).contains(new Tag("t", "old"));
        assertThat(run.metrics()).isEmpty();
        assertThat(history(runId, "m")).isEmpty();
    }

    @Test
    void tagsOverwriteAndTheLastValueInABatchWins() {
        String runId = newRun(newExperiment("tag-overwrite"), "r", 1);
        store.logBatch(runId, List.of(), List.of(), List.of(new Tag("t", "1")));
        store.logBatch(runId, List.of(), List.of(), List.of(new Tag("t", "2"), new Tag("t", "3")));
        assertThat(store.getRun(runId).orElseThrow().tags()).contains(new Tag("t", "3"))
                .filteredOn(tag -> tag.key().equals("t")).hasSize(1);
    }

    @Test
    void identicalMetricPointsAreStoredOnce() {
        String runId = newRun(newExperiment("dedupe"), "r", 1);
        Metric point = new Metric("m", 1.5, 100, 3);
        store.logBatch(runId, List.of(point, point, new Metric("m", 1.5, 101, 3)), List.of(), List.of());
        store.logBatch(runId, List.of(point), List.of(), List.of());
        store.logBatch(runId, List.of(new Metric("m", Double.NaN, 100, 3), new Metric("m", Double.NaN, 100, 3)),
                List.of(), List.of());

        assertThat(history(runId, "m")).hasSize(3).contains(point, new Metric("m", 1.5, 101, 3));
        assertThat(history(runId, "m")).filteredOn(metric -> Double.isNaN(metric.value())).hasSize(1);
    }

    @Test
    void latestMetricIsTheMaximumByStepThenTimestampThenValue() {
        String runId = newRun(newExperiment("latest"), "r", 1);
        store.logBatch(runId, List.of(new Metric("m", 5.0, 100, 2), new Metric("m", 9.0, 900, 1)), List.of(),
                List.of());
        assertThat(latest(runId, "m")).isEqualTo(new Metric("m", 5.0, 100, 2));

        store.logBatch(runId, List.of(new Metric("m", 1.0, 50, 1)), List.of(), List.of()); // older step
        assertThat(latest(runId, "m")).isEqualTo(new Metric("m", 5.0, 100, 2));

        store.logBatch(runId, List.of(new Metric("m", 4.0, 101, 2)), List.of(), List.of()); // same step, later time
        assertThat(latest(runId, "m")).isEqualTo(new Metric("m", 4.0, 101, 2));

        store.logBatch(runId, List.of(new Metric("m", 3.0, 101, 2)), List.of(), List.of()); // same step+time, smaller
        assertThat(latest(runId, "m")).isEqualTo(new Metric("m", 4.0, 101, 2));

        store.logBatch(runId, List.of(new Metric("m", 6.0, 101, 2), new Metric("m", -1.0, 0, 3)), List.of(),
                List.of());
        assertThat(latest(runId, "m")).isEqualTo(new Metric("m", -1.0, 0, 3));
    }

    @Test
    void nanAndClampedInfiniteValuesRoundTrip() {
        String runId = newRun(newExperiment("nan"), "r", 1);
        store.logBatch(runId, List.of(new Metric("nan", Double.NaN, 10, 0), new Metric("big", Double.MAX_VALUE, 10, 0),
                new Metric("small", -Double.MAX_VALUE, 10, 0), new Metric("zero", 0.0, 10, 0)), List.of(), List.of());

        assertThat(latest(runId, "nan").value()).isNaN();
        assertThat(latest(runId, "big").value()).isEqualTo(Double.MAX_VALUE);
        assertThat(latest(runId, "small").value()).isEqualTo(-Double.MAX_VALUE);
        assertThat(latest(runId, "zero").value()).isZero();
        assertThat(history(runId, "nan")).singleElement().satisfies(metric -> {
            assertThat(metric.value()).isNaN();
            assertThat(metric.timestamp()).isEqualTo(10);
        });

        // at the same step and time NaN counts as the greatest value (Double.compare order)
        store.logBatch(runId, List.of(new Metric("zero", Double.NaN, 10, 0)), List.of(), List.of());
        assertThat(latest(runId, "zero").value()).isNaN();
        store.logBatch(runId, List.of(new Metric("nan", 7.0, 10, 0)), List.of(), List.of());
        assertThat(latest(runId, "nan").value()).isNaN();
        store.logBatch(runId, List.of(new Metric("nan", 7.0, 11, 0)), List.of(), List.of());
        assertThat(latest(runId, "nan").value()).isEqualTo(7.0);
    }

    @Test
    void negativeStepsAndLargeTimestampsRoundTrip() {
        String runId = newRun(newExperiment("steps"), "r", 1);
        Metric point = new Metric("m", 0.125, 4_102_444_800_000L, -5);
        store.logBatch(runId, List.of(point), List.of(), List.of());
        assertThat(history(runId, "m")).containsExactly(point);
    }

    @Test
    void longParamAndTagValuesRoundTrip() {
        String runId = newRun(newExperiment("long-values"), "r", 1);
        String param = "p".repeat(6000);
        String tag = "ü".repeat(8000);
        store.logBatch(runId, List.of(), List.of(new Param("long", param)), List.of(new Tag("long", tag)));
        Run run = store.getRun(runId).orElseThrow();
        assertThat(run.params()).containsExactly(new Param("long", param));
        assertThat(run.tags()).contains(new Tag("long", tag));
        assertThat(runIds(search(run.info().experimentId(), "tags.long = '" + tag + "'", ViewType.ALL)))
                .containsExactly(runId);
    }

    // ---- datasets ------------------------------------------------------------------------------

    @Test
    void logInputsRecordsDatasetsOncePerExperimentAndKeepsInputTags() {
        String experimentId = newExperiment("inputs");
        String first = newRun(experimentId, "a", 1);
        String second = newRun(experimentId, "b", 2);
        Dataset train = new Dataset("train", "d1", "local", "{\"uri\": \"/data/train\"}", Optional.of("{\"cols\": 3}"),
                Optional.empty());
        Dataset eval = new Dataset("eval", "d2", "local", "{}", Optional.empty(), Optional.of("{\"rows\": 10}"));
        DatasetInput trainInput = new DatasetInput(List.of(new Tag("mlflow.data.context", "training")), train);

        store.logInputs(first, List.of(trainInput, new DatasetInput(List.of(), eval)));
        store.logInputs(first, List.of(trainInput)); // the same input again is ignored
        store.logInputs(second, List.of(new DatasetInput(List.of(new Tag("mlflow.data.context", "eval")), train)));

        assertThat(store.getRun(first).orElseThrow().inputs()).containsExactly(new DatasetInput(List.of(), eval),
                trainInput);
        assertThat(store.getRun(second).orElseThrow().inputs())
                .containsExactly(new DatasetInput(List.of(new Tag("mlflow.data.context", "eval")), train));
    }

    // ---- search runs ---------------------------------------------------------------------------

    @Test
    void searchRunsFiltersOnLatestMetricValues() {
        String experimentId = newExperiment("search-metrics");
        String low = runWithMetric(experimentId, "low", 1, 0.2);
        String mid = runWithMetric(experimentId, "mid", 2, 0.5);
        String high = runWithMetric(experimentId, "high", 3, 0.9);
        String nan = runWithMetric(experimentId, "nan", 4, Double.NaN);
        String missing = newRun(experimentId, "missing", 5);
        // an older, larger value must not count: only the latest value is searched
        store.logBatch(low, List.of(new Metric("acc", 0.99, 1, -1)), List.of(), List.of());

        assertThat(runIds(search(experimentId, "metrics.acc > 0.4", ViewType.ALL))).containsExactly(high, mid);
        assertThat(runIds(search(experimentId, "metrics.acc >= 0.5", ViewType.ALL))).containsExactly(high, mid);
        assertThat(runIds(search(experimentId, "metrics.acc < 0.5", ViewType.ALL))).containsExactly(low);
        assertThat(runIds(search(experimentId, "metrics.acc <= 0.5", ViewType.ALL))).containsExactly(mid, low);
        assertThat(runIds(search(experimentId, "metrics.acc = 0.5", ViewType.ALL))).containsExactly(mid);
        assertThat(runIds(search(experimentId, "metrics.acc != 0.5", ViewType.ALL))).containsExactly(high, low)
                .doesNotContain(nan, missing);
        assertThat(runIds(search(experimentId, "metrics.acc > 0.1 AND metrics.acc < 0.6", ViewType.ALL)))
                .containsExactly(mid, low);
        assertThat(runIds(search(experimentId, "metric.acc > -1e300", ViewType.ALL))).containsExactly(high, mid, low);
    }

    @Test
    void searchRunsFiltersOnParamsAndTags() {
        String experimentId = newExperiment("search-strings");
        String adam = newRun(experimentId, "adam", 1);
        String sgd = newRun(experimentId, "sgd", 2);
        String bare = newRun(experimentId, "bare", 3);
        store.logBatch(adam, List.of(), List.of(new Param("optimizer", "Adam")),
                List.of(new Tag("model", "ResNet-50")));
        store.logBatch(sgd, List.of(), List.of(new Param("optimizer", "sgd")), List.of(new Tag("model", "resnet-18")));

        assertThat(runIds(search(experimentId, "params.optimizer = 'Adam'", ViewType.ALL))).containsExactly(adam);
        assertThat(runIds(search(experimentId, "params.optimizer = 'adam'", ViewType.ALL))).isEmpty();
        assertThat(runIds(search(experimentId, "params.optimizer != 'Adam'", ViewType.ALL))).containsExactly(sgd);
        assertThat(runIds(search(experimentId, "params.optimizer LIKE 'A%'", ViewType.ALL))).containsExactly(adam);
        assertThat(runIds(search(experimentId, "params.optimizer LIKE 'a%'", ViewType.ALL))).isEmpty();
        assertThat(runIds(search(experimentId, "params.optimizer ILIKE 'a%'", ViewType.ALL))).containsExactly(adam);
        assertThat(runIds(search(experimentId, "params.optimizer LIKE '_gd'", ViewType.ALL))).containsExactly(sgd);
        assertThat(runIds(search(experimentId, "tags.model LIKE '%Net%'", ViewType.ALL))).containsExactly(adam);
        assertThat(runIds(search(experimentId, "tags.model ILIKE '%net%'", ViewType.ALL))).containsExactly(sgd, adam);
        assertThat(runIds(search(experimentId, "tags.model ILIKE '%net%' AND params.optimizer = 'sgd'",
                ViewType.ALL))).containsExactly(sgd);
        assertThat(runIds(search(experimentId, "tags.`model` != 'x'", ViewType.ALL))).containsExactly(sgd, adam)
                .doesNotContain(bare);
        assertThat(runIds(search(experimentId, "params.missing = 'x'", ViewType.ALL))).isEmpty();
    }

    @Test
    void searchRunsTreatsGlobCharactersLiterallyInLike() {
        String experimentId = newExperiment("search-glob");
        String star = newRun(experimentId, "star", 1);
        String plain = newRun(experimentId, "plain", 2);
        store.logBatch(star, List.of(), List.of(new Param("p", "a*b[1]?")), List.of());
        store.logBatch(plain, List.of(), List.of(new Param("p", "axb1")), List.of());
        assertThat(runIds(search(experimentId, "params.p LIKE 'a*b[1]?'", ViewType.ALL))).containsExactly(star);
        assertThat(runIds(search(experimentId, "params.p LIKE 'a%b%'", ViewType.ALL))).containsExactly(plain, star);
    }

    @Test
    void searchRunsFiltersOnAttributes() {
        String experimentId = newExperiment("search-attributes");
        String first = newRun(experimentId, "alpha-run", 100);
        String second = newRun(experimentId, "beta-run", 200);
        String third = newRun(experimentId, "gamma", 300);
        store.updateRun(second, new RunUpdate(Optional.of(RunStatus.FINISHED), Optional.of(250L), Optional.empty()));

        assertThat(runIds(search(experimentId, "attributes.run_id = '" + first + "'", ViewType.ALL)))
                .containsExactly(first);
        assertThat(runIds(search(experimentId, "run_id IN ('" + first + "', '" + third + "')", ViewType.ALL)))
                .containsExactly(third, first);
        assertThat(runIds(search(experimentId, "run_id NOT IN ('" + first + "')", ViewType.ALL)))
                .containsExactly(third, second);
        assertThat(runIds(search(experimentId, "attributes.run_name LIKE '%-run'", ViewType.ALL)))
                .containsExactly(second, first);
        assertThat(runIds(search(experimentId, "`run name` = 'gamma'", ViewType.ALL))).containsExactly(third);
        assertThat(runIds(search(experimentId, "attributes.status = 'FINISHED'", ViewType.ALL)))
                .containsExactly(second);
        assertThat(runIds(search(experimentId, "attributes.status != 'FINISHED'", ViewType.ALL)))
                .containsExactly(third, first);
        assertThat(runIds(search(experimentId, "attributes.user_id = 'alice'", ViewType.ALL))).hasSize(3);
        assertThat(runIds(search(experimentId, "attributes.artifact_uri LIKE '%" + first + "%'", ViewType.ALL)))
                .containsExactly(first);
        assertThat(runIds(search(experimentId, "attributes.start_time > 150", ViewType.ALL)))
                .containsExactly(third, second);
        assertThat(runIds(search(experimentId, "attributes.created <= 200", ViewType.ALL)))
                .containsExactly(second, first);
        assertThat(runIds(search(experimentId, "attributes.end_time >= 0", ViewType.ALL))).containsExactly(second);
        assertThat(runIds(search(experimentId, "attributes.end_time != 1", ViewType.ALL))).containsExactly(second);
        assertThat(runIds(search(experimentId, "attributes.lifecycle_stage = 'active'", ViewType.ALL))).hasSize(3);
        assertThatThrownBy(() -> search(experimentId, "attributes.nonsense = 'x'", ViewType.ALL))
                .extracting(e -> ((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
        assertThatThrownBy(() -> searchOrdered(experimentId, "", "attributes.nonsense"))
                .extracting(e -> ((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
    }

    @Test
    void searchRunsFiltersOnDatasets() {
        String experimentId = newExperiment("search-datasets");
        String trained = newRun(experimentId, "trained", 1);
        String evaluated = newRun(experimentId, "evaluated", 2);
        String none = newRun(experimentId, "none", 3);
        store.logInputs(trained, List.of(new DatasetInput(List.of(new Tag("mlflow.data.context", "training")),
                new Dataset("iris", "abc123", "local", "{}", Optional.empty(), Optional.empty()))));
        store.logInputs(evaluated, List.of(new DatasetInput(List.of(new Tag("mlflow.data.context", "eval")),
                new Dataset("wine", "def456", "local", "{}", Optional.empty(), Optional.empty()))));

        assertThat(runIds(search(experimentId, "datasets.name = 'iris'", ViewType.ALL))).containsExactly(trained);
        assertThat(runIds(search(experimentId, "datasets.name != 'iris'", ViewType.ALL))).containsExactly(evaluated)
                .doesNotContain(none);
        assertThat(runIds(search(experimentId, "datasets.digest LIKE 'def%'", ViewType.ALL)))
                .containsExactly(evaluated);
        assertThat(runIds(search(experimentId, "datasets.name IN ('iris', 'wine')", ViewType.ALL)))
                .containsExactly(evaluated, trained);
        assertThat(runIds(search(experimentId, "datasets.name NOT IN ('iris')", ViewType.ALL)))
                .containsExactly(evaluated);
        assertThat(runIds(search(experimentId, "datasets.context = 'training'", ViewType.ALL)))
                .containsExactly(trained);
        assertThat(runIds(search(experimentId, "datasets.context ILIKE 'EV%'", ViewType.ALL)))
                .containsExactly(evaluated);
    }

    @Test
    void searchRunsOrdersByMetricWithNanThenMissingLastInBothDirections() {
        String experimentId = newExperiment("order-metric");
        String low = runWithMetric(experimentId, "low", 1, 0.1);
        String high = runWithMetric(experimentId, "high", 2, 0.8);
        String nan = runWithMetric(experimentId, "nan", 3, Double.NaN);
        String missing = newRun(experimentId, "missing", 4);
        String negative = runWithMetric(experimentId, "negative", 5, -3.0);

        assertThat(runIds(searchOrdered(experimentId, "", "metrics.acc DESC")))
                .containsExactly(high, low, negative, nan, missing);
        assertThat(runIds(searchOrdered(experimentId, "", "metrics.acc ASC")))
                .containsExactly(negative, low, high, nan, missing);
        assertThat(runIds(searchOrdered(experimentId, "metrics.acc > 0", "metrics.acc DESC")))
                .containsExactly(high, low);
        assertThat(runIds(searchOrdered(experimentId, "metrics.acc > -5", "metrics.acc")))
                .containsExactly(negative, low, high);
    }

    @Test
    void pagesOfAMetricOrderJoinUpAcrossValuesNanAndMissingRuns() {
        String experimentId = newExperiment("order-pages");
        List<String> expected = new ArrayList<>();
        for (int index = 0; index < 5; index++) {
            expected.add(runWithMetric(experimentId, "value-" + index, 10 + index, 100 - index));
        }
        expected.add(runWithMetric(experimentId, "nan", 20, Double.NaN));
        String laterMissing = newRun(experimentId, "missing-later", 40);
        String earlierMissing = newRun(experimentId, "missing-earlier", 30);
        store.logBatch(earlierMissing, List.of(new Metric("other", 1, 1, 1)), List.of(), List.of());
        expected.add(laterMissing);
        expected.add(earlierMissing);

        for (int pageSize : List.of(1, 2, 3, 5, 8)) {
            List<String> pages = new ArrayList<>();
            for (long offset = 0; offset < expected.size() + pageSize; offset += pageSize) {
                pages.addAll(runIds(store.searchRuns(List.of(experimentId), List.of(), ViewType.ALL,
                        List.of(SearchParser.parseOrderBy("metrics.acc DESC")), pageSize, offset)));
            }
            assertThat(pages).as("page size %d", pageSize).containsExactlyElementsOf(expected);
        }
        assertThat(runIds(store.searchRuns(List.of(experimentId),
                SearchParser.parseFilter(Optional.of("attributes.start_time >= 12")), ViewType.ALL,
                List.of(SearchParser.parseOrderBy("metrics.acc ASC")), 3, 0)))
                .containsExactly(expected.get(4), expected.get(3), expected.get(2));
    }

    @Test
    void searchRunsOrdersByParamsTagsAndAttributesWithMissingLast() {
        String experimentId = newExperiment("order-strings");
        String b = newRun(experimentId, "b-run", 100);
        String a = newRun(experimentId, "a-run", 200);
        String c = newRun(experimentId, "c-run", 300);
        store.logBatch(b, List.of(), List.of(new Param("p", "2")), List.of(new Tag("t", "y")));
        store.logBatch(a, List.of(), List.of(new Param("p", "1")), List.of());
        store.updateRun(a, new RunUpdate(Optional.of(RunStatus.FAILED), Optional.of(400L), Optional.empty()));
        store.updateRun(b, new RunUpdate(Optional.of(RunStatus.FINISHED), Optional.of(500L), Optional.empty()));

        assertThat(runIds(searchOrdered(experimentId, "", "params.p ASC"))).containsExactly(a, b, c);
        assertThat(runIds(searchOrdered(experimentId, "", "params.p DESC"))).containsExactly(b, a, c);
        assertThat(runIds(searchOrdered(experimentId, "", "tags.t DESC"))).containsExactly(b, c, a);
        assertThat(runIds(searchOrdered(experimentId, "", "attributes.run_name"))).containsExactly(a, b, c);
        assertThat(runIds(searchOrdered(experimentId, "", "attributes.start_time ASC"))).containsExactly(b, a, c);
        assertThat(runIds(searchOrdered(experimentId, "", "attributes.end_time DESC"))).containsExactly(b, a, c);
        assertThat(runIds(searchOrdered(experimentId, "", "attributes.end_time ASC"))).containsExactly(a, b, c);
        assertThat(runIds(searchOrdered(experimentId, "", "attributes.status"))).containsExactly(a, b, c);
        assertThat(runIds(searchOrdered(experimentId, "params.p != 'x'", "params.p DESC"))).containsExactly(b, a);
    }

    @Test
    void searchRunsOrdersByStartTimeDescThenRunIdByDefault() {
        String experimentId = newExperiment("order-default");
        List<String> sameStart = new ArrayList<>(
                List.of(newRun(experimentId, "x", 500), newRun(experimentId, "y", 500)));
        String older = newRun(experimentId, "old", 100);
        String newer = newRun(experimentId, "new", 900);
        sameStart.sort(null);
        List<String> expected = new ArrayList<>();
        expected.add(newer);
        expected.addAll(sameStart);
        expected.add(older);
        assertThat(runIds(search(experimentId, "", ViewType.ALL))).containsExactlyElementsOf(expected);
    }

    @Test
    void searchRunsPagesByOffsetAndReturnsATokenWhenAPageIsFull() {
        String experimentId = newExperiment("paging");
        List<String> expected = new ArrayList<>();
        for (int index = 0; index < 5; index++) {
            expected.add(0, newRun(experimentId, "run-" + index, 1000 + index));
        }
        List<Comparison> none = List.of();
        Page<Run> first = store.searchRuns(List.of(experimentId), none, ViewType.ALL, List.of(), 2, 0);
        assertThat(runIds(first)).containsExactlyElementsOf(expected.subList(0, 2));
        assertThat(first.nextPageToken()).contains(PageToken.encode(2));
        Page<Run> second = store.searchRuns(List.of(experimentId), none, ViewType.ALL, List.of(), 2, 2);
        assertThat(runIds(second)).containsExactlyElementsOf(expected.subList(2, 4));
        Page<Run> third = store.searchRuns(List.of(experimentId), none, ViewType.ALL, List.of(), 2, 4);
        assertThat(runIds(third)).containsExactlyElementsOf(expected.subList(4, 5));
        assertThat(third.nextPageToken()).isEmpty();

        Page<Run> full = store.searchRuns(List.of(experimentId), none, ViewType.ALL, List.of(), 5, 0);
        assertThat(full.nextPageToken()).contains(PageToken.encode(5));
        Page<Run> empty = store.searchRuns(List.of(experimentId), none, ViewType.ALL, List.of(), 5, 5);
        assertThat(empty.items()).isEmpty();
        assertThat(empty.nextPageToken()).isEmpty();
    }

    @Test
    void searchRunsSpansSeveralExperimentsAndHonoursViewType() {
        String one = newExperiment("multi-1");
        String two = newExperiment("multi-2");
        String kept = newRun(one, "kept", 1);
        String other = newRun(two, "other", 2);
        String deleted = newRun(two, "deleted", 3);
        store.setRunLifecycleStage(deleted, LifecycleStage.DELETED, 4);

        assertThat(runIds(store.searchRuns(List.of(one, two), List.of(), ViewType.ACTIVE_ONLY, List.of(), 10, 0)))
                .containsExactly(other, kept);
        assertThat(runIds(store.searchRuns(List.of(one, two), List.of(), ViewType.DELETED_ONLY, List.of(), 10, 0)))
                .containsExactly(deleted);
        assertThat(runIds(store.searchRuns(List.of(one, two), List.of(), ViewType.ALL, List.of(), 10, 0)))
                .containsExactly(deleted, other, kept);
        assertThat(runIds(store.searchRuns(List.of(one, "987654321", "not-a-number"), List.of(), ViewType.ALL,
                List.of(), 10, 0))).containsExactly(kept);
    }

    @Test
    void runStatsCountEachExperimentsRunsInTheViewWithTheNewestStartTime() {
        String one = newExperiment("count-1");
        String two = newExperiment("count-2");
        String empty = newExperiment("count-empty");
        newRun(one, "a", 1);
        newRun(one, "b", 20);
        newRun(two, "c", 3);
        String deleted = newRun(two, "d", 40);
        store.setRunLifecycleStage(deleted, LifecycleStage.DELETED, 50);

        assertThat(store.runStats(List.of(one, two, empty, "not-a-number"), ViewType.ACTIVE_ONLY))
                .containsOnly(Map.entry(one, new RunStats(2, 20)), Map.entry(two, new RunStats(1, 3)));
        assertThat(store.runStats(List.of(one, two), ViewType.DELETED_ONLY))
                .containsOnly(Map.entry(two, new RunStats(1, 40)));
        assertThat(store.runStats(List.of(one, two), ViewType.ALL))
                .containsOnly(Map.entry(one, new RunStats(2, 20)), Map.entry(two, new RunStats(2, 40)));
        assertThat(store.runStats(List.of(), ViewType.ALL)).isEmpty();
    }

    @Test
    void searchRunsReturnsFullRunsWithMetricsParamsTagsAndInputs() {
        String experimentId = newExperiment("search-full");
        String runId = newRun(experimentId, "full", 1);
        store.logBatch(runId, List.of(new Metric("m", 1.0, 1, 0), new Metric("m", 2.0, 2, 1)),
                List.of(new Param("p", "v")), List.of(new Tag("t", "w")));
        DatasetInput input = new DatasetInput(List.of(new Tag("mlflow.data.context", "training")),
                new Dataset("ds", "digest", "local", "{}", Optional.empty(), Optional.empty()));
        store.logInputs(runId, List.of(input));

        Run found = search(experimentId, "", ViewType.ALL).items().get(0);
        assertThat(found).isEqualTo(store.getRun(runId).orElseThrow());
        assertThat(found.metrics()).containsExactly(new Metric("m", 2.0, 2, 1));
        assertThat(found.params()).containsExactly(new Param("p", "v"));
        assertThat(found.tags()).contains(new Tag("t", "w"));
        assertThat(found.inputs()).containsExactly(input);
    }

    // ---- metric history ------------------------------------------------------------------------

    @Test
    void metricHistoryStreamsInStepTimestampValueOrder() {
        String runId = newRun(newExperiment("history"), "r", 1);
        store.logBatch(runId, List.of(new Metric("m", 3.0, 5, 2), new Metric("m", 1.0, 9, 1),
                new Metric("m", 2.0, 5, 2), new Metric("m", 0.0, 1, 2), new Metric("m", 7.0, 1, -1),
                new Metric("other", 1.0, 1, 1)), List.of(), List.of());

        assertThat(history(runId, "m")).containsExactly(new Metric("m", 7.0, 1, -1), new Metric("m", 1.0, 9, 1),
                new Metric("m", 0.0, 1, 2), new Metric("m", 2.0, 5, 2), new Metric("m", 3.0, 5, 2));
        assertThat(history(runId, "absent")).isEmpty();

        List<Metric> page = new ArrayList<>();
        store.streamMetricHistory(runId, "m", 1, 2, page::add);
        assertThat(page).containsExactly(new Metric("m", 1.0, 9, 1), new Metric("m", 0.0, 1, 2));
        List<Metric> tail = new ArrayList<>();
        store.streamMetricHistory(runId, "m", 3, Long.MAX_VALUE, tail::add);
        assertThat(tail).containsExactly(new Metric("m", 2.0, 5, 2), new Metric("m", 3.0, 5, 2));
    }

    @Test
    void metricHistoryStreamsALongHistoryInOrder() {
        String runId = newRun(newExperiment("long-history"), "r", 1);
        int points = 20_000;
        for (int start = 0; start < points; start += 1000) {
            List<Metric> batch = new ArrayList<>();
            for (int step = start; step < start + 1000; step++) {
                batch.add(new Metric("loss", 1.0 / (step + 1), 1_700_000_000_000L + step, step));
            }
            store.logBatch(runId, batch, List.of(), List.of());
        }
        AtomicLong count = new AtomicLong();
        AtomicLong previousStep = new AtomicLong(-1);
        store.streamMetricHistory(runId, "loss", 0, Long.MAX_VALUE, metric -> {
            assertThat(metric.step()).isEqualTo(previousStep.get() + 1);
            previousStep.set(metric.step());
            count.incrementAndGet();
        });
        assertThat(count.get()).isEqualTo(points);
        assertThat(latest(runId, "loss").step()).isEqualTo(points - 1);
    }

    @Test
    void metricStepsAreDistinctAscendingAndBounded() {
        String runId = newRun(newExperiment("steps-query"), "r", 1);
        store.logBatch(runId, List.of(new Metric("m", 1, 1, 4), new Metric("m", 2, 2, 4), new Metric("m", 1, 1, 1),
                new Metric("m", 1, 1, 9), new Metric("n", 1, 1, 5)), List.of(), List.of());

        assertThat(store.metricSteps(runId, "m", Optional.empty(), Optional.empty())).containsExactly(1L, 4L, 9L);
        assertThat(store.metricSteps(runId, "m", Optional.of(2L), Optional.of(9L))).containsExactly(4L, 9L);
        assertThat(store.metricSteps(runId, "m", Optional.of(5L), Optional.of(8L))).isEmpty();
        assertThat(store.metricSteps(runId, "absent", Optional.empty(), Optional.empty())).isEmpty();
    }

    @Test
    void metricHistoryForStepsReturnsTheRequestedStepsOrderedByRunThenStep() {
        String experimentId = newExperiment("steps-bulk");
        String first = newRun(experimentId, "a", 1);
        String second = newRun(experimentId, "b", 2);
        for (String runId : List.of(first, second)) {
            List<Metric> batch = new ArrayList<>();
            for (int step = 0; step < 10; step++) {
                batch.add(new Metric("m", step * 10.0, 100 + step, step));
            }
            store.logBatch(runId, batch, List.of(), List.of());
        }
        String lower = first.compareTo(second) < 0 ? first : second;
        String upper = lower.equals(first) ? second : first;

        List<RunMetric> sampled = store.metricHistoryForSteps(List.of(upper, lower), "m",
                Optional.of(List.of(7L, 0L, 3L)));
        assertThat(sampled).containsExactly(
                new RunMetric(lower, new Metric("m", 0.0, 100, 0)), new RunMetric(lower, new Metric("m", 30.0, 103, 3)),
                new RunMetric(lower, new Metric("m", 70.0, 107, 7)), new RunMetric(upper, new Metric("m", 0.0, 100, 0)),
                new RunMetric(upper, new Metric("m", 30.0, 103, 3)),
                new RunMetric(upper, new Metric("m", 70.0, 107, 7)));
        assertThat(store.metricHistoryForSteps(List.of(first), "m", Optional.empty())).hasSize(10);
        assertThat(store.metricHistoryForSteps(List.of(first), "m", Optional.of(List.of()))).isEmpty();
    }

    // ---- concurrency ---------------------------------------------------------------------------

    @Test
    void thirtyTwoThreadsLoggingBatchesConcurrentlyAllSucceed() throws Exception {
        String experimentId = newExperiment("concurrent");
        String shared = newRun(experimentId, "shared", 1);
        int threads = 32;
        int batchesPerThread = 10;
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int thread = 0; thread < threads; thread++) {
                int threadIndex = thread;
                results.add(executor.submit(() -> {
                    String own = newRun(experimentId, "own-" + threadIndex, 10 + threadIndex);
                    for (int batch = 0; batch < batchesPerThread; batch++) {
                        List<Metric> metrics = new ArrayList<>();
                        for (int point = 0; point < 100; point++) {
                            long step = (long) batch * 100 + point;
                            metrics.add(new Metric("m" + (point % 5), point, 1000 + step, step));
                        }
                        store.logBatch(own, metrics, List.of(new Param("p" + batch, "v")),
                                List.of(new Tag("batch", String.valueOf(batch))));
                        long sharedStep = (long) threadIndex * batchesPerThread + batch;
                        store.logBatch(shared, List.of(new Metric("shared", sharedStep, 5, sharedStep)),
                                List.of(new Param("common", "same")), List.of(new Tag("writer", "t" + threadIndex)));
                        store.getRun(own).orElseThrow();
                    }
                    return own;
                }));
            }
            List<String> own = new ArrayList<>();
            for (Future<String> result : results) {
                own.add(result.get());
            }
            for (String runId : own) {
                Run run = store.getRun(runId).orElseThrow();
                assertThat(run.params()).hasSize(batchesPerThread);
                assertThat(run.metrics()).hasSize(5);
                assertThat(history(runId, "m0")).hasSize(batchesPerThread * 20);
            }
            long lastStep = threads * batchesPerThread - 1;
            assertThat(latest(shared, "shared")).isEqualTo(new Metric("shared", lastStep, 5, lastStep));
            assertThat(history(shared, "shared")).hasSize(threads * batchesPerThread);
            assertThat(store.getRun(shared).orElseThrow().params()).containsExactly(new Param("common", "same"));
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void concurrentCreationOfExperimentsGivesDistinctIdsAndOneWinnerPerName() throws Exception {
        String prefix = uniqueName("race");
        ExecutorService executor = Executors.newFixedThreadPool(8);
        try {
            List<Future<Optional<String>>> results = new ArrayList<>();
            for (int index = 0; index < 16; index++) {
                String name = prefix + "-" + (index % 8);
                results.add(executor.submit(() -> {
                    try {
                        return Optional.of(store.createExperiment(name, Optional.empty(), ROOT, List.of(), 1));
                    } catch (SlipwayException e) {
                        assertThat(e.errorCode()).isEqualTo(ErrorCode.RESOURCE_ALREADY_EXISTS);
                        return Optional.empty();
                    }
                }));
            }
            List<String> created = new ArrayList<>();
            for (Future<Optional<String>> result : results) {
                result.get().ifPresent(created::add);
            }
            assertThat(created).hasSize(8).doesNotHaveDuplicates();
        } finally {
            executor.shutdownNow();
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static String uniqueName(String label) {
        return label + "-" + NAMES.incrementAndGet() + "-" + ThreadLocalRandom.current().nextInt(1_000_000);
    }

    private String newExperiment(String label) {
        return store.createExperiment(uniqueName(label), Optional.empty(), ROOT, List.of(), 1);
    }

    private static String newRunId() {
        byte[] bytes = new byte[16];
        ThreadLocalRandom.current().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private String newRun(String experimentId, String name, long startTime) {
        String runId = newRunId();
        store.createRun(new NewRun(runId, experimentId, name, "alice", startTime,
                ROOT + "/" + experimentId + "/" + runId + "/artifacts", List.of(new Tag("mlflow.runName", name))));
        return runId;
    }

    private String runWithMetric(String experimentId, String name, long startTime, double accuracy) {
        String runId = newRun(experimentId, name, startTime);
        store.logBatch(runId, List.of(new Metric("acc", accuracy, 100, 0)), List.of(), List.of());
        return runId;
    }

    private List<Metric> history(String runId, String key) {
        List<Metric> points = new ArrayList<>();
        store.streamMetricHistory(runId, key, 0, Long.MAX_VALUE, points::add);
        return points;
    }

    private Metric latest(String runId, String key) {
        return store.getRun(runId).orElseThrow().metrics().stream().filter(metric -> metric.key().equals(key))
                .findFirst().orElseThrow();
    }

    private Page<Run> search(String experimentId, String filter, ViewType viewType) {
        return store.searchRuns(List.of(experimentId), SearchParser.parseFilter(Optional.of(filter)), viewType,
                List.of(), 100, 0);
    }

    private Page<Run> searchOrdered(String experimentId, String filter, String... orderBy) {
        List<OrderBy> terms = Arrays.stream(orderBy).map(SearchParser::parseOrderBy).map(term ->
                term.type() == EntityType.ATTRIBUTE
                        ? new OrderBy(term.type(), TrackingService.canonicalRunAttribute(term.key()), term.ascending())
                        : term).toList();
        return store.searchRuns(List.of(experimentId), SearchParser.parseFilter(Optional.of(filter)), ViewType.ALL,
                terms, 100, 0);
    }

    private Page<Experiment> searchExperiments(String filter) {
        return store.searchExperiments(ViewType.ALL, SearchParser.parseFilter(Optional.of(filter)), List.of(), 100, 0);
    }

    private static List<String> runIds(Page<Run> page) {
        return page.items().stream().map(run -> run.info().runId()).toList();
    }

    private static List<String> experimentIds(Page<Experiment> page) {
        return page.items().stream().map(Experiment::experimentId).toList();
    }
}
