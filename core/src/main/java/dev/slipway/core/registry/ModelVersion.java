package dev.slipway.core.registry;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import dev.slipway.core.tracking.Tag;
import java.util.List;
import java.util.Optional;

/**
 * One version of a registered model, numbered from 1. Times are epoch ms; tags by key, aliases sorted.
 * {@code modelId} names the MLflow 3 logged model the version was registered from.
 */
public record ModelVersion(String name, long version, long creationTimestamp, long lastUpdatedTimestamp,
        Optional<String> userId, ModelVersionStage currentStage, Optional<String> description, String source,
        Optional<String> runId, Optional<String> runLink, ModelVersionStatus status, List<Tag> tags,
        List<String> aliases, Optional<String> modelId) {
    public ModelVersion {
        requireNonNull(name, "name is null");
        if (version < 1) {
            throw new IllegalArgumentException("version must be positive: " + version);
        }
        requireNonNull(userId, "userId is null");
        requireNonNull(currentStage, "currentStage is null");
        requireNonNull(description, "description is null");
        requireNonNull(source, "source is null");
        requireNonNull(runId, "runId is null");
        requireNonNull(runLink, "runLink is null");
        requireNonNull(status, "status is null");
        tags = List.copyOf(requireNonNull(tags, "tags is null"));
        aliases = List.copyOf(requireNonNull(aliases, "aliases is null"));
        requireNonNull(modelId, "modelId is null");
    }

    /** A version that does not come from a logged model. */
    public ModelVersion(String name, long version, long creationTimestamp, long lastUpdatedTimestamp,
            Optional<String> userId, ModelVersionStage currentStage, Optional<String> description, String source,
            Optional<String> runId, Optional<String> runLink, ModelVersionStatus status, List<Tag> tags,
            List<String> aliases) {
        this(name, version, creationTimestamp, lastUpdatedTimestamp, userId, currentStage, description, source, runId,
                runLink, status, tags, aliases, Optional.empty());
    }

    /** MLflow's RESOURCE_DOES_NOT_EXIST error for a missing (or deleted) model version. */
    public static SlipwayException notFound(String name, long version) {
        return SlipwayException.notFound("Model Version (name=%s, version=%d) not found", name, version);
    }
}
