package dev.slipway.server;

import static dev.slipway.server.MlflowPaths.tracking;
import static io.javalin.http.HandlerType.DELETE;
import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.PATCH;
import static io.javalin.http.HandlerType.POST;
import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.artifacts.ArtifactPaths;
import dev.slipway.core.artifacts.ArtifactRepositories;
import dev.slipway.core.auth.Access;
import dev.slipway.core.logged.LoggedModelService;
import dev.slipway.core.registry.ModelVersion;
import dev.slipway.core.registry.NewModelVersion;
import dev.slipway.core.registry.RegisteredModel;
import dev.slipway.core.registry.RegistryService;
import dev.slipway.core.registry.SourceLocations;
import dev.slipway.core.tracking.Page;
import dev.slipway.core.tracking.Tag;
import dev.slipway.core.tracking.TrackingService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * The model registry endpoints of MLflow's REST API ({@code registered-models/*}, {@code model-versions/*}) and
 * the download of a version's files ({@code model-versions/get-artifact}). New versions' sources are checked with
 * MLflow's rules against the runs they name, so that no client can register, and then read, the server's own files.
 */
final class RegistryRoutes {
    private static final String ARTIFACT_PATH = "model-versions/get-artifact";

    private final RegistryService registry;
    private final LoggedModelService loggedModels;
    private final SourceLocations locations;
    private final ArtifactRepositories artifacts;
    private final RequestReader reader;

    RegistryRoutes(RegistryService registry, TrackingService tracking, LoggedModelService loggedModels,
            ArtifactRepositories artifacts, RequestReader reader) {
        this.registry = requireNonNull(registry, "registry is null");
        this.loggedModels = requireNonNull(loggedModels, "loggedModels is null");
        this.locations = new TrackedLocations(requireNonNull(tracking, "tracking is null"), loggedModels);
        this.artifacts = requireNonNull(artifacts, "artifacts is null");
        this.reader = requireNonNull(reader, "reader is null");
    }

    /** Runs' artifact URIs from the tracking store, logged models' artifact locations from their store. */
    private record TrackedLocations(TrackingService tracking, LoggedModelService loggedModels)
            implements SourceLocations {
        @Override
        public String runArtifactUri(String runId) {
            return tracking.getRunInfo(runId).artifactUri();
        }

        @Override
        public Optional<String> loggedModelArtifactUri(String modelId) {
            try {
                return Optional.of(loggedModels.getLoggedModel(modelId, false).info().artifactUri());
            } catch (SlipwayException e) {
                if (e.errorCode() == ErrorCode.RESOURCE_DOES_NOT_EXIST) {
                    return Optional.empty();
                }
                throw e;
            }
        }
    }

    void register(RoutesConfig routes) {
        tracking(routes, POST, "registered-models/create", this::createModel);
        tracking(routes, POST, "registered-models/rename", this::renameModel);
        tracking(routes, PATCH, "registered-models/update", this::updateModel);
        tracking(routes, DELETE, "registered-models/delete", this::deleteModel);
        tracking(routes, GET, "registered-models/get", this::getModel);
        tracking(routes, GET, "registered-models/search", this::searchModels);
        tracking(routes, GET, "registered-models/get-latest-versions", this::latestVersions);
        tracking(routes, POST, "registered-models/get-latest-versions", this::latestVersions);
        tracking(routes, POST, "registered-models/set-tag", this::setModelTag);
        tracking(routes, DELETE, "registered-models/delete-tag", this::deleteModelTag);
        tracking(routes, POST, "registered-models/alias", this::setAlias);
        tracking(routes, DELETE, "registered-models/alias", this::deleteAlias);
        tracking(routes, GET, "registered-models/alias", this::getByAlias);
        tracking(routes, POST, "model-versions/create", this::createVersion);
        tracking(routes, PATCH, "model-versions/update", this::updateVersion);
        tracking(routes, POST, "model-versions/transition-stage", this::transitionStage);
        tracking(routes, DELETE, "model-versions/delete", this::deleteVersion);
        tracking(routes, GET, "model-versions/get", this::getVersion);
        tracking(routes, GET, "model-versions/search", this::searchVersions);
        tracking(routes, GET, "model-versions/get-download-uri", this::downloadUri);
        tracking(routes, POST, "model-versions/set-tag", this::setVersionTag);
        tracking(routes, DELETE, "model-versions/delete-tag", this::deleteVersionTag);
        // MLflow serves this one beside /get-artifact, outside the API prefixes; the UI reaches it through ajax-api
        tracking(routes, GET, ARTIFACT_PATH, this::versionArtifact);
        routes.get("/" + ARTIFACT_PATH, this::versionArtifact);
    }

    // ---- registered models ---------------------------------------------------------------------

    private void createModel(Context ctx) {
        ApiRequest request = reader.read(ctx);
        String name = request.requiredString("name");
        List<Tag> tags = request.tags("tags");
        RegisteredModel created = registry.createRegisteredModel(name, request.string("description"), tags);
        Authentication.registeredModelCreated(ctx, created.name());
        sendModel(ctx, created);
    }

