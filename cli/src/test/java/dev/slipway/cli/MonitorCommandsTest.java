package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.client.TrackingClient;
import dev.slipway.core.predictions.LoggedPrediction;
import dev.slipway.core.predictions.PredictionFeedback;
import dev.slipway.core.tracking.Dataset;
import dev.slipway.core.tracking.DatasetInput;
import dev.slipway.core.tracking.Metric;
import dev.slipway.core.tracking.Run;
import dev.slipway.core.tracking.Tag;
import dev.slipway.monitoring.ColumnSpec;
import dev.slipway.monitoring.DatasetSketch;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code slipway monitor reference} and {@code slipway monitor report --last N} against a real server. */
class MonitorCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MLMODEL = """
            artifact_path: model
            flavors:
              onnx:
                onnx_model_version: 1
            signature:
              inputs: '[{"type": "double", "name": "x1", "required": true}, {"type": "double", "name": "x2", "required": false}, {"type": "string", "name": "color", "required": true}]'
              outputs: '[{"type": "double", "name": "prediction", "required": true}]'
            """;

    @TempDir
    static Path folder;
    private static RunningServer server;
    private static TrackingClient client;
    private static Environment environment;

    @BeforeAll
    static void startServer() throws IOException {
        server = RunningServer.onFolder(Files.createDirectories(folder.resolve("server")));
        client = server.client();
        environment = CliRun.environment(folder, Map.of());
        writeTable(folder.resolve("reference.csv"), 2000, false, new Random(1));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void referenceFromCsvIsStoredInTheSourceRunAndReadBack() throws IOException {
        Run run = register("stored");
        CliRun set = monitor("reference", "-m", "models:/stored/1", "--data", "reference.csv");
        assertThat(set.exitCode()).as(set.toString()).isZero();
        assertThat(set.out()).contains("2000 rows").contains("x1, x2, color, prediction.prediction");
        try (InputStream in = client.openRunArtifact(run.info().runId(), ReferenceSketches.ARTIFACT_PATH)) {
            DatasetSketch sketch = DatasetSketch.fromBytes(in.readAllBytes());
            assertThat(sketch.rows()).isEqualTo(2000);
            assertThat(sketch.columns()).containsExactly(ColumnSpec.numeric("x1"), ColumnSpec.numeric("x2"),
                    ColumnSpec.categorical("color"), ColumnSpec.numeric("prediction.prediction"));
            assertThat(sketch.numeric("x1").mean()).isBetween(-0.1, 0.1);
            assertThat(sketch.categorical("color").count("red")).isBetween(500L, 800L);
        }
    }

    @Test
    void reportOnShiftedPredictionsFindsDatasetDriftAndWritesJsonAndHtml() throws IOException {
        register("shifted");
        assertThat(monitor("reference", "-m", "models:/shifted/1", "--data", "reference.csv").exitCode()).isZero();
        logPredictions("shifted", 1500, true, new Random(2), System.currentTimeMillis() - 60_000);

        CliRun report = monitor("report", "-m", "models:/shifted/1", "--last", "1000", "--json", "shifted.json",
                "--output", "shifted.html");
        assertThat(report.exitCode()).as(report.toString()).isZero();
        assertThat(report.out()).contains("FEATURE", "METHOD", "SCORE", "THRESHOLD", "DRIFTED", "wasserstein",
                "Dataset drift detected");

        JsonNode json = JSON.readTree(folder.resolve("shifted.json").toFile());
        assertThat(json.path("rows").asLong()).isEqualTo(1000);
        assertThat(json.path("dataset_drift").asBoolean()).isTrue();
        assertThat(json.path("drift_share").asDouble()).isGreaterThanOrEqualTo(0.5);
        assertThat(json.path("model_name").asText()).isEqualTo("shifted");
        assertThat(json.path("features")).hasSize(4);
        for (JsonNode feature : json.path("features")) {
            assertThat(feature.has("name") && feature.has("method") && feature.has("threshold")).isTrue();
            assertThat(feature.path("score").isNumber()).isTrue();
            assertThat(feature.path("drifted").isBoolean()).isTrue();
        }
        assertThat(json.path("features").get(0).path("name").asText()).isEqualTo("x1");
        assertThat(json.path("features").get(0).path("drifted").asBoolean()).isTrue();
        assertThat(json.path("features").get(3).path("name").asText()).isEqualTo("prediction.prediction");
        assertThat(json.path("features").get(3).path("drifted").asBoolean()).isFalse();
        assertThat(json.path("data_quality").path("columns")).hasSize(4);

        String html = Files.readString(folder.resolve("shifted.html"));
        assertThat(count(html, "<svg")).isEqualTo(4);
        assertThat(html).doesNotContain("<script", "src=", "<link", "<img");
        assertThat(html).contains("Dataset drift detected", "x1", "color");
    }

    @Test
    void reportOnTheLatestUnshiftedPredictionsFindsNoDrift() throws IOException {
        register("steady");
        assertThat(monitor("reference", "-m", "models:/steady/1", "--data", "reference.csv").exitCode()).isZero();
        long now = System.currentTimeMillis();
        // older, shifted rows that --last 1000 must leave out; the latest 1000 are unshifted
        logPredictions("steady", 700, true, new Random(3), now - 3_600_000);
        logPredictions("steady", 1000, false, new Random(4), now - 60_000);

        CliRun report = monitor("report", "-m", "models:/steady@champion", "--last", "1000", "--json", "-");
        assertThat(report.exitCode()).as(report.toString()).isZero();
        assertThat(report.out()).contains("No dataset drift",
                "Live model quality over the latest 1000 predictions: Not enough data: no labelled predictions in the window");
        JsonNode json = JSON.readTree(report.out().substring(report.out().indexOf('{')));
        assertThat(json.path("rows").asLong()).isEqualTo(1000);
        assertThat(json.path("model_quality").path("rows").asLong()).isZero();
        assertThat(json.path("model_quality").path("predictions").asLong()).isEqualTo(1000);
        assertThat(json.path("model_quality").path("labelled").asLong()).isZero();
        assertThat(json.path("model_quality").path("not_enough_data").asText())
                .startsWith("no labelled predictions in the window");
        assertThat(json.path("dataset_drift").asBoolean()).isFalse();
        for (JsonNode feature : json.path("features")) {
            assertThat(feature.path("drifted").asBoolean()).as(feature.toString()).isFalse();
        }

        CliRun everything = monitor("report", "-m", "models:/steady/1", "--last", "1700", "--json", "-");
        JsonNode all = JSON.readTree(everything.out().substring(everything.out().indexOf('{')));
        assertThat(all.path("rows").asLong()).isEqualTo(1700);
    }

    @Test
    void reportWithoutPredictionsSaysNotEnoughData() throws IOException {
        register("silent");
        assertThat(monitor("reference", "-m", "models:/silent/1", "--data", "reference.csv").exitCode()).isZero();
        CliRun report = monitor("report", "-m", "models:/silent/1", "--last", "500", "--json", "silent.json",
                "--output", "silent.html");
        assertThat(report.exitCode()).as(report.toString()).isZero();
        assertThat(report.out()).contains("Not enough data: no predictions of model silent version 1");
        JsonNode json = JSON.readTree(folder.resolve("silent.json").toFile());
        assertThat(json.path("rows").asLong()).isZero();
        assertThat(json.path("dataset_drift").isNull()).isTrue();
        assertThat(json.path("drift_share").isNull()).isTrue();
        assertThat(json.path("features")).isEmpty();
        assertThat(json.path("not_enough_data").asText()).contains("no predictions");
        assertThat(json.path("model_quality").path("rows").asLong()).isZero();
        assertThat(json.path("model_quality").path("task").isNull()).isTrue();
        assertThat(json.path("model_quality").path("not_enough_data").asText())
                .startsWith("no labelled predictions in the window");
        assertThat(report.out()).contains("Live model quality over the latest 500 predictions: Not enough data: "
                + "no labelled predictions in the window");
        assertThat(Files.readString(folder.resolve("silent.html"))).contains("Not enough data", "Live model quality")
                .doesNotContain("<svg");
    }

    @Test
    void reportOverATimeWindowReadsTheServersSketches() throws IOException {
        register("windowed");
        assertThat(monitor("reference", "-m", "models:/windowed/1", "--data", "reference.csv").exitCode()).isZero();
        logPredictions("windowed", 800, true, new Random(7), System.currentTimeMillis() - 5_000);

        CliRun report = monitor("report", "-m", "models:/windowed/1", "--window", "1h", "--json", "-", "--output",
                "windowed.html");
        assertThat(report.exitCode()).as(report.toString()).isZero();
        assertThat(report.out()).contains("the last 1 h", "Dataset drift detected");
        JsonNode json = JSON.readTree(report.out().substring(report.out().indexOf('{')));
        assertThat(json.path("rows").asLong()).isEqualTo(800);
        assertThat(json.path("dataset_drift").asBoolean()).isTrue();
        assertThat(json.path("features")).hasSize(4);
        assertThat(count(Files.readString(folder.resolve("windowed.html")), "<svg")).isEqualTo(4);

        register("hushed");
        assertThat(monitor("reference", "-m", "models:/hushed/1", "--data", "reference.csv").exitCode()).isZero();
        CliRun quiet = monitor("report", "-m", "models:/hushed/1", "--window", "24h");
        assertThat(quiet.exitCode()).as(quiet.toString()).isZero();
        assertThat(quiet.out()).contains("Not enough data: no predictions of model hushed version 1 in the last 24 h");
    }

    @Test
    void reportUsesTheTrainingDatasetOfTheRunsLineageWhenNoReferenceWasSet() throws IOException {
        Run run = register("lineage");
        Path training = folder.resolve("training.csv");
        writeTable(training, 1500, false, new Random(5));
        client.logInputs(run.info().runId(), List.of(new DatasetInput(List.of(new Tag("mlflow.data.context", "training")),
                new Dataset("training", "abc123", "local", "{\"uri\": \"" + training.toAbsolutePath() + "\"}",
                        Optional.empty(), Optional.empty()))));
        logPredictions("lineage", 400, true, new Random(6), System.currentTimeMillis() - 1000);

        CliRun report = monitor("report", "-m", "models:/lineage/1", "--last", "400", "--json", "-");
        assertThat(report.exitCode()).as(report.toString()).isZero();
        JsonNode json = JSON.readTree(report.out().substring(report.out().indexOf('{')));
        assertThat(json.path("reference").asText()).contains("training dataset").contains("training.csv");
        assertThat(json.path("reference_rows").asLong()).isEqualTo(1500);
        assertThat(json.path("dataset_drift").asBoolean()).isTrue();
    }

    @Test
    void reportWithoutAnyReferenceTellsHowToSetOne() {
        register("unreferenced");
        CliRun report = monitor("report", "-m", "models:/unreferenced/1", "--last", "10");
        assertThat(report.exitCode()).isEqualTo(1);
        assertThat(report.err()).contains("has no reference data", "slipway monitor reference -m models:/unreferenced/1");
    }

    @Test
    void reportShowsLiveRegressionQualityFromFeedbackBesideTheTrainingMetrics() throws IOException {
        Run run = register("graded");
        client.logMetric(run.info().runId(), new Metric("val_rmse", 0.25, 1000, 0));
        client.logMetric(run.info().runId(), new Metric("mae", 0.2, 1000, 0));
        assertThat(monitor("reference", "-m", "models:/graded/1", "--data", "reference.csv").exitCode()).isZero();
        long start = System.currentTimeMillis() - 60_000;
        logPredictions("graded", 400, false, new Random(8), start);
        // the first 200 rows are labelled: prediction i % 2, actual off by 0.5 (below for i % 4 < 2, else above)
        List<PredictionFeedback> feedback = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            feedback.add(feedback("graded", start, i, Double.toString(i % 2 + (i % 4 < 2 ? 0.5 : -0.5))));
        }
        feedback.add(new PredictionFeedback("never-logged", 0, "1.0", start));
        client.predictions().feedback(feedback);

        CliRun report = monitor("report", "-m", "models:/graded/1", "--window", "1h", "--json", "graded.json",
                "--output", "graded.html");

        assertThat(report.exitCode()).as(report.toString()).isZero();
        assertThat(report.out()).contains("Live model quality over the last 1 h: 200 labelled of 400 predictions "
                + "(regression)", "METRIC", "LIVE", "TRAINING");
        assertThat(report.out()).containsPattern("rmse +0\\.5000 +0\\.2500").containsPattern("mae +0\\.5000 +0\\.2000")
                .containsPattern("r2 +0\\.5000 +-");
        JsonNode quality = JSON.readTree(folder.resolve("graded.json").toFile()).path("model_quality");
        assertThat(quality.path("rows").asLong()).isEqualTo(200);
        assertThat(quality.path("predictions").asLong()).isEqualTo(400);
        assertThat(quality.path("labelled").asLong()).isEqualTo(200);
        assertThat(quality.path("task").asText()).isEqualTo("regression");
        // labels per 4 rows 0.5, 1.5, -0.5, 0.5: mean 0.5, SST 2, SSE 1
        assertThat(quality.path("mean_error").asDouble()).isCloseTo(0, within(1e-12));
        assertThat(quality.path("mae").asDouble()).isCloseTo(0.5, within(1e-12));
        assertThat(quality.path("rmse").asDouble()).isCloseTo(0.5, within(1e-12));
        assertThat(quality.path("r2").asDouble()).isCloseTo(0.5, within(1e-12));
        assertThat(quality.path("training").path("rmse").asDouble()).isEqualTo(0.25);
        assertThat(quality.path("training").path("mae").asDouble()).isEqualTo(0.2);
        assertThat(quality.path("training").has("r2")).isFalse();
        assertThat(quality.has("not_enough_data")).isFalse();
        assertThat(Files.readString(folder.resolve("graded.html"))).contains("<h2>Live model quality</h2>",
                "<tr><td>rmse</td><td>0.5000</td><td>0.2500</td></tr>");
    }

    @Test
    void reportShowsLiveClassificationQualityOfTheLatestRows() throws IOException {
        Run run = register("labelled");
        client.logMetric(run.info().runId(), new Metric("val_accuracy", 0.85, 1000, 0));
        client.logMetric(run.info().runId(), new Metric("val_roc_auc", 0.9, 1000, 0));
        assertThat(monitor("reference", "-m", "models:/labelled/1", "--data", "reference.csv").exitCode()).isZero();
        long now = System.currentTimeMillis();
        // older rows, all predicted wrong, that --last 100 must leave out
        long old = now - 3_600_000;
        logPredictions("labelled", 50, false, new Random(9), old, i -> classifier(0.95));
        List<PredictionFeedback> feedback = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            feedback.add(feedback("labelled", old, i, "0"));
        }
        // the latest 100: P(1) = 0.05 ... 0.95 by i % 10, predicted 1 above 0.5, actually 1 for i % 10 >= 3
        long start = now - 60_000;
        logPredictions("labelled", 100, false, new Random(10), start, i -> classifier(i % 10 / 10.0 + 0.05));
        double logLoss = 0;
        for (int i = 0; i < 100; i++) {
            boolean positive = i % 10 >= 3;
            feedback.add(feedback("labelled", start, i, positive ? "1" : "0"));
            double score = i % 10 / 10.0 + 0.05;
            logLoss -= Math.log(positive ? score : 1 - score);
        }
        client.predictions().feedback(feedback);

        CliRun report = monitor("report", "-m", "models:/labelled/1", "--last", "100", "--json", "-");

        assertThat(report.exitCode()).as(report.toString()).isZero();
        assertThat(report.out()).contains("100 labelled of 100 predictions (classification, positive label 1)")
                .containsPattern("accuracy +0\\.8000 +0\\.8500").containsPattern("roc_auc +1\\.000 +0\\.9000");
        JsonNode quality = JSON.readTree(report.out().substring(report.out().indexOf('{'))).path("model_quality");
        assertThat(quality.path("rows").asLong()).isEqualTo(100);
        assertThat(quality.path("positive_label").asText()).isEqualTo("1");
        // per 10 rows: TP 5, FP 0, FN 2, TN 3
        assertThat(quality.path("accuracy").asDouble()).isCloseTo(0.8, within(1e-12));
        assertThat(quality.path("precision").asDouble()).isCloseTo(1.0, within(1e-12));
        assertThat(quality.path("recall").asDouble()).isCloseTo(5.0 / 7, within(1e-12));
        assertThat(quality.path("f1").asDouble()).isCloseTo(10.0 / 12, within(1e-12));
        assertThat(quality.path("roc_auc").asDouble()).isCloseTo(1.0, within(1e-12));
        assertThat(quality.path("log_loss").asDouble()).isCloseTo(logLoss / 100, within(1e-6));
        assertThat(quality.path("training").path("accuracy").asDouble()).isEqualTo(0.85);
        assertThat(quality.path("training").path("roc_auc").asDouble()).isEqualTo(0.9);
        assertThat(quality.path("end_time").asLong() - quality.path("start_time").asLong()).isEqualTo(10);

        CliRun negative = monitor("report", "-m", "models:/labelled/1", "--last", "100", "--positive-label", "0",
                "--json", "-");
        JsonNode negativeQuality = JSON.readTree(negative.out().substring(negative.out().indexOf('{')))
                .path("model_quality");
        assertThat(negativeQuality.path("positive_label").asText()).isEqualTo("0");
        // predicted 0 for i % 10 < 5, of which 3 are 0; actual 0 for i % 10 < 3, all predicted 0
        assertThat(negativeQuality.path("precision").asDouble()).isCloseTo(0.6, within(1e-12));
        assertThat(negativeQuality.path("recall").asDouble()).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void badOptionsAndDataAreClearErrors() throws IOException {
        register("strict");
        Files.writeString(folder.resolve("partial.csv"), "x1,color\n1.0,red\n");
        CliRun partial = monitor("reference", "-m", "models:/strict/1", "--data", "partial.csv");
        assertThat(partial.exitCode()).isEqualTo(1);
        assertThat(partial.err()).contains("has no column x2 of model strict version 1");

        CliRun method = monitor("report", "-m", "models:/strict/1", "--method", "x1=nope");
        assertThat(method.exitCode()).isEqualTo(2);
        assertThat(method.err()).contains("unknown method 'nope'", "psi");
        assertThat(monitor("report", "-m", "models:/strict/1", "--window", "soon").exitCode()).isEqualTo(2);
        assertThat(monitor("report", "-m", "models:/strict/1", "--window", "1h", "--last", "5").exitCode()).isEqualTo(2);
    }

    private static CliRun monitor(String... args) {
        List<String> all = new ArrayList<>(List.of("monitor"));
        all.addAll(List.of(args));
        all.addAll(List.of("--tracking-uri", server.uri()));
        return CliRun.run(environment, all.toArray(String[]::new));
    }

    /** A run holding a model folder with an MLmodel signature, registered as version 1 of the name, alias champion. */
    private static Run register(String name) {
        Run run = client.createRun("0");
        client.logArtifact(run.info().runId(), "model/MLmodel", MLMODEL.getBytes(StandardCharsets.UTF_8));
        ModelLogging.register(client, name, run, "model");
        client.registry().setAlias(name, "champion", 1);
        return run;
    }

    /** x1 ~ N(0, 1), x2 ~ N(0, 1) with 5% missing, color red/green/blue at 35/35/30%; shifted: x1 + 1, x2 + 1, mostly blue. */
    private static String[] row(Random random, boolean shifted) {
        double x1 = random.nextGaussian() + (shifted ? 1 : 0);
        double x2 = random.nextGaussian() + (shifted ? 1 : 0);
        double pick = random.nextDouble();
        String color = shifted ? (pick < 0.1 ? "red" : pick < 0.2 ? "green" : "blue")
                : (pick < 0.35 ? "red" : pick < 0.7 ? "green" : "blue");
        String x2Cell = random.nextDouble() < 0.05 ? "" : String.format(Locale.ROOT, "%.4f", x2);
        return new String[] {String.format(Locale.ROOT, "%.4f", x1), x2Cell, color};
    }

    private static void writeTable(Path file, int rows, boolean shifted, Random random) throws IOException {
        StringBuilder csv = new StringBuilder("id,x1,x2,color,churn,prediction\n");
        for (int i = 0; i < rows; i++) {
            String[] row = row(random, shifted);
            csv.append(i).append(',').append(String.join(",", row)).append(',').append(i % 3 == 0 ? "yes" : "no").append(',')
                    .append(i % 2).append('\n');
        }
        Files.writeString(file, csv);
    }

    /** A binary classifier's outputs as model servers log them, with probability {@code one} of class 1. */
    private static String classifier(double one) {
        return String.format(Locale.ROOT, "{\"label\": \"%s\", \"probability_0\": %.2f, \"probability_1\": %.2f}",
                one > 0.5 ? "1" : "0", 1 - one, one);
    }

    /** The feedback of row {@code i} of {@link #logPredictions}' rows logged from {@code startTime}. */
    private static PredictionFeedback feedback(String model, long startTime, int i, String actualJson) {
        return new PredictionFeedback("request-" + model + "-" + startTime + "-" + i / 10, i % 10, actualJson, startTime);
    }

    private static void logPredictions(String model, int rows, boolean shifted, Random random, long startTime) {
        logPredictions(model, rows, shifted, random, startTime, i -> "{\"prediction\": " + (i % 2) + "}");
    }

    /** Logs rows through the prediction log's log-batch API, ten rows per millisecond from {@code startTime}. */
    private static void logPredictions(String model, int rows, boolean shifted, Random random, long startTime,
            IntFunction<String> outputs) {
        List<LoggedPrediction> batch = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            String[] row = row(random, shifted);
            String inputs = "{\"x1\": " + row[0] + ", \"x2\": " + (row[1].isEmpty() ? "null" : row[1])
                    + ", \"color\": \"" + row[2] + "\"}";
            batch.add(new LoggedPrediction("request-" + model + "-" + startTime + "-" + i / 10, i % 10,
                    startTime + i / 10, model, "1", "stable", inputs, outputs.apply(i), 1.5));
        }
        client.predictions().appendBatch(batch);
    }

    private static int count(String text, String part) {
        Matcher matcher = Pattern.compile(Pattern.quote(part)).matcher(text);
        int found = 0;
        while (matcher.find()) {
            found++;
        }
        return found;
    }
}
