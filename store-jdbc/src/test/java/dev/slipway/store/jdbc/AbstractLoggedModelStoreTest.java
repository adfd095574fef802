package dev.slipway.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.logged.DatasetFilter;
import dev.slipway.core.logged.LoggedModel;
import dev.slipway.core.logged.LoggedModelMetric;
import dev.slipway.core.logged.LoggedModelOutput;
import dev.slipway.core.logged.LoggedModelService;
import dev.slipway.core.logged.LoggedModelService.OrderTerm;
import dev.slipway.core.logged.LoggedModelStatus;
import dev.slipway.core.logged.LoggedModelStore;
import dev.slipway.core.logged.ModelRegistration;
import dev.slipway.core.registry.NewModelVersion;
import dev.slipway.core.registry.RegistryService;
import dev.slipway.core.registry.RegistryStore;
import dev.slipway.core.tracking.Page;
import dev.slipway.core.tracking.Param;
import dev.slipway.core.tracking.Tag;
import dev.slipway.core.tracking.TrackingService;
import dev.slipway.core.tracking.TrackingStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every behaviour of {@link LoggedModelStore} over JDBC, exercised through {@link LoggedModelService} (with real
 * tracking and registry stores on the same database for the experiments, runs and model versions) so that the
 * rules and the store are tested together. Subclasses supply the database. The tests share one database and keep
 * apart by creating their own experiments.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractLoggedModelStoreTest {
    private static final AtomicInteger NAMES = new AtomicInteger();

    private final SteppingClock clock = new SteppingClock();
    private TrackingStore trackingStore;
    private RegistryStore registryStore;
    private LoggedModelStore store;
    private RegistryService registry;
    private TrackingService tracking;
    private LoggedModelService models;

    /** The URI of a new, empty database; {@link #removeDatabases()} removes them when the class is done. */
    protected abstract String emptyDatabaseUri();

    /** Prepares the database server, or skips the class (a JUnit assumption) when there is none. */
    protected void connectToServer() {}

    protected void removeDatabases() {}

    @BeforeAll
    void openStores() {
        connectToServer();
        String uri = emptyDatabaseUri();
        trackingStore = new JdbcTrackingStoreFactory().open(uri);
        store = new JdbcLoggedModelStoreFactory().open(uri);
        registryStore = new JdbcRegistryStoreFactory().open(uri);
        registry = new RegistryService(registryStore, clock);
        tracking = new TrackingService(trackingStore, clock, "mlflow-artifacts:/");
        models = new LoggedModelService(store, tracking, clock);
    }

    @AfterAll
    void closeStores() {
        try {
            if (store != null) {
                store.close();
            }
            if (registryStore != null) {
                registryStore.close();
            }
            if (trackingStore != null) {
                trackingStore.close();
            }
        } finally {
            removeDatabases();
        }
    }

    // ---- create, get, finalize, delete ---------------------------------------------------------

    @Test
    void createdModelIsPendingInTheExperimentsModelsFolderWithItsParamsAndTags() {
        String experimentId = newExperiment();
        String runId = tracking.createRun(Optional.of(experimentId), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of()).info().runId();
        long before = clock.millis();

        LoggedModel created = models.createLoggedModel(experimentId, Optional.of("classifier"), Optional.of("onnx"),
                Optional.of(runId), List.of(new Param("lr", "0.1"), new Param("depth", "3")),
                List.of(new Tag("team", "a"), new Tag("team", "b"), new Tag("stage", "dev")));

        assertThat(created.modelId()).matches("m-[0-9a-f]{32}");
        assertThat(created.info().experimentId()).isEqualTo(experimentId);
        assertThat(created.info().name()).isEqualTo("classifier");
        assertThat(created.info().status()).isEqualTo(LoggedModelStatus.PENDING);
        assertThat(created.info().artifactUri())
                .isEqualTo("mlflow-artifacts:/" + experimentId + "/models/" + created.modelId() + "/artifacts");
        assertThat(created.info().modelType()).contains("onnx");
        assertThat(created.info().sourceRunId()).contains(runId);
        assertThat(created.info().creationTimestamp()).isGreaterThan(before);
        assertThat(created.info().lastUpdatedTimestamp()).isEqualTo(created.info().creationTimestamp());
        assertThat(created.params()).containsExactly(new Param("depth", "3"), new Param("lr", "0.1"));
        assertThat(created.info().tags()).containsExactly(new Tag("stage", "dev"), new Tag("team", "b"));
        assertThat(models.getLoggedModel(created.modelId(), false)).isEqualTo(created);
    }

    @Test
    void modelWithoutNameGetsAGeneratedOne() {
        String experimentId = newExperiment();
        LoggedModel created = models.createLoggedModel(experimentId, Optional.of(""), Optional.empty(),
                Optional.empty(), List.of(), List.of());
        assertThat(created.info().name()).matches("[a-z]+-[a-z]+-\\d{1,3}");
        assertThat(created.info().sourceRunId()).isEmpty();
        assertThat(created.info().modelType()).isEmpty();
    }

    @Test
    void creationNeedsAnActiveExperimentAnExistingRunAndAValidName() {
        String experimentId = newExperiment();
        assertThatThrownBy(() -> models.createLoggedModel("987654", Optional.empty(), Optional.empty(),
                Optional.empty(), List.of(), List.of()))
                .hasMessage("No Experiment with id=987654 exists")
                .extracting(e -> ((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST);
        assertThatThrownBy(() -> models.createLoggedModel(experimentId, Optional.empty(), Optional.empty(),
                Optional.of("0123456789abcdef0123456789abcdef"), List.of(), List.of()))
                .hasMessage("Run with id=0123456789abcdef0123456789abcdef not found");
        assertThatThrownBy(() -> models.createLoggedModel(experimentId, Optional.of("a/b"), Optional.empty(),
                Optional.empty(), List.of(), List.of()))
                .hasMessageContaining("Invalid model name ('a/b') provided");
        assertThatThrownBy(() -> models.createLoggedModel(experimentId, Optional.empty(), Optional.empty(),
                Optional.empty(), List.of(new Param("k", "1"), new Param("k", "2")), List.of()))
                .hasMessageContaining("Duplicate parameter keys have been submitted: [k]");
        assertThatThrownBy(() -> models.createLoggedModel(experimentId, Optional.empty(), Optional.empty(),
                Optional.empty(), List.of(), List.of(new Tag("bad$key", "v"))))
                .hasMessageContaining("Invalid tag name: 'bad$key'");

        tracking.deleteExperiment(experimentId);
        assertThatThrownBy(() -> models.createLoggedModel(experimentId, Optional.empty(), Optional.empty(),
                Optional.empty(), List.of(), List.of()))
                .hasMessage("The experiment " + experimentId + " must be in the 'active' state. Current state is "
                        + "deleted.")
                .extracting(e -> ((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
    }

    @Test
    void finalizingSetsTheStatusAndTheUpdateTime() {
        LoggedModel created = newModel(newExperiment());
        LoggedModel ready = models.finalizeLoggedModel(created.modelId(), LoggedModelStatus.READY);
        assertThat(ready.info().status()).isEqualTo(LoggedModelStatus.READY);
        assertThat(ready.info().lastUpdatedTimestamp()).isGreaterThan(created.info().lastUpdatedTimestamp());

        LoggedModel failed = models.finalizeLoggedModel(created.modelId(), LoggedModelStatus.UPLOAD_FAILED);
        assertThat(models.getLoggedModel(created.modelId(), false).info().status())
                .isEqualTo(LoggedModelStatus.UPLOAD_FAILED).isEqualTo(failed.info().status());
        assertThatThrownBy(() -> models.finalizeLoggedModel(created.modelId(), LoggedModelStatus.PENDING))
                .hasMessageContaining("LOGGED_MODEL_PENDING");
        assertThatThrownBy(() -> models.finalizeLoggedModel("m-missing", LoggedModelStatus.READY))
                .hasMessage("Logged model with ID 'm-missing' not found.");
    }

    @Test
    void deletedModelIsFoundOnlyWhenAllowedAndRefusesWrites() {
        LoggedModel created = newModel(newExperiment());
        models.deleteLoggedModel(created.modelId());

        assertThatThrownBy(() -> models.getLoggedModel(created.modelId(), false))
                .hasMessage("Logged model with ID '" + created.modelId() + "' not found.")
                .extracting(e -> ((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST);
        LoggedModel deleted = models.getLoggedModel(created.modelId(), true);
        assertThat(deleted.modelId()).isEqualTo(created.modelId());
        assertThat(deleted.info().lifecycleStage().wireName()).isEqualTo("deleted");

        assertThatThrownBy(() -> models.deleteLoggedModel(created.modelId())).hasMessageContaining("not found");
        assertThatThrownBy(() -> models.setLoggedModelTags(created.modelId(), List.of(new Tag("k", "v"))))
                .hasMessageContaining("not found");
        assertThatThrownBy(() -> models.logLoggedModelParams(created.modelId(), List.of(new Param("k", "v"))))
                .hasMessageContaining("not found");
        assertThatThrownBy(() -> models.finalizeLoggedModel(created.modelId(), LoggedModelStatus.READY))
                .hasMessageContaining("not found");
    }

    // ---- tags, params, metrics, registrations ----------------------------------------------------

    @Test
    void tagsOverwriteAndDeletingAMissingTagIsNotFound() {
        LoggedModel created = newModel(newExperiment());
        models.setLoggedModelTags(created.modelId(), List.of(new Tag("a", "1"), new Tag("b", "2")));
        models.setLoggedModelTags(created.modelId(), List.of(new Tag("a", "3"), new Tag("multi", "x\ny")));
        assertThat(models.getLoggedModel(created.modelId(), false).info().tags())
                .containsExactly(new Tag("a", "3"), new Tag("b", "2"), new Tag("multi", "x\ny"));

        models.deleteLoggedModelTag(created.modelId(), "b");
        assertThat(models.getLoggedModel(created.modelId(), false).info().tags()).extracting(Tag::key)
                .containsExactly("a", "multi");
        assertThatThrownBy(() -> models.deleteLoggedModelTag(created.modelId(), "b"))
                .hasMessage("No tag with key 'b' found for model with ID '" + created.modelId() + "'.")
                .extracting(e -> ((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST);
        assertThatThrownBy(() -> models.setLoggedModelTags(created.modelId(), List.of(new Tag("k", "v".repeat(8001)))))
                .hasMessageContaining("length limit of 8000");
    }

    @Test
    void paramsAreWriteOnce() {
        LoggedModel created = newModel(newExperiment());
        models.logLoggedModelParams(created.modelId(), List.of(new Param("lr", "0.1"), new Param("empty", "")));
        models.logLoggedModelParams(created.modelId(), List.of(new Param("lr", "0.1"), new Param("epochs", "5")));
        assertThat(models.getLoggedModel(created.modelId(), false).params())
                .containsExactly(new Param("empty", ""), new Param("epochs", "5"), new Param("lr", "0.1"));

        assertThatThrownBy(() -> models.logLoggedModelParams(created.modelId(), List.of(new Param("lr", "0.2"))))
                .hasMessageContaining("Changing param values is not allowed. Param with key='lr' was already logged "
                        + "with value='0.1'");
        assertThatThrownBy(() -> models.logLoggedModelParams(created.modelId(),
                List.of(new Param("long", "x".repeat(6001))))).hasMessageContaining("length limit of 6000");
    }

    @Test
    void metricsAreKeptWithTheirRunAndDatasetAndNanRoundTrips() {
        String experimentId = newExperiment();
        String runId = tracking.createRun(Optional.of(experimentId), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of()).info().runId();
        LoggedModel created = newModel(experimentId);
        models.logLoggedModelMetrics(created.modelId(), List.of(
                new LoggedModelMetric("acc", 0.9, 100, 1, Optional.of(runId), Optional.of("eval"),
                        Optional.of("d1")),
                new LoggedModelMetric("acc", 0.8, 50, 0, Optional.empty(), Optional.empty(), Optional.empty()),
                new LoggedModelMetric("loss", Double.NaN, 50, 0, Optional.empty(), Optional.empty(), Optional.empty()),
                new LoggedModelMetric("big", Double.POSITIVE_INFINITY, 50, 0, Optional.empty(), Optional.empty(),
                        Optional.empty())));
        // the same key, time, step and run again replaces the value
        models.logLoggedModelMetrics(created.modelId(), List.of(new LoggedModelMetric("acc", 0.95, 100, 1,
                Optional.of(runId), Optional.of("eval"), Optional.of("d1"))));

        List<LoggedModelMetric> metrics = models.getLoggedModel(created.modelId(), false).metrics();
        assertThat(metrics).extracting(LoggedModelMetric::key, LoggedModelMetric::value, LoggedModelMetric::step,
                LoggedModelMetric::runId, LoggedModelMetric::datasetName).containsExactly(
                tuple("acc", 0.8, 0L, Optional.empty(), Optional.empty()),
                tuple("acc", 0.95, 1L, Optional.of(runId), Optional.of("eval")),
                tuple("big", Double.MAX_VALUE, 0L, Optional.empty(), Optional.empty()),
                tuple("loss", Double.NaN, 0L, Optional.empty(), Optional.empty()));
        assertThatThrownBy(() -> models.logLoggedModelMetrics(created.modelId(), List.of(new LoggedModelMetric("acc",
                1, -1, 0, Optional.empty(), Optional.empty(), Optional.empty()))))
                .hasMessageContaining("'timestamp'");
    }

    @Test
    void registrationsAreTheRegistrysLiveVersionsOfTheModelAndAreListedInTheModelVersionsTag() {
        LoggedModel created = newModel(newExperiment());
        String name = "registered-" + NAMES.incrementAndGet();
        registry.createRegisteredModel(name, Optional.empty(), List.of());
        for (int version = 1; version <= 2; version++) {
            registry.createModelVersion(new NewModelVersion(name, "models:/" + created.modelId(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), List.of(), Optional.of(created.modelId())));
            models.recordRegistration(created.modelId(), name, String.valueOf(version));
        }
        registry.createModelVersion(new NewModelVersion(name, "s3://bucket/other", Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), List.of()));

        LoggedModel registered = models.getLoggedModel(created.modelId(), false);
        assertThat(registered.info().registrations())
                .containsExactly(new ModelRegistration(name, "1"), new ModelRegistration(name, "2"));
        assertThat(registered.info().tags()).containsExactly(new Tag(LoggedModelService.MODEL_VERSIONS_TAG,
                "[{\"name\": \"" + name + "\", \"version\": 1}, {\"name\": \"" + name + "\", \"version\": 2}]"));

        registry.deleteModelVersion(name, "1");
        assertThat(models.getLoggedModel(created.modelId(), false).info().registrations())
                .containsExactly(new ModelRegistration(name, "2"));
        assertThatThrownBy(() -> models.recordRegistration("m-missing", name, "2"))
                .hasMessage("Logged model with ID 'm-missing' not found.");
    }

    @Test
    void runOutputsLinkARunToItsModelsAndNeedExistingOnes() {
        String experimentId = newExperiment();
        String runId = tracking.createRun(Optional.of(experimentId), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of()).info().runId();
        LoggedModel first = newModel(experimentId);
        LoggedModel second = newModel(experimentId);
        models.logRunOutputs(runId, List.of(new LoggedModelOutput(first.modelId(), 0)));
        models.logRunOutputs(runId, List.of(new LoggedModelOutput(second.modelId(), 3),
                new LoggedModelOutput(first.modelId(), 5)));

        assertThat(models.runOutputs(runId)).containsExactlyInAnyOrder(new LoggedModelOutput(first.modelId(), 5),
                new LoggedModelOutput(second.modelId(), 3));
        assertThatThrownBy(() -> models.logRunOutputs(runId, List.of(new LoggedModelOutput("m-missing", 0))))
                .hasMessage("Logged model with ID 'm-missing' not found.");
        assertThatThrownBy(() -> models.logRunOutputs("0123456789abcdef0123456789abcdef",
                List.of(new LoggedModelOutput(first.modelId(), 0))))
                .hasMessage("Run with id=0123456789abcdef0123456789abcdef not found");
        tracking.deleteRun(runId);
        assertThatThrownBy(() -> models.logRunOutputs(runId, List.of(new LoggedModelOutput(first.modelId(), 0))))
                .hasMessage("The run " + runId + " must be in 'active' lifecycle_stage.");
    }

    // ---- search --------------------------------------------------------------------------------

    @Test
    void searchFiltersOnAttributesParamsTagsAndMetrics() {
        String experimentId = newExperiment();
        LoggedModel small = models.createLoggedModel(experimentId, Optional.of("small"), Optional.of("sklearn"),
                Optional.empty(), List.of(new Param("depth", "3")), List.of(new Tag("team", "Core")));
        LoggedModel large = models.createLoggedModel(experimentId, Optional.of("large"), Optional.of("onnx"),
                Optional.empty(), List.of(new Param("depth", "9")), List.of(new Tag("team", "research")));
        LoggedModel bare = newModel(experimentId);
        models.finalizeLoggedModel(large.modelId(), LoggedModelStatus.READY);
        logMetric(small, "acc", 0.7);
        logMetric(large, "acc", 0.95);

        assertThat(search(experimentId, "name = 'small'")).containsExactly(small.modelId());
        assertThat(search(experimentId, "name LIKE 'la%'")).containsExactly(large.modelId());
        assertThat(search(experimentId, "attributes.model_type != 'onnx'")).containsExactly(small.modelId());
        assertThat(search(experimentId, "status = 'LOGGED_MODEL_READY'")).containsExactly(large.modelId());
        assertThat(search(experimentId, "status = 'PENDING'")).containsExactlyInAnyOrder(small.modelId(),
                bare.modelId());
        assertThat(search(experimentId, "model_id = '" + bare.modelId() + "'")).containsExactly(bare.modelId());
        assertThat(search(experimentId, "params.depth = '9'")).containsExactly(large.modelId());
        assertThat(search(experimentId, "params.depth != '9'")).containsExactly(small.modelId());
        assertThat(search(experimentId, "tags.team ILIKE 'core'")).containsExactly(small.modelId());
        assertThat(search(experimentId, "tags.team LIKE 'core'")).isEmpty();
        assertThat(search(experimentId, "metrics.acc > 0.9")).containsExactly(large.modelId());
        assertThat(search(experimentId, "metrics.acc >= 0.7 AND params.depth = '3'")).containsExactly(small.modelId());
        assertThat(search(experimentId, "creation_timestamp >= " + large.info().creationTimestamp()))
                .containsExactlyInAnyOrder(large.modelId(), bare.modelId());
    }

    @Test
    void searchOrdersNewestFirstByDefaultAndByMetricsWithMissingValuesLast() {
        String experimentId = newExperiment();
        LoggedModel first = newModel(experimentId);
        LoggedModel second = newModel(experimentId);
        LoggedModel third = newModel(experimentId);
        logMetric(first, "acc", 0.5);
        logMetric(third, "acc", 0.9);

        assertThat(search(experimentId, "")).containsExactly(third.modelId(), second.modelId(), first.modelId());
        assertThat(ids(models.searchLoggedModels(List.of(experimentId), Optional.empty(), List.of(),
                Optional.empty(), List.of(new OrderTerm("metrics.acc", true, Optional.empty(), Optional.empty())),
                Optional.empty()))).containsExactly(first.modelId(), third.modelId(), second.modelId());
        assertThat(ids(models.searchLoggedModels(List.of(experimentId), Optional.empty(), List.of(),
                Optional.empty(), List.of(new OrderTerm("metrics.acc", false, Optional.empty(), Optional.empty())),
                Optional.empty()))).containsExactly(third.modelId(), first.modelId(), second.modelId());
        assertThat(ids(models.searchLoggedModels(List.of(experimentId), Optional.empty(), List.of(),
                Optional.empty(), List.of(new OrderTerm("creation_timestamp", true, Optional.empty(),
                        Optional.empty())), Optional.empty())))
                .containsExactly(first.modelId(), second.modelId(), third.modelId());
    }

    @Test
    void searchPagesWithTokensAndSkipsDeletedModelsAndOtherExperiments() {
        String experimentId = newExperiment();
        List<String> created = new ArrayList<>();
        for (int index = 0; index < 5; index++) {
            created.add(0, newModel(experimentId).modelId());
        }
        LoggedModel deleted = newModel(experimentId);
        models.deleteLoggedModel(deleted.modelId());
        newModel(newExperiment());

        List<String> seen = new ArrayList<>();
        Optional<String> token = Optional.empty();
        int pages = 0;
        do {
            Page<LoggedModel> page = models.searchLoggedModels(List.of(experimentId), Optional.empty(), List.of(),
                    Optional.of(2L), List.of(), token);
            seen.addAll(ids(page));
            token = page.nextPageToken();
            pages++;
        } while (token.isPresent());
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(created);
    }

    @Test
    void searchWithDatasetsCountsOnlyMetricsOfThoseDatasets() {
        String experimentId = newExperiment();
        LoggedModel onTrain = newModel(experimentId);
        LoggedModel onEval = newModel(experimentId);
        models.logLoggedModelMetrics(onTrain.modelId(), List.of(new LoggedModelMetric("acc", 0.9, 1, 0,
                Optional.empty(), Optional.of("train"), Optional.of("t1"))));
        models.logLoggedModelMetrics(onEval.modelId(), List.of(new LoggedModelMetric("acc", 0.8, 1, 0,
                Optional.empty(), Optional.of("eval"), Optional.of("e1"))));

        List<DatasetFilter> eval = List.of(new DatasetFilter("eval", Optional.empty()));
        assertThat(ids(models.searchLoggedModels(List.of(experimentId), Optional.of("metrics.acc > 0.5"), eval,
                Optional.empty(), List.of(), Optional.empty()))).containsExactly(onEval.modelId());
        assertThat(ids(models.searchLoggedModels(List.of(experimentId), Optional.empty(),
                List.of(new DatasetFilter("train", Optional.of("t1"))), Optional.empty(), List.of(),
                Optional.empty()))).containsExactly(onTrain.modelId());
        assertThat(ids(models.searchLoggedModels(List.of(experimentId), Optional.empty(),
                List.of(new DatasetFilter("train", Optional.of("other"))), Optional.empty(), List.of(),
                Optional.empty()))).isEmpty();
    }

    @Test
    void searchRejectsBadFiltersOrderTermsAndLimits() {
        String experimentId = newExperiment();
        assertThatThrownBy(() -> search(experimentId, "metrics.acc = 'high'"))
                .hasMessageContaining("Invalid comparison for metrics.acc");
        assertThatThrownBy(() -> search(experimentId, "params.depth > '3'"))
                .hasMessageContaining("Invalid comparison operator for params.depth");
        assertThatThrownBy(() -> search(experimentId, "colour = 'red'"))
                .hasMessageContaining("Invalid attribute key 'colour'");
        assertThatThrownBy(() -> search(experimentId, "name = 'a' OR name = 'b'"))
                .hasMessageContaining("Invalid clause(s) in filter string");
        assertThatThrownBy(() -> search(experimentId, "status = 'DONE'"))
                .hasMessageContaining("Invalid value DONE for parameter 'status'");
        assertThatThrownBy(() -> models.searchLoggedModels(List.of(experimentId), Optional.empty(), List.of(),
                Optional.of(51L), List.of(), Optional.empty()))
                .hasMessage("Invalid value 51 for parameter 'max_results' supplied. It must be at most 50 and at "
                        + "least 1.");
        assertThatThrownBy(() -> models.searchLoggedModels(List.of(experimentId), Optional.empty(), List.of(),
                Optional.empty(), List.of(new OrderTerm("params.depth", true, Optional.empty(), Optional.empty())),
                Optional.empty())).hasMessage("Invalid order by field name: params.depth. Only metrics are supported.");
        assertThatThrownBy(() -> models.searchLoggedModels(List.of(experimentId), Optional.empty(), List.of(),
                Optional.empty(), List.of(), Optional.of("not a token"))).hasMessageContaining("Invalid page token");
    }

    // ---- helpers -------------------------------------------------------------------------------

    private String newExperiment() {
        return tracking.createExperiment("logged-" + NAMES.incrementAndGet() + "-" + System.nanoTime(),
                Optional.empty(), List.of());
    }

    private LoggedModel newModel(String experimentId) {
        return models.createLoggedModel(experimentId, Optional.empty(), Optional.empty(), Optional.empty(), List.of(),
                List.of());
    }

    private void logMetric(LoggedModel model, String key, double value) {
        models.logLoggedModelMetrics(model.modelId(), List.of(new LoggedModelMetric(key, value, clock.millis(), 0,
                Optional.empty(), Optional.empty(), Optional.empty())));
    }

    private List<String> search(String experimentId, String filter) {
        return ids(models.searchLoggedModels(List.of(experimentId), Optional.of(filter), List.of(), Optional.empty(),
                List.of(), Optional.empty()));
    }

    private static List<String> ids(Page<LoggedModel> page) {
        return page.items().stream().map(LoggedModel::modelId).toList();
    }
}
