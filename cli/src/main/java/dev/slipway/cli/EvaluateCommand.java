package dev.slipway.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.client.TrackingClient;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.registry.ModelVersion;
import dev.slipway.core.tracking.Metric;
import dev.slipway.core.tracking.Run;
import dev.slipway.core.tracking.RunStatus;
import dev.slipway.core.tracking.Tag;
import dev.slipway.models.evaluation.Comparison;
import dev.slipway.models.evaluation.EvaluationResult;
import dev.slipway.models.evaluation.Evaluator;
import dev.slipway.models.scoring.OnnxModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code slipway models evaluate}: the quality gate. Scores a candidate (and a baseline) on the same data, prints
 * the metrics side by side, logs the evaluation as a run, writes a Markdown report, and exits 1 when the candidate
 * does not beat the baseline by the margin; {@code --promote} moves an alias to the candidate when it passes.
 */
@Command(name = "evaluate", description = {"Evaluate a model on labelled data, optionally against a baseline: the "
        + "quality gate for CI/CD.", "Exit code 0 when the candidate passes (or no baseline is given), 1 when it "
        + "does not beat the baseline by --min-delta."})
final class EvaluateCommand extends ModelCommand {
    static final int EXIT_GATE_FAILED = 1;

    @Option(names = {"-m", "--model-uri"}, required = true, paramLabel = "MODEL_URI",
            description = "The candidate model (models:/name/7, models:/name@challenger, runs:/<id>/model, a folder).")
    String candidateUri;

    @Option(names = {"-b", "--baseline"}, paramLabel = "MODEL_URI",
            description = "The model to beat, such as models:/churn@champion.")
    Optional<String> baselineUri = Optional.empty();

    @Option(names = {"-d", "--data"}, required = true, paramLabel = "CSV",
            description = "Labelled holdout data: a CSV file with the model's input columns and the target column.")
    Path data;

    @Option(names = "--target", paramLabel = "COLUMN",
            description = "The target column (default: the one the model was trained on).")
    Optional<String> target = Optional.empty();

    @Option(names = "--metric", paramLabel = "NAME", defaultValue = "roc_auc", description = {
            "The deciding metric: accuracy, precision, recall, f1, roc_auc (auc), log_loss, mae, rmse, r2 "
                    + "(default: roc_auc). Lower is better for log_loss, mae and rmse."})
    String metric;

    @Option(names = "--min-delta", paramLabel = "DELTA", defaultValue = "0",
            description = "How much better than the baseline the candidate must be on the metric (default: 0).")
    double minDelta;

    @Option(names = "--report", paramLabel = "FILE",
            description = "Write a Markdown summary (for a pull-request comment) to this file.")
    Optional<Path> report = Optional.empty();

    @Option(names = "--metrics-file", paramLabel = "FILE", description = {"Also write the candidate's metrics to "
            + "this JSON file, flat ({\"roc_auc\": 0.83, \"accuracy\": 0.77, ...}), for a pipeline's metrics."})
    Optional<Path> metricsFile = Optional.empty();

    @Option(names = "--promote", paramLabel = "ALIAS",
            description = "When the candidate passes, point this alias (such as champion) at it; the candidate must "
                    + "be a registered version.")
    Optional<String> promote = Optional.empty();

    @Option(names = {"-e", "--experiment-name"}, paramLabel = "NAME",
            description = "The experiment of the evaluation run (created if missing; default: Default).")
    Optional<String> experimentName = Optional.empty();

    @Option(names = "--no-log", description = "Do not log the evaluation as a run.")
    boolean noLog;

    @Option(names = "--no-progress", description = "Do not draw a progress bar.")
    boolean noProgress;

    EvaluateCommand(Environment environment) {
        super(environment);
    }

