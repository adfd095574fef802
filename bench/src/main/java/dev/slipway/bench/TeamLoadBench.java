package dev.slipway.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The team server under load: several {@code slipway server} replicas (their own JVMs, as users start them) on one
 * PostgreSQL database and one artifacts folder, and many concurrent clients, each on its own keep-alive connection to
 * one replica (round robin), running a mix of logging, searching, registry reads and artifact downloads for a fixed
 * time. Reports throughput and p50/p99 latency per route, every error, and each replica's heap after collection and the
 * database's connections sampled over the run, so that a leak shows as growth between the first and the last minute.
 *
 * <pre>
 * bench/run team-load [--replicas 2] [--clients 64] [--seconds 300] [--warm-up 15] [--sample 10]
 *                     [--postgres postgresql://postgres@127.0.0.1:5432/postgres] [--auth] [--json]
 * </pre>
 *
 * <p>With {@code --auth} the replicas run with {@code --auth basic}, and every client logs in (HTTP Basic) as one user
 * who is not an administrator and owns the experiment and model it works on, so each request pays authentication and
 * a permission check, and searches are filtered.
 */
public final class TeamLoadBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String API = "/api/2.0/mlflow/";
    private static final String[] ROUTES = {"runs/log-batch", "runs/search", "experiments/search", "registered-models/get",
        "registered-models/alias", "metrics/get-history", "artifact download"};
    private static final int[] WEIGHTS = {35, 15, 10, 10, 10, 10, 10};
    private static final int ARTIFACT_BYTES = 256 * 1024;

    private TeamLoadBench() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>(Map.of("replicas", "2", "clients", "64", "seconds", "300",
                "warm-up", "15", "sample", "10", "postgres", "postgresql://postgres@127.0.0.1:5432/postgres"));
        boolean json = false;
        boolean auth = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--json")) {
                json = true;
            } else if (args[i].equals("--auth")) {
                auth = true;
            } else if (args[i].startsWith("--") && i + 1 < args.length) {
                options.put(args[i].substring(2), args[++i]);
            } else {
                throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Path jar = Path.of(System.getProperty("slipway.jar"));
        Path work = Files.createTempDirectory("slipway-team-load-");
        int replicas = Integer.parseInt(options.get("replicas"));
        int clients = Integer.parseInt(options.get("clients"));
        int seconds = Integer.parseInt(options.get("seconds"));
        int warmUp = Integer.parseInt(options.get("warm-up"));
        int sample = Integer.parseInt(options.get("sample"));
        URI admin = URI.create(options.get("postgres"));
        String database = "slipway_load_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        String jdbcServer = "jdbc:postgresql://" + admin.getHost() + ":" + admin.getPort();
        String dbUser = admin.getUserInfo() == null ? "postgres" : admin.getUserInfo().split(":", 2)[0];
        execute(jdbcServer + admin.getPath(), dbUser, "CREATE DATABASE " + database);
        String backend = admin.getScheme() + "://" + admin.getRawAuthority() + "/" + database;
        List<String> serverOptions = new ArrayList<>();
        if (options.containsKey("server-options")) {
            serverOptions.addAll(Arrays.asList(options.get("server-options").trim().split("\\s+")));
        }
        Map<String, String> environment = new LinkedHashMap<>();
        String adminPassword = "admin-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        if (auth) {
            serverOptions.addAll(List.of("--auth", "basic"));
            environment.put("SLIPWAY_ADMIN_USER", "admin");
            environment.put("SLIPWAY_ADMIN_PASSWORD", adminPassword);
        }
        List<SlipwayProcess> servers = new ArrayList<>();
        Load load = null;
        try {
            for (int i = 0; i < replicas; i++) {
                servers.add(SlipwayProcess.start(jar, backend, work.resolve("artifacts"), "1g", List.of(), serverOptions,
                        environment));
            }
            String authorization = null;
            if (auth) {
                String password = "load-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
                post(client(servers.get(0), basic("admin", adminPassword)), "users/create",
                        "{\"username\": \"load\", \"password\": \"" + password + "\"}");
                authorization = basic("load", password);
            }
            System.err.printf("%d replicas on %s up%s; seeding%n", replicas, database,
                    auth ? " with --auth basic (clients log in as the user 'load')" : "");
            Seed seed = seed(client(servers.get(0), authorization));
            load = new Load(servers, clients, authorization, seed);
            System.err.printf("%d clients for %d s after %d s of warm-up%n", clients, seconds, warmUp);
            List<Sample> samples = new ArrayList<>();
            load.start();
            long start = System.nanoTime();
            Thread.sleep(warmUp * 1000L);
            load.record.set(true);
            long recordStart = System.nanoTime();
            long end = recordStart + seconds * 1_000_000_000L;
            while (System.nanoTime() < end) {
                samples.add(sample(servers, jdbcServer + "/" + database, dbUser, database, (System.nanoTime() - start) / 1e9));
                System.err.printf("  %3.0f s: %,d requests, %d errors, heap after GC %s MB, %d connections%n",
                        samples.get(samples.size() - 1).elapsed, load.requests.get(), load.errors.get(),
                        samples.get(samples.size() - 1).heapAfterGcMegabytes(), samples.get(samples.size() - 1).connections);
                Thread.sleep(Math.min(sample * 1000L, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            }
            double recorded = (System.nanoTime() - recordStart) / 1e9;
            load.stop();
            samples.add(sample(servers, jdbcServer + "/" + database, dbUser, database, (System.nanoTime() - start) / 1e9));
            report(load, recorded, samples, replicas, clients, auth, json);
        } finally {
            if (load != null) {
                load.stop(); // after a failure; a second stop after a whole run does nothing
            }
            for (SlipwayProcess server : servers) {
                server.close();
            }
            execute(jdbcServer + admin.getPath(), dbUser, "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    private record Seed(String experimentId, String runId, String artifactPath) {}

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static Seed seed(RawHttpClient client) throws IOException {
        String experimentId = post(client, "experiments/create", "{\"name\": \"load\"}").path("experiment_id").asText();
        String runId = null;
        for (int run = 0; run < 20; run++) {
            JsonNode created = post(client, "runs/create", "{\"experiment_id\": \"" + experimentId + "\", \"start_time\": "
                    + System.currentTimeMillis() + "}");
            String id = created.path("run").path("info").path("run_id").asText();
            runId = runId == null ? id : runId;
            StringBuilder batch = new StringBuilder("{\"run_id\": \"" + id + "\", \"params\": [{\"key\": \"depth\", \"value\": \""
                    + run % 8 + "\"}], \"metrics\": [");
            for (int step = 0; step < 100; step++) {
                batch.append(step == 0 ? "" : ",").append(String.format(Locale.ROOT,
                        "{\"key\": \"m0\", \"value\": %.4f, \"timestamp\": %d, \"step\": %d}", Math.random(), 1_000 + step, step));
            }
            post(client, "runs/log-batch", batch.append("]}").toString());
        }
        post(client, "registered-models/create", "{\"name\": \"load-model\"}");
        for (int version = 0; version < 3; version++) {
            post(client, "model-versions/create", "{\"name\": \"load-model\", \"source\": \"runs:/" + runId + "/model\", "
                    + "\"run_id\": \"" + runId + "\"}");
        }
        post(client, "registered-models/alias", "{\"name\": \"load-model\", \"alias\": \"champion\", \"version\": \"2\"}");
        String artifactPath = "/api/2.0/mlflow-artifacts/artifacts/" + experimentId + "/" + runId + "/artifacts/blob.bin";
        byte[] blob = new byte[ARTIFACT_BYTES];
        ThreadLocalRandom.current().nextBytes(blob);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        int status = client.send("PUT", artifactPath, blob, sink);
        if (status != 200) {
            throw new IllegalStateException("artifact upload answered " + status + ": " + sink);
        }
        return new Seed(experimentId, runId, artifactPath);
    }

    /** The clients: one thread and one connection each, recording latencies per route once {@link #record} is set. */
    private static final class Load {
        final AtomicBoolean record = new AtomicBoolean();
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicLong requests = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final ConcurrentLinkedQueue<String> errorMessages = new ConcurrentLinkedQueue<>();
        final List<long[][]> latencies = new ArrayList<>();
        final List<int[]> counts = new ArrayList<>();
        final long[] routeErrors = new long[ROUTES.length];
        final List<Thread> threads = new ArrayList<>();
        final CountDownLatch ready;

        Load(List<SlipwayProcess> servers, int clients, String authorization, Seed seed) {
            ready = new CountDownLatch(clients);
            for (int index = 0; index < clients; index++) {
                long[][] mine = new long[ROUTES.length][1024];
                int[] mineCounts = new int[ROUTES.length];
                latencies.add(mine);
                counts.add(mineCounts);
                SlipwayProcess server = servers.get(index % servers.size());
                threads.add(new Thread(() -> run(client(server, authorization), seed, mine, mineCounts), "load-client-" + index));
            }
        }

        void start() throws InterruptedException {
            threads.forEach(Thread::start);
            ready.await();
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread thread : threads) {
                thread.join(30_000);
            }
        }

        private void run(RawHttpClient client, Seed seed, long[][] mine, int[] mineCounts) {
            String ownRun;
            try {
                ownRun = post(client, "runs/create", "{\"experiment_id\": \"" + seed.experimentId() + "\"}").path("run").path("info")
                        .path("run_id").asText();
            } catch (IOException | RuntimeException e) {
                errorMessages.add("runs/create: " + e.getMessage());
                errors.incrementAndGet();
                ready.countDown();
                return;
            }
            ready.countDown();
            ByteArrayOutputStream sink = new ByteArrayOutputStream(ARTIFACT_BYTES + 1024);
            long step = 0;
            ThreadLocalRandom random = ThreadLocalRandom.current();
            while (running.get()) {
                int route = pick(random.nextInt(100));
                sink.reset();
                long started = System.nanoTime();
                int status;
                try {
                    status = switch (route) {
                        case 0 -> client.send("POST", API + "runs/log-batch", logBatch(ownRun, step++), sink);
                        case 1 -> client.send("POST", API + "runs/search", ("{\"experiment_ids\": [\"" + seed.experimentId()
                                + "\"], \"filter\": \"metrics.m0 > 0.5\", \"max_results\": 50}").getBytes(StandardCharsets.UTF_8), sink);
                        case 2 -> client.send("POST", API + "experiments/search", "{\"max_results\": 50}".getBytes(StandardCharsets.UTF_8), sink);
                        case 3 -> client.send("GET", API + "registered-models/get?name=load-model", null, sink);
                        case 4 -> client.send("GET", API + "registered-models/alias?name=load-model&alias=champion", null, sink);
                        case 5 -> client.send("GET", API + "metrics/get-history?run_id=" + seed.runId() + "&metric_key=m0", null, sink);
                        default -> client.send("GET", seed.artifactPath(), null, sink);
                    };
                } catch (IOException | RuntimeException e) {
                    status = -1;
                    sink.reset();
                    sink.writeBytes(String.valueOf(e).getBytes(StandardCharsets.UTF_8));
                    try {
                        client.close();
                    } catch (IOException closing) {
                        // reconnects at the next request
                    }
                }
                long nanos = System.nanoTime() - started;
                requests.incrementAndGet();
                boolean ok = status == 200 && (route != 6 || sink.size() == ARTIFACT_BYTES);
                if (!ok) {
                    errors.incrementAndGet();
                    synchronized (routeErrors) {
                        routeErrors[route]++;
                    }
                    if (errorMessages.size() < 20) {
                        errorMessages.add(ROUTES[route] + " -> " + status + ": "
                                + new String(sink.toByteArray(), 0, Math.min(sink.size(), 300), StandardCharsets.UTF_8));
                    }
                }
                if (record.get() && ok) {
                    if (mineCounts[route] == mine[route].length) {
                        mine[route] = Arrays.copyOf(mine[route], mine[route].length * 2);
                    }
                    mine[route][mineCounts[route]++] = nanos;
                }
            }
        }
    }

    private static int pick(int percent) {
        int cumulative = 0;
        for (int route = 0; route < WEIGHTS.length; route++) {
            cumulative += WEIGHTS[route];
            if (percent < cumulative) {
                return route;
            }
        }
        return WEIGHTS.length - 1;
    }

    private static byte[] logBatch(String runId, long step) {
        StringBuilder body = new StringBuilder(640).append("{\"run_id\": \"").append(runId).append("\", \"metrics\": [");
        long now = System.currentTimeMillis();
        for (int metric = 0; metric < 10; metric++) {
            body.append(metric == 0 ? "" : ",").append("{\"key\": \"loss").append(metric).append("\", \"value\": ")
                    .append(1.0 / (step + metric + 1)).append(", \"timestamp\": ").append(now).append(", \"step\": ").append(step).append('}');
        }
        return body.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private record Sample(double elapsed, List<Long> heapAfterGc, List<Long> heapUsed, List<Long> threads, long connections) {
        String heapAfterGcMegabytes() {
            return heapAfterGc.stream().map(bytes -> String.valueOf(bytes >> 20)).reduce((a, b) -> a + "/" + b).orElse("-");
        }
    }

    private static Sample sample(List<SlipwayProcess> servers, String jdbcUrl, String user, String database, double elapsed)
            throws Exception {
        List<Long> afterGc = new ArrayList<>();
        List<Long> used = new ArrayList<>();
        List<Long> threads = new ArrayList<>();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        for (SlipwayProcess server : servers) {
            String text = http.send(java.net.http.HttpRequest.newBuilder(URI.create(server.baseUri() + "/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            afterGc.add(gauge(text, "jvm_memory_heap_after_gc_bytes"));
            used.add(gauge(text, "jvm_memory_heap_used_bytes"));
            threads.add(gauge(text, "jvm_threads_live"));
        }
        long connections;
        try (Connection connection = DriverManager.getConnection(jdbcUrl, user, "");
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()")) {
            statement.setString(1, database);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                connections = rows.getLong(1);
            }
        }
        return new Sample(elapsed, afterGc, used, threads, connections);
    }

    private static long gauge(String text, String name) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " ")) {
                return (long) Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        return -1;
    }

    private static void report(Load load, double seconds, List<Sample> samples, int replicas, int clients, boolean auth,
            boolean json) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("replicas", replicas).put("clients", clients).put("seconds", Math.round(seconds)).put("auth", auth);
        root.put("requests", load.requests.get()).put("errors", load.errors.get());
        ArrayNode routes = root.putArray("routes");
        long total = 0;
        for (int route = 0; route < ROUTES.length; route++) {
            int count = 0;
            for (int[] counts : load.counts) {
                count += counts[route];
            }
            long[] all = new long[count];
            int at = 0;
            for (int client = 0; client < load.latencies.size(); client++) {
                System.arraycopy(load.latencies.get(client)[route], 0, all, at, load.counts.get(client)[route]);
                at += load.counts.get(client)[route];
            }
            Arrays.sort(all);
            total += count;
            routes.addObject().put("route", ROUTES[route]).put("requests", count).put("per_second", round(count / seconds))
                    .put("p50_ms", round(percentile(all, 0.50) / 1e6)).put("p99_ms", round(percentile(all, 0.99) / 1e6))
                    .put("errors", load.routeErrors[route]);
        }
        root.put("per_second", round(total / seconds));
        Sample first = samples.get(Math.min(samples.size() - 1, Math.min(6, samples.size() / 4)));
        Sample last = samples.get(samples.size() - 1);
        ArrayNode sampled = root.putArray("samples");
        for (Sample sample : samples) {
            ObjectNode node = sampled.addObject().put("elapsed_s", round(sample.elapsed())).put("connections", sample.connections());
            sample.heapAfterGc().forEach(node.putArray("heap_after_gc_bytes")::add);
            sample.heapUsed().forEach(node.putArray("heap_used_bytes")::add);
            sample.threads().forEach(node.putArray("threads")::add);
        }
        load.errorMessages.forEach(root.putArray("error_examples")::add);
        if (json) {
            System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
            return;
        }
        System.out.printf("%d replicas on one PostgreSQL, %d clients, %.0f s recorded: %,d requests (%,.0f/s), %d errors%n%n",
                replicas, clients, seconds, total, total / seconds, load.errors.get());
        System.out.printf("%-22s %10s %10s %9s %9s %7s%n", "ROUTE", "REQUESTS", "PER SEC", "P50 MS", "P99 MS", "ERRORS");
        for (JsonNode route : routes) {
            System.out.printf("%-22s %,10d %,10.1f %9.2f %9.2f %7d%n", route.path("route").asText(), route.path("requests").asLong(),
                    route.path("per_second").asDouble(), route.path("p50_ms").asDouble(), route.path("p99_ms").asDouble(),
                    route.path("errors").asLong());
        }
        System.out.printf("%nheap after GC per replica (MB): %s at %.0f s -> %s at %.0f s; connections %d -> %d (max %d); "
                        + "threads %s -> %s%n", first.heapAfterGcMegabytes(), first.elapsed(), last.heapAfterGcMegabytes(), last.elapsed(),
                first.connections(), last.connections(), samples.stream().mapToLong(Sample::connections).max().orElse(0),
                first.threads(), last.threads());
        load.errorMessages.forEach(message -> System.out.println("error: " + message));
    }

    private static double percentile(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static RawHttpClient client(SlipwayProcess server, String authorization) {
        URI uri = URI.create(server.baseUri());
        RawHttpClient client = new RawHttpClient(uri.getHost(), uri.getPort());
        if (authorization != null) {
            client.header("Authorization", authorization);
        }
        return client;
    }

    private static JsonNode post(RawHttpClient client, String route, String body) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        int status = client.send("POST", API + route, body.getBytes(StandardCharsets.UTF_8), sink);
        if (status != 200) {
            throw new IllegalStateException(route + " answered " + status + ": " + sink);
        }
        return JSON.readTree(sink.toByteArray());
    }

    private static void execute(String jdbcUrl, String user, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, user, ""); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
