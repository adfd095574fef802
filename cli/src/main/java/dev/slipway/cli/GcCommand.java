package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.artifacts.ArtifactRepositories;
import dev.slipway.core.gc.ExperimentDeletion;
import dev.slipway.core.gc.GarbageCollector;
import dev.slipway.core.gc.GcListener;
import dev.slipway.core.gc.GcRequest;
import dev.slipway.core.gc.GcSummary;
import dev.slipway.core.gc.PurgedRows;
import dev.slipway.core.gc.RunDeletion;
import dev.slipway.core.gc.TrackingPurger;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code slipway gc}: removes deleted runs and experiments for good, with MLflow's {@code mlflow gc} options, working
 * on the backend store directly (as {@code slipway server} does). The {@link GarbageCollector} does the work; this
 * command chooses the store and artifact repositories, draws progress and reports.
 */
@Command(name = "gc", sortOptions = false,
        description = {"Remove deleted runs and experiments for good, as 'mlflow gc' does.",
                "Each deleted run goes with its artifact folder, metric history, latest metrics, params, tags, "
                        + "dataset inputs and logged-model links; each deleted experiment goes once no runs are left "
                        + "in it, with its tags, datasets and logged models. Rows go in small chunks, so runs of any "
                        + "size are fine; only one gc runs on a store at a time, and servers may keep running."})
final class GcCommand implements Callable<Integer> {
    /** How long the lease lasts without renewal, should this process die. */
    private static final Duration LEASE = Duration.ofMinutes(5);

    @Option(names = "--backend-store-uri", paramLabel = "URI", description = {
            "The store: sqlite:///path/to/file.db, postgresql://user:password@host:5432/db or "
                    + "mysql://user:password@host:3306/db.",
            "Default: sqlite:///<current folder>/.slipway/slipway.db"})
    Optional<String> backendStoreUri = Optional.empty();

    @Option(names = "--artifacts-destination", paramLabel = "URI", description = {
            "Where mlflow-artifacts:/ locations are: the server's --artifacts-destination (a folder, file:///path "
                    + "or s3://bucket/path).",
            "Default: <current folder>/.slipway/artifacts"})
    Optional<String> artifactsDestination = Optional.empty();

    @Option(names = "--older-than", paramLabel = "AGE", description = {
            "Only what was deleted longer ago than this: days, hours, minutes, seconds, such as 30d, 12h, 1d6h or "
                    + "2d8h5m20s.",
            "Default: everything deleted, however recently."})
    Optional<String> olderThan = Optional.empty();

    @Option(names = "--run-ids", paramLabel = "IDS", split = ",",
            description = "Only these runs (comma-separated); each must be deleted. Experiments stay unless "
                    + "--experiment-ids names them.")
    List<String> runIds = new ArrayList<>();

    @Option(names = "--experiment-ids", paramLabel = "IDS", split = ",",
            description = "Only these experiments (comma-separated), with their deleted runs; each must be deleted.")
    List<String> experimentIds = new ArrayList<>();

    @Option(names = "--dry-run", description = "List what would be removed, and remove nothing.")
    boolean dryRun;

    @Option(names = "--no-progress", description = "Do not draw a progress bar.")
    boolean noProgress;

    @Option(names = "--json", description = "Print JSON for scripts instead of tables.")
    boolean json;

    @Spec
    CommandSpec spec;

    private final Environment environment;

    GcCommand(Environment environment) {
        this.environment = requireNonNull(environment, "environment is null");
    }

    @Override
    public Integer call() throws IOException {
        Optional<Duration> age;
        try {
            age = olderThan.map(GcRequest::parseAge);
        } catch (SlipwayException e) {
            throw new ParameterException(spec.commandLine(), "--older-than: " + e.getMessage());
        }
        GcRequest request = new GcRequest(age, ids(runIds), ids(experimentIds), dryRun);
        String storeUri = backendStoreUri.map(String::trim)
                .orElseGet(() -> LocalStore.databaseUri(environment.workingDirectory()));
        String destination = artifactsDestination.map(this::absoluteLocation)
                .orElseGet(() -> LocalStore.artifacts(environment.workingDirectory()).toString());
        PrintWriter out = spec.commandLine().getOut();
        Backends backends = Backends.discover();
        Report report = new Report();
        GcSummary summary;
        try (ArtifactRepositories artifacts = backends.artifactRepositories(Optional.of(destination),
                environment.variables());
                TrackingPurger purger = backends.openTrackingPurger(storeUri);
                Progress progress = Progress.start(dryRun ? "Listing" : "Removing", "rows", OptionalLong.empty(),
                        !noProgress && !dryRun)) {
            report.progress = progress;
            summary = new GarbageCollector(purger, artifacts, environment.clock(), MonitorScheduler.processOwner(),
                    LEASE).collect(request, report);
        }
        if (json) {
            out.println(TrackingCommand.json().writerWithDefaultPrettyPrinter().writeValueAsString(
                    json(summary, report)));
        } else {
            print(out, summary, report);
        }
        out.flush();
        PrintWriter err = spec.commandLine().getErr();
        for (GcSummary.Failure failure : summary.failures()) {
            err.printf("gc: %s %s kept: %s%n", failure.kind(), failure.id(), failure.reason());
        }
        err.flush();
        return summary.failures().isEmpty() ? 0 : Main.EXIT_FAILURE;
    }

