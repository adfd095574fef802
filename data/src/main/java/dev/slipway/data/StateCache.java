package dev.slipway.data;

import java.util.Collection;
import java.util.Map;

/**
 * Remembers the md5 of files whose {@link FileStamp} has not changed, so they need not be read
 * again. Only an optimisation: a miss just means the file is hashed.
 *
 * <p>Implementations are safe to call from one thread at a time; the hasher looks up and records in
 * batches from its calling thread.
 */
public interface StateCache extends AutoCloseable {
    /**
     * Returns the recorded md5 of each stamp whose path, inode, mtime and size all match a recorded
     * entry computed with {@code rule}. Stamps without a match are absent from the result.
     */
    Map<FileStamp, String> lookup(Collection<FileStamp> stamps, HashName rule);

    /** Records (or replaces) the md5 of each stamp, computed with {@code rule}. */
    void record(Map<FileStamp, String> hashes, HashName rule);

    @Override
    void close();

    /** A state cache that remembers nothing. */
    static StateCache none() {
        return new StateCache() {
            @Override
            public Map<FileStamp, String> lookup(Collection<FileStamp> stamps, HashName rule) {
                return Map.of();
            }

            @Override
            public void record(Map<FileStamp, String> hashes, HashName rule) {}

            @Override
            public void close() {}
        };
    }
}
