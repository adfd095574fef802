package dev.slipway.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.data.DvcConfig;
import dev.slipway.data.HashInfo;
import dev.slipway.data.OutputStatus;
import dev.slipway.data.Remote;
import dev.slipway.data.Transfers;
import dev.slipway.data.Repository;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code slipway data ...}: data versioning on a DVC 3 repository (the folder holding {@code .dvc/}, found from
 * the working directory upward), with DVC's commands, options and output. {@code add}, {@code status},
 * {@code checkout}, {@code push} and {@code pull} are also reachable without the {@code data} prefix.
 */
@Command(name = "data", description = "Data versioning, compatible with DVC: init, add, status, commit, checkout, "
        + "remote, push, pull, fetch, gc.",
        subcommands = {DataCommand.Init.class, DataCommand.Add.class, DataCommand.Status.class,
                DataCommand.Commit.class, DataCommand.Checkout.class, DataCommand.RemoteCommand.class,
                DataCommand.Push.class, DataCommand.Pull.class, DataCommand.Fetch.class,
                DataCommand.CollectGarbage.class})
final class DataCommand {
    private static final String DVC_FOLDER = ".dvc";
    private static final String POINTER_SUFFIX = ".dvc";
    /** The width DVC pads a status word and its colon to ({@code CmdDataStatus.STATUS_LEN}). */
    private static final int STATUS_WIDTH = 20;

    private DataCommand() {}

