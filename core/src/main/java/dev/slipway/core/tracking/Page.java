package dev.slipway.core.tracking;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/** One page of results and the opaque token of the next page, if any. */
public record Page<T>(List<T> items, Optional<String> nextPageToken) {
    public Page {
        items = List.copyOf(requireNonNull(items, "items is null"));
        requireNonNull(nextPageToken, "nextPageToken is null");
    }
}
