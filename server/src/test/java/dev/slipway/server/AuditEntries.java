package dev.slipway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Reading the audit log through its route in tests: the server writes entries in the background. */
final class AuditEntries {
    static final String ROUTE = "/api/2.0/slipway/audit/list";

    private AuditEntries() {}

    /**
     * The entries matching {@code query} (a query string without {@code ?}), newest first, up to 1,000.
     *
     * @param get answers a GET of a path with its JSON body, failing on any status but 200
     */
    static List<JsonNode> list(Function<String, JsonNode> get, String query) {
        List<JsonNode> entries = new ArrayList<>();
        get.apply(ROUTE + "?max_results=1000&" + query).get("entries").forEach(entries::add);
        return entries;
    }

    /** As {@link #list}, once there are at least {@code count} entries; fails after 10 seconds. */
    static List<JsonNode> await(Function<String, JsonNode> get, String query, int count) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        List<JsonNode> entries = list(get, query);
        while (entries.size() < count && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            entries = list(get, query);
        }
        assertThat(entries).as("audit entries for " + query).hasSizeGreaterThanOrEqualTo(count);
        return entries;
    }
}
