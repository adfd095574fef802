package dev.slipway.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Online serving: {@code slipway serve} with a 20-feature logistic model in its own JVM, single-row requests over
 * keep-alive connections from the same machine.
 * <ol>
 * <li>Throughput: wrk (Debian's package), 2 threads, 64 connections, 10 s after a 10 s warm-up, through
 * {@code /invocations} ({@code dataframe_split}) and through the Open Inference Protocol's {@code /infer}.</li>
 * <li>Latency at half that throughput: wrk again, each connection pausing 4 ms after each answer, with as many
 * connections as half the throughput needs; p50 and p99 from wrk's latency distribution. (A Java open-loop
 * generator cost the shared 2 cores about 30 microseconds per request, as much as the server, and saturated the
 * machine before the rate was reached.)</li>
 * <li>The ceiling: {@code OrtSession.run} on single rows in process, calls per second, in the same run.</li>
 * </ol>
 *
 * <pre>bench/run serving [--seconds 10] [--rounds 3] [--json]</pre>
 */
public final class ServingBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FEATURES = 20;
    private static final Pattern WRK_RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final int PACE_MILLIS = 4;
    private static final Pattern WRK_ERRORS = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");

    public static void main(String[] args) throws Exception {
        int seconds = 10;
        int rounds = 3;
        boolean json = false;
        for (int index = 0; index < args.length; index++) {
            switch (args[index]) {
                case "--seconds" -> seconds = Integer.parseInt(args[++index]);
                case "--rounds" -> rounds = Integer.parseInt(args[++index]);
                case "--json" -> json = true;
                default -> throw new IllegalArgumentException("unknown option " + args[index]);
            }
        }
        Path jar = Path.of(System.getProperty("slipway.jar")).toAbsolutePath();
        Path work = Path.of("bench/target/serving").toAbsolutePath();
        Files.createDirectories(work);
        Path model = work.resolve("model-logistic");
        if (!Files.exists(model.resolve("MLmodel"))) {
            Path training = work.resolve("train.csv");
            writeTraining(training);
            run(jar, work, List.of("train", "--data", training.toString(), "--target", "label", "--algorithm",
                    "logistic", "--output", model.toString(), "--no-progress", "--tracking-uri",
                    "sqlite:///" + work.resolve("bench.db")));
        }
        float[] row = new float[FEATURES];
        Random random = new Random(3);
        for (int feature = 0; feature < FEATURES; feature++) {
            row[feature] = Math.round(random.nextGaussian() * 1000) / 1000f;
        }
        byte[] invocations = invocationsBody(row);
        byte[] infer = inferBody(row);
        Path invocationsLua = luaScript(work.resolve("invocations.lua"), invocations, "");
        Path inferLua = luaScript(work.resolve("infer.lua"), infer, "");

        int port = TrackingBench.freePort();
        Path log = work.resolve("serve.log");
        Process server = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.slf4j.simpleLogger.log.dev.slipway.serving.access=" + System.getProperty("bench.access.log", "info"), "-jar", jar.toString(), "serve", "-m", model.toString(), "--name", "churn", "--host", "127.0.0.1",
                "--port", String.valueOf(port), "--no-log-predictions"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Map<String, Object> results = new LinkedHashMap<>();
        try {
            awaitReady(port, server, log);
            String base = "http://127.0.0.1:" + port;
            check(port, "/invocations", invocations);
            check(port, "/v2/models/churn/infer", infer);
            // warm-up: C2 needs 20-30 s of full load to finish compiling the request path on 2 cores
            int warmUp = Math.max(30, seconds);
            wrk(invocationsLua, base + "/invocations", warmUp);
            wrk(inferLua, base + "/v2/models/churn/infer", warmUp);
            List<Double> invocationRates = new ArrayList<>();
            List<Double> inferRates = new ArrayList<>();
            List<Double> ortRates = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                invocationRates.add(wrk(invocationsLua, base + "/invocations", seconds));
                inferRates.add(wrk(inferLua, base + "/v2/models/churn/infer", seconds));
                ortRates.add(ortSingleRowCallsPerSecond(model.resolve("model.onnx"), row));
            }
            double invocationRate = median(invocationRates);
            double inferRate = median(inferRates);
            double ortRate = median(ortRates);
            double[] latency = paced(work.resolve("invocations-paced.lua"), invocations, base + "/invocations",
                    invocationRate / 2, seconds);
            double[] inferLatency = paced(work.resolve("infer-paced.lua"), infer, base + "/v2/models/churn/infer",
                    inferRate / 2, seconds);
            System.out.printf(Locale.ROOT, "/invocations, 1 row, 64 connections: median %,.0f requests/s (rounds %s)%n",
                    invocationRate, format(invocationRates));
            System.out.printf(Locale.ROOT, "V2 /infer,    1 row, 64 connections: median %,.0f requests/s (rounds %s)%n",
                    inferRate, format(inferRates));
            System.out.printf(Locale.ROOT, "in-process OrtSession.run, 1 row: median %,.0f calls/s (rounds %s); "
                    + "serving overhead ratio /invocations %.3f, /infer %.3f%n", ortRate, format(ortRates),
                    invocationRate / ortRate, inferRate / ortRate);
            System.out.printf(Locale.ROOT, "paced at %,.0f requests/s (target: half of /invocations, %,.0f): p50 %.2f ms, "
                    + "p99 %.2f ms%n", latency[2], invocationRate / 2, latency[0], latency[1]);
            System.out.printf(Locale.ROOT, "paced at %,.0f requests/s (target: half of /infer, %,.0f): p50 %.2f ms, "
                    + "p99 %.2f ms%n", inferLatency[2], inferRate / 2, inferLatency[0], inferLatency[1]);
            results.put("invocations_rps", Math.round(invocationRate));
            results.put("infer_rps", Math.round(inferRate));
            results.put("ort_single_row_calls_per_second", Math.round(ortRate));
            results.put("invocations_overhead_ratio", Math.round(invocationRate / ortRate * 1000) / 1000.0);
            results.put("infer_overhead_ratio", Math.round(inferRate / ortRate * 1000) / 1000.0);
            results.put("invocations_p99_ms_at_half", Math.round(latency[1] * 100) / 100.0);
            results.put("invocations_paced_rps", Math.round(latency[2]));
            results.put("infer_paced_rps", Math.round(inferLatency[2]));
            results.put("infer_p99_ms_at_half", Math.round(inferLatency[1] * 100) / 100.0);
        } finally {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
        if (json) {
            System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(results));
        }
    }

    static double wrk(Path script, String url, int seconds) throws Exception {
        Process process = new ProcessBuilder("wrk", "-t2", "-c64", "-d" + seconds + "s", "-s", script.toString(), url)
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("wrk failed (is Debian's wrk package installed?): " + output);
        }
        Matcher errors = WRK_ERRORS.matcher(output);
        if (errors.find()) {
            throw new IllegalStateException("the server answered errors under load: " + output);
        }
        Matcher rate = WRK_RATE.matcher(output);
        if (!rate.find()) {
            throw new IllegalStateException("no rate in wrk output: " + output);
        }
        return Double.parseDouble(rate.group(1));
    }

    /**
     * wrk at about {@code rate} requests/s: each connection waits {@value #PACE_MILLIS} ms after each answer (wrk's
     * {@code delay()} hook), with as many connections as that rate needs. Returns {p50, p99, achieved rate}, from wrk's
     * latency distribution (measured from each request's send).
     */
    private static double[] paced(Path script, byte[] body, String url, double rate, int seconds) throws Exception {
        luaScript(script, body, "function delay()\n  return " + PACE_MILLIS + "\nend\n");
        // each connection does one request per (delay + latency): a short calibration run measures the rate that
        // many connections reach, and the measured run scales the connections to the target
        int connections = Math.max(2, (int) Math.round(rate * (PACE_MILLIS + 0.5) / 1000));
        double calibrated = Double.parseDouble(firstMatch(WRK_RATE, runPaced(script, url, connections, 3), "rate"));
        connections = Math.max(2, (int) Math.round(connections * rate / calibrated));
        String output = runPaced(script, url, connections, seconds);
        Matcher rateMatch = WRK_RATE.matcher(output);
        Matcher p50 = Pattern.compile("\\s50%\\s+([0-9.]+)(us|ms|s)").matcher(output);
        Matcher p99 = Pattern.compile("\\s99%\\s+([0-9.]+)(us|ms|s)").matcher(output);
        if (!rateMatch.find() || !p50.find() || !p99.find()) {
            throw new IllegalStateException("no latency distribution in wrk output: " + output);
        }
        return new double[] {millis(p50), millis(p99), Double.parseDouble(rateMatch.group(1))};
    }

    private static String runPaced(Path script, String url, int connections, int seconds) throws Exception {
        Process process = new ProcessBuilder("wrk", "-t2", "-c" + connections, "-d" + seconds + "s", "--latency", "-s",
                script.toString(), url).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0 || WRK_ERRORS.matcher(output).find()) {
            throw new IllegalStateException("paced wrk failed: " + output);
        }
        return output;
    }

    private static String firstMatch(Pattern pattern, String text, String what) {
        Matcher match = pattern.matcher(text);
        if (!match.find()) {
            throw new IllegalStateException("no " + what + " in wrk output: " + text);
        }
        return match.group(1);
    }

    private static double millis(Matcher match) {
        double value = Double.parseDouble(match.group(1));
        return switch (match.group(2)) {
            case "us" -> value / 1000;
            case "s" -> value * 1000;
            default -> value;
        };
    }

    /** Single-row calls in process, on a direct buffer reused for every call, after 20,000 warm-up calls. */
    private static double ortSingleRowCallsPerSecond(Path onnx, float[] row) throws Exception {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            try (OrtSession session = environment.createSession(onnx.toString(), options)) {
                Map<String, OnnxTensor> feed = new LinkedHashMap<>();
                for (String name : session.getInputNames()) {
                    FloatBuffer value = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder()).asFloatBuffer();
                    value.put(0, row[Integer.parseInt(name.substring(1))]);
                    feed.put(name, OnnxTensor.createTensor(environment, value, new long[] {1}));
                }
                for (int call = 0; call < 20_000; call++) {
                    session.run(feed).close();
                }
                int calls = 200_000;
                long started = System.nanoTime();
                for (int call = 0; call < calls; call++) {
                    session.run(feed).close();
                }
                double rate = calls / ((System.nanoTime() - started) / 1e9);
                feed.values().forEach(OnnxTensor::close);
                return rate;
            }
        }
    }

    static byte[] invocationsBody(float[] row) {
        StringBuilder columns = new StringBuilder();
        StringBuilder values = new StringBuilder();
        for (int feature = 0; feature < FEATURES; feature++) {
            columns.append(feature == 0 ? "" : ",").append(String.format(Locale.ROOT, "\"f%02d\"", feature));
            values.append(feature == 0 ? "" : ",").append(row[feature]);
        }
        return ("{\"dataframe_split\": {\"columns\": [" + columns + "], \"data\": [[" + values + "]]}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] inferBody(float[] row) {
        StringBuilder inputs = new StringBuilder();
        for (int feature = 0; feature < FEATURES; feature++) {
            inputs.append(feature == 0 ? "" : ",").append(String.format(Locale.ROOT,
                    "{\"name\": \"f%02d\", \"shape\": [1], \"datatype\": \"FP32\", \"data\": [%s]}", feature, row[feature]));
        }
        return ("{\"inputs\": [" + inputs + "]}").getBytes(StandardCharsets.UTF_8);
    }

    /** A wrk script POSTing the JSON body, with more Lua after it (such as a delay() hook). */
    static Path luaScript(Path file, byte[] body, String more) throws IOException {
        String escaped = new String(body, StandardCharsets.UTF_8).replace("\\", "\\\\").replace("\"", "\\\"");
        Files.writeString(file, "wrk.method = \"POST\"\nwrk.body = \"" + escaped + "\"\n"
                + "wrk.headers[\"Content-Type\"] = \"application/json\"\n" + more);
        return file;
    }

    static void check(int port, String path, byte[] body) throws IOException {
        try (RawHttpClient client = new RawHttpClient("127.0.0.1", port)) {
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            int status = client.send("POST", path, body, sink);
            if (status != 200) {
                throw new IllegalStateException(path + " answered " + status + ": " + sink);
            }
        }
    }

    static void awaitReady(int port, Process server, Path log) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("slipway serve exited: " + Files.readString(log));
            }
            try {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/v2/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("slipway serve did not become ready: " + Files.readString(log));
    }

    static void writeTraining(Path file) throws IOException {
        Random random = new Random(1);
        StringBuilder csv = new StringBuilder();
        for (int feature = 0; feature < FEATURES; feature++) {
            csv.append(String.format(Locale.ROOT, "f%02d,", feature));
        }
        csv.append("label\n");
        for (int row = 0; row < 5_000; row++) {
            double score = 0;
            for (int feature = 0; feature < FEATURES; feature++) {
                double value = Math.round(random.nextGaussian() * 1000) / 1000.0;
                score += (feature % 3 == 0 ? 0.8 : -0.3) * value;
                csv.append(value).append(',');
            }
            csv.append(random.nextDouble() < 1 / (1 + Math.exp(-score)) ? "1" : "0").append('\n');
        }
        Files.writeString(file, csv);
    }

    static void run(Path jar, Path work, List<String> arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", jar.toString()));
        command.addAll(arguments);
        Process process = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", arguments) + " failed: " + output);
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    static String format(List<Double> values) {
        return values.stream().map(value -> String.format(Locale.ROOT, "%,.0f", value)).toList().toString();
    }
}
