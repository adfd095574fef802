package dev.slipway.client;

import dev.slipway.core.tracking.Page;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Follows page tokens. */
final class Pages {
    private Pages() {}

    /**
     * Every item of a paged listing.
     *
     * @param fetchPage fetches the page for a token (the first page for an empty one)
     */
    static <T> List<T> all(Function<Optional<String>, Page<T>> fetchPage) {
        List<T> items = new ArrayList<>();
        Optional<String> pageToken = Optional.empty();
        do {
            Page<T> page = fetchPage.apply(pageToken);
            items.addAll(page.items());
            pageToken = page.nextPageToken();
        } while (pageToken.isPresent());
        return List.copyOf(items);
    }
}
