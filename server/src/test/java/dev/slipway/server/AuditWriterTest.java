package dev.slipway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.core.audit.AuditEntry;
import dev.slipway.core.audit.AuditQuery;
import dev.slipway.core.audit.AuditStore;
import dev.slipway.core.predictions.PredictionLogStore;
import dev.slipway.store.jdbc.JdbcPredictionLogStoreFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The background writer of the audit log over a real SQLite store. */
class AuditWriterTest {
    @TempDir
    Path folder;

    private PredictionLogStore logStore;
    private AuditStore store;

    @BeforeEach
    void openStore() {
        logStore = new JdbcPredictionLogStoreFactory().open("sqlite:///" + folder.resolve("audit.db"));
        store = logStore.auditStore().orElseThrow();
    }

    @AfterEach
    void closeStore() {
        logStore.close();
    }

    @Test
    void entriesThatFindTheQueueFullAreDroppedAndCounted() {
        AuditWriter writer = new AuditWriter(store, 3, 10, Duration.ofMillis(10), Duration.ofSeconds(10));
        for (int index = 0; index < 5; index++) {
            writer.submit(entry("action-" + index));
        }
        assertThat(writer.dropped()).isEqualTo(2);

        writer.startWriting();
        writer.close();

        assertThat(writer.written()).isEqualTo(3);
        assertThat(store.query(AuditQuery.all(), Optional.empty(), 10)).extracting(AuditEntry::action)
                .containsExactly("action-2", "action-1", "action-0");
        StringBuilder metrics = new StringBuilder();
        writer.appendMetrics(metrics);
        assertThat(metrics.toString()).contains("slipway_audit_entries_written_total 3",
                "slipway_audit_entries_dropped_total{reason=\"queue_full\"} 2",
                "slipway_audit_entries_dropped_total{reason=\"write_failed\"} 0", "slipway_audit_queue_depth 0");
    }

    @Test
    void closingStoresWhatIsQueuedAndLaterEntriesAreDropped() {
        AuditWriter writer = new AuditWriter(store, 1000, 7, Duration.ofMillis(10), Duration.ofSeconds(10));
        for (int index = 0; index < 100; index++) {
            writer.submit(entry("queued-" + index));
        }
        writer.startWriting();
        writer.close();
        writer.submit(entry("too-late"));

        assertThat(writer.written()).isEqualTo(100);
        assertThat(writer.dropped()).isEqualTo(1);
        assertThat(store.query(AuditQuery.all(), Optional.empty(), 1000)).hasSize(100);
    }

    private static AuditEntry entry(String action) {
        return new AuditEntry(0, 1_767_225_600_000L, "alice", "127.0.0.1", Optional.empty(), "POST", "/route", action,
                Optional.empty(), Optional.empty(), 200, Optional.empty(), Optional.empty(), "{}");
    }
}