    @Override
    void validate() {
        if (!Double.isFinite(minDelta)) {
            throw usageError("--min-delta must be a number, got %s", minDelta);
        }
        if (promote.isPresent() && baselineUri.isEmpty()) {
            throw usageError("--promote needs --baseline: only a candidate that beats a baseline is promoted");
        }
    }

    @Override
    int run(PrintWriter out) throws Exception {
        dev.slipway.models.evaluation.Metric deciding = dev.slipway.models.evaluation.Metric.of(metric);
        Path dataFile = environment.workingDirectory().resolve(data).normalize();
        if (!Files.isRegularFile(dataFile)) {
            throw SlipwayException.notFound("Data file '%s' does not exist", dataFile);
        }
        Optional<ModelVersion> candidateVersion;
        EvaluationResult candidate;
        try (ModelFiles files = modelFiles(candidateUri)) {
            candidateVersion = files.resolved().version();
            candidate = evaluate(files, dataFile, "candidate");
        }
        Optional<EvaluationResult> baseline = Optional.empty();
        if (baselineUri.isPresent()) {
            try (ModelFiles files = modelFiles(baselineUri.get())) {
                baseline = Optional.of(evaluate(files, dataFile, "baseline"));
            }
        }
        Optional<Comparison> comparison = baseline.map(result -> Comparison.of(candidateUri, candidate,
                baselineUri.orElseThrow(), result, deciding, minDelta));
        boolean passed = comparison.map(Comparison::passed).orElse(true);

        if (report.isPresent()) {
            Path reportFile = environment.workingDirectory().resolve(report.get()).normalize();
            writeReport(reportFile, markdown(candidate, comparison, dataFile));
        }
        if (metricsFile.isPresent()) {
            Map<String, Double> metrics = new LinkedHashMap<>();
            candidate.metrics().forEach((key, value) -> metrics.put(key.key(), value));
            MetricsFile.write(environment.resolve(metricsFile.get().toString()), metrics);
        }
        Optional<String> runId = noLog ? Optional.empty()
                : Optional.of(logRun(connection().client(), candidate, baseline, comparison, dataFile));
        Optional<String> promoted = Optional.empty();
        if (passed && promote.isPresent()) {
            ModelVersion version = candidateVersion.orElseThrow(() -> SlipwayException.invalidParameter(
                    "--promote %s needs a registered candidate (models:/name/N or models:/name@alias), not %s",
                    promote.get(), candidateUri));
            connection().client().registry().setAlias(version.name(), promote.get(), version.version());
            promoted = Optional.of(version.name() + "@" + promote.get() + " -> version " + version.version());
        }
        print(out, candidate, comparison, passed, runId, promoted);
        return passed ? 0 : EXIT_GATE_FAILED;
    }

    private EvaluationResult evaluate(ModelFiles files, Path dataFile, String role) {
        try (OnnxModel model = OnnxModel.load(files.directory(), 1);
                Progress progress = Progress.start("Evaluating " + role, "rows", OptionalLong.empty(),
                        !noProgress && !json)) {
            return new Evaluator(1000).evaluate(model, dataFile, target, progress::stepTo);
        }
    }

