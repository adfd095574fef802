package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.client.ModelResolver;
import dev.slipway.client.RetryPolicy;
import dev.slipway.client.TrackingClient;
import dev.slipway.core.artifacts.ArtifactRepositories;
import dev.slipway.core.monitors.MonitorAction;
import dev.slipway.core.monitors.MonitorResult;
import dev.slipway.core.monitors.MonitorStatus;
import dev.slipway.core.predictions.PredictionQuery;
import dev.slipway.data.Repository;
import dev.slipway.models.evaluation.Metric;
import dev.slipway.models.examples.ChurnGenerator;
import dev.slipway.monitoring.DatasetSketch;
import dev.slipway.monitoring.MonitorDefinition;
import dev.slipway.pipeline.Pipeline;
import dev.slipway.pipeline.ReproResult;
import dev.slipway.server.ServerOptions;
import dev.slipway.server.SlipwayServer;
import dev.slipway.serving.LiveModels;
import dev.slipway.serving.LiveModelsOptions;
import dev.slipway.serving.ModelSpec;
import dev.slipway.serving.PredictionLogOptions;
import dev.slipway.serving.ServingOptions;
import dev.slipway.serving.ServingServer;
import dev.slipway.serving.SwapListener;
import dev.slipway.serving.TrackingPredictionLog;
import dev.slipway.ui.WebUi;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.BindException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code slipway demo}: the whole loop on one machine in about a minute. Creates the churn project (Git and DVC
 * repository), starts a tracking server on the project's embedded store, runs the pipeline against it, registers and
 * promotes the model as {@code slipway ci} does, serves it and sends it traffic; then sends shifted customers, runs
 * a monitor that finds the drift and retrains through {@code slipway ci} (whose gate decides whether the new model
 * replaces the champion), and prints what happened, where everything is and what to type next. The servers stop at
 * the end unless {@code --keep-running}.
 */
@Command(name = "demo", sortOptions = false, description = {"The end-to-end demo: a churn project with versioned "
        + "data, a pipeline run tracked by a server, a registered and promoted model, served and scored.",
        "Creates the project in DIR (default: a new temporary folder), starts the tracking server on port 5000 (or a "
                + "free one), runs prepare -> train -> evaluate, registers the model as 'churn' with the alias "
                + "'champion', serves it and sends it predictions; then the customers change, the monitor 'churn-drift' "
                + "finds the drift and retrains (slipway ci --promote), and the gate decides. Prints what happened "
                + "and what to open and type next."})
final class DemoCommand implements Callable<Integer> {
    static final String MODEL_NAME = "churn";
    static final String ALIAS = "champion";
    static final int PREDICTIONS = 300;
    private static final int STEPS = 8;
    static final String MONITOR_NAME = "churn-drift";
    /** How far the customers of the demo's second wave are shifted ({@code churn-data --drift}). */
    static final double DRIFT = 0.8;
    private static final long MAX_REQUEST_BYTES = 16L * 1024 * 1024;
    private static final Duration LOG_FLUSH_WAIT = Duration.ofSeconds(15);
    private static final String[] QUIET_LOGGERS = {"org.slf4j.simpleLogger.log." + SlipwayServer.class.getName(),
        "org.slf4j.simpleLogger.log.dev.slipway.serving.access", "org.slf4j.simpleLogger.log."
            + ServingServer.class.getName(), "org.slf4j.simpleLogger.log.dev.slipway.serving.LiveModels"};

