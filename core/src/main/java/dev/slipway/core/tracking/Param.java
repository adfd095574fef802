package dev.slipway.core.tracking;

import static java.util.Objects.requireNonNull;

/** A run parameter; write-once per run and key. */
public record Param(String key, String value) {
    public Param {
        requireNonNull(key, "key is null");
        requireNonNull(value, "value is null");
    }
}
