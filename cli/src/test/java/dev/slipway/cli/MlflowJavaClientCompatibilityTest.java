package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.ModelRegistry;
import org.mlflow.api.proto.Service;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowClientException;
import org.mlflow.tracking.ModelVersionsPage;
import org.mlflow.tracking.RunsPage;

/**
 * MLflow's own Java client (org.mlflow:mlflow-client, unchanged) against {@code slipway server}: the wire format, the
 * error shape and the search grammar as a real MLflow client reads them.
 */
class MlflowJavaClientCompatibilityTest {
    @TempDir
    static Path folder;

    private static RunningServer server;
    private static MlflowClient mlflow;

    @BeforeAll
    static void startServer() {
        server = RunningServer.onFolder(folder);
        mlflow = new MlflowClient(server.uri());
    }

    @AfterAll
    static void stopServer() throws Exception {
        mlflow.close();
        server.close();
    }

    @Test
    void experimentsRoundTripThroughMlflowsClient() {
        String experimentId = mlflow.createExperiment("mlflow-java-experiments");
        Service.Experiment experiment = mlflow.getExperiment(experimentId);
        assertThat(experiment.getName()).isEqualTo("mlflow-java-experiments");
        assertThat(experiment.getLifecycleStage()).isEqualTo("active");
        assertThat(experiment.getArtifactLocation()).endsWith("/" + experimentId);
        assertThat(mlflow.getExperimentByName("mlflow-java-experiments")).map(Service.Experiment::getExperimentId)
                .contains(experimentId);
        assertThat(mlflow.getExperimentByName("no-such-experiment")).isEmpty();

        mlflow.setExperimentTag(experimentId, "team", "search");
        mlflow.renameExperiment(experimentId, "mlflow-java-renamed");
        assertThat(mlflow.getExperiment(experimentId).getName()).isEqualTo("mlflow-java-renamed");
        assertThat(mlflow.getExperiment(experimentId).getTagsList())
                .anySatisfy(tag -> assertThat(tag.getKey() + "=" + tag.getValue()).isEqualTo("team=search"));
        assertThat(mlflow.searchExperiments("name = 'mlflow-java-renamed'").getItems())
                .extracting(Service.Experiment::getExperimentId).containsExactly(experimentId);

        mlflow.deleteExperiment(experimentId);
        assertThat(mlflow.getExperiment(experimentId).getLifecycleStage()).isEqualTo("deleted");
        mlflow.restoreExperiment(experimentId);
        assertThat(mlflow.getExperiment(experimentId).getLifecycleStage()).isEqualTo("active");
    }

