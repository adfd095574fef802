package dev.slipway.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.client.TrackingJson;
import dev.slipway.core.tracking.DatasetInput;
import dev.slipway.core.tracking.Experiment;
import dev.slipway.core.tracking.LifecycleStage;
import dev.slipway.core.tracking.Metric;
import dev.slipway.core.tracking.Run;
import dev.slipway.core.tracking.RunInfo;
import dev.slipway.core.tracking.Tag;
import dev.slipway.core.tracking.TrackingService;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code slipway runs list|show|delete|restore}. */
@Command(name = "runs", description = "List, show, delete and restore runs.",
        subcommands = {RunsCommand.ListRuns.class, RunsCommand.Show.class, RunsCommand.Delete.class,
                RunsCommand.Restore.class})
final class RunsCommand {
    static final String MLFLOW_EXPERIMENT_ID = "MLFLOW_EXPERIMENT_ID";
    static final String MLFLOW_EXPERIMENT_NAME = "MLFLOW_EXPERIMENT_NAME";

    @Command(name = "list", description = "List the runs of experiments, newest first.")
    static final class ListRuns extends TrackingCommand {
        @Option(names = {"-x", "--experiment-id"}, paramLabel = "ID", description = {
                "An experiment whose runs to list; repeatable.",
                "Default: $MLFLOW_EXPERIMENT_ID, else $MLFLOW_EXPERIMENT_NAME, else the Default experiment (0)."})
        List<String> experimentIds = new ArrayList<>();

        @Option(names = {"-n", "--experiment-name"}, paramLabel = "NAME",
                description = "An experiment, by name, whose runs to list; repeatable.")
        List<String> experimentNames = new ArrayList<>();

        @Option(names = "--filter", paramLabel = "FILTER", description = "An MLflow search filter, such as "
                + "\"metrics.rmse < 1 and params.model = 'tree'\" or \"attributes.status = 'FINISHED'\".")
        Optional<String> filter = Optional.empty();

        @Option(names = "--order-by", paramLabel = "TERM",
                description = "Sort terms such as \"metrics.rmse ASC\" or \"start_time DESC\"; repeatable.")
        List<String> orderBy = new ArrayList<>();

        @Option(names = "--max-results", paramLabel = "N", description = "List at most N runs (default: all).")
        Optional<Integer> maxResults = Optional.empty();

        @Option(names = "--view", paramLabel = "VIEW", defaultValue = "active",
                description = "Which runs: active (default), deleted or all.")
        ExperimentsCommand.View view;

        ListRuns(Environment environment) {
            super(environment);
        }

        @Override
        void validate() {
            checkMaxResults(maxResults);
        }

        @Override
        void run(TrackingBackend backend, PrintWriter out) {
            List<String> ids = experimentIds(backend);
            List<Run> runs = collect((pageSize, pageToken) -> backend.searchRuns(ids, filter, view.viewType,
                    Optional.of(pageSize), orderBy, pageToken), maxResults);
            if (json) {
                ObjectNode result = json().createObjectNode();
                ArrayNode array = result.putArray("runs");
                runs.forEach(run -> array.add(TrackingJson.toJson(run)));
                printJson(out, result);
                return;
            }
            if (runs.isEmpty()) {
                out.printf("No %sruns in experiment%s %s.%n", view == ExperimentsCommand.View.ALL ? ""
                        : view.name().toLowerCase(Locale.ROOT) + " ", ids.size() == 1 ? "" : "s", String.join(", ", ids));
                return;
            }
            boolean manyExperiments = ids.size() > 1;
            List<String> headers = new ArrayList<>(List.of("RUN ID", "NAME", "STATUS", "STARTED", "DURATION", "USER"));
            if (manyExperiments) {
                headers.add(1, "EXPERIMENT");
            }
            TextTable table = new TextTable(headers.toArray(String[]::new));
            for (Run run : runs) {
                RunInfo info = run.info();
                List<String> cells = new ArrayList<>(List.of(info.runId(), info.runName(), status(info),
                        format.time(info.startTime()), duration(info), info.userId()));
                if (manyExperiments) {
                    cells.add(1, info.experimentId());
                }
                table.add(cells.toArray(String[]::new));
            }
            table.print(out);
        }

        private List<String> experimentIds(TrackingBackend backend) {
            LinkedHashSet<String> ids = new LinkedHashSet<>(experimentIds);
            for (String name : experimentNames) {
                ids.add(backend.getExperimentByName(name).experimentId());
            }
            if (ids.isEmpty()) {
                Optional<String> fromEnvironment = environment.variable(MLFLOW_EXPERIMENT_ID)
                        .or(() -> environment.variable(MLFLOW_EXPERIMENT_NAME)
                                .map(name -> backend.getExperimentByName(name).experimentId()));
                ids.add(fromEnvironment.orElse(TrackingService.DEFAULT_EXPERIMENT_ID));
            }
            return List.copyOf(ids);
        }

        private String duration(RunInfo info) {
            long end = info.endTime().orElse(environment.clock().millis());
            return info.startTime() > 0 ? HumanFormat.duration(end - info.startTime()) : "-";
        }
    }

    @Command(name = "show", description = "Show a run: its attributes, params, latest metrics, tags and datasets.")
    static final class Show extends TrackingCommand {
        @Parameters(index = "0", paramLabel = "RUN_ID", description = "The run's id.")
        String runId;

