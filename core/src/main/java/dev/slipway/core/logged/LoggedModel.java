package dev.slipway.core.logged;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import dev.slipway.core.tracking.Param;
import java.util.List;

/**
 * A model logged in an experiment (MLflow 3): its metadata, its params (sorted by key) and every metric value logged
 * for it (sorted by key, step, timestamp).
 */
public record LoggedModel(LoggedModelInfo info, List<Param> params, List<LoggedModelMetric> metrics) {
    public LoggedModel {
        requireNonNull(info, "info is null");
        params = List.copyOf(requireNonNull(params, "params is null"));
        metrics = List.copyOf(requireNonNull(metrics, "metrics is null"));
    }

    public String modelId() {
        return info.modelId();
    }

    /** MLflow's RESOURCE_DOES_NOT_EXIST error for a missing (or deleted) logged model. */
    public static SlipwayException notFound(String modelId) {
        return SlipwayException.notFound("Logged model with ID '%s' not found.", modelId);
    }
}
