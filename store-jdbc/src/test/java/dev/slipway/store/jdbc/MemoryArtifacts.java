package dev.slipway.store.jdbc;

import dev.slipway.core.artifacts.ArtifactRepositories;
import dev.slipway.core.artifacts.ArtifactRepository;
import dev.slipway.core.artifacts.ArtifactRepositoryFactory;
import dev.slipway.core.artifacts.FileInfo;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Artifact locations {@code memory://...} that hold nothing and remember which were deleted; a location containing
 * {@code broken} fails to delete. Store tests use it where the garbage collector deletes artifacts (the real
 * repositories live in another module).
 */
final class MemoryArtifacts implements ArtifactRepositoryFactory {
    private final List<String> deleted = new CopyOnWriteArrayList<>();

    ArtifactRepositories repositories() {
        return new ArtifactRepositories(List.of(this), Optional.empty());
    }

    List<String> deleted() {
        return List.copyOf(deleted);
    }

    @Override
    public Set<String> schemes() {
        return Set.of("memory");
    }

    @Override
    public ArtifactRepository create(URI root) {
        String location = root.toString();
        return new ArtifactRepository() {
            @Override
            public void put(String path, InputStream content) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Optional<InputStream> open(String path) {
                return Optional.empty();
            }

            @Override
            public Optional<Long> size(String path) {
                return Optional.empty();
            }

            @Override
            public List<FileInfo> list(String path) {
                return List.of();
            }

            @Override
            public void delete(String path) throws IOException {
                if (location.contains("broken")) {
                    throw new IOException("the disk is read-only");
                }
                deleted.add(path.isEmpty() ? location : location + "/" + path);
            }
        };
    }
}
