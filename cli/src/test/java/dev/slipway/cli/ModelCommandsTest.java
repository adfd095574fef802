package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.client.TrackingClient;
import dev.slipway.core.registry.ModelVersion;
import dev.slipway.core.registry.ModelVersionStage;
import dev.slipway.core.tracking.Metric;
import dev.slipway.core.tracking.Run;
import dev.slipway.core.tracking.RunStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Train -> register -> alias -> predict -> evaluate -> promote, end to end through the real commands, on a
 * dataset the test generates, with the local store (an in-process server over {@code ./.slipway}) and against a
 * running server.
 */
class ModelCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path folder;

    private Environment environment;

    @BeforeEach
    void writeData() throws IOException {
        environment = CliRun.environment(folder, Map.of());
        writeChurn(folder.resolve("train.csv"), 1500, new Random(1));
        writeChurn(folder.resolve("holdout.csv"), 600, new Random(2));
    }

    @Test
    void trainRegisterAliasPredictEvaluateAndPromote() throws IOException {
        CliRun first = run("train", "--data", "train.csv", "--target", "churn", "--algorithm", "logistic",
                "--register", "churn", "-e", "churn", "--no-progress");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.out()).contains("val_roc_auc").contains("Registered: models:/churn/1");

        CliRun second = run("train", "--data", "train.csv", "--target", "churn", "--algorithm", "xgboost",
                "--param", "n_estimators=20", "--param", "max_depth=3", "--register", "churn", "-e", "churn", "--json");
        assertThat(second.exitCode()).as(second.toString()).isZero();
        JsonNode trained = JSON.readTree(second.out());
        assertThat(trained.path("version").asText()).isEqualTo("2");
        assertThat(trained.path("metrics").path("val_accuracy").asDouble()).isBetween(0.6, 1.0);

        assertThat(run("models", "alias", "set", "churn", "champion", "1").exitCode()).isZero();

        CliRun predicted = run("models", "predict", "-m", "models:/churn@champion", "--input", "holdout.csv",
                "--output", "predictions.csv", "--exclude-column", "churn", "--no-progress");
        assertThat(predicted.exitCode()).as(predicted.toString()).isZero();
        List<String> lines = Files.readAllLines(folder.resolve("predictions.csv"));
        assertThat(lines).hasSize(601);
        assertThat(lines.get(0)).isEqualTo("prediction,probability_no,probability_yes");
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",");
            assertThat(cells[0]).isIn("yes", "no");
            assertThat(Double.parseDouble(cells[1]) + Double.parseDouble(cells[2])).isCloseTo(1.0,
                    org.assertj.core.data.Offset.offset(1e-5));
        }

        // a margin no model can reach: the gate fails with exit 1, writes the report, and promotes nothing
        CliRun failing = run("models", "evaluate", "-m", "models:/churn/2", "--baseline", "models:/churn@champion",
                "--data", "holdout.csv", "--metric", "auc", "--min-delta", "0.5", "--report", "gate.md",
                "--promote", "champion", "--no-progress");
        assertThat(failing.exitCode()).as(failing.toString()).isEqualTo(EvaluateCommand.EXIT_GATE_FAILED);
        assertThat(failing.err()).contains("Quality gate failed");
        assertThat(Files.readString(folder.resolve("gate.md"))).contains("FAIL").contains("roc_auc");
        try (ServerConnection connection = connection()) {
            assertThat(connection.client().registry().getModelVersionByAlias("churn", "champion").version())
                    .isEqualTo(1);
        }

        // a tolerated regression: the gate passes and the alias moves to the candidate
        CliRun passing = run("models", "evaluate", "-m", "models:/churn/2", "--baseline", "models:/churn@champion",
                "--data", "holdout.csv", "--metric", "roc_auc", "--min-delta", "-1", "--promote", "champion",
                "--json", "--no-progress");
        assertThat(passing.exitCode()).as(passing.toString()).isZero();
        JsonNode verdict = JSON.readTree(passing.out());
        assertThat(verdict.path("passed").asBoolean()).isTrue();
        assertThat(verdict.path("baseline_metrics").has("roc_auc")).isTrue();
        assertThat(verdict.path("candidate_metrics").has("log_loss")).isTrue();
        try (ServerConnection connection = connection()) {
            TrackingClient client = connection.client();
            assertThat(client.registry().getModelVersionByAlias("churn", "champion").version()).isEqualTo(2);
            Run evaluation = client.getRun(verdict.path("run_id").asText());
            assertThat(evaluation.info().status()).isEqualTo(RunStatus.FINISHED);
            assertThat(evaluation.metrics()).extracting(Metric::key).contains("candidate_roc_auc",
                    "baseline_roc_auc", "delta_roc_auc");
            Run training = client.getRun(trained.path("run_id").asText());
            assertThat(training.params()).extracting(p -> p.key()).contains("algorithm", "n_estimators");
            assertThat(training.inputs()).hasSize(1);
            assertThat(client.getMetricHistory(training.info().runId(), "val_log_loss")).hasSize(20);
            assertThat(training.tags()).anySatisfy(tag -> assertThat(tag.key()).isEqualTo("mlflow.log-model.history"));
        }
    }

    @Test
    void registryCommandsListShowTransitionDownloadAndDelete() throws IOException {
        assertThat(run("train", "--data", "train.csv", "--target", "churn", "--algorithm", "logistic",
                "--register", "churn", "--no-progress").exitCode()).isZero();

        assertThat(run("models", "list").out()).contains("churn");
        assertThat(run("models", "transition", "churn", "1", "production").out()).contains("Production");
        CliRun versions = run("models", "versions", "churn", "--json");
        assertThat(JSON.readTree(versions.out()).path("model_versions").get(0).path("current_stage").asText())
                .isEqualTo("Production");
        assertThat(run("models", "show", "churn").out()).contains("Registered model: churn").contains("Production");

        CliRun download = run("models", "download", "models:/churn/production", "-o", "downloaded");
        assertThat(download.exitCode()).as(download.toString()).isZero();
        assertThat(folder.resolve("downloaded/MLmodel")).exists();
        assertThat(folder.resolve("downloaded/model.onnx")).exists();
        assertThat(folder.resolve("downloaded/input_example.json")).exists();
        assertThat(folder.resolve("downloaded/serving_input_example.json")).exists();

        // the downloaded folder is a model too: predict from it without any tracking store
        CliRun local = run("models", "predict", "-m", folder.resolve("downloaded").toString(), "--input",
                "holdout.csv", "--output", "local.csv", "--exclude-column", "churn", "--no-progress");
        assertThat(local.exitCode()).as(local.toString()).isZero();

        assertThat(run("models", "delete", "churn", "--version", "1").exitCode()).isZero();
        CliRun gone = run("models", "predict", "-m", "models:/churn/1", "--input", "holdout.csv", "--output", "x.csv");
        assertThat(gone.exitCode()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(gone.err()).contains("not found");
        assertThat(run("models", "delete", "churn").exitCode()).isZero();
        assertThat(run("models", "list").out()).contains("No registered models.");
    }

    @Test
    void badInputGetsOneClearMessageAndRegistersNothing() throws IOException {
        CliRun missingTarget = run("train", "--data", "train.csv", "--target", "nope", "--algorithm", "logistic",
                "--register", "churn", "--no-progress");
        assertThat(missingTarget.exitCode()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(missingTarget.err()).contains("nope").doesNotContain("Exception");

        Files.writeString(folder.resolve("ragged.csv"), "x1,x2,color,churn\n1,2,a,yes\n1,2,no\n");
        CliRun ragged = run("train", "--data", "ragged.csv", "--target", "churn", "--algorithm", "logistic",
                "--register", "churn", "--no-progress");
        assertThat(ragged.exitCode()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(ragged.err()).containsIgnoringCase("row");

        Files.writeString(folder.resolve("empty.csv"), "");
        assertThat(run("train", "--data", "empty.csv", "--target", "churn", "--algorithm", "logistic").exitCode())
                .isEqualTo(Main.EXIT_FAILURE);

        try (ServerConnection connection = connection()) {
            assertThat(connection.client().registry().searchAllRegisteredModels(java.util.Optional.empty(), List.of()))
                    .isEmpty();
        }

        assertThat(run("train", "--data", "train.csv", "--target", "churn", "--algorithm", "logistic",
                "--register", "churn", "--no-progress").exitCode()).isZero();
        // x1 had no missing values in training, so the signature requires it; x2 had some, so it may be absent
        Files.writeString(folder.resolve("missing-column.csv"), "x2,color\n0.5,a\n");
        CliRun missingColumn = run("models", "predict", "-m", "models:/churn/1", "--input", "missing-column.csv",
                "--output", "out.csv");
        assertThat(missingColumn.exitCode()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(missingColumn.err()).contains("x1");
        assertThat(folder.resolve("out.csv")).doesNotExist();
        Files.writeString(folder.resolve("optional-column.csv"), "x1,color\n0.5,red\n");
        CliRun optional = run("models", "predict", "-m", "models:/churn/1", "--input", "optional-column.csv",
                "--output", "optional.csv");
        assertThat(optional.exitCode()).as(optional.toString()).isZero();
        assertThat(Files.readAllLines(folder.resolve("optional.csv"))).hasSize(2);

        Files.writeString(folder.resolve("text.csv"), "x1,x2,color\n0.5,abc,a\n");
        CliRun text = run("models", "predict", "-m", "models:/churn/1", "--input", "text.csv", "--output", "out.csv");
        assertThat(text.exitCode()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(text.err()).contains("x2").contains("abc");

        // a model folder whose ONNX file does not parse: one message naming the file
        assertThat(run("models", "download", "models:/churn/1", "-o", "broken").exitCode()).isZero();
        Files.write(folder.resolve("broken/model.onnx"), new byte[] {1, 2, 3, 4, 5});
        CliRun broken = run("models", "predict", "-m", folder.resolve("broken").toString(), "--input", "holdout.csv",
                "--output", "out.csv", "--exclude-column", "churn");
        assertThat(broken.exitCode()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(broken.err()).contains("model.onnx").doesNotContain("Exception");
        assertThat(folder.resolve("out.csv")).doesNotExist();

        CliRun badUri = run("models", "predict", "-m", "models:/churn", "--input", "text.csv", "--output", "out.csv");
        assertThat(badUri.exitCode()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(badUri.err()).contains("models:/<name>@<alias>");
    }

    @Test
    void trainsAndScoresAgainstARunningServer() throws IOException {
        try (RunningServer server = RunningServer.onFolder(folder.resolve("server"))) {
            CliRun trained = run("train", "--tracking-uri", server.uri(), "--data", "train.csv", "--target", "churn",
                    "--algorithm", "random-forest", "--param", "n_estimators=5", "--register", "churn", "--json");
            assertThat(trained.exitCode()).as(trained.toString()).isZero();
            ModelVersion version = server.client().registry().getModelVersion("churn", 1);
            assertThat(version.runId()).contains(JSON.readTree(trained.out()).path("run_id").asText());
            assertThat(version.currentStage()).isEqualTo(ModelVersionStage.NONE);
            CliRun predicted = run("models", "predict", "--tracking-uri", server.uri(), "-m", "models:/churn/latest",
                    "--input", "holdout.csv", "--output", "p.csv", "--exclude-column", "churn", "--no-progress");
            assertThat(predicted.exitCode()).as(predicted.toString()).isZero();
            assertThat(Files.readAllLines(folder.resolve("p.csv"))).hasSize(601);
            assertThat(folder.resolve(".slipway")).doesNotExist();
        }
    }

    private CliRun run(String... args) {
        return CliRun.run(environment, args);
    }

    private ServerConnection connection() {
        return ServerConnection.open(new TrackingOptions(), environment, Backends.discover());
    }

    /** A churn table: two numbers (one sometimes missing), a category, and a yes/no label that depends on them. */
    static void writeChurn(Path file, int rows, Random random) throws IOException {
        StringBuilder csv = new StringBuilder("x1,x2,color,churn\n");
        String[] colors = {"red", "green", "blue"};
        for (int row = 0; row < rows; row++) {
            double x1 = random.nextGaussian();
            double x2 = random.nextGaussian();
            String color = colors[random.nextInt(colors.length)];
            double score = 1.8 * x1 - 1.2 * x2 + (color.equals("red") ? 0.9 : -0.4);
            boolean churn = random.nextDouble() < 1 / (1 + Math.exp(-score));
            String x2Cell = random.nextDouble() < 0.05 ? "" : String.format(Locale.ROOT, "%.4f", x2);
            csv.append(String.format(Locale.ROOT, "%.4f,%s,%s,%s%n", x1, x2Cell, color, churn ? "yes" : "no"));
        }
        Files.writeString(file, csv);
    }
}
