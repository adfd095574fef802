package dev.slipway.data;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * How two versions of the tracked data differ, path by path as {@code dvc diff} lists it: a tracked file, a file
 * inside a tracked folder (when the folder's files are known on both sides), or a tracked folder itself (its path
 * ending in {@code /}). {@code notInCache} lists the workspace's unchanged outputs whose objects the cache lacks.
 */
public record DataDiff(List<Entry> added, List<Entry> deleted, List<Entry> modified, List<Entry> notInCache) {
    /**
     * One changed path, relative to the repository root with {@code /} separators.
     *
     * @param oldHash the hash in the older version (absent for an added path)
     * @param newHash the hash in the newer version (absent for a deleted path)
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
        notInCache = List.copyOf(notInCache);
    }

    public DataDiff(List<Entry> added, List<Entry> deleted, List<Entry> modified) {
        this(added, deleted, modified, List.of());
    }

    /** Whether nothing differs (outputs missing from the cache do not count). */
    public boolean isEmpty() {
        return added.isEmpty() && deleted.isEmpty() && modified.isEmpty();
    }

    /**
     * Compares two snapshots as {@code dvc diff A B} does.
     *
     * @param inCache for a {@code newer} side that is the workspace, tells whether an unchanged output's object
     *     is in the cache (those that are not are listed in {@link #notInCache}); {@code hash -> true} otherwise
     */
    public static DataDiff between(DataSnapshot older, DataSnapshot newer, Predicate<HashInfo> inCache) {
        List<Entry> added = new ArrayList<>();
        List<Entry> deleted = new ArrayList<>();
        List<Entry> modified = new ArrayList<>();
        List<Entry> notInCache = new ArrayList<>();
        TreeSet<String> paths = new TreeSet<>(older.outputs().keySet());
        paths.addAll(newer.outputs().keySet());
        for (String path : paths) {
            DataSnapshot.Output before = older.outputs().get(path);
            DataSnapshot.Output after = newer.outputs().get(path);
            if (after == null) {
                if (before.hash().isPresent()) {
                    files(path, before).forEach((file, md5) ->
                            deleted.add(new Entry(file, Optional.of(hashOf(before, md5)), Optional.empty())));
                    deleted.add(new Entry(name(path, before), before.hash(), Optional.empty()));
                }
            } else if (before == null || before.hash().isEmpty()) {
                if (after.hash().isPresent()) {
                    files(path, after).forEach((file, md5) ->
                            added.add(new Entry(file, Optional.empty(), Optional.of(hashOf(after, md5)))));
                    added.add(new Entry(name(path, after), Optional.empty(), after.hash()));
                }
            } else if (after.hash().isEmpty()) {
                deleted.add(new Entry(name(path, before), before.hash(), Optional.empty()));
            } else if (before.hash().equals(after.hash())) {
                if (!inCache.test(after.hash().get())) {
                    notInCache.add(new Entry(name(path, after), after.hash(), after.hash()));
                }
            } else {
                if (before.files().isPresent() && after.files().isPresent()) {
                    compareFiles(path, before, after, added, deleted, modified);
                }
                modified.add(new Entry(name(path, after.directory() ? after : before), before.hash(), after.hash()));
            }
        }
        Comparator<Entry> byPath = Comparator.comparing(Entry::path);
        added.sort(byPath);
        deleted.sort(byPath);
        modified.sort(byPath);
        notInCache.sort(byPath);
        return new DataDiff(added, deleted, modified, notInCache);
    }

    private static void compareFiles(String path, DataSnapshot.Output before, DataSnapshot.Output after,
            List<Entry> added, List<Entry> deleted, List<Entry> modified) {
        Map<String, String> old = before.files().orElseThrow();
        Map<String, String> now = after.files().orElseThrow();
        now.forEach((relpath, md5) -> {
            String previous = old.get(relpath);
            String file = path + "/" + relpath;
            if (previous == null) {
                added.add(new Entry(file, Optional.empty(), Optional.of(hashOf(after, md5))));
            } else if (!previous.equals(md5)) {
                modified.add(new Entry(file, Optional.of(hashOf(before, previous)), Optional.of(hashOf(after, md5))));
            }
        });
        old.forEach((relpath, md5) -> {
            if (!now.containsKey(relpath)) {
                deleted.add(new Entry(path + "/" + relpath, Optional.of(hashOf(before, md5)), Optional.empty()));
            }
        });
    }

    /** A folder's files by their paths below the repository root; none for a file or an unknown listing. */
    private static Map<String, String> files(String path, DataSnapshot.Output output) {
        Map<String, String> files = new java.util.TreeMap<>();
        output.files().ifPresent(known -> known.forEach((relpath, md5) -> files.put(path + "/" + relpath, md5)));
        return files;
    }

    private static HashInfo hashOf(DataSnapshot.Output output, String md5) {
        return new HashInfo(output.hash().map(HashInfo::name).orElse(HashName.MD5), md5);
    }

    private static String name(String path, DataSnapshot.Output output) {
        return output.directory() ? path + "/" : path;
    }
}
