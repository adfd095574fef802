package dev.slipway.core.gc;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.artifacts.ArtifactRepositories;
import dev.slipway.core.tracking.LifecycleStage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * {@code slipway gc}: removes deleted runs and experiments for good, as MLflow's {@code mlflow gc} does. For each run,
 * first its artifact folder (through the {@link ArtifactRepositories}), then its rows (through the
 * {@link TrackingPurger}, in chunks); then each selected experiment that has no runs left, with its logged models'
 * artifacts. A run whose artifacts cannot be deleted keeps its rows, so that a later collection retries it; the
 * collector reports it and goes on. Runs are read a page at a time, so memory does not grow with their number.
 *
 * <p>Only one collector runs on a database at a time: it holds the lease {@value #LEASE_NAME} (renewed as it works)
 * and fails at once when another holder has it. A dry run takes no lease and removes nothing. Not thread-safe: one
 * collection at a time per instance.
 */
public final class GarbageCollector {
    /** The name of the lease a collector holds while it removes. */
    public static final String LEASE_NAME = "gc";

    private static final int PAGE_SIZE = 500;

    private final TrackingPurger purger;
    private final ArtifactRepositories artifacts;
    private final Clock clock;
    private final String owner;
    private final Duration leaseDuration;

    /**
     * @param owner who holds the lease while collecting: unique per process (host, process id, ...)
     * @param leaseDuration how long the lease lasts unless renewed; the collector renews it every third of that
     */
    public GarbageCollector(TrackingPurger purger, ArtifactRepositories artifacts, Clock clock, String owner,
            Duration leaseDuration) {
        this.purger = requireNonNull(purger, "purger is null");
        this.artifacts = requireNonNull(artifacts, "artifacts is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.owner = requireNonNull(owner, "owner is null");
        this.leaseDuration = requireNonNull(leaseDuration, "leaseDuration is null");
        if (leaseDuration.isNegative() || leaseDuration.isZero()) {
            throw new IllegalArgumentException("leaseDuration must be positive: " + leaseDuration);
        }
    }

    /**
     * Removes (or in a dry run, lists) what the request selects. Named runs and experiments are all checked before
     * anything is removed.
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST for a named run or experiment that does not exist;
     *     INVALID_PARAMETER_VALUE for one that is not deleted, or not deleted long enough ago; RESOURCE_CONFLICT when
     *     another collector holds the lease, or took it over because this one stalled longer than the lease
     */
    public GcSummary collect(GcRequest request, GcListener listener) {
        requireNonNull(request, "request is null");
        requireNonNull(listener, "listener is null");
        OptionalLong bound = request.olderThan()
                .map(age -> OptionalLong.of(clock.millis() - age.toMillis()))
                .orElse(OptionalLong.empty());
        List<RunDeletion> namedRuns = new ArrayList<>();
        for (String runId : new LinkedHashSet<>(request.runIds())) {
            namedRuns.add(checkedRun(runId, request, bound));
        }
        List<ExperimentDeletion> experiments = new ArrayList<>();
        if (!request.experimentIds().isEmpty()) {
            for (String experimentId : new LinkedHashSet<>(request.experimentIds())) {
                experiments.add(checkedExperiment(experimentId, request, bound));
            }
        } else if (request.runIds().isEmpty()) {
            experiments.addAll(purger.deletedExperiments(bound));
        }
        Collection collection = new Collection(request.dryRun(), bound, listener);
        if (request.dryRun()) {
            collection.run(namedRuns, experiments, request);
            return collection.summary();
        }
        long now = clock.millis();
        if (!purger.tryAcquireLease(LEASE_NAME, owner, now, leaseDuration.toMillis())) {
            throw new SlipwayException(ErrorCode.RESOURCE_CONFLICT, "Another garbage collection is running on this "
                    + "store (it holds the lease '" + LEASE_NAME + "'); try again once it is done. The lease of a "
                    + "collector that died expires " + describe(leaseDuration) + " after its last renewal.");
        }
        collection.leaseRenewed = now;
        try {
            collection.run(namedRuns, experiments, request);
        } finally {
            purger.releaseLease(LEASE_NAME, owner);
        }
        return collection.summary();
    }

    private RunDeletion checkedRun(String runId, GcRequest request, OptionalLong bound) {
        RunDeletion run = purger.run(runId).orElseThrow(() -> SlipwayException.notFound("Run '%s' not found", runId));
        if (run.lifecycleStage() != LifecycleStage.DELETED) {
            throw SlipwayException.invalidParameter("Run '%s' is not deleted (its lifecycle stage is '%s'); only "
                    + "deleted runs can be removed for good", runId, run.lifecycleStage().wireName());
        }
        if (bound.isPresent() && !run.deletedTime().filter(time -> time < bound.getAsLong()).isPresent()) {
            throw SlipwayException.invalidParameter("Run '%s' was not deleted more than %s ago; only runs deleted "
                    + "before the --older-than age can be removed", runId, describe(request.olderThan().orElseThrow()));
        }
        return run;
    }

    private ExperimentDeletion checkedExperiment(String experimentId, GcRequest request, OptionalLong bound) {
        ExperimentDeletion experiment = purger.experiment(experimentId)
                .orElseThrow(() -> SlipwayException.notFound("Experiment '%s' not found", experimentId));
        if (experiment.lifecycleStage() != LifecycleStage.DELETED) {
            throw SlipwayException.invalidParameter("Experiment '%s' is not deleted (its lifecycle stage is '%s'); "
                    + "only deleted experiments can be removed for good", experimentId,
                    experiment.lifecycleStage().wireName());
        }
        if (bound.isPresent() && experiment.lastUpdateTime() >= bound.getAsLong()) {
            throw SlipwayException.invalidParameter("Experiment '%s' was not deleted more than %s ago; only "
                    + "experiments deleted before the --older-than age can be removed", experimentId,
                    describe(request.olderThan().orElseThrow()));
        }
        return experiment;
    }

    /** An age as {@code --older-than} takes it: {@code 30d}, {@code 1d2h}, {@code 90s}. */
    static String describe(Duration age) {
        long seconds = age.toSeconds();
        StringBuilder text = new StringBuilder();
        long[] units = {86_400, 3_600, 60, 1};
        String[] names = {"d", "h", "m", "s"};
        for (int index = 0; index < units.length; index++) {
            long count = seconds / units[index];
            seconds %= units[index];
            if (count > 0) {
                text.append(count).append(names[index]);
            }
        }
        return text.length() == 0 ? age.toMillis() + "ms" : text.toString();
    }

    /** Whether the location is a folder of the entity's own: one of its path segments is the entity's id. */
    private static boolean namesOwnFolder(String location, String id) {
        for (String segment : location.split("/")) {
            if (segment.equals(id)) {
                return true;
            }
        }
        return false;
    }

    /** The state of one collection. */
    private final class Collection {
        private final boolean dryRun;
        private final OptionalLong bound;
        private final GcListener listener;
        private final Map<String, Long> rowsByTable = new LinkedHashMap<>();
        private final List<GcSummary.Failure> failures = new ArrayList<>();
        private final PurgeListener rowListener;
        private long runs;
        private long experiments;
        private long experimentsKept;
        private long artifactLocations;
        private long leaseRenewed;

        Collection(boolean dryRun, OptionalLong bound, GcListener listener) {
            this.dryRun = dryRun;
            this.bound = bound;
            this.listener = listener;
            this.rowListener = (table, rows) -> {
                rowsByTable.merge(table, rows, Long::sum);
                listener.rowsDeleted(table, rows);
                renewLeaseIfDue();
            };
        }

        void run(List<RunDeletion> namedRuns, List<ExperimentDeletion> selectedExperiments, GcRequest request) {
            Set<String> named = new HashSet<>();
            for (RunDeletion run : namedRuns) {
                named.add(run.runId());
                collectRun(run);
            }
            if (!request.experimentIds().isEmpty()) {
                for (ExperimentDeletion experiment : selectedExperiments) {
                    collectDeletedRuns(Optional.of(experiment.experimentId()), named);
                }
            } else if (request.runIds().isEmpty()) {
                collectDeletedRuns(Optional.empty(), named);
            }
            for (ExperimentDeletion experiment : selectedExperiments) {
                collectExperiment(experiment);
            }
        }

        private void collectDeletedRuns(Optional<String> experimentId, Set<String> skipped) {
            Optional<String> after = Optional.empty();
            while (true) {
                List<RunDeletion> page = purger.deletedRuns(experimentId, bound, after, PAGE_SIZE);
                for (RunDeletion run : page) {
                    if (!skipped.contains(run.runId())) {
                        collectRun(run);
                    }
                }
                if (page.size() < PAGE_SIZE) {
                    return;
                }
                after = Optional.of(page.get(page.size() - 1).runId());
            }
        }

        private void collectRun(RunDeletion run) {
            if (dryRun) {
                runs++;
                listener.runCollected(run, PurgedRows.none());
                return;
            }
            renewLeaseIfDue();
            Optional<String> artifactFailure = deleteArtifacts(run.artifactUri(), run.runId(), "run");
            if (artifactFailure.isPresent()) {
                fail("run", run.runId(), artifactFailure.get());
                return;
            }
            PurgedRows rows;
            try {
                rows = purger.purgeRun(run.runId(), rowListener);
            } catch (SlipwayException e) {
                if (e.errorCode() != ErrorCode.INVALID_STATE) {
                    throw e;
                }
                fail("run", run.runId(), e.getMessage());
                return;
            }
            if (rows.removed()) {
                runs++;
                listener.runCollected(run, rows);
            }
        }

        private void collectExperiment(ExperimentDeletion experiment) {
            String experimentId = experiment.experimentId();
            if (dryRun) {
                long kept = purger.runsKept(experimentId, bound);
                if (kept > 0) {
                    experimentsKept++;
                    listener.experimentKept(experiment, kept);
                } else {
                    experiments++;
                    listener.experimentCollected(experiment, PurgedRows.none());
                }
                return;
            }
            renewLeaseIfDue();
            long runsLeft = purger.runCount(experimentId);
            if (runsLeft > 0) {
                experimentsKept++;
                listener.experimentKept(experiment, runsLeft);
                return;
            }
            for (Map.Entry<String, String> model : purger.loggedModelArtifactUris(experimentId).entrySet()) {
                Optional<String> failure = deleteArtifacts(model.getValue(), model.getKey(), "logged model");
                if (failure.isPresent()) {
                    fail("experiment", experimentId, "logged model " + model.getKey() + ": " + failure.get());
                    return;
                }
            }
            PurgedRows rows;
            try {
                rows = purger.purgeExperiment(experimentId, rowListener);
            } catch (SlipwayException e) {
                if (e.errorCode() != ErrorCode.INVALID_STATE) {
                    throw e;
                }
                fail("experiment", experimentId, e.getMessage());
                return;
            }
            if (rows.removed()) {
                experiments++;
                listener.experimentCollected(experiment, rows);
            } else {
                experimentsKept++;
                listener.experimentKept(experiment, purger.runCount(experimentId));
            }
        }

        /** Deletes the folder; the reason when it could not. */
        private Optional<String> deleteArtifacts(String location, String ownerId, String kind) {
            if (!namesOwnFolder(location, ownerId)) {
                return Optional.of("its artifact location '" + location + "' does not name the " + kind
                        + " (no path segment is its id), so it may hold other artifacts and is left alone; the " + kind
                        + " stays");
            }
            try {
                artifacts.resolve(location).delete("");
                artifactLocations++;
                return Optional.empty();
            } catch (IOException | UncheckedIOException e) {
                return Optional.of("cannot delete its artifacts at '" + location + "': " + e.getMessage());
            } catch (SlipwayException e) {
                if (e.errorCode() == ErrorCode.INTERNAL_ERROR) {
                    throw e;
                }
                return Optional.of("cannot delete its artifacts at '" + location + "': " + e.getMessage());
            }
        }

        private void fail(String kind, String id, String reason) {
            GcSummary.Failure failure = new GcSummary.Failure(kind, id, reason);
            failures.add(failure);
            listener.failed(failure);
        }

        private void renewLeaseIfDue() {
            if (dryRun) {
                return;
            }
            long now = clock.millis();
            if (now - leaseRenewed < leaseDuration.toMillis() / 3) {
                return;
            }
            if (!purger.tryAcquireLease(LEASE_NAME, owner, now, leaseDuration.toMillis())) {
                throw new SlipwayException(ErrorCode.RESOURCE_CONFLICT, "Lost the lease '" + LEASE_NAME
                        + "' to another garbage collection (this one stalled longer than " + describe(leaseDuration)
                        + "); stopped. Run it again to finish.");
            }
            leaseRenewed = now;
        }

        GcSummary summary() {
            return new GcSummary(dryRun, runs, experiments, experimentsKept, artifactLocations, rowsByTable, failures);
        }
    }
}
