package dev.slipway.pipeline.report;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The files on disk, below the repository root. */
public final class WorkspaceFiles implements VersionedFiles {
    public static final String NAME = "workspace";

    private final Path root;

    public WorkspaceFiles(Path root) {
        this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> filesUnder(String folder) {
        Path start = root.resolve(requireNonNull(folder, "folder is null")).normalize();
        if (!Files.isDirectory(start)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(start)) {
            return files.filter(Files::isRegularFile).map(file -> root.relativize(file).toString().replace('\\', '/'))
                    .sorted().toList();
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR, String.format("Cannot list '%s': %s", folder, e), e);
        }
    }

    @Override
    public Optional<byte[]> read(String path) {
        Path file = root.resolve(requireNonNull(path, "path is null")).normalize();
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR, String.format("Cannot read '%s': %s", path, e), e);
        }
    }
}
