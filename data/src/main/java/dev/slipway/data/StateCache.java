package dev.slipway.data;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

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

    /**
     * The {@code .dir} md5 (without suffix) recorded for {@code folder} when the stamps of all its files
     * had the digest {@code fingerprint} (see {@link WorkspaceHasher}); empty when none matches.
     */
    default Optional<String> lookupTree(Path folder, String fingerprint, HashName rule) {
        return Optional.empty();
    }

    /** Records (or replaces) the {@code .dir} md5 of {@code folder} for the stamps digest {@code fingerprint}. */
    default void recordTree(Path folder, String fingerprint, HashName rule, String md5) {}

    /** The value last {@link #remember remembered} under {@code key}, if any. */
    default Optional<String> recall(String key) {
        return Optional.empty();
    }

    /** Remembers {@code value} under {@code key} (replacing an earlier one); only an optimisation, like the rest. */
    default void remember(String key, String value) {}

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
