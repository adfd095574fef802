package dev.slipway.core.registry;

import dev.slipway.core.SlipwayException;
import java.util.Locale;

/** The (deprecated but still served) stages of a model version, spelled as MLflow spells them on the wire. */
public enum ModelVersionStage {
    NONE("None"),
    STAGING("Staging"),
    PRODUCTION("Production"),
    ARCHIVED("Archived");

    private final String wireName;

    ModelVersionStage(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /**
     * Parses a stage case-insensitively ({@code "production"} is {@link #PRODUCTION}).
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE naming the allowed stages
     */
    public static ModelVersionStage parse(String value) {
        for (ModelVersionStage stage : values()) {
            if (stage.wireName.toLowerCase(Locale.ROOT).equals(value.toLowerCase(Locale.ROOT))) {
                return stage;
            }
        }
        throw SlipwayException.invalidParameter(
                "Invalid Model Version stage: %s. Value must be one of None, Staging, Production, Archived.", value);
    }
}
