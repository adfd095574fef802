package dev.slipway.core.gc;

/**
 * Hears what a {@link GarbageCollector} does, as it does it; in a dry run, what it would do (with no rows). Every
 * method does nothing by default. Called on the collecting thread.
 */
public interface GcListener {
    /** The run is gone with these rows, or in a dry run would go. */
    default void runCollected(RunDeletion run, PurgedRows rows) {}

    /** The experiment is gone with these rows, or in a dry run would go. */
    default void experimentCollected(ExperimentDeletion experiment, PurgedRows rows) {}

    /** The experiment stays (for now) because it still has runs. */
    default void experimentKept(ExperimentDeletion experiment, long runsLeft) {}

    /** A run or experiment could not be removed; the collector went on with the others. */
    default void failed(GcSummary.Failure failure) {}

    /** {@code rows} rows of {@code table} were just deleted (one committed chunk). */
    default void rowsDeleted(String table, long rows) {}
}
