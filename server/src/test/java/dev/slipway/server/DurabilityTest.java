package dev.slipway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.server.ApiClient.Response;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server process killed with SIGKILL in the middle of a stream of writes loses nothing it acknowledged. */
class DurabilityTest {
    private static final int METRICS_PER_BATCH = 100;
    private static final int WRITERS = 2;
    private static final int ACKNOWLEDGED_BEFORE_KILL = 40;

    @Test
    void everyAcknowledgedMetricSurvivesAKilledServer(@TempDir Path directory) throws Exception {
        Process first = startServerProcess(directory, "first.port");
        String runId;
        Set<Long>[] acknowledgedSteps = newStepSets();
        AtomicInteger acknowledgedBatches = new AtomicInteger();
        AtomicBoolean unexpectedAnswer = new AtomicBoolean();
        try {
            ApiClient api = new ApiClient(awaitPort(directory.resolve("first.port"), first));
            String experimentId = TestServer.expectOk(api.post("/api/2.0/mlflow/experiments/create",
                    "{\"name\": \"durability\"}")).json().get("experiment_id").asText();
            runId = TestServer.expectOk(api.post("/api/2.0/mlflow/runs/create",
                    "{\"experiment_id\": \"" + experimentId + "\"}")).json().get("run").get("info").get("run_id").asText();

            List<Thread> writers = new ArrayList<>();
            for (int writer = 0; writer < WRITERS; writer++) {
                int writerIndex = writer;
                Thread thread = new Thread(() -> {
                    for (long batch = 0; ; batch++) {
                        Response response;
                        try {
                            response = api.post("/api/2.0/mlflow/runs/log-batch", batch(runId, "w" + writerIndex, batch));
                        } catch (UncheckedIOException e) {
                            return; // the server died with this request in flight: not acknowledged
                        }
                        if (response.status() != 200) {
                            unexpectedAnswer.set(true);
                            return;
                        }
                        for (long step = batch * METRICS_PER_BATCH; step < (batch + 1) * METRICS_PER_BATCH; step++) {
                            acknowledgedSteps[writerIndex].add(step);
                        }
                        acknowledgedBatches.incrementAndGet();
                    }
                });
                thread.start();
                writers.add(thread);
            }
            Instant deadline = Instant.now().plusSeconds(60);
            while (acknowledgedBatches.get() < ACKNOWLEDGED_BEFORE_KILL && Instant.now().isBefore(deadline)
                    && !unexpectedAnswer.get()) {
                Thread.sleep(5);
            }
            first.destroyForcibly();
            first.waitFor();
            for (Thread writer : writers) {
                writer.join(Duration.ofSeconds(30).toMillis());
            }
        } finally {
            first.destroyForcibly();
        }
        assertThat(unexpectedAnswer).isFalse();
        assertThat(acknowledgedBatches.get()).isGreaterThanOrEqualTo(ACKNOWLEDGED_BEFORE_KILL);

        Process second = startServerProcess(directory, "second.port");
        try {
            ApiClient api = new ApiClient(awaitPort(directory.resolve("second.port"), second));
            for (int writer = 0; writer < WRITERS; writer++) {
                JsonNode history = TestServer.expectOk(api.get("/api/2.0/mlflow/metrics/get-history?run_id=" + runId
                        + "&metric_key=w" + writer)).json();
                Set<Long> stored = new TreeSet<>();
                history.path("metrics").forEach(metric -> stored.add(metric.get("step").asLong()));
                assertThat(stored).containsAll(acknowledgedSteps[writer]);
            }
        } finally {
            second.destroyForcibly();
            second.waitFor();
        }
    }

    @SuppressWarnings("unchecked")
    private static Set<Long>[] newStepSets() {
        Set<Long>[] sets = new Set[WRITERS];
        for (int index = 0; index < WRITERS; index++) {
            sets[index] = ConcurrentHashMap.newKeySet();
        }
        return sets;
    }

    private static String batch(String runId, String key, long batch) {
        StringBuilder json = new StringBuilder("{\"run_id\": \"" + runId + "\", \"metrics\": [");
        for (long step = batch * METRICS_PER_BATCH; step < (batch + 1) * METRICS_PER_BATCH; step++) {
            json.append(step == batch * METRICS_PER_BATCH ? "" : ",").append("{\"key\": \"").append(key)
                    .append("\", \"value\": ").append(step).append(", \"timestamp\": ").append(step)
                    .append(", \"step\": ").append(step).append('}');
        }
        return json.append("]}").toString();
    }

    private static Process startServerProcess(Path directory, String portFileName) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), DurabilityServerMain.class.getName(), directory.toString(),
                directory.resolve(portFileName).toString());
        builder.redirectErrorStream(true);
        builder.redirectOutput(directory.resolve(portFileName + ".log").toFile());
        return builder.start();
    }

    private static int awaitPort(Path portFile, Process process) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (!Files.exists(portFile)) {
            if (!process.isAlive()) {
                throw new AssertionError("server process exited with " + process.exitValue() + ": "
                        + Files.readString(portFile.resolveSibling(portFile.getFileName() + ".log")));
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("server process did not start in time");
            }
            Thread.sleep(20);
        }
        return Integer.parseInt(Files.readString(portFile).trim());
    }
}
