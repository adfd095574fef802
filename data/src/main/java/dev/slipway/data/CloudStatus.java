package dev.slipway.data;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code dvc status --cloud}: which objects of the tracked outputs are only in the local cache ({@code new}), only
 * on the remote ({@code deleted}) or in neither ({@code missing}). Objects in both are in sync and not listed.
 * The remote is asked once, for all objects together ({@link Remote#existing}, which checks in batches).
 */
public final class CloudStatus {
    /** Where an object is missing, with DVC's word for it. */
    public enum State {
        NEW("new"),
        DELETED("deleted"),
        MISSING("missing");

        private final String dvcWord;

        State(String dvcWord) {
            this.dvcWord = dvcWord;
        }

        public String dvcWord() {
            return dvcWord;
        }
    }

    /**
     * One object out of sync.
     *
     * @param name the workspace path it holds, relative to the repository root with {@code /}: an output, or a
     *     file inside a tracked folder (a folder's own {@code .dir} is named by the folder)
     */
    public record Entry(String name, HashInfo hash, State state) {
        public Entry {
            requireNonNull(name, "name is null");
            requireNonNull(hash, "hash is null");
            requireNonNull(state, "state is null");
        }
    }

    private CloudStatus() {}

    /**
     * Compares the objects of the outputs of {@code dvcFiles} (every pointer file when empty) in the local cache
     * with {@code remote}. A folder's files are known from its {@code .dir} in the cache; without it, only the
     * {@code .dir} is checked.
     *
     * @return the objects out of sync, in output order; empty when cache and remote are in sync
     * @throws SlipwayException the remote's own error if it cannot be reached
     */
    public static List<Entry> compare(Repository repository, Remote remote, List<Path> dvcFiles) {
        Set<Path> wanted = new LinkedHashSet<>();
        dvcFiles.forEach(file -> wanted.add(file.toAbsolutePath().normalize()));
        Path root = repository.root();
        LocalCache cache = repository.cache();
        Map<HashInfo, String> names = new LinkedHashMap<>();
        for (Repository.TrackedOutput tracked : repository.trackedOutputs(Optional.empty())) {
            if (!wanted.isEmpty() && !wanted.contains(tracked.dvcFile().toAbsolutePath().normalize())) {
                continue;
            }
            Optional<HashInfo> hash = tracked.output().hash();
            if (hash.isEmpty()) {
                continue;
            }
            String name = root.relativize(tracked.path()).toString().replace(java.io.File.separatorChar, '/');
            if (hash.get().isDirectory() && cache.contains(hash.get())) {
                try {
                    for (DirectoryListing.Entry entry : cache.readListing(hash.get()).entries()) {
                        names.putIfAbsent(new HashInfo(hash.get().name(), entry.md5()), name + "/" + entry.relpath());
                    }
                } catch (SlipwayException e) {
                    // a corrupted listing: its files are unknown, the .dir itself is still compared
                }
            }
            names.putIfAbsent(hash.get(), name);
        }
        Set<HashInfo> onRemote = names.isEmpty() ? Set.of() : remote.existing(names.keySet()).keySet();
        List<Entry> entries = new ArrayList<>();
        names.forEach((hash, name) -> {
            boolean local = cache.contains(hash);
            boolean remoteHas = onRemote.contains(hash);
            if (local && !remoteHas) {
                entries.add(new Entry(name, hash, State.NEW));
            } else if (!local && remoteHas) {
                entries.add(new Entry(name, hash, State.DELETED));
            } else if (!local) {
                entries.add(new Entry(name, hash, State.MISSING));
            }
        });
        return List.copyOf(entries);
    }
}
