package dev.slipway.data;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RecursiveAction;
import java.util.function.IntConsumer;

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
    /** Reads and hashes a file, storing nothing: the digester whose files may be hashed in groups on the lanes. */
    private final FileDigester reading;
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
        this.reading = fileHasher::hash;
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
        return hashFile(file, rule, reading);
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
        return hashDirectory(directory, rule, DvcIgnore.none(), reading);
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
        List<Listed> files = listFiles(directory, ignore);
        return hashListed(directory, files, fingerprint(files), rule, digester, progress);
    }

    /** Hashes the files a listing of {@code directory} found and records the result under {@code fingerprint}. */
    private HashedDirectory hashListed(Path directory, List<Listed> files, String fingerprint, HashName rule,
            FileDigester digester, Transfers.Progress progress) {
        List<FileStamp> stamps = new ArrayList<>(files.size());
        for (Listed file : files) {
            stamps.add(file.stamp());
        }
        Map<FileStamp, String> hashes = hashAll(stamps, rule, digester, progress);
        List<DirectoryListing.Entry> entries = new ArrayList<>(files.size());
        long size = 0;
        for (Listed file : files) {
            entries.add(new DirectoryListing.Entry(file.relpath(), hashes.get(file.stamp())));
            size += file.stamp().size();
        }
        DirectoryListing listing = new DirectoryListing(entries);
        HashInfo hash = new HashInfo(rule, listing.hash());
        state.recordTree(directory, fingerprint, rule, hash.value());
        return new HashedDirectory(hash, listing, size);
    }

    /** A folder's {@code .dir} hash, total size and file count, without its listing. */
    public record DirectorySummary(HashInfo hash, long size, int fileCount) {
        public DirectorySummary {
            requireNonNull(hash, "hash is null");
        }
    }

    /**
     * The {@code .dir} hash of a folder as {@link #hashDirectory} computes it, answered from the state cache
     * without looking up any file when the stamps of all its files (and their names) are those it last
     * recorded for the folder: a walk of the folder is all an unchanged tree costs.
     */
    public DirectorySummary summarizeDirectory(Path directory, HashName rule, DvcIgnore ignore) {
        List<Listed> files = listFiles(directory, ignore);
        long size = 0;
        for (Listed file : files) {
            size += file.stamp().size();
        }
        String fingerprint = fingerprint(files);
        Optional<String> known = state.lookupTree(directory, fingerprint, rule);
        if (known.isPresent()) {
            return new DirectorySummary(new HashInfo(rule, known.get()), size, files.size());
        }
        HashedDirectory hashed = hashListed(directory, files, fingerprint, rule, reading,
                Transfers.Progress.none());
        return new DirectorySummary(hashed.hash(), hashed.size(), hashed.fileCount());
    }

    /**
     * A digest of the names and stamps of a folder's files: it changes when any file is added, removed or
     * touched. Order-independent (each file's 128-bit mix is summed), so the listing needs no sorting; not
     * cryptographic, which change detection does not need.
     */
    static String fingerprint(List<Listed> files) {
        long low = 0;
        long high = 0;
        for (Listed file : files) {
            FileStamp stamp = file.stamp();
            long a = 0x9E3779B97F4A7C15L;
            long b = 0xC2B2AE3D27D4EB4FL;
            String relpath = file.relpath();
            for (int i = 0; i < relpath.length(); i++) {
                char c = relpath.charAt(i);
                a = (a ^ c) * 0x100000001B3L;
                b = (b ^ c) * 0x9FB21C651E98DF25L;
            }
            a = mix(a ^ mix(stamp.inode() + 0x632BE59BD9B4E019L) ^ mix(stamp.mtimeNanos()) * 31 ^ mix(stamp.size()) * 17);
            b = mix(b + mix(stamp.inode()) * 29 + mix(stamp.mtimeNanos() ^ 0x85EBCA77C2B2AE63L) + mix(stamp.size() + 7));
            low += a;
            high += b;
        }
        return String.format("%016x%016x-%d", high, low, files.size());
    }

    /** MurmurHash3's 64-bit finaliser. */
    private static long mix(long value) {
        long h = value;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h;
    }

    /** A file found in a folder: its path relative to the folder ({@code /}-separated) and its stamp. */
    record Listed(String relpath, FileStamp stamp) {}

    FileHasher fileHasher() {
        return fileHasher;
    }

    /** Records md5s of files that were hashed elsewhere (as their bytes were written), for later lookups. */
    void remember(Map<FileStamp, String> hashes, HashName rule) {
        state.record(hashes, rule);
    }

    /** The md5s the state cache recorded for those of {@code stamps} it knows unchanged; reads no file. */
    Map<FileStamp, String> recorded(java.util.Collection<FileStamp> stamps, HashName rule) {
        return state.lookup(stamps, rule);
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

    /**
     * The files DVC would track under {@code directory}, stamped with the attributes the listing read (one
     * {@code lstat} per entry; a symbolic link to a file is stamped by its target). Sub-folders are listed in
     * parallel on the common fork-join pool.
     */
    static List<Listed> listFiles(Path directory, DvcIgnore ignore) {
        Path root = directory.toAbsolutePath();
        if (!Files.isDirectory(root)) {
            throw SlipwayException.notFound("Folder '%s' does not exist", directory);
        }
        List<Listed> files = new ArrayList<>();
        new FolderListing(root, "", ignore, files).invoke();
        return files;
    }

    /** Lists one folder into {@code found}, forking a task per sub-folder and joining them in name order. */
    private static final class FolderListing extends RecursiveAction {
        private final Path folder;
        private final String prefix;
        private final DvcIgnore ignore;
        private final List<Listed> found;

        FolderListing(Path folder, String prefix, DvcIgnore ignore, List<Listed> found) {
            this.folder = folder;
            this.prefix = prefix;
            this.ignore = ignore;
            this.found = found;
        }

        @Override
        protected void compute() {
            List<FolderListing> children = new ArrayList<>();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
                for (Path entry : entries) {
                    String name = entry.getFileName().toString();
                    BasicFileAttributes attrs;
                    try {
                        attrs = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    } catch (NoSuchFileException e) {
                        throw new SlipwayException(ErrorCode.RESOURCE_DOES_NOT_EXIST,
                                String.format("File '%s' vanished while its folder was being listed", entry), e);
                    }
                    if (attrs.isDirectory()) {
                        if (!IGNORED_NAMES.contains(name) && !ignore.isIgnored(entry, true)) {
                            children.add(new FolderListing(entry, prefix + name + "/", ignore, new ArrayList<>()));
                        }
                        continue;
                    }
                    if (name.equals(".dvcignore")) {
                        throw SlipwayException.invalidParameter(
                                "'%s' is inside a tracked folder: DVC does not allow a .dvcignore there", entry);
                    }
                    if (IGNORED_NAMES.contains(name) || (attrs.isSymbolicLink() && Files.isDirectory(entry))
                            || ignore.isIgnored(entry, false)) {
                        continue;
                    }
                    if (attrs.isRegularFile() || attrs.isSymbolicLink()) {
                        found.add(new Listed(prefix + name, FileStamp.of(entry, attrs)));
                    }
                }
            } catch (NoSuchFileException e) {
                throw new SlipwayException(ErrorCode.RESOURCE_DOES_NOT_EXIST,
                        String.format("Folder '%s' vanished while it was being listed", folder), e);
            } catch (IOException e) {
                throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                        String.format("Cannot list folder '%s': %s", folder, e.getMessage()), e);
            }
            invokeAll(children);
            for (FolderListing child : children) {
                found.addAll(child.found);
            }
        }
    }

    /** Md5 of every stamp: state-cache hits first, the misses read on the pool, then recorded. */
    Map<FileStamp, String> hashAll(List<FileStamp> stamps, HashName rule) {
        return hashAll(stamps, rule, reading, Transfers.Progress.none());
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
        if (digester == reading && rule == HashName.MD5 && misses.size() > 1 && LaneMd5.available()) {
            long[] hashed = {done};
            List<String> digests = hashInShares(misses.stream().map(FileStamp::path).toList(), threads, index -> {
                hashed[0] += misses.get(index).size();
                progress.update(hashed[0], total);
            });
            for (int index = 0; index < misses.size(); index++) {
                computed.put(misses.get(index), digests.get(index));
            }
        } else if (misses.size() == 1) {
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

    /**
     * The DVC 3 md5 of each file, in the order given, read in shares hashed at the same time on their own threads
     * ({@code maxShares} at most, and where the native MD5 kernel runs no more than its {@link LaneMd5#workers()}, as
     * each share holds sixteen chunk buffers on the lanes), each share sixteen files at a time on the kernel where it
     * runs ({@link FileHasher#hashAll}).
     *
     * @param hashed hears, on the calling thread, the index of each file once its share is done
     * @throws SlipwayException as {@link FileHasher#hash}, for a file that cannot be read
     */
    List<String> hashInShares(List<Path> files, int maxShares, IntConsumer hashed) {
        if (files.isEmpty()) {
            return List.of();
        }
        int shareCount = Math.min(files.size(), LaneMd5.available() ? Math.min(maxShares, LaneMd5.workers())
                : maxShares);
        List<List<Integer>> shares = new ArrayList<>();
        for (int share = 0; share < shareCount; share++) {
            shares.add(new ArrayList<>());
        }
        for (int index = 0; index < files.size(); index++) {
            shares.get(index % shareCount).add(index);
        }
        String[] digests = new String[files.size()];
        ExecutorService pool = Executors.newFixedThreadPool(shareCount);
        try {
            List<Future<List<String>>> futures = new ArrayList<>(shareCount);
            for (List<Integer> share : shares) {
                futures.add(pool.submit(() -> fileHasher.hashAll(share.stream().map(files::get).toList())));
            }
            for (int share = 0; share < shareCount; share++) {
                List<String> shareDigests = await(futures.get(share));
                for (int file = 0; file < shareDigests.size(); file++) {
                    int index = shares.get(share).get(file);
                    digests[index] = shareDigests.get(file);
                    hashed.accept(index);
                }
            }
        } finally {
            WorkerPools.stopAndAwait(pool);
        }
        return List.of(digests);
    }

    private static <T> T await(Future<T> future) {
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
