package dev.slipway.core.logged;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.tracking.LifecycleStage;
import dev.slipway.core.tracking.Tag;
import java.util.List;
import java.util.Optional;

/**
 * The metadata of a logged model: where its files are ({@code artifactUri}), its upload status, the run that
 * produced it, its tags (sorted by key) and the model versions registered from it. Times are epoch ms. A deleted
 * model ({@code lifecycleStage} DELETED) is only visible to reads that ask for deleted models.
 */
public record LoggedModelInfo(String modelId, String experimentId, String name, long creationTimestamp,
        long lastUpdatedTimestamp, String artifactUri, LoggedModelStatus status, Optional<Long> creatorId,
        Optional<String> modelType, Optional<String> sourceRunId, Optional<String> statusMessage,
        LifecycleStage lifecycleStage, List<Tag> tags, List<ModelRegistration> registrations) {
    public LoggedModelInfo {
        requireNonNull(modelId, "modelId is null");
        requireNonNull(experimentId, "experimentId is null");
        requireNonNull(name, "name is null");
        requireNonNull(artifactUri, "artifactUri is null");
        requireNonNull(status, "status is null");
        requireNonNull(creatorId, "creatorId is null");
        requireNonNull(modelType, "modelType is null");
        requireNonNull(sourceRunId, "sourceRunId is null");
        requireNonNull(statusMessage, "statusMessage is null");
        requireNonNull(lifecycleStage, "lifecycleStage is null");
        tags = List.copyOf(requireNonNull(tags, "tags is null"));
        registrations = List.copyOf(requireNonNull(registrations, "registrations is null"));
    }
}