    private String logRun(TrackingClient client, EvaluationResult candidate, Optional<EvaluationResult> baseline,
            Optional<Comparison> comparison, Path dataFile) {
        String experimentId = ModelLogging.experimentId(client, experimentName);
        Run run = ModelLogging.startRun(client, experimentId, Optional.empty(), "slipway models evaluate", environment);
        String runId = run.info().runId();
        try {
            Map<String, String> params = new LinkedHashMap<>();
            params.put("candidate", candidateUri);
            baselineUri.ifPresent(uri -> params.put("baseline", uri));
            params.put("data", dataFile.toString());
            params.put("metric", dev.slipway.models.evaluation.Metric.of(metric).key());
            params.put("min_delta", String.valueOf(minDelta));
            params.put("rows", String.valueOf(candidate.rows()));
            ModelLogging.logParams(client, runId, params);
            long now = environment.clock().millis();
            List<Metric> metrics = new ArrayList<>();
            candidate.metrics().forEach((key, value) -> metrics.add(new Metric("candidate_" + key.key(), value, now, 0)));
            baseline.ifPresent(result -> result.metrics().forEach((key, value) ->
                    metrics.add(new Metric("baseline_" + key.key(), value, now, 0))));
            comparison.ifPresent(result -> metrics.add(new Metric("delta_" + result.metric().key(), result.delta(),
                    now, 0)));
            ModelLogging.logMetrics(client, runId, metrics);
            comparison.ifPresent(result -> client.setTag(runId, new Tag("slipway.quality_gate",
                    result.passed() ? "passed" : "failed")));
            client.logArtifact(runId, "evaluation.md",
                    markdown(candidate, comparison, dataFile).getBytes(StandardCharsets.UTF_8));
            client.endRun(runId, RunStatus.FINISHED, environment.clock().millis());
            return runId;
        } catch (RuntimeException e) {
            try {
                client.endRun(runId, RunStatus.FAILED, environment.clock().millis());
            } catch (RuntimeException endFailure) {
                e.addSuppressed(endFailure);
            }
            throw e;
        }
    }

    private String markdown(EvaluationResult candidate, Optional<Comparison> comparison, Path dataFile) {
        if (comparison.isPresent()) {
            return comparison.get().toMarkdown();
        }
        StringBuilder text = new StringBuilder();
        text.append("### Evaluation of `").append(candidateUri).append("`\n\n");
        text.append(String.format(Locale.ROOT, "%,d rows of `%s`%n%n", candidate.rows(), dataFile.getFileName()));
        text.append("| metric | value |\n|---|---|\n");
        candidate.metrics().forEach((key, value) -> text.append(String.format(Locale.ROOT, "| %s | %.6f |%n",
                key.key(), value)));
        return text.toString();
    }

    private static void writeReport(Path file, String markdown) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temporary = Files.createTempFile(parent, "." + file.getFileName(), ".tmp");
        try {
            Files.writeString(temporary, markdown, StandardCharsets.UTF_8);
            Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private void print(PrintWriter out, EvaluationResult candidate, Optional<Comparison> comparison, boolean passed,
            Optional<String> runId, Optional<String> promoted) {
        if (json) {
            ObjectNode node = TrackingCommand.json().createObjectNode().put("candidate", candidateUri)
                    .put("rows", candidate.rows()).put("passed", passed);
            ObjectNode candidateMetrics = node.putObject("candidate_metrics");
            candidate.metrics().forEach((key, value) -> candidateMetrics.put(key.key(), value));
            comparison.ifPresent(result -> {
                node.put("baseline", baselineUri.orElseThrow()).put("metric", result.metric().key())
                        .put("delta", result.delta()).put("min_delta", result.minDelta());
                ObjectNode baselineMetrics = node.putObject("baseline_metrics");
                result.baseline().metrics().forEach((key, value) -> baselineMetrics.put(key.key(), value));
            });
            runId.ifPresent(id -> node.put("run_id", id));
            promoted.ifPresent(text -> node.put("promoted", text));
            TrackingCommand.printJson(out, node);
            return;
        }
        if (comparison.isPresent()) {
            out.print(comparison.get().toText());
        } else {
            out.printf(Locale.ROOT, "%s on %,d rows%n", candidateUri, candidate.rows());
            TextTable table = new TextTable("METRIC", "VALUE");
            candidate.metrics().forEach((key, value) -> table.add(key.key(), String.format(Locale.ROOT, "%.6f", value)));
            table.print(out);
        }
        runId.ifPresent(id -> out.printf("Logged as run %s%n", id));
        promoted.ifPresent(text -> out.printf("Promoted %s%n", text));
        if (!passed) {
            err().printf("Quality gate failed: %s%n", comparison.map(Comparison::verdict).orElse(""));
            err().flush();
        }
    }
}
