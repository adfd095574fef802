package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import dev.slipway.client.ArtifactListing;
import dev.slipway.client.RegistryClient;
import dev.slipway.client.TrackingClient;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.artifacts.ArtifactRepositories;
import dev.slipway.core.artifacts.FileInfo;
import dev.slipway.core.logged.LoggedModel;
import dev.slipway.core.logged.LoggedModelInfo;
import dev.slipway.core.logged.LoggedModelStatus;
import dev.slipway.core.registry.ModelAlias;
import dev.slipway.core.registry.ModelVersion;
import dev.slipway.core.registry.ModelVersionStage;
import dev.slipway.core.registry.ModelVersionStatus;
import dev.slipway.core.registry.NewModelVersion;
import dev.slipway.core.registry.RegisteredModel;
import dev.slipway.core.tracking.Experiment;
import dev.slipway.core.tracking.LifecycleStage;
import dev.slipway.core.tracking.Metric;
import dev.slipway.core.tracking.Page;
import dev.slipway.core.tracking.Param;
import dev.slipway.core.tracking.Run;
import dev.slipway.core.tracking.RunInfo;
import dev.slipway.core.tracking.RunStatus;
import dev.slipway.core.tracking.Tag;
import dev.slipway.core.tracking.TrackingService;
import dev.slipway.core.tracking.ViewType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Copies experiments, runs (params, tags, the whole history of every metric, dataset inputs, artifacts) and
 * registered models (versions, stages, aliases, tags, descriptions, and the MLflow 3 logged models versions were
 * registered from) from a server speaking MLflow's REST API (the source) to another (the destination), recording
 * every step in an {@link ImportJournal}, so that running it again after an interruption continues where it stopped
 * and duplicates nothing. Running it again after it finished copies what is new on the source: experiments, runs,
 * models and versions, and brings up to date the runs that were still running; it leaves what it finished alone, so
 * changes made in the destination since are kept.
 *
 * <p>Run ids are new in the destination (as MLflow's own export-import tool does): MLflow's API has no way to
 * choose a run's id, and new ids cannot collide with runs already there. References are rewritten: the parent run
 * tag, the run id in the logged-model history tag, and model versions' run ids and sources. Model version numbers
 * are kept: the destination numbers versions in creation order and never reuses a number, so a version created
 * below its source number is deleted and created again until the numbers meet, which reproduces the gaps deleted
 * versions left.
 *
 * <p>A run is created with a tag naming its source run (removed once the run is complete), so a run created just
 * before an interruption, but not yet recorded, is found again instead of duplicated. A run interrupted half-way is
 * completed in place: every write is idempotent (identical metric points and dataset inputs are stored once, params
 * are written with the same value, tags and artifacts are overwritten).
 *
 * <p>Not thread-safe; one import at a time per journal (the journal is locked).
 */
final class MlflowImport {
    /** The tag that marks a destination run as the copy, still in progress, of the source run it names. */
    static final String SOURCE_RUN_TAG = "slipway.import.source_run_id";
    private static final String PARENT_RUN_TAG = "mlflow.parentRunId";
    private static final String LOGGED_MODELS_TAG = "mlflow.log-model.history";
    private static final int PAGE_SIZE = 1000;
    private static final int HISTORY_PAGE_SIZE = 10_000;

    private final TrackingClient source;
    private final TrackingClient destination;
    private final ImportJournal journal;
    private final Settings settings;
    private final Listener listener;
    private final Map<String, String> artifactUris = new HashMap<>();
    private final Counts counts = new Counts();

    /**
     * What to import.
     *
     * @param experiments names or ids of the source experiments to import; every experiment when empty
     * @param models names of the registered models to import; every model when empty
     * @param maxRuns stop after importing this many runs (an import in slices, and the tests' interruption)
     */
    record Settings(List<String> experiments, List<String> models, OptionalLong maxRuns) {
        Settings {
            experiments = List.copyOf(requireNonNull(experiments, "experiments is null"));
            models = List.copyOf(requireNonNull(models, "models is null"));
            requireNonNull(maxRuns, "maxRuns is null");
        }
    }

    /** Hears how far the import is; called on the importing thread. */
    interface Listener {
        /** Once the source is listed: how many runs the import will look at (imported before or not). */
        default void started(int experiments, long runs, int models) {}

        /** After each run, imported now or before: how many of the runs were looked at so far. */
        default void runFinished(long runsSoFar) {}

        /** One line about a finished experiment or model, for logs. */
        default void note(String line) {}
    }

    /**
     * What one import did. Counts of "already imported" things are those a previous run of the import had finished.
     *
     * @param complete false when the import stopped early on purpose ({@code maxRuns})
     */
    record Summary(int experimentsCreated, int experimentsMerged, int experimentsAlreadyImported, long runsImported,
            long runsAlreadyImported, long metricPoints, long artifactFiles, long artifactBytes, int modelsCreated,
            int modelsAlreadyImported, long versionsImported, long versionsAlreadyImported, List<String> warnings,
            boolean complete) {
        Summary {
            warnings = List.copyOf(requireNonNull(warnings, "warnings is null"));
        }
    }

    MlflowImport(TrackingClient source, TrackingClient destination, ImportJournal journal, Settings settings,
            Listener listener) {
        this.source = requireNonNull(source, "source is null");
        this.destination = requireNonNull(destination, "destination is null");
        this.journal = requireNonNull(journal, "journal is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.listener = requireNonNull(listener, "listener is null");
    }

    /**
     * What an import will look at: the selected source experiments with their runs (parents before children) and
     * the selected registered models.
     */
    record Plan(Map<Experiment, List<RunRef>> experiments, List<RegisteredModel> models) {
        Plan {
            experiments = Collections.unmodifiableMap(new LinkedHashMap<>(experiments));
            models = List.copyOf(models);
        }

        long runs() {
            return experiments.values().stream().mapToLong(List::size).sum();
        }
    }

    /**
     * Lists what the settings select, reading the source and writing nothing. It checks that every named experiment
     * and model exists on the source, and that no experiment or registered model to import would be merged into a
     * deleted experiment or a model this import did not create.
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST for a named experiment or model the source lacks,
     *     RESOURCE_ALREADY_EXISTS for a conflict in the destination
     */
    Plan plan() {
        List<Experiment> experiments = selectedExperiments();
        List<RegisteredModel> models = selectedModels();
        checkDestination(experiments, models);
        Map<Experiment, List<RunRef>> runs = new LinkedHashMap<>();
        for (Experiment experiment : experiments) {
            runs.put(experiment, parentsFirst(listRuns(experiment.experimentId())));
        }
        return new Plan(runs, models);
    }

    /**
     * Imports the plan, recording every step in the journal.
     *
     * @throws SlipwayException with the source's or destination's error; the journal keeps what was done
     */
    Summary run(Plan plan) {
        listener.started(plan.experiments().size(), plan.runs(), plan.models().size());
        for (Map.Entry<Experiment, List<RunRef>> entry : plan.experiments().entrySet()) {
            if (!importExperiment(entry.getKey(), entry.getValue())) {
                return counts.summary(false);
            }
        }
        for (RegisteredModel model : plan.models()) {
            importModel(model.name());
        }
        return counts.summary(true);
    }

    // ---- selection and checks ----------------------------------------------------------------

    private List<Experiment> selectedExperiments() {
        List<Experiment> all = new ArrayList<>(collect(pageToken -> source.searchExperiments(ViewType.ALL,
                Optional.empty(), List.of(), Optional.of(PAGE_SIZE), pageToken)));
        all.sort(Comparator.comparing(Experiment::experimentId, MlflowImport::compareIds));
        if (settings.experiments().isEmpty()) {
            return all;
        }
        List<Experiment> selected = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (String wanted : settings.experiments()) {
            Optional<Experiment> match = all.stream().filter(experiment -> experiment.name().equals(wanted)).findFirst()
                    .or(() -> all.stream().filter(experiment -> experiment.experimentId().equals(wanted)).findFirst());
            if (match.isEmpty()) {
                unknown.add(wanted);
            } else if (!selected.contains(match.get())) {
                selected.add(match.get());
            }
        }
        if (!unknown.isEmpty()) {
            throw SlipwayException.notFound("No experiment with the name or id %s on %s", quoted(unknown),
                    source.trackingUri());
        }
        return selected;
    }

    private List<RegisteredModel> selectedModels() {
        RegistryClient registry = source.registry();
        if (settings.models().isEmpty()) {
            List<RegisteredModel> all = new ArrayList<>(registry.searchAllRegisteredModels(Optional.empty(),
                    List.of()));
            all.sort(Comparator.comparing(RegisteredModel::name));
            return all;
        }
        List<RegisteredModel> selected = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (String name : settings.models().stream().distinct().toList()) {
            find(() -> registry.getRegisteredModel(name)).ifPresentOrElse(selected::add, () -> unknown.add(name));
        }
        if (!unknown.isEmpty()) {
            throw SlipwayException.notFound("No registered model named %s on %s", quoted(unknown),
                    source.trackingUri());
        }
        return selected;
    }

    /** Refuses, before anything is written, what would merge into things the import did not create. */
    private void checkDestination(List<Experiment> experiments, List<RegisteredModel> models) {
        List<String> deleted = new ArrayList<>();
        for (Experiment experiment : experiments) {
            if (journal.experiment(experiment.experimentId()).isEmpty()) {
                find(() -> destination.getExperimentByName(experiment.name()))
                        .filter(existing -> existing.lifecycleStage() == LifecycleStage.DELETED)
                        .ifPresent(existing -> deleted.add(experiment.name() + "' (id " + existing.experimentId()
                                + ")"));
            }
        }
        if (!deleted.isEmpty()) {
            throw new SlipwayException(ErrorCode.RESOURCE_ALREADY_EXISTS, String.format("The destination has deleted "
                    + "experiments named '%s: restore them ('slipway experiments restore ID') to import into them, "
                    + "or leave them out with --experiments", String.join(", '", deleted)));
        }
        List<String> taken = new ArrayList<>();
        for (RegisteredModel model : models) {
            if (journal.model(model.name()).isEmpty()
                    && find(() -> destination.registry().getRegisteredModel(model.name())).isPresent()) {
                taken.add(model.name());
            }
        }
        if (!taken.isEmpty()) {
            throw new SlipwayException(ErrorCode.RESOURCE_ALREADY_EXISTS, String.format("The destination already has "
                    + "registered models named %s, which this import did not create: rename or delete them there, or "
                    + "leave them out with --models", quoted(taken)));
        }
    }

    // ---- experiments -------------------------------------------------------------------------

    /** @return false when the import stopped at {@code maxRuns} */
    private boolean importExperiment(Experiment experiment, List<RunRef> runs) {
        DestinationExperiment target = destinationExperiment(experiment);
        long before = counts.runsImported;
        boolean active = false;
        for (RunRef run : runs) {
            Optional<ImportJournal.RunProgress> progress = journal.run(run.runId());
            if (progress.map(ImportJournal.RunProgress::done).orElse(false)) {
                counts.runsAlreadyImported++;
            } else {
                if (settings.maxRuns().isPresent() && counts.runsImported >= settings.maxRuns().getAsLong()) {
                    return false;
                }
                if (!active) {
                    ensureActive(target);
                    active = true;
                }
                importRun(run.runId(), progress, target);
            }
            listener.runFinished(counts.runsImported + counts.runsAlreadyImported);
        }
        if (experiment.lifecycleStage() == LifecycleStage.DELETED) {
            if (!target.created()) {
                counts.warnings.add(String.format("Experiment '%s' is deleted on the source but was merged into the "
                        + "existing experiment %s, which stays active", experiment.name(), target.experimentId()));
            } else if (destination.getExperiment(target.experimentId()).lifecycleStage() == LifecycleStage.ACTIVE) {
                destination.deleteExperiment(target.experimentId());
            }
        }
        listener.note(String.format("Experiment '%s' (%s) -> %s: %d runs imported, %d imported before",
                experiment.name(), experiment.experimentId(), target.experimentId(), counts.runsImported - before,
                runs.size() - (counts.runsImported - before)));
        return true;
    }

    private DestinationExperiment destinationExperiment(Experiment experiment) {
        Optional<ImportJournal.ExperimentProgress> recorded = journal.experiment(experiment.experimentId());
        if (recorded.isPresent()) {
            String id = recorded.get().destinationExperimentId();
            if (find(() -> destination.getExperiment(id)).isEmpty()) {
                throw new SlipwayException(ErrorCode.INVALID_STATE, String.format("The state file '%s' records that "
                        + "experiment '%s' was imported as experiment %s, which the destination does not have (was "
                        + "it emptied?); delete the state file to import everything again", journal.file(),
                        experiment.name(), id));
            }
            counts.experimentsAlreadyImported++;
            return new DestinationExperiment(id, recorded.get().created());
        }
        Optional<Experiment> existing = find(() -> destination.getExperimentByName(experiment.name()));
        if (existing.isPresent()) {
            String id = existing.get().experimentId();
            journal.experimentMapped(experiment.experimentId(), id, false);
            experiment.tags().forEach(tag -> destination.setExperimentTag(id, tag));
            counts.experimentsMerged++;
            return new DestinationExperiment(id, false);
        }
        String id = destination.createExperiment(experiment.name(), Optional.empty(), experiment.tags());
        journal.experimentMapped(experiment.experimentId(), id, true);
        counts.experimentsCreated++;
        return new DestinationExperiment(id, true);
    }

    /**
     * The experiment runs go into; one the import created and then deleted (its source experiment is deleted) is
     * restored while runs are written into it, and deleted again at the end.
     */
    private record DestinationExperiment(String experimentId, boolean created) {}

    private void ensureActive(DestinationExperiment target) {
        if (target.created()
                && destination.getExperiment(target.experimentId()).lifecycleStage() == LifecycleStage.DELETED) {
            destination.restoreExperiment(target.experimentId());
        }
    }

    // ---- runs --------------------------------------------------------------------------------

    /** What ordering needs to know of a source run. */
    record RunRef(String runId, Optional<String> parentRunId, long startTime) {
        RunRef {
            requireNonNull(runId, "runId is null");
            requireNonNull(parentRunId, "parentRunId is null");
        }
    }

    private List<RunRef> listRuns(String experimentId) {
        List<RunRef> runs = new ArrayList<>();
        Optional<String> pageToken = Optional.empty();
        do {
            Page<Run> page = source.searchRuns(List.of(experimentId), Optional.empty(), ViewType.ALL,
                    Optional.of(PAGE_SIZE), List.of(), pageToken);
            for (Run run : page.items()) {
                runs.add(new RunRef(run.info().runId(), tag(run.tags(), PARENT_RUN_TAG), run.info().startTime()));
            }
            pageToken = page.nextPageToken();
        } while (pageToken.isPresent());
        return runs;
    }

    /** Oldest first, but every parent before its children, so that their parent tag can name the new parent. */
    static List<RunRef> parentsFirst(List<RunRef> runs) {
        Map<String, RunRef> byId = new LinkedHashMap<>();
        runs.stream().sorted(Comparator.comparingLong(RunRef::startTime).thenComparing(RunRef::runId))
                .forEach(run -> byId.put(run.runId(), run));
        List<RunRef> ordered = new ArrayList<>(runs.size());
        Set<String> placed = new HashSet<>();
        for (RunRef run : byId.values()) {
            Deque<RunRef> chain = new ArrayDeque<>();
            Set<String> seen = new HashSet<>();
            for (RunRef current = run; current != null && !placed.contains(current.runId())
                    && seen.add(current.runId()); current = current.parentRunId().map(byId::get).orElse(null)) {
                chain.push(current);
            }
            for (RunRef ancestor : chain) {
                placed.add(ancestor.runId());
                ordered.add(ancestor);
            }
        }
        return ordered;
    }

    /** Copies one run that is not complete in the destination: from scratch, or into what an interruption left. */
    private void importRun(String sourceRunId, Optional<ImportJournal.RunProgress> progress,
            DestinationExperiment target) {
        Run run = source.getRun(sourceRunId);
        Optional<String> resumed = progress.flatMap(recorded -> resumedRun(recorded, sourceRunId, target));
        String runId = resumed.orElseGet(() -> createRun(run, target));
        writeParamsAndTags(run, runId);
        copyMetrics(run, runId);
        if (!run.inputs().isEmpty()) {
            destination.logInputs(runId, run.inputs());
        }
        copyArtifacts(run, destination.getRun(runId).info(), resumed.isPresent());
        finish(run.info(), runId);
        if (run.info().status() != RunStatus.RUNNING) {
            journal.runDone(sourceRunId);
        }
        // a run still running on the source stays unfinished in the journal: the next import brings it up to date
        counts.runsImported++;
    }

    /** The destination run an interrupted import left for this source run, made active again; absent if none. */
    private Optional<String> resumedRun(ImportJournal.RunProgress progress, String sourceRunId,
            DestinationExperiment target) {
        if (progress.destinationRunId().isPresent()) {
            String runId = progress.destinationRunId().get();
            Optional<Run> existing = find(() -> destination.getRun(runId));
            existing.ifPresent(this::restore);
            return existing.map(run -> runId);
        }
        // created, but the import stopped before recording it: the tag names its source run
        List<Run> found = collect(pageToken -> destination.searchRuns(List.of(target.experimentId()),
                Optional.of("tags.\"" + SOURCE_RUN_TAG + "\" = '" + sourceRunId + "'"), ViewType.ALL,
                Optional.of(PAGE_SIZE), List.of(), pageToken));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Run kept = found.get(0);
        restore(kept);
        for (Run extra : found.subList(1, found.size())) {
            if (extra.info().lifecycleStage() == LifecycleStage.ACTIVE) {
                destination.deleteRun(extra.info().runId());
            }
        }
        journal.runCreated(sourceRunId, kept.info().runId());
        return Optional.of(kept.info().runId());
    }

    private void restore(Run run) {
        if (run.info().lifecycleStage() == LifecycleStage.DELETED) {
            destination.restoreRun(run.info().runId());
        }
    }

    private String createRun(Run run, DestinationExperiment target) {
        RunInfo info = run.info();
        journal.runCreating(info.runId());
        Optional<String> runName = Optional.of(info.runName()).filter(name -> !name.isEmpty())
                .or(() -> tag(run.tags(), TrackingService.RUN_NAME_TAG));
        Optional<String> user = Optional.of(info.userId()).filter(name -> !name.isEmpty())
                .or(() -> tag(run.tags(), TrackingService.USER_TAG));
        String runId = destination.createRun(Optional.of(target.experimentId()), user, runName,
                Optional.of(info.startTime()), List.of(new Tag(SOURCE_RUN_TAG, info.runId()))).info().runId();
        journal.runCreated(info.runId(), runId);
        return runId;
    }

    /** Params and tags in log-batch requests of at most 100 of each. */
    private void writeParamsAndTags(Run run, String runId) {
        List<Param> params = run.params();
        List<Tag> tags = destinationTags(run, runId);
        int batches = Math.max(chunks(params.size(), TrackingService.MAX_BATCH_PARAMS),
                chunks(tags.size(), TrackingService.MAX_BATCH_TAGS));
        for (int batch = 0; batch < batches; batch++) {
            destination.logBatch(runId, List.of(), slice(params, batch, TrackingService.MAX_BATCH_PARAMS),
                    slice(tags, batch, TrackingService.MAX_BATCH_TAGS));
        }
    }

    /**
     * The source run's tags with run ids rewritten: the parent run to its copy (kept as it was, with a warning, when
     * the parent is not imported), and this run in the logged-model history. The run name is the run's attribute.
     */
    private List<Tag> destinationTags(Run run, String runId) {
        String sourceRunId = run.info().runId();
        List<Tag> tags = new ArrayList<>();
        for (Tag tag : run.tags()) {
            switch (tag.key()) {
                case TrackingService.RUN_NAME_TAG, SOURCE_RUN_TAG -> {
                    // the run name was given when the run was created; the import's own tag is not copied
                }
                case PARENT_RUN_TAG -> {
                    Optional<String> parent = journal.destinationRun(tag.value());
                    if (parent.isEmpty()) {
                        counts.warnings.add(String.format("Run %s names the parent run %s, which was not imported; "
                                + "its %s tag is kept as it is", sourceRunId, tag.value(), PARENT_RUN_TAG));
                    }
                    tags.add(new Tag(tag.key(), parent.orElse(tag.value())));
                }
                case LOGGED_MODELS_TAG -> tags.add(new Tag(tag.key(), tag.value().replace(sourceRunId, runId)));
                default -> tags.add(tag);
            }
        }
        return tags;
    }

    /** Every point of every metric, read a page at a time and written in log-batch requests of 1000 points. */
    private void copyMetrics(Run run, String runId) {
        List<Metric> batch = new ArrayList<>(TrackingService.MAX_BATCH_METRICS);
        for (String key : run.metrics().stream().map(Metric::key).distinct().sorted().toList()) {
            Optional<String> pageToken = Optional.empty();
            do {
                Page<Metric> page = source.getMetricHistory(run.info().runId(), key, Optional.of(HISTORY_PAGE_SIZE),
                        pageToken);
                for (Metric point : page.items()) {
                    batch.add(point);
                    if (batch.size() == TrackingService.MAX_BATCH_METRICS) {
                        logMetrics(runId, batch);
                    }
                }
                pageToken = page.nextPageToken();
            } while (pageToken.isPresent());
        }
        if (!batch.isEmpty()) {
            logMetrics(runId, batch);
        }
    }

    private void logMetrics(String runId, List<Metric> batch) {
        destination.logBatch(runId, List.copyOf(batch), List.of(), List.of());
        counts.metricPoints += batch.size();
        batch.clear();
    }

    /** Ends the run as the source run ended, and deletes it if the source run is deleted. */
    private void finish(RunInfo info, String runId) {
        try {
            destination.deleteTag(runId, SOURCE_RUN_TAG);
        } catch (SlipwayException e) {
            if (e.errorCode() != ErrorCode.RESOURCE_DOES_NOT_EXIST) {
                throw e;
            }
        }
        // the name too: a run still running when an earlier import copied it may have been renamed since
        destination.updateRun(runId, Optional.of(info.status()), info.endTime(),
                Optional.of(info.runName()).filter(name -> !name.isEmpty()));
        if (info.lifecycleStage() == LifecycleStage.DELETED) {
            destination.deleteRun(runId);
        }
    }

    // ---- artifacts ---------------------------------------------------------------------------

    /**
     * Copies the run's artifact tree a file at a time ({@link #copyFile}). When the run is resumed, files the
     * destination already has with the same size are not copied again (the proxy writes files atomically).
     */
    private void copyArtifacts(Run run, RunInfo target, boolean resumed) {
        String sourceRunId = run.info().runId();
        List<FileInfo> files = new ArrayList<>();
        String rootUri = walk((path, pageToken) -> source.listArtifacts(sourceRunId, path, pageToken), files);
        if (files.isEmpty()) {
            return;
        }
        String sourceRoot = rootUri.isEmpty() ? run.info().artifactUri() : rootUri;
        String destinationRoot = proxiedRoot(target);
        Map<String, Long> present = new HashMap<>();
        if (resumed) {
            List<FileInfo> existing = new ArrayList<>();
            walk((path, pageToken) -> destination.listArtifacts(target.runId(), path, pageToken), existing);
            existing.forEach(file -> present.put(file.path(), file.fileSize().orElse(-1L)));
        }
        for (FileInfo file : files) {
            if (file.fileSize().isPresent() && file.fileSize().get().equals(present.get(file.path()))) {
                continue;
            }
            copyFile(() -> openSourceArtifact(sourceRunId, sourceRoot, file.path()), file,
                    join(destinationRoot, file.path()), "run " + sourceRunId);
        }
    }

    /**
     * Lists every file of a run's artifact tree into {@code files}, following directories and page tokens.
     *
     * @param list lists one page of a directory (the root when absent) for a page token
     * @return the root URI the server reported
     */
    private static String walk(BiFunction<Optional<String>, Optional<String>, ArtifactListing> list,
            List<FileInfo> files) {
        String rootUri = "";
        Deque<Optional<String>> directories = new ArrayDeque<>();
        directories.add(Optional.empty());
        while (!directories.isEmpty()) {
            Optional<String> directory = directories.poll();
            Optional<String> pageToken = Optional.empty();
            do {
                ArtifactListing listing = list.apply(directory, pageToken);
                if (rootUri.isEmpty()) {
                    rootUri = listing.rootUri();
                }
                for (FileInfo entry : listing.files()) {
                    if (entry.isDir()) {
                        directories.add(Optional.of(entry.path()));
                    } else {
                        files.add(entry);
                    }
                }
                pageToken = listing.nextPageToken();
            } while (pageToken.isPresent());
        }
        return rootUri;
    }

    private static String proxiedRoot(RunInfo target) {
        if (!isProxied(target.artifactUri())) {
            throw notProxied("run " + target.runId(), target.artifactUri());
        }
        return ArtifactRepositories.proxyPath(target.artifactUri());
    }

    private static boolean isProxied(String artifactUri) {
        return artifactUri.toLowerCase(Locale.ROOT).startsWith(ArtifactRepositories.PROXY_SCHEME + ":");
    }

    private static SlipwayException notProxied(String owner, String artifactUri) {
        return new SlipwayException(ErrorCode.INVALID_STATE, String.format("The destination stores the artifacts of "
                + "%s at '%s', which it does not serve through its artifact proxy (mlflow-artifacts:); import-mlflow "
                + "uploads artifacts through that proxy, so import into a server that serves artifacts", owner,
                artifactUri));
    }

    /** Opens one file of the source; the caller closes it. */
    @FunctionalInterface
    private interface SourceFile {
        InputStream open();
    }

    /**
     * Copies one file through a temporary file, so that no file is held in memory and an upload the destination
     * asks to repeat can be sent again; checks the size the source listed.
     *
     * @param destinationPath the path under the destination's artifact proxy
     * @param owner the run or logged model, for messages
     */
    private void copyFile(SourceFile content, FileInfo file, String destinationPath, String owner) {
        Path temporary = null;
        try {
            temporary = Files.createTempFile("slipway-import-", ".artifact");
            long size;
            try (InputStream input = content.open()) {
                size = Files.copy(input, temporary, StandardCopyOption.REPLACE_EXISTING);
            }
            if (file.fileSize().isPresent() && file.fileSize().get() != size) {
                throw new SlipwayException(ErrorCode.TEMPORARILY_UNAVAILABLE, String.format("Downloading artifact "
                        + "'%s' of %s gave %d bytes where the source lists %d; run the import again", file.path(),
                        owner, size, file.fileSize().get()));
            }
            destination.uploadArtifact(destinationPath, temporary);
            counts.artifactFiles++;
            counts.artifactBytes += size;
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR, String.format("Copying artifact '%s' of %s failed: "
                    + "%s", file.path(), owner, e.getMessage()), e);
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException e) {
                    counts.warnings.add("Cannot delete the temporary file " + temporary + ": " + e.getMessage());
                }
            }
        }
    }

    /**
     * Artifacts under an {@code mlflow-artifacts:} root come through the artifact proxy, as MLflow's clients fetch
     * them (that route also works when the server's UI has a static prefix); any other root through
     * {@code /get-artifact}, which reads whatever store the server can.
     */
    private InputStream openSourceArtifact(String runId, String rootUri, String path) {
        if (isProxied(rootUri)) {
            return source.openArtifact(join(ArtifactRepositories.proxyPath(rootUri), path));
        }
        return source.openRunArtifactFile(runId, path);
    }

    // ---- registered models -------------------------------------------------------------------

    /**
     * Imports a model: the first time with everything; when an earlier import finished it, only the versions new on
     * the source (and the aliases pointing to them), so changes made in the destination since are left alone.
     */
    private void importModel(String name) {
        RegistryClient sourceRegistry = source.registry();
        RegistryClient destinationRegistry = destination.registry();
        RegisteredModel model = sourceRegistry.getRegisteredModel(name);
        List<ModelVersion> versions = new ArrayList<>(sourceRegistry.searchAllModelVersions(
                Optional.of(nameFilter(name)), List.of()));
        versions.sort(Comparator.comparingLong(ModelVersion::version));
        Optional<ImportJournal.ModelProgress> progress = journal.model(name);
        boolean finishedBefore = progress.map(ImportJournal.ModelProgress::done).orElse(false);
        if (progress.isEmpty()) {
            journal.modelCreating(name);
            destinationRegistry.createRegisteredModel(name, model.description(), model.tags());
            journal.modelCreated(name);
            counts.modelsCreated++;
        } else {
            if (!progress.get().created()) {
                if (find(() -> destinationRegistry.getRegisteredModel(name)).isEmpty()) {
                    destinationRegistry.createRegisteredModel(name, model.description(), model.tags());
                }
                journal.modelCreated(name);
            }
            if (!finishedBefore) {
                destinationRegistry.updateRegisteredModel(name, model.description());
                model.tags().forEach(tag -> destinationRegistry.setRegisteredModelTag(name, tag));
            }
            reconcileVersionBeingCreated(name, versions);
            counts.modelsAlreadyImported++;
        }
        Set<Long> importedNow = new HashSet<>();
        for (ModelVersion version : versions) {
            if (importVersion(version)) {
                importedNow.add(version.version());
            }
        }
        for (ModelAlias alias : model.aliases()) {
            ImportJournal.VersionProgress target = journal.versions(name).get(alias.version());
            if (target == null) {
                counts.warnings.add(String.format("Alias '%s' of model '%s' points to version %d, which was not "
                        + "imported; the alias is left out", alias.alias(), name, alias.version()));
            } else if (!finishedBefore || importedNow.contains(alias.version())) {
                destinationRegistry.setAlias(name, alias.alias(), target.destinationVersion());
            }
        }
        if (!finishedBefore) {
            journal.modelDone(name);
        }
        listener.note(String.format("Model '%s': %d versions imported, %d imported before", name, importedNow.size(),
                versions.size() - importedNow.size()));
    }

    /**
     * Settles what an import that stopped while creating a version left behind: destination versions not recorded
     * whose source and run are those of the version being created. One numbered at or above the source number is
     * adopted; those numbered below it were about to be deleted (see {@link #createVersion}) and are deleted now.
     * Other versions, such as ones registered in the destination by its users, are not touched.
     */
    private void reconcileVersionBeingCreated(String name, List<ModelVersion> sourceVersions) {
        Optional<Long> pending = journal.versionBeingCreated(name);
        Optional<ModelVersion> version = pending.flatMap(number -> sourceVersions.stream()
                .filter(candidate -> candidate.version() == number).findFirst());
        if (version.isEmpty()) {
            return;
        }
        VersionSource expected = versionSource(version.get(), false);
        Set<Long> recorded = new HashSet<>();
        journal.versions(name).values().forEach(progress -> recorded.add(progress.destinationVersion()));
        List<ModelVersion> existing = new ArrayList<>(destination.registry().searchAllModelVersions(
                Optional.of(nameFilter(name)), List.of()));
        existing.sort(Comparator.comparingLong(ModelVersion::version));
        for (ModelVersion candidate : existing) {
            if (recorded.contains(candidate.version()) || !candidate.source().equals(expected.source())
                    || !candidate.runId().equals(expected.runId())) {
                continue;
            }
            if (candidate.version() < version.get().version()
                    || journal.versions(name).containsKey(version.get().version())) {
                destination.registry().deleteModelVersion(name, candidate.version());
            } else {
                journal.versionCreated(name, version.get().version(), candidate.version());
            }
        }
    }

    /** @return whether the version was imported now (not before, and not refused by the destination) */
    private boolean importVersion(ModelVersion version) {
        String name = version.name();
        RegistryClient registry = destination.registry();
        ImportJournal.VersionProgress progress = journal.versions(name).get(version.version());
        if (progress != null && progress.done()) {
            counts.versionsAlreadyImported++;
            return false;
        }
        long number;
        if (progress == null) {
            OptionalLong created = createVersion(version);
            if (created.isEmpty()) {
                return false;
            }
            number = created.getAsLong();
        } else {
            number = progress.destinationVersion();
            registry.updateModelVersion(name, number, version.description());
            version.tags().forEach(tag -> registry.setModelVersionTag(name, number, tag));
        }
        if (version.currentStage() != ModelVersionStage.NONE) {
            registry.transitionModelVersionStage(name, number, version.currentStage(), false);
        }
        journal.versionDone(name, version.version());
        counts.versionsImported++;
        return true;
    }

    /**
     * Creates the version; while the destination numbers it below the source's number (the source deleted versions
     * before it), the new version is deleted and created again.
     *
     * @return the destination's number; absent if the destination refused the version (a warning says why)
     */
    private OptionalLong createVersion(ModelVersion version) {
        String name = version.name();
        version.modelId().ifPresent(modelId -> importLoggedModel(version, modelId));
        VersionSource target = versionSource(version, true);
        if (version.status() != ModelVersionStatus.READY) {
            counts.warnings.add(String.format("Version %d of model '%s' is %s on the source; it is READY in the "
                    + "destination", version.version(), name, version.status()));
        }
        NewModelVersion request = new NewModelVersion(name, target.source(), target.runId(), version.runLink(),
                version.description(), Optional.empty(), version.tags(), target.modelId());
        journal.versionCreating(name, version.version());
        while (true) {
            ModelVersion created;
            try {
                created = destination.registry().createModelVersion(request);
            } catch (SlipwayException e) {
                if (e.errorCode() != ErrorCode.INVALID_PARAMETER_VALUE) {
                    throw e;
                }
                counts.warnings.add(String.format("The destination refused version %d of model '%s' (source '%s'): "
                        + "%s", version.version(), name, target.source(), e.getMessage()));
                return OptionalLong.empty();
            }
            if (created.version() < version.version()) {
                destination.registry().deleteModelVersion(name, created.version());
                continue;
            }
            journal.versionCreated(name, version.version(), created.version());
            if (created.version() > version.version()) {
                counts.warnings.add(String.format("Version %d of model '%s' is version %d in the destination, "
                        + "whose model already had higher version numbers", version.version(), name,
                        created.version()));
            }
            return OptionalLong.of(created.version());
        }
    }

    /** Where a version's files are in the destination, its run there, and the logged model it comes from there. */
    private record VersionSource(String source, Optional<String> runId, Optional<String> modelId) {}

    /**
     * The version's source rewritten into the copies: of its logged model ({@code models:/<model_id>} and URIs under
     * the model's artifact location) when it was registered from one (MLflow 3), else of its run
     * ({@code runs:/<run>/path} and URIs under the run's artifact root). A version whose run or logged model was not
     * imported keeps its source.
     */
    private VersionSource versionSource(ModelVersion version, boolean warn) {
        String original = version.source();
        Optional<String> runId = version.runId().flatMap(journal::destinationRun);
        if (version.runId().isPresent() && runId.isEmpty() && warn) {
            counts.warnings.add(String.format("Version %d of model '%s' comes from run %s, which was not imported; "
                    + "the version has no run in the destination", version.version(), version.name(),
                    version.runId().get()));
        }
        Optional<String> modelId = version.modelId().flatMap(journal::loggedModel)
                .map(ImportJournal.LoggedModelProgress::destinationModelId);
        if (modelId.isPresent()) {
            String sourceModelId = version.modelId().get();
            String modelsUri = "models:/" + sourceModelId;
            Optional<String> rewritten = rewrite(original, modelsUri, "models:/" + modelId.get())
                    .or(() -> rewrite(original, loggedModelArtifactUri(source, sourceModelId),
                            loggedModelArtifactUri(destination, modelId.get())));
            if (rewritten.isPresent()) {
                return new VersionSource(rewritten.get(), runId, modelId);
            }
        } else if (runId.isPresent()) {
            String sourceRunId = version.runId().get();
            Optional<String> rewritten = rewrite(original, "runs:/" + sourceRunId, "runs:/" + runId.get())
                    .or(() -> rewrite(original, runArtifactUri(source, sourceRunId),
                            runArtifactUri(destination, runId.get())));
            if (rewritten.isPresent()) {
                return new VersionSource(rewritten.get(), runId, modelId);
            }
        }
        if (warn && (runId.isPresent() || modelId.isPresent())) {
            counts.warnings.add(String.format("The source '%s' of version %d of model '%s' is outside the artifacts "
                    + "of its %s, so it was not copied; the version keeps that source", original, version.version(),
                    version.name(), modelId.isPresent() ? "logged model" : "run"));
        }
        return new VersionSource(original, runId, modelId);
    }

    /** {@code uri} with the prefix {@code from} (a whole path segment) replaced by {@code to}. */
    private static Optional<String> rewrite(String uri, String from, String to) {
        if (from.isEmpty() || to.isEmpty() || !(uri.equals(from) || uri.startsWith(from + "/"))) {
            return Optional.empty();
        }
        return Optional.of(to + uri.substring(from.length()));
    }

    private String runArtifactUri(TrackingClient client, String runId) {
        String key = client.trackingUri() + " run " + runId;
        return artifactUris.computeIfAbsent(key, ignored -> find(() -> client.getRun(runId))
                .map(run -> stripTrailingSlash(run.info().artifactUri())).orElse(""));
    }

    private String loggedModelArtifactUri(TrackingClient client, String modelId) {
        String key = client.trackingUri() + " model " + modelId;
        return artifactUris.computeIfAbsent(key, ignored -> find(() -> client.loggedModels().getLoggedModel(modelId,
                true)).map(model -> stripTrailingSlash(model.info().artifactUri())).orElse(""));
    }

    // ---- logged models (MLflow 3) ------------------------------------------------------------

    /**
     * Copies the logged model a version was registered from, once: into the copy of its experiment, with its
     * name, type, params, tags, source run (the run's copy) and files, then finalized with its status. A model whose
     * experiment was not imported, or whose files are not behind the source's artifact proxy, is left out with a
     * warning (the version then keeps its source).
     */
    private void importLoggedModel(ModelVersion version, String sourceModelId) {
        Optional<ImportJournal.LoggedModelProgress> progress = journal.loggedModel(sourceModelId);
        if (progress.map(ImportJournal.LoggedModelProgress::done).orElse(false)) {
            return;
        }
        Optional<LoggedModel> found = find(() -> source.loggedModels().getLoggedModel(sourceModelId, true));
        if (found.isEmpty()) {
            counts.warnings.add(String.format("Version %d of model '%s' was registered from the logged model %s, "
                    + "which the source no longer has", version.version(), version.name(), sourceModelId));
            return;
        }
        LoggedModelInfo info = found.get().info();
        Optional<String> experimentId = journal.experiment(info.experimentId())
                .map(ImportJournal.ExperimentProgress::destinationExperimentId);
        String sourceRoot = info.artifactUri();
        if (experimentId.isEmpty() || !isProxied(sourceRoot)) {
            counts.warnings.add(String.format("Version %d of model '%s' was registered from the logged model %s, "
                    + "which is not copied: %s", version.version(), version.name(), sourceModelId,
                    experimentId.isEmpty() ? "its experiment " + info.experimentId() + " was not imported"
                            : "its files at '" + sourceRoot + "' are not served by the source's artifact proxy"));
            return;
        }
        String modelId = progress.map(ImportJournal.LoggedModelProgress::destinationModelId).orElseGet(() -> {
            LoggedModel created = destination.loggedModels().createLoggedModel(experimentId.get(),
                    Optional.of(info.name()), info.modelType(), info.sourceRunId().flatMap(journal::destinationRun),
                    found.get().params(), info.tags());
            journal.loggedModelCreated(sourceModelId, created.info().modelId());
            return created.info().modelId();
        });
        String destinationRoot = destination.loggedModels().getLoggedModel(modelId).info().artifactUri();
        if (!isProxied(destinationRoot)) {
            throw notProxied("logged model " + modelId, destinationRoot);
        }
        copyProxiedTree(ArtifactRepositories.proxyPath(sourceRoot), ArtifactRepositories.proxyPath(destinationRoot),
                "logged model " + sourceModelId);
        if (info.status() != LoggedModelStatus.PENDING) {
            destination.loggedModels().finalizeLoggedModel(modelId, info.status());
        }
        journal.loggedModelDone(sourceModelId);
    }

    /** Copies every file under a folder of the source's artifact proxy to a folder of the destination's. */
    private void copyProxiedTree(String sourceFolder, String destinationFolder, String owner) {
        Deque<String> folders = new ArrayDeque<>(List.of(""));
        while (!folders.isEmpty()) {
            String relative = folders.poll();
            String folder = join(sourceFolder, relative);
            for (FileInfo entry : source.listProxiedArtifacts(Optional.of(folder))) {
                // the proxy lists base names
                String name = entry.path().substring(entry.path().lastIndexOf('/') + 1);
                String path = relative.isEmpty() ? name : relative + "/" + name;
                if (entry.isDir()) {
                    folders.add(path);
                } else {
                    copyFile(() -> source.openArtifact(join(sourceFolder, path)), new FileInfo(path, false,
                            entry.fileSize()), join(destinationFolder, path), owner);
                }
            }
        }
    }

    // ---- helpers -----------------------------------------------------------------------------

    /** A filter on one model's versions; the quote that does not occur in the name delimits it. */
    private static String nameFilter(String name) {
        return name.contains("'") ? "name = \"" + name + "\"" : "name = '" + name + "'";
    }

    private static Optional<String> tag(List<Tag> tags, String key) {
        Optional<String> value = Optional.empty();
        for (Tag tag : tags) {
            if (tag.key().equals(key)) {
                value = Optional.of(tag.value());
            }
        }
        return value;
    }

    /** The value, or absent when the server answers RESOURCE_DOES_NOT_EXIST. */
    private static <T> Optional<T> find(Supplier<T> lookup) {
        try {
            return Optional.of(lookup.get());
        } catch (SlipwayException e) {
            if (e.errorCode() == ErrorCode.RESOURCE_DOES_NOT_EXIST) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static <T> List<T> collect(Function<Optional<String>, Page<T>> fetchPage) {
        List<T> items = new ArrayList<>();
        Optional<String> pageToken = Optional.empty();
        do {
            Page<T> page = fetchPage.apply(pageToken);
            items.addAll(page.items());
            pageToken = page.nextPageToken();
        } while (pageToken.isPresent());
        return items;
    }

    private static int chunks(int size, int chunkSize) {
        return (size + chunkSize - 1) / chunkSize;
    }

    private static <T> List<T> slice(List<T> items, int chunk, int chunkSize) {
        int from = Math.min(items.size(), chunk * chunkSize);
        return items.subList(from, Math.min(items.size(), from + chunkSize));
    }

    /** Numeric ids in numeric order ("2" before "10"), before any others in text order. */
    private static int compareIds(String left, String right) {
        boolean leftNumeric = left.matches("\\d{1,18}");
        boolean rightNumeric = right.matches("\\d{1,18}");
        if (leftNumeric && rightNumeric) {
            return Long.compare(Long.parseLong(left), Long.parseLong(right));
        }
        return leftNumeric != rightNumeric ? (leftNumeric ? -1 : 1) : left.compareTo(right);
    }

    /** A path under a folder of the artifact proxy; the root folder is empty. */
    private static String join(String folder, String path) {
        if (path.isEmpty()) {
            return folder;
        }
        return folder.isEmpty() ? path : folder + "/" + path;
    }

    private static String stripTrailingSlash(String uri) {
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }

    private static String quoted(List<String> names) {
        return "'" + String.join("', '", names) + "'";
    }

    /** The running totals of one import. */
    private static final class Counts {
        int experimentsCreated;
        int experimentsMerged;
        int experimentsAlreadyImported;
        long runsImported;
        long runsAlreadyImported;
        long metricPoints;
        long artifactFiles;
        long artifactBytes;
        int modelsCreated;
        int modelsAlreadyImported;
        long versionsImported;
        long versionsAlreadyImported;
        final List<String> warnings = new ArrayList<>();

        Summary summary(boolean complete) {
            return new Summary(experimentsCreated, experimentsMerged, experimentsAlreadyImported, runsImported,
                    runsAlreadyImported, metricPoints, artifactFiles, artifactBytes, modelsCreated,
                    modelsAlreadyImported, versionsImported, versionsAlreadyImported, warnings, complete);
        }
    }
}