    private void renameModel(Context ctx) {
        ApiRequest request = reader.read(ctx);
        String name = request.requiredString("name");
        String newName = request.requiredString("new_name");
        RegisteredModel renamed = registry.renameRegisteredModel(name, newName);
        Authentication.registeredModelRenamed(ctx, name, renamed.name());
        sendModel(ctx, renamed);
    }

    private void updateModel(Context ctx) {
        ApiRequest request = reader.read(ctx);
        String name = request.requiredString("name");
        sendModel(ctx, registry.updateRegisteredModel(name, request.string("description")));
    }

    private void deleteModel(Context ctx) {
        String name = reader.read(ctx).requiredString("name");
        registry.deleteRegisteredModel(name);
        Authentication.registeredModelDeleted(ctx, name);
        WireFormat.sendEmpty(ctx);
    }

    private void getModel(Context ctx) {
        sendModel(ctx, registry.getRegisteredModel(reader.read(ctx).requiredString("name")));
    }

    private void searchModels(Context ctx) {
        ApiRequest request = reader.read(ctx);
        Optional<String> filter = request.string("filter");
        Optional<Long> maxResults = request.int64("max_results");
        List<String> orderBy = request.strings("order_by");
        Access access = Authentication.access(ctx);
        Page<RegisteredModel> page = access.readsEveryRegisteredModel()
                ? registry.searchRegisteredModels(filter, maxResults, orderBy, pageToken(request))
                : FilteredPages.filter(pageToken(request), pageSize(maxResults,
                        RegistryService.DEFAULT_REGISTERED_MODELS_RESULTS),
                        token -> registry.searchRegisteredModels(filter, maxResults, orderBy, token),
                        model -> access.canReadRegisteredModel(model.name()));
        WireFormat.send(ctx, WireFormat.object(generator -> {
            if (!page.items().isEmpty()) {
                generator.writeArrayFieldStart("registered_models");
                for (RegisteredModel model : page.items()) {
                    RegistryWireFormat.registeredModel(generator, model, latestVersions(model));
                }
                generator.writeEndArray();
            }
            if (page.nextPageToken().isPresent()) {
                generator.writeStringField("next_page_token", page.nextPageToken().get());
            }
        }));
    }

    private void latestVersions(Context ctx) {
        ApiRequest request = reader.read(ctx);
        String name = request.requiredString("name");
        List<ModelVersion> versions = registry.getLatestVersions(name, request.strings("stages"));
        WireFormat.send(ctx, WireFormat.object(
                generator -> RegistryWireFormat.modelVersions(generator, "model_versions", versions)));
    }

    private void setModelTag(Context ctx) {
        ApiRequest request = reader.read(ctx);
        String name = request.requiredString("name");
        Tag tag = new Tag(request.requiredString("key"), request.string("value").orElse(""));
        registry.setRegisteredModelTag(name, tag);
        WireFormat.sendEmpty(ctx);
    }

    private void deleteModelTag(Context ctx) {
        ApiRequest request = reader.read(ctx);
        String name = request.requiredString("name");
        registry.deleteRegisteredModelTag(name, request.requiredString("key"));
        WireFormat.sendEmpty(ctx);
    }

    // ---- aliases -------------------------------------------------------------------------------

    private void setAlias(Context ctx) {
        ApiRequest request = reader.read(ctx);
        String name = request.requiredString("name");
        String alias = request.requiredString("alias");
        registry.setAlias(name, alias, request.requiredId("version"));
        WireFormat.sendEmpty(ctx);
    }

    private void deleteAlias(Context ctx) {
        ApiRequest request = reader.read(ctx);
        String name = request.requiredString("name");
        registry.deleteAlias(name, request.requiredString("alias"));
        WireFormat.sendEmpty(ctx);
    }

    private void getByAlias(Context ctx) {
        ApiRequest request = reader.read(ctx);
        String name = request.requiredString("name");
        sendVersion(ctx, registry.getModelVersionByAlias(name, request.requiredString("alias")));
    }

    // ---- model versions ------------------------------------------------------------------------

    private void createVersion(Context ctx) {
        ApiRequest request = reader.read(ctx);
        String name = request.requiredString("name");
        String source = request.requiredString("source");
        Optional<String> modelId = nonEmpty(request.string("model_id"));
        NewModelVersion version = new NewModelVersion(name, source, nonEmpty(request.string("run_id")),
                nonEmpty(request.string("run_link")), request.string("description"), Optional.empty(),
                request.tags("tags"), modelId);
        if (modelId.isPresent()) {
            RegistryService.validateModelId(modelId.get());
            loggedModels.getLoggedModel(modelId.get(), false);
        }
        ModelVersion created = registry.createModelVersion(version, locations);
        // as MLflow does, the logged model records the versions registered from it
        if (modelId.isPresent()) {
            loggedModels.recordRegistration(modelId.get(), created.name(), Long.toString(created.version()));
        }
        sendVersion(ctx, created);
    }

