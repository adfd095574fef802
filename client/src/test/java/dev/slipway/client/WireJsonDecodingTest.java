package dev.slipway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.logged.LoggedModel;
import dev.slipway.core.logged.LoggedModelMetric;
import dev.slipway.core.logged.LoggedModelStatus;
import dev.slipway.core.logged.ModelRegistration;
import dev.slipway.core.registry.ModelAlias;
import dev.slipway.core.registry.ModelVersion;
import dev.slipway.core.registry.ModelVersionStage;
import dev.slipway.core.registry.ModelVersionStatus;
import dev.slipway.core.registry.RegisteredModel;
import dev.slipway.core.tracking.LifecycleStage;
import dev.slipway.core.tracking.Param;
import dev.slipway.core.tracking.Tag;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** RegistryJson and LoggedModelJson on the JSON shapes MLflow's servers send, including their looser variants. */
class WireJsonDecodingTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void modelVersionSurvivesEncodingAndDecoding() {
        ModelVersion version = new ModelVersion("churn", 3, 10, 20, Optional.of("ana"), ModelVersionStage.STAGING,
                Optional.of("tuned"), "runs:/abc/model", Optional.of("abc"), Optional.of("http://ci/1"),
                ModelVersionStatus.READY, List.of(new Tag("data", "v3")), List.of("champion"), Optional.of("m-1"));

        assertThat(RegistryJson.modelVersion(RegistryJson.toJson(version))).isEqualTo(version);
    }

    @Test
    void registeredModelSurvivesEncodingAndDecoding() {
        RegisteredModel model = new RegisteredModel("churn", 10, 20, Optional.of("predicts churn"),
                List.of(new Tag("team", "risk")), List.of(new ModelAlias("champion", 2)));

        assertThat(RegistryJson.registeredModel(RegistryJson.toJson(model))).isEqualTo(model);
    }

    @Test
    void modelVersionAcceptsStringTimestampsAnyCaseStagesAndEmptyRunIds() {
        ModelVersion version = RegistryJson.modelVersion(json("{'name': 'churn', 'version': '7', "
                + "'creation_timestamp': '123', 'current_stage': 'production', 'source': 's3://b/m', 'run_id': '', "
                + "'status': 'READY', 'unknown_field': 1}"));

        assertThat(version.version()).isEqualTo(7);
        assertThat(version.creationTimestamp()).isEqualTo(123);
        assertThat(version.currentStage()).isEqualTo(ModelVersionStage.PRODUCTION);
        assertThat(version.runId()).isEmpty();
    }

    @Test
    void malformedRegistryAnswersFailWithInternalErrorNamingTheField() {
        assertThatThrownBy(() -> RegistryJson.modelVersion(json("{'name': 'churn', 'version': 'x'}")))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INTERNAL_ERROR))
                .hasMessageContaining("version");
        assertThatThrownBy(() -> RegistryJson.modelVersion(json("{'name': 'churn', 'version': '1', "
                + "'current_stage': 'Limbo'}"))).hasMessageContaining("Limbo");
    }

    @Test
    void loggedModelIsDecodedWithInfoParamsMetricsTagsAndRegistrations() {
        LoggedModel model = LoggedModelJson.loggedModel(json("{'info': {'model_id': 'm-1', 'experiment_id': '4', "
                + "'name': 'scorer', 'creation_timestamp_ms': 100, 'last_updated_timestamp_ms': '200', "
                + "'artifact_uri': 'mlflow-artifacts:/4/models/m-1/artifacts', 'status': 'LOGGED_MODEL_READY', "
                + "'creator_id': 9, 'model_type': 'onnx', 'source_run_id': 'r1', 'tags': [{'key': 'k', 'value': 'v'}], "
                + "'registrations': [{'name': 'churn', 'version': '2'}]}, "
                + "'data': {'params': [{'key': 'lr', 'value': '0.1'}], 'metrics': [{'key': 'acc', 'value': 'NaN', "
                + "'timestamp': 5, 'step': 1, 'run_id': 'r1', 'dataset_name': 'eval', 'model_id': 'm-1'}]}}"));

        assertThat(model.modelId()).isEqualTo("m-1");
        assertThat(model.info().experimentId()).isEqualTo("4");
        assertThat(model.info().lastUpdatedTimestamp()).isEqualTo(200);
        assertThat(model.info().status()).isEqualTo(LoggedModelStatus.READY);
        assertThat(model.info().creatorId()).contains(9L);
        assertThat(model.info().modelType()).contains("onnx");
        assertThat(model.info().sourceRunId()).contains("r1");
        assertThat(model.info().statusMessage()).isEmpty();
        assertThat(model.info().lifecycleStage()).isEqualTo(LifecycleStage.ACTIVE);
        assertThat(model.info().tags()).containsExactly(new Tag("k", "v"));
        assertThat(model.info().registrations()).containsExactly(new ModelRegistration("churn", "2"));
        assertThat(model.params()).containsExactly(new Param("lr", "0.1"));
        LoggedModelMetric metric = model.metrics().get(0);
        assertThat(metric.value()).isNaN();
        assertThat(metric.runId()).contains("r1");
        assertThat(metric.datasetName()).contains("eval");
        assertThat(metric.datasetDigest()).isEmpty();
    }

    @Test
    void loggedModelStatusIsAcceptedAsNumberOrShortName() {
        assertThat(LoggedModelJson.info(json("{'model_id': 'm-1', 'experiment_id': '0', 'status': 3}")).status())
                .isEqualTo(LoggedModelStatus.UPLOAD_FAILED);
        assertThat(LoggedModelJson.info(json("{'model_id': 'm-1', 'experiment_id': '0', 'status': 'READY'}"))
                .status()).isEqualTo(LoggedModelStatus.READY);
    }

    @Test
    void malformedLoggedModelAnswersFailWithInternalError() {
        assertThatThrownBy(() -> LoggedModelJson.info(json("{'model_id': 'm-1', 'experiment_id': '0', "
                + "'status': 'LOST'}")))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INTERNAL_ERROR))
                .hasMessageContaining("LOST");
        assertThatThrownBy(() -> LoggedModelJson.info(json("{'experiment_id': '0'}")))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INTERNAL_ERROR))
                .hasMessageContaining("model_id");
        assertThatThrownBy(() -> LoggedModelJson.loggedModel(json("{}").path("model")))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INTERNAL_ERROR))
                .hasMessageContaining("model");
    }
}
