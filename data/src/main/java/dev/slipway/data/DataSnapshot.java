package dev.slipway.data;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The tracked outputs of one side of a {@code dvc diff}: a Git revision's pointer files, or the workspace's
 * data. Keys are output paths relative to the repository root with {@code /} separators. Immutable.
 */
public record DataSnapshot(Map<String, Output> outputs) {
    /**
     * One output.
     *
     * @param hash its hash (absent for an output declared but never hashed)
     * @param directory whether it is a folder
     * @param files a folder's files (relative path to md5) when known: its {@code .dir} is in the cache, or
     *     the folder was hashed from the workspace
     */
    public record Output(Optional<HashInfo> hash, boolean directory, Optional<Map<String, String>> files) {
        public Output {
            requireNonNull(hash, "hash is null");
            requireNonNull(files, "files is null");
            files = files.map(known -> Collections.unmodifiableMap(new TreeMap<>(known)));
        }
    }

    public DataSnapshot {
        outputs = Collections.unmodifiableMap(new TreeMap<>(requireNonNull(outputs, "outputs is null")));
    }

    /**
     * An output as a pointer file records it, with a folder's files read from its {@code .dir} when {@code cache}
     * holds it.
     */
    public static Output recorded(DvcOutput output, LocalCache cache) {
        Optional<HashInfo> hash = output.hash();
        boolean directory = hash.map(HashInfo::isDirectory).orElse(output.fileCount().isPresent());
        Optional<Map<String, String>> files = Optional.empty();
        if (hash.isPresent() && hash.get().isDirectory() && cache.contains(hash.get())) {
            try {
                files = Optional.of(filesOf(cache.readListing(hash.get())));
            } catch (dev.slipway.core.SlipwayException e) {
                // a corrupted listing: the folder is compared by its hash only
                files = Optional.empty();
            }
        }
        return new Output(hash, directory, files);
    }

    static Map<String, String> filesOf(DirectoryListing listing) {
        Map<String, String> files = new TreeMap<>();
        listing.entries().forEach(entry -> files.put(entry.relpath(), entry.md5()));
        return files;
    }
}
