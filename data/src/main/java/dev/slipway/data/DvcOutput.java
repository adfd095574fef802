package dev.slipway.data;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One entry of a {@code .dvc} file's {@code outs} list.
 *
 * <p>{@code hash} is absent for an output that was declared but never hashed; a hash with rule
 * {@link HashName#MD5_DOS2UNIX} is a DVC 2 entry (no {@code hash:} key). {@code fileCount} is
 * present for folders only. {@code extra} keeps every other key (flags, annotations, keys of later
 * DVC versions) in file order so that rewriting a file does not lose them.
 */
public record DvcOutput(
        String path, Optional<HashInfo> hash, Optional<Long> size, Optional<Integer> fileCount,
        boolean executable, Map<String, Object> extra) {
    public DvcOutput {
        requireNonNull(path, "path is null");
        requireNonNull(hash, "hash is null");
        requireNonNull(size, "size is null");
        requireNonNull(fileCount, "fileCount is null");
        requireNonNull(extra, "extra is null");
        if (path.isEmpty()) {
            throw SlipwayException.invalidParameter("An output's path is empty");
        }
        size.ifPresent(value -> {
            if (value < 0) {
                throw SlipwayException.invalidParameter("Output '%s' has a negative size: %d", path, value);
            }
        });
        extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    /** A DVC 3 output for a file. */
    public static DvcOutput file(String path, HashInfo hash, long size, boolean executable) {
        return new DvcOutput(path, Optional.of(hash), Optional.of(size), Optional.empty(), executable, Map.of());
    }

    /** A DVC 3 output for a folder. */
    public static DvcOutput directory(String path, HashInfo hash, long size, int fileCount) {
        return new DvcOutput(path, Optional.of(hash), Optional.of(size), Optional.of(fileCount), false, Map.of());
    }

    /** True when this entry was written by DVC 2 (no {@code hash:} key) and uses the legacy rule. */
    public boolean isLegacy() {
        return hash.map(value -> value.name() == HashName.MD5_DOS2UNIX).orElse(false);
    }

    /** This output with a new hash, size and file count, keeping path and extra keys. */
    public DvcOutput withHash(HashInfo newHash, long newSize, Optional<Integer> newFileCount, boolean newExecutable) {
        return new DvcOutput(path, Optional.of(newHash), Optional.of(newSize), newFileCount, newExecutable, extra);
    }
}
