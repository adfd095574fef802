package dev.slipway.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.client.ModelResolver;
import dev.slipway.client.TrackingClient;
import dev.slipway.core.registry.ModelVersion;
import dev.slipway.core.tracking.Dataset;
import dev.slipway.core.tracking.DatasetInput;
import dev.slipway.core.tracking.Metric;
import dev.slipway.core.tracking.Run;
import dev.slipway.core.tracking.RunStatus;
import dev.slipway.core.tracking.Tag;
import dev.slipway.data.TrackedDataset;
import dev.slipway.models.training.Algorithm;
import dev.slipway.models.training.Task;
import dev.slipway.models.training.Trainer;
import dev.slipway.models.training.TrainingListener;
import dev.slipway.models.training.TrainingRequest;
import dev.slipway.models.training.TrainingResult;
import dev.slipway.models.training.Validation;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code slipway train}: trains a model on a CSV file with a built-in algorithm, logs the run (params,
 * per-iteration and validation metrics, the training data as a dataset input, the model as an artifact) and, with
 * {@code --register}, creates a model version.
 */
@Command(name = "train", description = {"Train a model on a CSV file with a built-in algorithm (Tribuo, XGBoost), "
        + "export it to ONNX, log it as a run and optionally register it.",
        "Categorical columns are one-hot encoded and missing values imputed inside the exported ONNX graph."})
final class TrainCommand extends ModelCommand {
    static final String MODEL_ARTIFACT_PATH = "model";
    /** A run to log into instead of a new one, as MLflow's {@code start_run} resumes it (a pipeline stage's run). */
    static final String MLFLOW_RUN_ID = "MLFLOW_RUN_ID";

    @Option(names = {"-d", "--data"}, required = true, paramLabel = "CSV",
            description = "The training data: a CSV file with a header row.")
    Path data;

    @Option(names = {"-t", "--target"}, required = true, paramLabel = "COLUMN", description = "The column to predict.")
    String target;

    @Option(names = {"-a", "--algorithm"}, required = true, paramLabel = "NAME",
            description = "logistic (classification), linear (regression), xgboost or random-forest (both).")
    String algorithm;

