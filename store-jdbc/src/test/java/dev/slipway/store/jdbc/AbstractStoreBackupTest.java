package dev.slipway.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.backup.BackupListener;
import dev.slipway.core.backup.BackupSummary;
import dev.slipway.core.backup.StoreBackup;
import dev.slipway.core.monitors.MonitorResult;
import dev.slipway.core.monitors.MonitorStatus;
import dev.slipway.core.predictions.PredictionLogStore;
import dev.slipway.core.tracking.TrackingService;
import dev.slipway.core.tracking.TrackingStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code slipway db export|import} below the command line: a SQLite store with rows in every table is exported, and
 * the backup imported into an empty store of the subclass's database; every row of every table must come out equal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractStoreBackupTest {
    private static final AtomicInteger SOURCES = new AtomicInteger();

    @TempDir
    static Path folder;

    private String sourceUri;
    private byte[] backup;

    /** The URI of a new, empty database of the kind under test; each call gives another one. */
    protected abstract String emptyDatabaseUri();

    /** Prepares the database server, or skips the class (a JUnit assumption) when there is none. */
    protected void connectToServer() {}

    protected void removeDatabases() {}

    @BeforeAll
    void exportSource() throws Exception {
        connectToServer();
        sourceUri = "sqlite:///" + folder.resolve("source-" + SOURCES.incrementAndGet() + ".db");
        migrate(sourceUri);
        BackupFixture.populate(sourceUri);
        backup = export(sourceUri);
    }

    @AfterAll
    void disconnect() {
        removeDatabases();
    }

    @Test
    void importReproducesEveryRowOfEveryTable() throws Exception {
        Map<String, List<List<Object>>> source = BackupFixture.read(sourceUri);
        assertThat(source).allSatisfy((table, rows) -> assertThat(rows).as("fixture rows of " + table).isNotEmpty());
        String target = emptyDatabaseUri();

        BackupSummary summary = importInto(target, backup, new BackupListener() {});

        Map<String, List<List<Object>>> imported = BackupFixture.read(target);
        for (String table : source.keySet()) {
            assertThat(imported.get(table)).as(table).hasSameSizeAs(source.get(table));
            for (int row = 0; row < source.get(table).size(); row++) {
                assertThat(imported.get(table).get(row)).as(table + " row " + row)
                        .isEqualTo(source.get(table).get(row));
            }
        }
        assertThat(Integer.parseInt(summary.schemaVersion())).as("the newest migration").isGreaterThanOrEqualTo(10);
        assertThat(summary.sourceDatabase()).isEqualTo("sqlite");
        assertThat(summary.tables()).extracting(BackupSummary.TableRows::table)
                .containsExactlyElementsOf(BackupTables.TABLES.stream().map(BackupTables.Table::name).toList());
        assertThat(summary.tables()).allSatisfy(rows -> assertThat(rows.rows())
                .isEqualTo(source.get(rows.table()).size()));
        // and back: the imported store exports the same rows
        String roundTrip = "sqlite:///" + folder.resolve("round-trip-" + SOURCES.incrementAndGet() + ".db");
        importInto(roundTrip, export(target), new BackupListener() {});
        assertThat(BackupFixture.read(roundTrip)).isEqualTo(source);
    }

    @Test
    void generatedIdsContinueAfterTheImportedOnes() throws Exception {
        String target = emptyDatabaseUri();
        importInto(target, backup, new BackupListener() {});

        try (PredictionLogStore log = new JdbcPredictionLogStoreFactory().open(target)) {
            MonitorResult added = log.monitorStore().orElseThrow().addResult(new MonitorResult(0, "mon",
                    BackupFixture.T, 0, 1, 0, MonitorStatus.OK, Optional.empty(), Optional.empty(), "{}"));
            // result 3 was deleted in the source before the export: its id is not reused
            assertThat(added.id()).isEqualTo(4);
        }
        TestConnections.execute(target, "INSERT INTO served_predictions (request_id, row_index, timestamp_ms, "
                + "model_name, model_version, variant, inputs, outputs, latency_ms) VALUES ('new', 0, 0, 'm', '1', "
                + "'v', '{}', '{}', 0)");
        assertThat(TestConnections.count(target, "SELECT prediction_id FROM served_predictions "
                + "WHERE request_id = 'new'")).isEqualTo(3);
    }

    @Test
    void importReplacesTheDefaultExperimentAFreshServerCreated() throws Exception {
        String target = emptyDatabaseUri();
        try (TrackingStore store = new JdbcTrackingStoreFactory().open(target)) {
            new TrackingService(store, Clock.systemUTC(), "mlflow-artifacts:/").ensureDefaultExperiment();
        }

        importInto(target, backup, new BackupListener() {});

        assertThat(BackupFixture.read(target).get("experiments"))
                .isEqualTo(BackupFixture.read(sourceUri).get("experiments"));
    }

    @Test
    void importRefusesAStoreThatIsNotEmpty() throws Exception {
        String target = emptyDatabaseUri();
        importInto(target, backup, new BackupListener() {});

        assertThatThrownBy(() -> importInto(target, backup, new BackupListener() {}))
                .isInstanceOf(SlipwayException.class)
                .hasMessageContaining("The store is not empty")
                .hasMessageContaining("'experiments'")
                .hasMessageContaining("Nothing was imported")
                .satisfies(e -> assertThat(((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.INVALID_STATE));
        assertThat(BackupFixture.read(target)).isEqualTo(BackupFixture.read(sourceUri));
    }

    @Test
    void truncatedBackupIsRejectedAndLeavesTheStoreEmpty() throws Exception {
        String target = emptyDatabaseUri();
        byte[] truncated = Arrays.copyOf(backup, backup.length * 3 / 5);
        AtomicLong committed = new AtomicLong();

        assertThatThrownBy(() -> importInto(target, truncated, new BackupListener() {
            @Override
            public void rows(String table, long rows) {
                committed.addAndGet(rows);
            }
        }))
                .isInstanceOf(SlipwayException.class)
                .hasMessageContaining("The backup is truncated or corrupt (line ")
                .hasMessageContaining("nothing was imported")
                .satisfies(e -> assertThat(((SlipwayException) e).errorCode())
                        .isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE));

        assertThat(committed.get()).as("rows committed before the failure").isGreaterThan(0);
        assertThat(BackupFixture.read(target)).allSatisfy((table, rows) -> assertThat(rows).as(table).isEmpty());
        importInto(target, backup, new BackupListener() {});
        assertThat(BackupFixture.read(target)).isEqualTo(BackupFixture.read(sourceUri));
    }

    @Test
    void backupWithoutItsEndLineIsRejectedAsTruncated() throws Exception {
        String target = emptyDatabaseUri();
        List<String> lines = lines(backup);

        assertThatThrownBy(() -> importInto(target, gzip(lines.subList(0, lines.size() - 1)),
                new BackupListener() {}))
                .isInstanceOf(SlipwayException.class)
                .hasMessageContaining("ends before its end line: it is truncated");
        assertThat(BackupFixture.read(target)).allSatisfy((table, rows) -> assertThat(rows).as(table).isEmpty());
    }

    @Test
    void failureAtTheEndLineTakesBackEveryRowAppendOnlyOnesIncluded() throws Exception {
        String target = emptyDatabaseUri();
        List<String> lines = new ArrayList<>(lines(backup));
        String end = lines.get(lines.size() - 1);
        assertThat(lines.get(lines.size() - 2)).startsWith("{\"table\":\"audit_log\"");
        lines.set(lines.size() - 1, end.replaceFirst("\"rows\":([0-9]+)", "\"rows\":1$1"));

        assertThatThrownBy(() -> importInto(target, gzip(lines), new BackupListener() {}))
                .isInstanceOf(SlipwayException.class)
                .hasMessageContaining("the end line counts");

        assertThat(BackupFixture.read(target)).allSatisfy((table, rows) -> assertThat(rows).as(table).isEmpty());
        importInto(target, backup, new BackupListener() {});
        assertThat(BackupFixture.read(target)).isEqualTo(BackupFixture.read(sourceUri));
    }

    @Test
    void corruptRowIsRejectedNamingItsLineAndLeavesTheStoreEmpty() throws Exception {
        String target = emptyDatabaseUri();
        List<String> lines = new ArrayList<>(lines(backup));
        int line = 0;
        while (!lines.get(line).startsWith("{\"table\":\"metrics\"")) {
            line++;
        }
        line += 3_000;
        lines.set(line, lines.get(line).replaceFirst("\"loss\",[0-9]+,", "\"loss\",\"three\","));

        assertThatThrownBy(() -> importInto(target, gzip(lines), new BackupListener() {}))
                .isInstanceOf(SlipwayException.class)
                .hasMessageContaining("(line " + (line + 1) + ")")
                .hasMessageContaining("column 'step' of table 'metrics' is not an integer");
        assertThat(BackupFixture.read(target)).allSatisfy((table, rows) -> assertThat(rows).as(table).isEmpty());
    }

    @Test
    void importRefusesAFileThatIsNotABackup() throws Exception {
        String target = emptyDatabaseUri();

        assertThatThrownBy(() -> importInto(target, "id,name\n1,a\n".getBytes(StandardCharsets.UTF_8),
                new BackupListener() {}))
                .isInstanceOf(SlipwayException.class)
                .hasMessageContaining("it is not a Slipway store backup");
        assertThatThrownBy(() -> importInto(target, gzip(List.of("{\"hello\":\"world\"}")), new BackupListener() {}))
                .hasMessageContaining("it is not a Slipway store backup");
    }

    @Test
    void exportOfAFreshStoreCoversExactlyItsTables() throws Exception {
        String fresh = emptyDatabaseUri();
        migrate(fresh);

        List<String> lines = lines(export(fresh));

        assertThat(lines).hasSize(2);
        for (BackupTables.Table table : BackupTables.TABLES) {
            assertThat(lines.get(0)).contains("{\"name\":\"" + table.name() + "\",\"rows\":0,");
        }
        assertThat(lines.get(1)).startsWith("{\"end\":\"slipway-store-backup\",\"rows\":0");
    }

    @Test
    void exportRefusesATableTheFormatDoesNotCover() throws Exception {
        String store = emptyDatabaseUri();
        migrate(store);
        TestConnections.execute(store, "CREATE TABLE feature_from_the_future (id BIGINT NOT NULL PRIMARY KEY, "
                + "name TEXT)");

        assertThatThrownBy(() -> export(store))
                .isInstanceOf(SlipwayException.class)
                .hasMessageContaining("table(s) 'feature_from_the_future' are not covered by the backup format")
                .hasMessageContaining("nothing was written")
                .satisfies(e -> assertThat(((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.INVALID_STATE));
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static void migrate(String uri) {
        new JdbcStoreBackupFactory().open(uri).close();
    }

    private static byte[] export(String uri) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (StoreBackup store = new JdbcStoreBackupFactory().open(uri)) {
            store.exportTo(out, new BackupListener() {});
        }
        return out.toByteArray();
    }

    private static BackupSummary importInto(String uri, byte[] bytes, BackupListener listener) throws IOException {
        try (StoreBackup store = new JdbcStoreBackupFactory().open(uri)) {
            return store.importFrom(new ByteArrayInputStream(bytes), listener);
        }
    }

    private static List<String> lines(byte[] gzipped) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    private static byte[] gzip(List<String> lines) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }
}
