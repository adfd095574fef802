package dev.slipway.models.training;

import dev.slipway.core.SlipwayException;
import java.util.Arrays;
import java.util.Locale;

/** What a model predicts: a class label or a number. */
public enum Task {
    CLASSIFICATION, REGRESSION;

    /** The name used on the command line and in MLmodel metadata. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code classification} or {@code regression}.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE for any other value
     */
    public static Task parse(String value) {
        for (Task task : values()) {
            if (task.wireName().equals(value)) {
                return task;
            }
        }
        throw SlipwayException.invalidParameter("Unknown task '%s'; expected one of %s (or auto)", value,
                Arrays.stream(values()).map(Task::wireName).toList());
    }
}