    @Test
    void runsMetricsParamsAndTagsRoundTripThroughMlflowsClient() {
        String experimentId = mlflow.createExperiment("mlflow-java-runs");
        Service.RunInfo created = mlflow.createRun(experimentId);
        String runId = created.getRunId();
        assertThat(created.getStatus()).isEqualTo(Service.RunStatus.RUNNING);
        assertThat(created.getArtifactUri()).contains(runId);

        mlflow.logParam(runId, "lr", "0.01");
        mlflow.setTag(runId, "model", "gbm");
        mlflow.logMetric(runId, "loss", 0.5, 1_700_000_000_000L, 0);
        mlflow.logMetric(runId, "loss", 0.25, 1_700_000_000_100L, 1);
        mlflow.logMetric(runId, "weird", Double.NaN, 1_700_000_000_000L, 0);
        mlflow.logBatch(runId,
                List.of(Service.Metric.newBuilder().setKey("auc").setValue(0.91).setTimestamp(1_700_000_000_200L)
                        .setStep(3).build()),
                List.of(Service.Param.newBuilder().setKey("depth").setValue("6").build()),
                List.of(Service.RunTag.newBuilder().setKey("stage").setValue("train").build()));

        Service.Run run = mlflow.getRun(runId);
        assertThat(run.getData().getParamsList()).extracting(Service.Param::getKey).contains("lr", "depth");
        assertThat(run.getData().getTagsList()).extracting(Service.RunTag::getKey).contains("model", "stage");
        assertThat(run.getData().getMetricsList()).anySatisfy(metric -> {
            assertThat(metric.getKey()).isEqualTo("loss");
            assertThat(metric.getValue()).isEqualTo(0.25);
            assertThat(metric.getStep()).isEqualTo(1);
        });
        assertThat(run.getData().getMetricsList()).anySatisfy(metric -> {
            assertThat(metric.getKey()).isEqualTo("weird");
            assertThat(metric.getValue()).isNaN();
        });
        assertThat(mlflow.getMetricHistory(runId, "loss")).extracting(Service.Metric::getValue).containsExactly(0.5, 0.25);

        mlflow.deleteTag(runId, "stage");
        assertThat(mlflow.getRun(runId).getData().getTagsList()).extracting(Service.RunTag::getKey).doesNotContain("stage");

        mlflow.setTerminated(runId, Service.RunStatus.FINISHED, 1_700_000_001_000L);
        Service.RunInfo finished = mlflow.getRun(runId).getInfo();
        assertThat(finished.getStatus()).isEqualTo(Service.RunStatus.FINISHED);
        assertThat(finished.getEndTime()).isEqualTo(1_700_000_001_000L);

        mlflow.deleteRun(runId);
        assertThat(mlflow.getRun(runId).getInfo().getLifecycleStage()).isEqualTo("deleted");
        mlflow.restoreRun(runId);
        assertThat(mlflow.getRun(runId).getInfo().getLifecycleStage()).isEqualTo("active");
    }

    @Test
    void searchRunsFiltersOrdersAndPagesForMlflowsClient() {
        String experimentId = mlflow.createExperiment("mlflow-java-search");
        for (int index = 0; index < 5; index++) {
            String runId = mlflow.createRun(experimentId).getRunId();
            mlflow.logMetric(runId, "m1", index / 4.0, 1_700_000_000_000L, 0);
            mlflow.logParam(runId, "index", String.valueOf(index));
        }
        RunsPage page = mlflow.searchRuns(List.of(experimentId), "metrics.m1 > 0.3", Service.ViewType.ACTIVE_ONLY, 2,
                List.of("metrics.m1 DESC"));
        assertThat(page.getItems()).hasSize(2);
        assertThat(page.getItems().get(0).getData().getMetricsList().get(0).getValue()).isEqualTo(1.0);
        assertThat(page.hasNextPage()).isTrue();
        @SuppressWarnings("unchecked")
        List<Service.Run> rest = (List<Service.Run>) page.getNextPage().getItems();
        assertThat(rest).hasSize(1);
        assertThat(rest.get(0).getData().getParamsList()).extracting(Service.Param::getValue).containsExactly("2");

        assertThat(mlflow.searchRuns(List.of(experimentId), "params.index = '4'")).hasSize(1);
    }

