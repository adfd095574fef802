package dev.slipway.client;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.registry.ModelVersion;
import dev.slipway.core.registry.ModelVersionStage;
import dev.slipway.core.registry.NewModelVersion;
import dev.slipway.core.registry.RegisteredModel;
import dev.slipway.core.tracking.Page;
import dev.slipway.core.tracking.Tag;
import java.util.List;
import java.util.Optional;

/**
 * A client of the model registry of an MLflow-compatible server (Slipway's or MLflow's own): registered models,
 * model versions, stages, aliases and tags. Obtained from {@link TrackingClient#registry()}.
 *
 * <p>Every method throws {@link dev.slipway.core.SlipwayException} with the server's {@code error_code} and
 * message, as {@link TrackingClient} does. Thread-safe.
 */
public final class RegistryClient {
    private static final String API = "api/2.0/mlflow/";

    private final RestTransport transport;

    RegistryClient(RestTransport transport) {
        this.transport = requireNonNull(transport, "transport is null");
    }

    // ---- registered models -------------------------------------------------------------------

    public RegisteredModel createRegisteredModel(String name, Optional<String> description, List<Tag> tags) {
        ObjectNode body = transport.object().put("name", name);
        description.ifPresent(value -> body.put("description", value));
        body.set("tags", TrackingJson.tags(tags));
        return RegistryJson.registeredModel(post("registered-models/create", body).path("registered_model"));
    }

    /** @throws dev.slipway.core.SlipwayException RESOURCE_DOES_NOT_EXIST if there is no such model */
    public RegisteredModel getRegisteredModel(String name) {
        return RegistryJson.registeredModel(get("registered-models/get", new Query().add("name", name))
                .path("registered_model"));
    }

    public RegisteredModel renameRegisteredModel(String name, String newName) {
        return RegistryJson.registeredModel(post("registered-models/rename",
                transport.object().put("name", name).put("new_name", newName)).path("registered_model"));
    }

    /** Sets the description; an absent one clears it, as on MLflow's server. */
    public RegisteredModel updateRegisteredModel(String name, Optional<String> description) {
        ObjectNode body = transport.object().put("name", name);
        description.ifPresent(value -> body.put("description", value));
        return RegistryJson.registeredModel(transport.patch(API + "registered-models/update", body)
                .path("registered_model"));
    }

    /** Deletes the model with all its versions, tags and aliases. */
    public void deleteRegisteredModel(String name) {
        transport.delete(API + "registered-models/delete", transport.object().put("name", name));
    }

    /** One page of models matching the filter ({@code name LIKE 'churn%'}, {@code tags.team = 'x'}). */
    public Page<RegisteredModel> searchRegisteredModels(Optional<String> filter, Optional<Integer> maxResults,
            List<String> orderBy, Optional<String> pageToken) {
        Query query = new Query();
        filter.ifPresent(value -> query.add("filter", value));
        maxResults.ifPresent(value -> query.add("max_results", String.valueOf(value)));
        orderBy.forEach(value -> query.add("order_by", value));
        pageToken.ifPresent(value -> query.add("page_token", value));
        JsonNode response = get("registered-models/search", query);
        return new Page<>(TrackingJson.list(response.path("registered_models"), RegistryJson::registeredModel),
                RestTransport.nextPageToken(response));
    }

    /** Every model matching the filter, following page tokens. */
    public List<RegisteredModel> searchAllRegisteredModels(Optional<String> filter, List<String> orderBy) {
        return Pages.all(pageToken -> searchRegisteredModels(filter, Optional.empty(), orderBy, pageToken));
    }

    /** The latest version in each of the stages (every stage when empty). */
    public List<ModelVersion> getLatestVersions(String name, List<ModelVersionStage> stages) {
        ObjectNode body = transport.object().put("name", name);
        ArrayNode stageArray = body.putArray("stages");
        stages.forEach(stage -> stageArray.add(stage.wireName()));
        return TrackingJson.list(post("registered-models/get-latest-versions", body).path("model_versions"),
                RegistryJson::modelVersion);
    }

    public void setRegisteredModelTag(String name, Tag tag) {
        post("registered-models/set-tag", transport.object().put("name", name).put("key", tag.key())
                .put("value", tag.value()));
    }

    public void deleteRegisteredModelTag(String name, String key) {
        transport.delete(API + "registered-models/delete-tag", transport.object().put("name", name).put("key", key));
    }

    // ---- aliases -----------------------------------------------------------------------------

    /** Points the alias at the version, moving it if another version had it. */
    public void setAlias(String name, String alias, long version) {
        post("registered-models/alias", transport.object().put("name", name).put("alias", alias)
                .put("version", String.valueOf(version)));
    }

