package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.tracking.Metric;
import dev.slipway.core.tracking.Param;
import dev.slipway.core.tracking.Run;
import dev.slipway.core.tracking.TrackingService;
import dev.slipway.core.tracking.TrackingStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code slipway gc} on the local store of a working folder, whose runs keep their artifacts under
 * {@code .slipway/artifacts} ({@code mlflow-artifacts:/} locations, as a server with its defaults gives them).
 */
class GcCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path workingFolder;

    private TrackingStore store;
    private TrackingService tracking;
    private Environment environment;

    @BeforeEach
    void openTheLocalStore() {
        store = Backends.discover().openTrackingStore(LocalStore.databaseUri(workingFolder));
        tracking = new TrackingService(store, Clock.systemUTC(), "mlflow-artifacts:/");
        tracking.ensureDefaultExperiment();
        environment = CliRun.environment(workingFolder, Map.of());
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void removesRunsDeletedLongEnoughAgoWithTheirArtifactsAfterADryRunListsThem() throws Exception {
        String experimentId = tracking.createExperiment("gc", Optional.empty(), List.of());
        Run old = runWithArtifact(experimentId);
        Run recent = runWithArtifact(experimentId);
        Run active = runWithArtifact(experimentId);
        deleteAt(old, Instant.now().minus(Duration.ofDays(40)));
        deleteAt(recent, Instant.now().minus(Duration.ofDays(1)));

        CliRun dryRun = CliRun.run(environment, "gc", "--older-than", "30d", "--dry-run");

        assertThat(dryRun.exitCode()).as(dryRun.toString()).isZero();
        assertThat(dryRun.out()).contains("Dry run: would remove 1 run and 0 experiments; nothing was removed.")
                .contains(old.info().runId()).contains(old.info().artifactUri())
                .doesNotContain(recent.info().runId()).doesNotContain(active.info().runId());
        assertThat(artifactFile(old)).exists();
        assertThat(store.getRunInfo(old.info().runId())).isPresent();

        CliRun gc = CliRun.run(environment, "gc", "--older-than", "30d", "--no-progress");

        assertThat(gc.exitCode()).as(gc.toString()).isZero();
        assertThat(gc.out()).contains("Removed 1 run and 0 experiments for good.")
                .containsPattern("metrics rows +3\\b").containsPattern("params rows +1\\b")
                .containsPattern("runs rows +1\\b").containsPattern("artifact folders +1\\b");
        assertThat(artifactFile(old)).doesNotExist();
        assertThat(artifactFile(old).getParent()).doesNotExist();
        assertThat(store.getRunInfo(old.info().runId())).isEmpty();
        assertThatThrownBy(() -> tracking.getRun(old.info().runId())).isInstanceOf(SlipwayException.class);
        assertThat(artifactFile(recent)).exists();
        assertThat(artifactFile(active)).exists();
        assertThat(tracking.getRun(recent.info().runId()).metrics()).hasSize(1);
        assertThat(tracking.getRun(active.info().runId()).metrics()).hasSize(1);
    }

    @Test
    void withoutAnAgeRemovesEveryDeletedRunAndEmptyDeletedExperimentAndReportsJson() throws Exception {
        String kept = tracking.createExperiment("kept", Optional.empty(), List.of());
        Run deletedRun = runWithArtifact(kept);
        Run active = runWithArtifact(kept);
        deleteAt(deletedRun, Instant.now());
        String gone = tracking.createExperiment("gone", Optional.empty(), List.of());
        Run goneRun = runWithArtifact(gone);
        tracking.deleteExperiment(gone);

        CliRun gc = CliRun.run(environment, "gc", "--json", "--no-progress");

        assertThat(gc.exitCode()).as(gc.toString()).isZero();
        JsonNode report = JSON.readTree(gc.out());
        assertThat(report.path("dry_run").asBoolean()).isFalse();
        List<String> runIds = new ArrayList<>();
        report.path("runs").forEach(run -> runIds.add(run.path("run_id").asText()));
        assertThat(runIds).containsExactlyInAnyOrder(deletedRun.info().runId(), goneRun.info().runId());
        assertThat(report.path("experiments")).hasSize(1);
        assertThat(report.path("experiments").get(0).path("experiment_id").asText()).isEqualTo(gone);
        assertThat(report.path("experiments").get(0).path("name").asText()).isEqualTo("gone");
        assertThat(report.path("rows_deleted").path("runs").asLong()).isEqualTo(2);
        assertThat(report.path("rows_deleted").path("metrics").asLong()).isEqualTo(6);
        assertThat(report.path("rows_deleted").path("experiments").asLong()).isEqualTo(1);
        assertThat(report.path("artifact_folders_deleted").asLong()).isEqualTo(2);
        assertThat(report.path("failures")).isEmpty();
        assertThat(store.getExperiment(gone)).isEmpty();
        assertThat(store.getExperiment(kept)).isPresent();
        assertThat(artifactFile(goneRun)).doesNotExist();
        assertThat(artifactFile(deletedRun)).doesNotExist();
        assertThat(artifactFile(active)).exists();
    }

    @Test
    void namedRunsMustBeDeletedAndAgesMustParse() {
        String experimentId = tracking.createExperiment("named", Optional.empty(), List.of());
        Run active = runWithArtifact(experimentId);

        CliRun notDeleted = CliRun.run(environment, "gc", "--run-ids", active.info().runId());
        CliRun badAge = CliRun.run(environment, "gc", "--older-than", "30 days");

        assertThat(notDeleted.exitCode()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(notDeleted.err()).contains("Run '" + active.info().runId() + "' is not deleted");
        assertThat(badAge.exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(badAge.err()).contains("--older-than: Could not parse any time information from '30 days'");
        assertThat(artifactFile(active)).exists();
    }

    @Test
    void aRunWhoseArtifactsCannotBeReachedIsKeptAndTheCommandFails() {
        String experimentId = tracking.createExperiment("elsewhere", Optional.of("unknown-scheme://bucket/x"),
                List.of());
        Run run = tracking.createRun(Optional.of(experimentId), Optional.of("tester"), Optional.empty(),
                Optional.empty(), List.of());
        deleteAt(run, Instant.now().minus(Duration.ofDays(40)));

        CliRun gc = CliRun.run(environment, "gc", "--no-progress");

        assertThat(gc.exitCode()).as(gc.toString()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(gc.err()).contains("gc: run " + run.info().runId() + " kept: cannot delete its artifacts")
                .contains("unknown-scheme");
        assertThat(store.getRunInfo(run.info().runId())).isPresent();
    }

    private Run runWithArtifact(String experimentId) {
        Run run = tracking.createRun(Optional.of(experimentId), Optional.of("tester"), Optional.empty(),
                Optional.empty(), List.of());
        String runId = run.info().runId();
        tracking.logBatch(runId, List.of(new Metric("loss", 0.5, 1, 0), new Metric("loss", 0.4, 2, 1),
                new Metric("loss", 0.3, 3, 2)), List.of(new Param("lr", "0.1")), List.of());
        try {
            Path file = artifactFile(run);
            Files.createDirectories(file.getParent());
            Files.writeString(file, "model bytes", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return run;
    }

    /** Where the server (artifacts destination .slipway/artifacts) keeps the run's file {@code model/model.txt}. */
    private Path artifactFile(Run run) {
        String path = run.info().artifactUri().substring("mlflow-artifacts:/".length());
        return workingFolder.resolve(".slipway/artifacts").resolve(path).resolve("model/model.txt");
    }

    private void deleteAt(Run run, Instant time) {
        new TrackingService(store, Clock.fixed(time, ZoneOffset.UTC), "mlflow-artifacts:/")
                .deleteRun(run.info().runId());
    }
}
