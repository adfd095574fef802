package dev.slipway.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.client.TrackingClient;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.registry.ModelVersion;
import dev.slipway.core.tracking.Dataset;
import dev.slipway.core.tracking.DatasetInput;
import dev.slipway.core.tracking.Experiment;
import dev.slipway.core.tracking.Page;
import dev.slipway.core.tracking.Run;
import dev.slipway.core.tracking.RunStatus;
import dev.slipway.core.tracking.Tag;
import dev.slipway.core.tracking.ViewType;
import dev.slipway.data.GitHistory;
import dev.slipway.data.TrackedDataset;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Data lineage through the tracking server, with no endpoint of its own: a dataset version (a DVC output's md5,
 * the {@code .dir} hash for a folder) is recorded as a run of the {@code slipway-datasets} experiment with that
 * md5 as a dataset input's digest, and runs that trained on the file log the same digest (see
 * {@code slipway train}), so {@code runs/search} on {@code datasets.digest} finds who used which version.
 */
final class DataLineageCommand {
    /** The experiment that holds one run per recorded dataset version. */
    static final String DATASETS_EXPERIMENT = "slipway-datasets";
    static final String SOURCE_TYPE = "dvc";

    private DataLineageCommand() {}

    /**
     * Records {@code tracked} as a finished run of {@link #DATASETS_EXPERIMENT} (created if missing): a dataset
     * input named by the path with the md5 as digest, source the repository and commit, and tags for path, md5,
     * size, file count and commit. For {@code log-version}, and for {@code add --log} / {@code push --log}.
     *
     * @return the run's id
     */
    static String record(TrackingClient client, TrackedDataset tracked, Optional<String> commit,
            Environment environment) {
        String experimentId = ModelLogging.experimentId(client, Optional.of(DATASETS_EXPERIMENT));
        Run run = ModelLogging.startRun(client, experimentId,
                Optional.of(tracked.path() + "@" + tracked.digest().substring(0, 8)),
                "slipway data log-version", environment);
        String runId = run.info().runId();
        List<Tag> tags = new ArrayList<>();
        tags.add(new Tag("slipway.dataset.path", tracked.path()));
        tags.add(new Tag("slipway.dataset.md5", tracked.digest()));
        tracked.size().ifPresent(size -> tags.add(new Tag("slipway.dataset.size", String.valueOf(size))));
        tracked.fileCount().ifPresent(count -> tags.add(new Tag("slipway.dataset.nfiles", String.valueOf(count))));
        commit.ifPresent(id -> tags.add(new Tag("slipway.dataset.git_commit", id)));
        client.logBatch(runId, List.of(), List.of(), tags);
        String source = tracked.repositoryRoot().toString() + commit.map(id -> "@" + id).orElse("");
        client.logInputs(runId, List.of(new DatasetInput(List.of(), new Dataset(tracked.path(), tracked.digest(),
                SOURCE_TYPE, source, Optional.empty(), Optional.empty()))));
        client.endRun(runId, RunStatus.FINISHED, environment.clock().millis());
        return runId;
    }

    /**
     * Records the current version of each tracked target (for {@code add --log}) through the tracking server the
     * options name; each line of the result says which run holds which version.
     */
    static List<String> logVersions(TrackingOptions options, Environment environment, List<Path> targets) {
        List<String> lines = new ArrayList<>();
        try (ServerConnection connection = ServerConnection.open(options, environment, Backends.discover())) {
            for (Path target : targets) {
                TrackedDataset tracked = TrackedDataset.of(target).orElseThrow(() ->
                        SlipwayException.notFound("'%s' is not tracked by a .dvc file", target));
                Optional<String> commit = new GitHistory(tracked.repositoryRoot()).head();
                String runId = record(connection.client(), tracked, commit, environment);
                lines.add("Recorded " + tracked.path() + " version " + tracked.digest() + " as run " + runId);
            }
        }
        return lines;
    }

