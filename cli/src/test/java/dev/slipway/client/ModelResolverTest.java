package dev.slipway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.cli.RunningServer;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.artifacts.ArtifactRepositories;
import dev.slipway.core.logged.LoggedModel;
import dev.slipway.core.registry.ModelVersionStage;
import dev.slipway.core.registry.NewModelVersion;
import dev.slipway.core.tracking.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ModelResolver against a real Slipway server on an ephemeral port: two runs each upload a model folder (MLmodel, a
 * small file, a sub folder) with TrackingClient.logArtifact; the registry model has version 1 (Production, alias
 * champion) from the first run and version 2 (alias challenger) from the second.
 */
class ModelResolverTest {
    @TempDir
    static Path folder;

    @TempDir
    Path downloads;

    private static RunningServer server;
    private static TrackingClient tracking;
    private static ModelResolver resolver;
    private static String name;
    private static Run first;
    private static Run second;

    @BeforeAll
    static void startServerAndRegisterAModel() {
        server = RunningServer.onFolder(folder);
        tracking = server.client();
        resolver = new ModelResolver(Optional.of(tracking));
        name = "churn-" + UUID.randomUUID().toString().substring(0, 8);
        first = runWithModel("first");
        second = runWithModel("second");
        RegistryClient registry = tracking.registry();
        registry.createRegisteredModel(name, Optional.empty(), List.of());
        registry.createModelVersion(version("runs:/" + first.info().runId() + "/model", first));
        registry.createModelVersion(version("runs:/" + second.info().runId() + "/model", second));
        registry.transitionModelVersionStage(name, 1, ModelVersionStage.PRODUCTION, false);
        registry.setAlias(name, "champion", 1);
        registry.setAlias(name, "challenger", 2);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            assertThat(server.stop()).isZero();
        }
    }

    private static Run runWithModel(String label) {
        Run run = tracking.createRun("0");
        String runId = run.info().runId();
        tracking.logArtifact(runId, "model/MLmodel", ("flavors:\n  onnx: {}\nlabel: " + label + "\n")
                .getBytes(StandardCharsets.UTF_8));
        tracking.logArtifact(runId, "model/weights.txt", ("weights of " + label).getBytes(StandardCharsets.UTF_8));
        tracking.logArtifact(runId, "model/sub/extra.txt", "extra".getBytes(StandardCharsets.UTF_8));
        return run;
    }

    private static NewModelVersion version(String source, Run run) {
        return new NewModelVersion(name, source, Optional.of(run.info().runId()), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of());
    }

    private static void assertModelFolder(Path model, String label) throws IOException {
        assertThat(model.resolve("MLmodel")).content(StandardCharsets.UTF_8).contains("label: " + label);
        assertThat(model.resolve("weights.txt")).hasContent("weights of " + label);
        assertThat(model.resolve("sub").resolve("extra.txt")).hasContent("extra");
        try (var files = Files.walk(model)) {
            assertThat(files.filter(Files::isRegularFile).count()).isEqualTo(3);
        }
    }

    private Path download(String modelUri) {
        return resolver.localFolder(resolver.resolve(modelUri), downloads.resolve("model"));
    }

    private static void assertFails(ThrowingCallable call, ErrorCode code, String message) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(SlipwayException.class, e -> assertThat(e.errorCode()).isEqualTo(code))
                .hasMessageContaining(message);
    }

    // ---- registry URIs -----------------------------------------------------------------------

    @Test
    void versionUriResolvesToTheRunModelFolderAndDownloadsIt() throws IOException {
        ModelResolver.ResolvedModel resolved = resolver.resolve("models:/" + name + "/1");

        assertThat(resolved.location()).isEqualTo(first.info().artifactUri() + "/model");
        assertThat(resolved.version()).hasValueSatisfying(version -> assertThat(version.version()).isEqualTo(1));
        Path model = resolver.localFolder(resolved, downloads.resolve("v1"));
        assertThat(model).isEqualTo(downloads.resolve("v1"));
        assertModelFolder(model, "first");
    }

    @Test
    void aliasUriFollowsTheAlias() throws IOException {
        assertThat(resolver.resolve("models:/" + name + "@challenger").version())
                .hasValueSatisfying(version -> assertThat(version.version()).isEqualTo(2));
        assertModelFolder(download("models:/" + name + "@champion"), "first");
    }

    @Test
    void stageUriTakesTheLatestVersionInTheStage() throws IOException {
        assertThat(resolver.resolve("models:/" + name + "/Production").version())
                .hasValueSatisfying(version -> assertThat(version.version()).isEqualTo(1));
        assertModelFolder(download("models:/" + name + "/production"), "first");
    }

    @Test
    void latestUriTakesTheHighestVersion() throws IOException {
        assertThat(resolver.resolve("models:/" + name + "/latest").version())
                .hasValueSatisfying(version -> assertThat(version.version()).isEqualTo(2));
        assertModelFolder(download("models:/" + name + "/latest"), "second");
    }

    @Test
    void unknownModelVersionAliasOrEmptyStageFailsWithResourceDoesNotExist() {
        assertFails(() -> resolver.resolve("models:/" + name + "/9"), ErrorCode.RESOURCE_DOES_NOT_EXIST,
                "version=9");
        assertFails(() -> resolver.resolve("models:/" + name + "@nobody"), ErrorCode.RESOURCE_DOES_NOT_EXIST,
                "nobody");
        assertFails(() -> resolver.resolve("models:/" + name + "/Staging"), ErrorCode.RESOURCE_DOES_NOT_EXIST,
                "Staging");
        assertFails(() -> resolver.resolve("models:/no-such-model/1"), ErrorCode.RESOURCE_DOES_NOT_EXIST,
                "no-such-model");
        assertFails(() -> resolver.resolve("models:/no-such-model/latest"), ErrorCode.RESOURCE_DOES_NOT_EXIST,
                "no-such-model");
    }

    @Test
    void registryUriWithoutATrackingServerFailsWithInvalidParameterValue() {
        ModelResolver offline = new ModelResolver(Optional.empty());

        assertFails(() -> offline.resolve("models:/" + name + "/1"), ErrorCode.INVALID_PARAMETER_VALUE,
                "no tracking server is configured");
    }

    @Test
    void malformedModelUriFailsWithInvalidParameterValue() {
        assertFails(() -> resolver.resolve("models:/" + name), ErrorCode.INVALID_PARAMETER_VALUE,
                "Invalid model URI");
    }

    // ---- run and artifact URIs ---------------------------------------------------------------

    @Test
    void runUriResolvesToTheRunArtifactsAndDownloadsThem() throws IOException {
        ModelResolver.ResolvedModel resolved = resolver.resolve("runs:/" + second.info().runId() + "/model");

        assertThat(resolved.location()).isEqualTo(second.info().artifactUri() + "/model");
        assertThat(resolved.version()).isEmpty();
        assertModelFolder(resolver.localFolder(resolved, downloads.resolve("run")), "second");
    }

    @Test
    void unknownRunFailsWithResourceDoesNotExist() {
        String runId = "0123456789abcdef0123456789abcdef";

        assertFails(() -> resolver.resolve("runs:/" + runId + "/model"), ErrorCode.RESOURCE_DOES_NOT_EXIST, runId);
    }

    @Test
    void runPathWithoutFilesFailsWithResourceDoesNotExist() {
        ModelResolver.ResolvedModel resolved = resolver.resolve("runs:/" + first.info().runId() + "/nothing-here");

        assertFails(() -> resolver.localFolder(resolved, downloads.resolve("none")), ErrorCode.RESOURCE_DOES_NOT_EXIST,
                "No model files");
    }

    @Test
    void proxiedArtifactUriIsDownloadedThroughTheServer() throws IOException {
        String location = first.info().artifactUri() + "/model";
        assertThat(location).startsWith(ArtifactRepositories.PROXY_SCHEME + ":/");

        ModelResolver.ResolvedModel resolved = resolver.resolve(location);

        assertThat(resolved.location()).isEqualTo(location);
        assertModelFolder(resolver.localFolder(resolved, downloads.resolve("proxied")), "first");
        assertModelFolder(resolver.localFolder(resolver.resolve(location + "/"), downloads.resolve("slash")), "first");
    }

    @Test
    void localFolderAndFileUriAreUsedInPlace() throws IOException {
        Path local = downloads.resolve("local");
        Files.createDirectories(local.resolve("sub"));
        Files.writeString(local.resolve("MLmodel"), "flavors:\n  onnx: {}\nlabel: local\n");
        Files.writeString(local.resolve("weights.txt"), "weights of local");
        Files.writeString(local.resolve("sub").resolve("extra.txt"), "extra");

        Path plain = resolver.localFolder(resolver.resolve(local.toString()), downloads.resolve("unused"));
        Path fromFileUri = resolver.localFolder(resolver.resolve(local.toUri().toString()),
                downloads.resolve("unused"));

        assertThat(plain).isEqualTo(local.toAbsolutePath());
        assertThat(fromFileUri).isEqualTo(local.toAbsolutePath());
        assertModelFolder(plain, "local");
        assertThat(downloads.resolve("unused")).doesNotExist();
    }

    @Test
    void localFilesResolveWithoutATrackingServer() {
        ModelResolver offline = new ModelResolver(Optional.empty());

        assertThat(offline.localFolder(offline.resolve(folder.toString()), downloads)).isEqualTo(folder);
    }

    @Test
    void missingOrEmptyLocalFolderFailsWithResourceDoesNotExist() throws IOException {
        Path empty = Files.createDirectories(downloads.resolve("empty"));
        Path missing = downloads.resolve("missing");

        assertFails(() -> resolver.localFolder(resolver.resolve(missing.toString()), downloads),
                ErrorCode.RESOURCE_DOES_NOT_EXIST, missing.toString());
        assertFails(() -> resolver.localFolder(resolver.resolve(empty.toUri().toString()), downloads),
                ErrorCode.RESOURCE_DOES_NOT_EXIST, "No model files");
    }

    @Test
    void remoteSchemeFailsWithAClearInvalidParameterValue() {
        for (String location : List.of("s3://bucket/models/churn", "gs://bucket/model", "file://otherhost/model")) {
            assertFails(() -> resolver.localFolder(resolver.resolve(location), downloads),
                    ErrorCode.INVALID_PARAMETER_VALUE, "Cannot read the model at '" + location + "'");
        }
    }

    @Test
    void registryVersionWithARemoteSourceFailsWithInvalidParameterValueNamingTheUri() {
        String remote = "remote-" + UUID.randomUUID().toString().substring(0, 8);
        tracking.registry().createRegisteredModel(remote, Optional.empty(), List.of());
        tracking.registry().createModelVersion(new NewModelVersion(remote, "s3://bucket/models/churn",
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of()));

        ModelResolver.ResolvedModel resolved = resolver.resolve("models:/" + remote + "/1");

        assertThat(resolved.location()).isEqualTo("s3://bucket/models/churn");
        assertFails(() -> resolver.localFolder(resolved, downloads), ErrorCode.INVALID_PARAMETER_VALUE,
                "models:/" + remote + "/1");
    }

    // ---- logged models -----------------------------------------------------------------------

    @Test
    void loggedModelUriResolvesToTheModelArtifactsAndDownloadsThem() throws IOException {
        LoggedModel logged = tracking.loggedModels().createLoggedModel("0", Optional.of("scorer"), Optional.empty(),
                Optional.of(first.info().runId()), List.of(), List.of());
        String root = ArtifactRepositories.proxyPath(logged.info().artifactUri());
        tracking.uploadArtifact(root + "/MLmodel",
                "flavors:\n  onnx: {}\nlabel: logged\n".getBytes(StandardCharsets.UTF_8));
        tracking.uploadArtifact(root + "/weights.txt", "weights of logged".getBytes(StandardCharsets.UTF_8));
        tracking.uploadArtifact(root + "/sub/extra.txt", "extra".getBytes(StandardCharsets.UTF_8));

        ModelResolver.ResolvedModel resolved = resolver.resolve("models:/" + logged.modelId());

        assertThat(resolved.uri()).isInstanceOf(ModelUri.LoggedModel.class);
        assertThat(resolved.location()).isEqualTo(logged.info().artifactUri());
        assertModelFolder(resolver.localFolder(resolved, downloads.resolve("logged")), "logged");
    }

    @Test
    void registryVersionOfALoggedModelDownloadsTheLoggedModelFiles() throws IOException {
        LoggedModel logged = tracking.loggedModels().createLoggedModel("0", Optional.empty(), Optional.empty(),
                Optional.empty(), List.of(), List.of());
        String root = ArtifactRepositories.proxyPath(logged.info().artifactUri());
        tracking.uploadArtifact(root + "/MLmodel", "label: registered\n".getBytes(StandardCharsets.UTF_8));
        String registered = "from-logged-" + UUID.randomUUID().toString().substring(0, 8);
        tracking.registry().createRegisteredModel(registered, Optional.empty(), List.of());
        tracking.registry().createModelVersion(new NewModelVersion(registered, "models:/" + logged.modelId(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of(),
                Optional.of(logged.modelId())));

        Path model = download("models:/" + registered + "/1");

        assertThat(model.resolve("MLmodel")).hasContent("label: registered");
    }

    @Test
    void unknownOrDeletedLoggedModelFailsWithResourceDoesNotExist() {
        String unknown = "m-0123456789abcdef0123456789abcdef";
        assertFails(() -> resolver.resolve("models:/" + unknown), ErrorCode.RESOURCE_DOES_NOT_EXIST, unknown);

        LoggedModel logged = tracking.loggedModels().createLoggedModel("0", Optional.empty(), Optional.empty(),
                Optional.empty(), List.of(), List.of());
        tracking.loggedModels().deleteLoggedModel(logged.modelId());
        assertFails(() -> resolver.resolve("models:/" + logged.modelId()), ErrorCode.RESOURCE_DOES_NOT_EXIST,
                logged.modelId());
    }

    @Test
    void loggedModelWithoutFilesFailsWithResourceDoesNotExist() {
        LoggedModel logged = tracking.loggedModels().createLoggedModel("0", Optional.empty(), Optional.empty(),
                Optional.empty(), List.of(), List.of());

        ModelResolver.ResolvedModel resolved = resolver.resolve("models:/" + logged.modelId());

        assertFails(() -> resolver.localFolder(resolved, downloads), ErrorCode.RESOURCE_DOES_NOT_EXIST,
                "No model files");
    }
}
