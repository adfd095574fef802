package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.SlipwayException;
import dev.slipway.data.Repository;
import dev.slipway.pipeline.ChangeDetector;
import dev.slipway.pipeline.Pipeline;
import dev.slipway.pipeline.ReproOptions;
import dev.slipway.pipeline.ReproResult;
import dev.slipway.pipeline.Reproducer;
import dev.slipway.pipeline.Stage;
import dev.slipway.pipeline.StageListener;
import dev.slipway.pipeline.StageResult;
import dev.slipway.pipeline.StageStatus;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The pipeline commands: {@code repro} and {@code dag}; {@code status} adds the stages through {@link #stageStatus}. */
final class PipelineCommand {
    private static final int STATUS_WIDTH = 20;

    private PipelineCommand() {}

    /** The repository the working directory is in, and the {@code dvc.yaml} there (else at the repository's top). */
    private record Located(Path root, Optional<Path> pipelineFile) {}

    private static Located locate(Environment environment) {
        Path root = DataCommand.findRoot(environment.workingDirectory()).orElseThrow(() -> SlipwayException.notFound(
                "'%s' is not inside a DVC repository (no '.dvc' folder in it or above it); run 'slipway data init' "
                        + "in the repository's top folder first", environment.workingDirectory()));
        Path here = environment.workingDirectory().resolve(Pipeline.FILE_NAME);
        Path top = root.resolve(Pipeline.FILE_NAME);
        Optional<Path> file = Files.isRegularFile(here) ? Optional.of(here)
                : Files.isRegularFile(top) ? Optional.of(top) : Optional.empty();
        return new Located(root, file);
    }

    private static Pipeline load(Repository repository, Path file) {
        return Pipeline.load(file, repository.root(), repository.config());
    }

    /** Base of the pipeline commands: Ctrl-C interrupts the command's thread, which stops the stages' processes. */
    abstract static class PipelineSubcommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        final Environment environment;

        PipelineSubcommand(Environment environment) {
            this.environment = requireNonNull(environment, "environment is null");
        }

        @Override
        public Integer call() throws Exception {
            return Interruption.run(environment, spec, () -> run(spec.commandLine().getOut(), spec.commandLine().getErr()));
        }

        abstract int run(PrintWriter out, PrintWriter err);

        Pipeline requirePipeline(Repository repository) {
            Located located = locate(environment);
            return load(repository, located.pipelineFile().orElseThrow(() -> SlipwayException.notFound(
                    "No '%s' in '%s' or at the repository's top '%s'", Pipeline.FILE_NAME,
                    environment.workingDirectory(), located.root())));
        }

        Repository openRepository() {
            return Repository.open(locate(environment).root(), environment.variables());
        }
    }

    @Command(name = "repro", description = "Run the stages of dvc.yaml whose command, dependencies, params or outputs "
            + "changed (all, or those the targets need), in order, writing dvc.lock as DVC does; outputs of a "
            + "(command, dependencies, params) combination seen before are restored from the run-cache.")
    static final class Repro extends PipelineSubcommand {
        @Parameters(arity = "0..*", paramLabel = "STAGE", description = "Stages (name, dvc.yaml:name, or a foreach/"
                + "matrix group name); all stages when none.")
        List<String> targets = List.of();

        @Option(names = {"-f", "--force"}, description = "Run even stages that did not change (no run-cache).")
        boolean force;

        @Option(names = {"-s", "--single-item"}, description = "Only the given stages, not what they depend on.")
        boolean singleItem;

        @Option(names = "--downstream", description = "The given stages and the stages that depend on them.")
        boolean downstream;

        @Option(names = "--dry", description = "Print the stages that would run; run nothing.")
        boolean dry;

        @Option(names = {"-j", "--jobs"}, paramLabel = "N", description = "Stages to run at once when independent "
                + "(default: 1).")
        int jobs = 1;

        @Option(names = {"-k", "--keep-going"}, description = "After a failure, go on with the stages that do not "
                + "depend on the failed one.")
        boolean keepGoing;

        @Option(names = "--no-run-cache", description = "Run commands even when the run-cache has their outputs.")
        boolean noRunCache;

        @Mixin
        TrackingOptions trackingOptions;

        @Option(names = "--experiment", paramLabel = "NAME", description = "The experiment of the tracked run "
                + "(created if missing; default: the name of the project's folder).")
        Optional<String> experiment = Optional.empty();

        @Option(names = "--no-track", description = "Do not record the repro in the tracking server (by default it is "
                + "a run, with a child run per executed stage).")
        boolean noTrack;

        Repro(Environment environment) {
            super(environment);
        }

        @Override
        int run(PrintWriter out, PrintWriter err) {
            if (jobs < 1) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--jobs must be at least 1");
            }
            ReproOptions options = new ReproOptions(force, singleItem, downstream, dry, jobs, keepGoing, noRunCache,
                    environment.variables());
            ReproResult result;
            Optional<String> tracked = Optional.empty();
            try (Repository repository = openRepository()) {
                Pipeline pipeline = requirePipeline(repository);
                Reproducer reproducer = new Reproducer(repository, environment.clock());
                if (noTrack || dry) {
                    result = reproducer.repro(pipeline, targets, options, printing(out));
                } else {
                    try (ServerConnection connection = ServerConnection.open(trackingOptions, environment,
                            Backends.discover())) {
                        PipelineTracking.TrackedRepro repro = PipelineTracking.repro(connection.client(), repository,
                                reproducer, pipeline, targets, options, PipelineTracking.ParentRun.of(repository.root(),
                                        experiment), printing(out), environment.clock());
                        result = repro.result();
                        repro.warnings().forEach(warning -> err.println(spec.qualifiedName() + ": warning: " + warning));
                        tracked = Optional.of(String.format("Tracked as run %s (experiment %s, %d stage run%s) in %s.",
                                repro.parentRunId(), repro.experimentId(), repro.stageRunIds().size(),
                                repro.stageRunIds().size() == 1 ? "" : "s", connection.location()));
                    }
                }
            }
            tracked.ifPresent(out::println);
            if (result.interrupted()) {
                return Interruption.EXIT_INTERRUPTED;
            }
            for (StageResult stage : result.results()) {
                if (stage.outcome() == StageResult.Outcome.FAILED) {
                    err.println(spec.qualifiedName() + ": error: " + stage.error().orElse("stage '" + stage.stage()
                            + "' failed"));
                }
            }
            err.flush();
            if (!result.succeeded()) {
                return Main.EXIT_FAILURE;
            }
            boolean ran = result.results().stream().anyMatch(stage -> stage.outcome() == StageResult.Outcome.RAN
                    || stage.outcome() == StageResult.Outcome.RESTORED);
            if (!dry) {
                out.println(ran ? "Updated dvc.lock." : "Data and pipelines are up to date.");
            }
            return 0;
        }
    }

    /** A listener printing the engine's messages and each stage's output lines, prefixed with the stage's name. */
    static StageListener printing(PrintWriter out) {
        return new PrintingListener(out);
    }

    /** Prints messages and each stage's output lines, prefixed with the stage's name (stages may run in parallel). */
    private static final class PrintingListener implements StageListener {
        private final PrintWriter out;

        PrintingListener(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void onMessage(Stage stage, String message) {
            synchronized (out) {
                out.println(message);
                out.flush();
            }
        }

        @Override
        public void onStageOutput(Stage stage, String line) {
            synchronized (out) {
                out.println("[" + stage.name() + "] " + line);
                out.flush();
            }
        }
    }

    @Command(name = "dag", description = "Print the stage graph of dvc.yaml: each stage with the stages it depends "
            + "on, as text, Graphviz dot or Mermaid.")
    static final class Dag extends PipelineSubcommand {
        @Parameters(arity = "0..1", paramLabel = "TARGET", description = "Only this stage and what it depends on.")
        Optional<String> target = Optional.empty();

        @Option(names = "--dot", description = "Graphviz dot.")
        boolean dot;

        @Option(names = "--mermaid", description = "A Mermaid flowchart.")
        boolean mermaid;

        @Option(names = "--outs", description = "Not supported: the graph is of stages.", hidden = true)
        boolean outs;

        Dag(Environment environment) {
            super(environment);
        }

        @Override
        int run(PrintWriter out, PrintWriter err) {
            if (dot && mermaid) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--dot and --mermaid cannot be combined");
            }
            Pipeline pipeline;
            try (Repository repository = openRepository()) {
                pipeline = requirePipeline(repository);
            }
            List<Stage> stages = target.map(name -> pipeline.plan(pipeline.resolve(name), false, false))
                    .orElse(pipeline.stages());
            List<String[]> edges = new ArrayList<>();
            for (Stage stage : stages) {
                for (Stage upstream : pipeline.upstreamOf(stage)) {
                    if (stages.contains(upstream)) {
                        edges.add(new String[] {upstream.name(), stage.name()});
                    }
                }
            }
            if (dot) {
                out.println("strict digraph  {");
                stages.forEach(stage -> out.println("\"" + stage.name() + "\";"));
                edges.forEach(edge -> out.println("\"" + edge[0] + "\" -> \"" + edge[1] + "\";"));
                out.println("}");
            } else if (mermaid) {
                out.println("flowchart TD");
                for (int i = 0; i < stages.size(); i++) {
                    out.println("\tnode" + (i + 1) + "[\"" + stages.get(i).name() + "\"]");
                }
                for (String[] edge : edges) {
                    out.println("\tnode" + (indexOf(stages, edge[0]) + 1) + "-->node" + (indexOf(stages, edge[1]) + 1));
                }
            } else {
                for (Stage stage : pipeline.plan(stages, false, true)) {
                    List<String> ups = pipeline.upstreamOf(stage).stream().filter(stages::contains).map(Stage::name).toList();
                    out.println(stage.name() + (ups.isEmpty() ? "" : " <- " + String.join(", ", ups))
                            + (stage.frozen() ? " (frozen)" : ""));
                }
            }
            return 0;
        }

        private static int indexOf(List<Stage> stages, String name) {
            for (int i = 0; i < stages.size(); i++) {
                if (stages.get(i).name().equals(name)) {
                    return i;
                }
            }
            return -1;
        }
    }

    /**
     * The changed stages of the pipeline in the working directory (none when there is no {@code dvc.yaml}), as
     * {@code dvc status} reports them.
     */
    static List<StageStatus> stageStatus(Repository repository, Environment environment) {
        Optional<Path> file = locate(environment).pipelineFile();
        if (file.isEmpty()) {
            return List.of();
        }
        return new ChangeDetector(repository).status(load(repository, file.get())).stream()
                .filter(StageStatus::changed).toList();
    }

    /** Adds DVC's JSON shape: {@code {"stage": [{"changed deps": {...}}, {"changed outs": {...}}, "changed command"]}}. */
    static void addJson(ObjectNode result, List<StageStatus> statuses) {
        for (StageStatus status : statuses) {
            ArrayNode entries = result.putArray(status.stage());
            if (!status.changedDeps().isEmpty()) {
                entries.addObject().set("changed deps", TrackingCommand.json().valueToTree(status.changedDeps()));
            }
            if (!status.changedOuts().isEmpty()) {
                entries.addObject().set("changed outs", TrackingCommand.json().valueToTree(status.changedOuts()));
            }
            if (status.alwaysChanged()) {
                entries.add("always changed");
            }
            if (status.changedCommand()) {
                entries.add("changed command");
            }
        }
    }

    /** Prints the stages as {@code dvc status} does. */
    static void print(PrintWriter out, List<StageStatus> statuses) {
        for (StageStatus status : statuses) {
            out.println(status.stage() + ":");
            if (!status.changedDeps().isEmpty()) {
                out.println("\tchanged deps:");
                status.changedDeps().forEach((path, change) -> {
                    if (change instanceof Map<?, ?> keys) {
                        out.println("\t\t" + path + ":");
                        keys.forEach((key, word) -> out.println("\t\t\t" + padded(word + ":") + key));
                    } else {
                        out.println("\t\t" + padded(change + ":") + path);
                    }
                });
            }
            if (!status.changedOuts().isEmpty()) {
                out.println("\tchanged outs:");
                status.changedOuts().forEach((path, word) -> out.println("\t\t" + padded(word + ":") + path));
            }
            if (status.alwaysChanged()) {
                out.println("\talways changed");
            }
            if (status.changedCommand()) {
                out.println("\tchanged command");
            }
        }
    }

    private static String padded(String label) {
        return label.length() >= STATUS_WIDTH ? label + " " : label + " ".repeat(STATUS_WIDTH - label.length());
    }
}