    @Test
    void registryRoundTripsThroughMlflowsClient() {
        String experimentId = mlflow.createExperiment("mlflow-java-registry");
        Service.RunInfo run = mlflow.createRun(experimentId);
        String runId = run.getRunId();
        // MLflow's Java client reads the registry only; models and versions are created through its raw calls
        mlflow.sendPost("registered-models/create", "{\"name\": \"java-registry\", \"description\": \"churn\"}");
        mlflow.sendPost("model-versions/create", "{\"name\": \"java-registry\", \"source\": \"runs:/" + runId
                + "/model\", \"run_id\": \"" + runId + "\"}");
        mlflow.sendPost("model-versions/create", "{\"name\": \"java-registry\", \"source\": \"s3://bucket/two\"}");
        mlflow.sendPost("model-versions/transition-stage", "{\"name\": \"java-registry\", \"version\": \"1\", "
                + "\"stage\": \"production\", \"archive_existing_versions\": false}");
        mlflow.sendPost("registered-models/alias", "{\"name\": \"java-registry\", \"alias\": \"champion\", "
                + "\"version\": \"1\"}");

        ModelRegistry.RegisteredModel model = mlflow.getRegisteredModel("java-registry");
        assertThat(model.getName()).isEqualTo("java-registry");
        assertThat(model.getDescription()).isEqualTo("churn");
        assertThat(model.getLatestVersionsList()).extracting(ModelRegistry.ModelVersion::getCurrentStage)
                .containsExactlyInAnyOrder("None", "Production");
        assertThat(model.getAliasesList()).extracting(alias -> alias.getAlias() + "=" + alias.getVersion())
                .containsExactly("champion=1");

        ModelRegistry.ModelVersion version = mlflow.getModelVersion("java-registry", "1");
        assertThat(version.getVersion()).isEqualTo("1");
        assertThat(version.getSource()).isEqualTo("runs:/" + runId + "/model");
        assertThat(version.getRunId()).isEqualTo(runId);
        assertThat(version.getStatus()).isEqualTo(ModelRegistry.ModelVersionStatus.READY);
        assertThat(version.getAliasesList()).containsExactly("champion");
        assertThat(mlflow.getLatestVersions("java-registry", List.of("Production")))
                .extracting(ModelRegistry.ModelVersion::getVersion).containsExactly("1");
        assertThat(mlflow.getLatestVersions("java-registry")).extracting(ModelRegistry.ModelVersion::getVersion)
                .containsExactlyInAnyOrder("1", "2");
        assertThat(mlflow.getModelVersionDownloadUri("java-registry", "1")).isEqualTo(run.getArtifactUri() + "/model");
        assertThat(mlflow.getModelVersionDownloadUri("java-registry", "2")).isEqualTo("s3://bucket/two");

        ModelVersionsPage page = mlflow.searchModelVersions("name = 'java-registry'", 1, List.of("version_number ASC"));
        assertThat(page.getItems()).extracting(ModelRegistry.ModelVersion::getVersion).containsExactly("1");
        assertThat(page.hasNextPage()).isTrue();
        assertThat(page.getNextPage().getItems()).hasSize(1);

        assertThatThrownBy(() -> mlflow.getRegisteredModel("no-such-model")).isInstanceOf(MlflowClientException.class)
                .hasMessageContaining("RESOURCE_DOES_NOT_EXIST");
        assertThatThrownBy(() -> mlflow.sendPost("model-versions/create",
                "{\"name\": \"java-registry\", \"source\": \"file:///etc/\"}"))
                .isInstanceOf(MlflowClientException.class)
                .hasMessageContaining("To use a local path as a model version");
    }

    @Test
    void errorsReachMlflowsClientAsMlflowErrors() {
        assertThatThrownBy(() -> mlflow.getRun("0123456789abcdef0123456789abcdef"))
                .isInstanceOf(MlflowClientException.class).hasMessageContaining("RESOURCE_DOES_NOT_EXIST");
        String experimentId = mlflow.createExperiment("mlflow-java-errors");
        assertThatThrownBy(() -> mlflow.createExperiment("mlflow-java-errors"))
                .isInstanceOf(MlflowClientException.class).hasMessageContaining("RESOURCE_ALREADY_EXISTS");
        String runId = mlflow.createRun(experimentId).getRunId();
        mlflow.logParam(runId, "p", "a");
        assertThatThrownBy(() -> mlflow.logParam(runId, "p", "b")).isInstanceOf(MlflowClientException.class)
                .hasMessageContaining("Changing param values is not allowed");
        assertThatThrownBy(() -> mlflow.searchRuns(List.of(experimentId), "metrics.a > 1 OR metrics.b > 2"))
                .isInstanceOf(MlflowClientException.class).hasMessageContaining("Invalid clause(s) in filter string");
        assertThat(Optional.of(mlflow.getExperiment(experimentId))).isPresent();
    }
}
