package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.client.RetryPolicy;
import dev.slipway.client.TrackingClient;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.tracking.ViewType;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code slipway import-mlflow --from URL}: copies experiments, runs, artifacts and registered models from a running
 * MLflow server (or any server speaking MLflow's REST API) into the tracking store or server the tracking options
 * choose, resumably; see {@link MlflowImport} for what is copied and how.
 */
@Command(name = "import-mlflow", sortOptions = false,
        description = {"Copy experiments, runs (params, tags, the full history of every metric, dataset inputs, "
                + "artifacts) and registered models (versions, stages, aliases, tags) from a running MLflow server "
                + "over its REST API into Slipway's store or server.",
                "Progress is saved after every run in a state file: run the same command again after an interruption "
                        + "to continue; nothing is copied twice. Runs get new ids (parent runs and model versions "
                        + "follow them); model version numbers are kept.",
                "The destination is what --tracking-uri names, as for the other commands: by default the local "
                        + "store ./.slipway."},
        footer = {"", "Credentials for the source: --from-token, else $MLFLOW_TRACKING_TOKEN (sent as a bearer "
                + "token), else $MLFLOW_TRACKING_USERNAME and $MLFLOW_TRACKING_PASSWORD (basic authentication)."})
final class ImportMlflowCommand implements Callable<Integer> {
    static final String TOKEN_VARIABLE = "MLFLOW_TRACKING_TOKEN";
    static final String USER_VARIABLE = "MLFLOW_TRACKING_USERNAME";
    static final String PASSWORD_VARIABLE = "MLFLOW_TRACKING_PASSWORD";
    static final String STATE_FOLDER = "import-mlflow";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(300);

    @Option(names = "--from", required = true, paramLabel = "URL",
            description = "The MLflow tracking server to copy from, such as http://mlflow.example.com:5000.")
    String from;

    @Option(names = "--from-token", paramLabel = "TOKEN", description = "A bearer token for the source server "
            + "(default: $" + TOKEN_VARIABLE + ").")
    Optional<String> fromToken = Optional.empty();

    @Option(names = "--experiments", split = ",", paramLabel = "NAME_OR_ID",
            description = "Only these source experiments (names or ids, comma-separated). Default: all, deleted "
                    + "ones included (they stay deleted).")
    List<String> experiments = List.of();

    @Option(names = "--models", split = ",", paramLabel = "NAME",
            description = "Only these registered models (comma-separated). Default: all.")
    List<String> models = List.of();

    @Mixin
    TrackingOptions trackingOptions;

    @Option(names = "--state-file", paramLabel = "FILE", description = "Where the import records its progress. "
            + "Default: .slipway/import-mlflow/<source host>-<port>.jsonl in the current folder.")
    Optional<Path> stateFile = Optional.empty();

    @Option(names = "--no-progress", description = "Do not draw a progress bar.")
    boolean noProgress;

    @Option(names = "--json", description = "Print the summary as JSON.")
    boolean json;

    /** Imports this many runs, then stops as an interruption would: to import in slices, and for tests. */
    @Option(names = "--max-runs", hidden = true, paramLabel = "N")
    Optional<Long> maxRuns = Optional.empty();

    @Spec
    CommandSpec spec;

    private final Environment environment;

    ImportMlflowCommand(Environment environment) {
        this.environment = requireNonNull(environment, "environment is null");
    }

    @Override
    public Integer call() throws Exception {
        URI sourceUri = sourceUri();
        if (maxRuns.isPresent() && maxRuns.get() < 1) {
            throw new ParameterException(spec.commandLine(), "--max-runs must be at least 1");
        }
        TrackingClient source = sourceClient(sourceUri);
        Path journalFile = stateFile.map(path -> environment.resolve(path.toString()))
                .orElseGet(() -> environment.slipwayDirectory().resolve(STATE_FOLDER).resolve(stateName(sourceUri)));
        String stopped = "What was copied is recorded in " + journalFile + "; run the same command again to continue.";
        return Interruption.run(environment, spec, stopped, () -> {
            checkSource(source);
            ServerConnection connection = ServerConnection.open(trackingOptions, environment, Backends.discover());
            try {
                if (sameServer(sourceUri, URI.create(connection.client().trackingUri().toString()))) {
                    throw SlipwayException.invalidParameter("The destination %s is the source itself; choose where "
                            + "to import with --tracking-uri (the default is the local store ./.slipway)",
                            connection.location());
                }
                ImportJournal journal = ImportJournal.open(journalFile, sourceUri.toString(), connection.location());
                try {
                    return run(source, connection, journal);
                } finally {
                    closeUninterrupted(journal);
                }
            } finally {
                closeUninterrupted(connection);
            }
        });
    }

    /**
     * Closes with the thread's interrupt (Ctrl-C) set aside, so that the in-process server stops and the journal is
     * released cleanly instead of failing half-way; the interrupt is restored afterwards.
     */
    private static void closeUninterrupted(AutoCloseable resource) throws Exception {
        boolean interrupted = Thread.interrupted();
        try {
            resource.close();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private int run(TrackingClient source, ServerConnection connection, ImportJournal journal) {
        PrintWriter out = spec.commandLine().getOut();
        boolean drawBar = !noProgress && !json && System.console() != null;
        if (!json) {
            out.printf("Importing from %s into %s%n", source.trackingUri(), connection.location());
            out.flush();
        }
        MlflowImport.Summary summary;
        try (Progress progress = Progress.start("Importing runs", "runs", OptionalLong.empty(), drawBar)) {
            MlflowImport.Listener listener = new MlflowImport.Listener() {
                @Override
                public void started(int experimentCount, long runs, int modelCount) {
                    progress.total(runs);
                    if (!json && !drawBar) {
                        out.printf("To import: experiments %d, runs %d, registered models %d%n", experimentCount,
                                runs, modelCount);
                        out.flush();
                    }
                }

                @Override
                public void runFinished(long runsSoFar) {
                    progress.stepTo(runsSoFar);
                }

                @Override
                public void note(String line) {
                    if (!json && !drawBar) {
                        out.println(line);
                        out.flush();
                    }
                }
            };
            MlflowImport importer = new MlflowImport(source, connection.client(), journal,
                    new MlflowImport.Settings(experiments, models,
                            maxRuns.map(OptionalLong::of).orElse(OptionalLong.empty())), listener);
            MlflowImport.Plan plan = importer.plan();
            try {
                summary = importer.run(plan);
            } catch (SlipwayException e) {
                throw new SlipwayException(e.errorCode(), String.format("%s (what was copied is recorded in %s; "
                        + "run the same command again to continue)", e.getMessage(), journal.file()), e);
            }
        }
        if (json) {
            TrackingCommand.printJson(out, json(summary, source, connection, journal));
        } else {
            print(summary, journal, out);
        }
        return 0;
    }

    private void print(MlflowImport.Summary summary, ImportJournal journal, PrintWriter out) {
        out.println();
        TextTable table = new TextTable("", "IMPORTED", "IMPORTED BEFORE");
        table.add("experiments", summary.experimentsCreated() + (summary.experimentsMerged() == 0 ? ""
                : " (+" + summary.experimentsMerged() + " merged by name)"),
                String.valueOf(summary.experimentsAlreadyImported()));
        table.add("runs", String.valueOf(summary.runsImported()), String.valueOf(summary.runsAlreadyImported()));
        table.add("metric points", String.valueOf(summary.metricPoints()), "");
        table.add("artifacts", summary.artifactFiles() + " files, " + bytes(summary.artifactBytes()), "");
        table.add("models", String.valueOf(summary.modelsCreated()), String.valueOf(summary.modelsAlreadyImported()));
        table.add("model versions", String.valueOf(summary.versionsImported()),
                String.valueOf(summary.versionsAlreadyImported()));
        table.print(out);
        if (!summary.warnings().isEmpty()) {
            out.println();
            out.printf("Warnings (%d):%n", summary.warnings().size());
            summary.warnings().forEach(warning -> out.println("  " + warning));
        }
        out.println();
        if (summary.complete()) {
            out.printf("Import complete. Progress is recorded in %s: running the command again copies only what is "
                    + "new on the source.%n", journal.file());
        } else {
            out.printf("Stopped after %d runs (--max-runs); run the command again to continue. Progress is recorded "
                    + "in %s.%n", summary.runsImported(), journal.file());
        }
    }

    private ObjectNode json(MlflowImport.Summary summary, TrackingClient source, ServerConnection connection,
            ImportJournal journal) {
        ObjectNode result = TrackingCommand.json().createObjectNode();
        result.put("source", source.trackingUri().toString());
        result.put("destination", connection.location());
        result.put("state_file", journal.file().toString());
        result.put("complete", summary.complete());
        result.putObject("experiments").put("created", summary.experimentsCreated())
                .put("merged", summary.experimentsMerged())
                .put("imported_before", summary.experimentsAlreadyImported());
        result.putObject("runs").put("imported", summary.runsImported())
                .put("imported_before", summary.runsAlreadyImported());
        result.put("metric_points", summary.metricPoints());
        result.putObject("artifacts").put("files", summary.artifactFiles()).put("bytes", summary.artifactBytes());
        result.putObject("registered_models").put("created", summary.modelsCreated())
                .put("imported_before", summary.modelsAlreadyImported());
        result.putObject("model_versions").put("imported", summary.versionsImported())
                .put("imported_before", summary.versionsAlreadyImported());
        summary.warnings().forEach(result.putArray("warnings")::add);
        return result;
    }

    private URI sourceUri() {
        String text = from.trim();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        URI uri;
        try {
            uri = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--from must be a URL such as http://host:5000, got '"
                    + from + "'");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new ParameterException(spec.commandLine(), "--from must be the http:// or https:// URL of an MLflow "
                    + "tracking server, got '" + from + "'");
        }
        return uri;
    }

    /** The source's client, with the credentials from the options or MLflow's environment variables. */
    private TrackingClient sourceClient(URI uri) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        Optional<String> token = fromToken.map(String::trim).filter(value -> !value.isEmpty())
                .or(() -> environment.variable(TOKEN_VARIABLE));
        Optional<String> user = environment.variable(USER_VARIABLE);
        if (token.isPresent()) {
            http = AuthorizingHttpClient.bearer(http, token.get());
        } else if (user.isPresent()) {
            http = AuthorizingHttpClient.basic(http, user.get(),
                    Optional.ofNullable(environment.variables().get(PASSWORD_VARIABLE)).orElse(""));
        }
        return new TrackingClient(uri, http, RetryPolicy.defaults(), REQUEST_TIMEOUT);
    }

    /** One request before anything is opened, so that a wrong URL or missing credentials fail with a clear message. */
    private static void checkSource(TrackingClient source) {
        try {
            source.searchExperiments(ViewType.ACTIVE_ONLY, Optional.empty(), List.of(),
                    Optional.of(1), Optional.empty());
        } catch (SlipwayException e) {
            String hint = switch (e.errorCode()) {
                case UNAUTHENTICATED, PERMISSION_DENIED -> " Pass credentials with --from-token or $" + TOKEN_VARIABLE
                        + ", or $" + USER_VARIABLE + " and $" + PASSWORD_VARIABLE + ".";
                case ENDPOINT_NOT_FOUND -> " Is it the URL of an MLflow tracking server?";
                default -> "";
            };
            throw new SlipwayException(e.errorCode(), String.format("Cannot read the source %s: %s%s",
                    source.trackingUri(), e.getMessage(), hint), e);
        }
    }

    /** {@code <host>-<port>.jsonl}, with a path prefix of the URL added, in characters safe in a file name. */
    static String stateName(URI source) {
        StringBuilder name = new StringBuilder(source.getHost());
        if (source.getPort() >= 0) {
            name.append('-').append(source.getPort());
        }
        String path = source.getPath() == null ? "" : source.getPath().replaceAll("^/+|/+$", "");
        if (!path.isEmpty()) {
            name.append('-').append(path);
        }
        return name.toString().replaceAll("[^A-Za-z0-9._-]", "_") + ".jsonl";
    }

    private static boolean sameServer(URI left, URI right) {
        return normalized(left).equals(normalized(right));
    }

    private static String normalized(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (host.equals("localhost") || host.equals("[::1]") || host.equals("::1")) {
            host = "127.0.0.1";
        }
        String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("/+$", "");
        return scheme + "://" + host + ":" + port + path;
    }

    private static String bytes(long count) {
        if (count < 1024) {
            return count + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = count;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
