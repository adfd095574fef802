package dev.slipway.core.gc;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.tracking.LifecycleStage;

/**
 * An experiment as the garbage collector sees it. As in MLflow, the deletion time of a deleted experiment is its last
 * update time (epoch ms): deleting an experiment sets it.
 */
public record ExperimentDeletion(String experimentId, String name, LifecycleStage lifecycleStage,
        long lastUpdateTime) {
    public ExperimentDeletion {
        requireNonNull(experimentId, "experimentId is null");
        requireNonNull(name, "name is null");
        requireNonNull(lifecycleStage, "lifecycleStage is null");
    }
}
