package dev.slipway.core.backup;

/** Hears how an export or import advances. Every method does nothing by default; called on the working thread. */
public interface BackupListener {
    /** The number of rows the whole backup holds, once known. */
    default void totalRows(long rows) {}

    /** {@code rows} more rows of {@code table} were written (export) or committed (import). */
    default void rows(String table, long rows) {}
}
