package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.core.tracking.Metric;
import dev.slipway.core.tracking.Param;
import dev.slipway.core.tracking.Run;
import dev.slipway.core.tracking.Tag;
import dev.slipway.core.tracking.TrackingService;
import dev.slipway.core.tracking.TrackingStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code slipway db export|import} between SQLite stores, through the real commands. */
class DbCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path workingFolder;

    @Test
    void exportThenImportIntoAnotherStoreKeepsIdsAndRows() throws Exception {
        Environment environment = CliRun.environment(workingFolder, Map.of());
        String runId;
        String experimentId;
        try (TrackingStore store = Backends.discover().openTrackingStore(LocalStore.databaseUri(workingFolder))) {
            TrackingService tracking = new TrackingService(store, Clock.systemUTC(), "mlflow-artifacts:/");
            tracking.ensureDefaultExperiment();
            experimentId = tracking.createExperiment("moving", Optional.empty(), List.of(new Tag("team", "ml")));
            Run run = tracking.createRun(Optional.of(experimentId), Optional.of("tester"), Optional.of("first"),
                    Optional.empty(), List.of());
            runId = run.info().runId();
            tracking.logBatch(runId, List.of(new Metric("loss", 0.5, 1, 0), new Metric("loss", Double.NaN, 2, 1)),
                    List.of(new Param("lr", "0.1")), List.of(new Tag("note", "ünïcode ✓")));
        }

        CliRun export = CliRun.run(environment, "db", "export", "-o", "backups/backup.jsonl.gz", "--no-progress");

        assertThat(export.exitCode()).as(export.toString()).isZero();
        Path backup = workingFolder.resolve("backups/backup.jsonl.gz");
        assertThat(backup).isRegularFile();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(backup))).isEqualTo("rw-------");
        assertThat(export.out()).contains("Exported ").contains("(sqlite store, schema version ")
                .containsPattern("experiments +2\\b").containsPattern("metrics +2\\b").containsPattern("total +\\d+");
        try (var files = Files.list(backup.getParent())) {
            assertThat(files.map(Path::getFileName).map(Path::toString)).containsExactly("backup.jsonl.gz");
        }

        String targetUri = "sqlite:///" + workingFolder.resolve("moved/slipway.db");
        CliRun imported = CliRun.run(environment, "db", "import", "--backend-store-uri", targetUri, "-i",
                "backups/backup.jsonl.gz", "--json", "--no-progress");

        assertThat(imported.exitCode()).as(imported.toString()).isZero();
        JsonNode report = JSON.readTree(imported.out());
        assertThat(report.path("tables").path("experiments").asLong()).isEqualTo(2);
        assertThat(report.path("tables").path("metrics").asLong()).isEqualTo(2);
        assertThat(report.path("source_database").asText()).isEqualTo("sqlite");
        try (TrackingStore target = Backends.discover().openTrackingStore(targetUri)) {
            TrackingService tracking = new TrackingService(target, Clock.systemUTC(), "mlflow-artifacts:/");
            Run run = tracking.getRun(runId);
            assertThat(run.info().experimentId()).isEqualTo(experimentId);
            assertThat(run.info().runName()).isEqualTo("first");
            assertThat(run.params()).containsExactly(new Param("lr", "0.1"));
            assertThat(run.tags()).contains(new Tag("note", "ünïcode ✓"));
            assertThat(tracking.getExperimentByName("moving").experimentId()).isEqualTo(experimentId);
            List<Metric> history = new ArrayList<>();
            tracking.streamMetricHistory(runId, "loss", history::add);
            assertThat(history).hasSize(2);
            assertThat(history.get(1).value()).isNaN();
        }

        CliRun again = CliRun.run(environment, "db", "import", "--backend-store-uri", targetUri, "-i",
                "backups/backup.jsonl.gz", "--no-progress");
        assertThat(again.exitCode()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(again.err()).contains("The store is not empty").contains("Nothing was imported");

        CliRun overwrite = CliRun.run(environment, "db", "export", "-o", "backups/backup.jsonl.gz", "--no-progress");
        assertThat(overwrite.exitCode()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(overwrite.err()).contains("exists already");
    }

    @Test
    void importOfATruncatedFileFailsClearlyAndLeavesTheStoreEmpty() throws Exception {
        Environment environment = CliRun.environment(workingFolder, Map.of());
        try (TrackingStore store = Backends.discover().openTrackingStore(LocalStore.databaseUri(workingFolder))) {
            TrackingService tracking = new TrackingService(store, Clock.systemUTC(), "mlflow-artifacts:/");
            tracking.ensureDefaultExperiment();
            String experimentId = tracking.createExperiment("big", Optional.empty(), List.of());
            String runId = tracking.createRun(Optional.of(experimentId), Optional.of("tester"), Optional.empty(),
                    Optional.empty(), List.of()).info().runId();
            for (int batch = 0; batch < 10; batch++) {
                List<Metric> metrics = new ArrayList<>();
                for (int step = batch * 1_000; step < (batch + 1) * 1_000; step++) {
                    metrics.add(new Metric("loss", Math.sin(step), step, step));
                }
                tracking.logBatch(runId, metrics, List.of(), List.of());
            }
        }
        assertThat(CliRun.run(environment, "db", "export", "-o", "full.jsonl.gz", "--no-progress").exitCode())
                .isZero();
        byte[] full = Files.readAllBytes(workingFolder.resolve("full.jsonl.gz"));
        Files.write(workingFolder.resolve("cut.jsonl.gz"), Arrays.copyOf(full, full.length / 2));
        String targetUri = "sqlite:///" + workingFolder.resolve("target.db");

        CliRun imported = CliRun.run(environment, "db", "import", "--backend-store-uri", targetUri, "-i",
                "cut.jsonl.gz", "--no-progress");

        assertThat(imported.exitCode()).as(imported.toString()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(imported.err()).contains("The backup is truncated or corrupt (line ")
                .contains("nothing was imported");
        try (TrackingStore target = Backends.discover().openTrackingStore(targetUri)) {
            assertThat(target.getExperimentByName("big")).isEmpty();
            assertThat(target.getExperiment("0")).isEmpty();
        }
        CliRun missing = CliRun.run(environment, "db", "import", "--backend-store-uri", targetUri, "-i",
                "nowhere.jsonl.gz");
        assertThat(missing.exitCode()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(missing.err()).contains("No backup file");
        CliRun whole = CliRun.run(environment, "db", "import", "--backend-store-uri", targetUri, "-i",
                "full.jsonl.gz", "--no-progress");
        assertThat(whole.exitCode()).as(whole.toString()).isZero();
        assertThat(whole.out()).containsPattern("metrics +10000\\b");
    }
}
