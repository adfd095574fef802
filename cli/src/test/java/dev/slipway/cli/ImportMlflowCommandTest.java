package dev.slipway.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.slipway.client.ArtifactListing;
import dev.slipway.client.RegistryClient;
import dev.slipway.client.TrackingClient;
import dev.slipway.core.artifacts.ArtifactRepositories;
import dev.slipway.core.artifacts.FileInfo;
import dev.slipway.core.logged.LoggedModel;
import dev.slipway.core.logged.LoggedModelStatus;
import dev.slipway.core.registry.ModelAlias;
import dev.slipway.core.registry.ModelVersion;
import dev.slipway.core.registry.ModelVersionStage;
import dev.slipway.core.registry.ModelVersionStatus;
import dev.slipway.core.registry.NewModelVersion;
import dev.slipway.core.registry.RegisteredModel;
import dev.slipway.core.tracking.Dataset;
import dev.slipway.core.tracking.DatasetInput;
import dev.slipway.core.tracking.Experiment;
import dev.slipway.core.tracking.LifecycleStage;
import dev.slipway.core.tracking.Metric;
import dev.slipway.core.tracking.Page;
import dev.slipway.core.tracking.Param;
import dev.slipway.core.tracking.Run;
import dev.slipway.core.tracking.RunStatus;
import dev.slipway.core.tracking.Tag;
import dev.slipway.core.tracking.ViewType;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code slipway import-mlflow} from a real Slipway server (which speaks MLflow's REST API) seeded through the Java
 * client: everything arrives field by field, a second import duplicates nothing, and an import interrupted (Ctrl-C,
 * or a crash between creating a run and recording it) continues cleanly.
 */
class ImportMlflowCommandTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final int STEPS = 300;
    private static final int BINARY_SIZE = 3 * 1024 * 1024 + 17;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path sourceFolder;

    @TempDir
    Path folder;

    private static RunningServer source;
    private static Snapshot expected;
    private static long sourceMetricPoints;

    @BeforeAll
    static void startAndSeedTheSource() throws IOException {
        source = RunningServer.onFolder(sourceFolder);
        TrackingClient client = source.client();
        sourceMetricPoints = seed(client, sourceFolder.resolve("file-store"));
        expected = Snapshot.of(client);
    }

    @AfterAll
    static void stopTheSource() {
        if (source != null) {
            source.stop();
        }
    }

    @Test
    void importCopiesEverythingFieldByFieldAndASecondImportDuplicatesNothing() throws Exception {
        try (RunningServer destination = RunningServer.onFolder(Files.createDirectories(folder.resolve("dest")))) {
            CliRun first = importInto(destination, "--json");

            assertThat(first.exitCode()).as(first.toString()).isZero();
            JsonNode summary = JSON.readTree(first.out());
            assertThat(summary.path("complete").asBoolean()).isTrue();
            assertThat(summary.path("experiments").path("created").asInt()).isEqualTo(3);
            assertThat(summary.path("experiments").path("merged").asInt()).as("Default").isEqualTo(1);
            assertThat(summary.path("runs").path("imported").asInt()).isEqualTo(6);
            assertThat(summary.path("metric_points").asLong()).isEqualTo(sourceMetricPoints);
            assertThat(summary.path("artifacts").path("files").asInt()).as("incl. the logged model's").isEqualTo(9);
            assertThat(summary.path("artifacts").path("bytes").asLong()).isGreaterThan(BINARY_SIZE);
            assertThat(summary.path("registered_models").path("created").asInt()).isEqualTo(1);
            assertThat(summary.path("model_versions").path("imported").asInt()).isEqualTo(3);
            assertThat(summary.path("warnings")).isEmpty();
            assertThat(Snapshot.of(destination.client())).usingRecursiveComparison().isEqualTo(expected);
            assertDestinationSpecifics(destination.client());

            CliRun second = importInto(destination);

            assertThat(second.exitCode()).as(second.toString()).isZero();
            // the run still running on the source is brought up to date; everything else was imported before
            assertThat(second.out()).containsPattern("runs\\s+1\\s+5").containsPattern("model versions\\s+0\\s+3")
                    .contains("Import complete");
            assertThat(Snapshot.of(destination.client())).usingRecursiveComparison().isEqualTo(expected);
            assertThat(allRuns(destination.client())).hasSize(6);
        }
    }

    @Test
    void ctrlCInTheMiddleOfARunThenRerunCompletesItWithoutDuplicates() throws Exception {
        Path work = Files.createDirectories(folder.resolve("work"));
        ManualStopSignal stopSignal = new ManualStopSignal();
        Environment environment = new Environment(Map.of(), work, Clock.systemUTC(), ZoneOffset.UTC, stopSignal);
        String bigRun = runId(source.client(), "churn", "train");
        // Ctrl-C while the import waits for the big file of that run: created in the destination, far from complete
        try (ForwardingProxy proxy = ForwardingProxy.start(source.uri(),
                request -> request.startsWith("GET ") && request.contains(bigRun) && request.contains("model.bin"),
                stopSignal::fire)) {
            Path journal = work.resolve(".slipway/import-mlflow/127.0.0.1-" + proxy.port() + ".jsonl");
            StringWriter err = new StringWriter();
            CommandLine commandLine = Main.commandLine(environment);
            commandLine.setOut(new PrintWriter(new StringWriter(), true));
            commandLine.setErr(new PrintWriter(err, true));
            int exitCode = commandLine.execute("import-mlflow", "--from", proxy.uri(), "--no-progress");
            // the stop signal interrupted this thread, which ran the command
            assertThat(Thread.interrupted()).isTrue();
            // the stop action prints once the command has unwound
            proxy.actionDone().get(30, TimeUnit.SECONDS);

            assertThat(exitCode).as(err.toString()).isEqualTo(Interruption.EXIT_INTERRUPTED);
            assertThat(err.toString()).contains("slipway import-mlflow: interrupted. What was copied is recorded in "
                    + journal + "; run the same command again to continue.");
            assertThat(read(journal)).contains("\"source\":\"" + bigRun + "\",\"event\":\"created\"")
                    .doesNotContain("\"source\":\"" + bigRun + "\",\"event\":\"done\"");

            CliRun resumed = CliRun.run(CliRun.environment(work, Map.of()), "import-mlflow", "--from", proxy.uri(),
                    "--no-progress");

            assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
            assertThat(resumed.out()).contains("Import complete");
        }
        try (RunningServer local = RunningServer.start(work)) {
            assertThat(Snapshot.of(local.client())).usingRecursiveComparison().isEqualTo(expected);
            assertThat(allRuns(local.client())).hasSize(6);
            assertDestinationSpecifics(local.client());
        }
    }

    @Test
    void aRunCreatedButNotRecordedBeforeACrashIsAdoptedAndCompleted() throws Exception {
        try (RunningServer destination = RunningServer.onFolder(Files.createDirectories(folder.resolve("dest")))) {
            Path journal = folder.resolve("state.jsonl");
            CliRun slice = importInto(destination, "--state-file", journal.toString(), "--max-runs", "1");
            assertThat(slice.exitCode()).as(slice.toString()).isZero();
            assertThat(slice.out()).contains("Stopped after 1 runs (--max-runs)");

            // what a crash leaves: the run created with its source tag and partly written, the journal saying only
            // "creating", and a torn last line
            TrackingClient client = destination.client();
            String sourceRunId = runId(source.client(), "churn", "fold-2");
            String experimentId = client.getExperimentByName("churn").experimentId();
            String partial = client.createRun(Optional.of(experimentId), Optional.of("alice"), Optional.of("fold-2"),
                    Optional.of(T0 + 2), List.of(new Tag(MlflowImport.SOURCE_RUN_TAG, sourceRunId))).info().runId();
            List<Metric> firstPoints = new ArrayList<>();
            for (int step = 0; step < 10; step++) {
                firstPoints.add(new Metric("loss", 2 + step / 100.0, T0 + step, step));
            }
            client.logBatch(partial, firstPoints, List.of(new Param("fold", "2")), List.of());
            client.logArtifact(partial, "model/MLmodel", "half-written".getBytes(UTF_8));
            Files.writeString(journal, "{\"kind\":\"run\",\"source\":\"" + sourceRunId + "\",\"event\":\"creating\"}\n"
                    + "{\"kind\":\"run\",\"sou", StandardOpenOption.APPEND);

            CliRun resumed = importInto(destination, "--state-file", journal.toString());

            assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
            assertThat(Snapshot.of(client)).usingRecursiveComparison().isEqualTo(expected);
            assertThat(allRuns(client)).hasSize(6);
            assertThat(runId(client, "churn", "fold-2")).as("the partly written run is the copy").isEqualTo(partial);
        }
    }

    @Test
    void filtersImportOnlyTheNamedExperimentsAndModels() throws Exception {
        try (RunningServer destination = RunningServer.onFolder(Files.createDirectories(folder.resolve("dest")))) {
            String fileStoreId = source.client().getExperimentByName("file-store").experimentId();
            CliRun run = importInto(destination, "--experiments", "churn," + fileStoreId, "--models", "churn-model",
                    "--json");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            TrackingClient client = destination.client();
            assertThat(client.searchExperiments(ViewType.ALL, Optional.empty(), List.of(), Optional.empty(),
                    Optional.empty()).items()).extracting(Experiment::name)
                    .containsExactlyInAnyOrder("Default", "churn", "file-store");
            assertThat(Snapshot.of(client).models()).isEqualTo(expected.models());

            CliRun unknown = importInto(destination, "--experiments", "nope");
            assertThat(unknown.exitCode()).isEqualTo(Main.EXIT_FAILURE);
            assertThat(unknown.err()).contains("No experiment with the name or id 'nope'");
        }
    }

    @Test
    void aLaterImportCopiesNewVersionsAndLeavesChangesMadeInTheDestinationAlone() throws IOException {
        RegistryClient sourceRegistry = source.client().registry();
        sourceRegistry.createRegisteredModel("sync-model", Optional.of("from MLflow"), List.of());
        try (RunningServer destination = RunningServer.onFolder(Files.createDirectories(folder.resolve("dest")))) {
            sourceRegistry.createModelVersion(version("sync-model", "s3://models/sync/1"));
            sourceRegistry.setAlias("sync-model", "live", 1);
            assertThat(importInto(destination, "--experiments", "Default", "--models", "sync-model").exitCode())
                    .isZero();
            RegistryClient registry = destination.client().registry();
            registry.updateRegisteredModel("sync-model", Optional.of("edited in Slipway"));
            registry.setAlias("sync-model", "mine", 1);
            sourceRegistry.createModelVersion(version("sync-model", "s3://models/sync/2"));
            sourceRegistry.createModelVersion(version("sync-model", "s3://models/sync/3"));
            sourceRegistry.deleteModelVersion("sync-model", 2);
            sourceRegistry.setAlias("sync-model", "live", 3);

            CliRun later = importInto(destination, "--experiments", "Default", "--models", "sync-model");

            assertThat(later.exitCode()).as(later.toString()).isZero();
            assertThat(registry.searchAllModelVersions(Optional.of("name = 'sync-model'"), List.of()))
                    .extracting(ModelVersion::version, ModelVersion::source)
                    .containsExactlyInAnyOrder(tuple(1L, "s3://models/sync/1"),
                            tuple(3L, "s3://models/sync/3"));
            RegisteredModel model = registry.getRegisteredModel("sync-model");
            assertThat(model.description()).contains("edited in Slipway");
            assertThat(model.aliases()).containsExactlyInAnyOrder(new ModelAlias("live", 3), new ModelAlias("mine", 1));
        } finally {
            sourceRegistry.deleteRegisteredModel("sync-model");
        }
    }

    private static NewModelVersion version(String name, String source) {
        return new NewModelVersion(name, source, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of());
    }

    @Test
    void anUnreachableSourceFailsWithAClearMessage() {
        String nowhere = "http://127.0.0.1:" + RunningServer.freePort();

        CliRun run = CliRun.run(CliRun.environment(folder, Map.of()), "import-mlflow", "--from", nowhere);

        assertThat(run.exitCode()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(run.err()).contains("Cannot read the source " + nowhere).contains("Cannot connect")
                .doesNotContain("Exception");
        assertThat(folder.resolve(".slipway/import-mlflow")).doesNotExist();
    }

    @Test
    void credentialsForTheSourceComeFromTheOptionOrMlflowsVariables() throws IOException {
        List<String> authorizations = new CopyOnWriteArrayList<>();
        HttpServer guarded = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        guarded.createContext("/", exchange -> {
            String authorization = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization"))
                    .orElse("");
            authorizations.add(authorization);
            boolean allowed = authorization.equals("Bearer s3cret")
                    || authorization.equals("Basic " + Base64.getEncoder().encodeToString("ann:pw".getBytes(UTF_8)));
            byte[] body = (allowed ? "{}" : "{\"error_code\": \"UNAUTHENTICATED\", \"message\": \"No credentials\"}")
                    .getBytes(UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(allowed ? 200 : 401, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        guarded.start();
        try {
            String from = "http://127.0.0.1:" + guarded.getAddress().getPort();

            CliRun anonymous = CliRun.run(CliRun.environment(folder, Map.of()), "import-mlflow", "--from", from);
            CliRun token = CliRun.run(CliRun.environment(folder, Map.of()), "import-mlflow", "--from", from,
                    "--from-token", "s3cret", "--json");
            CliRun tokenVariable = CliRun.run(CliRun.environment(folder, Map.of("MLFLOW_TRACKING_TOKEN", "s3cret")),
                    "import-mlflow", "--from", from, "--json");
            CliRun basic = CliRun.run(CliRun.environment(folder, Map.of("MLFLOW_TRACKING_USERNAME", "ann",
                    "MLFLOW_TRACKING_PASSWORD", "pw")), "import-mlflow", "--from", from, "--json");

            assertThat(anonymous.exitCode()).isEqualTo(Main.EXIT_FAILURE);
            assertThat(anonymous.err()).contains("No credentials").contains("--from-token");
            assertThat(token.exitCode()).as(token.toString()).isZero();
            assertThat(tokenVariable.exitCode()).as(tokenVariable.toString()).isZero();
            assertThat(basic.exitCode()).as(basic.toString()).isZero();
            assertThat(JSON.readTree(basic.out()).path("complete").asBoolean()).isTrue();
            assertThat(authorizations).contains("", "Bearer s3cret", "Basic YW5uOnB3");
        } finally {
            guarded.stop(0);
        }
    }

    @Test
    void theSourceItselfIsRefusedAsTheDestination() {
        CliRun run = CliRun.run(CliRun.environment(folder, Map.of(TrackingOptions.MLFLOW_TRACKING_URI, source.uri())),
                "import-mlflow", "--from", source.uri().replace("127.0.0.1", "localhost") + "/");

        assertThat(run.exitCode()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(run.err()).contains("is the source itself").contains("--tracking-uri");
    }

    @Test
    void aModelThatAlreadyExistsInTheDestinationStopsTheImportBeforeAnythingIsWritten() {
        try (RunningServer destination = RunningServer.onFolder(folder)) {
            destination.client().registry().createRegisteredModel("churn-model", Optional.empty(), List.of());

            CliRun run = importInto(destination);

            assertThat(run.exitCode()).isEqualTo(Main.EXIT_FAILURE);
            assertThat(run.err()).contains("already has registered models named 'churn-model'");
            assertThat(allRuns(destination.client())).isEmpty();
        }
    }

    private CliRun importInto(RunningServer destination, String... extra) {
        List<String> args = new ArrayList<>(List.of("import-mlflow", "--from", source.uri(), "--tracking-uri",
                destination.uri(), "--no-progress"));
        args.addAll(List.of(extra));
        return CliRun.run(CliRun.environment(folder, Map.of()), args.toArray(String[]::new));
    }

    /** What the comparison by names cannot see: new ids, the destination's artifact locations, rewritten sources. */
    private static void assertDestinationSpecifics(TrackingClient client) {
        Experiment churn = client.getExperimentByName("churn");
        assertThat(churn.artifactLocation()).isEqualTo("mlflow-artifacts:/" + churn.experimentId());
        Run train = client.getRun(runId(client, "churn", "train"));
        assertThat(train.info().artifactUri()).startsWith("mlflow-artifacts:/" + churn.experimentId() + "/");
        assertThat(train.info().runId()).isNotEqualTo(runId(source.client(), "churn", "train"));
        Run child = client.getRun(runId(client, "churn", "fold-1"));
        assertThat(child.tags()).contains(new Tag("mlflow.parentRunId", train.info().runId()));
        ModelVersion first = client.registry().getModelVersion("churn-model", 1);
        assertThat(first.runId()).contains(train.info().runId());
        assertThat(first.source()).isEqualTo(train.info().artifactUri() + "/model");
        assertThat(client.registry().getModelVersionByAlias("churn-model", "champion").version()).isEqualTo(3);
        ModelVersion fromLoggedModel = client.registry().getModelVersion("churn-model", 4);
        String modelId = fromLoggedModel.modelId().orElseThrow();
        assertThat(fromLoggedModel.source()).isEqualTo("models:/" + modelId);
        assertThat(client.loggedModels().getLoggedModel(modelId).info().experimentId())
                .isEqualTo(churn.experimentId());
    }

    // ---- the source's content ------------------------------------------------------------------

    /** @return the number of metric points logged */
    private static long seed(TrackingClient client, Path fileStore) throws IOException {
        long points = 0;
        String churn = client.createExperiment("churn", Optional.empty(),
                List.of(new Tag("team", "risk"), new Tag("mlflow.note.content", "Churn models\nsecond line")));
        Run train = client.createRun(Optional.of(churn), Optional.of("alice"), Optional.of("train"), Optional.of(T0),
                List.of(new Tag("mlflow.source.name", "train.py"), new Tag("mlflow.source.git.commit", "abc123")));
        String trainId = train.info().runId();
        List<Metric> history = new ArrayList<>();
        for (int step = 0; step < STEPS; step++) {
            history.add(new Metric("loss", 1.0 / (step + 1), T0 + step * 10L, step));
            if (step % 10 == 0) {
                history.add(new Metric("val/accuracy", 0.5 + step / 1000.0, T0 + step * 10L + 1, step));
            }
        }
        // two points at the same step, as a retried epoch logs them
        history.add(new Metric("loss", 0.25, T0 + 99_999, 7));
        points += logMetrics(client, trainId, history);
        List<Param> params = new ArrayList<>();
        for (int index = 0; index < 120; index++) {
            params.add(new Param("feature_" + index, String.valueOf(index % 7)));
        }
        params.add(new Param("empty", ""));
        client.logBatch(trainId, List.of(), params.subList(0, 100), List.of());
        client.logBatch(trainId, List.of(), params.subList(100, params.size()), List.of(new Tag("stage", "tuning")));
        client.setTag(trainId, new Tag("mlflow.log-model.history",
                "[{\"run_id\": \"" + trainId + "\", \"artifact_path\": \"model\"}]"));
        client.logInputs(trainId, List.of(new DatasetInput(List.of(new Tag("mlflow.data.context", "training")),
                new Dataset("customers", "d1g3st", "local", "{\"uri\": \"data/customers.csv\"}",
                        Optional.of("{\"mlflow_colspec\": []}"), Optional.of("{\"num_rows\": 5000}")))));
        byte[] binary = new byte[BINARY_SIZE];
        new Random(7).nextBytes(binary);
        client.logArtifact(trainId, "model/model.bin", binary);
        client.logArtifact(trainId, "model/MLmodel", "flavors:\n  onnx: {}\n".getBytes(UTF_8));
        client.logArtifact(trainId, "plots/deep/roc.json", "{\"auc\": 0.91}".getBytes(UTF_8));
        client.logArtifact(trainId, "summary.txt", "fine".getBytes(UTF_8));
        client.endRun(trainId, RunStatus.FINISHED, T0 + 60_000);

        for (int fold = 1; fold <= 2; fold++) {
            String childId = client.createRun(Optional.of(churn), Optional.of("alice"), Optional.of("fold-" + fold),
                    Optional.of(T0 + fold), List.of(new Tag("mlflow.parentRunId", trainId))).info().runId();
            List<Metric> foldHistory = new ArrayList<>();
            for (int step = 0; step < 150; step++) {
                foldHistory.add(new Metric("loss", fold + step / 100.0, T0 + step, step));
            }
            points += logMetrics(client, childId, foldHistory);
            client.logParam(childId, new Param("fold", String.valueOf(fold)));
            client.logArtifact(childId, "model/MLmodel", ("fold " + fold).getBytes(UTF_8));
            client.endRun(childId, fold == 1 ? RunStatus.FINISHED : RunStatus.FAILED, T0 + 30_000 + fold);
        }
        String deletedChild = client.createRun(Optional.of(churn), Optional.of("bob"), Optional.of("discarded"),
                Optional.of(T0 + 5), List.of(new Tag("mlflow.parentRunId", trainId))).info().runId();
        points += logMetrics(client, deletedChild, List.of(new Metric("loss", 9.0, T0 + 5, 0)));
        client.endRun(deletedChild, RunStatus.KILLED, T0 + 6);
        client.deleteRun(deletedChild);

        // a run still running, in an experiment whose artifacts the server reads from a folder (not the proxy)
        String fileStoreId = client.createExperiment("file-store", Optional.of(fileStore.toUri().toString()),
                List.of());
        Run running = client.createRun(Optional.of(fileStoreId), Optional.of("carol"), Optional.of("still-running"),
                Optional.of(T0 + 100), List.of());
        points += logMetrics(client, running.info().runId(), List.of(new Metric("rmse", 3.5, T0 + 100, 0)));
        Path artifacts = Path.of(java.net.URI.create(running.info().artifactUri()));
        Files.createDirectories(artifacts.resolve("data"));
        Files.writeString(artifacts.resolve("data/sample.csv"), "a,b\n1,2\n");

        String retired = client.createExperiment("retired", Optional.empty(), List.of(new Tag("reason", "old")));
        String old = client.createRun(Optional.of(retired), Optional.of("dave"), Optional.of("old-run"),
                Optional.of(T0 - 1000), List.of()).info().runId();
        client.logParam(old, new Param("alpha", "1"));
        client.endRun(old, RunStatus.FINISHED, T0 - 500);
        client.deleteExperiment(retired);

        RegistryClient registry = client.registry();
        registry.createRegisteredModel("churn-model", Optional.of("Predicts churn"), List.of(new Tag("owner", "risk")));
        String trainArtifacts = client.getRun(trainId).info().artifactUri();
        registry.createModelVersion(new NewModelVersion("churn-model", trainArtifacts + "/model", Optional.of(trainId),
                Optional.empty(), Optional.of("first"), Optional.empty(), List.of(new Tag("validated", "true"))));
        registry.createModelVersion(new NewModelVersion("churn-model", trainArtifacts + "/model", Optional.of(trainId),
                Optional.empty(), Optional.empty(), Optional.empty(), List.of()));
        String foldId = runId(client, "churn", "fold-1");
        registry.createModelVersion(new NewModelVersion("churn-model", "runs:/" + foldId + "/model",
                Optional.of(foldId), Optional.empty(), Optional.of("third"), Optional.empty(), List.of()));
        // an MLflow 3 logged model of the training run, registered as version 4
        LoggedModel logged = client.loggedModels().createLoggedModel(churn, Optional.of("churn-onnx"),
                Optional.of("onnx"), Optional.of(trainId), List.of(new Param("opset", "17")),
                List.of(new Tag("framework", "tribuo")));
        String loggedFolder = ArtifactRepositories.proxyPath(logged.info().artifactUri());
        client.uploadArtifact(loggedFolder + "/MLmodel", "flavors:\n  onnx: {}\n".getBytes(UTF_8));
        client.uploadArtifact(loggedFolder + "/data/model.onnx", binary);
        client.loggedModels().finalizeLoggedModel(logged.info().modelId(), LoggedModelStatus.READY);
        registry.createModelVersion(new NewModelVersion("churn-model", "models:/" + logged.info().modelId(),
                Optional.of(trainId), Optional.empty(), Optional.of("from a logged model"), Optional.empty(),
                List.of(), Optional.of(logged.info().modelId())));
        registry.deleteModelVersion("churn-model", 2);
        registry.transitionModelVersionStage("churn-model", 1, ModelVersionStage.ARCHIVED, false);
        registry.transitionModelVersionStage("churn-model", 3, ModelVersionStage.PRODUCTION, false);
        registry.setAlias("churn-model", "champion", 3);
        registry.setAlias("churn-model", "previous", 1);
        return points;
    }

    private static long logMetrics(TrackingClient client, String runId, List<Metric> metrics) {
        for (int from = 0; from < metrics.size(); from += 1000) {
            client.logBatch(runId, metrics.subList(from, Math.min(metrics.size(), from + 1000)), List.of(), List.of());
        }
        return metrics.size();
    }

    // ---- comparing two servers -----------------------------------------------------------------

    /** Everything a server holds, with ids replaced by names so that two servers compare equal. */
    record Snapshot(Map<String, ExperimentSnapshot> experiments, Map<String, ModelSnapshot> models) {
        static Snapshot of(TrackingClient client) {
            Map<String, ExperimentSnapshot> experiments = new TreeMap<>();
            Map<String, String> runNames = new TreeMap<>();
            Map<String, String> artifactRoots = new TreeMap<>();
            List<Experiment> all = pages(token -> client.searchExperiments(ViewType.ALL, Optional.empty(), List.of(),
                    Optional.empty(), token));
            for (Experiment experiment : all) {
                List<Run> runs = pages(token -> client.searchRuns(List.of(experiment.experimentId()), Optional.empty(),
                        ViewType.ALL, Optional.empty(), List.of(), token));
                runs.forEach(run -> runNames.put(run.info().runId(), run.info().runName()));
                runs.forEach(run -> artifactRoots.put(run.info().runId(), run.info().artifactUri()));
                Map<String, RunSnapshot> runSnapshots = new TreeMap<>();
                for (Run run : runs) {
                    runSnapshots.put(run.info().runName(), RunSnapshot.of(client, client.getRun(run.info().runId()),
                            runNames));
                }
                experiments.put(experiment.name(), new ExperimentSnapshot(experiment.lifecycleStage(),
                        tagMap(experiment.tags()), runSnapshots));
            }
            Map<String, ModelSnapshot> models = new TreeMap<>();
            RegistryClient registry = client.registry();
            for (RegisteredModel listed : registry.searchAllRegisteredModels(Optional.empty(), List.of())) {
                RegisteredModel model = registry.getRegisteredModel(listed.name());
                Map<Long, VersionSnapshot> versions = new TreeMap<>();
                for (ModelVersion version : registry.searchAllModelVersions(
                        Optional.of("name = '" + model.name() + "'"), List.of())) {
                    String runId = version.runId().orElse("");
                    String source = version.source().replace(artifactRoots.getOrDefault(runId, "\u0000"),
                            "<artifacts of " + runNames.get(runId) + ">").replace(runId, "<" + runNames.get(runId) + ">");
                    Optional<LoggedModelSnapshot> logged = version.modelId().map(modelId ->
                            LoggedModelSnapshot.of(client, modelId, runNames));
                    source = version.modelId().map(modelId -> version.source().replace(modelId, "<logged model>"))
                            .orElse(source);
                    versions.put(version.version(), new VersionSnapshot(version.currentStage(), version.description(),
                            tagMap(version.tags()), version.status(), Optional.ofNullable(runNames.get(runId)), source,
                            version.aliases().stream().sorted().toList(), logged));
                }
                Map<String, Long> aliases = new TreeMap<>();
                model.aliases().forEach((ModelAlias alias) -> aliases.put(alias.alias(), alias.version()));
                models.put(model.name(), new ModelSnapshot(model.description(), tagMap(model.tags()), aliases, versions));
            }
            return new Snapshot(experiments, models);
        }
    }

    record ExperimentSnapshot(LifecycleStage lifecycleStage, Map<String, String> tags, Map<String, RunSnapshot> runs) {}

    record RunSnapshot(String userId, RunStatus status, long startTime, Optional<Long> endTime,
            LifecycleStage lifecycleStage, Map<String, String> params, Map<String, String> tags,
            Map<String, List<Metric>> metricHistories, List<DatasetInput> inputs, Map<String, String> artifacts) {
        static RunSnapshot of(TrackingClient client, Run run, Map<String, String> runNames) {
            String runId = run.info().runId();
            Map<String, String> params = new TreeMap<>();
            run.params().forEach(param -> params.put(param.key(), param.value()));
            Map<String, String> tags = tagMap(run.tags());
            tags.computeIfPresent("mlflow.parentRunId", (key, parent) -> "<" + runNames.get(parent) + ">");
            tags.computeIfPresent("mlflow.log-model.history", (key, value) -> value.replace(runId, "<this run>"));
            Map<String, List<Metric>> histories = new TreeMap<>();
            for (Metric latest : run.metrics()) {
                histories.put(latest.key(), client.getMetricHistory(runId, latest.key()).stream()
                        .sorted(Comparator.comparingLong(Metric::step).thenComparingLong(Metric::timestamp)
                                .thenComparingDouble(Metric::value))
                        .toList());
            }
            Map<String, String> artifacts = new TreeMap<>();
            Deque<Optional<String>> directories = new ArrayDeque<>(List.of(Optional.empty()));
            while (!directories.isEmpty()) {
                ArtifactListing listing = client.listArtifacts(runId, directories.poll(), Optional.empty());
                for (FileInfo file : listing.files()) {
                    if (file.isDir()) {
                        directories.add(Optional.of(file.path()));
                    } else {
                        artifacts.put(file.path(), file.fileSize().orElse(-1L) + " bytes, sha256 "
                                + sha256(() -> client.openRunArtifactFile(runId, file.path())));
                    }
                }
            }
            return new RunSnapshot(run.info().userId(), run.info().status(), run.info().startTime(),
                    run.info().endTime(), run.info().lifecycleStage(), params, tags, histories, run.inputs(), artifacts);
        }
    }

    record ModelSnapshot(Optional<String> description, Map<String, String> tags, Map<String, Long> aliases,
            Map<Long, VersionSnapshot> versions) {}

    record VersionSnapshot(ModelVersionStage stage, Optional<String> description, Map<String, String> tags,
            ModelVersionStatus status, Optional<String> runName, String source, List<String> aliases,
            Optional<LoggedModelSnapshot> loggedModel) {}

    record LoggedModelSnapshot(String name, Optional<String> modelType, LoggedModelStatus status,
            Optional<String> sourceRunName, List<Param> params, Map<String, String> tags, Map<String, String> files) {
        static LoggedModelSnapshot of(TrackingClient client, String modelId, Map<String, String> runNames) {
            LoggedModel model = client.loggedModels().getLoggedModel(modelId);
            String folder = ArtifactRepositories.proxyPath(model.info().artifactUri());
            Map<String, String> files = new TreeMap<>();
            Deque<String> folders = new ArrayDeque<>(List.of(""));
            while (!folders.isEmpty()) {
                String relative = folders.poll();
                for (FileInfo file : client.listProxiedArtifacts(Optional.of(relative.isEmpty() ? folder
                        : folder + "/" + relative))) {
                    String path = relative.isEmpty() ? file.path() : relative + "/" + file.path();
                    if (file.isDir()) {
                        folders.add(path);
                    } else {
                        files.put(path, sha256(() -> client.openArtifact(folder + "/" + path)));
                    }
                }
            }
            return new LoggedModelSnapshot(model.info().name(), model.info().modelType(), model.info().status(),
                    model.info().sourceRunId().map(runNames::get), model.params(), tagMap(model.info().tags()), files);
        }
    }

    private static Map<String, String> tagMap(List<Tag> tags) {
        Map<String, String> map = new TreeMap<>();
        tags.forEach(tag -> map.put(tag.key(), tag.value()));
        return map;
    }

    private static String sha256(Supplier<InputStream> open) {
        try (InputStream content = open.get()) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int read = content.read(buffer); read >= 0; read = content.read(buffer)) {
                digest.update(buffer, 0, read);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> List<T> pages(Function<Optional<String>, Page<T>> fetch) {
        List<T> items = new ArrayList<>();
        Optional<String> token = Optional.empty();
        do {
            Page<T> page = fetch.apply(token);
            items.addAll(page.items());
            token = page.nextPageToken();
        } while (token.isPresent());
        return items;
    }

    private static List<Run> allRuns(TrackingClient client) {
        List<Run> runs = new ArrayList<>();
        for (Experiment experiment : pages(token -> client.searchExperiments(ViewType.ALL, Optional.empty(),
                List.of(), Optional.empty(), token))) {
            runs.addAll(pages(token -> client.searchRuns(List.of(experiment.experimentId()), Optional.empty(),
                    ViewType.ALL, Optional.empty(), List.of(), token)));
        }
        return runs;
    }

    private static String runId(TrackingClient client, String experimentName, String runName) {
        String experimentId = client.getExperimentByName(experimentName).experimentId();
        return client.searchRuns(List.of(experimentId), Optional.of("attributes.run_name = '" + runName + "'"),
                ViewType.ALL, Optional.empty(), List.of(), Optional.empty()).items().get(0).info().runId();
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }
}
