package dev.slipway.data;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A remote in a local or mounted folder ({@code url} is a path, relative ones resolved against the
 * config file's folder). Objects are copied to {@code .<random>.tmp} beside their final name and
 * renamed. Thread-safe.
 */
public final class LocalRemote implements Remote {
    private final String name;
    private final String url;
    private final Path root;
    /** Object folders known to exist, so each is created or checked once. */
    private final Set<Path> folders = ConcurrentHashMap.newKeySet();
    private final FileHasher hasher = new FileHasher();

    /**
     * @param root the folder the URL names, already resolved
     */
    public LocalRemote(String name, String url, Path root) {
        this.name = requireNonNull(name, "name is null");
        this.url = requireNonNull(url, "url is null");
        this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
    }

    /** Creates local remotes for URLs without a scheme (or {@code file://}). */
    public static RemoteFactory factory() {
        return new RemoteFactory() {
            @Override
            public boolean accepts(String url) {
                return !url.matches("^[A-Za-z][A-Za-z0-9+.-]+://.*") || url.startsWith("file://");
            }

            @Override
            public Remote create(String name, String url, Map<String, String> options, Path configFolder) {
                String path = url.startsWith("file://") ? url.substring("file://".length()) : url;
                return new LocalRemote(name, url, configFolder.resolve(path));
            }
        };
    }

    public Path root() {
        return root;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String url() {
        return url;
    }

    /** Creates the remote's folder (and its parents) when missing, as {@code dvc push} does. */
    @Override
    public void prepareForUpload() {
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.TEMPORARILY_UNAVAILABLE, String.format(
                    "Remote '%s' (%s) is not reachable: cannot create folder '%s': %s", name, url, root, e), e);
        }
    }

    @Override
    public Map<HashInfo, Long> existing(Collection<HashInfo> hashes) {
        requireReachable();
        Map<HashInfo, Long> found = new HashMap<>();
        for (HashInfo hash : hashes) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(objectPath(hash), BasicFileAttributes.class);
                if (attributes.isRegularFile()) {
                    found.put(hash, attributes.size());
                }
            } catch (NoSuchFileException e) {
                // not on the remote
            } catch (IOException e) {
                throw failure("check objects", e);
            }
        }
        return Map.copyOf(found);
    }

    @Override
    public void upload(Path source, HashInfo hash) {
        Path target = objectPath(hash);
        Path temporary = target.resolveSibling("." + UUID.randomUUID() + ".tmp");
        try {
            ensureFolder(target.getParent());
            KernelCopy.copy(source, temporary);
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw failure("upload '" + hash.value() + "'", e);
        } finally {
            deleteQuietly(temporary);
        }
    }

    @Override
    public String uploadIfIntact(Path source, HashInfo hash) {
        if (hash.name() != HashName.MD5) {
            throw new IllegalArgumentException("only DVC 3 objects are checked while they are sent: " + hash);
        }
        Path target = objectPath(hash);
        Path temporary = target.resolveSibling("." + UUID.randomUUID() + ".tmp");
        try {
            ensureFolder(target.getParent());
            String actual;
            try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ)) {
                if (FileHasher.hashesBehindCopy(in.size())) {
                    // copied in the kernel and hashed behind the copy on the native lanes, with the other objects
                    // in flight: the copy's hash, so what is published is what was checked
                    actual = hasher.copyThenHash(in, temporary);
                } else {
                    // hashed in Java as it is written; nobody reads the remote's copy soon: written around the page
                    // cache where the file system allows
                    try (UncachedFile out = UncachedFile.create(temporary, true)) {
                        actual = FileHasher.copyHashing(in, out::write);
                    }
                }
            }
            if (actual.equals(hash.hex())) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            return actual;
        } catch (IOException e) {
            throw failure("upload '" + hash.value() + "'", e);
        } finally {
            deleteQuietly(temporary);
        }
    }

    private void ensureFolder(Path folder) throws IOException {
        if (!folders.contains(folder)) {
            Files.createDirectories(folder);
            folders.add(folder);
        }
    }

    @Override
    public void download(HashInfo hash, Path target) {
        Path source = objectPath(hash);
        if (!Files.isRegularFile(source)) {
            throw SlipwayException.notFound("Object '%s' is not on remote '%s' (%s)", hash.value(), name, url);
        }
        try {
            Files.copy(source, target);
        } catch (IOException e) {
            throw failure("download '" + hash.value() + "'", e);
        }
    }

    @Override
    public boolean streams() {
        return true;
    }

    @Override
    public ReadableByteChannel open(HashInfo hash) {
        try {
            return FileChannel.open(objectPath(hash), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw SlipwayException.notFound("Object '%s' is not on remote '%s' (%s)", hash.value(), name, url);
        } catch (IOException e) {
            throw failure("download '" + hash.value() + "'", e);
        }
    }

    @Override
    public Optional<Path> localFile(HashInfo hash) {
        return Optional.of(objectPath(hash));
    }

    @Override
    public Collection<HashInfo> list() {
        requireReachable();
        List<HashInfo> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root, 4)) {
            files.filter(Files::isRegularFile).forEach(file -> {
                String key = root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
                Optional<HashInfo> hash = Remote.parseKey(key);
                hash.ifPresent(found::add);
            });
        } catch (IOException e) {
            throw failure("list objects", e);
        }
        return List.copyOf(found);
    }

    @Override
    public void delete(HashInfo hash) {
        try {
            Files.deleteIfExists(objectPath(hash));
        } catch (IOException e) {
            throw failure("delete '" + hash.value() + "'", e);
        }
    }

    Path objectPath(HashInfo hash) {
        return root.resolve(Remote.objectKey(hash));
    }

    private void requireReachable() {
        if (!Files.isDirectory(root)) {
            throw new SlipwayException(ErrorCode.TEMPORARILY_UNAVAILABLE, String.format(
                    "Remote '%s' (%s) is not reachable: folder '%s' does not exist or is not mounted", name, url, root));
        }
    }

    private SlipwayException failure(String action, IOException e) {
        if (DiskFull.causedBy(e)) {
            return DiskFull.onRemote(action, name, url, root, e);
        }
        return new SlipwayException(ErrorCode.INTERNAL_ERROR,
                String.format("Cannot %s on remote '%s' (%s): %s", action, name, url, e.getMessage()), e);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a stray .tmp file on the remote is never read as an object
        }
    }
}
