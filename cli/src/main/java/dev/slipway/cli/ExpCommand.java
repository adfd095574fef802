package dev.slipway.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.data.GitHistory;
import dev.slipway.data.Repository;
import dev.slipway.pipeline.Pipeline;
import dev.slipway.pipeline.Stage;
import dev.slipway.pipeline.StageListener;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code slipway exp}: experiments with changed params that leave the workspace alone; see {@link PipelineExperiments}. */
@Command(name = "exp", description = "Run the pipeline with changed params in a temporary copy of the workspace, "
        + "tracked; compare and apply the results.",
        subcommands = {ExpCommand.Run.class, ExpCommand.Show.class, ExpCommand.Apply.class})
final class ExpCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing a command: run, show or apply");
    }

    /** The workspace's experiments of the pipeline in the working directory. */
    abstract static class ExpSubcommand extends PipelineCommand.PipelineSubcommand {
        final HumanFormat format;

        ExpSubcommand(Environment environment) {
            super(environment);
            this.format = new HumanFormat(environment.zone());
        }

        PipelineExperiments experiments(Repository repository) {
            return new PipelineExperiments(repository, requirePipeline(repository).file(), environment.clock());
        }
    }

    @Command(name = "run", description = {"Run the pipeline with changed params (-S) in a temporary copy of the "
            + "workspace that shares the cache, as a tracked run; the workspace's files are not touched.",
            "The result is kept under .dvc/tmp/exps/NAME; 'slipway exp apply NAME' brings it into the workspace."})
    static final class Run extends ExpSubcommand {
        @Parameters(arity = "0..*", paramLabel = "STAGE", description = "Stages to reproduce; all when none.")
        List<String> targets = List.of();

        @Option(names = {"-S", "--set-param"}, paramLabel = "[FILE:]KEY=VALUE", description = "A params value to "
                + "change (FILE defaults to params.yaml; VALUE is read as YAML); repeatable.")
        List<String> setParams = new ArrayList<>();

        @Option(names = {"-n", "--name"}, paramLabel = "NAME", description = "The experiment's name (default: a "
                + "generated adjective-noun name).")
        Optional<String> name = Optional.empty();

        @Option(names = "--queue", description = "Store the experiment in the queue instead of running it.")
        boolean queue;

        @Option(names = "--run-all", description = "Run the queued experiments.")
        boolean runAll;

        @Option(names = {"-j", "--jobs"}, paramLabel = "N", description = "With --run-all: experiments run at once, "
                + "each in its own copy (default: 1).")
        int jobs = 1;

        @Mixin
        TrackingOptions trackingOptions;

        @Option(names = "--experiment", paramLabel = "NAME", description = "The tracking experiment of the runs "
                + "(default: the name of the project's folder).")
        Optional<String> experiment = Optional.empty();

        Run(Environment environment) {
            super(environment);
        }

        @Override
        int run(PrintWriter out, PrintWriter err) {
            if (jobs < 1) {
                throw new ParameterException(spec.commandLine(), "--jobs must be at least 1");
            }
            if (runAll && (queue || !setParams.isEmpty() || name.isPresent() || !targets.isEmpty())) {
                throw new ParameterException(spec.commandLine(), "--run-all runs the queue; it takes no -S, -n, "
                        + "--queue or stages");
            }
            List<PipelineExperiments.ParamChange> changes = setParams.stream()
                    .map(PipelineExperiments.ParamChange::parse).toList();
            try (Repository repository = openRepository()) {
                PipelineExperiments experiments = experiments(repository);
                List<PipelineExperiments.Spec> specs;
                if (runAll) {
                    specs = experiments.queued();
                    if (specs.isEmpty()) {
                        out.println("No queued experiments.");
                        return 0;
                    }
                } else {
                    PipelineExperiments.Spec created = experiments.newSpec(name, changes, targets, new SecureRandom());
                    if (queue) {
                        experiments.queue(created);
                        out.printf("Queued experiment '%s' for future execution.%n", created.name());
                        return 0;
                    }
                    specs = List.of(created);
                }
                String experimentName = experiment.orElseGet(() ->
                        PipelineTracking.defaultExperimentName(repository.root()));
                try (ServerConnection connection = ServerConnection.open(trackingOptions, environment,
                        Backends.discover())) {
                    return runAll(experiments, specs, connection, experimentName, out, err);
                }
            }
        }

        private int runAll(PipelineExperiments experiments, List<PipelineExperiments.Spec> specs,
                ServerConnection connection, String experimentName, PrintWriter out, PrintWriter err) {
            List<String> warnings = new CopyOnWriteArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(Math.min(jobs, specs.size()), runnable -> {
                Thread thread = new Thread(runnable, "slipway-exp");
                thread.setDaemon(true);
                return thread;
            });
            int failed = 0;
            try {
                List<Future<PipelineExperiments.Kept>> futures = new ArrayList<>();
                for (PipelineExperiments.Spec one : specs) {
                    StageListener printer = specs.size() == 1 ? PipelineCommand.printing(out)
                            : prefixed(one.name(), PipelineCommand.printing(out));
                    futures.add(pool.submit(() -> experiments.run(one, connection.client(), experimentName,
                            environment.variables(), printer, warnings)));
                }
                for (int i = 0; i < futures.size(); i++) {
                    String experimentLabel = specs.get(i).name();
                    try {
                        PipelineExperiments.Kept kept = futures.get(i).get();
                        synchronized (out) {
                            if (kept.state() == PipelineExperiments.State.SUCCESS) {
                                out.printf("Ran experiment '%s' (run %s in %s).%n", experimentLabel,
                                        kept.runId().orElse("-"), connection.location());
                            } else {
                                failed++;
                                err.printf("%s: error: experiment '%s' failed (run %s)%n", spec.qualifiedName(),
                                        experimentLabel, kept.runId().orElse("-"));
                            }
                        }
                    } catch (java.util.concurrent.ExecutionException e) {
                        failed++;
                        err.printf("%s: error: experiment '%s' failed: %s%n", spec.qualifiedName(), experimentLabel,
                                Main.describe(e.getCause()));
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Interruption.EXIT_INTERRUPTED;
            } finally {
                pool.shutdownNow();
            }
            warnings.forEach(warning -> err.println(spec.qualifiedName() + ": warning: " + warning));
            if (failed == 0) {
                out.println("To apply an experiment to the workspace: slipway exp apply NAME");
            }
            err.flush();
            return failed == 0 ? 0 : Main.EXIT_FAILURE;
        }

        /** Prefixes every printed line with the experiment's name, for experiments running at once. */
        private static StageListener prefixed(String experimentName, StageListener printer) {
            return new StageListener() {
                @Override
                public void onStageOutput(Stage stage, String line) {
                    printer.onStageOutput(stage, "(" + experimentName + ") " + line);
                }

                @Override
                public void onMessage(Stage stage, String message) {
                    printer.onMessage(stage, "(" + experimentName + ") " + message);
                }
            };
        }
    }

    @Command(name = "show", description = "A table of the experiments, the workspace (baseline) first: name, "
            + "creation time, state, metrics and params.")
    static final class Show extends ExpSubcommand {
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Option(names = "--md", description = "Print a Markdown table.")
        boolean markdown;

        Show(Environment environment) {
            super(environment);
        }

        /** One row of the table. */
        private record Row(String name, String created, String state, Map<String, String> params,
                Map<String, Double> metrics, Optional<PipelineExperiments.Kept> kept) {}

        @Override
        int run(PrintWriter out, PrintWriter err) {
            if (json && markdown) {
                throw new ParameterException(spec.commandLine(), "--json and --md cannot be combined");
            }
            List<Row> rows = new ArrayList<>();
            try (Repository repository = openRepository()) {
                Pipeline pipeline = requirePipeline(repository);
                Map<String, String> params = new LinkedHashMap<>();
                Map<String, Double> metrics = new LinkedHashMap<>();
                for (Stage stage : pipeline.stages()) {
                    params.putAll(PipelineTracking.currentParams(pipeline, stage));
                    metrics.putAll(PipelineTracking.metricsOf(stage));
                }
                Optional<String> head = new GitHistory(repository.root()).head();
                rows.add(new Row("workspace", head.map(commit -> commit.substring(0, 7)).orElse("-"), "baseline",
                        params, metrics, Optional.empty()));
                PipelineExperiments experiments = experiments(repository);
                for (PipelineExperiments.Kept kept : experiments.kept()) {
                    rows.add(new Row(kept.spec().name(), format.time(kept.spec().created().toEpochMilli()),
                            kept.state().name().toLowerCase(Locale.ROOT), kept.params(), kept.metrics(),
                            Optional.of(kept)));
                }
                for (PipelineExperiments.Spec queued : experiments.queued()) {
                    Map<String, String> changed = new LinkedHashMap<>();
                    queued.changes().forEach(change -> changed.put(change.trackingKey(), change.value()));
                    rows.add(new Row(queued.name(), format.time(queued.created().toEpochMilli()), "queued", changed,
                            Map.of(), Optional.of(new PipelineExperiments.Kept(queued,
                                    PipelineExperiments.State.QUEUED, Optional.empty(), Optional.empty(),
                                    Optional.empty(), Map.of(), Map.of()))));
                }
            }
            if (json) {
                ArrayNode array = TrackingCommand.json().createArrayNode();
                for (Row row : rows) {
                    ObjectNode node = array.addObject().put("name", row.name()).put("created", row.created())
                            .put("state", row.state());
                    row.kept().ifPresent(kept -> {
                        node.put("created", kept.spec().created().toString());
                        kept.baseline().ifPresent(value -> node.put("baseline", value));
                        kept.runId().ifPresent(value -> node.put("run_id", value));
                        ObjectNode changed = node.putObject("changed_params");
                        kept.spec().changes().forEach(change -> changed.put(change.trackingKey(), change.value()));
                    });
                    ObjectNode metricsNode = node.putObject("metrics");
                    row.metrics().forEach(metricsNode::put);
                    ObjectNode paramsNode = node.putObject("params");
                    row.params().forEach(paramsNode::put);
                }
                TrackingCommand.printJson(out, array);
                return 0;
            }
            Set<String> metricKeys = new LinkedHashSet<>();
            Set<String> paramKeys = new LinkedHashSet<>();
            rows.forEach(row -> {
                metricKeys.addAll(row.metrics().keySet());
                paramKeys.addAll(row.params().keySet());
            });
            List<String> header = new ArrayList<>(List.of("Experiment", "Created", "State"));
            header.addAll(metricKeys);
            header.addAll(paramKeys);
            List<List<String>> cells = new ArrayList<>();
            for (Row row : rows) {
                List<String> line = new ArrayList<>(List.of(row.name(), row.created(), row.state()));
                metricKeys.forEach(key -> line.add(Optional.ofNullable(row.metrics().get(key)).map(Show::number)
                        .orElse("-")));
                paramKeys.forEach(key -> line.add(row.params().getOrDefault(key, "-")));
                cells.add(line);
            }
            if (markdown) {
                out.println("| " + String.join(" | ", header.stream().map(Show::escaped).toList()) + " |");
                out.println("|" + "---|".repeat(header.size()));
                cells.forEach(line -> out.println("| " + String.join(" | ", line.stream().map(Show::escaped)
                        .toList()) + " |"));
            } else {
                TextTable table = new TextTable(header.toArray(String[]::new));
                cells.forEach(line -> table.add(line.toArray(String[]::new)));
                table.print(out);
            }
            return 0;
        }

        private static String escaped(String cell) {
            return cell.replace("|", "\\|");
        }

        /** Five significant digits, as DVC prints metrics. */
        static String number(double value) {
            if (Double.isNaN(value) || Double.isInfinite(value)) {
                return String.valueOf(value);
            }
            if (value == Math.rint(value) && Math.abs(value) < 1e15) {
                return String.valueOf((long) value);
            }
            return new BigDecimal(value).round(new MathContext(5)).stripTrailingZeros().toPlainString();
        }
    }

    @Command(name = "apply", description = "Write an experiment's params files, dvc.lock and outputs (checked out "
            + "from the cache) into the workspace.")
    static final class Apply extends ExpSubcommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "The experiment ('slipway exp show' lists them).")
        String name;

        Apply(Environment environment) {
            super(environment);
        }

        @Override
        int run(PrintWriter out, PrintWriter err) {
            List<String> written;
            try (Repository repository = openRepository()) {
                written = experiments(repository).apply(name);
            }
            written.forEach(path -> out.println("M\t" + path));
            out.printf("Changes for experiment '%s' have been applied to your workspace.%n", name);
            return 0;
        }
    }
}