    @Option(names = "--dir", paramLabel = "DIR",
            description = "The folder of the project, absent or empty (default: a new temporary folder).")
    Optional<Path> folder = Optional.empty();

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", defaultValue = "5000", description = "The tracking "
            + "server's port (default: ${DEFAULT-VALUE}; a free one when it is taken; 0 picks a free one).")
    int port;

    @Option(names = "--rows", paramLabel = "N", defaultValue = "3000",
            description = "Customers in the synthetic data (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--keep-running", description = "Leave the tracking and model servers running until Ctrl-C.")
    boolean keepRunning;

    @Spec
    CommandSpec spec;

    private final Environment environment;

    DemoCommand(Environment environment) {
        this.environment = requireNonNull(environment, "environment is null");
    }

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port must be between 0 and 65535, got " + port);
        }
        if (rows < 100) {
            throw new ParameterException(spec.commandLine(), "--rows must be at least 100, got " + rows);
        }
        for (String logger : QUIET_LOGGERS) {
            if (System.getProperty(logger) == null) {
                System.setProperty(logger, "warn");
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        long started = environment.clock().millis();

        // Ctrl-C while the demo builds interrupts this thread, which stops the stages' processes
        Interruption interruption = Interruption.watch(environment.stopSignal(), Thread.currentThread(),
                spec.qualifiedName(), spec.commandLine().getErr());
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            Path project = createProject(out);
            step(out, 2, "Starting the tracking server on the project's store (.slipway/slipway.db)");
            String trackingUri = startTrackingServer(project, resources, out);
            out.printf("      %s%n", trackingUri);
            TrackingClient client = TrackingClient.create(trackingUri);

            step(out, 3, "Running the pipeline prepare -> train -> evaluate (slipway repro), tracked by the server");
            ReproResult repro;
            try (Repository repository = Repository.open(project, environment.variables())) {
                Pipeline pipeline = Pipeline.load(project.resolve(Pipeline.FILE_NAME), repository.root(),
                        repository.config());
                Map<String, String> variables = new HashMap<>(environment.variables());
                variables.put(TrackingOptions.MLFLOW_TRACKING_URI, trackingUri);
                repro = PipelineRun.reproduce(client, repository, pipeline, variables, environment.clock(), out);
            }
            if (!repro.succeeded()) {
                throw new IllegalStateException("The demo's pipeline failed: " + PipelineRun.failures(repro));
            }

            step(out, 4, "Gating, registering and promoting the model (slipway ci --promote)");
            ModelRelease release = new ModelRelease(client, environment, new ModelRelease.Settings(MODEL_NAME, ALIAS,
                    Metric.ROC_AUC, 0, true, true, Optional.empty(), Optional.empty()));
            ModelRelease.Outcome outcome = release.release(project.resolve("model"), "model",
                    project.resolve("data/test.csv"), PipelineRun.gitCommit(project), out);
            Path report = project.resolve("ci-report.md");
            String markdown = release.report(outcome, "### Pipeline\n\n" + PipelineRun.summary(repro) + "\n");
            Files.writeString(report, markdown, StandardCharsets.UTF_8);
            release.attachReport(outcome, markdown);
            if (!outcome.promoted()) {
                throw new IllegalStateException("The model was not promoted; see " + report);
            }
            long version = outcome.registered().orElseThrow().version();

            step(out, 5, "Serving models:/" + MODEL_NAME + "@" + ALIAS);
            String servingUri = startServing(trackingUri, client, resources);
            out.printf("      %s/invocations%n", servingUri);

            step(out, 6, "Sending " + PREDICTIONS + " predictions from data/test.csv");
            DemoTraffic.Result traffic = DemoTraffic.send(servingUri, project.resolve("model"),
                    project.resolve("data/test.csv"), PREDICTIONS);
            out.printf("      %d answered (%d failed), %d customers predicted to churn, median %.1f ms%n",
                    traffic.answered(), traffic.failed(), traffic.churners(), traffic.medianMillis());
            long logged = waitForPredictionLog(client, traffic.answered());

            step(out, 7, "The customers change: sending " + PREDICTIONS + " predictions of shifted customers "
                    + "(churn-data --drift " + DRIFT + ")");
            Path shifted = project.resolve(".slipway/demo/shifted-customers.csv");
            Files.createDirectories(shifted.getParent());
            try (Writer writer = Files.newBufferedWriter(shifted, StandardCharsets.UTF_8)) {
                new ChurnGenerator(7, DRIFT).write(writer, PREDICTIONS);
            }
            DemoTraffic.Result drifted = DemoTraffic.send(servingUri, project.resolve("model"), shifted, PREDICTIONS);
            out.printf("      %d answered (%d failed), %d customers predicted to churn%n", drifted.answered(),
                    drifted.failed(), drifted.churners());
            logged = waitForPredictionLog(client, traffic.answered() + drifted.answered());
            // the pipeline's own data now comes from the changed customers too, so a retrained model learns them
            Path params = project.resolve("params.yaml");
            Files.writeString(params, Files.readString(params).replaceFirst("(?m)^(\\s+drift:\\s*)[0-9.]+",
                    "$1" + DRIFT));

            step(out, 8, "Monitor " + MONITOR_NAME + ": the latest " + PREDICTIONS + " predictions against the "
                    + "training data; on dataset drift, retrain (slipway ci --promote)");
            MonitorEvaluator.Evaluation evaluation = runMonitor(client, project, out);

            double seconds = (environment.clock().millis() - started) / 1000.0;
            long champion = client.registry().getModelVersionByAlias(MODEL_NAME, ALIAS).version();
            printSummary(out, project, trackingUri, servingUri, version, outcome, report, traffic,
                    traffic.answered() + drifted.answered(), logged, seconds, evaluation, champion);
            interruption.finish();
            if (keepRunning) {
                out.println("The servers are running; press Ctrl-C to stop them.");
                out.flush();
                CountDownLatch stopped = new CountDownLatch(1);
                environment.stopSignal().onStop(stopped::countDown);
                stopped.await();
            }
        } catch (Exception | Error e) {
            if (interruption.requested()) {
                throw new Interruption.InterruptedCommandException(e);
            }
            throw e;
        } finally {
            interruption.finish();
            Collections.reverse(resources);
            BackendServices.closeInOrder(resources, "Stopping the demo's servers failed");
        }
        out.flush();
        return 0;
    }

    private void step(PrintWriter out, int number, String text) {
        out.printf("[%d/%d] %s%n", number, STEPS, text);
        out.flush();
    }

    /** The project folder with the churn template, fewer rows, a Git repository with one commit, and DVC. */
    private Path createProject(PrintWriter out) throws IOException, GitAPIException {
        Path project;
        if (folder.isPresent()) {
            project = environment.resolve(folder.get().toString());
            if (Files.exists(project)) {
                if (!Files.isDirectory(project)) {
                    throw new ParameterException(spec.commandLine(), "--dir " + project + " is a file");
                }
                try (Stream<Path> entries = Files.list(project)) {
                    if (entries.findAny().isPresent()) {
                        throw new ParameterException(spec.commandLine(), "--dir " + project + " is not empty; give "
                                + "a new or empty folder");
                    }
                }
            }
        } else {
            project = Files.createTempDirectory("slipway-demo-");
        }
        step(out, 1, "Creating the churn project in " + project + " (git init, slipway data init)");
        ExampleProject.CHURN.copyTo(project);
        Path params = project.resolve("params.yaml");
        Files.writeString(params, Files.readString(params).replaceFirst("(?m)^(\\s+rows:\\s*)\\d+", "$1" + rows));
        Files.writeString(project.resolve(".gitignore"), "/.slipway/\n/ci-report.md\n");
        try (Git git = Git.init().setDirectory(project.toFile()).setInitialBranch("main").call()) {
            Repository.init(project, false).close();
            git.add().addFilepattern(".").call();
            PersonIdent demo = new PersonIdent("Slipway demo", "demo@slipway.invalid");
            git.commit().setMessage("Churn project from slipway demo").setAuthor(demo).setCommitter(demo)
                    .setSign(false).call();
        }
        return project;
    }

    /** The tracking server on the project's embedded store, on --port or, when that is taken, a free port. */
    private String startTrackingServer(Path project, List<AutoCloseable> resources, PrintWriter out) {
        Backends backends = Backends.discover();
        ArtifactRepositories artifacts = backends.artifactRepositories(
                Optional.of(LocalStore.artifacts(project).toString()));
        BackendServices services = BackendServices.open(backends, LocalStore.databaseUri(project),
                ArtifactRepositories.PROXY_SCHEME + ":/", environment.clock());
        resources.add(services);
        SlipwayServer server;
        try {
            server = SlipwayServer.start(serverOptions(port, services, artifacts));
        } catch (RuntimeException e) {
            if (port == 0 || !isBindFailure(e)) {
                throw e;
            }
            out.printf("      port %d is taken; using a free port%n", port);
            server = SlipwayServer.start(serverOptions(0, services, artifacts));
        }
        resources.add(server);
        return "http://127.0.0.1:" + server.port();
    }

    private ServerOptions serverOptions(int port, BackendServices services, ArtifactRepositories artifacts) {
        return new ServerOptions("127.0.0.1", port, services.tracking(), services.registry(), services.loggedModels(),
                services.predictionLog(), artifacts, true, List.of(), MAX_REQUEST_BYTES, VersionProvider.version(),
                List.of(new WebUi(services.uiServices(artifacts, environment))));
    }

    private static boolean isBindFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    /** Serves the champion on a free port, logging predictions to the tracking server. */
    private String startServing(String trackingUri, TrackingClient client, List<AutoCloseable> resources)
            throws IOException {
        Path downloads = Files.createTempDirectory("slipway-demo-serve-");
        resources.add(() -> ModelResolver.deleteDownload(downloads));
        LiveModels models = LiveModels.start(List.of(ModelSpec.of("models:/" + MODEL_NAME + "@" + ALIAS)),
                new LiveModelsOptions(Optional.of(client), downloads, 1, Optional.of(Duration.ofSeconds(30)),
                        environment.clock(), new SwapListener() {}));
        resources.add(models);
        TrackingPredictionLog predictionLog = TrackingPredictionLog.start(
                TrackingClient.create(trackingUri, RetryPolicy.none()).predictions(), PredictionLogOptions.defaults());
        resources.add(predictionLog);
        ServingServer server = ServingServer.start(ServingOptions.of("127.0.0.1", 0, models, predictionLog,
                VersionProvider.version()));
        resources.add(server::stop);
        return "http://127.0.0.1:" + server.port();
    }

    /**
     * Creates the demo's monitor (the latest predictions against the training data, retraining on dataset drift)
     * and evaluates it now, as the server's scheduler would, printing what it found and did.
     */
    private MonitorEvaluator.Evaluation runMonitor(TrackingClient client, Path project, PrintWriter out)
            throws IOException {
        MonitoredModel champion = MonitoredModel.resolve(client, "models:/" + MODEL_NAME + "@" + ALIAS);
        DatasetSketch reference = ReferenceSketches.fromCsv(project.resolve("data/train.csv"), champion);
        new ReferenceSketches(client).store(champion, reference);
        out.printf("      reference: data/train.csv (%d rows), as 'slipway monitor reference' sets it%n",
                reference.rows());
        ObjectNode definition = TrackingCommand.json().createObjectNode();
        definition.put("name", MONITOR_NAME);
        definition.put("model", "models:/" + MODEL_NAME + "@" + ALIAS);
        definition.put("rows", PREDICTIONS);
        ObjectNode rule = definition.putArray("alerts").addObject();
        rule.put("when", "dataset_drift");
        rule.putObject("retrain").put("project", project.toString());
        MonitorDefinition monitor = MonitorDefinition.fromJson(TrackingCommand.json()
                .readTree(client.monitors().create(definition, true).definitionJson()));
        AlertActions actions = new AlertActions(client, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .build(), environment.clock(), project, environment.variables(), Duration.ofMinutes(10));
        MonitorEvaluator.Evaluation evaluation = new MonitorEvaluator(client, environment.clock(), actions)
                .evaluate(monitor);
        MonitorResult result = evaluation.result();
        JsonNode report = TrackingCommand.json().readTree(result.reportJson());
        if (result.status() == MonitorStatus.ERROR || result.status() == MonitorStatus.NOT_ENOUGH_DATA) {
            throw new IllegalStateException("The demo's monitor could not compare the predictions: "
                    + report.path("error").asText(report.path("not_enough_data").asText()));
        }
        List<String> driftedFeatures = new ArrayList<>();
        report.path("features").forEach(feature -> {
            if (feature.path("drifted").asBoolean(false)) {
                driftedFeatures.add(feature.path("name").asText() + " (" + feature.path("method").asText() + ")");
            }
        });
        out.printf(Locale.ROOT, "      %d of %d features drifted (%.0f%%): %s%n", driftedFeatures.size(),
                report.path("features").size(), 100 * result.driftShare().orElse(0.0),
                driftedFeatures.isEmpty() ? "none" : String.join(", ", driftedFeatures));
        if (evaluation.firings().isEmpty()) {
            out.println("      no alert: the dataset did not drift, so nothing was retrained");
        }
        for (MonitorEvaluator.Firing firing : evaluation.firings()) {
            out.printf("      alert %s fired: %s%n", firing.rule().describe(), firing.cause());
        }
        for (MonitorAction action : evaluation.actions()) {
            out.printf("      %s: %s%n", action.kind(), action.succeeded()
                    ? action.detail().lines().findFirst().orElse("") : "FAILED: " + action.detail());
        }
        return evaluation;
    }

    /** Waits (bounded) until the prediction log has stored the answered rows; returns how many the server holds. */
    private long waitForPredictionLog(TrackingClient client, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + LOG_FLUSH_WAIT.toNanos();
        long stored = 0;
        while (System.nanoTime() < deadline) {
            stored = client.predictions().count(PredictionQuery.of(MODEL_NAME));
            if (stored >= expected) {
                break;
            }
            Thread.sleep(200);
        }
        return stored;
    }

    private void printSummary(PrintWriter out, Path project, String trackingUri, String servingUri, long version,
            ModelRelease.Outcome outcome, Path report, DemoTraffic.Result traffic, long served, long logged,
            double seconds, MonitorEvaluator.Evaluation evaluation, long champion) {
        String bin = project.resolve(PipelineRun.LAUNCHER_FOLDER).toString();
        String auc = outcome.candidate().metric(Metric.ROC_AUC)
                .map(value -> String.format(Locale.ROOT, "%.4f", value)).orElse("n/a");
        out.println();
        out.printf(Locale.ROOT, "Demo finished in %.1f s.%n%n", seconds);
        out.printf("  Project          %s (Git + DVC: dvc.yaml, params.yaml, dvc.lock, data/, model/)%n", project);
        out.printf("  Tracking server  %s (store %s)%n", trackingUri, LocalStore.database(project));
        out.printf("  Web UI           %s/ (runs, charts, the registry, lineage, the monitor)%n", trackingUri);
        out.printf("  Model            models:/%s@%s = models:/%s/%d (roc_auc %s on the test data)%n", MODEL_NAME,
                ALIAS, MODEL_NAME, version, auc);
        out.printf("  CI report        %s%n", report);
        out.printf("  Model server     %s/invocations (%d predictions served, %d in the prediction log)%n",
                servingUri, served, logged);
        out.printf("  Monitor          %s: %s; %d action(s) taken; models:/%s@%s is now version %d%s%n",
                MONITOR_NAME, evaluation.result().status().wireName(), evaluation.actions().size(), MODEL_NAME, ALIAS,
                champion, champion == version ? "" : " (the model server swaps to it within 30 s)");
        out.println();
        out.println(keepRunning ? "Try it:" : "Try it (with --keep-running, while the servers run):");
        out.printf("  open %s/monitoring/%s%n", trackingUri, MONITOR_NAME);
        out.printf("  curl -s %s/invocations -H 'Content-Type: application/json' \\%n      -d '%s'%n", servingUri,
                traffic.exampleRequest());
        out.printf("  curl -s '%s/api/2.0/mlflow/registered-models/alias?name=%s&alias=%s'%n", trackingUri,
                MODEL_NAME, ALIAS);
        out.println();
        out.println("What to type next:");
        out.printf("  cd %s%n", project);
        out.printf("  export PATH=\"%s:$PATH\"          # 'slipway' is this Slipway%n", bin);
        if (keepRunning) {
            out.printf("  export MLFLOW_TRACKING_URI=%s%n", trackingUri);
        } else {
            out.println("  # without MLFLOW_TRACKING_URI the commands use the project's store .slipway/slipway.db");
        }
        out.println("  slipway models list                  # the registry: churn and its @champion");
        out.println("  slipway runs list                    # the training and release runs");
        out.println("  slipway exp run -S train.max_depth=6 # an experiment with changed params");
        out.println("  slipway ci --model churn --promote   # retrain, gate against @champion, promote if better");
        out.println("  slipway monitor show " + MONITOR_NAME + "      # the monitor's results; 'monitor actions' what it did");
        out.println("  slipway monitor report -m models:/churn@champion --last 300 --output drift.html");
        out.println("  slipway serve -m models:/churn@champion --port 8080");
        if (!keepRunning) {
            out.println("  slipway server                       # the tracking server on this store, at :5000");
        }
        out.flush();
    }
}
