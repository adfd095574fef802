package dev.slipway.client;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.artifacts.FileInfo;
import java.util.List;
import java.util.Optional;

/**
 * One page of a run's artifact listing.
 *
 * @param rootUri the run's artifact root, such as {@code mlflow-artifacts:/1/<run_id>/artifacts}
 * @param files the entries, with paths relative to the root
 */
public record ArtifactListing(String rootUri, List<FileInfo> files, Optional<String> nextPageToken) {
    public ArtifactListing {
        requireNonNull(rootUri, "rootUri is null");
        files = List.copyOf(requireNonNull(files, "files is null"));
        requireNonNull(nextPageToken, "nextPageToken is null");
    }
}
