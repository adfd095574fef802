package dev.slipway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.cli.RunningServer;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.artifacts.FileInfo;
import dev.slipway.core.tracking.Dataset;
import dev.slipway.core.tracking.DatasetInput;
import dev.slipway.core.tracking.Experiment;
import dev.slipway.core.tracking.LifecycleStage;
import dev.slipway.core.tracking.Metric;
import dev.slipway.core.tracking.Page;
import dev.slipway.core.tracking.Param;
import dev.slipway.core.tracking.Run;
import dev.slipway.core.tracking.RunInfo;
import dev.slipway.core.tracking.RunMetric;
import dev.slipway.core.tracking.RunStatus;
import dev.slipway.core.tracking.Tag;
import dev.slipway.core.tracking.ViewType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TrackingClient against a real Slipway server on an ephemeral port over a SQLite file. */
class TrackingClientTest {
    @TempDir
    static Path folder;

    private static RunningServer server;
    private static TrackingClient client;

    @BeforeAll
    static void startServer() {
        server = RunningServer.onFolder(folder);
        client = server.client();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            assertThat(server.stop()).isZero();
        }
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    // ---- experiments -------------------------------------------------------------------------

    @Test
    void createdExperimentIsReadBackByIdAndByName() {
        String name = unique("exp");
        String experimentId = client.createExperiment(name, Optional.empty(), List.of(new Tag("team", "risk")));

        Experiment byId = client.getExperiment(experimentId);
        assertThat(byId.name()).isEqualTo(name);
        assertThat(byId.lifecycleStage()).isEqualTo(LifecycleStage.ACTIVE);
        assertThat(byId.artifactLocation()).isEqualTo("mlflow-artifacts:/" + experimentId);
        assertThat(byId.tags()).containsExactly(new Tag("team", "risk"));
        assertThat(byId.creationTime()).isPositive();
        assertThat(client.getExperimentByName(name)).isEqualTo(byId);
    }

    @Test
    void createExperimentKeepsAnExplicitArtifactLocation() {
        Path location = folder.resolve("elsewhere");
        String experimentId = client.createExperiment(unique("located"), Optional.of(location.toString()), List.of());

        assertThat(client.getExperiment(experimentId).artifactLocation()).isEqualTo(location.toString());
    }

