package dev.slipway.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.core.tracking.LifecycleStage;
import dev.slipway.core.tracking.NewRun;
import dev.slipway.core.tracking.TrackingStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run with a million metric rows is collected by a JVM whose heap is 64 MB, in chunks no larger than the
 * production chunk size: memory and transactions stay bounded whatever the size of a run.
 */
class SqliteLargeRunGcTest {
    private static final int METRIC_ROWS = 1_000_000;
    private static final long LONG_AGO = 1_700_000_000_000L;

    @TempDir
    Path folder;

    @Test
    void runWithAMillionMetricRowsIsCollectedInChunksWithinA64MbHeap() throws Exception {
        String uri = "sqlite:///" + folder.resolve("large.db");
        String runId = "0123456789abcdef0123456789abcdef";
        try (TrackingStore store = new JdbcTrackingStoreFactory().open(uri)) {
            String experimentId = store.createExperiment("large", Optional.empty(), "memory://store", List.of(),
                    LONG_AGO);
            store.createRun(new NewRun(runId, experimentId, "large", "alice", LONG_AGO,
                    "memory://store/" + experimentId + "/" + runId + "/artifacts", List.of()));
            store.setRunLifecycleStage(runId, LifecycleStage.DELETED, LONG_AGO);
        }
        insertMetricRows(uri, runId);
        assertThat(TestConnections.count(uri, "SELECT COUNT(*) FROM metrics")).isEqualTo(METRIC_ROWS);

        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                GcInSmallHeap.class.getName(), uri).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();

        System.out.println(output);
        assertThat(process.exitValue()).as(output).isZero();
        Matcher result = Pattern.compile("runs=(\\d+) metrics=(\\d+) largestChunk=(\\d+) maxHeap=(\\d+)")
                .matcher(output);
        assertThat(result.find()).as(output).isTrue();
        assertThat(Long.parseLong(result.group(1))).isEqualTo(1);
        assertThat(Long.parseLong(result.group(2))).isEqualTo(METRIC_ROWS);
        assertThat(Long.parseLong(result.group(3))).isEqualTo(JdbcTrackingPurger.DEFAULT_CHUNK_SIZE);
        assertThat(Long.parseLong(result.group(4))).isLessThanOrEqualTo(64L * 1024 * 1024);
        assertThat(TestConnections.count(uri, "SELECT COUNT(*) FROM metrics")).isZero();
        assertThat(TestConnections.count(uri, "SELECT COUNT(*) FROM runs")).isZero();
    }

    /** A million rows in one statement inside SQLite: a recursive series, no round trips. */
    private static void insertMetricRows(String uri, String runId) throws SQLException, IOException {
        try (Connection connection = TestConnections.open(uri); Statement statement = connection.createStatement()) {
            statement.executeUpdate("WITH RECURSIVE steps(step) AS (SELECT 0 UNION ALL SELECT step + 1 FROM steps "
                    + "WHERE step < " + (METRIC_ROWS - 1) + ") INSERT INTO metrics (run_uuid, name, step, "
                    + "timestamp_ms, value, is_nan) SELECT '" + runId + "', 'loss', step, " + LONG_AGO
                    + " + step, 1.0 / (step + 1), 0 FROM steps");
        }
    }
}
