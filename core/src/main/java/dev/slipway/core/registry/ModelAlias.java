package dev.slipway.core.registry;

import static java.util.Objects.requireNonNull;

/** An alias of a registered model and the version it points to. */
public record ModelAlias(String alias, long version) {
    public ModelAlias {
        requireNonNull(alias, "alias is null");
        if (version < 1) {
            throw new IllegalArgumentException("version must be positive: " + version);
        }
    }
}
