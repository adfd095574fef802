package dev.slipway.core.registry;

import dev.slipway.core.search.Comparison;
import dev.slipway.core.search.OrderBy;
import dev.slipway.core.tracking.Page;
import dev.slipway.core.tracking.Tag;
import java.util.List;
import java.util.Optional;

/**
 * The persistence port of the model registry. {@link RegistryService} validates every argument before it gets
 * here, so implementations only enforce what needs the stored state (unique names, existing models and versions).
 * A deleted model version is invisible to every method: it reads as absent and writes to it fail as not found.
 *
 * <p>Implementations are thread-safe. A method that returns normally has made its change durable. Failures are
 * {@link dev.slipway.core.SlipwayException}s with MLflow error codes: RESOURCE_DOES_NOT_EXIST with
 * {@link RegisteredModel#notFound} or {@link ModelVersion#notFound} for a missing model or version.
 */
public interface RegistryStore extends AutoCloseable {

    /** @throws dev.slipway.core.SlipwayException RESOURCE_ALREADY_EXISTS if a model has the name */
    RegisteredModel createRegisteredModel(String name, Optional<String> description, List<Tag> tags, long time);

    Optional<RegisteredModel> getRegisteredModel(String name);

    /**
     * Renames the model, keeping its versions, tags and aliases.
     *
     * @throws dev.slipway.core.SlipwayException RESOURCE_ALREADY_EXISTS if another model has the new name
     */
    RegisteredModel renameRegisteredModel(String name, String newName, long time);

    /** Sets the description (clears it when absent). */
    RegisteredModel updateRegisteredModelDescription(String name, Optional<String> description, long time);

    /** Deletes the model with all its versions, tags and aliases. */
    void deleteRegisteredModel(String name);

    /** Sets a tag, overwriting the value of an existing key. */
    void setRegisteredModelTag(String name, Tag tag);

    /** @return whether a tag with the key existed */
    boolean deleteRegisteredModelTag(String name, String key);

    /**
     * Creates the next version of the model: one more than the highest version ever created for it, so numbers
     * of deleted versions are never reused. The version starts in stage None with status READY.
     */
    ModelVersion createModelVersion(NewModelVersion version, long time);

    Optional<ModelVersion> getModelVersion(String name, long version);

    ModelVersion updateModelVersionDescription(String name, long version, Optional<String> description, long time);

    /** Deletes the version softly (its number stays taken) and removes the aliases that point to it. */
    void deleteModelVersion(String name, long version, long time);

    /**
     * Moves the version to the stage. With {@code archiveExistingVersions} and a target stage of Staging or
     * Production, the model's other versions in that stage move to Archived.
     */
    ModelVersion transitionModelVersionStage(String name, long version, ModelVersionStage stage,
            boolean archiveExistingVersions, long time);

    void setModelVersionTag(String name, long version, Tag tag);

    /** @return whether a tag with the key existed */
    boolean deleteModelVersionTag(String name, long version, String key);

    /** Points the alias at the version, creating the alias or moving it from another version. */
    void setAlias(String name, String alias, long version);

    /**
     * @return whether the alias existed
     * @throws dev.slipway.core.SlipwayException RESOURCE_DOES_NOT_EXIST if there is no such model
     */
    boolean deleteAlias(String name, String alias);

    /**
     * The version the alias points to; absent if the model has no such alias.
     *
     * @throws dev.slipway.core.SlipwayException RESOURCE_DOES_NOT_EXIST if there is no such model
     */
    Optional<ModelVersion> getModelVersionByAlias(String name, String alias);

    /**
     * The highest version in each of the stages, in the order of {@code stages}; stages without versions are left
     * out.
     *
     * @throws dev.slipway.core.SlipwayException RESOURCE_DOES_NOT_EXIST if there is no such model
     */
    List<ModelVersion> latestVersions(String name, List<ModelVersionStage> stages);

    /**
     * Models matching every comparison (attribute {@code name}; tags), ordered by the terms (attributes
     * {@code name}, {@code creation_timestamp}, {@code last_updated_timestamp}) then by name.
     */
    Page<RegisteredModel> searchRegisteredModels(List<Comparison> filter, List<OrderBy> orderBy, int maxResults,
            long offset);

    /**
     * Versions matching every comparison (attributes {@code name}, {@code version_number}, {@code run_id},
     * {@code source_path}; tags), ordered by the terms (attributes {@code name}, {@code version_number},
     * {@code creation_timestamp}, {@code last_updated_timestamp}) then by name ascending and version descending.
     */
    Page<ModelVersion> searchModelVersions(List<Comparison> filter, List<OrderBy> orderBy, int maxResults,
            long offset);

    @Override
    void close();
}
