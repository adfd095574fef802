package dev.slipway.core.tracking;

import static java.util.Objects.requireNonNull;

/** A key/value tag of an experiment, a run or a dataset input. */
public record Tag(String key, String value) {
    public Tag {
        requireNonNull(key, "key is null");
        requireNonNull(value, "value is null");
    }
}
