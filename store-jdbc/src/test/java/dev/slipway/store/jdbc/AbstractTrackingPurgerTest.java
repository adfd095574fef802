package dev.slipway.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.gc.ExperimentDeletion;
import dev.slipway.core.gc.GarbageCollector;
import dev.slipway.core.gc.GcListener;
import dev.slipway.core.gc.GcRequest;
import dev.slipway.core.gc.GcSummary;
import dev.slipway.core.gc.PurgedRows;
import dev.slipway.core.gc.RunDeletion;
import dev.slipway.core.logged.LoggedModelMetric;
import dev.slipway.core.logged.LoggedModelOutput;
import dev.slipway.core.logged.LoggedModelStore;
import dev.slipway.core.logged.NewLoggedModel;
import dev.slipway.core.tracking.Dataset;
import dev.slipway.core.tracking.DatasetInput;
import dev.slipway.core.tracking.LifecycleStage;
import dev.slipway.core.tracking.Metric;
import dev.slipway.core.tracking.NewRun;
import dev.slipway.core.tracking.Param;
import dev.slipway.core.tracking.Tag;
import dev.slipway.core.tracking.TrackingStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every behaviour of {@code slipway gc} below the command line: {@link GarbageCollector} over a
 * {@link JdbcTrackingPurger}, on a new database per test (a collection without ids sees the whole database).
 * Subclasses supply the databases. Runs and models are created through the real stores; rows are counted with SQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractTrackingPurgerTest {
    private static final long DAY = Duration.ofDays(1).toMillis();
    private static final long NOW = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();
    private static final long LONG_AGO = NOW - 40 * DAY;
    private static final long RECENTLY = NOW - DAY;
    private static final int CHUNK_SIZE = 1_000;
    private static final GcRequest OLDER_THAN_30_DAYS = new GcRequest(Optional.of(Duration.ofDays(30)), List.of(),
            List.of(), false);

    /** Tables with a run column, and that column. */
    private static final Map<String, String> RUN_TABLES = Map.of("runs", "run_uuid", "metrics", "run_uuid",
            "latest_metrics", "run_uuid", "params", "run_uuid", "tags", "run_uuid", "inputs", "run_uuid",
            "run_model_outputs", "run_id", "logged_model_metrics", "run_id");

    private String uri;
    private TrackingStore tracking;
    private LoggedModelStore loggedModels;
    private JdbcTrackingPurger purger;
    private MemoryArtifacts artifacts;
    private GarbageCollector collector;
    /** The artifact location of each run and logged model created, by id. */
    private final Map<String, String> artifactLocations = new HashMap<>();

    /** The URI of a new, empty database; {@link #removeDatabases()} removes them when the class is done. */
    protected abstract String emptyDatabaseUri();

    /** Prepares the database server, or skips the class (a JUnit assumption) when there is none. */
    protected void connectToServer() {}

    protected void removeDatabases() {}

    @BeforeAll
    void connect() {
        connectToServer();
    }

    @AfterAll
    void disconnect() {
        removeDatabases();
    }

    @BeforeEach
    void openStores() {
        uri = emptyDatabaseUri();
        tracking = new JdbcTrackingStoreFactory().open(uri);
        loggedModels = new JdbcLoggedModelStoreFactory().open(uri);
        MigratedDatabase database = MigratedDatabase.open(uri, "gc-test");
        purger = new JdbcTrackingPurger(new Transactions(database.dataSource(), database.dialect()), CHUNK_SIZE);
        artifacts = new MemoryArtifacts();
        collector = new GarbageCollector(purger, artifacts.repositories(), Clock.fixed(Instant.ofEpochMilli(NOW),
                ZoneOffset.UTC), "collector-a", Duration.ofMinutes(10));
    }

    @AfterEach
    void closeStores() {
        purger.close();
        loggedModels.close();
        tracking.close();
    }

    @Test
    void removesRunsDeletedBeforeTheBoundWithEveryRowAndTheirArtifacts() {
        String experimentId = experiment("churn");
        String old = run(experimentId, 2_500);
        String active = run(experimentId, 30);
        String recent = run(experimentId, 30);
        tracking.setRunLifecycleStage(old, LifecycleStage.DELETED, LONG_AGO);
        tracking.setRunLifecycleStage(recent, LifecycleStage.DELETED, RECENTLY);
        Map<String, Long> activeRows = rowsOf(active);
        Map<String, Long> recentRows = rowsOf(recent);
        long inputTagsBefore = count("SELECT COUNT(*) FROM input_tags");

        GcSummary summary = collector.collect(OLDER_THAN_30_DAYS, new GcListener() {});

        assertThat(rowsOf(old)).allSatisfy((table, rows) -> assertThat(rows).as(table).isZero());
        assertThat(count("SELECT COUNT(*) FROM input_tags")).isEqualTo(inputTagsBefore - 1);
        assertThat(rowsOf(active)).isEqualTo(activeRows);
        assertThat(rowsOf(recent)).isEqualTo(recentRows);
        assertThat(artifacts.deleted()).containsExactly(runArtifacts(old));
        assertThat(summary.runs()).isEqualTo(1);
        assertThat(summary.experiments()).isZero();
        assertThat(summary.artifactLocations()).isEqualTo(1);
        assertThat(summary.failures()).isEmpty();
        assertThat(summary.rowsByTable()).containsEntry("metrics", 2_500L).containsEntry("latest_metrics", 1L)
                .containsEntry("params", 2L).containsEntry("tags", 2L).containsEntry("inputs", 1L)
                .containsEntry("input_tags", 1L).containsEntry("run_model_outputs", 1L)
                .containsEntry("logged_model_metrics", 1L).containsEntry("runs", 1L);
        assertThat(tracking.getRunInfo(active)).isPresent();
        assertThat(tracking.getExperiment(experimentId)).isPresent();
        assertThat(count("SELECT COUNT(*) FROM datasets")).isEqualTo(1);
    }

    @Test
    void removesDeletedExperimentsOnlyOnceTheyHaveNoRunsLeft() {
        String gone = experiment("gone");
        String goneRun = run(gone, 10);
        String goneModel = loggedModel(gone, goneRun);
        tracking.setExperimentLifecycleStage(gone, LifecycleStage.DELETED, LONG_AGO);
        TestConnections.execute(uri, "INSERT INTO users (user_id, username, password_hash, is_admin, "
                + "creation_time_ms) VALUES (1, 'bob', 'hash', FALSE, 0)");
        TestConnections.execute(uri, "INSERT INTO experiment_permissions (experiment_id, user_id, permission) "
                + "VALUES (?, 1, 'READ')", gone);

        String waiting = experiment("waiting");
        String waitingOld = run(waiting, 10);
        String waitingRecent = run(waiting, 10);
        tracking.setExperimentLifecycleStage(waiting, LifecycleStage.DELETED, LONG_AGO);
        // restored and deleted again yesterday: too recent to go, so the experiment must wait for it
        tracking.setRunLifecycleStage(waitingRecent, LifecycleStage.ACTIVE, RECENTLY);
        tracking.setRunLifecycleStage(waitingRecent, LifecycleStage.DELETED, RECENTLY);

        String active = experiment("active");
        String activeOldRun = run(active, 10);
        tracking.setRunLifecycleStage(activeOldRun, LifecycleStage.DELETED, LONG_AGO);

        String recent = experiment("recent");
        String recentRun = run(recent, 10);
        tracking.setExperimentLifecycleStage(recent, LifecycleStage.DELETED, RECENTLY);

        List<String> kept = new ArrayList<>();
        GcSummary summary = collector.collect(OLDER_THAN_30_DAYS, new GcListener() {
            @Override
            public void experimentKept(ExperimentDeletion experiment, long runsLeft) {
                kept.add(experiment.experimentId() + ":" + runsLeft);
            }
        });

        assertThat(tracking.getExperiment(gone)).isEmpty();
        assertThat(count("SELECT COUNT(*) FROM experiment_tags WHERE experiment_id = ?", Long.parseLong(gone)))
                .isZero();
        assertThat(count("SELECT COUNT(*) FROM datasets WHERE experiment_id = ?", Long.parseLong(gone))).isZero();
        // the next experiment may get the same id: it must not inherit who could read this one
        assertThat(count("SELECT COUNT(*) FROM experiment_permissions WHERE experiment_id = ?", gone)).isZero();
        for (String table : List.of("logged_models", "logged_model_params", "logged_model_tags",
                "logged_model_metrics", "run_model_outputs")) {
            assertThat(count("SELECT COUNT(*) FROM " + table + " WHERE model_id = ?", goneModel)).as(table).isZero();
        }
        assertThat(artifacts.deleted()).contains(runArtifacts(goneRun), modelArtifacts(goneModel));
        assertThat(rowsOf(goneRun)).allSatisfy((table, rows) -> assertThat(rows).as(table).isZero());

        assertThat(tracking.getExperiment(waiting)).isPresent();
        assertThat(tracking.getRunInfo(waitingOld)).isEmpty();
        assertThat(tracking.getRunInfo(waitingRecent)).isPresent();
        assertThat(kept).containsExactly(waiting + ":1");

        assertThat(tracking.getExperiment(active)).isPresent();
        assertThat(tracking.getRunInfo(activeOldRun)).isEmpty();

        assertThat(tracking.getExperiment(recent)).isPresent();
        assertThat(tracking.getRunInfo(recentRun)).isPresent();
        assertThat(count("SELECT COUNT(*) FROM metrics WHERE run_uuid = ?", recentRun)).isEqualTo(10);

        assertThat(summary.runs()).isEqualTo(3);
        assertThat(summary.experiments()).isEqualTo(1);
        assertThat(summary.experimentsKept()).isEqualTo(1);
        assertThat(summary.rowsByTable()).containsEntry("experiments", 1L).containsEntry("logged_models", 2L)
                .containsEntry("datasets", 1L).containsEntry("experiment_tags", 1L);
    }

    @Test
    void withoutAnAgeRemovesEveryDeletedRunAndExperiment() {
        String experimentId = experiment("e");
        String recent = run(experimentId, 5);
        String unknownTime = run(experimentId, 5);
        String active = run(experimentId, 5);
        tracking.setRunLifecycleStage(recent, LifecycleStage.DELETED, NOW - 1);
        tracking.setRunLifecycleStage(unknownTime, LifecycleStage.DELETED, LONG_AGO);
        TestConnections.execute(uri, "UPDATE runs SET deleted_time = NULL WHERE run_uuid = ?", unknownTime);
        String deletedExperiment = experiment("deleted");
        run(deletedExperiment, 5);
        tracking.setExperimentLifecycleStage(deletedExperiment, LifecycleStage.DELETED, NOW - 1);

        // with an age, a run without a recorded deletion time is not known to be old enough
        collector.collect(OLDER_THAN_30_DAYS, new GcListener() {});
        assertThat(tracking.getRunInfo(unknownTime)).isPresent();

        GcSummary summary = collector.collect(new GcRequest(Optional.empty(), List.of(), List.of(), false),
                new GcListener() {});

        assertThat(tracking.getRunInfo(recent)).isEmpty();
        assertThat(tracking.getRunInfo(unknownTime)).isEmpty();
        assertThat(tracking.getRunInfo(active)).isPresent();
        assertThat(tracking.getExperiment(deletedExperiment)).isEmpty();
        assertThat(tracking.getExperiment(experimentId)).isPresent();
        assertThat(summary.runs()).isEqualTo(3);
        assertThat(summary.experiments()).isEqualTo(1);
    }

    @Test
    void anExperimentCreatedAfterGcNeverGetsTheIdOfARemovedOne() {
        experiment("kept");
        String lower = experiment("lower");
        String highest = experiment("highest");
        tracking.setExperimentLifecycleStage(lower, LifecycleStage.DELETED, LONG_AGO);
        tracking.setExperimentLifecycleStage(highest, LifecycleStage.DELETED, LONG_AGO);
        // the highest goes first, then one below it: the mark must not go down again
        collector.collect(new GcRequest(Optional.empty(), List.of(), List.of(highest), false), new GcListener() {});
        collector.collect(new GcRequest(Optional.empty(), List.of(), List.of(lower), false), new GcListener() {});
        assertThat(tracking.getExperiment(highest)).isEmpty();

        String next = experiment("next");
        String after = experiment("after");

        assertThat(Long.parseLong(next)).isEqualTo(Long.parseLong(highest) + 1);
        assertThat(Long.parseLong(after)).isEqualTo(Long.parseLong(next) + 1);
    }

    @Test
    void deletesInChunksNoLargerThanTheChunkSize() {
        String experimentId = experiment("big");
        String runId = run(experimentId, 2_500);
        tracking.setRunLifecycleStage(runId, LifecycleStage.DELETED, LONG_AGO);
        Map<String, List<Long>> chunks = new LinkedHashMap<>();

        collector.collect(OLDER_THAN_30_DAYS, new GcListener() {
            @Override
            public void rowsDeleted(String table, long rows) {
                chunks.computeIfAbsent(table, key -> new ArrayList<>()).add(rows);
            }
        });

        assertThat(chunks.get("metrics")).containsExactly(1_000L, 1_000L, 500L);
        assertThat(chunks.values()).allSatisfy(sizes -> assertThat(sizes).allSatisfy(
                size -> assertThat(size).isBetween(1L, (long) CHUNK_SIZE)));
        assertThat(count("SELECT COUNT(*) FROM metrics")).isZero();
    }

    @Test
    void namedRunsAndExperimentsAreCheckedBeforeAnythingIsRemoved() {
        String experimentId = experiment("e");
        String old = run(experimentId, 5);
        String recent = run(experimentId, 5);
        String active = run(experimentId, 5);
        tracking.setRunLifecycleStage(old, LifecycleStage.DELETED, LONG_AGO);
        tracking.setRunLifecycleStage(recent, LifecycleStage.DELETED, RECENTLY);
        Optional<Duration> age = Optional.of(Duration.ofDays(30));

        assertThatThrownBy(() -> collector.collect(new GcRequest(age, List.of(old, active), List.of(), false),
                new GcListener() {}))
                .isInstanceOf(SlipwayException.class)
                .hasMessageContaining("Run '" + active + "' is not deleted")
                .satisfies(e -> assertThat(((SlipwayException) e).errorCode())
                        .isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE));
        assertThatThrownBy(() -> collector.collect(new GcRequest(age, List.of(old, recent), List.of(), false),
                new GcListener() {}))
                .hasMessageContaining("Run '" + recent + "' was not deleted more than 30d ago");
        assertThatThrownBy(() -> collector.collect(new GcRequest(age, List.of("0123456789abcdef0123456789abcdef"),
                List.of(), false), new GcListener() {}))
                .isInstanceOf(SlipwayException.class)
                .satisfies(e -> assertThat(((SlipwayException) e).errorCode())
                        .isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST));
        assertThatThrownBy(() -> collector.collect(new GcRequest(age, List.of(), List.of(experimentId), false),
                new GcListener() {}))
                .hasMessageContaining("Experiment '" + experimentId + "' is not deleted");
        assertThat(tracking.getRunInfo(old)).isPresent();
        assertThat(artifacts.deleted()).isEmpty();

        GcSummary summary = collector.collect(new GcRequest(age, List.of(old), List.of(), false),
                new GcListener() {});

        assertThat(summary.runs()).isEqualTo(1);
        assertThat(tracking.getRunInfo(old)).isEmpty();
        assertThat(tracking.getRunInfo(recent)).isPresent();
    }

    @Test
    void namedExperimentGoesWithItsDeletedRunsButNoOtherExperiment() {
        String named = experiment("named");
        String namedRun = run(named, 5);
        tracking.setExperimentLifecycleStage(named, LifecycleStage.DELETED, LONG_AGO);
        String other = experiment("other");
        String otherRun = run(other, 5);
        tracking.setExperimentLifecycleStage(other, LifecycleStage.DELETED, LONG_AGO);

        GcSummary summary = collector.collect(new GcRequest(Optional.empty(), List.of(), List.of(named), false),
                new GcListener() {});

        assertThat(tracking.getExperiment(named)).isEmpty();
        assertThat(tracking.getRunInfo(namedRun)).isEmpty();
        assertThat(tracking.getExperiment(other)).isPresent();
        assertThat(tracking.getRunInfo(otherRun)).isPresent();
        assertThat(summary.runs()).isEqualTo(1);
        assertThat(summary.experiments()).isEqualTo(1);
    }

    @Test
    void dryRunReportsWhatWouldGoAndRemovesNothing() {
        String experimentId = experiment("e");
        String old = run(experimentId, 5);
        tracking.setExperimentLifecycleStage(experimentId, LifecycleStage.DELETED, LONG_AGO);
        String kept = experiment("kept");
        String keptOld = run(kept, 5);
        run(kept, 5);
        tracking.setRunLifecycleStage(keptOld, LifecycleStage.DELETED, LONG_AGO);
        TestConnections.execute(uri, "UPDATE experiments SET lifecycle_stage = 'deleted', last_update_time = ? "
                + "WHERE experiment_id = ?", LONG_AGO, Long.parseLong(kept));
        List<String> reported = new ArrayList<>();

        GcSummary summary = collector.collect(new GcRequest(Optional.of(Duration.ofDays(30)), List.of(), List.of(),
                true), new GcListener() {
                    @Override
                    public void runCollected(RunDeletion run, PurgedRows rows) {
                        reported.add("run " + run.runId());
                    }

                    @Override
                    public void experimentCollected(ExperimentDeletion experiment, PurgedRows rows) {
                        reported.add("experiment " + experiment.experimentId());
                    }

                    @Override
                    public void experimentKept(ExperimentDeletion experiment, long runsLeft) {
                        reported.add("kept " + experiment.experimentId() + " " + runsLeft);
                    }
                });

        assertThat(reported).containsExactlyInAnyOrder("run " + old, "run " + keptOld, "experiment " + experimentId,
                "kept " + kept + " 1");
        assertThat(summary.dryRun()).isTrue();
        assertThat(summary.runs()).isEqualTo(2);
        assertThat(summary.rowsByTable()).isEmpty();
        assertThat(tracking.getRunInfo(old)).isPresent();
        assertThat(count("SELECT COUNT(*) FROM metrics WHERE run_uuid = ?", old)).isEqualTo(5);
        assertThat(artifacts.deleted()).isEmpty();
    }

    @Test
    void refusesToCollectWhileAnotherCollectorHoldsTheLease() {
        String experimentId = experiment("e");
        String old = run(experimentId, 5);
        tracking.setRunLifecycleStage(old, LifecycleStage.DELETED, LONG_AGO);
        assertThat(purger.tryAcquireLease(GarbageCollector.LEASE_NAME, "collector-b", NOW, 60_000)).isTrue();

        assertThatThrownBy(() -> collector.collect(OLDER_THAN_30_DAYS, new GcListener() {}))
                .isInstanceOf(SlipwayException.class)
                .hasMessageContaining("Another garbage collection is running")
                .satisfies(e -> assertThat(((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.RESOURCE_CONFLICT));
        assertThat(tracking.getRunInfo(old)).isPresent();

        purger.releaseLease(GarbageCollector.LEASE_NAME, "collector-b");
        collector.collect(OLDER_THAN_30_DAYS, new GcListener() {});
        assertThat(tracking.getRunInfo(old)).isEmpty();
        // released when done: another collector may start at once
        assertThat(purger.tryAcquireLease(GarbageCollector.LEASE_NAME, "collector-b", NOW, 60_000)).isTrue();
    }

    @Test
    void runWhoseArtifactsCannotBeDeletedKeepsItsRowsAndTheOthersGo() {
        String experimentId = experiment("e");
        String broken = run(experimentId, 5, "memory://broken/" + experimentId);
        String fine = run(experimentId, 5);
        tracking.setRunLifecycleStage(broken, LifecycleStage.DELETED, LONG_AGO);
        tracking.setRunLifecycleStage(fine, LifecycleStage.DELETED, LONG_AGO);
        Map<String, Long> brokenRows = rowsOf(broken);

        GcSummary summary = collector.collect(OLDER_THAN_30_DAYS, new GcListener() {});

        assertThat(summary.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.kind()).isEqualTo("run");
            assertThat(failure.id()).isEqualTo(broken);
            assertThat(failure.reason()).contains("the disk is read-only");
        });
        assertThat(rowsOf(broken)).isEqualTo(brokenRows);
        assertThat(tracking.getRunInfo(fine)).isEmpty();
    }

    @Test
    void purgingARunThatIsNotDeletedIsRefused() {
        String experimentId = experiment("e");
        String active = run(experimentId, 5);

        assertThatThrownBy(() -> purger.purgeRun(active, (table, rows) -> {}))
                .isInstanceOf(SlipwayException.class)
                .satisfies(e -> assertThat(((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.INVALID_STATE));
        assertThat(count("SELECT COUNT(*) FROM metrics WHERE run_uuid = ?", active)).isEqualTo(5);
        assertThat(purger.purgeRun("0123456789abcdef0123456789abcdef", (table, rows) -> {}).removed()).isFalse();
    }

    // ---- fixtures --------------------------------------------------------------------------------

    private String experiment(String name) {
        return tracking.createExperiment(name, Optional.of("memory://store/" + name), "memory://store",
                List.of(new Tag("team", "ml")), NOW - 100 * DAY);
    }

    private String run(String experimentId, int metricRows) {
        return run(experimentId, metricRows, "memory://store/" + experimentId);
    }

    /** A run with metric history, params, tags, a dataset input, a logged model output and a model metric. */
    private String run(String experimentId, int metricRows, String experimentLocation) {
        String runId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong())
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        String artifactUri = experimentLocation + "/" + runId + "/artifacts";
        artifactLocations.put(runId, artifactUri);
        tracking.createRun(new NewRun(runId, experimentId, "run", "alice", NOW - 90 * DAY, artifactUri,
                List.of(new Tag("mlflow.user", "alice"))));
        for (int start = 0; start < metricRows; start += 1_000) {
            List<Metric> metrics = new ArrayList<>();
            for (int step = start; step < Math.min(metricRows, start + 1_000); step++) {
                metrics.add(new Metric("loss", 1.0 / (step + 1), NOW - 90 * DAY + step, step));
            }
            tracking.logBatch(runId, metrics, List.of(), List.of());
        }
        tracking.logBatch(runId, List.of(), List.of(new Param("lr", "0.1"), new Param("epochs", "3")),
                List.of(new Tag("note", "x")));
        tracking.logInputs(runId, List.of(new DatasetInput(List.of(new Tag("mlflow.data.context", "training")),
                new Dataset("train", "abc123", "local", "{\"path\":\"train.csv\"}", Optional.empty(),
                        Optional.empty()))));
        String modelId = loggedModel(experimentId, runId);
        loggedModels.logRunOutputs(runId, List.of(new LoggedModelOutput(modelId, 1)));
        loggedModels.logLoggedModelMetrics(modelId, List.of(new LoggedModelMetric("accuracy", 0.9, NOW - 90 * DAY, 1,
                Optional.of(runId), Optional.empty(), Optional.empty())));
        return runId;
    }

    private String loggedModel(String experimentId, String sourceRunId) {
        String modelId = "m-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        String artifactUri = "memory://store/" + experimentId + "/models/" + modelId + "/artifacts";
        artifactLocations.put(modelId, artifactUri);
        loggedModels.createLoggedModel(new NewLoggedModel(modelId, experimentId, "model", artifactUri, Optional.empty(),
                Optional.of(sourceRunId), List.of(new Param("alpha", "1")), List.of(new Tag("stage", "dev")),
                NOW - 90 * DAY));
        loggedModels.logLoggedModelMetrics(modelId, List.of(new LoggedModelMetric("auc", 0.8, NOW - 90 * DAY, 0,
                Optional.empty(), Optional.empty(), Optional.empty())));
        return modelId;
    }

    private String runArtifacts(String runId) {
        return artifactLocations.get(runId);
    }

    private String modelArtifacts(String modelId) {
        return artifactLocations.get(modelId);
    }

    /** The rows of the run in each table that has a run column. */
    private Map<String, Long> rowsOf(String runId) {
        Map<String, Long> rows = new LinkedHashMap<>();
        RUN_TABLES.forEach((table, column) -> rows.put(table,
                count("SELECT COUNT(*) FROM " + table + " WHERE " + column + " = ?", runId)));
        return rows;
    }

    private long count(String sql, Object... values) {
        return TestConnections.count(uri, sql, values);
    }
}