    /** What the collector reported, for the tables and the JSON. */
    private final class Report implements GcListener {
        private final List<RunDeletion> runs = new ArrayList<>();
        private final List<ExperimentDeletion> experiments = new ArrayList<>();
        private final List<String[]> kept = new ArrayList<>();
        private Progress progress;
        private long rows;

        @Override
        public void runCollected(RunDeletion run, PurgedRows purged) {
            runs.add(run);
        }

        @Override
        public void experimentCollected(ExperimentDeletion experiment, PurgedRows purged) {
            experiments.add(experiment);
        }

        @Override
        public void experimentKept(ExperimentDeletion experiment, long runsLeft) {
            kept.add(new String[] {experiment.experimentId(), experiment.name(), String.valueOf(runsLeft)});
        }

        @Override
        public void rowsDeleted(String table, long deleted) {
            rows += deleted;
            progress.stepTo(rows);
        }
    }

    private void print(PrintWriter out, GcSummary summary, Report report) {
        HumanFormat format = new HumanFormat(environment.zone());
        if (summary.dryRun()) {
            out.printf("Dry run: would remove %s and %s; nothing was removed.%n", count(summary.runs(), "run"),
                    count(summary.experiments(), "experiment"));
        } else {
            out.printf("Removed %s and %s for good.%n", count(summary.runs(), "run"),
                    count(summary.experiments(), "experiment"));
        }
        if (summary.dryRun() && !report.runs.isEmpty()) {
            out.println();
            TextTable runs = new TextTable("RUN", "EXPERIMENT", "DELETED", "ARTIFACTS");
            report.runs.forEach(run -> runs.add(run.runId(), run.experimentId(),
                    run.deletedTime().map(format::time).orElse("-"), run.artifactUri()));
            runs.print(out);
        }
        if (summary.dryRun() && !report.experiments.isEmpty()) {
            out.println();
            TextTable experiments = new TextTable("EXPERIMENT", "NAME", "DELETED");
            report.experiments.forEach(experiment -> experiments.add(experiment.experimentId(), experiment.name(),
                    format.time(experiment.lastUpdateTime())));
            experiments.print(out);
        }
        if (!report.kept.isEmpty()) {
            out.println();
            out.println("Deleted experiments kept because runs are left in them (deleted too recently, or active):");
            TextTable kept = new TextTable("EXPERIMENT", "NAME", "RUNS LEFT");
            report.kept.forEach(kept::add);
            kept.print(out);
        }
        if (!summary.dryRun()) {
            out.println();
            TextTable removed = new TextTable("REMOVED", "COUNT");
            summary.rowsByTable().forEach((table, rows) -> removed.add(table + " rows", String.valueOf(rows)));
            removed.add("artifact folders", String.valueOf(summary.artifactLocations()));
            removed.print(out);
        }
    }

    private ObjectNode json(GcSummary summary, Report report) {
        ObjectNode root = TrackingCommand.json().createObjectNode();
        root.put("dry_run", summary.dryRun());
        olderThan.ifPresent(age -> root.put("older_than", age));
        ArrayNode runs = root.putArray("runs");
        report.runs.forEach(run -> {
            ObjectNode node = runs.addObject();
            node.put("run_id", run.runId());
            node.put("experiment_id", run.experimentId());
            run.deletedTime().ifPresentOrElse(time -> node.put("deleted_time", time), () -> node.putNull(
                    "deleted_time"));
            node.put("artifact_uri", run.artifactUri());
        });
        ArrayNode experiments = root.putArray("experiments");
        report.experiments.forEach(experiment -> {
            ObjectNode node = experiments.addObject();
            node.put("experiment_id", experiment.experimentId());
            node.put("name", experiment.name());
            node.put("deleted_time", experiment.lastUpdateTime());
        });
        ArrayNode kept = root.putArray("experiments_kept");
        report.kept.forEach(row -> kept.addObject().put("experiment_id", row[0]).put("name", row[1])
                .put("runs_left", Long.parseLong(row[2])));
        ObjectNode rows = root.putObject("rows_deleted");
        for (Map.Entry<String, Long> table : summary.rowsByTable().entrySet()) {
            rows.put(table.getKey(), table.getValue());
        }
        root.put("artifact_folders_deleted", summary.artifactLocations());
        ArrayNode failures = root.putArray("failures");
        summary.failures().forEach(failure -> failures.addObject().put("kind", failure.kind())
                .put("id", failure.id()).put("reason", failure.reason()));
        return root;
    }

    private static List<String> ids(List<String> values) {
        return values.stream().map(String::trim).filter(value -> !value.isEmpty()).toList();
    }

    private static String count(long count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }

    private String absoluteLocation(String location) {
        String trimmed = location.trim();
        if (trimmed.matches("^[A-Za-z][A-Za-z0-9+.-]+:.*")) {
            return trimmed;
        }
        return environment.resolve(trimmed).toString();
    }
}
