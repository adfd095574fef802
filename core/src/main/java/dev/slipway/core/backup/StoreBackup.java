package dev.slipway.core.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Backs a whole backend store up into a portable file and restores it, on the same kind of database or another
 * ({@code slipway db export|import}): every row of every table, with ids kept as they are. The file is the same
 * whatever the database, so a SQLite store can move to PostgreSQL or MySQL and back.
 *
 * <p>Both directions stream: memory stays bounded whatever the size of the store. Not for concurrent use: run one
 * export or import at a time per instance. Failures are {@link dev.slipway.core.SlipwayException}s.
 */
public interface StoreBackup extends AutoCloseable {

    /**
     * Writes every row of the store, as one consistent snapshot, to the stream, then finishes (but does not close)
     * it.
     *
     * @throws dev.slipway.core.SlipwayException INVALID_STATE when the database has a table or column this version
     *     of the backup format does not cover (nothing complete is written then)
     * @throws IOException when the stream fails
     */
    BackupSummary exportTo(OutputStream out, BackupListener listener) throws IOException;

    /**
     * Reads a backup written by {@link #exportTo} into this store, which must be empty (freshly created; the Default
     * experiment a server creates on start may be there and is replaced), in batches of rows, each its own
     * transaction. On any failure (a truncated or corrupt file, a row the database rejects) the rows imported so far
     * are deleted again, so the store is left empty.
     *
     * @throws dev.slipway.core.SlipwayException INVALID_STATE when the store is not empty; INVALID_PARAMETER_VALUE when
     *     the stream is not a complete, valid backup (naming the line), or was made from a newer schema
     * @throws IOException when the stream fails
     */
    BackupSummary importFrom(InputStream in, BackupListener listener) throws IOException;

    @Override
    void close();
}
