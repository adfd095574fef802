package dev.slipway.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.registry.ModelSources.ModelReference;
import dev.slipway.core.registry.ModelSources.ReferenceKind;
import dev.slipway.core.registry.ModelSources.RunReference;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelSourcesTest {
    private static final String LOCAL_RUN = "localrun";
    private static final String PROXIED_RUN = "proxiedrun";
    private static final String LOCAL_PATH_MESSAGE = "To use a local path as a model version source, the run_id "
            + "request parameter has to be specified and the local path has to be contained within the artifact "
            + "directory of the run specified by the run_id.";
    private static final String RELATIVE_PATH_MESSAGE = "If supplying a source as an http, https, local file path, "
            + "ftp, objectstore, or mlflow-artifacts uri, an absolute path must be provided without relative path "
            + "references present. Please provide an absolute path.";

    @TempDir
    static Path root;

    private static SourceLocations locations() {
        Map<String, String> runs = Map.of(LOCAL_RUN, root.resolve("1/localrun/artifacts").toUri().toString(),
                PROXIED_RUN, "mlflow-artifacts:/1/proxiedrun/artifacts");
        return runId -> Optional.ofNullable(runs.get(runId))
                .orElseThrow(() -> SlipwayException.notFound("Run with id=%s not found", runId));
    }

    private static void validate(String source, Optional<String> runId) {
        ModelSources.validate(source, runId, Optional.empty(), locations());
    }

    private static String runDirectory() {
        return root.resolve("1/localrun/artifacts").toString();
    }

    @Test
    void localPathsInsideTheRunsArtifactDirectoryAreAccepted() {
        String directory = runDirectory();
        for (String source : new String[] {directory, directory + "/model", "file://" + directory + "/model",
                "file://" + directory + "/.", "file://" + directory + "/model/..", "file:" + directory + "/model",
                "file://localhost" + directory + "/model", directory + "/./model/../model/"}) {
            assertThatCode(() -> validate(source, Optional.of(LOCAL_RUN))).as(source).doesNotThrowAnyException();
        }
    }

    @Test
    void localPathsOutsideTheRunOrWithoutARunAreRefusedWithMlflowsMessage() {
        String directory = runDirectory();
        String[][] cases = {
                {"/etc/passwd", LOCAL_RUN}, {"/", LOCAL_RUN}, {"file:///etc/", LOCAL_RUN},
                {directory + "/../../other/artifacts", LOCAL_RUN},
                {"file://" + directory + "/model/../../x", LOCAL_RUN},
                {"file://" + directory + "/%2e%2e/%2e%2e/x", LOCAL_RUN},
                {directory + "/%252e%252e/%252e%252e/x", LOCAL_RUN}, {directory + "-sibling/model", LOCAL_RUN},
                {"relative/path", LOCAL_RUN}, {"file:relative/path", LOCAL_RUN},
                {directory + "/model", null}, {"file:///etc/", null}, {"/", null},
                {directory + "/model", PROXIED_RUN}};
        for (String[] row : cases) {
            Optional<String> runId = Optional.ofNullable(row[1]);
            assertThatThrownBy(() -> validate(row[0], runId)).as(row[0])
                    .isInstanceOf(SlipwayException.class)
                    .hasMessageContaining(LOCAL_PATH_MESSAGE)
                    .extracting(e -> ((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
        }
    }

    @Test
    void localPathOfAnUnknownRunIsNotFound() {
        assertThatThrownBy(() -> validate("/tmp/x", Optional.of("missing")))
                .extracting(e -> ((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST);
    }

    @Test
    void localPathWithAModelIdNeedsTheLoggedModelsLocation() {
        assertThatThrownBy(() -> ModelSources.validate(runDirectory(), Optional.of(LOCAL_RUN), Optional.of("m-1"),
                locations())).hasMessageContaining("the model_id request parameter has to be specified");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "mlflow-artifacts:/../../etc/passwd", "mlflow-artifacts://host:5000/../../../../etc",
            "mlflow-artifacts://host:5000/..%2f..%2f..%2fetc", "mlflow-artifacts:/models/%2e%2e/%2e%2e/etc",
            "http://host:5000/api/2.0/mlflow-artifacts/artifacts/../../../../",
            "https://host/api/2.0/mlflow-artifacts/artifacts/..%2f..%2fetc", "s3://bucket/models/path/../../other",
            "s3a://bucket/a/%252e%252e%252f%252e%252e%252fetc", "gs://bucket/x\\..\\..\\etc",
            "ftp://host/a/%5c..%5c..%5cetc", "http://host:5000/api/2.0/mlflow-artifacts/artifacts%00",
            "s3a://bucket/model%2500", "https://host/#/../../etc", "mlflow-artifacts:/models/./x",
            "runs:/abc/../../etc", "runs:/abc/model/%2e%2e/%2e%2e/x", "models:/name/../1", "http://host/a\u0000b"})
    void remoteSourcesWithRelativeReferencesOrNulAreRefused(String source) {
        assertThatThrownBy(() -> validate(source, Optional.of(PROXIED_RUN)))
                .isInstanceOf(SlipwayException.class).hasMessageContaining(RELATIVE_PATH_MESSAGE);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "mlflow-artifacts:/models", "mlflow-artifacts:/models/", "mlflow-artifacts://host:5000/models",
            "mlflow-artifacts:///models//path///", "s3://bucket/..../model", "s3://bucket/a..b/model",
            "https://host/api/2.0/mlflow-artifacts/artifacts/1/x/artifacts/model", "gs://bucket/path",
            "runs:/abc123/model", "runs:/abc123", "models:/my-model/1", "models:/my-model@champion",
            "models:/m-0123456789abcdef", "models:/my-model/Production", "models:/my-model/latest"})
    void remoteSourcesWithAbsolutePathsAreAccepted(String source) {
        Map<String, String> runs = Map.of("abc123", "mlflow-artifacts:/1/abc123/artifacts");
        assertThatCode(() -> ModelSources.validate(source, Optional.empty(), Optional.empty(),
                runId -> runs.get(runId))).doesNotThrowAnyException();
    }

    @Test
    void fileUriWithARemoteHostIsRefusedAsInvalidParameter() {
        assertThatThrownBy(() -> validate("file://123.45.67.89/path/to/source", Optional.of(LOCAL_RUN)))
                .isInstanceOf(SlipwayException.class)
                .hasMessageContaining("file://123.45.67.89/path/to/source is not a valid remote uri")
                .extracting(e -> ((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
    }

    @Test
    void emptySchemeAndFileUrisAreNeverTreatedAsRemote() {
        assertThat(ModelSources.isLocal("/etc/passwd")).isTrue();
        assertThat(ModelSources.isLocal("etc/passwd")).isTrue();
        assertThat(ModelSources.isLocal("file:etc")).isTrue();
        assertThat(ModelSources.isLocal("file:///etc")).isTrue();
        assertThat(ModelSources.isLocal("FILE:///etc")).isTrue();
        assertThat(ModelSources.isLocal("file://localhost/etc")).isTrue();
        assertThat(ModelSources.isLocal("C:\\models")).isTrue();
        assertThat(ModelSources.isLocal("mlflow-artifacts:/x")).isFalse();
        assertThat(ModelSources.isLocal("s3://bucket/x")).isFalse();
    }

    @Test
    void runsSourcesMustNameAnExistingRunAndHaveTheRunsForm() {
        assertThatThrownBy(() -> validate("runs:/missing/model", Optional.empty()))
                .extracting(e -> ((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST);
        assertThatThrownBy(() -> validate("runs://host/model", Optional.empty()))
                .hasMessageContaining("A runs:/ URI must be runs:/<run_id>/<artifact path>");
        assertThatThrownBy(() -> validate("runs:/", Optional.empty()))
                .hasMessageContaining("A runs:/ URI must be");
    }

    @Test
    void modelsSourcesMustHaveOneOfMlflowsForms() {
        for (String source : new String[] {"models:/", "models:/a/b/c", "models://profile/a/1", "models:/a@",
                "models:/@alias"}) {
            assertThatThrownBy(() -> validate(source, Optional.empty())).as(source)
                    .hasMessageContaining("A models:/ URI must be");
        }
    }

    @Test
    void parsesRunsAndModelsUris() {
        assertThat(ModelSources.parseRunsUri("runs:/abc/model/MLmodel"))
                .contains(new RunReference("abc", "model/MLmodel"));
        assertThat(ModelSources.parseRunsUri("runs:/abc")).contains(new RunReference("abc", ""));
        assertThat(ModelSources.parseModelsUri("models:/m/3"))
                .contains(new ModelReference(ReferenceKind.VERSION, "m", "3"));
        assertThat(ModelSources.parseModelsUri("models:/m@prod"))
                .contains(new ModelReference(ReferenceKind.ALIAS, "m", "prod"));
        assertThat(ModelSources.parseModelsUri("models:/m/Staging"))
                .contains(new ModelReference(ReferenceKind.STAGE, "m", "Staging"));
        assertThat(ModelSources.parseModelsUri("models:/m/LATEST"))
                .contains(new ModelReference(ReferenceKind.LATEST, "m", ""));
        assertThat(ModelSources.parseModelsUri("models:/m-abc"))
                .contains(new ModelReference(ReferenceKind.LOGGED_MODEL, "m-abc", ""));
        assertThat(ModelSources.parseModelsUri("s3://bucket/m/1")).isEmpty();
    }
}