    @Command(name = "log-version", description = "Record the version of a tracked file or folder (its DVC md5, "
            + "size, file count and Git commit) in the tracking server, as a run of the '" + DATASETS_EXPERIMENT
            + "' experiment with a dataset input.")
    static final class LogVersion extends ModelCommand {
        @Parameters(index = "0", paramLabel = "PATH", description = "A file or folder tracked by a .dvc file.")
        String path;

        LogVersion(Environment environment) {
            super(environment);
        }

        @Override
        int run(PrintWriter out) {
            TrackedDataset tracked = TrackedDataset.of(environment.resolve(path)).orElseThrow(() ->
                    SlipwayException.notFound("'%s' is not tracked: no '%s.dvc' beside it in a DVC repository "
                            + "(run 'slipway data add %s' first)", path, path, path));
            Optional<String> commit = new GitHistory(tracked.repositoryRoot()).head();
            String runId = record(connection().client(), tracked, commit, environment);
            if (json) {
                ObjectNode node = TrackingCommand.json().createObjectNode().put("run_id", runId)
                        .put("path", tracked.path()).put("md5", tracked.digest());
                commit.ifPresent(id -> node.put("git_commit", id));
                TrackingCommand.printJson(out, node);
            } else {
                out.printf("Recorded %s version %s%s as run %s%n", tracked.path(), tracked.digest(),
                        commit.map(id -> " (commit " + id.substring(0, 7) + ")").orElse(""), runId);
            }
            return 0;
        }
    }

    @Command(name = "lineage", description = "List the versions of a tracked file or folder across Git history "
            + "and the workspace, the runs that used each version and the model versions those runs registered.")
    static final class Lineage extends ModelCommand {
        @Parameters(index = "0", paramLabel = "PATH", description = "A file or folder tracked by a .dvc file.")
        String path;

        Lineage(Environment environment) {
            super(environment);
        }

        /** One version: where it was first committed (absent when only in the workspace). */
        private record Version(String digest, Optional<String> commit, Optional<Long> committedAtMillis) {}

        @Override
        int run(PrintWriter out) {
            Path absolute = environment.resolve(path);
            Path root = TrackedDataset.repositoryRoot(absolute.getParent()).orElseThrow(() -> SlipwayException
                    .notFound("'%s' is not inside a DVC repository (no '.dvc' folder above it)", path));
            String relative = root.relativize(absolute).toString().replace('\\', '/');
            Map<String, Version> versions = versions(root, relative, TrackedDataset.of(absolute));
            if (versions.isEmpty()) {
                throw SlipwayException.notFound("No version of '%s' is tracked, neither in the workspace nor in any "
                        + "Git commit", path);
            }
            TrackingClient client = connection().client();
            List<Experiment> experiments = all(token -> client.searchExperiments(ViewType.ACTIVE_ONLY,
                    Optional.empty(), List.of(), Optional.empty(), token));
            List<String> experimentIds = experiments.stream()
                    .filter(experiment -> !experiment.name().equals(DATASETS_EXPERIMENT))
                    .map(Experiment::experimentId).toList();
            Map<String, List<Run>> runsByVersion = new LinkedHashMap<>();
            List<String> runIds = new ArrayList<>();
            for (Version version : versions.values()) {
                List<Run> runs = experimentIds.isEmpty() ? List.of() : all(token -> client.searchRuns(experimentIds,
                        Optional.of("datasets.digest = '" + version.digest() + "'"), ViewType.ACTIVE_ONLY,
                        Optional.empty(), List.of("attributes.start_time DESC"), token));
                runsByVersion.put(version.digest(), runs);
                runs.forEach(run -> runIds.add(run.info().runId()));
            }
            Map<String, List<ModelVersion>> modelsByRun = runIds.isEmpty() ? Map.of()
                    : client.registry().searchAllModelVersions(Optional.of("run_id IN (" + runIds.stream().distinct()
                            .map(id -> "'" + id + "'").collect(Collectors.joining(", ")) + ")"), List.of())
                    .stream().filter(version -> version.runId().isPresent())
                    .collect(Collectors.groupingBy(version -> version.runId().get(), LinkedHashMap::new,
                            Collectors.toList()));
            if (json) {
                printJson(out, relative, versions, runsByVersion, modelsByRun);
            } else {
                printTable(out, versions, runsByVersion, modelsByRun);
            }
            return 0;
        }

