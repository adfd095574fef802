package dev.slipway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.server.ApiClient.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many clients writing to one SQLite-backed server at once all get 200 and all their points are stored. */
class ConcurrencyTest {
    private static final int THREADS = 32;
    private static final int RUNS = 8;
    private static final int REQUESTS_PER_THREAD = 20;
    private static final int METRICS_PER_BATCH = 100;

    @Test
    void thirtyTwoWritersGetOnly200s(@TempDir Path directory) throws Exception {
        try (TestServer server = TestServer.start(directory)) {
            String experimentId = server.createExperiment("concurrency");
            List<String> runIds = new ArrayList<>();
            for (int run = 0; run < RUNS; run++) {
                runIds.add(server.createRunId(experimentId));
            }
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            List<Future<Integer>> pointsPerThread = new ArrayList<>();
            for (int thread = 0; thread < THREADS; thread++) {
                int threadIndex = thread;
                pointsPerThread.add(pool.submit(() -> {
                    ApiClient client = new ApiClient(server.server.port());
                    String runId = runIds.get(threadIndex % RUNS);
                    String key = "t" + threadIndex;
                    int step = 0;
                    start.await();
                    for (int request = 0; request < REQUESTS_PER_THREAD; request++) {
                        Response response;
                        if (request % 2 == 0) {
                            StringBuilder json = new StringBuilder("{\"run_id\": \"" + runId + "\", \"metrics\": [");
                            for (int index = 0; index < METRICS_PER_BATCH; index++, step++) {
                                json.append(index == 0 ? "" : ",").append("{\"key\": \"").append(key)
                                        .append("\", \"value\": 1, \"timestamp\": 1, \"step\": ").append(step).append('}');
                            }
                            response = client.post("/api/2.0/mlflow/runs/log-batch", json.append("]}").toString());
                        } else {
                            response = client.post("/api/2.0/mlflow/runs/log-metric", "{\"run_id\": \"" + runId
                                    + "\", \"key\": \"" + key + "\", \"value\": 2, \"timestamp\": 2, \"step\": " + step++ + "}");
                        }
                        if (response.status() != 200) {
                            failures.add(response.status() + " " + response.body());
                        }
                    }
                    return step;
                }));
            }
            start.countDown();
            List<Integer> expectedPoints = new ArrayList<>();
            for (Future<Integer> future : pointsPerThread) {
                expectedPoints.add(future.get());
            }
            pool.shutdown();
            assertThat(failures).isEmpty();

            for (int thread = 0; thread < THREADS; thread++) {
                Response history = TestServer.expectOk(server.client.get("/api/2.0/mlflow/metrics/get-history?run_id="
                        + runIds.get(thread % RUNS) + "&metric_key=t" + thread));
                assertThat(history.json().get("metrics")).hasSize(expectedPoints.get(thread));
            }
        }
    }
}
