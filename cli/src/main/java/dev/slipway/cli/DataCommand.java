package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.data.CheckoutChange;
import dev.slipway.data.CloudStatus;
import dev.slipway.data.ConfigFiles;
import dev.slipway.data.ConfigLevel;
import dev.slipway.data.DataDiff;
import dev.slipway.data.DvcConfig;
import dev.slipway.data.GitHistory;
import dev.slipway.data.HashInfo;
import dev.slipway.data.LocalCache;
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
        + "remote, push, pull, fetch, gc, verify, ls, diff.")
final class DataCommand {
    /**
     * The subcommands, in the order help lists them. {@link Main} adds them rather than the annotation, and only the
     * one a run names: picocli reads every option of every subcommand an annotation lists (about 50 ms of each data
     * command's start).
     */
    static final List<Class<?>> SUBCOMMANDS = List.of(Init.class, Add.class, Status.class, Commit.class,
            Checkout.class, RemoteCommand.class, Push.class, Pull.class, Fetch.class, CollectGarbage.class,
            Verify.class, ListOutputs.class, Diff.class, DataLineageCommand.LogVersion.class,
            DataLineageCommand.Lineage.class);

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
            return Interruption.run(environment, spec, () -> run(spec.commandLine().getOut()));
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
            return Repository.open(root, environment.variables());
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

        /** Draws hashed (or moved) bytes on {@code progress}. */
        static Transfers.Progress bytes(Progress progress) {
            return (done, total) -> {
                progress.total(total);
                progress.stepTo(done);
            };
        }

        /** The workspace path of a checked-out output, with a '/' after folders, as {@code dvc checkout} lists it. */
        String outputPath(CheckoutChange change) {
            return display(change.dvcFile().resolveSibling(change.path()).normalize()) + (change.directory() ? "/" : "");
        }

        /** {@code "added"} and {@code "modified"} arrays of output paths (empty arrays when none). */
        void putChanges(ObjectNode node, List<CheckoutChange> changes) {
            for (CheckoutChange.Kind kind : List.of(CheckoutChange.Kind.ADDED, CheckoutChange.Kind.MODIFIED)) {
                ArrayNode paths = node.putArray(kind == CheckoutChange.Kind.ADDED ? "added" : "modified");
                changes.stream().filter(change -> change.kind() == kind).map(this::outputPath).forEach(paths::add);
            }
        }

