package dev.slipway.data;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Moves objects between a {@link LocalCache} and a {@link Remote} as {@code dvc push} and
 * {@code dvc fetch} do: only objects the other side lacks (checked in one batch), on {@code jobs}
 * threads, file objects before the {@code .dir} that lists them (a {@code .dir} on the remote means
 * its whole folder is there), and every downloaded object verified before it enters the cache.
 *
 * <p>A pushed object is hashed while it is sent, so that a corrupted cache object never reaches the remote
 * under its name, unless {@link LocalCache#knownIntact} vouches for it: a large object the cache wrote from bytes
 * it hashed on the way, whose path, inode, modification time and size are still those recorded then (DVC itself
 * never re-hashes on push). Such an object is sent as a plain copy. {@code data verify} reads every object.
 *
 * <p>Objects that fail are collected; the others still move, then one exception lists the failures.
 * Not thread-safe itself; each call uses its own threads.
 */
public final class Transfers {
    /** Receives the bytes moved so far and the bytes to move in all, from any thread, serially. */
    @FunctionalInterface
    public interface Progress {
        void update(long bytesDone, long bytesTotal);

        static Progress none() {
            return (done, total) -> { };
        }
    }

    /**
     * What a transfer did.
     *
     * @param transferred objects moved (files and {@code .dir}s)
     * @param alreadyPresent objects the receiving side already held
     * @param bytes bytes moved
     */
    public record Result(int transferred, int alreadyPresent, long bytes) {
        public Result {
            if (transferred < 0 || alreadyPresent < 0 || bytes < 0) {
                throw new IllegalArgumentException("counts must not be negative");
            }
        }
    }

    /**
     * Chooses, once the {@code .dir} objects are in the cache and before any file object is downloaded, new files
     * that each file object is also written to as it arrives (see
     * {@link LocalCache#receiveStream(HashInfo, LocalCache.StreamSource, List)}). Called once, on the calling
     * thread.
     */
    @FunctionalInterface
    public interface CopyPlan {
        /** @return for some of {@code downloads}, the files to write their bytes to as well */
        Map<HashInfo, List<Path>> copiesOf(Collection<HashInfo> downloads);

        static CopyPlan none() {
            return downloads -> Map.of();
        }
    }

    private final LocalCache cache;
    private final Remote remote;
    private final int jobs;
    private final Progress progress;
    private final boolean linkFromRemote;

    /**
     * @param jobs how many objects move at once; {@link #defaultJobs()} by default
     */
    public Transfers(LocalCache cache, Remote remote, int jobs, Progress progress) {
        this(cache, remote, jobs, progress, false);
    }

    /**
     * @param jobs how many objects move at once; {@link #defaultJobs()} by default
     * @param linkFromRemote whether a fetch lets the cache take a hard link to a file object of a remote on its own file
     *     system ({@link Remote#localFile}, {@link LocalCache#receiveLinked}) instead of a copy, where the link can be
     *     made
     */
    public Transfers(LocalCache cache, Remote remote, int jobs, Progress progress, boolean linkFromRemote) {
        this.cache = requireNonNull(cache, "cache is null");
        this.remote = requireNonNull(remote, "remote is null");
        this.progress = requireNonNull(progress, "progress is null");
        if (jobs < 1) {
            throw SlipwayException.invalidParameter("jobs must be at least 1, got %d", jobs);
        }
        this.jobs = jobs;
        this.linkFromRemote = linkFromRemote;
    }


    /**
     * The default number of transfer threads: DVC's 4 per processor, and where the native MD5 kernel runs at least
     * enough that the objects arriving at once fill the lanes of its hashing workers (16 per core up to 2 cores).
     */
    public static int defaultJobs() {
        return LaneMd5.filesInFlight(4 * Runtime.getRuntime().availableProcessors());
    }

    /**
     * Uploads the objects {@code roots} name (a {@code .dir} with every file it lists) that the remote
     * lacks; each {@code .dir} goes only after all its files arrived.
     *
     * @throws SlipwayException INVALID_STATE listing the objects that could not be pushed (missing from
     *     or corrupted in the local cache, each file verified as it is sent unless known intact, or failed to upload)
     *     after pushing all others; the remote's own error if it is unreachable or refuses the credentials
     */
    public Result push(Collection<HashInfo> roots) {
        List<String> failures = new ArrayList<>();
        Map<HashInfo, Set<HashInfo>> filesOfDirectory = new LinkedHashMap<>();
        Set<HashInfo> files = new LinkedHashSet<>();
        for (HashInfo root : roots) {
            if (!cache.contains(root)) {
                failures.add(root.value() + ": not in the local cache");
            } else if (root.isDirectory()) {
                try {
                    Set<HashInfo> members = new LinkedHashSet<>();
                    for (DirectoryListing.Entry entry : cache.readListing(root).entries()) {
                        members.add(new HashInfo(root.name(), entry.md5()));
                    }
                    filesOfDirectory.put(root, members);
                    files.addAll(members);
                } catch (SlipwayException e) {
                    failures.add(root.value() + ": " + e.getMessage());
                }
            } else {
                files.add(root);
            }
        }
        Set<HashInfo> wanted = new LinkedHashSet<>(files);
        wanted.addAll(filesOfDirectory.keySet());
        remote.prepareForUpload();
        Set<HashInfo> present = remote.existing(wanted).keySet();
        Set<HashInfo> failed = ConcurrentHashMap.newKeySet();
        List<HashInfo> fileUploads = new ArrayList<>();
        for (HashInfo file : files) {
            if (present.contains(file)) {
                continue;
            }
            if (cache.contains(file)) {
                fileUploads.add(file);
            } else {
                failed.add(file);
                failures.add(file.value() + ": not in the local cache");
            }
        }
        List<HashInfo> directoryUploads = filesOfDirectory.keySet().stream()
                .filter(directory -> !present.contains(directory)).toList();
        // objects written from bytes hashed on the way, untouched since (see LocalCache), need no second hashing
        Set<HashInfo> intact = cache.knownIntact(fileUploads);
        long total = size(fileUploads) + size(directoryUploads);
        AtomicLong done = new AtomicLong();
        progress.update(0, total);
        List<String> uploadFailures = new ArrayList<>(
                run(fileUploads, failed, done, total, hash -> {
                    // a corrupted cache object must not become a corrupted remote object under a real name
                    if (intact.contains(hash)) {
                        remote.upload(cache.objectPath(hash), hash);
                    } else if (remote.streams() && hash.name() == HashName.MD5) {
                        String actual = remote.uploadIfIntact(cache.objectPath(hash), hash);
                        if (!actual.equals(hash.hex())) {
                            throw cache.corruptedObject(hash, actual);
                        }
                    } else {
                        cache.verifyContent(hash);
                        remote.upload(cache.objectPath(hash), hash);
                    }
                }));
        List<HashInfo> completeDirectories = new ArrayList<>();
        for (HashInfo directory : directoryUploads) {
            if (filesOfDirectory.get(directory).stream().noneMatch(failed::contains)) {
                completeDirectories.add(directory);
            } else {
                failures.add(directory.value() + ": not pushed because some of its files were not");
            }
        }
        uploadFailures.addAll(run(completeDirectories, failed, done, total,
                hash -> remote.upload(cache.objectPath(hash), hash)));
        failures.addAll(uploadFailures);
        int moved = fileUploads.size() + completeDirectories.size() - (int) failed.stream()
                .filter(hash -> fileUploads.contains(hash) || completeDirectories.contains(hash)).count();
        throwIfFailed("pushed to", failures);
        return new Result(moved, wanted.size() - fileUploads.size() - directoryUploads.size(), done.get());
    }

    /**
     * Downloads into the local cache the objects {@code roots} name (a {@code .dir} first, then the
     * files it lists) that the cache lacks. Each object is hashed before it is published; one whose
     * bytes do not match its name is reported and not stored.
     *
     * @throws SlipwayException INVALID_STATE listing the objects missing from the remote or that
     *     arrived corrupted, after fetching all others; the remote's own error if it is unreachable
     */
    public Result fetch(Collection<HashInfo> roots) {
        return fetch(roots, CopyPlan.none());
    }

    /**
     * As {@link #fetch(Collection)}, also writing each file object, from a remote that {@link Remote#streams()},
     * to the files {@code plan} names for it (a remote that does not stream leaves them unwritten). A copy is
     * complete only once its object is verified and stored; none is left of an object that failed.
     */
    public Result fetch(Collection<HashInfo> roots, CopyPlan plan) {
        List<String> failures = new ArrayList<>();
        Set<HashInfo> failed = ConcurrentHashMap.newKeySet();
        AtomicLong done = new AtomicLong();
        List<HashInfo> directories = roots.stream().filter(HashInfo::isDirectory).distinct().toList();
        List<HashInfo> missingDirectories = directories.stream().filter(hash -> !cache.contains(hash)).toList();
        int moved = 0;
        int alreadyPresent = directories.size() - missingDirectories.size();
        if (!missingDirectories.isEmpty()) {
            Set<HashInfo> onRemote = remote.existing(missingDirectories).keySet();
            List<HashInfo> downloads = new ArrayList<>();
            for (HashInfo directory : missingDirectories) {
                if (onRemote.contains(directory)) {
                    downloads.add(directory);
                } else {
                    failures.add(directory.value() + ": not on the remote");
                    failed.add(directory);
                }
            }
            failures.addAll(run(downloads, failed, done, -1, hash -> download(hash, List.of())));
            moved += (int) downloads.stream().filter(hash -> !failed.contains(hash)).count();
        }
        Set<HashInfo> files = new LinkedHashSet<>();
        for (HashInfo root : roots) {
            if (!root.isDirectory()) {
                files.add(root);
            } else if (!failed.contains(root)) {
                try {
                    cache.readListing(root).entries().forEach(entry -> files.add(new HashInfo(root.name(), entry.md5())));
                } catch (SlipwayException e) {
                    failures.add(root.value() + ": " + e.getMessage());
                }
            }
        }
        List<HashInfo> missing = files.stream().filter(hash -> !cache.contains(hash)).toList();
        alreadyPresent += files.size() - missing.size();
        Map<HashInfo, Long> onRemote = missing.isEmpty() ? Map.of() : remote.existing(missing);
        List<HashInfo> downloads = new ArrayList<>();
        for (HashInfo file : missing) {
            if (onRemote.containsKey(file)) {
                downloads.add(file);
            } else {
                failures.add(file.value() + ": not on the remote");
            }
        }
        long total = done.get() + downloads.stream().mapToLong(onRemote::get).sum();
        Map<HashInfo, List<Path>> copies = downloads.isEmpty() ? Map.of() : Map.copyOf(plan.copiesOf(downloads));
        progress.update(done.get(), total);
        failures.addAll(run(downloads, failed, done, total, hash -> download(hash, copies.getOrDefault(hash, List.of()))));
        moved += (int) downloads.stream().filter(hash -> !failed.contains(hash)).count();
        throwIfFailed("fetched from", failures);
        return new Result(moved, alreadyPresent, done.get());
    }

    private void download(HashInfo hash, List<Path> copies) {
        if (linkFromRemote) {
            java.util.Optional<Path> file = remote.localFile(hash);
            if (file.isPresent() && cache.receiveLinked(hash, file.get(), copies)) {
                return;
            }
        }
        if (remote.streams()) {
            cache.receiveStream(hash, () -> remote.open(hash), copies);
        } else {
            cache.receive(hash, target -> remote.download(hash, target));
        }
    }

    /**
     * Runs {@code action} on every hash on {@code jobs} threads, adding the size of each object that
     * moved to {@code done}; returns one message per failure and records the failed hashes.
     * Errors that concern the whole remote (unreachable, refused) or a full disk stop the run and are rethrown.
     */
    private List<String> run(List<HashInfo> hashes, Set<HashInfo> failed, AtomicLong done, long total,
            Consumer<HashInfo> action) {
        if (hashes.isEmpty()) {
            return List.of();
        }
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService executor = Executors.newFixedThreadPool(Math.min(jobs, hashes.size()), runnable -> {
            Thread thread = new Thread(runnable, "dvc-transfer");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (HashInfo hash : hashes) {
                futures.add(executor.submit(() -> {
                    try {
                        action.accept(hash);
                        long size = sizeOf(hash);
                        long now = done.addAndGet(size);
                        synchronized (progress) {
                            progress.update(now, Math.max(total, now));
                        }
                    } catch (SlipwayException e) {
                        failed.add(hash);
                        if (e.errorCode() == ErrorCode.TEMPORARILY_UNAVAILABLE
                                || e.errorCode() == ErrorCode.PERMISSION_DENIED || DiskFull.causedBy(e)) {
                            throw e;
                        }
                        failures.add(hash.value() + ": " + e.getMessage());
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR, String.format(
                    "Interrupted while transferring with remote '%s' (%s)", remote.name(), remote.url()), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SlipwayException slipway) {
                throw slipway;
            }
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR, String.format(
                    "Transfer with remote '%s' (%s) failed: %s", remote.name(), remote.url(), e.getCause()), e.getCause());
        } finally {
            WorkerPools.stopAndAwait(executor);
        }
        return List.copyOf(failures);
    }

    private long size(List<HashInfo> hashes) {
        return hashes.stream().mapToLong(this::sizeOf).sum();
    }

    private long sizeOf(HashInfo hash) {
        try {
            return Files.size(cache.objectPath(hash));
        } catch (IOException e) {
            return 0;
        }
    }

    private void throwIfFailed(String direction, List<String> failures) {
        if (failures.isEmpty()) {
            return;
        }
        int shown = Math.min(failures.size(), 10);
        throw new SlipwayException(ErrorCode.INVALID_STATE, String.format(
                "%d object(s) could not be %s remote '%s' (%s):%n  %s%s", failures.size(), direction,
                remote.name(), remote.url(), String.join(System.lineSeparator() + "  ", failures.subList(0, shown)),
                failures.size() > shown ? System.lineSeparator() + "  ... and " + (failures.size() - shown) + " more" : ""));
    }
}
