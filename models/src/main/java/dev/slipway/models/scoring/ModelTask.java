package dev.slipway.models.scoring;

import dev.slipway.core.SlipwayException;
import java.util.Locale;

/** What a model predicts: a class ({@code classification}) or a number ({@code regression}). */
public enum ModelTask {
    CLASSIFICATION,
    REGRESSION;

    /** The name in MLmodel's {@code metadata.slipway_task}. */
    public String metadataName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code metadata.slipway_task}.
     *
     * @throws SlipwayException for another value
     */
    public static ModelTask of(String name) {
        for (ModelTask task : values()) {
            if (task.metadataName().equals(name)) {
                return task;
            }
        }
        throw SlipwayException.invalidParameter("Unknown task '%s': expected classification or regression", name);
    }
}
