package dev.slipway.core.logged;

import static java.util.Objects.requireNonNull;

/** A logged model that a run produced (MLflow 3's {@code runs/outputs}), with the step at which it was logged. */
public record LoggedModelOutput(String modelId, long step) {
    public LoggedModelOutput {
        requireNonNull(modelId, "modelId is null");
    }
}
