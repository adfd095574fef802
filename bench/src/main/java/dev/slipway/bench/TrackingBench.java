package dev.slipway.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The tracking server's benchmarks, run against the real jar in its own JVM over loopback, as a user
 * runs it, driven by a lean keep-alive HTTP/1.1 client ({@link RawHttpClient}). Each figure is a median over rounds, and the ingest figure comes with the plain JDBC batch
 * insert rate of the same rows into the same database, measured in the same run.
 *
 * <pre>
 * bench/run tracking [--backend sqlite|postgresql|all] [--only ingest,logmetric,search,history]
 *                    [--runs 100000] [--history-points 1000000] [--rounds 3] [--json]
 * </pre>
 */
public final class TrackingBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String API = "/api/2.0/mlflow/";

    private final Path jar;
    private final Path work;
    private final Map<String, Object> results = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private TrackingBench(Path jar, Path work) {
        this.jar = jar;
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        String backend = "all";
        List<String> only = List.of("ingest", "logmetric", "search", "history");
        int runs = 100_000;
        int historyPoints = 1_000_000;
        int rounds = 3;
        boolean json = false;
        for (int index = 0; index < args.length; index++) {
            switch (args[index]) {
                case "--backend" -> backend = args[++index];
                case "--only" -> only = Arrays.asList(args[++index].split(","));
                case "--runs" -> runs = Integer.parseInt(args[++index]);
                case "--history-points" -> historyPoints = Integer.parseInt(args[++index]);
                case "--rounds" -> rounds = Integer.parseInt(args[++index]);
                case "--json" -> json = true;
                default -> {
                    System.err.println("unknown argument: " + args[index]);
                    System.exit(2);
                }
            }
        }
        Path jar = Path.of(System.getProperty("slipway.jar", "cli/target/slipway.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            System.err.println("missing " + jar + ": run ./slipway --version first to build it");
            System.exit(2);
        }
        Path work = Files.createTempDirectory("slipway-bench");
        TrackingBench bench = new TrackingBench(jar, work);
        List<String> backends = backend.equals("all") ? List.of("sqlite", "postgresql") : List.of(backend);
        System.out.printf("Slipway tracking benchmark, %d cores, %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        for (String name : backends) {
            if (only.contains("ingest")) {
                bench.ingest(name, rounds);
            }
            if (only.contains("logmetric")) {
                bench.singleLogMetric(name, rounds);
            }
            if (only.contains("search")) {
                bench.search(name, runs);
            }
            if (only.contains("history")) {
                bench.history(name, historyPoints, rounds);
            }
        }
        if (json) {
            System.out.println(JSON.writeValueAsString(bench.results));
        }
        deleteTree(work);
    }

    // ---- log-batch ingest -----------------------------------------------------------------------

    private void ingest(String backend, int rounds) throws Exception {
        int threads = 4;
        int requestsPerRound = 400;
        int metricsPerRequest = 1000;
        List<Double> apiRates = new ArrayList<>();
        List<Double> jdbcRates = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            Database database = Database.create(backend, work, "ingest" + round);
            try (SlipwayProcess server = SlipwayProcess.start(jar, database.backendUri(), work.resolve("art" + round), "512m")) {
                String experimentId = createExperiment(server, "ingest");
                List<String> runIds = new ArrayList<>();
                for (int run = 0; run < 10; run++) {
                    runIds.add(createRun(server, experimentId));
                }
                // warm-up: not counted
                List<byte[]> warmup = new ArrayList<>();
                for (int request = 0; request < 150; request++) {
                    warmup.add(logBatchBody(runIds.get(request % 10), request + 1_000_000, metricsPerRequest));
                }
                sendConcurrently(server, "runs/log-batch", warmup, threads);
                List<byte[]> bodies = new ArrayList<>();
                for (int request = 0; request < requestsPerRound; request++) {
                    bodies.add(logBatchBody(runIds.get(request % 10), request, metricsPerRequest));
                }
                long start = System.nanoTime();
                sendConcurrently(server, "runs/log-batch", bodies, threads);
                double seconds = (System.nanoTime() - start) / 1e9;
                apiRates.add(requestsPerRound * (double) metricsPerRequest / seconds);
                server.stop();
                jdbcRates.add(jdbcBaseline(database, runIds.get(0), requestsPerRound, metricsPerRequest));
            } finally {
                database.drop();
            }
        }
        double api = median(apiRates);
        double jdbc = median(jdbcRates);
        System.out.printf(Locale.ROOT,
                "%-10s log-batch ingest, 4 threads x 1000 metrics/request: median %,.0f metric values/s "
                        + "(rounds %s); plain JDBC batch insert of the same rows: median %,.0f rows/s; ratio %.2f%n",
                backend, api, format(apiRates), jdbc, api / jdbc);
        results.put(backend + ".ingest_metrics_per_s", Math.round(api));
        results.put(backend + ".jdbc_rows_per_s", Math.round(jdbc));
        results.put(backend + ".ingest_ratio_to_jdbc", Math.round(api / jdbc * 100) / 100.0);
    }

    /** The same rows (1000 per batch, one transaction per batch, as one log-batch call) through plain JDBC. */
    private static double jdbcBaseline(Database database, String runId, int batches, int rowsPerBatch) throws SQLException {
        try (Connection connection = database.connect()) {
            connection.setAutoCommit(false);
            String sql = "INSERT INTO metrics (run_uuid, name, step, timestamp_ms, value, is_nan) VALUES (?, ?, ?, ?, ?, ?)";
            long start = System.nanoTime();
            try (PreparedStatement insert = connection.prepareStatement(sql)) {
                for (int batch = 0; batch < batches; batch++) {
                    for (int row = 0; row < rowsPerBatch; row++) {
                        insert.setString(1, runId);
                        insert.setString(2, "m" + (row % 10));
                        insert.setLong(3, 10_000_000L + (long) batch * rowsPerBatch + row / 10);
                        insert.setLong(4, 1_700_000_000_000L + batch);
                        insert.setDouble(5, row * 0.001);
                        insert.setInt(6, 0);
                        insert.addBatch();
                    }
                    insert.executeBatch();
                    connection.commit();
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return batches * (double) rowsPerBatch / seconds;
        }
    }

    private static byte[] logBatchBody(String runId, int request, int metrics) {
        StringBuilder body = new StringBuilder(metrics * 70);
        body.append("{\"run_id\":\"").append(runId).append("\",\"metrics\":[");
        for (int index = 0; index < metrics; index++) {
            if (index > 0) {
                body.append(',');
            }
            long step = (long) request * metrics / 10 + index / 10;
            body.append("{\"key\":\"m").append(index % 10).append("\",\"value\":").append(index * 0.001)
                    .append(",\"timestamp\":").append(1_700_000_000_000L + request).append(",\"step\":").append(step)
                    .append('}');
        }
        body.append("]}");
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    // ---- single log-metric ----------------------------------------------------------------------

    private void singleLogMetric(String backend, int rounds) throws Exception {
        List<Double> rates = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            Database database = Database.create(backend, work, "logmetric" + round);
            try (SlipwayProcess server = SlipwayProcess.start(jar, database.backendUri(), work.resolve("lm" + round), "512m")) {
                String experimentId = createExperiment(server, "log-metric");
                String runId = createRun(server, experimentId);
                for (int call = 0; call < 8000; call++) {
                    post(server, "runs/log-metric", logMetricBody(runId, call + 1_000_000));
                }
                int calls = 10_000;
                long start = System.nanoTime();
                for (int call = 0; call < calls; call++) {
                    post(server, "runs/log-metric", logMetricBody(runId, call));
                }
                rates.add(calls / ((System.nanoTime() - start) / 1e9));
            } finally {
                database.drop();
            }
        }
        double rate = median(rates);
        System.out.printf(Locale.ROOT, "%-10s single log-metric calls, one sequential client: median %,.0f calls/s (rounds %s)%n",
                backend, rate, format(rates));
        results.put(backend + ".log_metric_calls_per_s", Math.round(rate));
    }

    private static byte[] logMetricBody(String runId, int step) {
        return ("{\"run_id\":\"" + runId + "\",\"key\":\"loss\",\"value\":" + (1.0 / (step + 1)) + ",\"timestamp\":"
                + (1_700_000_000_000L + step) + ",\"step\":" + step + "}").getBytes(StandardCharsets.UTF_8);
    }

    // ---- search_runs at 100,000 runs ----------------------------------------------------------------

    private void search(String backend, int runs) throws Exception {
        Database database = Database.create(backend, work, "search");
        try {
            String experimentId;
            try (SlipwayProcess server = SlipwayProcess.start(jar, database.backendUri(), work.resolve("search"), "512m")) {
                experimentId = createExperiment(server, "search-bench");
            }
            long loadStart = System.nanoTime();
            populate(database, Long.parseLong(experimentId), runs);
            System.out.printf(Locale.ROOT, "%-10s loaded %,d runs (5 params, 5 metrics, 3 tags each) in %.1f s%n", backend,
                    runs, (System.nanoTime() - loadStart) / 1e9);
            try (SlipwayProcess server = SlipwayProcess.start(jar, database.backendUri(), work.resolve("search"), "512m")) {
                byte[] body = ("{\"experiment_ids\":[\"" + experimentId + "\"],\"filter\":\"metrics.m1 > 0.5\","
                        + "\"order_by\":[\"metrics.m1 DESC\"],\"max_results\":100}").getBytes(StandardCharsets.UTF_8);
                JsonNode first = JSON.readTree(post(server, "runs/search", body));
                int returned = first.path("runs").size();
                if (returned != 100) {
                    throw new IllegalStateException("search returned " + returned + " runs, expected 100");
                }
                for (int warm = 0; warm < 50; warm++) {
                    post(server, "runs/search", body);
                }
                int samples = 300;
                double[] millis = new double[samples];
                for (int sample = 0; sample < samples; sample++) {
                    long start = System.nanoTime();
                    post(server, "runs/search", body);
                    millis[sample] = (System.nanoTime() - start) / 1e6;
                }
                Arrays.sort(millis);
                double p50 = millis[samples / 2];
                double p95 = millis[(int) Math.ceil(samples * 0.95) - 1];
                System.out.printf(Locale.ROOT,
                        "%-10s search_runs 'metrics.m1 > 0.5' ORDER BY metrics.m1 DESC, max_results 100, %,d runs: "
                                + "p50 %.1f ms, p95 %.1f ms (%d sequential calls)%n",
                        backend, runs, p50, p95, samples);
                results.put(backend + ".search_p50_ms", Math.round(p50 * 10) / 10.0);
                results.put(backend + ".search_p95_ms", Math.round(p95 * 10) / 10.0);
            }
        } finally {
            database.drop();
        }
    }

    /** Loads runs straight into the tables (loading is not what is measured). */
    private static void populate(Database database, long experimentId, int runs) throws SQLException {
        Random random = new Random(42);
        HexFormat hex = HexFormat.of();
        try (Connection connection = database.connect()) {
            connection.setAutoCommit(false);
            try (PreparedStatement run = connection.prepareStatement("INSERT INTO runs (run_uuid, name, experiment_id, "
                    + "user_id, status, start_time, end_time, artifact_uri, lifecycle_stage) VALUES (?,?,?,?,?,?,?,?,?)");
                    PreparedStatement param = connection.prepareStatement(
                            "INSERT INTO params (run_uuid, name, value) VALUES (?,?,?)");
                    PreparedStatement tag = connection.prepareStatement(
                            "INSERT INTO tags (run_uuid, name, value) VALUES (?,?,?)");
                    PreparedStatement metric = connection.prepareStatement("INSERT INTO metrics (run_uuid, name, step, "
                            + "timestamp_ms, value, is_nan) VALUES (?,?,?,?,?,?)");
                    PreparedStatement latest = connection.prepareStatement("INSERT INTO latest_metrics (run_uuid, name, "
                            + "experiment_id, value, timestamp_ms, step, is_nan) VALUES (?,?,?,?,?,?,?)")) {
                byte[] id = new byte[16];
                for (int index = 0; index < runs; index++) {
                    random.nextBytes(id);
                    String runId = hex.formatHex(id);
                    long start = 1_700_000_000_000L + index;
                    run.setString(1, runId);
                    run.setString(2, "run-" + index);
                    run.setLong(3, experimentId);
                    run.setString(4, "bench");
                    run.setString(5, "FINISHED");
                    run.setLong(6, start);
                    run.setLong(7, start + 1000);
                    run.setString(8, "mlflow-artifacts:/" + experimentId + "/" + runId + "/artifacts");
                    run.setString(9, "active");
                    run.addBatch();
                    for (int p = 1; p <= 5; p++) {
                        param.setString(1, runId);
                        param.setString(2, "p" + p);
                        param.setString(3, String.valueOf(random.nextInt(100)));
                        param.addBatch();
                    }
                    for (int t = 1; t <= 3; t++) {
                        tag.setString(1, runId);
                        tag.setString(2, t == 1 ? "mlflow.runName" : "t" + t);
                        tag.setString(3, t == 1 ? "run-" + index : "v" + random.nextInt(10));
                        tag.addBatch();
                    }
                    for (int m = 1; m <= 5; m++) {
                        double value = random.nextDouble();
                        metric.setString(1, runId);
                        metric.setString(2, "m" + m);
                        metric.setLong(3, 0);
                        metric.setLong(4, start);
                        metric.setDouble(5, value);
                        metric.setInt(6, 0);
                        metric.addBatch();
                        latest.setString(1, runId);
                        latest.setString(2, "m" + m);
                        latest.setLong(3, experimentId);
                        latest.setDouble(4, value);
                        latest.setLong(5, start);
                        latest.setLong(6, 0);
                        latest.setInt(7, 0);
                        latest.addBatch();
                    }
                    if (index % 2000 == 1999 || index == runs - 1) {
                        run.executeBatch();
                        param.executeBatch();
                        tag.executeBatch();
                        metric.executeBatch();
                        latest.executeBatch();
                        connection.commit();
                    }
                }
            }
            try (Statement analyze = connection.createStatement()) {
                analyze.execute("ANALYZE");
                connection.commit();
            }
        }
    }

    // ---- metric history of 1,000,000 points -----------------------------------------------------------

    private void history(String backend, int points, int rounds) throws Exception {
        Database database = Database.create(backend, work, "history");
        String heap = "128m";
        try (SlipwayProcess server = SlipwayProcess.start(jar, database.backendUri(), work.resolve("history"), heap)) {
            String experimentId = createExperiment(server, "history");
            String runId = createRun(server, experimentId);
            List<byte[]> bodies = new ArrayList<>();
            for (int request = 0; request < points / 1000; request++) {
                StringBuilder body = new StringBuilder(70_000);
                body.append("{\"run_id\":\"").append(runId).append("\",\"metrics\":[");
                for (int index = 0; index < 1000; index++) {
                    long step = (long) request * 1000 + index;
                    if (index > 0) {
                        body.append(',');
                    }
                    body.append("{\"key\":\"loss\",\"value\":").append(1.0 / (step + 1)).append(",\"timestamp\":")
                            .append(1_700_000_000_000L + step).append(",\"step\":").append(step).append('}');
                }
                body.append("]}");
                bodies.add(body.toString().getBytes(StandardCharsets.UTF_8));
            }
            sendConcurrently(server, "runs/log-batch", bodies, 4);
            URI uri = URI.create(server.baseUri() + API + "metrics/get-history?run_id=" + runId + "&metric_key=loss");
            List<Double> seconds = new ArrayList<>();
            for (int round = 0; round < rounds + 1; round++) {
                long start = System.nanoTime();
                HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri).GET().build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("get-history answered " + response.statusCode());
                }
                long count = countMetrics(response.body());
                double elapsed = (System.nanoTime() - start) / 1e9;
                if (count != points) {
                    throw new IllegalStateException("get-history returned " + count + " points, expected " + points);
                }
                if (round > 0) {
                    seconds.add(elapsed);
                }
            }
            double median = median(seconds);
            System.out.printf(Locale.ROOT,
                    "%-10s get-history of one metric with %,d points, server heap -Xmx%s: median %.2f s (rounds %s)%n",
                    backend, points, heap, median, format(seconds));
            results.put(backend + ".history_1m_seconds", Math.round(median * 100) / 100.0);
        } finally {
            database.drop();
        }
    }

    private static long countMetrics(InputStream body) throws IOException {
        long count = 0;
        try (JsonParser parser = new JsonFactory().createParser(body)) {
            int depth = 0;
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (token == JsonToken.START_OBJECT) {
                    depth++;
                    if (depth == 2) {
                        count++;
                    }
                } else if (token == JsonToken.END_OBJECT) {
                    depth--;
                }
            }
        }
        return count;
    }

    // ---- HTTP helpers ------------------------------------------------------------------------------

    private String createExperiment(SlipwayProcess server, String name) throws Exception {
        byte[] body = ("{\"name\":\"" + name + "-" + System.nanoTime() + "\"}").getBytes(StandardCharsets.UTF_8);
        return JSON.readTree(post(server, "experiments/create", body)).get("experiment_id").asText();
    }

    private String createRun(SlipwayProcess server, String experimentId) throws Exception {
        byte[] body = ("{\"experiment_id\":\"" + experimentId + "\",\"start_time\":" + System.currentTimeMillis() + "}")
                .getBytes(StandardCharsets.UTF_8);
        return JSON.readTree(post(server, "runs/create", body)).path("run").path("info").path("run_id").asText();
    }

    private static byte[] post(SlipwayProcess server, String endpoint, byte[] body) throws IOException {
        return server.post(API + endpoint, body);
    }

    private void sendConcurrently(SlipwayProcess server, String endpoint, List<byte[]> bodies, int threads)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger next = new AtomicInteger();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int thread = 0; thread < threads; thread++) {
                futures.add(pool.submit(() -> {
                    int index;
                    while ((index = next.getAndIncrement()) < bodies.size()) {
                        post(server, endpoint, bodies.get(index));
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static String format(List<Double> values) {
        StringBuilder text = new StringBuilder();
        for (double value : values) {
            if (text.length() > 0) {
                text.append(", ");
            }
            text.append(value >= 100 ? String.format(Locale.ROOT, "%,.0f", value) : String.format(Locale.ROOT, "%.2f", value));
        }
        return text.toString();
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** A fresh database for one measurement: a SQLite file, or a new PostgreSQL database. */
    record Database(String backend, String backendUri, String jdbcUrl, String user, Runnable dropper) {
        static Database create(String backend, Path work, String name) throws SQLException {
            switch (backend) {
                case "sqlite" -> {
                    Path file = work.resolve(name + ".db");
                    return new Database(backend, "sqlite:///" + file, "jdbc:sqlite:" + file, "", () -> { });
                }
                case "postgresql" -> {
                    String host = System.getenv().getOrDefault("SLIPWAY_BENCH_PG_HOST", "127.0.0.1:5432");
                    String database = "slipway_bench_" + name.toLowerCase(Locale.ROOT) + "_" + System.nanoTime() % 100000;
                    try (Connection admin = DriverManager.getConnection("jdbc:postgresql://" + host + "/postgres", "postgres", "");
                            Statement statement = admin.createStatement()) {
                        statement.execute("CREATE DATABASE " + database);
                    }
                    return new Database(backend, "postgresql://postgres@" + host + "/" + database,
                            "jdbc:postgresql://" + host + "/" + database + "?reWriteBatchedInserts=true", "postgres", () -> {
                                try (Connection admin = DriverManager.getConnection(
                                        "jdbc:postgresql://" + host + "/postgres", "postgres", "");
                                        Statement statement = admin.createStatement()) {
                                    statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
                                } catch (SQLException e) {
                                    System.err.println("could not drop " + database + ": " + e.getMessage());
                                }
                            });
                }
                default -> throw new IllegalArgumentException("unknown backend " + backend);
            }
        }

        Connection connect() throws SQLException {
            return backend.equals("sqlite") ? DriverManager.getConnection(jdbcUrl)
                    : DriverManager.getConnection(jdbcUrl, user, "");
        }

        void drop() {
            dropper.run();
        }
    }
}
