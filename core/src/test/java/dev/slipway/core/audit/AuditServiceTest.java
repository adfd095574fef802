package dev.slipway.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.SlipwayException;
import dev.slipway.core.tracking.Page;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The paging and checks of {@link AuditService}, over a store that keeps entries in a list. */
class AuditServiceTest {
    /** Newest first by time then id; the cursor is a keyset position, as the JDBC store's. */
    private static final class ListStore implements AuditStore {
        private final List<AuditEntry> entries = new ArrayList<>();

        @Override
        public void append(List<AuditEntry> appended) {
            appended.forEach(entry -> entries.add(entry.withId(entries.size() + 1)));
        }

        @Override
        public List<AuditEntry> query(AuditQuery query, Optional<AuditCursor> after, int maxResults) {
            return entries.stream()
                    .filter(entry -> query.user().map(entry.user()::equals).orElse(true))
                    .filter(entry -> after.map(cursor -> entry.time() < cursor.time()
                            || entry.time() == cursor.time() && entry.id() < cursor.id()).orElse(true))
                    .sorted(Comparator.comparingLong(AuditEntry::time).thenComparingLong(AuditEntry::id).reversed())
                    .limit(maxResults).toList();
        }
    }

    private static AuditEntry entry(long time, String user) {
        return new AuditEntry(0, time, user, "127.0.0.1", Optional.empty(), "POST", "/route", "experiments/create",
                Optional.of("experiment"), Optional.of("1"), 200, Optional.empty(), Optional.empty(), "{}");
    }

    @Test
    void pagesCarryATokenUntilTheLastOne() {
        ListStore store = new ListStore();
        for (int index = 0; index < 5; index++) {
            store.append(List.of(entry(1000 + index / 2, "alice")));
        }
        AuditService service = new AuditService(store);

        List<Long> ids = new ArrayList<>();
        Optional<String> token = Optional.empty();
        do {
            Page<AuditEntry> page = service.list(AuditQuery.all(), Optional.of(2L), token);
            page.items().forEach(entry -> ids.add(entry.id()));
            token = page.nextPageToken();
        } while (token.isPresent());

        assertThat(ids).containsExactly(5L, 4L, 3L, 2L, 1L);
    }

    @Test
    void badPageSizesTimesAndTokensAreRefused() {
        AuditService service = new AuditService(new ListStore());
        assertThatThrownBy(() -> service.list(AuditQuery.all(), Optional.of(0L), Optional.empty()))
                .isInstanceOf(SlipwayException.class).hasMessageContaining("max_results");
        assertThatThrownBy(() -> service.list(AuditQuery.all(), Optional.of(1001L), Optional.empty()))
                .isInstanceOf(SlipwayException.class).hasMessageContaining("max_results");
        assertThatThrownBy(() -> service.list(new AuditQuery(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of(5L), Optional.of(4L)), Optional.empty(), Optional.empty()))
                .isInstanceOf(SlipwayException.class).hasMessageContaining("start_time 5 is after end_time 4");
        assertThatThrownBy(() -> service.list(AuditQuery.all(), Optional.empty(), Optional.of("bm90IG91cnM")))
                .isInstanceOf(SlipwayException.class).hasMessageContaining("Invalid page token");
        assertThatThrownBy(() -> service.list(AuditQuery.all(), Optional.empty(), Optional.of("%%%")))
                .isInstanceOf(SlipwayException.class).hasMessageContaining("Invalid page token");
        assertThat(AuditService.decode(AuditService.encode(new AuditCursor(7, 9)))).isEqualTo(new AuditCursor(7, 9));
    }

    @Test
    void entriesCheckTheirFields() {
        assertThatThrownBy(() -> new AuditEntry(0, 1, "u".repeat(AuditEntry.MAX_USER_LENGTH + 1), "a",
                Optional.empty(), "POST", "/r", "a", Optional.empty(), Optional.empty(), 200, Optional.empty(),
                Optional.empty(), "{}")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("user");
        assertThatThrownBy(() -> new AuditEntry(0, 1, "u", "a", Optional.empty(), "POST", "/r", "a",
                Optional.empty(), Optional.empty(), 42, Optional.empty(), Optional.empty(), "{}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("status");
        assertThat(entry(1, "alice").refused()).isFalse();
    }
}
