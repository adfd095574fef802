package dev.slipway.bench;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
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

/**
 * Batch scoring: {@code slipway models predict} on a CSV of N rows x 20 features, with a logistic model and a
 * 100-tree XGBoost model trained by {@code slipway train}, against the ceiling: the same rows scored in-process
 * with {@code OrtSession.run} on batches of 1,000, from tensors built before the clock starts (no CSV, no output).
 *
 * <p>The command's figure is its own scoring throughput (reading, parsing, scoring and writing every row; fetching
 * and loading the model excluded), and the wall time of the whole process is reported beside it. Both sides use one
 * ONNX Runtime intra-op thread. Figures are medians over rounds.
 *
 * <pre>bench/run scoring [--rows 1000000] [--rounds 3] [--only logistic,xgboost] [--json]</pre>
 */
public final class ScoringBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FEATURES = 20;
    private static final int TRAINING_ROWS = 20_000;
    private static final int BATCH = 1_000;

    public static void main(String[] args) throws Exception {
        int rows = 1_000_000;
        int rounds = 3;
        List<String> only = List.of("logistic", "xgboost");
        boolean json = false;
        for (int index = 0; index < args.length; index++) {
            switch (args[index]) {
                case "--rows" -> rows = Integer.parseInt(args[++index]);
                case "--rounds" -> rounds = Integer.parseInt(args[++index]);
                case "--only" -> only = List.of(args[++index].split(","));
                case "--json" -> json = true;
                default -> throw new IllegalArgumentException("unknown option " + args[index]);
            }
        }
        Path jar = Path.of(System.getProperty("slipway.jar")).toAbsolutePath();
        Path work = Path.of("bench/target/scoring").toAbsolutePath();
        Files.createDirectories(work);
        Path training = work.resolve("train.csv");
        Path scoring = work.resolve("score-" + rows + ".csv");
        if (!Files.exists(training)) {
            writeCsv(training, TRAINING_ROWS, new Random(1), true);
        }
        if (!Files.exists(scoring)) {
            System.out.printf("writing %,d rows to %s%n", rows, scoring);
            writeCsv(scoring, rows, new Random(2), false);
        }
        float[][] columns = readColumns(scoring, rows);
        Map<String, Object> results = new LinkedHashMap<>();
        for (String algorithm : only) {
            Path model = work.resolve("model-" + algorithm);
            if (!Files.exists(model.resolve("MLmodel"))) {
                List<String> command = new ArrayList<>(List.of("train", "--data", training.toString(), "--target",
                        "label", "--algorithm", algorithm, "--output", model.toString(), "--no-progress",
                        "--tracking-uri", "sqlite:///" + work.resolve("bench.db")));
                if (algorithm.equals("xgboost")) {
                    command.addAll(List.of("--param", "n_estimators=100"));
                }
                run(jar, work, command);
            }
            List<Double> raw = new ArrayList<>();
            List<Double> naive = new ArrayList<>();
            List<Double> commandRates = new ArrayList<>();
            List<Double> wallRates = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                raw.add(ortRowsPerSecond(model.resolve("model.onnx"), columns, rows));
                naive.add(naiveCsvRowsPerSecond(model.resolve("model.onnx"), scoring));
                long started = System.nanoTime();
                JsonNode output = JSON.readTree(run(jar, work, List.of("models", "predict", "-m", model.toString(),
                        "--input", scoring.toString(), "--output", work.resolve("out.csv").toString(), "--json",
                        "--no-progress")));
                double wall = (System.nanoTime() - started) / 1e9;
                commandRates.add(output.path("rows_per_second").asDouble());
                wallRates.add(rows / wall);
            }
            double ceiling = median(raw);
            double command = median(commandRates);
            double wall = median(wallRates);
            double straightforward = median(naive);
            System.out.printf(Locale.ROOT, "%-9s %,d rows x %d features: slipway models predict median %,.0f rows/s "
                            + "(rounds %s; whole process incl. JVM start and model load %,.0f rows/s); in-process "
                            + "OrtSession.run, batches of %,d: median %,.0f rows/s (rounds %s); ratio %.2f; "
                            + "in-process from the CSV (BufferedReader, split, parseFloat, no output): median %,.0f "
                            + "rows/s (rounds %s), ratio of the command to it %.2f%n",
                    algorithm, rows, FEATURES, command, format(commandRates), wall, BATCH, ceiling, format(raw),
                    command / ceiling, straightforward, format(naive), command / straightforward);
            results.put(algorithm + ".predict_rows_per_second", Math.round(command));
            results.put(algorithm + ".predict_wall_rows_per_second", Math.round(wall));
            results.put(algorithm + ".ort_rows_per_second", Math.round(ceiling));
            results.put(algorithm + ".ratio", Math.round(command / ceiling * 100) / 100.0);
            results.put(algorithm + ".naive_csv_rows_per_second", Math.round(straightforward));
        }
        if (json) {
            System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(results));
        }
    }

    /** In-process ceiling: one session, one intra-op thread, tensors of 1,000 rows built before timing. */
    private static double ortRowsPerSecond(Path onnx, float[][] columns, int rows) throws Exception {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            try (OrtSession session = environment.createSession(onnx.toString(), options)) {
                List<String> names = new ArrayList<>(session.getInputNames());
                int batches = rows / BATCH;
                List<Map<String, OnnxTensor>> inputs = new ArrayList<>();
                for (int batch = 0; batch < batches; batch++) {
                    Map<String, OnnxTensor> feed = new LinkedHashMap<>();
                    for (String name : names) {
                        NodeInfo info = session.getInputInfo().get(name);
                        long[] shape = ((TensorInfo) info.getInfo()).getShape();
                        int column = Integer.parseInt(name.substring(1));
                        FloatBuffer values = FloatBuffer.wrap(columns[column], batch * BATCH, BATCH).slice();
                        long[] batchShape = shape.length == 1 ? new long[] {BATCH} : new long[] {BATCH, 1};
                        feed.put(name, OnnxTensor.createTensor(environment, values, batchShape));
                    }
                    inputs.add(feed);
                }
                for (int warm = 0; warm < Math.min(50, batches); warm++) {
                    session.run(inputs.get(warm)).close();
                }
                long started = System.nanoTime();
                for (Map<String, OnnxTensor> feed : inputs) {
                    session.run(feed).close();
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                inputs.forEach(feed -> feed.values().forEach(OnnxTensor::close));
                return batches * (double) BATCH / seconds;
            }
        }
    }

    /**
     * A straightforward in-process scorer of the same file: reads lines, splits them, parses floats into batches of
     * 1,000 and runs the session; the predictions are dropped. What a hand-written Java job would do.
     */
    private static double naiveCsvRowsPerSecond(Path onnx, Path csv) throws Exception {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            try (OrtSession session = environment.createSession(onnx.toString(), options);
                    var reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
                List<String> names = new ArrayList<>(session.getInputNames());
                float[][] batch = new float[FEATURES][BATCH];
                long started = System.nanoTime();
                String header = reader.readLine();
                long rows = 0;
                int filled = 0;
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    String[] cells = line.split(",");
                    for (int feature = 0; feature < FEATURES; feature++) {
                        batch[feature][filled] = Float.parseFloat(cells[feature]);
                    }
                    if (++filled == BATCH) {
                        Map<String, OnnxTensor> feed = new LinkedHashMap<>();
                        for (String name : names) {
                            feed.put(name, OnnxTensor.createTensor(environment,
                                    FloatBuffer.wrap(batch[Integer.parseInt(name.substring(1))]), new long[] {BATCH}));
                        }
                        session.run(feed).close();
                        feed.values().forEach(OnnxTensor::close);
                        rows += filled;
                        filled = 0;
                    }
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                return header == null ? 0 : rows / seconds;
            }
        }
    }

    private static void writeCsv(Path file, int rows, Random random, boolean label) throws Exception {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            StringBuilder header = new StringBuilder();
            for (int feature = 0; feature < FEATURES; feature++) {
                header.append(feature == 0 ? "" : ",").append(String.format(Locale.ROOT, "f%02d", feature));
            }
            out.write(header + (label ? ",label" : "") + "\n");
            StringBuilder line = new StringBuilder();
            for (int row = 0; row < rows; row++) {
                line.setLength(0);
                double score = 0;
                for (int feature = 0; feature < FEATURES; feature++) {
                    double value = Math.round(random.nextGaussian() * 10_000) / 10_000.0;
                    score += (feature % 3 == 0 ? 0.8 : -0.3) * value;
                    line.append(feature == 0 ? "" : ",").append(value);
                }
                if (label) {
                    line.append(random.nextDouble() < 1 / (1 + Math.exp(-score)) ? ",1" : ",0");
                }
                out.write(line.append('\n').toString());
            }
        }
    }

    private static float[][] readColumns(Path file, int rows) throws Exception {
        float[][] columns = new float[FEATURES][rows];
        try (var lines = Files.lines(file)) {
            int[] row = {-1};
            lines.forEach(line -> {
                if (row[0] >= 0) {
                    String[] cells = line.split(",");
                    for (int feature = 0; feature < FEATURES; feature++) {
                        columns[feature][row[0]] = Float.parseFloat(cells[feature]);
                    }
                }
                row[0]++;
            });
        }
        return columns;
    }

    private static String run(Path jar, Path work, List<String> arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", jar.toString()));
        command.addAll(arguments);
        Path log = work.resolve("command.log");
        Process process = new ProcessBuilder(command).directory(work.toFile()).redirectError(log.toFile()).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", arguments) + " failed: " + Files.readString(log) + output);
        }
        return output;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    private static String format(List<Double> values) {
        return values.stream().map(value -> String.format(Locale.ROOT, "%,.0f", value)).toList().toString();
    }
}
