package dev.slipway.bench;

import dev.slipway.core.tracking.Metric;
import dev.slipway.core.tracking.NewRun;
import dev.slipway.core.tracking.Param;
import dev.slipway.core.tracking.Tag;
import dev.slipway.core.tracking.TrackingService;
import dev.slipway.core.tracking.TrackingStore;
import dev.slipway.store.jdbc.JdbcTrackingStoreFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The web UI's runs page of an experiment with 100,000 runs: time to first byte and to the last byte of
 * {@code GET /experiments/{id}} (first page of 100 runs), also sorted by a metric, filtered on a metric, and deep in
 * the pages. The runs (5 params, 5 metrics, 3 tags each, some children of a parent run) are written through the
 * {@link TrackingStore}'s calls into a SQLite file in a temp folder; then {@code slipway server} starts on that file in
 * its own JVM, as a user starts it, and a plain HTTP client reads the pages. Each figure is the median of
 * {@code --rounds} requests after one cold request (reported separately).
 *
 * <pre>
 * bench/run ui [--runs 100000] [--rounds 15] [--json]
 * </pre>
 *
 * <p>{@code -Dslipway.classpath=...} runs the server from a class path instead of {@code -Dslipway.jar}.
 */
public final class UiBench {
    private static final long START = 1_700_000_000_000L;

    private UiBench() {}

    public static void main(String[] args) throws Exception {
        int runs = 100_000;
        int rounds = 15;
        boolean json = false;
        for (int index = 0; index < args.length; index++) {
            switch (args[index]) {
                case "--runs" -> runs = Integer.parseInt(args[++index]);
                case "--rounds" -> rounds = Integer.parseInt(args[++index]);
                case "--json" -> json = true;
                default -> {
                    System.err.println("unknown argument: " + args[index]);
                    System.exit(2);
                }
            }
        }
        String classpath = System.getProperty("slipway.classpath",
                Path.of(System.getProperty("slipway.jar", "cli/target/slipway.jar")).toAbsolutePath().toString());
        Path work = Files.createTempDirectory("slipway-ui-bench");
        Map<String, Object> results = new LinkedHashMap<>();
        try {
            Path database = work.resolve("mlflow.db");
            String backendUri = "sqlite://" + database.toAbsolutePath();
            System.out.printf("Slipway UI benchmark, %d cores, %s%n", Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"));
            long seedStart = System.nanoTime();
            String experimentId = seed(backendUri, runs);
            double seedSeconds = (System.nanoTime() - seedStart) / 1e9;
            System.out.printf(Locale.ROOT, "seeded %,d runs through the store (createRun + logBatch, 4 threads) in %.1f s%n",
                    runs, seedSeconds);
            results.put("seed_s", Math.round(seedSeconds * 10) / 10.0);

            try (Server server = Server.start(classpath, backendUri, work.resolve("artifacts"))) {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(10)).build();
                String page = server.baseUri + "/experiments/" + experimentId;
                Map<String, String> cases = new LinkedHashMap<>();
                cases.put("first page", page);
                cases.put("sorted by metrics.m1 DESC", page + "?order=" + encode("metrics.m1 DESC"));
                cases.put("filtered metrics.m1 > 0.5, sorted by it", page + "?filter=" + encode("metrics.m1 > 0.5")
                        + "&order=" + encode("metrics.m1 DESC"));
                cases.put("filtered params.p1 = '7'", page + "?filter=" + encode("params.p1 = '7'"));
                cases.put("page 500 (offset 49,900)", page + "?page=500");
                cases.put("experiments list", server.baseUri + "/");
                for (Map.Entry<String, String> entry : cases.entrySet()) {
                    Timing cold = fetch(http, entry.getValue());
                    List<Timing> warm = new ArrayList<>();
                    for (int round = 0; round < rounds; round++) {
                        warm.add(fetch(http, entry.getValue()));
                    }
                    double firstByte = median(warm.stream().mapToDouble(Timing::firstByteMillis).toArray());
                    double full = median(warm.stream().mapToDouble(Timing::fullMillis).toArray());
                    System.out.printf(Locale.ROOT, "%-42s cold %6.1f ms | median of %d: first byte %6.1f ms, "
                                    + "full %6.1f ms, %,d bytes%n", entry.getKey(), cold.fullMillis(), rounds,
                            firstByte, full, cold.bytes());
                    String key = entry.getKey().replaceAll("[^a-z0-9]+", "_").replaceAll("^_|_$", "");
                    results.put(key + ".cold_ms", round(cold.fullMillis()));
                    results.put(key + ".ttfb_ms", round(firstByte));
                    results.put(key + ".full_ms", round(full));
                }
            }
        } finally {
            TrackingBench.deleteTree(work);
        }
        if (json) {
            StringBuilder out = new StringBuilder("{");
            results.forEach((key, value) -> out.append(out.length() > 1 ? "," : "").append('"').append(key)
                    .append("\":").append(value));
            System.out.println(out.append('}'));
        }
    }

