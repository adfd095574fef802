package dev.slipway.server;

import dev.slipway.core.search.PageToken;
import dev.slipway.core.tracking.Page;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Search results without what the user may not read, paged as the store pages them: pages of the store's ordering are
 * fetched from the request's offset and their readable items kept until the page is full, and the next page token is
 * the offset of the first item not yet looked at. So paging through the filtered results visits every readable item
 * once, in order, and no unreadable one. A search that meets few readable items stops after
 * {@value #MAX_FETCHES} fetches and answers what it has, maybe nothing, with the token to go on from, as MLflow's
 * clients follow a token even after an empty page.
 */
final class FilteredPages {
    static final int MAX_FETCHES = 20;

    private FilteredPages() {}

    /**
     * @param pageToken the request's token: MLflow's offset token
     * @param pageSize the most items answered (the request's max_results or its default)
     * @param fetch a page of the store's search at a token, of {@code pageSize} items
     */
    static <T> Page<T> filter(Optional<String> pageToken, int pageSize, Function<Optional<String>, Page<T>> fetch,
            Predicate<T> readable) {
        long offset = PageToken.decode(pageToken);
        List<T> kept = new ArrayList<>();
        for (int fetches = 0; fetches < MAX_FETCHES; fetches++) {
            Page<T> page = fetch.apply(offset == 0 ? Optional.empty() : Optional.of(PageToken.encode(offset)));
            List<T> items = page.items();
            for (int index = 0; index < items.size(); index++) {
                T item = items.get(index);
                offset++;
                if (readable.test(item)) {
                    kept.add(item);
                    if (kept.size() >= pageSize) {
                        boolean more = index + 1 < items.size() || page.nextPageToken().isPresent();
                        return new Page<>(kept, more ? Optional.of(PageToken.encode(offset)) : Optional.empty());
                    }
                }
            }
            if (page.nextPageToken().isEmpty() || items.isEmpty()) {
                return new Page<>(kept, Optional.empty());
            }
        }
        return new Page<>(kept, Optional.of(PageToken.encode(offset)));
    }
}
