package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import dev.slipway.client.ModelUri;
import dev.slipway.client.RetryPolicy;
import dev.slipway.client.TrackingClient;
import dev.slipway.core.Durations;
import dev.slipway.core.artifacts.ArtifactRepositories;
import dev.slipway.serving.LiveModels;
import dev.slipway.serving.LiveModelsOptions;
import dev.slipway.serving.ModelSpec;
import dev.slipway.serving.PredictionLog;
import dev.slipway.serving.PredictionLogOptions;
import dev.slipway.serving.ServedModel;
import dev.slipway.serving.ServingOptions;
import dev.slipway.serving.ServingServer;
import dev.slipway.serving.SwapFailure;
import dev.slipway.serving.SwapListener;
import dev.slipway.serving.TrackingPredictionLog;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code slipway serve}: puts models behind HTTP with MLflow's scoring protocol and the Open Inference Protocol,
 * follows registry aliases and stages for live swaps, splits traffic to a canary or mirrors it to a shadow, and logs
 * every prediction to the tracking store. With {@value #ADMIN_TOKEN_VARIABLE} set, it also answers the admin API
 * under {@code /slipway/admin}, which changes what is served without a restart. Runs until SIGTERM or Ctrl-C, then
 * finishes in-flight requests.
 */
@Command(name = "serve", sortOptions = false, description = {
        "Serve models over HTTP: MLflow's scoring protocol (POST /invocations) and the Open Inference Protocol "
                + "(KServe V2: /v2/models/<name>/infer).",
        "Follows aliases and stages (models:/churn@champion) and swaps versions live when they move. "
                + "Runs until stopped with Ctrl-C or SIGTERM.",
        "Environment: SLIPWAY_SERVE_ADMIN_TOKEN, when set, enables the admin API on /slipway/admin (GET "
                + "/slipway/admin/models, PUT /slipway/admin/models/<name> to change the stable version, canary and "
                + "shadow without a restart) for requests with the header 'Authorization: Bearer <token>'."})
final class ServeCommand implements Callable<Integer> {
    /** The environment variable whose value, when set, enables the admin API and is its bearer token. */
    static final String ADMIN_TOKEN_VARIABLE = "SLIPWAY_SERVE_ADMIN_TOKEN";
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @Option(names = {"-m", "--model-uri"}, required = true, paramLabel = "MODEL_URI", description = {
            "A model to serve: models:/name/3, models:/name@champion, models:/name/Production, runs:/<id>/model, "
                    + "mlflow-artifacts:/..., or a model folder; repeatable to serve several models."})
    List<String> modelUris = new ArrayList<>();

    @Option(names = "--name", paramLabel = "NAME", description = {
            "The name clients use for the model given by the -m in the same position (default: the registered "
                    + "model's name, else the folder's name); repeatable."})
    List<String> names = new ArrayList<>();

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "The address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for other machines).")
    String host;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", defaultValue = "8080",
            description = "The port to listen on (default: ${DEFAULT-VALUE}; 0 picks a free port).")
    int port;

    @Option(names = "--canary", paramLabel = "MODEL_URI",
            description = "A candidate version that gets --canary-percent of the first model's requests.")
    Optional<String> canary = Optional.empty();

    @Option(names = "--canary-percent", paramLabel = "PERCENT", defaultValue = "10",
            description = "The candidate's share of requests, 0-100 (default: ${DEFAULT-VALUE}); sticky per "
                    + "X-Request-Key header when a request has one.")
    double canaryPercent;

    @Option(names = "--shadow", paramLabel = "MODEL_URI",
            description = "A candidate that scores a copy of every request of the first model; its answers are "
                    + "logged and discarded.")
    Optional<String> shadow = Optional.empty();

    @Option(names = "--poll-interval", paramLabel = "DURATION", defaultValue = "30s",
            description = "How often aliases, stages and 'latest' are checked in the registry (default: "
                    + "${DEFAULT-VALUE}; e.g. 5s, 2m).")
    String pollInterval;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "ONNX Runtime threads per scoring call (default: ${DEFAULT-VALUE}; requests already run "
                    + "in parallel).")
    int threads;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s",
            description = "Answer 504 when a request takes longer (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--max-request-bytes", paramLabel = "BYTES", defaultValue = "16777216",
            description = "Refuse larger request bodies with 413 (default: ${DEFAULT-VALUE}).")
    long maxRequestBytes;

    @Option(names = "--log-predictions", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Log every scored row to the tracking store for monitoring and feedback (default: on).")
    boolean logPredictions;

    @Option(names = "--print-kubernetes", description = "Print a Kubernetes Deployment and Service running this "
            + "command, with probes on /v2/health/live and /v2/health/ready, and exit.")
    boolean printKubernetes;

    @Option(names = "--image", paramLabel = "IMAGE", defaultValue = "slipway:latest",
            description = "With --print-kubernetes: the container image with Java 17 and slipway on the PATH "
                    + "(default: ${DEFAULT-VALUE}).")
    String image;

    @Option(names = "--replicas", paramLabel = "N", defaultValue = "2",
            description = "With --print-kubernetes: the number of pods (default: ${DEFAULT-VALUE}).")
    int replicas;

    @Mixin
    TrackingOptions trackingOptions;

    @Spec
    CommandSpec spec;

    private final Environment environment;

    ServeCommand(Environment environment) {
        this.environment = requireNonNull(environment, "environment is null");
    }

    @Override
    public Integer call() throws Exception {
        List<ModelSpec> specs = specs();
        Duration poll = duration("--poll-interval", pollInterval);
        Duration requestTimeout = duration("--timeout", timeout);
        if (port < 0 || port > 65535) {
            throw usageError("--port must be between 0 and 65535, got %d", port);
        }
        if (threads < 1) {
            throw usageError("--threads must be at least 1, got %d", threads);
        }
        if (maxRequestBytes < 1) {
            throw usageError("--max-request-bytes must be positive, got %d", maxRequestBytes);
        }
        if (printKubernetes) {
            return printKubernetes(specs);
        }
        boolean needsServer = logPredictions || modelUris.stream().anyMatch(ServeCommand::needsServer)
                || canary.filter(ServeCommand::needsServer).isPresent()
                || shadow.filter(ServeCommand::needsServer).isPresent();
        ServerConnection connection = needsServer
                ? ServerConnection.open(trackingOptions, environment, Backends.discover()) : null;
        Path downloads = Files.createTempDirectory("slipway-serve-");
        LiveModels models = null;
        PredictionLog predictionLog = PredictionLog.NONE;
        ServingServer server;
        try {
            Optional<TrackingClient> client = Optional.ofNullable(connection).map(ServerConnection::client);
            models = LiveModels.start(specs, new LiveModelsOptions(client, downloads, threads, Optional.of(poll),
                    environment.clock(), new LoggingSwapListener()));
            if (logPredictions) {
                // the log retries with backoff itself; the client's own retries would only lengthen a stall
                TrackingClient logClient = TrackingClient.create(connection.client().trackingUri().toString(),
                        RetryPolicy.none(), connection.client().credentials());
                predictionLog = TrackingPredictionLog.start(logClient.predictions(), PredictionLogOptions.defaults());
            }
            ServingOptions options = ServingOptions.of(host, port, models, predictionLog, VersionProvider.version())
                    .withMaxRequestBytes(maxRequestBytes).withRequestTimeout(requestTimeout);
            Optional<String> adminToken = environment.variable(ADMIN_TOKEN_VARIABLE);
            if (adminToken.isPresent()) {
                options = options.withAdminToken(adminToken.get());
                LOG.info("Admin API enabled on /slipway/admin");
            }
            server = ServingServer.start(options);
        } catch (RuntimeException e) {
            closeAll(null, predictionLog, models, connection, downloads, e);
            throw e;
        }
        // the served models and the address are logged by the models and the server as they start
        PrintWriter out = spec.commandLine().getOut();
        out.printf("Prediction log: %s%n", logPredictions ? connection.location() : "off");
        out.flush();

        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        LiveModels served = models;
        PredictionLog log = predictionLog;
        environment.stopSignal().onStop(() -> {
            if (stopping.compareAndSet(false, true)) {
                try {
                    closeAll(server, log, served, connection, downloads, null);
                } finally {
                    stopped.countDown();
                }
            }
        });
        stopped.await();
        return 0;
    }

    private List<ModelSpec> specs() {
        if (names.size() > modelUris.size()) {
            throw usageError("%d --name options for %d models: give at most one --name per -m", names.size(),
                    modelUris.size());
        }
        if ((canary.isPresent() || shadow.isPresent()) && modelUris.size() != 1) {
            throw usageError("--canary and --shadow apply to a single served model; this command serves %d",
                    modelUris.size());
        }
        if (!(canaryPercent >= 0 && canaryPercent <= 100)) {
            throw usageError("--canary-percent must be between 0 and 100, got %s", canaryPercent);
        }
        List<ModelSpec> specs = new ArrayList<>();
        for (int index = 0; index < modelUris.size(); index++) {
            String uri = absolute(modelUris.get(index));
            ModelSpec spec = ModelSpec.of(uri);
            if (index < names.size()) {
                spec = spec.withName(names.get(index));
            }
            if (canary.isPresent()) {
                spec = spec.withCanary(absolute(canary.get()), canaryPercent);
            }
            if (shadow.isPresent()) {
                spec = spec.withShadow(absolute(shadow.get()));
            }
            specs.add(spec);
        }
        return specs;
    }

    /** Relative model folders are taken from the working folder; URIs stay as they are. */
    private String absolute(String uri) {
        String trimmed = uri.trim();
        if (trimmed.matches("^[A-Za-z][A-Za-z0-9+.-]+:.*")) {
            return trimmed;
        }
        return environment.resolve(trimmed).toString();
    }

    private static boolean needsServer(String uri) {
        ModelUri parsed = ModelUri.parse(uri);
        return !(parsed instanceof ModelUri.Location location)
                || location.text().toLowerCase(Locale.ROOT).startsWith(ArtifactRepositories.PROXY_SCHEME + ":");
    }

    private int printKubernetes(List<ModelSpec> specs) {
        if (replicas < 1) {
            throw usageError("--replicas must be at least 1, got %d", replicas);
        }
        List<String> args = new ArrayList<>();
        args.add("serve");
        List<String> original = spec.commandLine().getParseResult().originalArgs();
        for (int index = 0; index < original.size(); index++) {
            String arg = original.get(index);
            if (arg.equals("--print-kubernetes")) {
                continue;
            }
            if (arg.equals("--image") || arg.equals("--replicas") || arg.equals("--host") || arg.equals("--port")
                    || arg.equals("-p")) {
                index++;
                continue;
            }
            if (arg.startsWith("--image=") || arg.startsWith("--replicas=") || arg.startsWith("--host=")
                    || arg.startsWith("--port=")) {
                continue;
            }
            args.add(arg);
        }
        int containerPort = port == 0 ? 8080 : port;
        args.addAll(List.of("--host", "0.0.0.0", "--port", String.valueOf(containerPort)));
        Map<String, String> variables = new LinkedHashMap<>();
        trackingOptions.trackingUri.or(() -> environment.variable(TrackingOptions.MLFLOW_TRACKING_URI))
                .ifPresent(uri -> variables.put(TrackingOptions.MLFLOW_TRACKING_URI, uri));
        KubernetesManifest manifest = new KubernetesManifest(KubernetesManifest.nameFrom(specs.get(0).name()), image,
                args, containerPort, replicas, variables);
        PrintWriter out = spec.commandLine().getOut();
        out.print(manifest.toYaml());
        out.flush();
        return 0;
    }

    /** A positive duration in the grammar of {@link Durations} (or ISO-8601, {@code PT30S}). */
    private Duration duration(String option, String text) {
        Optional<Duration> parsed = Durations.tryParse(text);
        if (parsed.isEmpty()) {
            try {
                parsed = Optional.of(Duration.parse(text.trim().toUpperCase(Locale.ROOT)));
            } catch (DateTimeParseException | ArithmeticException e) {
                // reported below
            }
        }
        if (parsed.isPresent() && !parsed.get().isNegative() && !parsed.get().isZero()) {
            return parsed.get();
        }
        throw usageError("%s must be a positive duration such as 500ms, 30s, 5m or 1h, got '%s'", option, text);
    }

    private ParameterException usageError(String format, Object... args) {
        return new ParameterException(spec.commandLine(), String.format(format, args));
    }

    /** Stops in order: no new requests and in-flight ones finished, the log flushed, models and stores closed. */
    private static void closeAll(ServingServer server, PredictionLog log, LiveModels models,
            ServerConnection connection, Path downloads, RuntimeException failure) {
        List<AutoCloseable> resources = new ArrayList<>();
        if (server != null) {
            resources.add(server::stop);
        }
        resources.add(log);
        if (models != null) {
            resources.add(models);
        }
        if (connection != null) {
            resources.add(connection);
        }
        resources.add(() -> dev.slipway.client.ModelResolver.deleteDownload(downloads));
        if (failure != null) {
            BackendServices.closeAll(resources, failure);
        } else {
            BackendServices.closeInOrder(resources, "Stopping the model server failed");
        }
    }

    /** Logs swaps and failed swaps; the server's /metrics counts them too. */
    private static final class LoggingSwapListener implements SwapListener {
        @Override
        public void onSwap(String modelName, String variant, ServedModel previous, ServedModel next) {
            LOG.info("Swapped {} ({}) from version {} to version {}", modelName, variant, previous.version(),
                    next.version());
        }

        @Override
        public void onSwapFailure(SwapFailure failure) {
            LOG.warn("Could not swap {} ({}) to {}{}; still serving the previous version: {}", failure.modelName(),
                    failure.variant(), failure.uri(), failure.version().map(version -> " version " + version)
                            .orElse(""), failure.message());
        }
    }
}
