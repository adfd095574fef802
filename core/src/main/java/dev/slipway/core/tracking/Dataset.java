package dev.slipway.core.tracking;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** A dataset a run used, identified by (name, digest) within an experiment. */
public record Dataset(String name, String digest, String sourceType, String source, Optional<String> schema,
        Optional<String> profile) {
    public Dataset {
        requireNonNull(name, "name is null");
        requireNonNull(digest, "digest is null");
        requireNonNull(sourceType, "sourceType is null");
        requireNonNull(source, "source is null");
        requireNonNull(schema, "schema is null");
        requireNonNull(profile, "profile is null");
    }
}
