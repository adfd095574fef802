package dev.slipway.server;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LatencyProbeTest {
    interface Call { void run(); }
    static void time(String name, int n, Call call) {
        for (int i = 0; i < 300; i++) call.run();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) call.run();
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%s: %.0f/s (%.3f ms)%n", name, n / secs, secs * 1000 / n);
    }

    @Test
    void probe(@TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            String exp = server.createExperiment("perf");
            String run = server.createRunId(exp);
            ApiClient c = server.client;
            time("health", 2000, () -> TestServer.expectOk(c.get("/health")));
            time("experiments/get", 2000, () -> TestServer.expectOk(c.get("/api/2.0/mlflow/experiments/get?experiment_id=" + exp)));
            time("runs/get", 2000, () -> TestServer.expectOk(c.get("/api/2.0/mlflow/runs/get?run_id=" + run)));
            time("POST search experiments", 2000, () -> TestServer.expectOk(c.post("/api/2.0/mlflow/experiments/search", "{\"max_results\": 1}")));
            int[] step = {0};
            time("log-metric", 2000, () -> TestServer.expectOk(c.post("/api/2.0/mlflow/runs/log-metric", "{\"run_id\":\"" + run + "\",\"key\":\"s\",\"value\":1.5,\"timestamp\":1,\"step\":" + step[0]++ + "}")));
            time("log-metric invalid (no store write)", 2000, () -> c.post("/api/2.0/mlflow/runs/log-metric", "{\"run_id\":\"" + run + "\",\"key\":\"s\",\"value\":1.5}"));
        }
    }
}
