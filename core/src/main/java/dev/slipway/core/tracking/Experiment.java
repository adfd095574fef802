package dev.slipway.core.tracking;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** An experiment: a named group of runs with its own artifact location. Times are epoch ms. */
public record Experiment(String experimentId, String name, String artifactLocation, LifecycleStage lifecycleStage,
        long creationTime, long lastUpdateTime, List<Tag> tags) {
    public Experiment {
        requireNonNull(experimentId, "experimentId is null");
        requireNonNull(name, "name is null");
        requireNonNull(artifactLocation, "artifactLocation is null");
        requireNonNull(lifecycleStage, "lifecycleStage is null");
        tags = List.copyOf(requireNonNull(tags, "tags is null"));
    }
}
