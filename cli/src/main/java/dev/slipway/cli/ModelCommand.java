package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import dev.slipway.client.ModelResolver;
import dev.slipway.client.ModelUri;
import dev.slipway.core.artifacts.ArtifactRepositories;
import dev.slipway.models.format.ModelDirectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A command on models: the registry, training, scoring and evaluation. It reaches the tracking server named by
 * the tracking options, or, for a store URI or the local store, an in-process server over that store, so that
 * every model command speaks the same REST API whichever way the data is reached.
 */
abstract class ModelCommand implements Callable<Integer> {
    /** A URI such as {@code s3://...} or {@code file:/...}: a scheme of two characters or more, so not a drive. */
    private static final Pattern URI_WITH_SCHEME = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]+:.*", Pattern.DOTALL);

    @Mixin
    TrackingOptions trackingOptions;

    @Option(names = "--json", description = "Print JSON (MLflow's REST shapes where there is one) instead of text.")
    boolean json;

    @Spec
    CommandSpec spec;

    final Environment environment;
    final HumanFormat format;

    ModelCommand(Environment environment) {
        this.environment = requireNonNull(environment, "environment is null");
        this.format = new HumanFormat(environment.zone());
    }

    private ServerConnection connection;

    @Override
    public Integer call() throws Exception {
        validate();
        PrintWriter out = spec.commandLine().getOut();
        int exitCode;
        try {
            exitCode = run(out);
        } finally {
            if (connection != null) {
                connection.close();
            }
        }
        out.flush();
        return exitCode;
    }

    /** Checks the combination of options before anything is opened; throws {@link #usageError}. */
    void validate() {}

    /** @return the exit code */
    abstract int run(PrintWriter out) throws Exception;

    /**
     * The tracking server, reached or started on first use, so that commands on local model folders need none.
     */
    ServerConnection connection() {
        if (connection == null) {
            connection = ServerConnection.open(trackingOptions, environment, Backends.discover());
        }
        return connection;
    }

    /**
     * A resolver for the model URI: without a server for local folders and {@code file:} URIs, so that those need
     * no tracking store.
     */
    ModelResolver resolver(String modelUri) {
        ModelUri uri = ModelUri.parse(modelUri);
        boolean local = uri instanceof ModelUri.Location location
                && !location.text().toLowerCase(Locale.ROOT).startsWith(ArtifactRepositories.PROXY_SCHEME + ":");
        return new ModelResolver(local ? Optional.empty() : Optional.of(connection().client()));
    }

    /**
     * Makes the model's files available locally (downloading them into a temporary folder when they are remote)
     * and reads its MLmodel; the caller closes the result, which deletes any download.
     */
    ModelFiles modelFiles(String modelUri) throws IOException {
        String located = inWorkingDirectory(modelUri);
        ModelResolver resolver = resolver(located);
        ModelResolver.ResolvedModel resolved = resolver.resolve(located);
        Path download = Files.createTempDirectory("slipway-model-");
        try {
            Path folder = resolver.localFolder(resolved, download);
            if (!folder.equals(download)) {
                ModelResolver.deleteDownload(download);
                download = null;
            }
            return new ModelFiles(resolved, ModelDirectory.read(folder), Optional.ofNullable(download));
        } catch (RuntimeException e) {
            if (download != null) {
                ModelResolver.deleteDownload(download);
            }
            throw e;
        }
    }

    /**
     * The model URI with a relative folder resolved against the environment's working directory, as data files are,
     * rather than the process's (they differ when the commands run in-process, as a pipeline's tests run them).
     */
    String inWorkingDirectory(String modelUri) {
        if (ModelUri.parse(modelUri) instanceof ModelUri.Location location
                && !URI_WITH_SCHEME.matcher(location.text()).matches()) {
            return environment.resolve(location.text()).toString();
        }
        return modelUri;
    }

    /** A model's files on this machine; closing deletes them if they were downloaded. */
    record ModelFiles(ModelResolver.ResolvedModel resolved, ModelDirectory directory, Optional<Path> download)
            implements AutoCloseable {
        @Override
        public void close() {
            download.ifPresent(ModelResolver::deleteDownload);
        }
    }

    /** Whether a progress bar may be drawn: a console is attached and {@code --no-progress} was not given. */
    static boolean interactive() {
        return System.console() != null;
    }

    ParameterException usageError(String format, Object... args) {
        return new ParameterException(spec.commandLine(), String.format(format, args));
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
