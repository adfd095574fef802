package dev.slipway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.cli.RunningServer;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.logged.DatasetFilter;
import dev.slipway.core.logged.LoggedModel;
import dev.slipway.core.logged.LoggedModelMetric;
import dev.slipway.core.logged.LoggedModelService.OrderTerm;
import dev.slipway.core.logged.LoggedModelStatus;
import dev.slipway.core.logged.ModelRegistration;
import dev.slipway.core.registry.NewModelVersion;
import dev.slipway.core.tracking.Metric;
import dev.slipway.core.tracking.Page;
import dev.slipway.core.tracking.Param;
import dev.slipway.core.tracking.Run;
import dev.slipway.core.tracking.Tag;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LoggedModelClient (MLflow 3's logged models) against a real Slipway server on an ephemeral port over SQLite. */
class LoggedModelClientTest {
    @TempDir
    static Path folder;

    private static RunningServer server;
    private static TrackingClient tracking;
    private static LoggedModelClient models;

    @BeforeAll
    static void startServer() {
        server = RunningServer.onFolder(folder);
        tracking = server.client();
        models = tracking.loggedModels();
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

    private static String experiment() {
        return tracking.createExperiment(unique("exp"));
    }

    private static LoggedModel create(String experimentId, String name) {
        return models.createLoggedModel(experimentId, Optional.of(name), Optional.empty(), Optional.empty(),
                List.of(), List.of());
    }

    private static List<String> names(List<LoggedModel> found) {
        return found.stream().map(model -> model.info().name()).toList();
    }

    private static void assertFails(ThrowingCallable call, ErrorCode code, String message) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(SlipwayException.class, e -> assertThat(e.errorCode()).isEqualTo(code))
                .hasMessageContaining(message);
    }

    // ---- create, get, finalize, delete -------------------------------------------------------

    @Test
    void createdModelIsPendingWithItsParamsTagsRunAndArtifactUri() {
        String experimentId = experiment();
        Run run = tracking.createRun(experimentId);

        LoggedModel created = models.createLoggedModel(experimentId, Optional.of("scorer"), Optional.of("onnx"),
                Optional.of(run.info().runId()), List.of(new Param("lr", "0.1"), new Param("depth", "4")),
                List.of(new Tag("team", "risk")));

        assertThat(created.modelId()).matches("m-[0-9a-f]{32}");
        assertThat(created.info().experimentId()).isEqualTo(experimentId);
        assertThat(created.info().name()).isEqualTo("scorer");
        assertThat(created.info().modelType()).contains("onnx");
        assertThat(created.info().sourceRunId()).contains(run.info().runId());
        assertThat(created.info().status()).isEqualTo(LoggedModelStatus.PENDING);
        assertThat(created.info().artifactUri())
                .isEqualTo("mlflow-artifacts:/" + experimentId + "/models/" + created.modelId() + "/artifacts");
        assertThat(created.info().creationTimestamp()).isPositive();
        assertThat(created.info().tags()).containsExactly(new Tag("team", "risk"));
        assertThat(created.params()).containsExactly(new Param("depth", "4"), new Param("lr", "0.1"));
        assertThat(models.getLoggedModel(created.modelId())).isEqualTo(created);
    }

    @Test
    void createWithoutANameGetsAGeneratedOne() {
        LoggedModel created = models.createLoggedModel(experiment(), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of(), List.of());

        assertThat(created.info().name()).isNotBlank();
        assertThat(created.info().sourceRunId()).isEmpty();
        assertThat(created.info().modelType()).isEmpty();
    }

    @Test
    void badCreateInputFailsWithMlflowErrors() {
        String experimentId = experiment();

        assertFails(() -> create("987654321", "x"), ErrorCode.RESOURCE_DOES_NOT_EXIST, "987654321");
        assertFails(() -> models.createLoggedModel(experimentId, Optional.empty(), Optional.empty(),
                Optional.of("0123456789abcdef0123456789abcdef"), List.of(), List.of()),
                ErrorCode.RESOURCE_DOES_NOT_EXIST, "0123456789abcdef0123456789abcdef");
        assertFails(() -> create(experimentId, "a/b"), ErrorCode.INVALID_PARAMETER_VALUE, "a/b");
        tracking.deleteExperiment(experimentId);
        assertFails(() -> create(experimentId, "late"), ErrorCode.INVALID_PARAMETER_VALUE, "active");
    }

    @Test
    void finalizeSetsReadyOrUploadFailedButNotPending() {
        String experimentId = experiment();
        LoggedModel ready = create(experimentId, "ready");
        LoggedModel failed = create(experimentId, "failed");

        assertThat(models.finalizeLoggedModel(ready.modelId(), LoggedModelStatus.READY).info().status())
                .isEqualTo(LoggedModelStatus.READY);
        assertThat(models.finalizeLoggedModel(failed.modelId(), LoggedModelStatus.UPLOAD_FAILED).info().status())
                .isEqualTo(LoggedModelStatus.UPLOAD_FAILED);
        assertThat(models.getLoggedModel(ready.modelId()).info().status()).isEqualTo(LoggedModelStatus.READY);
        assertFails(() -> models.finalizeLoggedModel(ready.modelId(), LoggedModelStatus.PENDING),
                ErrorCode.INVALID_PARAMETER_VALUE, "LOGGED_MODEL_PENDING");
    }

    @Test
    void deletedModelIsOnlyFoundWhenDeletedModelsAreAllowed() {
        String experimentId = experiment();
        LoggedModel kept = create(experimentId, "kept");
        LoggedModel deleted = create(experimentId, "deleted");

        models.deleteLoggedModel(deleted.modelId());

        assertFails(() -> models.getLoggedModel(deleted.modelId()), ErrorCode.RESOURCE_DOES_NOT_EXIST,
                "Logged model with ID '" + deleted.modelId() + "' not found.");
        assertThat(models.getLoggedModel(deleted.modelId(), true).modelId()).isEqualTo(deleted.modelId());
        assertThat(names(models.searchAllLoggedModels(List.of(experimentId), Optional.empty(), List.of(),
                List.of()))).containsExactly(kept.info().name());
        assertFails(() -> models.setLoggedModelTags(deleted.modelId(), List.of(new Tag("k", "v"))),
                ErrorCode.RESOURCE_DOES_NOT_EXIST, deleted.modelId());
    }

    @Test
    void unknownModelFailsWithResourceDoesNotExistOnEveryCall() {
        String modelId = "m-" + UUID.randomUUID().toString().replace("-", "");
        String message = "Logged model with ID '" + modelId + "' not found.";

        assertFails(() -> models.getLoggedModel(modelId), ErrorCode.RESOURCE_DOES_NOT_EXIST, message);
        assertFails(() -> models.getLoggedModel(modelId, true), ErrorCode.RESOURCE_DOES_NOT_EXIST, message);
        assertFails(() -> models.finalizeLoggedModel(modelId, LoggedModelStatus.READY),
                ErrorCode.RESOURCE_DOES_NOT_EXIST, message);
        assertFails(() -> models.deleteLoggedModel(modelId), ErrorCode.RESOURCE_DOES_NOT_EXIST, message);
        assertFails(() -> models.logLoggedModelParams(modelId, List.of(new Param("a", "1"))),
                ErrorCode.RESOURCE_DOES_NOT_EXIST, message);
    }

    // ---- tags and params ---------------------------------------------------------------------

    @Test
    void tagsAreSetOverwrittenAndDeletedIncludingKeysWithSlashesAndSpaces() {
        LoggedModel model = create(experiment(), "tagged");

        models.setLoggedModelTags(model.modelId(), List.of(new Tag("owner", "ana"), new Tag("stage", "dev")));
        models.setLoggedModelTags(model.modelId(), List.of(new Tag("owner", "bob"), new Tag("data/set name", "x")));
        models.deleteLoggedModelTag(model.modelId(), "stage");
        assertThat(models.getLoggedModel(model.modelId()).info().tags())
                .containsExactlyInAnyOrder(new Tag("owner", "bob"), new Tag("data/set name", "x"));

        models.deleteLoggedModelTag(model.modelId(), "data/set name");
        assertThat(models.getLoggedModel(model.modelId()).info().tags()).containsExactly(new Tag("owner", "bob"));
        assertFails(() -> models.deleteLoggedModelTag(model.modelId(), "stage"), ErrorCode.RESOURCE_DOES_NOT_EXIST,
                "No tag with key 'stage'");
    }

    @Test
    void paramsAreWriteOnce() {
        LoggedModel model = models.createLoggedModel(experiment(), Optional.of("params"), Optional.empty(),
                Optional.empty(), List.of(new Param("lr", "0.1")), List.of());

        models.logLoggedModelParams(model.modelId(), List.of(new Param("lr", "0.1"), new Param("epochs", "10")));

        assertThat(models.getLoggedModel(model.modelId()).params())
                .containsExactly(new Param("epochs", "10"), new Param("lr", "0.1"));
        assertThatThrownBy(() -> models.logLoggedModelParams(model.modelId(), List.of(new Param("lr", "0.2"))))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE))
                .hasMessageContaining("lr");
    }

    // ---- metrics and registrations -----------------------------------------------------------

    @Test
    void metricsLoggedWithTheRunShowOnTheModelWithRunAndDataset() {
        String experimentId = experiment();
        Run run = tracking.createRun(experimentId);
        LoggedModel model = create(experimentId, "measured");

        models.logMetrics(run.info().runId(), model.modelId(),
                Optional.of(new DatasetFilter("eval", Optional.of("abc123"))),
                List.of(new Metric("accuracy", 0.91, 1000, 2)));

        assertThat(models.getLoggedModel(model.modelId()).metrics()).containsExactly(new LoggedModelMetric(
                "accuracy", 0.91, 1000, 2, Optional.of(run.info().runId()), Optional.of("eval"),
                Optional.of("abc123")));
        assertThat(tracking.getRun(run.info().runId()).metrics()).extracting(Metric::key).containsExactly("accuracy");
    }

    @Test
    void registeringAVersionFromTheModelListsTheRegistration() {
        LoggedModel model = create(experiment(), "registered");
        String name = unique("churn");
        tracking.registry().createRegisteredModel(name, Optional.empty(), List.of());

        tracking.registry().createModelVersion(new NewModelVersion(name, "models:/" + model.modelId(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of(),
                Optional.of(model.modelId())));

        assertThat(models.getLoggedModel(model.modelId()).info().registrations())
                .containsExactly(new ModelRegistration(name, "1"));
        assertThat(tracking.registry().getModelVersion(name, 1).modelId()).contains(model.modelId());
    }

    // ---- search ------------------------------------------------------------------------------

    @Test
    void searchFiltersByAttributesParamsAndTags() {
        String experimentId = experiment();
        LoggedModel small = models.createLoggedModel(experimentId, Optional.of("small"), Optional.of("onnx"),
                Optional.empty(), List.of(new Param("depth", "2")), List.of(new Tag("team", "risk")));
        models.createLoggedModel(experimentId, Optional.of("large"), Optional.empty(), Optional.empty(),
                List.of(new Param("depth", "8")), List.of(new Tag("team", "growth")));
        models.finalizeLoggedModel(small.modelId(), LoggedModelStatus.READY);
        List<String> experiments = List.of(experimentId);

        assertThat(names(models.searchAllLoggedModels(experiments, Optional.of("params.depth = '2'"), List.of(),
                List.of()))).containsExactly("small");
        assertThat(names(models.searchAllLoggedModels(experiments, Optional.of("tags.team LIKE 'gro%'"), List.of(),
                List.of()))).containsExactly("large");
        assertThat(names(models.searchAllLoggedModels(experiments, Optional.of("status = 'LOGGED_MODEL_READY'"),
                List.of(), List.of()))).containsExactly("small");
        assertThat(names(models.searchAllLoggedModels(experiments, Optional.of("model_type = 'onnx'"), List.of(),
                List.of()))).containsExactly("small");
        assertThat(names(models.searchAllLoggedModels(experiments, Optional.of("name != 'small'"), List.of(),
                List.of()))).containsExactly("large");
    }

    @Test
    void searchOrdersAndPagesWithPageTokens() {
        String experimentId = experiment();
        for (String name : List.of("c", "a", "e", "b", "d")) {
            create(experimentId, name);
        }
        List<String> experiments = List.of(experimentId);
        List<OrderTerm> byName = List.of(new OrderTerm("name", true, Optional.empty(), Optional.empty()));

        Page<LoggedModel> first = models.searchLoggedModels(experiments, Optional.empty(), List.of(), Optional.of(2),
                byName, Optional.empty());
        assertThat(names(first.items())).containsExactly("a", "b");
        assertThat(first.nextPageToken()).isPresent();
        List<String> paged = new ArrayList<>(names(first.items()));
        Optional<String> token = first.nextPageToken();
        while (token.isPresent()) {
            Page<LoggedModel> page = models.searchLoggedModels(experiments, Optional.empty(), List.of(),
                    Optional.of(2), byName, token);
            paged.addAll(names(page.items()));
            token = page.nextPageToken();
        }
        assertThat(paged).containsExactly("a", "b", "c", "d", "e");

        assertThat(names(models.searchAllLoggedModels(experiments, Optional.empty(), List.of(),
                List.of(new OrderTerm("name", false, Optional.empty(), Optional.empty())))))
                .containsExactly("e", "d", "c", "b", "a");
        // models created in the same millisecond may come in either order, so only the timestamps are compared
        List<LoggedModel> oldestFirst = models.searchAllLoggedModels(experiments, Optional.empty(), List.of(),
                List.of(new OrderTerm("creation_timestamp", true, Optional.empty(), Optional.empty())));
        assertThat(oldestFirst).hasSize(5);
        assertThat(oldestFirst).extracting(model -> model.info().creationTimestamp()).isSorted();
        List<LoggedModel> newestFirst = models.searchAllLoggedModels(experiments, Optional.empty(), List.of(),
                List.of(new OrderTerm("creation_timestamp", false, Optional.empty(), Optional.empty())));
        assertThat(newestFirst.get(0).info().creationTimestamp())
                .isEqualTo(oldestFirst.get(4).info().creationTimestamp());
        assertThat(newestFirst.get(4).info().creationTimestamp())
                .isEqualTo(oldestFirst.get(0).info().creationTimestamp());
    }

    @Test
    void searchAllFollowsPageTokensPastFiftyModels() {
        String experimentId = experiment();
        for (int index = 0; index < 53; index++) {
            create(experimentId, String.format("model-%02d", index));
        }

        List<LoggedModel> all = models.searchAllLoggedModels(List.of(experimentId), Optional.empty(), List.of(),
                List.of(new OrderTerm("name", true, Optional.empty(), Optional.empty())));

        assertThat(all).hasSize(53);
        assertThat(all.get(52).info().name()).isEqualTo("model-52");
    }

    @Test
    void searchByMetricsCountsOnlyTheGivenDatasets() {
        String experimentId = experiment();
        Run run = tracking.createRun(experimentId);
        String runId = run.info().runId();
        LoggedModel steady = create(experimentId, "steady");
        LoggedModel overfit = create(experimentId, "overfit");
        Optional<DatasetFilter> eval = Optional.of(new DatasetFilter("eval", Optional.of("e1")));
        Optional<DatasetFilter> train = Optional.of(new DatasetFilter("train", Optional.of("t1")));
        models.logMetrics(runId, steady.modelId(), eval, List.of(new Metric("accuracy", 0.9, 1000, 0)));
        models.logMetrics(runId, overfit.modelId(), eval, List.of(new Metric("accuracy", 0.7, 1000, 0)));
        models.logMetrics(runId, overfit.modelId(), train, List.of(new Metric("accuracy", 0.99, 1000, 0)));
        List<String> experiments = List.of(experimentId);
        List<DatasetFilter> evalOnly = List.of(new DatasetFilter("eval", Optional.empty()));

        assertThat(names(models.searchAllLoggedModels(experiments, Optional.of("metrics.accuracy > 0.8"),
                List.of(), List.of()))).containsExactlyInAnyOrder("steady", "overfit");
        assertThat(names(models.searchAllLoggedModels(experiments, Optional.of("metrics.accuracy > 0.8"), evalOnly,
                List.of()))).containsExactly("steady");
        assertThat(names(models.searchAllLoggedModels(experiments, Optional.empty(),
                List.of(new DatasetFilter("train", Optional.of("t1"))), List.of()))).containsExactly("overfit");
        assertThat(names(models.searchAllLoggedModels(experiments, Optional.empty(), List.of(),
                List.of(new OrderTerm("metrics.accuracy", false, Optional.of("eval"), Optional.empty())))))
                .containsExactly("steady", "overfit");
        assertThat(names(models.searchAllLoggedModels(experiments, Optional.empty(), List.of(),
                List.of(new OrderTerm("metrics.accuracy", false, Optional.of("train"), Optional.empty())))))
                .containsExactly("overfit", "steady");
    }

    @Test
    void badSearchInputFailsWithInvalidParameterValue() {
        List<String> experiments = List.of(experiment());

        assertFails(() -> models.searchLoggedModels(experiments, Optional.of("bogus.x = '1'"), List.of(),
                Optional.empty(), List.of(), Optional.empty()), ErrorCode.INVALID_PARAMETER_VALUE, "bogus");
        assertFails(() -> models.searchLoggedModels(experiments, Optional.empty(), List.of(), Optional.empty(),
                List.of(new OrderTerm("params.lr", true, Optional.empty(), Optional.empty())), Optional.empty()),
                ErrorCode.INVALID_PARAMETER_VALUE, "params.lr");
        assertThatThrownBy(() -> models.searchLoggedModels(experiments, Optional.empty(), List.of(),
                Optional.of(51), List.of(), Optional.empty()))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE));
        assertThatThrownBy(() -> models.searchLoggedModels(experiments, Optional.empty(), List.of(),
                Optional.empty(), List.of(), Optional.of("not-a-token")))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE));
    }
}