    /** The repository holding {@code folder}: the nearest folder, from {@code folder} upward, with {@code .dvc/}. */
    static Optional<Path> findRoot(Path folder) {
        Path start = folder.toAbsolutePath().normalize();
        for (Path candidate = start; candidate != null; candidate = candidate.getParent()) {
            if (Files.isDirectory(candidate.resolve(DVC_FOLDER))) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** A data command: runs in the environment's working directory, prints text or {@code --json}. */
    abstract static class DataSubcommand implements Callable<Integer> {
        @Option(names = "--json", description = "Print JSON instead of text.")
        boolean json;

        @Spec
        CommandSpec spec;

        final Environment environment;

        DataSubcommand(Environment environment) {
            this.environment = requireNonNull(environment, "environment is null");
        }

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            int exitCode = run(out);
            out.flush();
            return exitCode;
        }

        /** @return the exit code */
        abstract int run(PrintWriter out) throws Exception;

        /**
         * Opens the repository the working directory is in.
         *
         * @throws SlipwayException RESOURCE_DOES_NOT_EXIST when no folder from there upward holds {@code .dvc/}
         */
        Repository openRepository() {
            Path root = findRoot(environment.workingDirectory()).orElseThrow(() -> SlipwayException.notFound(
                    "'%s' is not inside a DVC repository (no '.dvc' folder in it or above it); run 'slipway data init'"
                            + " in the repository's top folder first", environment.workingDirectory()));
            return Repository.open(root);
        }

        /**
         * The pointer file of a target given on the command line: the {@code .dvc} file itself, or the tracked
         * file or folder beside its {@code <name>.dvc}.
         *
         * @throws SlipwayException RESOURCE_DOES_NOT_EXIST when there is no such pointer file
         */
        Path pointerFile(String target) {
            Path absolute = environment.resolve(target);
            Path named = absolute.getFileName() == null ? absolute : absolute.getFileName();
            if (named.toString().endsWith(POINTER_SUFFIX) && Files.isRegularFile(absolute)) {
                return absolute;
            }
            Path sibling = absolute.resolveSibling(named + POINTER_SUFFIX);
            if (Files.isRegularFile(sibling)) {
                return sibling;
            }
            throw SlipwayException.notFound("'%s' is not tracked: neither it nor '%s' is a .dvc pointer file",
                    target, display(sibling));
        }

        List<Path> pointerFiles(List<String> targets) {
            return targets.stream().map(this::pointerFile).distinct().toList();
        }

        /** A path as the user sees it: relative to the working directory when inside it, '/'-separated. */
        String display(Path absolute) {
            Path relative = absolute.startsWith(environment.workingDirectory())
                    ? environment.workingDirectory().relativize(absolute) : absolute;
            String text = relative.toString().replace('\\', '/');
            return text.isEmpty() ? "." : text;
        }

        /** The workspace path of an output of a pointer file, as the user sees it. */
        String outputPath(OutputStatus status) {
            return display(status.dvcFile().resolveSibling(status.path()).normalize());
        }

        /** As {@link #outputPath}, with a '/' after folders, as {@code dvc checkout} lists them. */
        String outputPathMarkingFolders(OutputStatus status) {
            Path output = status.dvcFile().resolveSibling(status.path()).normalize();
            return display(output) + (Files.isDirectory(output) ? "/" : "");
        }
    }

    @Command(name = "init", description = "Make the working directory a DVC repository: .dvc/ with config, "
            + ".gitignore and cache, and .dvcignore. Run it in the top folder of a Git repository, or use --no-scm.")
    static final class Init extends DataSubcommand {
        @Option(names = "--no-scm", description = "Initialise without Git (DVC's core.no_scm): for folders that "
                + "are not a Git repository.")
        boolean noScm;

        Init(Environment environment) {
            super(environment);
        }

        @Override
        int run(PrintWriter out) throws IOException {
            Path root = environment.workingDirectory();
            if (!noScm && !Files.exists(root.resolve(".git"))) {
                throw new SlipwayException(ErrorCode.INVALID_STATE, String.format("'%s' is not the top folder of a "
                        + "Git repository (no '.git'); run 'git init' first, or use --no-scm", root));
            }
            try (Repository repository = Repository.init(root)) {
                if (noScm) {
                    Files.writeString(root.resolve(DVC_FOLDER).resolve("config"), "[core]\n    no_scm = True\n", UTF_8);
                }
            }
            if (json) {
                ObjectNode result = TrackingCommand.json().createObjectNode();
                result.put("root", root.toString());
                result.put("no_scm", noScm);
                TrackingCommand.printJson(out, result);
                return 0;
            }
            out.println("Initialized DVC repository.");
            if (!noScm) {
                out.println();
                out.println("You can now commit the changes to git.");
            }
            return 0;
        }
    }

    @Command(name = "add", description = "Track files or folders: store their content in the cache, write "
            + "<target>.dvc beside each and list it in the .gitignore of its folder.")
    static final class Add extends DataSubcommand {
        @Parameters(arity = "1..*", paramLabel = "TARGET", description = "Files or folders to track.")
        List<String> targets = List.of();

        @Option(names = "--no-progress", description = "Do not draw a progress bar.")
        boolean noProgress;

        Add(Environment environment) {
            super(environment);
        }

        @Override
        int run(PrintWriter out) {
            List<Path> pointerFiles = new ArrayList<>();
            Set<String> toStage = new LinkedHashSet<>();
            boolean git;
            try (Repository repository = openRepository();
                    Progress progress = Progress.start("Adding", "targets", OptionalLong.of(targets.size()),
                            !noProgress && !json)) {
                git = Files.exists(repository.root().resolve(".git"));
                for (String target : targets) {
                    Path absolute = environment.resolve(target);
                    Path pointerFile = repository.add(relativeTo(repository.root(), absolute));
                    pointerFiles.add(pointerFile);
                    toStage.add(display(pointerFile));
                    toStage.add(display(pointerFile.resolveSibling(".gitignore")));
                    progress.stepTo(pointerFiles.size());
                }
            }
            if (json) {
                ObjectNode result = TrackingCommand.json().createObjectNode();
                ArrayNode added = result.putArray("added");
                for (int i = 0; i < targets.size(); i++) {
                    added.addObject().put("path", display(environment.resolve(targets.get(i))))
                            .put("dvc_file", display(pointerFiles.get(i)));
                }
                TrackingCommand.printJson(out, result);
                return 0;
            }
            if (git) {
                out.println();
                out.println("To track the changes with git, run:");
                out.println();
                out.println("\tgit add " + String.join(" ", toStage));
            }
            return 0;
        }

        /** The path relative to the repository root when inside it, so that messages name it as the user does. */
        private static Path relativeTo(Path root, Path absolute) {
            return absolute.startsWith(root) ? root.relativize(absolute) : absolute;
        }
    }

    @Command(name = "status", description = "Show tracked outputs whose workspace copy or cache object differs "
            + "from their .dvc file (modified, deleted, not in cache); all when no target is given.")
    static final class Status extends DataSubcommand {
        @Parameters(arity = "0..*", paramLabel = "TARGET", description = "Tracked files, folders or .dvc files.")
        List<String> targets = List.of();

        @Option(names = {"-q", "--quiet"}, description = "Print nothing; exit 1 when something changed, else 0.")
        boolean quiet;

        Status(Environment environment) {
            super(environment);
        }

        @Override
        int run(PrintWriter out) {
            List<OutputStatus> changes;
            try (Repository repository = openRepository()) {
                changes = repository.status(pointerFiles(targets));
            }
            // DVC's shape: {pointer file: [{"changed outs": {output: word}}]}
            Map<String, Map<String, String>> byPointerFile = new LinkedHashMap<>();
            for (OutputStatus change : changes) {
                byPointerFile.computeIfAbsent(display(change.dvcFile()), key -> new LinkedHashMap<>())
                        .put(outputPath(change), change.change().dvcWord());
            }
            if (json) {
                ObjectNode result = TrackingCommand.json().createObjectNode();
                byPointerFile.forEach((pointerFile, outputs) -> {
                    ObjectNode changedOuts = result.putArray(pointerFile).addObject().putObject("changed outs");
                    outputs.forEach(changedOuts::put);
                });
                TrackingCommand.printJson(out, result);
                return 0;
            }
            if (quiet) {
                return changes.isEmpty() ? 0 : 1;
            }
            if (changes.isEmpty()) {
                out.println("Data and pipelines are up to date.");
                return 0;
            }
            byPointerFile.forEach((pointerFile, outputs) -> {
                out.println(pointerFile + ":");
                out.println("\tchanged outs:");
                outputs.forEach((output, word) -> out.println("\t\t" + padded(word + ":") + output));
            });
            return 0;
        }

        private static String padded(String label) {
            return label.length() >= STATUS_WIDTH ? label + " " : label + " ".repeat(STATUS_WIDTH - label.length());
        }
    }

    @Command(name = "commit", description = "Record the workspace content of tracked outputs as their new version: "
            + "store it in the cache and rewrite their .dvc files; all changed ones when no target is given.")
    static final class Commit extends DataSubcommand {
        @Parameters(arity = "0..*", paramLabel = "TARGET", description = "Tracked files, folders or .dvc files.")
        List<String> targets = List.of();

        @Option(names = "--no-progress", description = "Do not draw a progress bar.")
        boolean noProgress;

        Commit(Environment environment) {
            super(environment);
        }

        @Override
        int run(PrintWriter out) {
            List<Path> committed = new ArrayList<>();
            try (Repository repository = openRepository()) {
                List<Path> pointerFiles = targets.isEmpty()
                        ? repository.status(List.of()).stream().map(OutputStatus::dvcFile).distinct().toList()
                        : pointerFiles(targets);
                try (Progress progress = Progress.start("Committing", "files", OptionalLong.of(pointerFiles.size()),
                        !noProgress && !json)) {
                    for (Path pointerFile : pointerFiles) {
                        repository.commit(pointerFile);
                        committed.add(pointerFile);
                        progress.stepTo(committed.size());
                    }
                }
            }
            if (json) {
                ObjectNode result = TrackingCommand.json().createObjectNode();
                ArrayNode files = result.putArray("committed");
                committed.forEach(file -> files.add(display(file)));
                TrackingCommand.printJson(out, result);
                return 0;
            }
            if (committed.isEmpty()) {
                out.println("Nothing to commit: data is up to date.");
            }
            committed.forEach(file -> out.println("Committed " + display(file)));
            return 0;
        }
    }

    @Command(name = "checkout", description = "Restore tracked outputs in the workspace from the cache, as their "
            + ".dvc files record them; all when no target is given. Prints A (added) or M (modified) per output.")
    static final class Checkout extends DataSubcommand {
        @Parameters(arity = "0..*", paramLabel = "TARGET", description = "Tracked files, folders or .dvc files.")
        List<String> targets = List.of();

        @Option(names = "--no-progress", description = "Do not draw a progress bar.")
        boolean noProgress;

        Checkout(Environment environment) {
            super(environment);
        }

        @Override
        int run(PrintWriter out) {
            List<OutputStatus> before;
            try (Repository repository = openRepository()) {
                List<Path> pointerFiles = pointerFiles(targets);
                before = repository.status(pointerFiles);
                // an output whose workspace copy matches needs nothing, even when its object left the cache
                List<Path> toRestore = pointerFiles.isEmpty()
                        ? before.stream().filter(change -> change.change() != OutputStatus.Change.NOT_IN_CACHE)
                                .map(OutputStatus::dvcFile).distinct().toList()
                        : pointerFiles;
                if (!toRestore.isEmpty()) {
                    try (Progress progress = Progress.start("Checking out", "files", OptionalLong.of(toRestore.size()),
                            !noProgress && !json)) {
                        for (int i = 0; i < toRestore.size(); i++) {
                            checkout(repository, toRestore.get(i));
                            progress.stepTo(i + 1);
                        }
                    }
                }
            }
            List<String> added = new ArrayList<>();
            List<String> modified = new ArrayList<>();
            for (OutputStatus change : before) {
                switch (change.change()) {
                    case DELETED -> added.add(outputPathMarkingFolders(change));
                    case MODIFIED -> modified.add(outputPathMarkingFolders(change));
                    case NOT_IN_CACHE -> { }
                }
            }
            if (json) {
                ObjectNode result = TrackingCommand.json().createObjectNode();
                added.forEach(result.putArray("added")::add);
                modified.forEach(result.putArray("modified")::add);
                TrackingCommand.printJson(out, result);
                return 0;
            }
            added.forEach(path -> out.println("A\t" + path));
            modified.forEach(path -> out.println("M\t" + path));
            return 0;
        }

        /** Checks out one pointer file, naming it in the error when its objects are missing or corrupted. */
        private void checkout(Repository repository, Path pointerFile) {
            try {
                repository.checkout(List.of(pointerFile));
            } catch (SlipwayException e) {
                String hint = e.errorCode() == ErrorCode.RESOURCE_DOES_NOT_EXIST
                        ? "; fetch it from a remote with 'slipway pull'" : "";
                throw new SlipwayException(e.errorCode(),
                        String.format("Cannot check out '%s': %s%s", display(pointerFile), e.getMessage(), hint), e);
            }
        }
    }

    /** Options of the commands that move objects to or from a remote. */
    abstract static class TransferSubcommand extends DataSubcommand {
        @Parameters(arity = "0..*", paramLabel = "TARGET", description = "Tracked files, folders or .dvc files; "
                + "all when none is given.")
        List<String> targets = List.of();

        @Option(names = {"-r", "--remote"}, paramLabel = "NAME", description = "The remote (default: core.remote).")
        Optional<String> remote = Optional.empty();

        @Option(names = {"-j", "--jobs"}, paramLabel = "N", description = "Objects moved at once (default: 4 per "
                + "processor).")
        Optional<Integer> jobs = Optional.empty();

        @Option(names = "--no-progress", description = "Do not draw a progress bar.")
        boolean noProgress;

        TransferSubcommand(Environment environment) {
            super(environment);
        }

        int jobs() {
            if (jobs.isPresent() && jobs.get() < 1) {
                throw new ParameterException(spec.commandLine(), "--jobs must be at least 1, got " + jobs.get());
            }
            return jobs.orElse(Transfers.defaultJobs());
        }

        /** Runs {@code transfer} with a byte progress bar named {@code task}. */
        Transfers.Result withProgress(String task, Function<Transfers.Progress, Transfers.Result> transfer) {
            try (Progress progress = Progress.start(task, "B", OptionalLong.empty(), !noProgress && !json)) {
                return transfer.apply((done, total) -> {
                    progress.total(total);
                    progress.stepTo(done);
                });
            }
        }

        List<Path> targetPaths() {
            return targets.stream().map(environment::resolve).toList();
        }

        static ObjectNode resultJson(Transfers.Result result) {
            ObjectNode node = TrackingCommand.json().createObjectNode();
            node.put("transferred", result.transferred());
            node.put("already_present", result.alreadyPresent());
            node.put("bytes", result.bytes());
            return node;
        }

        static String files(int count) {
            return count + (count == 1 ? " file" : " files");
        }
    }

    @Command(name = "push", description = "Upload the cache objects of tracked outputs that the remote lacks "
            + "(a folder's files before its listing).")
    static final class Push extends TransferSubcommand {
        Push(Environment environment) {
            super(environment);
        }

        @Override
        int run(PrintWriter out) {
            int jobs = jobs();
            Transfers.Result result;
            try (Repository repository = openRepository(); Remote target = repository.openRemote(remote)) {
                result = withProgress("Pushing", progress -> repository.push(target, targetPaths(), jobs, progress));
            }
            if (json) {
                TrackingCommand.printJson(out, resultJson(result));
            } else if (result.transferred() == 0) {
                out.println("Everything is up to date.");
            } else {
                out.println(files(result.transferred()) + " pushed");
            }
            return 0;
        }
    }

    @Command(name = "fetch", description = "Download into the cache the objects of tracked outputs that it lacks, "
            + "each verified; the workspace is left as it is.")
    static final class Fetch extends TransferSubcommand {
        Fetch(Environment environment) {
            super(environment);
        }

        @Override
        int run(PrintWriter out) {
            int jobs = jobs();
            Transfers.Result result;
            try (Repository repository = openRepository(); Remote source = repository.openRemote(remote)) {
                result = withProgress("Fetching", progress -> repository.fetch(source, targetPaths(), jobs, progress));
            }
            if (json) {
                TrackingCommand.printJson(out, resultJson(result));
            } else if (result.transferred() == 0) {
                out.println("Everything is up to date.");
            } else {
                out.println(files(result.transferred()) + " fetched");
            }
            return 0;
        }
    }

    @Command(name = "pull", description = "fetch, then checkout: download missing objects and restore the "
            + "workspace. Prints A (added) or M (modified) per output.")
    static final class Pull extends TransferSubcommand {
        Pull(Environment environment) {
            super(environment);
        }

        @Override
        int run(PrintWriter out) {
            int jobs = jobs();
            Transfers.Result result;
            List<OutputStatus> before;
            try (Repository repository = openRepository(); Remote source = repository.openRemote(remote)) {
                before = repository.status(pointerFiles(targets)).stream()
                        .filter(change -> change.change() != OutputStatus.Change.NOT_IN_CACHE).toList();
                result = withProgress("Pulling", progress -> repository.pull(source, targetPaths(), jobs, progress));
            }
            List<String> added = new ArrayList<>();
            List<String> modified = new ArrayList<>();
            for (OutputStatus change : before) {
                (change.change() == OutputStatus.Change.DELETED ? added : modified)
                        .add(outputPathMarkingFolders(change));
            }
            if (json) {
                ObjectNode node = resultJson(result);
                added.forEach(node.putArray("added")::add);
                modified.forEach(node.putArray("modified")::add);
                TrackingCommand.printJson(out, node);
                return 0;
            }
            added.forEach(path -> out.println("A\t" + path));
            modified.forEach(path -> out.println("M\t" + path));
            if (result.transferred() == 0 && before.isEmpty()) {
                out.println("Everything is up to date.");
            } else {
                out.println(files(result.transferred()) + " fetched, " + (added.size() + modified.size())
                        + " outputs checked out");
            }
            return 0;
        }
    }

    @Command(name = "gc", description = "Remove cache objects that no .dvc file in the workspace references "
            + "(with --cloud, from the remote too).")
    static final class CollectGarbage extends DataSubcommand {
        @Option(names = {"-w", "--workspace"}, description = "Keep only what the workspace's .dvc files reference "
                + "(required: the only scope supported so far).")
        boolean workspace;

        @Option(names = {"-c", "--cloud"}, description = "Also remove unreferenced objects from the remote.")
        boolean cloud;

        @Option(names = {"-r", "--remote"}, paramLabel = "NAME", description = "The remote for --cloud "
                + "(default: core.remote).")
        Optional<String> remote = Optional.empty();

        @Option(names = "--dry", description = "Only list what would be removed.")
        boolean dryRun;

        CollectGarbage(Environment environment) {
            super(environment);
        }

        @Override
        int run(PrintWriter out) {
            if (!workspace) {
                throw new ParameterException(spec.commandLine(), "gc needs a scope: -w/--workspace");
            }
            if (remote.isPresent() && !cloud) {
                throw new ParameterException(spec.commandLine(), "--remote needs --cloud");
            }
            List<HashInfo> local;
            List<HashInfo> remoteRemoved = List.of();
            try (Repository repository = openRepository()) {
                local = repository.collectGarbage(dryRun);
                if (cloud) {
                    try (Remote target = repository.openRemote(remote)) {
                        remoteRemoved = repository.collectGarbage(target, dryRun);
                    }
                }
            }
            if (json) {
                ObjectNode node = TrackingCommand.json().createObjectNode();
                node.put("dry_run", dryRun);
                ArrayNode fromCache = node.putArray("cache");
                local.forEach(hash -> fromCache.add(hash.value()));
                ArrayNode fromRemote = node.putArray("remote");
                remoteRemoved.forEach(hash -> fromRemote.add(hash.value()));
                TrackingCommand.printJson(out, node);
                return 0;
            }
            report(out, local, "the local cache");
            if (cloud) {
                report(out, remoteRemoved, "the remote");
            }
            return 0;
        }

        private void report(PrintWriter out, List<HashInfo> objects, String location) {
            if (dryRun) {
                objects.forEach(hash -> out.println("Would remove " + hash.value()));
                out.println(objects(objects.size()) + " would be removed from " + location + ".");
            } else if (objects.isEmpty()) {
                out.println("No unused objects to remove from " + location + ".");
            } else {
                out.println("Removed " + objects(objects.size()) + " from " + location + ".");
            }
        }

        private static String objects(int count) {
            return count + (count == 1 ? " object" : " objects");
        }
    }

    @Command(name = "remote", description = "Configure remotes: add, list.",
            subcommands = {RemoteCommand.AddRemote.class, RemoteCommand.ListRemotes.class})
    static final class RemoteCommand {
        private RemoteCommand() {}

        @Command(name = "add", description = "Add a remote to .dvc/config (or .dvc/config.local with --local).")
        static final class AddRemote extends DataSubcommand {
            @Parameters(index = "0", paramLabel = "NAME", description = "The remote's name.")
            String name;

            @Parameters(index = "1", paramLabel = "URL", description = "A folder (absolute, or relative to .dvc/) "
                    + "or s3://bucket/prefix.")
            String url;

            @Option(names = {"-d", "--default"}, description = "Make it the default remote (core.remote).")
            boolean makeDefault;

            @Option(names = {"-f", "--force"}, description = "Replace the URL of an existing remote of that name.")
            boolean force;

            @Option(names = "--local", description = "Write to .dvc/config.local (not committed), e.g. for secrets.")
            boolean local;

            AddRemote(Environment environment) {
                super(environment);
            }

            @Override
            int run(PrintWriter out) {
                Path root;
                try (Repository repository = openRepository()) {
                    root = repository.root();
                }
                DvcConfig.addRemote(root.resolve(DVC_FOLDER).resolve(local ? "config.local" : "config"), name, url,
                        makeDefault, force);
                if (json) {
                    ObjectNode node = TrackingCommand.json().createObjectNode();
                    node.put("name", name).put("url", url).put("default", makeDefault);
                    TrackingCommand.printJson(out, node);
                } else if (makeDefault) {
                    out.println("Setting '" + name + "' as a default remote.");
                }
                return 0;
            }
        }

        @Command(name = "list", description = "List the remotes: name and URL, one a line.")
        static final class ListRemotes extends DataSubcommand {
            ListRemotes(Environment environment) {
                super(environment);
            }

            @Override
            int run(PrintWriter out) {
                DvcConfig config;
                try (Repository repository = openRepository()) {
                    config = repository.config();
                }
                Optional<String> defaultRemote = config.defaultRemote();
                if (json) {
                    ArrayNode remotes = TrackingCommand.json().createArrayNode();
                    for (String remoteName : config.remoteNames()) {
                        remotes.addObject().put("name", remoteName)
                                .put("url", config.remote(remoteName).getOrDefault("url", ""))
                                .put("default", defaultRemote.filter(remoteName::equals).isPresent());
                    }
                    TrackingCommand.printJson(out, remotes);
                    return 0;
                }
                for (String remoteName : config.remoteNames()) {
                    out.println(remoteName + "\t" + config.remote(remoteName).getOrDefault("url", ""));
                }
                return 0;
            }
        }
    }
}
