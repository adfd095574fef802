package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import dev.slipway.data.Repository;
import dev.slipway.pipeline.Pipeline;
import dev.slipway.pipeline.ReproResult;
import dev.slipway.pipeline.report.PipelineReports;
import dev.slipway.pipeline.report.ValueDiff;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code slipway ci}: CI/CD for models. Reproduces the pipeline, judges the model it produced against the registered
 * champion with the quality gate, writes a Markdown report for a pull-request comment (gate verdict, metrics and
 * params diffs against a Git revision), registers the candidate and, with {@code --promote}, moves the alias to it
 * when it passed. Exit code 0 when the gate passes, 1 when it fails or the pipeline fails, 2 for usage errors.
 */
@Command(name = "ci", sortOptions = false, description = {"CI/CD for models: reproduce the pipeline, gate the new "
        + "model against the champion, report, register and promote.",
        "Runs every changed stage of dvc.yaml, evaluates the model folder the pipeline writes against "
                + "models:/NAME@ALIAS on the test data (with no champion yet, the candidate passes as the first "
                + "model), registers it as a new version of NAME, moves ALIAS to it with --promote when it passed, "
                + "and writes a Markdown report for a pull-request comment.",
        "Exit code 0 when the gate passes, 1 when it fails (the report is still written) or a stage fails."})
final class CiCommand implements Callable<Integer> {
    static final int EXIT_GATE_FAILED = 1;

    @Option(names = "--model", paramLabel = "NAME",
            description = "The registered model (default: the name of the repository's folder).")
    Optional<String> modelName = Optional.empty();

    @Option(names = "--alias", paramLabel = "ALIAS", defaultValue = "champion",
            description = "The alias of the model to beat, moved by --promote (default: ${DEFAULT-VALUE}).")
    String alias;

    @Option(names = "--metric", paramLabel = "NAME", defaultValue = "roc_auc", description = "The deciding metric: "
            + "accuracy, precision, recall, f1, roc_auc, log_loss, mae, rmse, r2 (default: ${DEFAULT-VALUE}).")
    String metric;

    @Option(names = "--min-delta", paramLabel = "DELTA", defaultValue = "0",
            description = "How much better than the champion the candidate must be (default: ${DEFAULT-VALUE}).")
    double minDelta;

    @Option(names = "--report", paramLabel = "FILE", defaultValue = "ci-report.md",
            description = "Where to write the Markdown report (default: ${DEFAULT-VALUE}).")
    Path report;

    @Option(names = "--promote", description = "Move the alias to the new version when it passes the gate.")
    boolean promote;

