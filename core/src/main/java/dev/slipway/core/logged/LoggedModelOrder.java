package dev.slipway.core.logged;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.search.EntityType;
import java.util.Optional;

/**
 * One ORDER BY term of a logged-model search, as the wire sends it: a field name ({@code creation_timestamp},
 * {@code metrics.accuracy}), a direction, and for metrics the dataset whose values count. After
 * {@link LoggedModelService} has checked it, {@code type} is ATTRIBUTE (with a canonical attribute key) or METRIC.
 */
public record LoggedModelOrder(EntityType type, String key, boolean ascending, Optional<String> datasetName,
        Optional<String> datasetDigest) {
    public LoggedModelOrder {
        requireNonNull(type, "type is null");
        requireNonNull(key, "key is null");
        requireNonNull(datasetName, "datasetName is null");
        requireNonNull(datasetDigest, "datasetDigest is null");
    }
}