    public void deleteAlias(String name, String alias) {
        transport.delete(API + "registered-models/alias", transport.object().put("name", name).put("alias", alias));
    }

    /** @throws dev.slipway.core.SlipwayException RESOURCE_DOES_NOT_EXIST if the model has no such alias */
    public ModelVersion getModelVersionByAlias(String name, String alias) {
        return RegistryJson.modelVersion(get("registered-models/alias",
                new Query().add("name", name).add("alias", alias)).path("model_version"));
    }

    // ---- model versions ----------------------------------------------------------------------

    /** Creates the model's next version; the server assigns its number. */
    public ModelVersion createModelVersion(NewModelVersion version) {
        ObjectNode body = transport.object().put("name", version.name()).put("source", version.source());
        version.runId().ifPresent(value -> body.put("run_id", value));
        version.runLink().ifPresent(value -> body.put("run_link", value));
        version.description().ifPresent(value -> body.put("description", value));
        version.modelId().ifPresent(value -> body.put("model_id", value));
        body.set("tags", TrackingJson.tags(version.tags()));
        return RegistryJson.modelVersion(post("model-versions/create", body).path("model_version"));
    }

    public ModelVersion getModelVersion(String name, long version) {
        return RegistryJson.modelVersion(get("model-versions/get", versionQuery(name, version)).path("model_version"));
    }

    /** Sets the description; an absent one clears it, as on MLflow's server. */
    public ModelVersion updateModelVersion(String name, long version, Optional<String> description) {
        ObjectNode body = versionBody(name, version);
        description.ifPresent(value -> body.put("description", value));
        return RegistryJson.modelVersion(transport.patch(API + "model-versions/update", body).path("model_version"));
    }

    /** Deletes the version; its number is never reused and its aliases go with it. */
    public void deleteModelVersion(String name, long version) {
        transport.delete(API + "model-versions/delete", versionBody(name, version));
    }

    /**
     * Moves the version to the stage; with {@code archiveExistingVersions} the model's other versions in that stage
     * (Staging or Production) move to Archived.
     */
    public ModelVersion transitionModelVersionStage(String name, long version, ModelVersionStage stage,
            boolean archiveExistingVersions) {
        ObjectNode body = versionBody(name, version).put("stage", stage.wireName())
                .put("archive_existing_versions", archiveExistingVersions);
        return RegistryJson.modelVersion(post("model-versions/transition-stage", body).path("model_version"));
    }

    /** One page of versions matching the filter ({@code name = 'churn'}, {@code run_id = '...'}). */
    public Page<ModelVersion> searchModelVersions(Optional<String> filter, Optional<Integer> maxResults,
            List<String> orderBy, Optional<String> pageToken) {
        Query query = new Query();
        filter.ifPresent(value -> query.add("filter", value));
        maxResults.ifPresent(value -> query.add("max_results", String.valueOf(value)));
        orderBy.forEach(value -> query.add("order_by", value));
        pageToken.ifPresent(value -> query.add("page_token", value));
        JsonNode response = get("model-versions/search", query);
        return new Page<>(TrackingJson.list(response.path("model_versions"), RegistryJson::modelVersion),
                RestTransport.nextPageToken(response));
    }

    /** Every version matching the filter, following page tokens. */
    public List<ModelVersion> searchAllModelVersions(Optional<String> filter, List<String> orderBy) {
        return Pages.all(pageToken -> searchModelVersions(filter, Optional.empty(), orderBy, pageToken));
    }

    /** Where the version's files can be downloaded from ({@code mlflow-artifacts:/...}, {@code s3://...}, ...). */
    public String getModelVersionDownloadUri(String name, long version) {
        return RestTransport.requiredText(get("model-versions/get-download-uri", versionQuery(name, version)),
                "artifact_uri");
    }

    public void setModelVersionTag(String name, long version, Tag tag) {
        post("model-versions/set-tag", versionBody(name, version).put("key", tag.key()).put("value", tag.value()));
    }

    public void deleteModelVersionTag(String name, long version, String key) {
        transport.delete(API + "model-versions/delete-tag", versionBody(name, version).put("key", key));
    }

    private ObjectNode versionBody(String name, long version) {
        return transport.object().put("name", name).put("version", String.valueOf(version));
    }

    private static Query versionQuery(String name, long version) {
        return new Query().add("name", name).add("version", String.valueOf(version));
    }

    private JsonNode get(String endpoint, Query query) {
        return transport.get(API + endpoint, query);
    }

    private JsonNode post(String endpoint, ObjectNode body) {
        return transport.post(API + endpoint, body);
    }
}
