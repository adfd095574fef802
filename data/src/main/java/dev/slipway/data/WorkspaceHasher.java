package dev.slipway.data;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Hashes workspace files and folders as DVC 3 does, reading each changed file once, in parallel on a
 * bounded pool, and skipping files whose {@link FileStamp} the {@link StateCache} already knows.
 *
 * <p>A folder is walked without descending into symbolic links to folders (links to files are
 * followed and hashed by their target's content); {@code .git}, {@code .hg} and {@code .dvc} are
 * skipped; empty folders leave no entry.
 *
 * <p>Not thread-safe (the state cache is used from the calling thread); the pool is per call.
 */
public final class WorkspaceHasher {
    private static final Set<String> IGNORED_NAMES = Set.of(".git", ".hg", ".dvc");

    private final FileHasher fileHasher;
    private final StateCache state;
    private final int threads;

    /** The hash of one file output. */
    public record HashedFile(HashInfo hash, long size, boolean executable) {
        public HashedFile {
            requireNonNull(hash, "hash is null");
        }
    }

    /** The hash of one folder output: its listing, the {@code .dir} hash, total size and file count. */
    public record HashedDirectory(HashInfo hash, DirectoryListing listing, long size) {
        public HashedDirectory {
            requireNonNull(hash, "hash is null");
            requireNonNull(listing, "listing is null");
        }

        public int fileCount() {
            return listing.fileCount();
        }
    }

    /**
     * Reads a file the state cache does not know and returns its md5; the default only hashes it,
     * {@link LocalCache#ingest} also stores it. Called from several threads at once.
     */
    @FunctionalInterface
    public interface FileDigester {
        String digest(Path file, HashName rule);
    }

    /**
     * @param threads upper bound of files hashed at once (at least 1)
     */
    public WorkspaceHasher(FileHasher fileHasher, StateCache state, int threads) {
        this.fileHasher = requireNonNull(fileHasher, "fileHasher is null");
        this.state = requireNonNull(state, "state is null");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        this.threads = threads;
    }

    /**
     * Hashes one file.
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST naming the file if it is missing
     */
    public HashedFile hashFile(Path file, HashName rule) {
        return hashFile(file, rule, fileHasher::hash);
    }

    /** As {@link #hashFile(Path, HashName)}, reading a file that must be read with {@code digester}. */
    public HashedFile hashFile(Path file, HashName rule, FileDigester digester) {
        return hashFile(file, rule, digester, Transfers.Progress.none());
    }

    /** As {@link #hashFile(Path, HashName, FileDigester)}, telling {@code progress} when the file is hashed. */
    public HashedFile hashFile(Path file, HashName rule, FileDigester digester, Transfers.Progress progress) {
        FileStamp stamp = FileStamp.of(file);
        String md5 = hashAll(List.of(stamp), rule, digester, progress).get(stamp);
        return new HashedFile(new HashInfo(rule, md5), stamp.size(), Files.isExecutable(file));
    }

    /**
     * Walks and hashes a folder into its DVC directory listing.
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST naming a file that vanished during the walk or
     *     the hashing; INVALID_PARAMETER_VALUE if the folder holds a {@code .dvcignore} (DVC refuses
     *     one inside a tracked folder)
     */
    public HashedDirectory hashDirectory(Path directory, HashName rule) {
        return hashDirectory(directory, rule, DvcIgnore.none(), fileHasher::hash);
    }

    /**
     * As {@link #hashDirectory(Path, HashName)}, leaving out what {@code ignore} ignores and reading
     * each file that must be read with {@code digester}.
     */
    public HashedDirectory hashDirectory(Path directory, HashName rule, DvcIgnore ignore, FileDigester digester) {
        return hashDirectory(directory, rule, ignore, digester, Transfers.Progress.none());
    }

    /**
     * As {@link #hashDirectory(Path, HashName, DvcIgnore, FileDigester)}, telling {@code progress} the bytes
     * hashed so far out of the folder's total after each file (files the state cache knows count at once).
     */
    public HashedDirectory hashDirectory(Path directory, HashName rule, DvcIgnore ignore, FileDigester digester,
            Transfers.Progress progress) {
        Map<FileStamp, String> relpaths = new HashMap<>();
        List<FileStamp> stamps = new ArrayList<>();
        for (Path file : listFiles(directory, ignore)) {
            FileStamp stamp = FileStamp.of(file);
            stamps.add(stamp);
            relpaths.put(stamp, relpath(directory, file));
        }
        Map<FileStamp, String> hashes = hashAll(stamps, rule, digester, progress);
        List<DirectoryListing.Entry> entries = new ArrayList<>(stamps.size());
        long size = 0;
        for (FileStamp stamp : stamps) {
            entries.add(new DirectoryListing.Entry(relpaths.get(stamp), hashes.get(stamp)));
            size += stamp.size();
        }
        DirectoryListing listing = new DirectoryListing(entries);
        return new HashedDirectory(new HashInfo(rule, listing.hash()), listing, size);
    }

    FileHasher fileHasher() {
        return fileHasher;
    }

    /** The {@code /}-separated path of {@code file} relative to {@code directory}. */
    static String relpath(Path directory, Path file) {
        Path relative = directory.toAbsolutePath().relativize(file.toAbsolutePath());
        StringBuilder joined = new StringBuilder();
        for (Path part : relative) {
            if (joined.length() > 0) {
                joined.append('/');
            }
            joined.append(part.toString());
        }
        return joined.toString();
    }

    /** The files DVC would track under {@code directory}, absolute. */
    static List<Path> listFiles(Path directory, DvcIgnore ignore) {
        Path root = directory.toAbsolutePath();
        if (!Files.isDirectory(root)) {
            throw SlipwayException.notFound("Folder '%s' does not exist", directory);
        }
        List<Path> files = new ArrayList<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (!dir.equals(root) && (IGNORED_NAMES.contains(dir.getFileName().toString())
                            || ignore.isIgnored(dir, true))) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    String name = file.getFileName().toString();
                    if (name.equals(".dvcignore")) {
                        throw SlipwayException.invalidParameter(
                                "'%s' is inside a tracked folder: DVC does not allow a .dvcignore there", file);
                    }
                    if (IGNORED_NAMES.contains(name) || (attrs.isSymbolicLink() && Files.isDirectory(file))
                            || ignore.isIgnored(file, false)) {
                        return FileVisitResult.CONTINUE;
                    }
                    if (attrs.isRegularFile() || attrs.isSymbolicLink()) {
                        files.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        throw new SlipwayException(ErrorCode.RESOURCE_DOES_NOT_EXIST,
                                String.format("File '%s' vanished while its folder was being listed", file), e);
                    }
                    if (e instanceof FileSystemLoopException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }
            });
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot list folder '%s': %s", directory, e.getMessage()), e);
        }
        return files;
    }

    /** Md5 of every stamp: state-cache hits first, the misses read on the pool, then recorded. */
    Map<FileStamp, String> hashAll(List<FileStamp> stamps, HashName rule) {
        return hashAll(stamps, rule, fileHasher::hash, Transfers.Progress.none());
    }

    private Map<FileStamp, String> hashAll(List<FileStamp> stamps, HashName rule, FileDigester digester,
            Transfers.Progress progress) {
        Map<FileStamp, String> hashes = new HashMap<>(state.lookup(stamps, rule));
        List<FileStamp> misses = stamps.stream().filter(stamp -> !hashes.containsKey(stamp)).toList();
        long total = stamps.stream().mapToLong(FileStamp::size).sum();
        long done = total - misses.stream().mapToLong(FileStamp::size).sum();
        progress.update(done, total);
        if (misses.isEmpty()) {
            return hashes;
        }
        Map<FileStamp, String> computed = new HashMap<>();
        if (misses.size() == 1) {
            FileStamp stamp = misses.get(0);
            computed.put(stamp, digester.digest(stamp.path(), rule));
            progress.update(total, total);
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, misses.size()));
            try {
                List<Future<String>> futures = new ArrayList<>(misses.size());
                for (FileStamp stamp : misses) {
                    futures.add(pool.submit(() -> digester.digest(stamp.path(), rule)));
                }
                for (int i = 0; i < misses.size(); i++) {
                    computed.put(misses.get(i), await(futures.get(i)));
                    done += misses.get(i).size();
                    progress.update(done, total);
                }
            } finally {
                WorkerPools.stopAndAwait(pool);
            }
        }
        state.record(computed, rule);
        hashes.putAll(computed);
        return hashes;
    }

    private static String await(Future<String> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR, "Interrupted while hashing", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SlipwayException slipway) {
                throw slipway;
            }
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR, "Hashing failed: " + e.getCause(), e.getCause());
        }
    }
}
