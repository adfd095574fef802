package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.client.TrackingClient;
import dev.slipway.core.tracking.Metric;
import dev.slipway.core.tracking.Param;
import dev.slipway.core.tracking.Run;
import dev.slipway.core.tracking.RunStatus;
import dev.slipway.core.tracking.Tag;
import dev.slipway.core.tracking.TrackingService;
import dev.slipway.core.tracking.TrackingStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tracking commands with no tracking URI: the local store {@code ./.slipway/slipway.db}. */
class EmbeddedTrackingCommandsTest extends AbstractTrackingCommandsTest {
    @TempDir
    Path workingFolder;

    private TrackingStore store;
    private TrackingService tracking;

    @BeforeEach
    void openTheSameStore() {
        store = Backends.discover().openTrackingStore(LocalStore.databaseUri(workingFolder));
        tracking = new TrackingService(store, Clock.systemUTC(), "mlflow-artifacts:/");
        tracking.ensureDefaultExperiment();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Override
    Environment environment() {
        return CliRun.environment(workingFolder, Map.of());
    }

    @Override
    RunLogger runLogger() {
        return new RunLogger() {
            @Override
            public String createRun(String experimentId, String runName) {
                return tracking.createRun(Optional.of(experimentId), Optional.of("tester"), Optional.of(runName),
                        Optional.empty(), List.of()).info().runId();
            }

            @Override
            public void log(String runId, List<Metric> metrics, List<Param> params, List<Tag> tags) {
                tracking.logBatch(runId, metrics, params, tags);
            }

            @Override
            public void end(String runId, RunStatus status) {
                tracking.updateRun(runId, Optional.of(status), Optional.of(System.currentTimeMillis()), Optional.empty());
            }
        };
    }

    @Test
    void theLocalStoreLivesInTheWorkingFolder() {
        createExperiment(unique("local"));

        assertThat(workingFolder.resolve(".slipway/slipway.db")).isRegularFile();
    }

    @Test
    void aRunLoggedLocallyShowsUpThroughAServerStartedAfterwardsInTheSameFolder() {
        String name = unique("handover");
        String experimentId = createExperiment(name);
        String runId = runLogger().createRun(experimentId, "offline-run");
        runLogger().log(runId, List.of(new Metric("rmse", 0.75, 1_000, 0)), List.of(new Param("alpha", "0.5")), List.of());
        store.close();

        try (RunningServer server = RunningServer.start(workingFolder)) {
            TrackingClient client = server.client();
            Run run = client.getRun(runId);
            assertThat(run.info().runName()).isEqualTo("offline-run");
            assertThat(run.info().artifactUri()).isEqualTo("mlflow-artifacts:/" + experimentId + "/" + runId + "/artifacts");
            assertThat(run.params()).containsExactly(new Param("alpha", "0.5"));
            assertThat(client.getExperimentByName(name).experimentId()).isEqualTo(experimentId);

            client.logArtifact(runId, "report.txt", "good".getBytes(StandardCharsets.UTF_8));
            assertThat(workingFolder.resolve(".slipway/artifacts").resolve(experimentId).resolve(runId)
                    .resolve("artifacts/report.txt")).hasContent("good");

            CliRun listed = CliRun.run(CliRun.environment(workingFolder, Map.of()), "runs", "list", "-x", experimentId,
                    "--tracking-uri", server.uri());
            assertThat(listed.out()).contains(runId, "offline-run");
        } finally {
            openTheSameStore();
        }
    }

    @Test
    void aDatabaseTrackingUriOpensThatStoreInstead() {
        Path other = workingFolder.resolve("elsewhere/other.db");
        String uri = "sqlite:///" + other;
        String name = unique("other");

        CliRun created = slipway("experiments", "create", "-n", name, "--tracking-uri", uri);

        assertThat(created.exitCode()).as(created.toString()).isZero();
        assertThat(other).isRegularFile();
        assertThat(slipway("experiments", "list", "--tracking-uri", uri).out()).contains(name);
        assertThat(slipway("experiments", "list").out()).doesNotContain(name);
    }
}
