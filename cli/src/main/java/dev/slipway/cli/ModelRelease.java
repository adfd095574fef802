package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import dev.slipway.client.ModelResolver;
import dev.slipway.client.TrackingClient;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.registry.ModelVersion;
import dev.slipway.core.tracking.Metric;
import dev.slipway.core.tracking.Run;
import dev.slipway.core.tracking.RunStatus;
import dev.slipway.core.tracking.Tag;
import dev.slipway.models.evaluation.Comparison;
import dev.slipway.models.evaluation.EvaluationResult;
import dev.slipway.models.evaluation.Evaluator;
import dev.slipway.models.format.ModelDirectory;
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

/**
 * The release step of CI/CD for models: a candidate model folder is judged against the version an alias points at
 * (the champion) on labelled data, with the quality gate of {@code slipway models evaluate}; the judgement is logged
 * as a run; the candidate is registered as a new version (tagged {@code slipway.quality_gate}) and, when it passed
 * and promotion was asked for, the alias moves to it. With no champion yet, the candidate passes as the first model.
 */
final class ModelRelease {
    static final String GATE_TAG = "slipway.quality_gate";
    static final String MODEL_ARTIFACT_PATH = "model";

    private final TrackingClient client;
    private final Environment environment;
    private final Settings settings;

    /**
     * @param modelName the registered model
     * @param alias the alias of the champion, moved on promotion
     * @param metric the deciding metric
     * @param minDelta how much better than the champion the candidate must be
     * @param register whether to register the candidate as a new version
     * @param promote whether to move the alias to the candidate when it passes (needs {@code register})
     * @param targetColumn the label column of the data (default: the model's)
     * @param experimentName the experiment of the release run (default: Default)
     */
    record Settings(String modelName, String alias, dev.slipway.models.evaluation.Metric metric, double minDelta,
            boolean register, boolean promote, Optional<String> targetColumn, Optional<String> experimentName) {
        Settings {
            requireNonNull(modelName, "modelName is null");
            requireNonNull(alias, "alias is null");
            requireNonNull(metric, "metric is null");
            if (!Double.isFinite(minDelta)) {
                throw SlipwayException.invalidParameter("The minimum delta must be a number, got %s", minDelta);
            }
            if (promote && !register) {
                throw SlipwayException.invalidParameter("Promoting needs a registered candidate; do not combine it "
                        + "with not registering");
            }
            requireNonNull(targetColumn, "targetColumn is null");
            requireNonNull(experimentName, "experimentName is null");
        }

        String championUri() {
            return "models:/" + modelName + "@" + alias;
        }
    }

    /**
     * What a release did.
     *
     * @param candidateName how the report names the candidate (its folder)
     * @param champion the version the alias pointed at before, if any
     * @param comparison the gate's comparison, absent when there was no champion
     * @param registered the new version, when registering
     * @param runId the run the release was logged as
     * @param promoted whether the alias moved to the new version
     */
    record Outcome(String candidateName, EvaluationResult candidate, Optional<ModelVersion> champion,
            Optional<Comparison> comparison, Optional<ModelVersion> registered, String runId, boolean promoted) {
        Outcome {
            requireNonNull(candidateName, "candidateName is null");
            requireNonNull(candidate, "candidate is null");
            requireNonNull(champion, "champion is null");
            requireNonNull(comparison, "comparison is null");
            requireNonNull(registered, "registered is null");
            requireNonNull(runId, "runId is null");
        }

        /** Whether the candidate passed the gate (always, as the first model). */
        boolean passed() {
            return comparison.map(Comparison::passed).orElse(true);
        }
    }

    ModelRelease(TrackingClient client, Environment environment, Settings settings) {
        this.client = requireNonNull(client, "client is null");
        this.environment = requireNonNull(environment, "environment is null");
        this.settings = requireNonNull(settings, "settings is null");
    }

    Settings settings() {
        return settings;
    }