    @Option(names = "--register", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Register the candidate as a new version (default: on; --no-register to only judge it).")
    boolean register;

    @Option(names = "--baseline-rev", paramLabel = "REV", defaultValue = "HEAD",
            description = "The Git revision the metrics and params diffs compare with (default: ${DEFAULT-VALUE}).")
    String baselineRevision;

    @Option(names = "--model-path", paramLabel = "DIR", description = "The model folder the pipeline writes "
            + "(default: the first output of dvc.yaml named model... that holds an MLmodel file).")
    Optional<Path> modelPath = Optional.empty();

    @Option(names = {"-d", "--data"}, paramLabel = "CSV", defaultValue = "data/test.csv",
            description = "Labelled test data, after the repro (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--target", paramLabel = "COLUMN",
            description = "The label column (default: the one the model was trained on).")
    Optional<String> target = Optional.empty();

    @Option(names = {"-e", "--experiment-name"}, paramLabel = "NAME",
            description = "The experiment of the release run (created if missing; default: Default).")
    Optional<String> experimentName = Optional.empty();

    @Mixin
    TrackingOptions trackingOptions;

    @Spec
    CommandSpec spec;

    private final Environment environment;

    CiCommand(Environment environment) {
        this.environment = requireNonNull(environment, "environment is null");
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        dev.slipway.models.evaluation.Metric deciding = validate();
        PipelineRun.Project project = PipelineRun.locate(environment.workingDirectory());
        ModelRelease.Settings settings = settings(project.root(), deciding);
        Path reportFile = environment.resolve(report.toString());
        // Ctrl-C interrupts this thread, which stops the stages' processes and leaves dvc.lock consistent
        return Interruption.run(environment, spec, () -> {
            try (ServerConnection connection = ServerConnection.open(trackingOptions, environment, Backends.discover());
                    Repository repository = Repository.open(project.root(), environment.variables())) {
                return run(project, settings, reportFile, connection, repository, out);
            }
        });
    }

    private int run(PipelineRun.Project project, ModelRelease.Settings settings, Path reportFile,
            ServerConnection connection, Repository repository, PrintWriter out) throws IOException {
        out.printf("Reproducing %s%n", project.pipelineFile());
        out.flush();
        Pipeline pipeline = Pipeline.load(project.pipelineFile(), repository.root(), repository.config());
        Map<String, String> variables = new HashMap<>(environment.variables());
        // the stages log where this command does, also when that is the in-process server of the local store
        variables.put(TrackingOptions.MLFLOW_TRACKING_URI, connection.client().trackingUri().toString());
        ReproResult repro = PipelineRun.reproduce(connection.client(), repository, pipeline, variables,
                environment.clock(), out);
        if (!repro.succeeded()) {
            String failure = PipelineRun.failures(repro);
            writeReport(reportFile, "## Slipway CI: `" + settings.modelName() + "` FAIL\n\n**The pipeline failed: "
                    + failure.replace("*", "\\*") + "**\n\n" + pipelineSection(repro));
            PrintWriter err = spec.commandLine().getErr();
            err.printf("%s: error: the pipeline failed: %s%nWrote %s%n", spec.qualifiedName(), failure, reportFile);
            err.flush();
            return Main.EXIT_FAILURE;
        }
        Path modelFolder = modelPath.map(path -> environment.resolve(path.toString()))
                .or(() -> PipelineRun.modelOutput(pipeline))
                .orElseThrow(() -> SlipwayException.notFound("No output of %s is a model folder named model...; name "
                        + "it with --model-path", project.pipelineFile()));
        if (!Files.isRegularFile(modelFolder.resolve("MLmodel"))) {
            throw SlipwayException.notFound("'%s' is not a model folder (no MLmodel file in it)", modelFolder);
        }
        String candidateName = relative(project.root(), modelFolder);
        out.printf("Evaluating %s against %s on %s%n", candidateName, settings.championUri(), data);
        out.flush();
        ModelRelease release = new ModelRelease(connection.client(), environment, settings);
        ModelRelease.Outcome outcome = release.release(modelFolder, candidateName, environment.resolve(data.toString()),
                PipelineRun.gitCommit(project.root()), out);
        String markdown = release.report(outcome, changes(project.root(), repository, repro));
        writeReport(reportFile, markdown);
        release.attachReport(outcome, markdown);
        out.printf("Wrote %s%n", reportFile);
        if (!outcome.passed()) {
            PrintWriter err = spec.commandLine().getErr();
            err.printf("Quality gate failed: %s%n", outcome.comparison().orElseThrow().verdict());
            err.flush();
            return EXIT_GATE_FAILED;
        }
        out.println(outcome.comparison().map(comparison -> comparison.verdict())
                .orElse("PASS: the first model of " + settings.modelName()));
        return 0;
    }

    /** Checks the options before anything runs; returns the deciding metric. */
    private dev.slipway.models.evaluation.Metric validate() {
        dev.slipway.models.evaluation.Metric deciding;
        try {
            deciding = dev.slipway.models.evaluation.Metric.of(metric);
        } catch (SlipwayException e) {
            throw new ParameterException(spec.commandLine(), "--metric: " + e.getMessage());
        }
        if (!Double.isFinite(minDelta)) {
            throw new ParameterException(spec.commandLine(), "--min-delta must be a number, got " + minDelta);
        }
        if (promote && !register) {
            throw new ParameterException(spec.commandLine(), "--promote needs a registered candidate; drop "
                    + "--no-register");
        }
        if (alias.isBlank() || modelName.filter(String::isBlank).isPresent()) {
            throw new ParameterException(spec.commandLine(), "--model and --alias must not be empty");
        }
        return deciding;
    }

    private ModelRelease.Settings settings(Path root, dev.slipway.models.evaluation.Metric deciding) {
        String name = modelName.map(String::trim).orElseGet(() -> root.getFileName().toString());
        return new ModelRelease.Settings(name, alias.trim(), deciding, minDelta, register, promote, target,
                experimentName);
    }

    /** The metrics and params diffs against the baseline revision, and what each stage did. */
    private String changes(Path root, Repository repository, ReproResult repro) {
        PipelineReports reports = new PipelineReports(root, Optional.of(repository.cache()));
        List<String> revisions = List.of(baselineRevision);
        StringBuilder text = new StringBuilder();
        text.append("### Metrics (`").append(baselineRevision).append("` → workspace)\n\n")
                .append(diff(() -> reports.metricsDiff(revisions, false), "No metric changed.")).append('\n');
        text.append("### Params (`").append(baselineRevision).append("` → workspace)\n\n")
                .append(diff(() -> reports.paramsDiff(revisions, false, false), "No param changed.")).append('\n');
        text.append(pipelineSection(repro));
        return text.toString();
    }

    private static String diff(Supplier<ValueDiff> diff, String unchanged) {
        try {
            ValueDiff values = diff.get();
            return values.isEmpty() ? unchanged + "\n" : values.toMarkdown().strip() + "\n";
        } catch (SlipwayException e) {
            return "_Not available: " + e.getMessage().replace("_", "\\_") + "_\n";
        }
    }

    private static String pipelineSection(ReproResult repro) {
        return "### Pipeline\n\n" + PipelineRun.summary(repro) + "\n";
    }

    private static String relative(Path root, Path folder) {
        return folder.startsWith(root) ? root.relativize(folder).toString() : folder.toString();
    }

    private static void writeReport(Path file, String markdown) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temporary = Files.createTempFile(parent, "." + file.getFileName(), ".tmp");
        try {
            Files.writeString(temporary, markdown, StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
