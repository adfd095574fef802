package dev.slipway.core.search;

import java.util.Locale;
import java.util.Optional;

/** What a search identifier refers to: {@code metrics.x}, {@code params.x}, {@code tags.x}, an attribute, a dataset field. */
public enum EntityType {
    ATTRIBUTE,
    METRIC,
    PARAM,
    TAG,
    DATASET;

    /** Maps an identifier prefix as MLflow spells it ({@code metric}, {@code parameters}, {@code attr}, ...) to its type. */
    public static Optional<EntityType> fromPrefix(String prefix) {
        return switch (prefix.toLowerCase(Locale.ROOT)) {
            case "metric", "metrics" -> Optional.of(METRIC);
            case "param", "params", "parameter", "parameters" -> Optional.of(PARAM);
            case "tag", "tags" -> Optional.of(TAG);
            case "attribute", "attributes", "attr", "run" -> Optional.of(ATTRIBUTE);
            case "dataset", "datasets" -> Optional.of(DATASET);
            default -> Optional.empty();
        };
    }
}
