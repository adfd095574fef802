package dev.slipway.core.gc;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The persistence port of permanent removal ({@code slipway gc}): finds deleted runs and experiments and removes them
 * with every row that belongs to them. Removal goes in chunks of bounded size, each its own transaction, so that a run
 * of any size needs neither much memory nor one huge transaction; a removal that stops half-way leaves a deleted run
 * (or experiment) with fewer rows, which the next removal finishes. Artifacts are not this port's business: the
 * {@link GarbageCollector} deletes them first.
 *
 * <p>Implementations are thread-safe and safe with several processes on one database (concurrent collectors exclude
 * each other with the lease). Failures are {@link dev.slipway.core.SlipwayException}s: INTERNAL_ERROR or
 * TEMPORARILY_UNAVAILABLE when the database fails.
 */
public interface TrackingPurger extends AutoCloseable {

    /** The run, whatever its stage; absent if there is none with that id. */
    Optional<RunDeletion> run(String runId);

    /** The experiment, whatever its stage; absent if there is none with that id. */
    Optional<ExperimentDeletion> experiment(String experimentId);

    /**
     * Deleted runs, ordered by run id, after {@code afterRunId} when given, at most {@code limit}: of one experiment
     * or of all. With {@code deletedBefore}, only runs whose recorded deletion time is before it; without, every
     * deleted run.
     */
    List<RunDeletion> deletedRuns(Optional<String> experimentId, OptionalLong deletedBefore, Optional<String> afterRunId,
            int limit);

    /**
     * Deleted experiments by id; with {@code deletedBefore}, only those whose last update (their deletion) is before
     * it.
     */
    List<ExperimentDeletion> deletedExperiments(OptionalLong deletedBefore);

    /** The number of runs of the experiment, whatever their stage. */
    long runCount(String experimentId);

    /**
     * The number of runs of the experiment that {@link #deletedRuns} with this bound would not return: the active ones
     * and, with a bound, the deleted ones not deleted before it.
     */
    long runsKept(String experimentId, OptionalLong deletedBefore);

    /** Where the artifacts of the experiment's logged models (MLflow 3) are: artifact URI by model id. */
    Map<String, String> loggedModelArtifactUris(String experimentId);

    /**
     * Removes a deleted run for good: its metric history, latest metrics, params, tags, dataset inputs and their tags,
     * the logged-model outputs it recorded and the logged-model metrics it logged, then the run row. Each chunk
     * checks first that the run is still deleted.
     *
     * @return the rows deleted; {@link PurgedRows#removed()} is false when there was no such run
     * @throws dev.slipway.core.SlipwayException INVALID_STATE when the run is not (or no longer) deleted; what went
     *     before stays deleted
     */
    PurgedRows purgeRun(String runId, PurgeListener listener);

    /**
     * Removes a deleted experiment that has no runs left: its logged models with their params, tags, metrics and run
     * outputs, its datasets, its tags, then the experiment row together with the users' permissions on it (a new
     * experiment may get the same id).
     *
     * @return the rows deleted; {@link PurgedRows#removed()} is false, and nothing deleted, when there is no such
     *     experiment or it still has runs
     * @throws dev.slipway.core.SlipwayException INVALID_STATE when the experiment is not deleted
     */
    PurgedRows purgeExperiment(String experimentId, PurgeListener listener);

    /**
     * Takes or renews the lease named {@code name} for {@code owner} until {@code now + durationMillis}, with the
     * semantics of {@link dev.slipway.core.monitors.MonitorStore#tryAcquireLease} (the same leases).
     *
     * @return whether {@code owner} holds the lease now
     */
    boolean tryAcquireLease(String name, String owner, long now, long durationMillis);

    /** Gives the lease up if {@code owner} holds it; does nothing otherwise. */
    void releaseLease(String name, String owner);

    @Override
    void close();
}
