package dev.slipway.core.logged;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.tracking.Param;
import dev.slipway.core.tracking.Tag;
import java.util.List;
import java.util.Optional;

/**
 * What a new logged model is created from; it starts PENDING and active, with creation and update time
 * {@code creationTimestamp}. Params and tags have distinct keys.
 */
public record NewLoggedModel(String modelId, String experimentId, String name, String artifactUri,
        Optional<String> modelType, Optional<String> sourceRunId, List<Param> params, List<Tag> tags,
        long creationTimestamp) {
    public NewLoggedModel {
        requireNonNull(modelId, "modelId is null");
        requireNonNull(experimentId, "experimentId is null");
        requireNonNull(name, "name is null");
        requireNonNull(artifactUri, "artifactUri is null");
        requireNonNull(modelType, "modelType is null");
        requireNonNull(sourceRunId, "sourceRunId is null");
        params = List.copyOf(requireNonNull(params, "params is null"));
        tags = List.copyOf(requireNonNull(tags, "tags is null"));
    }
}