    /**
     * Judges, logs, registers and promotes the candidate, printing what it does.
     *
     * @param gitCommit the commit the candidate was built from, tagged on the release run
     * @throws SlipwayException when a model cannot be read or evaluated, or the tracking server refuses a call
     */
    Outcome release(Path modelFolder, String candidateName, Path data, Optional<String> gitCommit, PrintWriter out)
            throws IOException {
        if (!Files.isRegularFile(data)) {
            throw SlipwayException.notFound("Data file '%s' does not exist", data);
        }
        ModelDirectory candidateModel = ModelDirectory.read(modelFolder);
        EvaluationResult candidate = evaluate(candidateModel, data);
        Optional<ModelVersion> champion = champion();
        Optional<Comparison> comparison = Optional.empty();
        if (champion.isPresent()) {
            ModelVersion version = champion.get();
            String uri = "models:/" + version.name() + "/" + version.version();
            EvaluationResult baseline = evaluateRegistered(uri, data);
            comparison = Optional.of(Comparison.of(candidateName, candidate, settings.championUri() + " (version "
                    + version.version() + ")", baseline, settings.metric(), settings.minDelta()));
            out.print(comparison.get().toText());
        } else {
            out.printf("No %s yet: the candidate passes as the first model.%n", settings.championUri());
        }
        boolean passed = comparison.map(Comparison::passed).orElse(true);

        String experimentId = ModelLogging.experimentId(client, settings.experimentName());
        Run run = ModelLogging.startRun(client, experimentId, Optional.of("ci " + settings.modelName()), "slipway ci",
                environment);
        String runId = run.info().runId();
        Optional<ModelVersion> registered = Optional.empty();
        boolean promoted = false;
        try {
            gitCommit.ifPresent(commit -> client.setTag(runId, new Tag("mlflow.source.git.commit", commit)));
            logJudgement(runId, candidate, champion, comparison, data);
            if (settings.register()) {
                ModelLogging.logModel(client, client.getRun(runId), candidateModel, MODEL_ARTIFACT_PATH);
                ModelVersion version = ModelLogging.register(client, settings.modelName(), client.getRun(runId),
                        MODEL_ARTIFACT_PATH);
                client.registry().setModelVersionTag(version.name(), version.version(),
                        new Tag(GATE_TAG, passed ? "passed" : "failed"));
                registered = Optional.of(version);
                out.printf("Registered models:/%s/%d%n", version.name(), version.version());
                if (passed && settings.promote()) {
                    client.registry().setAlias(version.name(), settings.alias(), version.version());
                    promoted = true;
                    out.printf("Promoted %s -> version %d%n", settings.championUri(), version.version());
                }
            }
            client.endRun(runId, RunStatus.FINISHED, environment.clock().millis());
        } catch (RuntimeException | IOException e) {
            try {
                client.endRun(runId, RunStatus.FAILED, environment.clock().millis());
            } catch (RuntimeException endFailure) {
                e.addSuppressed(endFailure);
            }
            throw e;
        }
        return new Outcome(candidateName, candidate, champion, comparison, registered, runId, promoted);
    }

