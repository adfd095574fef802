package dev.slipway.core.registry;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.tracking.Tag;
import java.util.List;
import java.util.Optional;

/**
 * What a new model version is created from; the store assigns its number, stage None and status READY.
 * {@code modelId} names the MLflow 3 logged model the version was registered from.
 */
public record NewModelVersion(String name, String source, Optional<String> runId, Optional<String> runLink,
        Optional<String> description, Optional<String> userId, List<Tag> tags, Optional<String> modelId) {
    public NewModelVersion {
        requireNonNull(name, "name is null");
        requireNonNull(source, "source is null");
        requireNonNull(runId, "runId is null");
        requireNonNull(runLink, "runLink is null");
        requireNonNull(description, "description is null");
        requireNonNull(userId, "userId is null");
        tags = List.copyOf(requireNonNull(tags, "tags is null"));
        requireNonNull(modelId, "modelId is null");
    }

    /** A version that does not come from a logged model. */
    public NewModelVersion(String name, String source, Optional<String> runId, Optional<String> runLink,
            Optional<String> description, Optional<String> userId, List<Tag> tags) {
        this(name, source, runId, runLink, description, userId, tags, Optional.empty());
    }
}
