package dev.slipway.data;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * How the workspace differs from what its pointer files record, path by path as {@code dvc diff} lists it: a
 * tracked file, a file inside a tracked folder, or a tracked folder itself (its path ending in {@code /}).
 */
public record DataDiff(List<Entry> added, List<Entry> deleted, List<Entry> modified) {
    /**
     * One changed path, relative to the repository root with {@code /} separators.
     *
     * @param oldHash the recorded hash (absent for an added path)
     * @param newHash the workspace's hash (absent for a deleted path)
     */
    public record Entry(String path, Optional<HashInfo> oldHash, Optional<HashInfo> newHash) {
        public Entry {
            requireNonNull(path, "path is null");
            requireNonNull(oldHash, "oldHash is null");
            requireNonNull(newHash, "newHash is null");
        }

        /** Whether the path is a tracked folder (DVC lists folders with a trailing {@code /}). */
        public boolean isDirectory() {
            return path.endsWith("/");
        }
    }

    public DataDiff {
        added = List.copyOf(added);
        deleted = List.copyOf(deleted);
        modified = List.copyOf(modified);
    }

    /** Whether nothing differs. */
    public boolean isEmpty() {
        return added.isEmpty() && deleted.isEmpty() && modified.isEmpty();
    }
}
