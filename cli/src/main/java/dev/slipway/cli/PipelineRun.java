package dev.slipway.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.slipway.client.TrackingClient;
import dev.slipway.core.SlipwayException;
import dev.slipway.data.Repository;
import dev.slipway.pipeline.Pipeline;
import dev.slipway.pipeline.ReproOptions;
import dev.slipway.pipeline.ReproResult;
import dev.slipway.pipeline.Reproducer;
import dev.slipway.pipeline.Stage;
import dev.slipway.pipeline.StageResult;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;

/**
 * A whole-pipeline repro as {@code slipway ci} and {@code slipway demo} run it: every stage of the project's
 * {@code dvc.yaml}, with a {@code slipway} launcher on the stages' {@code PATH} that runs this very program, so that
 * the stages' {@code slipway ...} commands work wherever Slipway was started from (a CI job's {@code ./slipway}, a
 * jar, or a test's class path).
 */
final class PipelineRun {
    /** Where the launcher is written, inside the repository (beside the local store). */
    static final String LAUNCHER_FOLDER = ".slipway/bin";
    private static final String FALLBACK_PATH = "/usr/local/bin:/usr/bin:/bin";

    private PipelineRun() {}

    /** The repository the working directory is in and its {@code dvc.yaml} (there, else at the repository's top). */
    record Project(Path root, Path pipelineFile) {}

    /**
     * Finds the project of a working directory.
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST when it is not in a DVC repository or there is no dvc.yaml
     */
    static Project locate(Path workingDirectory) {
        Path root = DataCommand.findRoot(workingDirectory).orElseThrow(() -> SlipwayException.notFound(
                "'%s' is not inside a DVC repository (no '.dvc' folder in it or above it); run 'slipway data init' "
                        + "in the repository's top folder first", workingDirectory));
        for (Path candidate : List.of(workingDirectory.resolve(Pipeline.FILE_NAME), root.resolve(Pipeline.FILE_NAME))) {
            if (Files.isRegularFile(candidate)) {
                return new Project(root, candidate);
            }
        }
        throw SlipwayException.notFound("No '%s' in '%s' or at the repository's top '%s'", Pipeline.FILE_NAME,
                workingDirectory, root);
    }

    /**
     * Runs every stage that changed (DVC's rules and run-cache), printing each stage's output prefixed with its name.
     *
     * @param variables the environment of the stage commands; {@code PATH} gets the launcher folder first
     */
    static ReproResult reproduce(TrackingClient client, Repository repository, Pipeline pipeline,
            Map<String, String> variables, Clock clock, PrintWriter out) {
        Path launcherFolder = writeLauncher(repository.root().resolve(LAUNCHER_FOLDER));
        Map<String, String> environment = new HashMap<>(variables);
        environment.put("PATH", launcherFolder + File.pathSeparator + variables.getOrDefault("PATH", FALLBACK_PATH));
        // recorded as a tracked repro (a parent run, a child run per executed stage), as 'slipway repro' does
        ReproOptions options = ReproOptions.defaults(environment);
        return PipelineTracking.repro(client, repository, new Reproducer(repository, clock), pipeline, List.of(), options,
                PipelineTracking.ParentRun.of(repository.root(), Optional.empty()), PipelineCommand.printing(out), clock)
                .result();
    }

    /** What happened to each stage, on one line ("prepare: unchanged, train: ran"). */
    static String summary(ReproResult result) {
        return result.results().stream().map(stage -> stage.stage() + ": " + describe(stage.outcome()))
                .collect(Collectors.joining(", "));
    }

    /** The failures of a repro, one message per failed stage. */
    static String failures(ReproResult result) {
        if (result.interrupted()) {
            return "the pipeline was interrupted";
        }
        return result.results().stream().filter(stage -> stage.outcome() == StageResult.Outcome.FAILED)
                .map(stage -> stage.error().orElse("stage '" + stage.stage() + "' failed"))
                .collect(Collectors.joining("; "));
    }

    private static String describe(StageResult.Outcome outcome) {
        return switch (outcome) {
            case RAN -> "ran";
            case RESTORED -> "restored from the run-cache";
            case UNCHANGED -> "unchanged";
            case WOULD_RUN -> "would run";
            case FAILED -> "failed";
            case NOT_RUN -> "not run";
            case INTERRUPTED -> "interrupted";
        };
    }

    /**
     * The first output of the pipeline whose name starts with {@code model} and that is a model folder (it has an
     * {@code MLmodel} file) after the repro.
     */
    static Optional<Path> modelOutput(Pipeline pipeline) {
        for (Stage stage : pipeline.stages()) {
            for (Stage.Output output : stage.outs()) {
                if (output.kind() == Stage.OutputKind.OUT
                        && output.absolute().getFileName().toString().startsWith("model")
                        && Files.isRegularFile(output.absolute().resolve("MLmodel"))) {
                    return Optional.of(output.absolute());
                }
            }
        }
        return Optional.empty();
    }

    /** The commit {@code HEAD} names in the Git repository at {@code root}, if there is one with a commit. */
    static Optional<String> gitCommit(Path root) {
        if (!Files.exists(root.resolve(".git"))) {
            return Optional.empty();
        }
        try (Git git = Git.open(root.toFile())) {
            return Optional.ofNullable(git.getRepository().resolve("HEAD")).map(ObjectId::name);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Writes {@code slipway}, a POSIX shell launcher of this program, into the folder: {@code java -jar} on the
     * running jar, or, when running from class folders (tests, an IDE), {@code java @argfile dev.slipway.cli.Main}
     * with the class path in the argument file, which keeps the command line short.
     *
     * @return the folder
     */
    static Path writeLauncher(Path folder) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        try {
            Files.createDirectories(folder);
            Path jar = runningJar();
            String command;
            if (jar != null) {
                command = quote(java.toString()) + " -jar " + quote(jar.toString());
            } else {
                Path arguments = folder.resolve("slipway.args");
                Files.writeString(arguments, "-cp\n" + argumentFileQuote(System.getProperty("java.class.path")) + "\n",
                        UTF_8);
                command = quote(java.toString()) + " " + quote("@" + arguments) + " " + Main.class.getName();
            }
            Path launcher = folder.resolve("slipway");
            Files.writeString(launcher, "#!/bin/sh\nexec " + command + " \"$@\"\n", UTF_8);
            try {
                Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (UnsupportedOperationException e) {
                launcher.toFile().setExecutable(true);
            }
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the slipway launcher into '" + folder + "': " + e.getMessage(),
                    e);
        }
    }

    /** The jar Slipway runs from; null when its classes are in a folder. */
    private static Path runningJar() {
        try {
            var source = Main.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return null;
            }
            Path location = Path.of(source.getLocation().toURI());
            return Files.isRegularFile(location) ? location : null;
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            return null;
        }
    }

    private static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }

    /** A value in a java argument file: quoted, with backslashes and quotes escaped. */
    private static String argumentFileQuote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Prints messages and each stage's output lines, prefixed with the stage's name. */
}
