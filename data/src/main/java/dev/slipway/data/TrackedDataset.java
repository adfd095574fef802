package dev.slipway.data;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A file or folder a {@code .dvc} pointer file tracks, at the version the pointer file records: the dataset
 * version that lineage identifies by its md5 ({@code .dir} hash for a folder, at most 36 characters, which fits
 * MLflow's dataset digest).
 *
 * @param repositoryRoot the DVC repository's root (the folder holding {@code .dvc/})
 * @param path the output's path relative to the root, {@code /}-separated
 * @param hash the recorded hash
 */
public record TrackedDataset(Path repositoryRoot, String path, HashInfo hash, Optional<Long> size,
        Optional<Integer> fileCount) {
    private static final String DVC_FOLDER = ".dvc";
    private static final String DVC_SUFFIX = ".dvc";

    public TrackedDataset {
        requireNonNull(repositoryRoot, "repositoryRoot is null");
        requireNonNull(path, "path is null");
        requireNonNull(hash, "hash is null");
        requireNonNull(size, "size is null");
        requireNonNull(fileCount, "fileCount is null");
    }

    /** The digest lineage records: the hash's value ({@code <md5>} or {@code <md5>.dir}). */
    public String digest() {
        return hash.value();
    }

    /**
     * The version of {@code target} its sibling {@code <name>.dvc} records, when {@code target} is inside a DVC
     * repository and tracked by such a pointer file with a hashed output of that name; empty otherwise.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE if the pointer file exists but cannot be read
     */
    public static Optional<TrackedDataset> of(Path target) {
        Path absolute = target.toAbsolutePath().normalize();
        if (absolute.getFileName() == null) {
            return Optional.empty();
        }
        Optional<Path> root = repositoryRoot(absolute.getParent());
        Path pointer = absolute.resolveSibling(absolute.getFileName() + DVC_SUFFIX);
        if (root.isEmpty() || !Files.isRegularFile(pointer)) {
            return Optional.empty();
        }
        DvcFile file;
        try {
            file = DvcFile.parse(Files.readString(pointer, UTF_8), pointer.toString());
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot read '%s': %s", pointer, e.getMessage()), e);
        }
        String relative = root.get().relativize(absolute).toString().replace('\\', '/');
        for (DvcOutput output : file.outs()) {
            Path outputPath = absolute.getParent().resolve(output.path()).normalize();
            if (outputPath.equals(absolute) && output.hash().isPresent()) {
                return Optional.of(new TrackedDataset(root.get(), relative, output.hash().get(), output.size(),
                        output.fileCount()));
            }
        }
        return Optional.empty();
    }

    /**
     * {@link #of} when the workspace still holds the recorded version (DVC's status reports no change), so that
     * a run that read the file can name the version it really used; empty for a modified or untracked target.
     */
    public static Optional<TrackedDataset> current(Path target) {
        Optional<TrackedDataset> recorded = of(target);
        if (recorded.isEmpty()) {
            return recorded;
        }
        Path absolute = target.toAbsolutePath().normalize();
        Path pointer = absolute.resolveSibling(absolute.getFileName() + DVC_SUFFIX);
        try (Repository repository = Repository.open(recorded.get().repositoryRoot())) {
            return repository.status(java.util.List.of(pointer)).isEmpty() ? recorded : Optional.empty();
        }
    }

    /** The nearest folder, from {@code folder} upward, holding {@code .dvc/}. */
    public static Optional<Path> repositoryRoot(Path folder) {
        for (Path candidate = folder.toAbsolutePath().normalize(); candidate != null; candidate = candidate.getParent()) {
            if (Files.isDirectory(candidate.resolve(DVC_FOLDER))) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