        /** DVC's lines: every {@code M<tab>path} first, then every {@code A<tab>path}. */
        void printChanges(PrintWriter out, List<CheckoutChange> changes) {
            for (CheckoutChange.Kind kind : List.of(CheckoutChange.Kind.MODIFIED, CheckoutChange.Kind.ADDED)) {
                changes.stream().filter(change -> change.kind() == kind)
                        .forEach(change -> out.println(kind.letter() + "\t" + outputPath(change)));
            }
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
            Repository.init(root, noScm).close();
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

        @Option(names = "--log", description = "Also record each added version in the tracking server "
                + "(see 'slipway data log-version').")
        boolean log;

        @picocli.CommandLine.Mixin
        TrackingOptions trackingOptions;

        Add(Environment environment) {
            super(environment);
        }

        @Override
        int run(PrintWriter out) {
            List<Path> pointerFiles = new ArrayList<>();
            Set<String> toStage = new LinkedHashSet<>();
            boolean git;
            try (Repository repository = openRepository()) {
                git = Files.exists(repository.root().resolve(".git"));
                for (String target : targets) {
                    Path absolute = environment.resolve(target);
                    Path pointerFile;
                    try (Progress progress = Progress.start("Adding " + target, "B", OptionalLong.empty(),
                            !noProgress && !json)) {
                        pointerFile = repository.add(relativeTo(repository.root(), absolute), bytes(progress));
                    }
                    pointerFiles.add(pointerFile);
                    toStage.add(display(pointerFile));
                    toStage.add(display(pointerFile.resolveSibling(".gitignore")));
                }
            }
            List<String> logged = log ? DataLineageCommand.logVersions(trackingOptions, environment,
                    targets.stream().map(environment::resolve).toList()) : List.of();
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
            logged.forEach(out::println);
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

        @Option(names = {"-c", "--cloud"}, description = "Compare the local cache with a remote instead: objects "
                + "new (only in the cache), deleted (only on the remote) or missing (in neither).")
        boolean cloud;

        @Option(names = {"-r", "--remote"}, paramLabel = "NAME", description = "The remote for --cloud (default: "
                + "core.remote); implies --cloud.")
        Optional<String> remote = Optional.empty();

        Status(Environment environment) {
            super(environment);
        }

        @Override
        int run(PrintWriter out) {
            if (cloud || remote.isPresent()) {
                return runCloud(out);
            }
            List<OutputStatus> changes;
            List<dev.slipway.pipeline.StageStatus> stages;
            try (Repository repository = openRepository()) {
                changes = repository.status(pointerFiles(targets));
                stages = targets.isEmpty() ? PipelineCommand.stageStatus(repository, environment) : List.of();
            }
            // DVC's shape: {pointer file: [{"changed outs": {output: word}}]}
            Map<String, Map<String, String>> byPointerFile = new LinkedHashMap<>();
            for (OutputStatus change : changes) {
                byPointerFile.computeIfAbsent(display(change.dvcFile()), key -> new LinkedHashMap<>())
                        .put(outputPath(change), change.change().dvcWord());
            }
            if (json) {
                ObjectNode result = TrackingCommand.json().createObjectNode();
                PipelineCommand.addJson(result, stages);
                byPointerFile.forEach((pointerFile, outputs) -> {
                    ObjectNode changedOuts = result.putArray(pointerFile).addObject().putObject("changed outs");
                    outputs.forEach(changedOuts::put);
                });
                TrackingCommand.printJson(out, result);
                return 0;
            }
            if (quiet) {
                return changes.isEmpty() && stages.isEmpty() ? 0 : 1;
            }
            if (changes.isEmpty() && stages.isEmpty()) {
                out.println("Data and pipelines are up to date.");
                return 0;
            }
            PipelineCommand.print(out, stages);
            byPointerFile.forEach((pointerFile, outputs) -> {
                out.println(pointerFile + ":");
                out.println("\tchanged outs:");
                outputs.forEach((output, word) -> out.println("\t\t" + padded(word + ":") + output));
            });
            return 0;
        }

        private int runCloud(PrintWriter out) {
            List<CloudStatus.Entry> entries;
            String remoteName;
            try (Repository repository = openRepository(); Remote opened = repository.openRemote(remote)) {
                remoteName = opened.name();
                entries = CloudStatus.compare(repository, opened, pointerFiles(targets));
            }
            if (json) {
                ObjectNode result = TrackingCommand.json().createObjectNode();
                entries.forEach(entry -> result.put(entry.name(), entry.state().dvcWord()));
                TrackingCommand.printJson(out, result);
                return 0;
            }
            if (quiet) {
                return entries.isEmpty() ? 0 : 1;
            }
            if (entries.isEmpty()) {
                out.println("Cache and remote '" + remoteName + "' are in sync.");
                return 0;
            }
            entries.forEach(entry -> out.println("\t" + padded(entry.state().dvcWord() + ":") + entry.name()));
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
                for (Path pointerFile : pointerFiles) {
                    try (Progress progress = Progress.start("Committing " + display(pointerFile), "B",
                            OptionalLong.empty(), !noProgress && !json)) {
                        repository.commit(pointerFile, bytes(progress));
                    }
                    committed.add(pointerFile);
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
            List<CheckoutChange> changes = new ArrayList<>();
            try (Repository repository = openRepository()) {
                List<Path> pointerFiles = targets.isEmpty() ? repository.dvcFiles() : pointerFiles(targets);
                // an output whose workspace copy matches is left alone, even when its object left the cache
                try (Progress progress = Progress.start("Checking out", "files", OptionalLong.of(pointerFiles.size()),
                        !noProgress && !json)) {
                    for (int i = 0; i < pointerFiles.size(); i++) {
                        changes.addAll(checkout(repository, pointerFiles.get(i)));
                        progress.stepTo(i + 1);
                    }
                }
            }
            if (json) {
                ObjectNode result = TrackingCommand.json().createObjectNode();
                putChanges(result, changes);
                TrackingCommand.printJson(out, result);
                return 0;
            }
            printChanges(out, changes);
            return 0;
        }

        /** Checks out one pointer file, naming it in the error when its objects are missing or corrupted. */
        private List<CheckoutChange> checkout(Repository repository, Path pointerFile) {
            try {
                return repository.checkout(List.of(pointerFile));
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
                + "processor, as DVC; with the native MD5 kernel at least 8 per processor up to 4 processors).")
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

        /** As {@link #withProgress}, for a pull. */
        Repository.Pulled withPullProgress(Function<Transfers.Progress, Repository.Pulled> pull) {
            try (Progress progress = Progress.start("Pulling", "B", OptionalLong.empty(), !noProgress && !json)) {
                return pull.apply((done, total) -> {
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
        @Option(names = "--log", description = "Also record each pushed version in the tracking server "
                + "(see 'slipway data log-version').")
        boolean log;

        @picocli.CommandLine.Mixin
        TrackingOptions trackingOptions;

        Push(Environment environment) {
            super(environment);
        }

        @Override
        int run(PrintWriter out) {
            int jobs = jobs();
            Transfers.Result result;
            List<Path> pushed = List.of();
            try (Repository repository = openRepository(); Remote target = repository.openRemote(remote)) {
                result = withProgress("Pushing", progress -> repository.push(target, targetPaths(), jobs, progress));
                if (log) { // the outputs to record; otherwise the pointer files are not looked for twice
                    pushed = targets.isEmpty()
                            ? repository.trackedOutputs(Optional.empty()).stream().map(Repository.TrackedOutput::path)
                                    .toList()
                            : targetPaths();
                }
            }
            List<String> logged = log ? DataLineageCommand.logVersions(trackingOptions, environment, pushed)
                    : List.of();
            if (json) {
                TrackingCommand.printJson(out, resultJson(result));
                return 0;
            }
            if (result.transferred() == 0) {
                out.println("Everything is up to date.");
            } else {
                out.println(files(result.transferred()) + " pushed");
            }
            logged.forEach(out::println);
            return 0;
        }
    }

    /** A transfer into the cache, which may take hard links to a folder remote's objects. */
    abstract static class DownloadSubcommand extends TransferSubcommand {
        @Option(names = "--no-hardlinks", description = "Copy the objects of a folder remote on the cache's file "
                + "system instead of taking hard links to them (as git clone --no-hardlinks); links are only taken "
                + "when the checkout copies (cache.type reflink,copy or copy, where reflink fails).")
        boolean noHardlinks;

        DownloadSubcommand(Environment environment) {
            super(environment);
        }
    }

    @Command(name = "fetch", description = "Download into the cache the objects of tracked outputs that it lacks, "
            + "each verified; the workspace is left as it is.")
    static final class Fetch extends DownloadSubcommand {
        Fetch(Environment environment) {
            super(environment);
        }

        @Override
        int run(PrintWriter out) {
            int jobs = jobs();
            Transfers.Result result;
            try (Repository repository = openRepository(); Remote source = repository.openRemote(remote)) {
                result = withProgress("Fetching", progress -> repository.fetch(source, targetPaths(), jobs, progress,
                        !noHardlinks));
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
    static final class Pull extends DownloadSubcommand {
        Pull(Environment environment) {
            super(environment);
        }

        @Override
        int run(PrintWriter out) {
            int jobs = jobs();
            Repository.Pulled pulled;
            try (Repository repository = openRepository(); Remote source = repository.openRemote(remote)) {
                pulled = withPullProgress(progress -> repository.pull(source, targetPaths(), jobs, progress,
                        !noHardlinks));
            }
            Transfers.Result result = pulled.transfer();
            if (json) {
                ObjectNode node = resultJson(result);
                putChanges(node, pulled.checkedOut());
                TrackingCommand.printJson(out, node);
                return 0;
            }
            printChanges(out, pulled.checkedOut());
            if (result.transferred() == 0 && pulled.checkedOut().isEmpty()) {
                out.println("Everything is up to date.");
            } else {
                out.println(files(result.transferred()) + " fetched, " + pulled.checkedOut().size()
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

        @Option(names = {"-A", "--all-commits"}, description = "Also keep what the pointer files (.dvc, dvc.lock) "
                + "of every Git commit reference.")
        boolean allCommits;

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
            if (!workspace && !allCommits) {
                throw new ParameterException(spec.commandLine(), "gc needs a scope: -w/--workspace or -A/--all-commits");
            }
            if (remote.isPresent() && !cloud) {
                throw new ParameterException(spec.commandLine(), "--remote needs --cloud");
            }
            List<HashInfo> local;
            List<HashInfo> remoteRemoved = List.of();
            try (Repository repository = openRepository()) {
                Set<HashInfo> history = allCommits ? new GitHistory(repository.root()).referencedObjects() : Set.of();
                local = repository.collectGarbage(history, dryRun);
                if (cloud) {
                    try (Remote target = repository.openRemote(remote)) {
                        remoteRemoved = repository.collectGarbage(target, history, dryRun);
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

    @Command(name = "ls", description = "List tracked outputs as their .dvc files record them: md5, size in bytes, "
            + "number of files (folders) and path; below PATH only when given.")
    static final class ListOutputs extends DataSubcommand {
        @Parameters(arity = "0..1", paramLabel = "PATH", description = "A folder or output to list (default: all).")
        Optional<String> path = Optional.empty();

        ListOutputs(Environment environment) {
            super(environment);
        }

        @Override
        int run(PrintWriter out) {
            List<Repository.TrackedOutput> outputs;
            try (Repository repository = openRepository()) {
                outputs = repository.trackedOutputs(path.map(environment::resolve));
            }
            if (json) {
                ArrayNode list = TrackingCommand.json().createArrayNode();
                for (Repository.TrackedOutput tracked : outputs) {
                    ObjectNode node = list.addObject();
                    node.put("path", display(tracked.path())).put("dvc_file", display(tracked.dvcFile()));
                    tracked.output().hash().ifPresentOrElse(hash -> node.put("md5", hash.value())
                            .put("hash", hash.name().dvcName()), () -> node.putNull("md5"));
                    tracked.output().size().ifPresentOrElse(size -> node.put("size", size), () -> node.putNull("size"));
                    tracked.output().fileCount().ifPresent(count -> node.put("nfiles", count));
                    node.put("isdir", tracked.output().hash().map(HashInfo::isDirectory).orElse(false));
                }
                TrackingCommand.printJson(out, list);
                return 0;
            }
            for (Repository.TrackedOutput tracked : outputs) {
                boolean folder = tracked.output().hash().map(HashInfo::isDirectory).orElse(false);
                out.println(tracked.output().hash().map(HashInfo::value).orElse("-") + "\t"
                        + tracked.output().size().map(String::valueOf).orElse("-") + "\t"
                        + tracked.output().fileCount().map(String::valueOf).orElse("-") + "\t"
                        + display(tracked.path()) + (folder ? "/" : ""));
            }
            return 0;
        }
    }

    @Command(name = "diff", description = "Show tracked files and folders that differ between two versions, as "
            + "dvc diff does: no revision compares HEAD with the workspace, one compares that revision with the "
            + "workspace, two compare A with B (both from Git).")
    static final class Diff extends DataSubcommand {
        @Parameters(arity = "0..2", paramLabel = "REV", description = "Git revisions: A (default HEAD), then B "
                + "(default: the workspace).")
        List<String> revisions = List.of();

        @Option(names = "--md", description = "Print a Markdown table.")
        boolean markdown;

        Diff(Environment environment) {
            super(environment);
        }

        @Override
        int run(PrintWriter out) {
            DataDiff diff;
            try (Repository repository = openRepository()) {
                diff = repository.diff(revisions);
            }
            Map<String, List<DataDiff.Entry>> states = new LinkedHashMap<>();
            states.put("added", diff.added());
            states.put("deleted", diff.deleted());
            states.put("modified", diff.modified());
            states.put("not in cache", diff.notInCache());
            if (json) {
                ObjectNode node = TrackingCommand.json().createObjectNode();
                states.forEach((state, entries) -> {
                    ArrayNode list = node.putArray(state);
                    for (DataDiff.Entry entry : entries) {
                        ObjectNode item = list.addObject().put("path", entry.path());
                        if (state.equals("modified")) {
                            item.putObject("hash").put("old", hashText(entry.oldHash()))
                                    .put("new", hashText(entry.newHash()));
                        } else {
                            item.put("hash", hashText(entry.newHash().or(entry::oldHash)));
                        }
                    }
                });
                node.putArray("renamed");
                TrackingCommand.printJson(out, node);
                return 0;
            }
            if (markdown) {
                printMarkdown(out, states);
                return 0;
            }
            if (diff.isEmpty() && diff.notInCache().isEmpty()) {
                return 0;
            }
            List<String> summary = new ArrayList<>();
            states.forEach((state, entries) -> {
                if (entries.isEmpty()) {
                    return;
                }
                out.println(Character.toUpperCase(state.charAt(0)) + state.substring(1) + ":");
                entries.forEach(entry -> out.println("    " + entry.path()));
                out.println();
                long files = entries.stream().filter(entry -> !entry.isDirectory()).count();
                if (files > 0) {
                    summary.add(files + " " + state);
                }
            });
            out.println("files summary: " + String.join(", ", summary));
            return 0;
        }

        /** DVC's {@code --md}: a pipe table of status and path, columns padded to their widest cell. */
        private static void printMarkdown(PrintWriter out, Map<String, List<DataDiff.Entry>> states) {
            List<String[]> rows = new ArrayList<>();
            states.forEach((state, entries) -> entries.forEach(entry -> rows.add(new String[] {state, entry.path()})));
            int statusWidth = "Status".length();
            int pathWidth = "Path".length();
            for (String[] row : rows) {
                statusWidth = Math.max(statusWidth, row[0].length());
                pathWidth = Math.max(pathWidth, row[1].length());
            }
            String format = "| %-" + statusWidth + "s | %-" + pathWidth + "s |";
            out.println(String.format(format, "Status", "Path"));
            out.println("|" + "-".repeat(statusWidth + 2) + "|" + "-".repeat(pathWidth + 2) + "|");
            rows.forEach(row -> out.println(String.format(format, row[0], row[1])));
        }

        private static String hashText(Optional<HashInfo> hash) {
            return hash.map(HashInfo::value).orElse(null);
        }
    }

    @Command(name = "verify", description = "Re-hash every object of the local cache and list those whose content "
            + "no longer matches their name (checkout refuses them). Exit 1 when any is corrupted.")
    static final class Verify extends DataSubcommand {
        Verify(Environment environment) {
            super(environment);
        }

        @Override
        int run(PrintWriter out) {
            LocalCache.Verification verification;
            try (Repository repository = openRepository()) {
                verification = repository.verifyCache();
            }
            int exitCode = verification.corrupted().isEmpty() ? 0 : 1;
            if (json) {
                ObjectNode node = TrackingCommand.json().createObjectNode();
                node.put("checked", verification.checked());
                ArrayNode corrupted = node.putArray("corrupted");
                for (LocalCache.Corruption corruption : verification.corrupted()) {
                    corrupted.addObject().put("md5", corruption.hash().value())
                            .put("hash", corruption.hash().name().dvcName())
                            .put("path", display(corruption.path()))
                            .put("actual_md5", corruption.actualMd5());
                }
                TrackingCommand.printJson(out, node);
                return exitCode;
            }
            for (LocalCache.Corruption corruption : verification.corrupted()) {
                out.println("corrupted: " + display(corruption.path()) + " (content hashes to "
                        + corruption.actualMd5() + ")");
            }
            String objects = verification.checked() + (verification.checked() == 1 ? " object" : " objects");
            out.println(verification.corrupted().isEmpty()
                    ? "Checked " + objects + ": all intact."
                    : "Checked " + objects + ": " + verification.corrupted().size() + " corrupted; remove them and "
                            + "pull them again, or re-add their outputs.");
            return exitCode;
        }
    }

    @Command(name = "remote", description = "Configure remotes: add, list.",
            subcommands = {RemoteCommand.AddRemote.class, RemoteCommand.ListRemotes.class})
    static final class RemoteCommand {
        private RemoteCommand() {}

        /** DVC's {@code --system}, {@code --global}, {@code --project} and {@code --local}: one config level. */
        static final class LevelOptions {
            @Option(names = "--system", description = "The system config (/etc/xdg/dvc/config, or "
                    + "$DVC_SYSTEM_CONFIG_DIR/config).")
            boolean system;

            @Option(names = "--global", description = "The user's config (~/.config/dvc/config, or "
                    + "$XDG_CONFIG_HOME/dvc/config, or $DVC_GLOBAL_CONFIG_DIR/config).")
            boolean global;

            @Option(names = "--project", description = "The repository's .dvc/config.")
            boolean project;

            @Option(names = "--local", description = "The repository's .dvc/config.local (not committed), e.g. for "
                    + "secrets.")
            boolean local;

            Optional<ConfigLevel> level() {
                return system ? Optional.of(ConfigLevel.SYSTEM)
                        : global ? Optional.of(ConfigLevel.GLOBAL)
                        : project ? Optional.of(ConfigLevel.REPO)
                        : local ? Optional.of(ConfigLevel.LOCAL)
                        : Optional.empty();
            }
        }

        /**
         * The config files: the repository's levels too when the working directory is in one; only the user
         * levels otherwise, which is enough for {@code --system} and {@code --global}.
         */
        static ConfigFiles configFiles(DataSubcommand command, boolean userLevelOnly) {
            ConfigFiles userLevels = ConfigFiles.userLevels(command.environment.variables());
            Optional<Path> root = findRoot(command.environment.workingDirectory());
            if (root.isEmpty() && userLevelOnly) {
                return userLevels;
            }
            Path repository = root.orElseThrow(() -> SlipwayException.notFound(
                    "'%s' is not inside a DVC repository (no '.dvc' folder in it or above it); only --global and "
                            + "--system work outside one", command.environment.workingDirectory()));
            return userLevels.withRepository(repository.resolve(DVC_FOLDER));
        }

        @Command(name = "add", description = "Add a remote to .dvc/config (or the level given: --local, --global, "
                + "--system).")
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

            @picocli.CommandLine.ArgGroup(exclusive = true)
            LevelOptions levelOptions = new LevelOptions();

            AddRemote(Environment environment) {
                super(environment);
            }

            @Override
            int run(PrintWriter out) {
                ConfigLevel level = levelOptions.level().orElse(ConfigLevel.REPO);
                ConfigFiles files = configFiles(this, level == ConfigLevel.SYSTEM || level == ConfigLevel.GLOBAL);
                DvcConfig.addRemote(files.file(level), name, url, makeDefault, force);
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

        @Command(name = "list", description = "List the remotes of every config level merged (or of the level "
                + "given): name and URL, one a line.")
        static final class ListRemotes extends DataSubcommand {
            @picocli.CommandLine.ArgGroup(exclusive = true)
            LevelOptions levelOptions = new LevelOptions();

            ListRemotes(Environment environment) {
                super(environment);
            }

            @Override
            int run(PrintWriter out) {
                Optional<ConfigLevel> level = levelOptions.level();
                boolean userLevel = level.filter(chosen -> chosen == ConfigLevel.SYSTEM
                        || chosen == ConfigLevel.GLOBAL).isPresent();
                ConfigFiles files = configFiles(this, userLevel);
                DvcConfig config = level.map(files::load).orElseGet(files::merged);
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