    @Option(names = {"-p", "--param"}, paramLabel = "KEY=VALUE", description = {
            "A parameter of the algorithm; repeatable. logistic/linear: epochs, learning_rate, epsilon, "
                    + "minibatch_size, standardize; xgboost: n_estimators, max_depth, learning_rate, subsample, "
                    + "min_child_weight, ...; random-forest: n_estimators, max_depth, ... (an unknown key is an "
                    + "error that lists the known ones with their defaults)."})
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--exclude-column", paramLabel = "NAME",
            description = "A column that is not a feature (an identifier, a leak); repeatable.")
    List<String> excludedColumns = new ArrayList<>();

    @Option(names = "--validation", paramLabel = "CSV",
            description = "Validate on this CSV file instead of a split of the training data.")
    Optional<Path> validation = Optional.empty();

    @Option(names = "--validation-split", paramLabel = "FRACTION", defaultValue = "0.2",
            description = "The share of training rows held out for validation when --validation is not given "
                    + "(default: 0.2).")
    double validationSplit;

    @Option(names = "--task", paramLabel = "TASK", defaultValue = "auto", description = {
            "classification, regression or auto (default): classification when the target is text or has at "
                    + "most 20 distinct integer values."})
    String task;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "Seeds the validation split and the algorithm (default: 42).")
    long seed;

    @Option(names = {"-e", "--experiment-name"}, paramLabel = "NAME",
            description = "The experiment of the run (created if missing; default: the Default experiment). Without "
                    + "it and --run-name, a run named by $MLFLOW_RUN_ID (a pipeline stage's run) is logged into.")
    Optional<String> experimentName = Optional.empty();

    @Option(names = "--run-name", paramLabel = "NAME", description = "The run's name (default: generated).")
    Optional<String> runName = Optional.empty();

    @Option(names = "--register", paramLabel = "NAME",
            description = "Register the trained model as a new version of this registered model.")
    Optional<String> register = Optional.empty();

    @Option(names = "--output", paramLabel = "DIR",
            description = "Also keep the model folder here (must not exist or be empty).")
    Optional<Path> output = Optional.empty();

    @Option(names = "--metrics-file", paramLabel = "FILE", description = {"Also write the validation metrics to "
            + "this JSON file, flat ({\"val_roc_auc\": 0.83, ...}), for a pipeline's metrics."})
    Optional<Path> metricsFile = Optional.empty();

    @Option(names = "--no-progress", description = "Do not print training progress.")
    boolean noProgress;

    TrainCommand(Environment environment) {
        super(environment);
    }

    @Override
    void validate() {
        if (validation.isEmpty() && !(validationSplit > 0 && validationSplit < 1)) {
            throw usageError("--validation-split must be above 0 and below 1, got %s", validationSplit);
        }
    }

    @Override
    int run(PrintWriter out) throws Exception {
        Algorithm chosen = Algorithm.parse(algorithm.toLowerCase(Locale.ROOT));
        Optional<Task> chosenTask = task.equalsIgnoreCase("auto") ? Optional.empty()
                : Optional.of(Task.parse(task.toLowerCase(Locale.ROOT)));
        Path trainingCsv = environment.workingDirectory().resolve(data).normalize();
        Validation validationRows = validation.map(path -> Validation.file(environment.workingDirectory()
                .resolve(path).normalize())).orElseGet(() -> Validation.split(validationSplit));
        Optional<Path> keep = output.map(path -> environment.workingDirectory().resolve(path).normalize());
        if (keep.isPresent() && Files.exists(keep.get())) {
            try (var entries = Files.list(keep.get())) {
                if (entries.findAny().isPresent()) {
                    throw usageError("--output %s already exists and is not empty", keep.get());
                }
            }
        }

        TrackingClient client = connection().client();
        Optional<String> resumed = experimentName.isEmpty() && runName.isEmpty()
                ? environment.variable(MLFLOW_RUN_ID) : Optional.empty();
        Run run = resumed.isPresent() ? resume(client, resumed.get())
                : ModelLogging.startRun(client, ModelLogging.experimentId(client, experimentName), runName,
                        "slipway train", environment);
        String runId = run.info().runId();
        Path workFolder = Files.createTempDirectory("slipway-train-");
        Path modelFolder = keep.orElse(workFolder.resolve(MODEL_ARTIFACT_PATH));
        IterationMetrics iterations = new IterationMetrics(client, runId, environment, noProgress || json ? null
                : spec.commandLine().getErr());
        try {
            TrainingResult result = new Trainer(environment.clock()).train(new TrainingRequest(trainingCsv, target,
                    chosen, params, new LinkedHashSet<>(excludedColumns), validationRows, seed, chosenTask, modelFolder, Optional.of(runId),
                    Optional.of(MODEL_ARTIFACT_PATH)), iterations);
            iterations.flush();
            ModelLogging.logParams(client, runId, result.parameters());
            long now = environment.clock().millis();
            // a metric already logged per iteration ends with its final value; log only the others
            List<Metric> finalMetrics = new ArrayList<>();
            result.metrics().forEach((key, value) -> {
                if (!iterations.logged(key)) {
                    finalMetrics.add(new Metric(key, value, now, 0));
                }
            });
            ModelLogging.logMetrics(client, runId, finalMetrics);
            List<DatasetInput> inputs = new ArrayList<>();
            inputs.add(new DatasetInput(List.of(new Tag("mlflow.data.context", "training")),
                    dvcVersioned(result.trainingDataset(), trainingCsv)));
            result.validationDataset().ifPresent(dataset -> inputs.add(
                    new DatasetInput(List.of(new Tag("mlflow.data.context", "validation")), validation.map(path ->
                            dvcVersioned(dataset, environment.workingDirectory().resolve(path).normalize()))
                            .orElse(dataset))));
            client.logInputs(runId, inputs);
            ModelLogging.logModel(client, client.getRun(runId), result.model(), MODEL_ARTIFACT_PATH);
            Optional<ModelVersion> version = register.map(name -> ModelLogging.register(client, name,
                    client.getRun(runId), MODEL_ARTIFACT_PATH));
            if (metricsFile.isPresent()) {
                MetricsFile.write(environment.resolve(metricsFile.get().toString()), result.metrics());
            }
            client.endRun(runId, RunStatus.FINISHED, environment.clock().millis());
            print(out, run, result, version, keep);
            return 0;
        } catch (Exception e) {
            try {
                client.endRun(runId, RunStatus.FAILED, environment.clock().millis());
            } catch (RuntimeException endFailure) {
                e.addSuppressed(endFailure);
            }
            throw e;
        } finally {
            ModelResolver.deleteDownload(workFolder);
        }
    }

    /**
     * The run {@code $MLFLOW_RUN_ID} names, running again if it had ended, as MLflow's {@code start_run} resumes it;
     * used when neither {@code --experiment-name} nor {@code --run-name} asks for a new run.
     */
    private static Run resume(TrackingClient client, String runId) {
        Run run = client.getRun(runId);
        if (run.info().status() != RunStatus.RUNNING) {
            client.updateRun(runId, Optional.of(RunStatus.RUNNING), Optional.empty(), Optional.empty());
            run = client.getRun(runId);
        }
        return run;
    }

    /**
     * The dataset with the DVC md5 as its digest when the file is tracked by a {@code .dvc} pointer file in a DVC
     * repository and unchanged since, so that {@code slipway data lineage} finds the run by the data version it used.
     */
    private static Dataset dvcVersioned(Dataset dataset, Path file) {
        return TrackedDataset.current(file).map(tracked -> new Dataset(dataset.name(), tracked.digest(),
                dataset.sourceType(), dataset.source(), dataset.schema(), dataset.profile())).orElse(dataset);
    }

    private void print(PrintWriter out, Run run, TrainingResult result, Optional<ModelVersion> version,
            Optional<Path> keep) {
        String runId = run.info().runId();
        String modelUri = "runs:/" + runId + "/" + MODEL_ARTIFACT_PATH;
        if (json) {
            ObjectNode node = TrackingCommand.json().createObjectNode().put("run_id", runId)
                    .put("experiment_id", run.info().experimentId()).put("model_uri", modelUri)
                    .put("task", result.target().task().wireName())
                    .put("training_rows", result.trainingRows()).put("validation_rows", result.validationRows());
            ObjectNode metrics = node.putObject("metrics");
            result.metrics().forEach(metrics::put);
            ObjectNode parameters = node.putObject("params");
            result.parameters().forEach(parameters::put);
            version.ifPresent(registered -> node.put("registered_model", registered.name())
                    .put("version", String.valueOf(registered.version())));
            keep.ifPresent(path -> node.put("output", path.toString()));
            TrackingCommand.printJson(out, node);
            return;
        }
        out.printf("Trained %s (%s) on %,d rows, validated on %,d rows%n", result.parameters().get("algorithm"),
                result.target().task().wireName(), result.trainingRows(), result.validationRows());
        TextTable table = new TextTable("METRIC", "VALUE");
        result.metrics().forEach((key, value) -> table.add(key, String.format(Locale.ROOT, "%.6f", value)));
        table.print(out);
        out.printf("Run:    %s (experiment %s)%n", runId, run.info().experimentId());
        out.printf("Model:  %s%n", modelUri);
        version.ifPresent(registered -> out.printf("Registered: models:/%s/%d%n", registered.name(),
                registered.version()));
        keep.ifPresent(path -> out.printf("Saved:  %s%n", path));
    }

    /** Buffers per-iteration metrics and logs them in batches as the training goes. */
    private static final class IterationMetrics implements TrainingListener {
        private static final int BATCH = 1000;

        private final TrackingClient client;
        private final String runId;
        private final Environment environment;
        private final PrintWriter progress;
        private final List<Metric> pending = new ArrayList<>();
        private final Set<String> keys = new HashSet<>();
        private RuntimeException failure;

        IterationMetrics(TrackingClient client, String runId, Environment environment, PrintWriter progress) {
            this.client = client;
            this.runId = runId;
            this.environment = environment;
            this.progress = progress;
        }

        @Override
        public void onIterationMetric(String key, long step, double value) {
            pending.add(new Metric(key, value, environment.clock().millis(), step));
            keys.add(key);
            if (pending.size() >= BATCH && failure == null) {
                try {
                    send();
                } catch (RuntimeException e) {
                    failure = e;
                }
            }
        }

        @Override
        public void onProgress(String message) {
            if (progress != null) {
                progress.println(message);
                progress.flush();
            }
        }

        boolean logged(String key) {
            return keys.contains(key);
        }

        void flush() {
            if (failure != null) {
                throw failure;
            }
            send();
        }

        private void send() {
            if (!pending.isEmpty()) {
                ModelLogging.logMetrics(client, runId, List.copyOf(pending));
                pending.clear();
            }
        }
    }
}
