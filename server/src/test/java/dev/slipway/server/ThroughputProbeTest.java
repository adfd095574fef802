package dev.slipway.server;

import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.*;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThroughputProbeTest {
    static String batch(String runId, String key, int from, int n) {
        StringBuilder json = new StringBuilder("{\"run_id\": \"" + runId + "\", \"metrics\": [");
        for (int s = from; s < from + n; s++) {
            json.append(s == from ? "" : ",").append("{\"key\": \"").append(key).append("\", \"value\": ").append(s * 0.25)
                .append(", \"timestamp\": ").append(1700000000000L + s).append(", \"step\": ").append(s).append('}');
        }
        return json.append("]}").toString();
    }

    @Test
    void probe(@TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            String exp = server.createExperiment("perf");
            // warm-up
            String warm = server.createRunId(exp);
            for (int i = 0; i < 50; i++) TestServer.expectOk(server.client.post("/api/2.0/mlflow/runs/log-batch", batch(warm, "w", i * 1000, 1000)));
            // parse-only cost: invalid run id fails after parsing? measure total
            int threads = 4, callsPerThread = 50;
            List<String> runs = new ArrayList<>();
            for (int t = 0; t < threads; t++) runs.add(server.createRunId(exp));
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            long t0 = System.nanoTime();
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int ti = t;
                fs.add(pool.submit(() -> {
                    ApiClient c = new ApiClient(server.server.port());
                    for (int i = 0; i < callsPerThread; i++) TestServer.expectOk(c.post("/api/2.0/mlflow/runs/log-batch", batch(runs.get(ti), "m", i * 1000, 1000)));
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("log-batch: %d metrics in %.2fs = %.0f metrics/s%n", threads * callsPerThread * 1000, secs, threads * callsPerThread * 1000 / secs);
            pool.shutdown();

            String single = server.createRunId(exp);
            for (int i = 0; i < 500; i++) TestServer.expectOk(server.client.post("/api/2.0/mlflow/runs/log-metric", "{\"run_id\":\"" + single + "\",\"key\":\"s\",\"value\":1.5,\"timestamp\":" + i + ",\"step\":" + i + "}"));
            t0 = System.nanoTime();
            int n = 3000;
            for (int i = 500; i < 500 + n; i++) TestServer.expectOk(server.client.post("/api/2.0/mlflow/runs/log-metric", "{\"run_id\":\"" + single + "\",\"key\":\"s\",\"value\":1.5,\"timestamp\":" + i + ",\"step\":" + i + "}"));
            secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("log-metric sequential: %d in %.2fs = %.0f/s%n", n, secs, n / secs);

            String big = server.createRunId(exp);
            int points = Integer.getInteger("points", 1_000_000);
            t0 = System.nanoTime();
            ExecutorService pool2 = Executors.newFixedThreadPool(4);
            List<Future<?>> fs2 = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int ti = t;
                fs2.add(pool2.submit(() -> { ApiClient c = new ApiClient(server.server.port());
                    for (int from = ti * 1000; from < points; from += 4000) TestServer.expectOk(c.post("/api/2.0/mlflow/runs/log-batch", batch(big, "big", from, 1000)));
                    return null; }));
            }
            for (Future<?> f : fs2) f.get();
            pool2.shutdown();
            System.out.printf("inserted %d in %.2fs%n", points, (System.nanoTime() - t0) / 1e9);
            for (int rep = 0; rep < 3; rep++) {
                t0 = System.nanoTime();
                HttpResponse<InputStream> r = server.client.send(HttpRequest.newBuilder(server.client.uri("/api/2.0/mlflow/metrics/get-history?run_id=" + big + "&metric_key=big")).build(), HttpResponse.BodyHandlers.ofInputStream());
                long bytes = r.body().transferTo(java.io.OutputStream.nullOutputStream());
                System.out.printf("get-history %d points: %d bytes in %.2fs (status %d)%n", points, bytes, (System.nanoTime() - t0) / 1e9, r.statusCode());
            }
        }
    }
}
