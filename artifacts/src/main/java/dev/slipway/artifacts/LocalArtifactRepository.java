package dev.slipway.artifacts;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.artifacts.ArtifactPaths;
import dev.slipway.core.artifacts.ArtifactRepository;
import dev.slipway.core.artifacts.FileInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Artifacts in a folder of the local file system. Writes go to a temporary file beside the target and
 * are moved into place, so a reader never sees half a file. Every path is checked again here and must
 * stay inside the root after symbolic links are resolved.
 */
public final class LocalArtifactRepository implements ArtifactRepository {
    private final Path root;

    public LocalArtifactRepository(Path root) {
        this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    @Override
    public void put(String path, InputStream content) throws IOException {
        Path target = resolve(path);
        if (target.equals(root)) {
            throw ArtifactPaths.invalidPath();
        }
        Files.createDirectories(target.getParent());
        checkInsideRoot(target.getParent());
        Path temporary = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.copy(content, temporary, StandardCopyOption.REPLACE_EXISTING);
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    @Override
    public Optional<InputStream> open(String path) throws IOException {
        Path target = resolve(path);
        if (!Files.isRegularFile(target)) {
            return Optional.empty();
        }
        checkInsideRoot(target);
        try {
            return Optional.of(Files.newInputStream(target));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<Long> size(String path) throws IOException {
        Path target = resolve(path);
        if (!Files.isRegularFile(target)) {
            return Optional.empty();
        }
        checkInsideRoot(target);
        return Optional.of(Files.size(target));
    }

    @Override
    public List<FileInfo> list(String path) throws IOException {
        Path directory = resolve(path);
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        checkInsideRoot(directory);
        String prefix = ArtifactPaths.validate(path);
        List<FileInfo> entries = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(directory)) {
            for (Path child : children) {
                String name = child.getFileName().toString();
                if (name.startsWith(".") && name.endsWith(".tmp")) {
                    continue;
                }
                String relative = prefix.isEmpty() ? name : prefix + "/" + name;
                if (Files.isDirectory(child)) {
                    entries.add(new FileInfo(relative, true, Optional.empty()));
                } else {
                    entries.add(new FileInfo(relative, false, Optional.of(Files.size(child))));
                }
            }
        }
        entries.sort(Comparator.comparing(FileInfo::path));
        return List.copyOf(entries);
    }

    @Override
    public void delete(String path) throws IOException {
        Path target = resolve(path);
        if (!Files.exists(target)) {
            return;
        }
        checkInsideRoot(target);
        if (Files.isDirectory(target)) {
            Files.walkFileTree(target, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                    if (failure != null) {
                        throw failure;
                    }
                    if (!dir.equals(root)) {
                        Files.delete(dir);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } else {
            Files.delete(target);
        }
    }

    private Path resolve(String path) {
        String normal = ArtifactPaths.validate(path);
        Path target = normal.isEmpty() ? root : root.resolve(normal).normalize();
        if (!target.startsWith(root)) {
            throw ArtifactPaths.invalidPath();
        }
        return target;
    }

    private void checkInsideRoot(Path existing) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Path realRoot = root.toRealPath();
        Path real = existing.toRealPath();
        if (!real.startsWith(realRoot)) {
            throw ArtifactPaths.invalidPath();
        }
    }
}
