package dev.slipway.core.gc;

/** Hears of each committed deletion of a permanent removal, as it happens. */
@FunctionalInterface
public interface PurgeListener {
    /**
     * Called after each committed statement: {@code rows} rows of {@code table} are gone. A removal in chunks calls
     * it once per chunk, so {@code rows} never exceeds the chunk size.
     */
    void deleted(String table, long rows);
}