        Show(Environment environment) {
            super(environment);
        }

        @Override
        void run(TrackingBackend backend, PrintWriter out) {
            Run run = backend.getRun(runId);
            if (json) {
                ObjectNode result = json().createObjectNode();
                result.set("run", TrackingJson.toJson(run));
                printJson(out, result);
                return;
            }
            RunInfo info = run.info();
            String experimentName = experimentName(backend, info.experimentId());
            out.printf("Run %s (%s)%n", info.runId(), info.runName());
            out.printf("  Experiment:       %s%s%n", info.experimentId(), experimentName.isEmpty() ? "" : " (" + experimentName + ")");
            out.printf("  Status:           %s%n", info.status().name());
            out.printf("  Lifecycle stage:  %s%n", info.lifecycleStage().wireName());
            out.printf("  User:             %s%n", info.userId());
            out.printf("  Started:          %s%n", format.time(info.startTime()));
            if (info.endTime().isPresent()) {
                out.printf("  Ended:            %s (took %s)%n", format.time(info.endTime().get()),
                        HumanFormat.duration(info.endTime().get() - info.startTime()));
            } else {
                out.printf("  Ended:            - (running for %s)%n",
                        HumanFormat.duration(environment.clock().millis() - info.startTime()));
            }
            out.printf("  Artifact URI:     %s%n", info.artifactUri());
            if (!run.params().isEmpty()) {
                out.println();
                TextTable params = new TextTable("PARAM", "VALUE");
                run.params().stream().sorted(Comparator.comparing(param -> param.key()))
                        .forEach(param -> params.add(param.key(), param.value()));
                params.print(out);
            }
            if (!run.metrics().isEmpty()) {
                out.println();
                TextTable metrics = new TextTable("METRIC", "LATEST", "STEP", "LOGGED");
                run.metrics().stream().sorted(Comparator.comparing(Metric::key))
                        .forEach(metric -> metrics.add(metric.key(), HumanFormat.number(metric.value()),
                                String.valueOf(metric.step()), format.time(metric.timestamp())));
                metrics.print(out);
            }
            if (!run.tags().isEmpty()) {
                out.println();
                TextTable tags = new TextTable("TAG", "VALUE");
                run.tags().stream().sorted(Comparator.comparing(Tag::key)).forEach(tag -> tags.add(tag.key(), tag.value()));
                tags.print(out);
            }
            if (!run.inputs().isEmpty()) {
                out.println();
                TextTable datasets = new TextTable("DATASET", "DIGEST", "CONTEXT", "SOURCE TYPE", "SOURCE");
                for (DatasetInput input : run.inputs()) {
                    String context = input.tags().stream().filter(tag -> tag.key().equals("mlflow.data.context"))
                            .map(Tag::value).findFirst().orElse("");
                    datasets.add(input.dataset().name(), input.dataset().digest(), context, input.dataset().sourceType(),
                            input.dataset().source());
                }
                datasets.print(out);
            }
        }

        private static String experimentName(TrackingBackend backend, String experimentId) {
            try {
                Experiment experiment = backend.getExperiment(experimentId);
                return experiment.name();
            } catch (RuntimeException e) {
                return "";
            }
        }
    }

    @Command(name = "delete", description = "Delete runs (they can be restored).")
    static final class Delete extends TrackingCommand {
        @Parameters(arity = "1..*", paramLabel = "RUN_ID", description = "The ids of the runs to delete.")
        List<String> runIds = new ArrayList<>();

        Delete(Environment environment) {
            super(environment);
        }

        @Override
        void run(TrackingBackend backend, PrintWriter out) {
            for (String runId : runIds) {
                backend.deleteRun(runId);
            }
            printLifecycleChange(out, json, runIds, LifecycleStage.DELETED);
        }
    }

    @Command(name = "restore", description = "Restore deleted runs.")
    static final class Restore extends TrackingCommand {
        @Parameters(arity = "1..*", paramLabel = "RUN_ID", description = "The ids of the runs to restore.")
        List<String> runIds = new ArrayList<>();

        Restore(Environment environment) {
            super(environment);
        }

        @Override
        void run(TrackingBackend backend, PrintWriter out) {
            for (String runId : runIds) {
                backend.restoreRun(runId);
            }
            printLifecycleChange(out, json, runIds, LifecycleStage.ACTIVE);
        }
    }

    private static String status(RunInfo info) {
        return info.lifecycleStage() == LifecycleStage.DELETED ? info.status().name() + " (deleted)" : info.status().name();
    }

    private static void printLifecycleChange(PrintWriter out, boolean json, List<String> runIds, LifecycleStage stage) {
        if (json) {
            ObjectNode result = TrackingCommand.json().createObjectNode();
            ArrayNode runs = result.putArray("runs");
            runIds.forEach(runId -> runs.addObject().put("run_id", runId).put("lifecycle_stage", stage.wireName()));
            TrackingCommand.printJson(out, result);
            return;
        }
        for (String runId : runIds) {
            switch (stage) {
                case DELETED -> out.printf("Deleted run %s; restore it with: slipway runs restore %s%n", runId, runId);
                case ACTIVE -> out.printf("Restored run %s%n", runId);
            }
        }
    }
}