    /**
     * Creates the experiment through the service, and its runs through the store's write calls (one run insert and
     * one log batch per run, as a client's calls end up) from four threads, so reads and writes overlap.
     */
    private static String seed(String backendUri, int runs) throws Exception {
        try (TrackingStore store = new JdbcTrackingStoreFactory().open(backendUri)) {
            TrackingService tracking = new TrackingService(store, Clock.systemUTC(), "mlflow-artifacts:/");
            tracking.ensureDefaultExperiment();
            String experimentId = tracking.createExperiment("ui-bench", Optional.empty(), List.of());
            int threads = 4;
            int perThread = (runs + threads - 1) / threads;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> work = new ArrayList<>();
                for (int thread = 0; thread < threads; thread++) {
                    int from = thread * perThread;
                    int to = Math.min(runs, from + perThread);
                    work.add(pool.submit(() -> {
                        seedRange(store, experimentId, from, to);
                        return null;
                    }));
                }
                for (Future<?> future : work) {
                    future.get();
                }
            } finally {
                pool.shutdown();
            }
            return experimentId;
        }
    }

    /** Runs {@code from} to {@code to}: every tenth a parent, the two before the next parent its children. */
    private static void seedRange(TrackingStore store, String experimentId, int from, int to) {
        SplittableRandom random = new SplittableRandom(from);
        HexFormat hex = HexFormat.of();
        byte[] bytes = new byte[16];
        String parent = "";
        for (int index = from; index < to; index++) {
            long startTime = START + index;
            random.nextBytes(bytes);
            String runId = hex.formatHex(bytes);
            String name = "run-" + index;
            List<Tag> tags = new ArrayList<>(List.of(new Tag("mlflow.runName", name), new Tag("mlflow.user", "bench"),
                    new Tag("team", "team-" + index % 5)));
            if (index % 10 >= 8 && !parent.isEmpty()) {
                tags.add(new Tag("mlflow.parentRunId", parent));
            }
            store.createRun(new NewRun(runId, experimentId, name, "bench", startTime,
                    "mlflow-artifacts:/" + experimentId + "/" + runId + "/artifacts", tags));
            if (index % 10 == 0) {
                parent = runId;
            }
            List<Metric> metrics = new ArrayList<>();
            List<Param> params = new ArrayList<>();
            for (int key = 1; key <= 5; key++) {
                metrics.add(new Metric("m" + key, random.nextDouble(), startTime, 0));
                params.add(new Param("p" + key, String.valueOf(random.nextInt(10))));
            }
            store.logBatch(runId, metrics, params, List.of());
            if ((index - from + 1) % 10_000 == 0) {
                System.out.printf(Locale.ROOT, "  %,d runs from run %,d%n", index - from + 1, from);
            }
        }
    }

    private record Timing(double firstByteMillis, double fullMillis, long bytes) {}

    private static Timing fetch(HttpClient http, String uri) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(uri)).header("Accept", "text/html").GET().build();
        long start = System.nanoTime();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        long firstByte = System.nanoTime();
        long bytes;
        try (InputStream body = response.body()) {
            bytes = body.transferTo(OutputStream.nullOutputStream());
        }
        long end = System.nanoTime();
        if (response.statusCode() != 200) {
            throw new IllegalStateException(uri + " answered " + response.statusCode());
        }
        return new Timing((firstByte - start) / 1e6, (end - start) / 1e6, bytes);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static double round(double millis) {
        return Math.round(millis * 10) / 10.0;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** {@code slipway server} (with its web UI) in its own JVM on a free loopback port. */
    private static final class Server implements AutoCloseable {
        private final Process process;
        private final String baseUri;

        private Server(Process process, String baseUri) {
            this.process = process;
            this.baseUri = baseUri;
        }

        static Server start(String classpath, String backendUri, Path artifacts) throws Exception {
            int port = TrackingBench.freePort();
            Files.createDirectories(artifacts);
            Path log = artifacts.resolveSibling("server.log");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process process = new ProcessBuilder(java, "-Xmx1g", "-cp", classpath, "dev.slipway.cli.Main", "server",
                    "--host", "127.0.0.1", "--port", String.valueOf(port), "--backend-store-uri", backendUri,
                    "--artifacts-destination", artifacts.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Server server = new Server(process, "http://127.0.0.1:" + port);
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("server exited: " + Files.readString(log));
                }
                try {
                    HttpResponse<Void> response = client.send(HttpRequest.newBuilder(URI.create(server.baseUri
                            + "/health")).build(), HttpResponse.BodyHandlers.discarding());
                    if (response.statusCode() == 200) {
                        return server;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(100);
            }
            server.close();
            throw new IllegalStateException("server did not become healthy: " + Files.readString(log));
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            }
        }
    }
}
