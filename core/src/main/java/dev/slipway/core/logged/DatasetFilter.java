package dev.slipway.core.logged;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** A dataset a logged-model search restricts metrics to: by name, and by digest when given. */
public record DatasetFilter(String datasetName, Optional<String> datasetDigest) {
    public DatasetFilter {
        requireNonNull(datasetName, "datasetName is null");
        requireNonNull(datasetDigest, "datasetDigest is null");
    }
}