        /** Workspace version first, then each committed version once, with the oldest commit that recorded it. */
        private static Map<String, Version> versions(Path root, String relative, Optional<TrackedDataset> workspace) {
            Map<String, Version> versions = new LinkedHashMap<>();
            workspace.ifPresent(tracked -> versions.put(tracked.digest(),
                    new Version(tracked.digest(), Optional.empty(), Optional.empty())));
            List<GitHistory.CommittedOutput> history;
            try {
                history = new GitHistory(root).outputs();
            } catch (SlipwayException e) {
                history = List.of(); // not a Git repository: the workspace's version only
            }
            for (GitHistory.CommittedOutput committed : history) { // newest first: the last one seen is the oldest
                if (committed.path().equals(relative) && committed.output().hash().isPresent()) {
                    String digest = committed.output().hash().get().value();
                    versions.put(digest, new Version(digest, Optional.of(committed.commit()),
                            Optional.of(committed.committedAt().toEpochMilli())));
                }
            }
            return versions;
        }

        private void printTable(PrintWriter out, Map<String, Version> versions, Map<String, List<Run>> runsByVersion,
                Map<String, List<ModelVersion>> modelsByRun) {
            TextTable table = new TextTable("VERSION", "COMMIT", "DATE", "RUN", "EXPERIMENT", "MODEL VERSION");
            for (Version version : versions.values()) {
                String commit = version.commit().map(id -> id.substring(0, 7)).orElse("workspace");
                String date = version.committedAtMillis().map(format::time).orElse("-");
                List<Run> runs = runsByVersion.getOrDefault(version.digest(), List.of());
                if (runs.isEmpty()) {
                    table.add(version.digest(), commit, date, "-", "-", "-");
                }
                for (Run run : runs) {
                    List<ModelVersion> models = modelsByRun.getOrDefault(run.info().runId(), List.of());
                    String registered = models.isEmpty() ? "-" : models.stream()
                            .map(model -> model.name() + " v" + model.version()).collect(Collectors.joining(", "));
                    table.add(version.digest(), commit, date, run.info().runId(), run.info().experimentId(),
                            registered);
                }
            }
            table.print(out);
        }

        private static void printJson(PrintWriter out, String relative, Map<String, Version> versions,
                Map<String, List<Run>> runsByVersion, Map<String, List<ModelVersion>> modelsByRun) {
            ObjectNode node = TrackingCommand.json().createObjectNode().put("path", relative);
            ArrayNode versionNodes = node.putArray("versions");
            for (Version version : versions.values()) {
                ObjectNode versionNode = versionNodes.addObject().put("md5", version.digest());
                version.commit().ifPresentOrElse(id -> versionNode.put("git_commit", id),
                        () -> versionNode.putNull("git_commit"));
                version.committedAtMillis().ifPresent(millis -> versionNode.put("committed_at", millis));
                ArrayNode runNodes = versionNode.putArray("runs");
                for (Run run : runsByVersion.getOrDefault(version.digest(), List.of())) {
                    ObjectNode runNode = runNodes.addObject().put("run_id", run.info().runId())
                            .put("experiment_id", run.info().experimentId()).put("run_name", run.info().runName());
                    ArrayNode modelNodes = runNode.putArray("model_versions");
                    for (ModelVersion model : modelsByRun.getOrDefault(run.info().runId(), List.of())) {
                        modelNodes.addObject().put("name", model.name()).put("version", String.valueOf(model.version()));
                    }
                }
            }
            TrackingCommand.printJson(out, node);
        }
    }

    private static <T> List<T> all(Function<Optional<String>, Page<T>> fetchPage) {
        List<T> items = new ArrayList<>();
        Optional<String> token = Optional.empty();
        do {
            Page<T> page = fetchPage.apply(token);
            items.addAll(page.items());
            token = page.nextPageToken().filter(value -> !value.isEmpty());
        } while (token.isPresent());
        return items;
    }
}
