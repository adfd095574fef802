package dev.slipway.server;

import dev.slipway.core.tracking.*;
import dev.slipway.store.jdbc.JdbcTrackingStoreFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.util.*;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreProbeTest {
    @Test
    void probe(@TempDir Path dir) throws Exception {
        TrackingStore store = new JdbcTrackingStoreFactory().open("sqlite://" + dir.resolve("x.db"));
        TrackingService tracking = new TrackingService(store, Clock.systemUTC(), "mlflow-artifacts:/");
        tracking.ensureDefaultExperiment();
        String run = tracking.createRun(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of()).info().runId();
        for (int i = 0; i < 300; i++) tracking.logMetric(run, new Metric("s", 1, i, i));
        long t0 = System.nanoTime();
        int n = 2000;
        for (int i = 300; i < 300 + n; i++) tracking.logMetric(run, new Metric("s", 1, i, i));
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("service logMetric: %.0f/s%n", n / secs);
        t0 = System.nanoTime();
        for (int i = 0; i < n; i++) tracking.getRunInfo(run);
        System.out.printf("service getRunInfo: %.0f/s%n", n / ((System.nanoTime() - t0) / 1e9));
        t0 = System.nanoTime();
        int batches = 100;
        for (int b = 0; b < batches; b++) {
            List<Metric> ms = new ArrayList<>();
            for (int i = 0; i < 1000; i++) ms.add(new Metric("b", i, b * 1000L + i, b * 1000L + i));
            tracking.logBatch(run, ms, List.of(), List.of());
        }
        secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("service logBatch 1000: %.0f metrics/s%n", batches * 1000 / secs);
        t0 = System.nanoTime();
        long[] c = {0};
        tracking.streamMetricHistory(run, "b", m -> c[0]++);
        System.out.printf("stream %d: %.2fs%n", c[0], (System.nanoTime() - t0) / 1e9);
        store.close();
    }
}