    @Test
    void duplicateExperimentNameFailsWithResourceAlreadyExists() {
        String name = unique("twice");
        client.createExperiment(name);

        assertThatThrownBy(() -> client.createExperiment(name))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RESOURCE_ALREADY_EXISTS))
                .hasMessageContaining(name);
    }

    @Test
    void missingExperimentFailsWithResourceDoesNotExist() {
        assertThatThrownBy(() -> client.getExperiment("987654"))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST))
                .hasMessageContaining("987654");
        assertThatThrownBy(() -> client.getExperimentByName(unique("nobody")))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST));
    }

    @Test
    void experimentIsRenamedTaggedDeletedAndRestored() {
        String experimentId = client.createExperiment(unique("life"));
        String newName = unique("renamed");

        client.updateExperiment(experimentId, newName);
        client.setExperimentTag(experimentId, new Tag("owner", "ana"));
        client.setExperimentTag(experimentId, new Tag("stage", "dev"));
        client.deleteExperimentTag(experimentId, "stage");
        Experiment renamed = client.getExperiment(experimentId);
        assertThat(renamed.name()).isEqualTo(newName);
        assertThat(renamed.tags()).containsExactly(new Tag("owner", "ana"));

        client.deleteExperiment(experimentId);
        assertThat(client.getExperiment(experimentId).lifecycleStage()).isEqualTo(LifecycleStage.DELETED);
        assertThat(experimentIds(ViewType.DELETED_ONLY, Optional.empty())).contains(experimentId);
        assertThat(experimentIds(ViewType.ACTIVE_ONLY, Optional.empty())).doesNotContain(experimentId);

        client.restoreExperiment(experimentId);
        assertThat(client.getExperiment(experimentId).lifecycleStage()).isEqualTo(LifecycleStage.ACTIVE);
    }

    @Test
    void deletingAMissingExperimentTagFailsWithResourceDoesNotExist() {
        String experimentId = client.createExperiment(unique("notag"));

        assertThatThrownBy(() -> client.deleteExperimentTag(experimentId, "absent"))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST));
    }

    @Test
    void searchExperimentsFiltersOrdersAndPages() {
        String prefix = unique("search");
        List<String> ids = new ArrayList<>();
        for (int index = 0; index < 3; index++) {
            ids.add(client.createExperiment(prefix + "-" + index));
        }

        String filter = "name LIKE '" + prefix + "%'";
        Page<Experiment> first = client.searchExperiments(ViewType.ACTIVE_ONLY, Optional.of(filter), List.of("name ASC"),
                Optional.of(2), Optional.empty());
        assertThat(first.items()).extracting(Experiment::experimentId).containsExactly(ids.get(0), ids.get(1));
        assertThat(first.nextPageToken()).isPresent();
        Page<Experiment> second = client.searchExperiments(ViewType.ACTIVE_ONLY, Optional.of(filter),
                List.of("name ASC"), Optional.of(2), first.nextPageToken());
        assertThat(second.items()).extracting(Experiment::experimentId).containsExactly(ids.get(2));
        assertThat(second.nextPageToken()).isEmpty();
    }

    @Test
    void invalidSearchFilterFailsWithInvalidParameterValue() {
        assertThatThrownBy(() -> client.searchExperiments(ViewType.ALL, Optional.of("name ~~ 'x'"), List.of(),
                Optional.empty(), Optional.empty()))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE));
    }

    private static List<String> experimentIds(ViewType viewType, Optional<String> filter) {
        return client.searchExperiments(viewType, filter, List.of(), Optional.of(50_000), Optional.empty()).items().stream()
                .map(Experiment::experimentId).toList();
    }

    // ---- runs --------------------------------------------------------------------------------

    @Test
    void createdRunIsReadBackWithItsNameUserTagsAndArtifactUri() {
        String experimentId = client.createExperiment(unique("runs"));
        Run created = client.createRun(Optional.of(experimentId), Optional.of("ana"), Optional.of("first-try"),
                Optional.of(1_700_000_000_000L), List.of(new Tag("source", "test")));

        Run read = client.getRun(created.info().runId());
        RunInfo info = read.info();
        assertThat(info.experimentId()).isEqualTo(experimentId);
        assertThat(info.runName()).isEqualTo("first-try");
        assertThat(info.userId()).isEqualTo("ana");
        assertThat(info.status()).isEqualTo(RunStatus.RUNNING);
        assertThat(info.startTime()).isEqualTo(1_700_000_000_000L);
        assertThat(info.endTime()).isEmpty();
        assertThat(info.artifactUri()).isEqualTo("mlflow-artifacts:/" + experimentId + "/" + info.runId() + "/artifacts");
        assertThat(read.tags()).contains(new Tag("source", "test"), new Tag("mlflow.runName", "first-try"));
        assertThat(read).isEqualTo(created);
    }

    @Test
    void createRunWithoutExperimentGoesToTheDefaultExperiment() {
        Run run = client.createRun(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of());

        assertThat(run.info().experimentId()).isEqualTo("0");
        assertThat(run.info().runName()).isNotEmpty();
    }

    @Test
    void runIsUpdatedEndedDeletedAndRestored() {
        String runId = client.createRun(client.createExperiment(unique("update"))).info().runId();

        RunInfo renamed = client.updateRun(runId, Optional.empty(), Optional.empty(), Optional.of("better-name"));
        assertThat(renamed.runName()).isEqualTo("better-name");
        RunInfo ended = client.endRun(runId, RunStatus.FINISHED, renamed.startTime() + 5_000);
        assertThat(ended.status()).isEqualTo(RunStatus.FINISHED);
        assertThat(ended.endTime()).contains(renamed.startTime() + 5_000);

        client.deleteRun(runId);
        assertThat(client.getRun(runId).info().lifecycleStage()).isEqualTo(LifecycleStage.DELETED);
        client.restoreRun(runId);
        assertThat(client.getRun(runId).info().lifecycleStage()).isEqualTo(LifecycleStage.ACTIVE);
    }

    @Test
    void missingRunFailsWithResourceDoesNotExist() {
        assertThatThrownBy(() -> client.getRun("0123456789abcdef0123456789abcdef"))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST))
                .hasMessageContaining("0123456789abcdef0123456789abcdef");
    }

    @Test
    void metricsParamsAndTagsAreLoggedOneByOneAndInBatches() {
        String runId = client.createRun(client.createExperiment(unique("log"))).info().runId();

        client.logMetric(runId, new Metric("loss", 0.5, 1_000, 0));
        client.logMetric(runId, new Metric("loss", 0.25, 2_000, 1));
        client.logMetric(runId, new Metric("odd", Double.NaN, 1_000, 0));
        client.logMetric(runId, new Metric("big", Double.POSITIVE_INFINITY, 1_000, 0));
        client.logParam(runId, new Param("alpha", "0.1"));
        client.logParam(runId, new Param("empty", ""));
        client.setTag(runId, new Tag("note", "hello"));
        client.setTag(runId, new Tag("temp", "x"));
        client.deleteTag(runId, "temp");
        client.logBatch(runId, List.of(new Metric("acc", 0.9, 3_000, 2), new Metric("acc", 0.95, 4_000, 3)),
                List.of(new Param("depth", "3")), List.of(new Tag("batch", "yes")));

        Run run = client.getRun(runId);
        assertThat(run.metrics()).extracting(Metric::key).containsExactlyInAnyOrder("loss", "odd", "big", "acc");
        assertThat(metric(run, "loss").value()).isEqualTo(0.25);
        assertThat(metric(run, "acc").value()).isEqualTo(0.95);
        assertThat(metric(run, "odd").value()).isNaN();
        assertThat(metric(run, "big").value()).isEqualTo(Double.MAX_VALUE);
        assertThat(run.params()).containsExactlyInAnyOrder(new Param("alpha", "0.1"), new Param("empty", ""),
                new Param("depth", "3"));
        assertThat(run.tags()).contains(new Tag("note", "hello"), new Tag("batch", "yes"));
        assertThat(run.tags()).extracting(Tag::key).doesNotContain("temp");
    }

    @Test
    void paramCannotChangeOnceLogged() {
        String runId = client.createRun(client.createExperiment(unique("params"))).info().runId();
        client.logParam(runId, new Param("lr", "0.1"));

        assertThatThrownBy(() -> client.logParam(runId, new Param("lr", "0.2")))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE))
                .hasMessageContaining("lr");
    }

    @Test
    void logBatchRejectsMoreThan1000Metrics() {
        String runId = client.createRun(client.createExperiment(unique("limits"))).info().runId();
        List<Metric> metrics = new ArrayList<>();
        for (int step = 0; step <= 1000; step++) {
            metrics.add(new Metric("m", step, 1_000, step));
        }

        assertThatThrownBy(() -> client.logBatch(runId, metrics, List.of(), List.of()))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE))
                .hasMessageContaining("1000");
    }

    @Test
    void datasetInputsAreLoggedAndReturnedWithTheRun() {
        String runId = client.createRun(client.createExperiment(unique("inputs"))).info().runId();
        DatasetInput input = new DatasetInput(List.of(new Tag("mlflow.data.context", "training")),
                new Dataset("iris", "abc123", "local", "{\"uri\": \"/data/iris.csv\"}", Optional.of("{\"cols\": 4}"),
                        Optional.empty()));

        client.logInputs(runId, List.of(input));

        assertThat(client.getRun(runId).inputs()).containsExactly(input);
    }

    @Test
    void searchRunsFiltersOrdersAndPages() {
        String experimentId = client.createExperiment(unique("searchruns"));
        List<String> runIds = new ArrayList<>();
        for (int index = 0; index < 3; index++) {
            String runId = client.createRun(experimentId).info().runId();
            client.logMetric(runId, new Metric("rmse", index, 1_000, 0));
            client.logParam(runId, new Param("model", index == 1 ? "tree" : "linear"));
            runIds.add(runId);
        }
        client.deleteRun(runIds.get(2));

        Page<Run> first = client.searchRuns(List.of(experimentId), Optional.empty(), ViewType.ALL, Optional.of(2),
                List.of("metrics.rmse DESC"), Optional.empty());
        assertThat(first.items()).extracting(run -> run.info().runId()).containsExactly(runIds.get(2), runIds.get(1));
        Page<Run> second = client.searchRuns(List.of(experimentId), Optional.empty(), ViewType.ALL, Optional.of(2),
                List.of("metrics.rmse DESC"), first.nextPageToken());
        assertThat(second.items()).extracting(run -> run.info().runId()).containsExactly(runIds.get(0));

        Page<Run> trees = client.searchRuns(List.of(experimentId), Optional.of("params.model = 'tree'"),
                ViewType.ACTIVE_ONLY, Optional.empty(), List.of(), Optional.empty());
        assertThat(trees.items()).extracting(run -> run.info().runId()).containsExactly(runIds.get(1));
        Page<Run> active = client.searchRuns(List.of(experimentId), Optional.empty(), ViewType.ACTIVE_ONLY,
                Optional.empty(), List.of(), Optional.empty());
        assertThat(active.items()).extracting(run -> run.info().runId()).doesNotContain(runIds.get(2)).hasSize(2);
    }

    // ---- metric history ----------------------------------------------------------------------

    @Test
    void metricHistoryIsReturnedInStepOrderAcrossPages() {
        String runId = client.createRun(client.createExperiment(unique("history"))).info().runId();
        List<Metric> logged = new ArrayList<>();
        for (int step = 0; step < 25; step++) {
            logged.add(new Metric("loss", 1.0 / (step + 1), 1_000 + step, step));
        }
        client.logBatch(runId, logged, List.of(), List.of());

        Page<Metric> firstPage = client.getMetricHistory(runId, "loss", Optional.of(10), Optional.empty());
        assertThat(firstPage.items()).containsExactlyElementsOf(logged.subList(0, 10));
        assertThat(firstPage.nextPageToken()).isPresent();
        assertThat(client.getMetricHistory(runId, "loss")).containsExactlyElementsOf(logged);
        assertThat(client.getMetricHistory(runId, "absent")).isEmpty();
    }

    @Test
    void bulkIntervalSamplesStepsOfSeveralRuns() {
        String experimentId = client.createExperiment(unique("bulk"));
        List<String> runIds = new ArrayList<>();
        for (int index = 0; index < 2; index++) {
            String runId = client.createRun(experimentId).info().runId();
            List<Metric> metrics = new ArrayList<>();
            for (int step = 0; step < 20; step++) {
                metrics.add(new Metric("acc", step / 20.0, 1_000 + step, step));
            }
            client.logBatch(runId, metrics, List.of(), List.of());
            runIds.add(runId);
        }

        List<RunMetric> all = client.getMetricHistoryBulkInterval(runIds, "acc", Optional.empty(), Optional.empty(),
                Optional.empty());
        assertThat(all).hasSize(40);
        assertThat(all).extracting(RunMetric::runId).containsOnly(runIds.toArray(String[]::new));

        List<RunMetric> window = client.getMetricHistoryBulkInterval(List.of(runIds.get(0)), "acc", Optional.of(5L),
                Optional.of(9L), Optional.empty());
        assertThat(window).extracting(point -> point.metric().step()).containsExactly(5L, 6L, 7L, 8L, 9L);

        List<RunMetric> sampled = client.getMetricHistoryBulkInterval(List.of(runIds.get(0)), "acc", Optional.empty(),
                Optional.empty(), Optional.of(5));
        assertThat(sampled).extracting(point -> point.metric().step()).contains(0L, 19L).hasSizeLessThanOrEqualTo(6);
    }

    @Test
    void bulkIntervalRejectsAStartStepWithoutEndStep() {
        String runId = client.createRun(client.createExperiment(unique("bulkbad"))).info().runId();

        assertThatThrownBy(() -> client.getMetricHistoryBulkInterval(List.of(runId), "acc", Optional.of(1L),
                Optional.empty(), Optional.empty()))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE));
    }

    // ---- artifacts ---------------------------------------------------------------------------

    @Test
    void runArtifactsAreUploadedListedAndReadThroughTheProxy() throws IOException {
        String experimentId = client.createExperiment(unique("artifacts"));
        String runId = client.createRun(experimentId).info().runId();
        Path model = Files.writeString(folder.resolve("model.txt"), "weights");

        client.logArtifact(runId, "model/model.txt", model);
        client.logArtifact(runId, "notes.md", "# notes".getBytes(StandardCharsets.UTF_8));

        ArtifactListing root = client.listArtifacts(runId, Optional.empty(), Optional.empty());
        assertThat(root.rootUri()).isEqualTo("mlflow-artifacts:/" + experimentId + "/" + runId + "/artifacts");
        assertThat(root.files()).containsExactly(new FileInfo("model", true, Optional.empty()),
                new FileInfo("notes.md", false, Optional.of(7L)));
        assertThat(client.listArtifacts(runId, Optional.of("model"), Optional.empty()).files())
                .containsExactly(new FileInfo("model/model.txt", false, Optional.of(7L)));
        try (InputStream content = client.openRunArtifact(runId, "model/model.txt")) {
            assertThat(new String(content.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("weights");
        }
        assertThat(folder.resolve("artifacts").resolve(experimentId).resolve(runId).resolve("artifacts/notes.md"))
                .hasContent("# notes");
    }

    @Test
    void proxiedArtifactsAreUploadedListedDownloadedAndDeleted() throws IOException {
        String base = unique("proxy");
        client.uploadArtifact(base + "/a.txt", "alpha".getBytes(StandardCharsets.UTF_8));
        client.uploadArtifact(base + "/dir/b name.txt", Files.writeString(folder.resolve("b.txt"), "beta"));

        assertThat(client.listProxiedArtifacts(Optional.of(base))).containsExactly(
                new FileInfo("a.txt", false, Optional.of(5L)), new FileInfo("dir", true, Optional.empty()));
        Path target = folder.resolve("downloads").resolve("b.txt");
        client.downloadArtifact(base + "/dir/b name.txt", target);
        assertThat(target).hasContent("beta");

        client.deleteArtifact(base + "/dir");
        assertThat(client.listProxiedArtifacts(Optional.of(base)))
                .containsExactly(new FileInfo("a.txt", false, Optional.of(5L)));
        assertThatThrownBy(() -> client.openArtifact(base + "/dir/b name.txt"))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST));
    }

    @Test
    void artifactPathsThatEscapeTheRootAreRejected() {
        for (String path : List.of("../escape.txt", "a/../../escape.txt", "/etc/passwd", "a%2F..%2F..%2Fescape.txt")) {
            assertThatThrownBy(() -> client.uploadArtifact(path, new byte[] {1}))
                    .as(path)
                    .isInstanceOfSatisfying(SlipwayException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE))
                    .hasMessage("Invalid path");
        }
        assertThat(folder.resolve("escape.txt")).doesNotExist();
    }

    @Test
    void uploadingAMissingLocalFileFailsWithAClearMessage() {
        Path missing = folder.resolve("missing.bin");

        assertThatThrownBy(() -> client.uploadArtifact("x/missing.bin", missing))
                .isInstanceOf(SlipwayException.class)
                .hasMessageContaining(missing.toString());
    }

    private static Metric metric(Run run, String key) {
        return run.metrics().stream().filter(metric -> metric.key().equals(key)).findFirst().orElseThrow();
    }
}
