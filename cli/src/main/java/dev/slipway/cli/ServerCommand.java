package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import dev.slipway.client.Credentials;
import dev.slipway.client.RetryPolicy;
import dev.slipway.client.TrackingClient;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.artifacts.ArtifactRepositories;
import dev.slipway.core.monitors.MonitorStore;
import dev.slipway.server.ServerOptions;
import dev.slipway.server.SlipwayServer;
import dev.slipway.ui.WebUi;
import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code slipway server}: the tracking server with MLflow's flags. Builds the object graph (store, service,
 * artifact repositories, HTTP server) and runs until SIGTERM or Ctrl-C. The server logs the one line with its URL
 * once it listens.
 */
@Command(name = "server", sortOptions = false,
        description = {"Run the MLflow-compatible tracking server (REST API and artifact proxy).",
                "Runs until stopped with Ctrl-C or SIGTERM. MLflow clients work with it: "
                        + "export MLFLOW_TRACKING_URI=http://127.0.0.1:5000"})
final class ServerCommand implements Callable<Integer> {
    /** The largest JSON request body; dataset profiles alone may be 16 MB. Artifact uploads are not limited. */
    static final long MAX_REQUEST_BYTES = 64L * 1024 * 1024;
    private static final Pattern CORS_ORIGIN = Pattern.compile("\\*|[A-Za-z][A-Za-z0-9+.-]*://[^/?#@\\s]+/?");

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1", description = {
            "The network address to listen on (default: ${DEFAULT-VALUE}, this machine only).",
            "Use 0.0.0.0 to accept connections from other machines."})
    String host;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", defaultValue = "5000",
            description = "The port to listen on (default: ${DEFAULT-VALUE}; 0 picks a free port).")
    int port;

    @Option(names = "--backend-store-uri", paramLabel = "URI", description = {
            "Where experiments, runs, metrics, params and tags are stored: sqlite:///path/to/file.db, "
                    + "postgresql://user:password@host:5432/db or mysql://user:password@host:3306/db.",
            "Default: sqlite:///<current folder>/.slipway/slipway.db"})
    Optional<String> backendStoreUri = Optional.empty();

    @Option(names = "--default-artifact-root", paramLabel = "URI", description = {
            "Where new experiments put their run artifacts (each experiment gets <root>/<id>).",
            "Default: mlflow-artifacts:/ (clients upload through this server's artifact proxy) when serving "
                    + "artifacts, else <current folder>/.slipway/artifacts."})
    Optional<String> defaultArtifactRoot = Optional.empty();

    @Option(names = "--artifacts-destination", paramLabel = "URI", description = {
            "Where the artifact proxy stores files: a folder, file:///path or s3://bucket/prefix (credentials from "
                    + "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or the AWS default chain, region from AWS_REGION or "
                    + "AWS_DEFAULT_REGION).",
            "Default: <current folder>/.slipway/artifacts"})
    Optional<String> artifactsDestination = Optional.empty();

    @Option(names = "--s3-endpoint-url", paramLabel = "URL", description = {
            "The S3-compatible store (MinIO, Ceph, ...) that s3:// locations are on, such as http://127.0.0.1:9000; "
                    + "path-style requests are used.",
            "Default: $MLFLOW_S3_ENDPOINT_URL, else AWS S3. MLFLOW_S3_IGNORE_TLS=true accepts any certificate."})
    Optional<String> s3EndpointUrl = Optional.empty();

    @Option(names = "--serve-artifacts", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = {"Serve the artifact proxy (/api/2.0/mlflow-artifacts), so clients read and write "
                    + "artifacts through this server (default: on).",
                    "--no-serve-artifacts turns it off; clients then reach the artifact store themselves."})
    boolean serveArtifacts;

    @Option(names = "--allowed-hosts", paramLabel = "HOSTS", split = ",", description = {
            "Comma-separated host names accepted in the Host header besides localhost and the listening address, "
                    + "such as tracking.example.org or *.example.org; protects against DNS rebinding. '*' accepts any "
                    + "host."})
    List<String> allowedHosts = new ArrayList<>();

    @Option(names = "--cors-allowed-origins", paramLabel = "ORIGINS", split = ",", description = {
            "Comma-separated origins whose web pages may call the API from a browser, such as "
                    + "https://notebooks.example.org; '*' allows every origin.",
            "Default: none. Browsers then keep pages of other origins from reading the API's answers, and the server "
                    + "refuses their changes."})
    List<String> corsAllowedOrigins = new ArrayList<>();

    @Option(names = "--monitors", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = {"Run the stored monitors on their schedules (default: on). With several replicas on one "
                    + "database each monitor runs on one replica at a time.",
                    "--no-monitors leaves them to other replicas."})
    boolean monitors;

    @Mixin
    ServerAuthOptions authOptions = new ServerAuthOptions();

    @Spec
    CommandSpec spec;

    private final Environment environment;

    ServerCommand(Environment environment) {
        this.environment = requireNonNull(environment, "environment is null");
    }

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port must be between 0 and 65535, got " + port);
        }
        try {
            InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new ParameterException(spec.commandLine(), "--host " + host + " is not a known address or host name");
        }
        for (String origin : corsAllowedOrigins) {
            if (!CORS_ORIGIN.matcher(origin.trim()).matches()) {
                throw new ParameterException(spec.commandLine(), "--cors-allowed-origins: '" + origin + "' is not an "
                        + "origin; give scheme://host[:port], such as https://notebooks.example.org, or '*'");
            }
        }
        authOptions.validate(spec);
        Optional<String> explicitRoot = defaultArtifactRoot.map(this::absoluteLocation);
        if (!serveArtifacts && explicitRoot.filter(ServerCommand::isProxyUri).isPresent()) {
            throw new ParameterException(spec.commandLine(), "--default-artifact-root " + explicitRoot.get()
                    + " needs the artifact proxy; drop --no-serve-artifacts or give a folder or file:/// URI");
        }
        String storeUri = backendStoreUri.map(String::trim)
                .orElseGet(() -> LocalStore.databaseUri(environment.workingDirectory()));
        String destination = artifactsDestination.map(this::absoluteLocation)
                .orElseGet(() -> LocalStore.artifacts(environment.workingDirectory()).toString());
        String artifactRoot = explicitRoot.orElseGet(() -> serveArtifacts ? ArtifactRepositories.PROXY_SCHEME + ":/"
                : LocalStore.artifacts(environment.workingDirectory()).toString());

        Map<String, String> artifactSettings = new HashMap<>(environment.variables());
        s3EndpointUrl.map(String::trim).ifPresent(url -> artifactSettings.put("MLFLOW_S3_ENDPOINT_URL", url));

        Backends backends = Backends.discover();
        ArtifactRepositories artifacts = backends.artifactRepositories(
                serveArtifacts ? Optional.of(destination) : Optional.empty(), artifactSettings);
        BackendServices services;
        try {
            if (serveArtifacts) {
                artifacts.destination(); // fails now, not on the first upload, if no repository handles the destination
            }
            services = BackendServices.open(backends, storeUri, artifactRoot, environment.clock());
        } catch (RuntimeException e) {
            BackendServices.closeAll(List.of(artifacts), e);
            throw e;
        }
        SlipwayServer server;
        Optional<ServerAuthOptions.Enabled> auth = Optional.empty();
        try {
            auth = authOptions.open(spec, backends, storeUri, environment, spec.commandLine().getOut());
            ServerOptions options = new ServerOptions(host, port, services.tracking(), services.registry(),
                    services.loggedModels(), services.predictionLog(), artifacts, serveArtifacts, allowedHosts,
                    MAX_REQUEST_BYTES, VersionProvider.version(),
                    List.of(new WebUi(services.uiServices(artifacts, environment))))
                    .withCorsAllowedOrigins(corsAllowedOrigins);
            server = start(auth.map(enabled -> options.withAuth(enabled.serverAuth())).orElse(options));
        } catch (RuntimeException e) {
            List<AutoCloseable> opened = new ArrayList<>(List.of(services, artifacts));
            auth.ifPresent(opened::add);
            BackendServices.closeAll(opened, e);
            throw e;
        }
        // the server's own client of its API (the monitors) authenticates with the in-memory internal token
        Credentials internal = auth.map(enabled -> Credentials.bearer(enabled.serverAuth().internalToken()))
                .orElse(Credentials.none());
        List<AutoCloseable> resources = new ArrayList<>(List.of(services, artifacts));
        auth.ifPresent(resources::add);

        Optional<MonitorScheduler> scheduler = monitors ? services.predictionLog().monitorStore()
                .map(store -> startMonitors(store, server.port(), internal)) : Optional.empty();

        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        environment.stopSignal().onStop(() -> {
            if (stopping.compareAndSet(false, true)) {
                try {
                    scheduler.ifPresent(MonitorScheduler::close);
                    server.stop();
                } finally {
                    try {
                        BackendServices.closeInOrder(resources, "Stopping the server failed");
                    } finally {
                        stopped.countDown();
                    }
                }
            }
        });
        stopped.await();
        return 0;
    }

    /** Evaluates the monitors through this server's own API, on its loopback address. */
    private MonitorScheduler startMonitors(MonitorStore store, int boundPort, Credentials credentials) {
        String loopback = host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") ? "127.0.0.1" : host;
        String authority = loopback.contains(":") && !loopback.startsWith("[") ? "[" + loopback + "]" : loopback;
        TrackingClient client = TrackingClient.create("http://" + authority + ":" + boundPort, RetryPolicy.defaults(),
                credentials);
        AlertActions actions = new AlertActions(client, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .build(), environment.clock(), environment.workingDirectory(), environment.variables(),
                Duration.ofHours(1));
        MonitorScheduler scheduler = new MonitorScheduler(store, new MonitorEvaluator(client, environment.clock(),
                actions), environment.clock(), MonitorScheduler.processOwner(), MonitorScheduler.DEFAULT_TICK, 2);
        scheduler.start();
        return scheduler;
    }

    private SlipwayServer start(ServerOptions options) {
        try {
            return SlipwayServer.start(options);
        } catch (SlipwayException e) {
            throw e;
        } catch (RuntimeException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof BindException) {
                    String reason = String.valueOf(cause.getMessage());
                    String hint = reason.contains("in use") ? ". Is another server running there? Choose another port "
                            + "with --port." : ". Is --host an address of this machine?";
                    throw new IllegalStateException(String.format("Cannot listen on %s:%d: %s%s", host, port, reason,
                            hint), e);
                }
            }
            throw new IllegalStateException(String.format("Cannot start the server on %s:%d: %s", host, port,
                    Main.describe(e)), e);
        }
    }

    /** Relative folders are taken from the current folder; URIs with a scheme stay as they are. */
    private String absoluteLocation(String location) {
        String trimmed = location.trim();
        if (trimmed.matches("^[A-Za-z][A-Za-z0-9+.-]+:.*")) {
            return trimmed;
        }
        return environment.resolve(trimmed).toString();
    }

    private static boolean isProxyUri(String location) {
        return location.toLowerCase(Locale.ROOT).startsWith(ArtifactRepositories.PROXY_SCHEME + ":");
    }
}