    private void updateVersion(Context ctx) {
        ApiRequest request = reader.read(ctx);
        String name = request.requiredString("name");
        String version = request.requiredId("version");
        sendVersion(ctx, registry.updateModelVersion(name, version, request.string("description")));
    }

    private void transitionStage(Context ctx) {
        ApiRequest request = reader.read(ctx);
        String name = request.requiredString("name");
        String version = request.requiredId("version");
        String stage = request.requiredString("stage");
        boolean archiveExisting = request.bool("archive_existing_versions").orElse(false);
        sendVersion(ctx, registry.transitionModelVersionStage(name, version, stage, archiveExisting));
    }

    private void deleteVersion(Context ctx) {
        ApiRequest request = reader.read(ctx);
        String name = request.requiredString("name");
        registry.deleteModelVersion(name, request.requiredId("version"));
        WireFormat.sendEmpty(ctx);
    }

    private void getVersion(Context ctx) {
        ApiRequest request = reader.read(ctx);
        String name = request.requiredString("name");
        sendVersion(ctx, registry.getModelVersion(name, request.requiredId("version")));
    }

    private void searchVersions(Context ctx) {
        ApiRequest request = reader.read(ctx);
        Optional<String> filter = request.string("filter");
        Optional<Long> maxResults = request.int64("max_results");
        List<String> orderBy = request.strings("order_by");
        Access access = Authentication.access(ctx);
        Page<ModelVersion> page = access.readsEveryRegisteredModel()
                ? registry.searchModelVersions(filter, maxResults, orderBy, pageToken(request))
                : FilteredPages.filter(pageToken(request), pageSize(maxResults,
                        RegistryService.DEFAULT_MODEL_VERSIONS_RESULTS),
                        token -> registry.searchModelVersions(filter, maxResults, orderBy, token),
                        version -> access.canReadRegisteredModel(version.name()));
        WireFormat.send(ctx, WireFormat.object(generator -> {
            RegistryWireFormat.modelVersions(generator, "model_versions", page.items());
            if (page.nextPageToken().isPresent()) {
                generator.writeStringField("next_page_token", page.nextPageToken().get());
            }
        }));
    }

    private void downloadUri(Context ctx) {
        ApiRequest request = reader.read(ctx);
        String name = request.requiredString("name");
        String uri = registry.getModelVersionDownloadUri(name, request.requiredId("version"), locations);
        WireFormat.send(ctx, WireFormat.object(generator -> generator.writeStringField("artifact_uri", uri)));
    }

    private void setVersionTag(Context ctx) {
        ApiRequest request = reader.read(ctx);
        String name = request.requiredString("name");
        String version = request.requiredId("version");
        String key = request.requiredString("key");
        String value = request.string("value").orElseThrow(() -> request.missingValue("value"));
        registry.setModelVersionTag(name, version, new Tag(key, value));
        WireFormat.sendEmpty(ctx);
    }

    private void deleteVersionTag(Context ctx) {
        ApiRequest request = reader.read(ctx);
        String name = request.requiredString("name");
        String version = request.requiredId("version");
        registry.deleteModelVersionTag(name, version, request.requiredString("key"));
        WireFormat.sendEmpty(ctx);
    }

    /** One file of the version's artifacts, sent as an attachment like {@code /get-artifact}. */
    private void versionArtifact(Context ctx) throws IOException {
        ApiRequest request = reader.read(ctx);
        String path = ArtifactPaths.validate(request.requiredString("path"));
        String name = request.requiredString("name");
        String version = request.requiredId("version");
        String location = registry.getModelVersionDownloadUri(name, version, locations);
        InputStream content = artifacts.resolve(location).open(path).orElseThrow(() -> SlipwayException.notFound(
                "Artifact '%s' not found in model version %s of '%s'", path, version, name));
        ArtifactDownloads.send(ctx, path, content);
    }

    // ---- plumbing ------------------------------------------------------------------------------

    private List<ModelVersion> latestVersions(RegisteredModel model) {
        return registry.getLatestVersions(model.name(), List.of());
    }

    private void sendModel(Context ctx, RegisteredModel model) {
        List<ModelVersion> latest = latestVersions(model);
        WireFormat.send(ctx, WireFormat.object(generator -> {
            generator.writeFieldName("registered_model");
            RegistryWireFormat.registeredModel(generator, model, latest);
        }));
    }

    private static void sendVersion(Context ctx, ModelVersion version) {
        WireFormat.send(ctx, WireFormat.object(generator -> {
            generator.writeFieldName("model_version");
            RegistryWireFormat.modelVersion(generator, version);
        }));
    }

    /** The page size of a search: the request's max_results (checked by the service before any page is used). */
    private static int pageSize(Optional<Long> maxResults, int defaultSize) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, maxResults.orElse((long) defaultSize)));
    }

    /** An empty page token is no token, as in MLflow. */
    private static Optional<String> pageToken(ApiRequest request) {
        return nonEmpty(request.string("page_token"));
    }

    private static Optional<String> nonEmpty(Optional<String> value) {
        return value.filter(text -> !text.isEmpty());
    }
}
