package dev.slipway.core.search;

import static java.util.Objects.requireNonNull;

/** One ORDER BY term: {@code <type>.<key> [ASC|DESC]}. */
public record OrderBy(EntityType type, String key, boolean ascending) {
    public OrderBy {
        requireNonNull(type, "type is null");
        requireNonNull(key, "key is null");
    }
}