    /** Adds the report to the release run's artifacts. */
    void attachReport(Outcome outcome, String markdown) {
        client.logArtifact(outcome.runId(), "ci-report.md", markdown.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The Markdown report for a pull-request comment: verdict, what was registered and promoted, the gate's table,
     * then the caller's sections (metrics and params diffs, pipeline summary).
     */
    String report(Outcome outcome, String sections) {
        dev.slipway.models.evaluation.Metric metric = settings.metric();
        StringBuilder text = new StringBuilder();
        text.append("## Slipway CI: `").append(settings.modelName()).append("` ")
                .append(outcome.passed() ? "PASS" : "FAIL").append("\n\n");
        if (outcome.comparison().isPresent()) {
            text.append("**").append(escape(outcome.comparison().get().verdict())).append("**\n\n");
        } else {
            text.append("**PASS: no `").append(settings.championUri())
                    .append("` yet, so the candidate passes as the first model**\n\n");
        }
        text.append("| | |\n|:--|:--|\n");
        text.append("| Candidate | `").append(outcome.candidateName()).append("`: ").append(metric.key()).append(' ')
                .append(value(outcome.candidate().metric(metric))).append(" |\n");
        text.append("| Champion | ");
        if (outcome.champion().isPresent()) {
            text.append('`').append(settings.championUri()).append("` = version ")
                    .append(outcome.champion().get().version()).append(": ").append(metric.key()).append(' ')
                    .append(value(outcome.comparison().flatMap(comparison -> comparison.baseline().metric(metric))));
        } else {
            text.append("none (`").append(settings.championUri()).append("` does not exist)");
        }
        text.append(" |\n");
        text.append("| Registered | ").append(outcome.registered().map(version -> "`models:/" + version.name() + "/"
                + version.version() + "` (run `" + outcome.runId() + "`)").orElse("not registered (--no-register)"))
                .append(" |\n");
        text.append("| Alias | ");
        if (outcome.promoted()) {
            text.append('`').append(settings.alias()).append("` now points at version ")
                    .append(outcome.registered().orElseThrow().version());
        } else if (!outcome.passed()) {
            text.append('`').append(settings.alias()).append("` unchanged: the gate failed");
        } else {
            text.append('`').append(settings.alias()).append("` unchanged: promotion was not asked for (--promote)");
        }
        text.append(" |\n\n");
        if (outcome.comparison().isPresent()) {
            // the comparison's own heading and verdict are already at the top of the report
            String comparison = outcome.comparison().get().toMarkdown();
            int table = comparison.indexOf("Candidate `");
            text.append("### Gate\n\n").append(table < 0 ? comparison : comparison.substring(table));
        } else {
            text.append("### Gate\n\n");
            text.append(String.format(Locale.ROOT, "Candidate metrics on %,d rows:%n%n", outcome.candidate().rows()));
            text.append("| Metric | Candidate |\n|:--|--:|\n");
            outcome.candidate().metrics().forEach((key, number) -> text.append("| ").append(key.key()).append(" | ")
                    .append(String.format(Locale.ROOT, "%.4f", number)).append(" |\n"));
        }
        text.append('\n').append(sections);
        return text.toString();
    }

    private Optional<ModelVersion> champion() {
        try {
            return Optional.of(client.registry().getModelVersionByAlias(settings.modelName(), settings.alias()));
        } catch (SlipwayException e) {
            if (e.errorCode() == ErrorCode.RESOURCE_DOES_NOT_EXIST) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private EvaluationResult evaluateRegistered(String uri, Path dataFile) throws IOException {
        ModelResolver resolver = new ModelResolver(Optional.of(client));
        Path download = Files.createTempDirectory("slipway-champion-");
        try {
            return evaluate(ModelDirectory.read(resolver.localFolder(resolver.resolve(uri), download)), dataFile);
        } finally {
            ModelResolver.deleteDownload(download);
        }
    }

    private EvaluationResult evaluate(ModelDirectory model, Path dataFile) {
        try (OnnxModel onnx = OnnxModel.load(model, 1)) {
            return new Evaluator(1000).evaluate(onnx, dataFile, settings.targetColumn(), rows -> {});
        }
    }

    private void logJudgement(String runId, EvaluationResult candidate, Optional<ModelVersion> champion,
            Optional<Comparison> comparison, Path dataFile) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("model_name", settings.modelName());
        params.put("alias", settings.alias());
        params.put("baseline", champion.map(version -> "models:/" + version.name() + "/" + version.version())
                .orElse("none"));
        params.put("data", dataFile.toString());
        params.put("metric", settings.metric().key());
        params.put("min_delta", String.valueOf(settings.minDelta()));
        params.put("rows", String.valueOf(candidate.rows()));
        ModelLogging.logParams(client, runId, params);
        long now = environment.clock().millis();
        List<Metric> metrics = new ArrayList<>();
        candidate.metrics().forEach((key, number) -> metrics.add(new Metric("candidate_" + key.key(), number, now, 0)));
        comparison.ifPresent(result -> {
            result.baseline().metrics().forEach((key, number) ->
                    metrics.add(new Metric("baseline_" + key.key(), number, now, 0)));
            metrics.add(new Metric("delta_" + result.metric().key(), result.delta(), now, 0));
        });
        ModelLogging.logMetrics(client, runId, metrics);
        client.setTag(runId, new Tag(GATE_TAG, comparison.map(result -> result.passed() ? "passed" : "failed")
                .orElse("passed (first model)")));
    }

    private static String value(Optional<Double> number) {
        return number.map(value -> String.format(Locale.ROOT, "%.4f", value)).orElse("n/a");
    }

    private static String escape(String text) {
        return text.replace("|", "\\|").replace("*", "\\*").replace("_", "\\_");
    }
}
