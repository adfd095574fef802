package dev.slipway.data;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A DVC repository on disk: its {@code .dvc/} folder, config, cache and pointer files, with the
 * operations {@code init}, {@code add}, {@code status}, {@code checkout} and {@code commit} behaving
 * as DVC 3's do, so DVC and Slipway can take turns on the same folder.
 *
 * <p>Not thread-safe. Close it to release the state cache.
 */
public final class Repository implements AutoCloseable {
    static final String GITIGNORE_OF_DVC = "/config.local\n/tmp\n/cache\n";
    static final String DVCIGNORE = "# Add patterns of files dvc should ignore, which could improve\n"
            + "# the performance. Learn more at\n"
            + "# https://dvc.org/doc/user-guide/dvcignore\n";
    /** What {@code dvc init --no-scm} writes to {@code .dvc/config}, byte for byte. */
    static final String CONFIG_NO_SCM = "[core]\n    no_scm = True\n";
    private static final String DVC_SUFFIX = ".dvc";

    private final Path root;
    private final DvcConfig config;
    private final LocalCache cache;
    private final WorkspaceHasher hasher;
    private final StateCache state;
    private final ConfigFiles configFiles;

    /**
     * A repository reading only its own config files ({@code .dvc/config} and {@code .dvc/config.local}).
     *
     * @param root the repository folder (holding {@code .dvc/})
     * @param state closed with this repository
     */
    public Repository(Path root, DvcConfig config, LocalCache cache, WorkspaceHasher hasher, StateCache state) {
        this(root, config, cache, hasher, state,
                ConfigFiles.repositoryOnly(root.toAbsolutePath().normalize().resolve(".dvc")));
    }

    /**
     * @param root the repository folder (holding {@code .dvc/})
     * @param state closed with this repository
     * @param configFiles the config files {@link #config()} merges
     */
    public Repository(Path root, DvcConfig config, LocalCache cache, WorkspaceHasher hasher, StateCache state,
            ConfigFiles configFiles) {
        this.configFiles = requireNonNull(configFiles, "configFiles is null");
        this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
        this.config = requireNonNull(config, "config is null");
        this.cache = requireNonNull(cache, "cache is null");
        this.hasher = requireNonNull(hasher, "hasher is null");
        this.state = requireNonNull(state, "state is null");
    }

    /**
     * {@link #init(Path, boolean) init(root, false)}: a repository kept beside Git.
     */
    public static Repository init(Path root) {
        return init(root, false);
    }

    /**
     * Creates {@code .dvc/} (with a {@code config}, empty or, with {@code noScm}, holding
     * {@code core.no_scm = True} as {@code dvc init --no-scm} writes it, and a {@code .gitignore} for
     * {@code config.local}, {@code tmp} and {@code cache}) and {@code .dvcignore}, as {@code dvc init}
     * does, then opens the repository.
     *
     * @param noScm the repository is not kept in Git: {@code add} then writes no {@code .gitignore}
     * @throws SlipwayException RESOURCE_ALREADY_EXISTS if {@code root} already holds {@code .dvc/}
     */
    public static Repository init(Path root, boolean noScm) {
        Path dvc = root.resolve(".dvc");
        if (Files.exists(dvc)) {
            throw SlipwayException.alreadyExists("'%s' is already a DVC repository ('.dvc' exists)", root);
        }
        try {
            Files.createDirectories(dvc);
            Files.writeString(dvc.resolve("config"), noScm ? CONFIG_NO_SCM : "", UTF_8);
            Files.writeString(dvc.resolve(".gitignore"), GITIGNORE_OF_DVC, UTF_8);
            if (!Files.exists(root.resolve(".dvcignore"))) {
                Files.writeString(root.resolve(".dvcignore"), DVCIGNORE, UTF_8);
            }
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot initialise a DVC repository in '%s': %s", root, e.getMessage()), e);
        }
        return open(root);
    }

    /**
     * Opens an existing repository: reads {@code .dvc/config}, uses {@code cache.dir} (default
     * {@code .dvc/cache}) and the state cache at {@code .dvc/tmp/slipway/state.db}, and hashes on as
     * many threads as there are processors.
     *
     * Reads the repository's own config files only; {@link #open(Path, Map)} adds the system and global ones.
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST if {@code root} has no {@code .dvc/}
     */
    public static Repository open(Path root) {
        return open(root, ConfigFiles::repositoryOnly);
    }

    /**
     * As {@link #open(Path)}, merging the system and global config files that {@code environment} (the process's
     * variables, as DVC reads them) points to ({@link ConfigFiles#of}) under the repository's own.
     */
    public static Repository open(Path root, Map<String, String> environment) {
        requireNonNull(environment, "environment is null");
        return open(root, dvcFolder -> ConfigFiles.of(dvcFolder, environment));
    }

    private static Repository open(Path root, java.util.function.Function<Path, ConfigFiles> configFilesOf) {
        Path dvc = root.toAbsolutePath().resolve(".dvc");
        if (!Files.isDirectory(dvc)) {
            throw SlipwayException.notFound("'%s' is not a DVC repository (no '.dvc' folder); run init first", root);
        }
        ConfigFiles configFiles = configFilesOf.apply(dvc);
        DvcConfig config = configFiles.merged();
        Path cacheDir = config.get("cache", "dir").map(dvc::resolve).orElse(dvc.resolve("cache"));
        StateCache state = SqliteStateCache.open(dvc.resolve("tmp/slipway/state.db"));
        // two files per core: while one thread waits for its kernel copy into the cache, another hashes
        // with the native MD5 kernel, enough files in flight to fill the lanes of the hashing workers
        WorkspaceHasher hasher = new WorkspaceHasher(new FileHasher(), state,
                LaneMd5.filesInFlight(2 * Runtime.getRuntime().availableProcessors()));
        return new Repository(root, config, new LocalCache(cacheDir, hasher), hasher, state, configFiles);
    }

    public Path root() {
        return root;
    }

    public LocalCache cache() {
        return cache;
    }

    /**
     * Tracks a file or folder: hashes it (DVC 3 rule), stores its objects (and a folder's
     * {@code .dir}) in the cache, writes {@code <target>.dvc} beside it, adds {@code /<name>} to the
     * {@code .gitignore} of its folder (not under {@code core.no_scm}, as DVC), and re-links the workspace copy when {@code cache.type}
     * starts with hardlink or symlink.
     *
     * @return the pointer file written
     * @throws SlipwayException INVALID_PARAMETER_VALUE if {@code target} is outside the repository or
     *     inside {@code .dvc/} or {@code .git/}; RESOURCE_DOES_NOT_EXIST if it does not exist
     */
    public Path add(Path target) {
        return add(target, Transfers.Progress.none());
    }

    /**
     * As {@link #add(Path)}, telling {@code progress} the bytes hashed so far out of the target's total, after
     * each file (files the state cache knows count at once); called on this thread.
     */
    public Path add(Path target, Transfers.Progress progress) {
        cache.forget();
        Path absolute = insideRepository(target);
        if (!Files.exists(absolute)) {
            throw SlipwayException.notFound("Cannot add '%s': it does not exist", target);
        }
        Path dvcFile = absolute.resolveSibling(absolute.getFileName() + DVC_SUFFIX);
        DvcOutput output = save(absolute, absolute.getFileName().toString(), Optional.empty(), progress);
        DvcFile file = Files.exists(dvcFile)
                ? replaceOutput(readDvcFile(dvcFile), output)
                : DvcFile.of(output);
        AtomicFiles.write(dvcFile, file.toBytes());
        if (!noScm()) {
            ignoreInGit(absolute);
        }
        return dvcFile;
    }

    /**
     * Compares every output of the given pointer files (all {@code *.dvc} files in the repository
     * when empty) with the workspace and the cache.
     *
     * @return the outputs that differ; empty when everything is up to date
     */
    public List<OutputStatus> status(List<Path> dvcFiles) {
        cache.forget();
        List<OutputStatus> changes = new ArrayList<>();
        for (Path dvcFile : dvcFiles.isEmpty() ? findDvcFiles() : dvcFiles) {
            Path absolute = insideRepository(dvcFile);
            for (DvcOutput output : readDvcFile(absolute).outs()) {
                Path path = absolute.resolveSibling(output.path());
                changeOf(output, path).ifPresent(change -> changes.add(new OutputStatus(absolute, output.path(), change)));
            }
        }
        return List.copyOf(changes);
    }

    /**
     * Makes the workspace match the given pointer files (all when empty): each output whose content
     * differs is restored from the cache with the configured link types; files in a tracked folder
     * that its listing does not name are removed. An output whose workspace copy already matches is
     * left alone (even when its objects left the cache); the others' objects are verified first.
     *
     * @return the outputs changed, in pointer-file order: {@code ADDED} when absent before,
     *     {@code MODIFIED} when present with other content
     * @throws SlipwayException INVALID_STATE if an object is corrupted (nothing of that output is
     *     changed), RESOURCE_DOES_NOT_EXIST if one is missing from the cache
     */
    public List<CheckoutChange> checkout(List<Path> dvcFiles) {
        return checkout(dvcFiles, true);
    }

    private List<CheckoutChange> checkout(List<Path> dvcFiles, boolean forget) {
        if (forget) {
            cache.forget();
        }
        List<LinkType> order = config.cacheTypes();
        List<CheckoutChange> changes = new ArrayList<>();
        for (Path dvcFile : dvcFiles.isEmpty() ? findDvcFiles() : dvcFiles) {
            Path absolute = insideRepository(dvcFile);
            for (DvcOutput output : readDvcFile(absolute).outs()) {
                Optional<HashInfo> hash = output.hash();
                if (hash.isEmpty()) {
                    continue;
                }
                Path path = absolute.resolveSibling(output.path());
                boolean existed = Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                boolean changed;
                if (hash.get().isDirectory()) {
                    changed = checkoutDirectory(hash.get(), path, order);
                } else if (!Files.isRegularFile(path)
                        || !hasher.hashFile(path, hash.get().name()).hash().equals(hash.get())) {
                    cache.verify(hash.get(), true);
                    removeDirectoryIfAny(path);
                    LinkType used = cache.link(hash.get(), path, order);
                    if (output.executable() && (used == LinkType.COPY || used == LinkType.REFLINK)) {
                        // DVC restores the x bit of an own copy; links share the read-only object's mode
                        path.toFile().setExecutable(true, false);
                    }
                    changed = true;
                } else {
                    changed = false;
                }
                if (changed) {
                    changes.add(new CheckoutChange(absolute, output.path(),
                            existed ? CheckoutChange.Kind.MODIFIED : CheckoutChange.Kind.ADDED,
                            hash.get().isDirectory()));
                }
            }
        }
        cache.rememberWrittenFiles(); // the copies placed hold their objects' bytes: the next status need not read them
        return List.copyOf(changes);
    }

    /**
     * Records the workspace content of every output of {@code dvcFile} as its new version: re-hashes,
     * stores changed objects in the cache and rewrites the pointer file. An unchanged DVC 2 entry keeps
     * its legacy hash; a changed one is re-hashed with the DVC 3 rule and gains {@code hash: md5}.
     */
    public void commit(Path dvcFile) {
        commit(dvcFile, Transfers.Progress.none());
    }

    /** As {@link #commit(Path)}, telling {@code progress} the bytes hashed so far of each output in turn. */
    public void commit(Path dvcFile, Transfers.Progress progress) {
        cache.forget();
        Path absolute = insideRepository(dvcFile);
        DvcFile file = readDvcFile(absolute);
        List<DvcOutput> outs = new ArrayList<>();
        for (DvcOutput output : file.outs()) {
            Path path = absolute.resolveSibling(output.path());
            if (!Files.exists(path)) {
                throw SlipwayException.notFound("Cannot commit '%s': output '%s' does not exist", dvcFile, output.path());
            }
            outs.add(save(path, output.path(), Optional.of(output), progress));
        }
        AtomicFiles.write(absolute, file.withOuts(outs).toBytes());
    }

    /**
     * Re-hashes every object of the cache in parallel and reports the corrupted ones (which
     * {@link #checkout} refuses); changes nothing.
     *
     * @see LocalCache#verifyAll
     */
    public LocalCache.Verification verifyCache() {
        return cache.verifyAll(Runtime.getRuntime().availableProcessors());
    }

    /** An output as its pointer file records it. */
    public record TrackedOutput(Path dvcFile, DvcOutput output) {
        public TrackedOutput {
            requireNonNull(dvcFile, "dvcFile is null");
            requireNonNull(output, "output is null");
        }

        /** The output's absolute workspace path. */
        public Path path() {
            return dvcFile.resolveSibling(output.path()).normalize();
        }
    }

    /**
     * The outputs every pointer file records, sorted by workspace path; with {@code under}, only those at
     * or below it and the folder output containing it, if any. Reads no workspace data.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE if {@code under} is outside the repository
     */
    public List<TrackedOutput> trackedOutputs(Optional<Path> under) {
        Optional<Path> filter = under.map(path -> {
            Path absolute = (path.isAbsolute() ? path : root.resolve(path)).normalize();
            if (!absolute.startsWith(root)) {
                throw SlipwayException.invalidParameter("'%s' is outside the repository '%s'", path, root);
            }
            return absolute;
        });
        List<TrackedOutput> outputs = new ArrayList<>();
        for (Path dvcFile : findDvcFiles()) {
            for (DvcOutput output : readDvcFile(dvcFile).outs()) {
                TrackedOutput tracked = new TrackedOutput(dvcFile, output);
                if (filter.isEmpty() || tracked.path().startsWith(filter.get()) || filter.get().startsWith(tracked.path())) {
                    outputs.add(tracked);
                }
            }
        }
        outputs.sort(Comparator.comparing(tracked -> tracked.path().toString()));
        return List.copyOf(outputs);
    }

    /**
     * {@code dvc diff} without revisions, outside Git: the workspace against what the pointer files in the workspace
     * record. Files inside a tracked folder are compared one by one when its {@code .dir} is in the cache; the
     * folder itself is listed as modified when any of them changed.
     */
    public DataDiff diff() {
        return DataDiff.between(recordedSnapshot(), workspaceSnapshot(), this::inCache);
    }

    /**
     * {@code dvc diff [A [B]]}: no revision compares {@code HEAD}'s pointer files with the workspace (the
     * workspace's own pointer files when the repository is not in Git), one revision compares it with the
     * workspace, two compare A with B, both read from Git. A folder's files are listed when its {@code .dir} is
     * in the cache (or it is in the workspace).
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE for an unknown revision or more than two;
     *     RESOURCE_DOES_NOT_EXIST if a revision is given and the repository is not in Git
     */
    public DataDiff diff(List<String> revisions) {
        if (revisions.size() > 2) {
            throw SlipwayException.invalidParameter("diff takes at most two revisions, got %d", revisions.size());
        }
        GitHistory history = new GitHistory(root);
        if (revisions.isEmpty() && !history.isInGitRepository()) {
            return diff();
        }
        DataSnapshot older = committedSnapshot(history.outputsAt(revisions.isEmpty() ? "HEAD" : revisions.get(0)));
        if (revisions.size() == 2) {
            return DataDiff.between(older, committedSnapshot(history.outputsAt(revisions.get(1))), hash -> true);
        }
        return DataDiff.between(older, workspaceSnapshot(), this::inCache);
    }

    /** The outputs the workspace's pointer files record. */
    public DataSnapshot recordedSnapshot() {
        Map<String, DataSnapshot.Output> outputs = new java.util.TreeMap<>();
        for (TrackedOutput tracked : trackedOutputs(Optional.empty())) {
            outputs.put(relativeName(tracked.path()), DataSnapshot.recorded(tracked.output(), cache));
        }
        return new DataSnapshot(outputs);
    }

    /** The outputs of one commit ({@link GitHistory#outputsAt}). */
    public DataSnapshot committedSnapshot(List<GitHistory.CommittedOutput> committed) {
        Map<String, DataSnapshot.Output> outputs = new java.util.TreeMap<>();
        for (GitHistory.CommittedOutput output : committed) {
            outputs.put(output.path(), DataSnapshot.recorded(output.output(), cache));
        }
        return new DataSnapshot(outputs);
    }

    /**
     * The workspace's data: every output of the workspace's pointer files that exists, hashed as it is now with
     * its recorded rule (a folder with its files).
     */
    public DataSnapshot workspaceSnapshot() {
        Map<String, DataSnapshot.Output> outputs = new java.util.TreeMap<>();
        for (TrackedOutput tracked : trackedOutputs(Optional.empty())) {
            Path path = tracked.path();
            if (!Files.exists(path)) {
                continue;
            }
            HashName rule = tracked.output().hash().map(HashInfo::name).orElse(HashName.MD5);
            if (Files.isDirectory(path)) {
                WorkspaceHasher.HashedDirectory current =
                        hasher.hashDirectory(path, rule, DvcIgnore.load(root, path), hasher.fileHasher()::hash);
                outputs.put(relativeName(path), new DataSnapshot.Output(Optional.of(current.hash()), true,
                        Optional.of(DataSnapshot.filesOf(current.listing()))));
            } else {
                outputs.put(relativeName(path), new DataSnapshot.Output(
                        Optional.of(hasher.hashFile(path, rule).hash()), false, Optional.empty()));
            }
        }
        return new DataSnapshot(outputs);
    }

    private String relativeName(Path path) {
        return root.relativize(path).toString().replace(java.io.File.separatorChar, '/');
    }

    /** Every {@code *.dvc} pointer file in the workspace (not below {@code .dvc/} or {@code .git/}), sorted. */
    public List<Path> dvcFiles() {
        return findDvcFiles();
    }

    /** Whether {@code core.no_scm} is true (DVC accepts true, yes, 1 and on, in any case). */
    private boolean noScm() {
        return config().get("core", "no_scm")
                .map(value -> List.of("true", "yes", "1", "on").contains(value.trim().toLowerCase(java.util.Locale.ROOT)))
                .orElse(false);
    }

    /**
     * The merged settings of every config level (system, global, {@code .dvc/config}, {@code .dvc/config.local}),
     * later ones overriding earlier ones, read now.
     */
    public DvcConfig config() {
        return configFiles.merged();
    }

    /** Where this repository's config files of each level are. */
    public ConfigFiles configFiles() {
        return configFiles;
    }

    /**
     * Opens remote {@code name} (the default remote, {@code core.remote}, when empty) from the config.
     * The caller closes it.
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST if it is not configured or no default is set
     */
    public Remote openRemote(Optional<String> name) {
        return Remotes.standard().open(config(), name, root.resolve(".dvc"));
    }

    /**
     * The objects the outputs of {@code targets} reference (each a {@code .dvc} file or the path it
     * tracks; every pointer file in the workspace when empty), as recorded: a folder by its {@code .dir}.
     */
    public List<HashInfo> referencedObjects(List<Path> targets) {
        Set<HashInfo> hashes = new java.util.LinkedHashSet<>();
        for (Path dvcFile : pointerFiles(targets)) {
            for (DvcOutput output : readDvcFile(dvcFile).outs()) {
                output.hash().ifPresent(hashes::add);
            }
        }
        return List.copyOf(hashes);
    }

    /**
     * Uploads to {@code remote} the objects of {@code targets} (all pointer files when empty) it lacks.
     *
     * @see Transfers#push
     */
    public Transfers.Result push(Remote remote, List<Path> targets, int jobs, Transfers.Progress progress) {
        cache.forget();
        return new Transfers(cache, remote, jobs, progress).push(referencedObjects(targets));
    }

    /**
     * Downloads into the cache the objects of {@code targets} (all pointer files when empty) it lacks,
     * each verified.
     *
     * @see Transfers#fetch
     */
    public Transfers.Result fetch(Remote remote, List<Path> targets, int jobs, Transfers.Progress progress) {
        return fetch(remote, targets, jobs, progress, true);
    }

    /**
     * As {@link #fetch(Remote, List, int, Transfers.Progress)}; {@code hardlinks} lets the cache take hard links to the
     * objects of a folder remote on its own file system (see {@link #linksFromRemote}).
     */
    public Transfers.Result fetch(Remote remote, List<Path> targets, int jobs, Transfers.Progress progress,
            boolean hardlinks) {
        cache.forget();
        try {
            return new Transfers(cache, remote, jobs, progress, linksFromRemote(hardlinks))
                    .fetch(referencedObjects(targets));
        } finally {
            cache.rememberWrittenFiles(); // the objects that arrived, even if others failed
        }
    }

    /** What {@link #pull} did: the transfer, then the outputs the checkout changed. */
    public record Pulled(Transfers.Result transfer, List<CheckoutChange> checkedOut) {
        public Pulled {
            requireNonNull(transfer, "transfer is null");
            checkedOut = List.copyOf(checkedOut);
        }
    }

    /**
     * {@link #fetch} then {@link #checkout} of the same targets. When the checkout would copy objects (the
     * link types end at COPY here) and an output is absent from the workspace, its files are written from the
     * same buffer as their objects while those arrive, into {@code .dvc/tmp/slipway/}, and the checkout renames
     * them into place once the whole fetch succeeded; a failed fetch leaves none of them.
     */
    public Pulled pull(Remote remote, List<Path> targets, int jobs, Transfers.Progress progress) {
        return pull(remote, targets, jobs, progress, true);
    }

    /**
     * As {@link #pull(Remote, List, int, Transfers.Progress)}; {@code hardlinks} lets the cache take hard links to the
     * objects of a folder remote on its own file system (see {@link #linksFromRemote}).
     */
    public Pulled pull(Remote remote, List<Path> targets, int jobs, Transfers.Progress progress, boolean hardlinks) {
        cache.forget();
        List<Path> dvcFiles = pointerFiles(targets);
        List<LinkType> order = config.cacheTypes();
        Path staging = root.resolve(".dvc/tmp/slipway/pull-" + java.util.UUID.randomUUID());
        try {
            Transfers.Result result;
            try {
                result = new Transfers(cache, remote, jobs, progress, linksFromRemote(hardlinks))
                        .fetch(referencedObjects(targets), downloads -> stageWorkspaceCopies(dvcFiles, downloads, order,
                                staging));
            } finally {
                cache.rememberWrittenFiles();
            }
            // the objects fetched were hashed as they arrived: the checkout need not read them again
            return new Pulled(result, checkout(dvcFiles, false));
        } finally {
            cache.discardStagedCopies();
            try {
                Files.deleteIfExists(staging);
            } catch (IOException e) {
                // not empty or not removable: a leftover folder in .dvc/tmp harms nothing
            }
        }
    }

    /**
     * Whether a fetch may let the cache take a hard link to a folder remote's object (on the same file system) rather
     * than a copy, as {@code git clone} of a local repository links its objects: asked for ({@code hardlinks}, the
     * default; {@code --no-hardlinks} turns it off), and only when the checkout places its own copies in the
     * workspace ({@code cache.type} ends at {@code copy} here), so that a workspace file never shares the remote's
     * bytes. The objects stay read-only on both sides.
     */
    private boolean linksFromRemote(boolean hardlinks) {
        return hardlinks && cache.placesCopies(config.cacheTypes());
    }

    /**
     * For each of {@code downloads} that a file of an output absent from the workspace needs, a staged copy
     * (see {@link LocalCache#stageCopy}) in {@code staging}; none when the checkout would link rather than copy.
     */
    private Map<HashInfo, List<Path>> stageWorkspaceCopies(List<Path> dvcFiles, java.util.Collection<HashInfo> downloads,
            List<LinkType> order, Path staging) {
        if (!cache.placesCopies(order)) {
            return Map.of();
        }
        Set<HashInfo> wanted = new HashSet<>(downloads);
        Map<HashInfo, List<Path>> copies = new HashMap<>();
        for (Path dvcFile : dvcFiles) {
            for (DvcOutput output : readDvcFile(dvcFile).outs()) {
                Path path = dvcFile.resolveSibling(output.path());
                if (output.hash().isEmpty() || Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                HashInfo hash = output.hash().get();
                if (!hash.isDirectory()) {
                    if (wanted.contains(hash)) {
                        copies.computeIfAbsent(hash, each -> new ArrayList<>()).add(cache.stageCopy(path, staging));
                    }
                } else if (cache.contains(hash)) {
                    for (DirectoryListing.Entry entry : cache.readListing(hash).entries()) {
                        HashInfo file = new HashInfo(hash.name(), entry.md5());
                        if (wanted.contains(file)) {
                            copies.computeIfAbsent(file, each -> new ArrayList<>())
                                    .add(cache.stageCopy(path.resolve(entry.relpath()), staging));
                        }
                    }
                }
            }
        }
        if (!copies.isEmpty()) {
            try {
                Files.createDirectories(staging);
            } catch (IOException e) {
                cache.discardStagedCopies();
                return Map.of(); // the checkout copies as usual
            }
        }
        return copies;
    }

    /**
     * {@code gc --workspace}: removes from the cache every object (DVC 3 and legacy) that no pointer
     * file in the workspace references, {@code .dir} objects before files, and the temporary files an
     * interrupted process left there ({@link StaleTemporaryFiles}).
     *
     * @param dryRun list what would be removed, remove nothing
     * @return the objects removed (or that would be)
     */
    public List<HashInfo> collectGarbage(boolean dryRun) {
        return collectGarbage(List.of(), dryRun);
    }

    /**
     * {@link #collectGarbage(boolean)} that also keeps {@code alsoReferenced} (e.g. every commit's
     * objects, {@link GitHistory#referencedObjects()}) and the files of those {@code .dir}s the cache holds.
     *
     * @param dryRun list what would be removed, remove nothing
     * @return the objects removed (or that would be)
     */
    public List<HashInfo> collectGarbage(java.util.Collection<HashInfo> alsoReferenced, boolean dryRun) {
        Set<HashInfo> kept = kept(alsoReferenced, false);
        List<HashInfo> unused = unused(cache.objects(), kept);
        if (!dryRun) {
            unused.forEach(cache::remove);
            new StaleTemporaryFiles(java.time.Clock.systemUTC(), StaleTemporaryFiles.DEFAULT_AGE).remove(cache.root());
        }
        return unused;
    }

    /**
     * {@code gc --workspace --cloud}: removes from {@code remote} every object no pointer file in the
     * workspace references. A referenced {@code .dir} must be in the local cache (fetch it first).
     *
     * @param dryRun list what would be removed, remove nothing
     * @return the objects removed (or that would be)
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST if a referenced {@code .dir} is not in the cache
     */
    public List<HashInfo> collectGarbage(Remote remote, boolean dryRun) {
        return collectGarbage(remote, List.of(), dryRun);
    }

    /**
     * {@link #collectGarbage(Remote, boolean)} that also keeps {@code alsoReferenced} (e.g. every commit's
     * objects) and the files of those {@code .dir}s, which must be in the local cache too.
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST if a referenced {@code .dir} is not in the cache
     */
    public List<HashInfo> collectGarbage(Remote remote, java.util.Collection<HashInfo> alsoReferenced, boolean dryRun) {
        Set<HashInfo> kept = kept(alsoReferenced, true);
        List<HashInfo> unused = unused(remote.list(), kept);
        if (!dryRun) {
            unused.forEach(remote::delete);
        }
        return unused;
    }

    /** The workspace's referenced objects, {@code alsoReferenced}, and every file their {@code .dir}s list. */
    private Set<HashInfo> kept(java.util.Collection<HashInfo> alsoReferenced, boolean requireListings) {
        Set<HashInfo> kept = new HashSet<>();
        Set<HashInfo> referenced = new java.util.LinkedHashSet<>(referencedObjects(List.of()));
        referenced.addAll(alsoReferenced);
        for (HashInfo hash : referenced) {
            kept.add(hash);
            if (hash.isDirectory() && cache.contains(hash)) {
                cache.readListing(hash).entries().forEach(entry -> kept.add(new HashInfo(hash.name(), entry.md5())));
            } else if (hash.isDirectory() && requireListings) {
                throw SlipwayException.notFound(
                        "Directory object '%s' is referenced but not in the cache; fetch it before gc", hash.value());
            }
        }
        return kept;
    }

    private static List<HashInfo> unused(java.util.Collection<HashInfo> present, Set<HashInfo> kept) {
        List<HashInfo> unused = new ArrayList<>(present.stream().filter(hash -> !kept.contains(hash)).toList());
        // .dir objects first, as DVC does, so a listing never outlives its files
        unused.sort(Comparator.comparing((HashInfo hash) -> !hash.isDirectory()).thenComparing(HashInfo::value));
        return List.copyOf(unused);
    }

    /** The pointer files of {@code targets}: each a {@code .dvc} file or a tracked path; all when empty. */
    private List<Path> pointerFiles(List<Path> targets) {
        if (targets.isEmpty()) {
            return findDvcFiles();
        }
        List<Path> files = new ArrayList<>();
        for (Path target : targets) {
            Path absolute = insideRepository(target);
            if (absolute.getFileName().toString().endsWith(DVC_SUFFIX) && Files.isRegularFile(absolute)) {
                files.add(absolute);
            } else {
                Path pointer = absolute.resolveSibling(absolute.getFileName() + DVC_SUFFIX);
                if (!Files.isRegularFile(pointer)) {
                    throw SlipwayException.notFound("'%s' is not tracked: neither it nor '%s' is a .dvc file",
                            target, root.relativize(pointer));
                }
                files.add(pointer);
            }
        }
        return List.copyOf(files);
    }

    @Override
    public void close() {
        state.close();
    }

    /**
     * The current entry of a workspace file or folder (hash with {@code rule}, size, file count, executable bit) under
     * the name {@code relativePath}, without storing anything; the state cache answers for unchanged files.
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST if {@code path} does not exist
     */
    public DvcOutput describe(Path path, String relativePath, HashName rule) {
        if (!Files.exists(path)) {
            throw SlipwayException.notFound("'%s' does not exist", path);
        }
        if (Files.isDirectory(path)) {
            WorkspaceHasher.DirectorySummary summary =
                    hasher.summarizeDirectory(path, rule, DvcIgnore.load(root, path));
            return DvcOutput.directory(relativePath, summary.hash(), summary.size(), summary.fileCount());
        }
        WorkspaceHasher.HashedFile hashed = hasher.hashFile(path, rule);
        return DvcOutput.file(relativePath, hashed.hash(), hashed.size(), hashed.executable());
    }

    /**
     * Stores a pipeline stage's output in the cache as {@link #add} stores its target, without a pointer file; with
     * {@code ignoreInGit} (and not under {@code core.no_scm}) adds {@code /<name>} to the {@code .gitignore} beside it.
     *
     * @return its entry under the name {@code relativePath}
     */
    public DvcOutput saveOutput(Path path, String relativePath, boolean ignoreInGit) {
        cache.forget();
        DvcOutput output = save(path.toAbsolutePath().normalize(), relativePath, Optional.empty(), Transfers.Progress.none());
        if (ignoreInGit && !noScm()) {
            ignoreInGit(path.toAbsolutePath().normalize());
        }
        return output;
    }

    /** Whether the object (for a {@code .dir}, also every file it lists) is in the cache. */
    public boolean isInCache(HashInfo hash) {
        return inCache(hash);
    }

    /** Hashes {@code path}, stores it in the cache and returns its output entry. */
    private DvcOutput save(Path path, String relativePath, Optional<DvcOutput> previous, Transfers.Progress progress) {
        if (previous.isPresent() && previous.get().isLegacy() && changeOf(previous.get(), path).isEmpty()) {
            return previous.get();
        }
        DvcOutput output;
        if (Files.isDirectory(path)) {
            WorkspaceHasher.HashedDirectory hashed =
                    hasher.hashDirectory(path, HashName.MD5, DvcIgnore.load(root, path), cache::ingest, progress);
            for (DirectoryListing.Entry entry : hashed.listing().entries()) {
                // files the state cache knew were not read; store those the cache lacks
                cache.storeFile(path.resolve(entry.relpath()), HashInfo.md5(entry.md5()));
            }
            cache.storeListing(hashed.listing(), HashName.MD5);
            // every object is in the cache now (just stored, or seen there): the next status need not look
            state.remember(presenceKey(hashed.hash()), cache.presenceStamp(HashName.MD5));
            output = previous
                    .map(old -> old.withHash(hashed.hash(), hashed.size(), Optional.of(hashed.fileCount()), false))
                    .orElse(DvcOutput.directory(relativePath, hashed.hash(), hashed.size(), hashed.fileCount()));
            relink(path, hashed.listing());
        } else {
            WorkspaceHasher.HashedFile hashed = hasher.hashFile(path, HashName.MD5, cache::ingest, progress);
            cache.storeFile(path, hashed.hash());
            output = previous
                    .map(old -> old.withHash(hashed.hash(), hashed.size(), Optional.empty(), hashed.executable()))
                    .orElse(DvcOutput.file(relativePath, hashed.hash(), hashed.size(), hashed.executable()));
            relink(path, hashed.hash());
        }
        cache.rememberWrittenFiles();
        return output;
    }

    private void relink(Path file, HashInfo hash) {
        List<LinkType> order = config.cacheTypes();
        if (!order.isEmpty() && (order.get(0) == LinkType.HARDLINK || order.get(0) == LinkType.SYMLINK)) {
            cache.link(hash, file, order);
        }
    }

    private void relink(Path directory, DirectoryListing listing) {
        for (DirectoryListing.Entry entry : listing.entries()) {
            relink(directory.resolve(entry.relpath()), HashInfo.md5(entry.md5()));
        }
    }

    private Optional<OutputStatus.Change> changeOf(DvcOutput output, Path path) {
        if (!Files.exists(path)) {
            return Optional.of(OutputStatus.Change.DELETED);
        }
        if (output.hash().isEmpty()) {
            return Optional.of(OutputStatus.Change.MODIFIED);
        }
        HashInfo recorded = output.hash().get();
        HashInfo actual = Files.isDirectory(path)
                ? hasher.summarizeDirectory(path, recorded.name(), DvcIgnore.load(root, path)).hash()
                : hasher.hashFile(path, recorded.name()).hash();
        if (!actual.equals(recorded)) {
            return Optional.of(OutputStatus.Change.MODIFIED);
        }
        return inCache(recorded) ? Optional.empty() : Optional.of(OutputStatus.Change.NOT_IN_CACHE);
    }

    private boolean inCache(HashInfo hash) {
        if (!cache.contains(hash)) {
            return false;
        }
        if (!hash.isDirectory()) {
            return true;
        }
        try {
            // taken before the check: anything removed after it changes the stamp, so a match next time is safe
            String presence = cache.presenceStamp(hash.name());
            String key = presenceKey(hash);
            if (state.recall(key).filter(presence::equals).isPresent()) {
                return true;
            }
            List<String> objects = new ArrayList<>();
            for (DirectoryListing.Entry entry : cache.readListing(hash).entries()) {
                objects.add(entry.md5());
            }
            boolean all = cache.containsAll(hash.name(), objects);
            if (all) {
                state.remember(key, presence);
            }
            return all;
        } catch (SlipwayException e) {
            return false;
        }
    }

    /** The state-cache memo under which a folder object's "all files in the cache" is remembered. */
    private String presenceKey(HashInfo directory) {
        return "present " + cache.root() + " " + directory.value();
    }

    /** @return whether anything in the workspace changed */
    private boolean checkoutDirectory(HashInfo hash, Path directory, List<LinkType> order) {
        Map<String, String> present = new HashMap<>();
        if (Files.isDirectory(directory)) {
            DvcIgnore ignore = DvcIgnore.load(root, directory);
            if (hasher.summarizeDirectory(directory, hash.name(), ignore).hash().equals(hash)) {
                return false;
            }
            WorkspaceHasher.HashedDirectory current =
                    hasher.hashDirectory(directory, hash.name(), ignore, hasher.fileHasher()::hash);
            for (DirectoryListing.Entry entry : current.listing().entries()) {
                present.put(entry.relpath(), entry.md5());
            }
        }
        cache.verify(hash, true);
        DirectoryListing wanted = cache.readListing(hash);
        boolean changed = false;
        if (Files.exists(directory) && !Files.isDirectory(directory)) {
            delete(directory);
            changed = true;
        }
        Set<String> wantedPaths = new HashSet<>();
        Map<Path, HashInfo> placements = new java.util.LinkedHashMap<>();
        for (DirectoryListing.Entry entry : wanted.entries()) {
            wantedPaths.add(entry.relpath());
            if (!entry.md5().equals(present.get(entry.relpath()))) {
                Path file = directory.resolve(entry.relpath());
                if (!present.isEmpty()) {
                    removeDirectoryIfAny(file);
                }
                placements.put(file, new HashInfo(hash.name(), entry.md5()));
                changed = true;
            }
        }
        cache.linkAll(placements, order);
        for (String relpath : present.keySet()) {
            if (!wantedPaths.contains(relpath)) {
                delete(directory.resolve(relpath));
                changed = true;
            }
        }
        if (!Files.isDirectory(directory)) {
            changed = true;
        }
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot create folder '%s': %s", directory, e.getMessage()), e);
        }
        return changed;
    }

    /** Adds {@code /<name>} to the {@code .gitignore} beside {@code output}, as DVC does, once. */
    private void ignoreInGit(Path output) {
        Path gitignore = output.resolveSibling(".gitignore");
        String entry = "/" + escapeGitPattern(output.getFileName().toString());
        try {
            String existing = Files.exists(gitignore) ? Files.readString(gitignore, UTF_8) : "";
            if (existing.lines().anyMatch(entry::equals)) {
                return;
            }
            String prefix = existing.isEmpty() || existing.endsWith("\n") ? "" : "\n";
            AtomicFiles.write(gitignore, (existing + prefix + entry + "\n").getBytes(UTF_8));
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot update '%s': %s", gitignore, e.getMessage()), e);
        }
    }

    private static String escapeGitPattern(String name) {
        StringBuilder escaped = new StringBuilder();
        for (char c : name.toCharArray()) {
            if ("[]!*#?".indexOf(c) >= 0) {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }

    private static DvcFile replaceOutput(DvcFile file, DvcOutput output) {
        List<DvcOutput> outs = new ArrayList<>();
        boolean replaced = false;
        for (DvcOutput existing : file.outs()) {
            if (existing.path().equals(output.path())) {
                outs.add(existing.withHash(output.hash().orElseThrow(), output.size().orElseThrow(),
                        output.fileCount(), output.executable()));
                replaced = true;
            } else {
                outs.add(existing);
            }
        }
        if (!replaced) {
            outs.add(output);
        }
        return file.withOuts(outs);
    }

    private Path insideRepository(Path path) {
        Path absolute = (path.isAbsolute() ? path : root.resolve(path)).normalize();
        if (!absolute.startsWith(root) || absolute.equals(root)) {
            throw SlipwayException.invalidParameter("'%s' is outside the repository '%s'", path, root);
        }
        Path relative = root.relativize(absolute);
        String first = relative.getName(0).toString();
        if (first.equals(".dvc") || first.equals(".git")) {
            throw SlipwayException.invalidParameter("'%s' is inside '%s', which DVC manages itself", path, first);
        }
        return absolute;
    }

    private static DvcFile readDvcFile(Path dvcFile) {
        if (!Files.isRegularFile(dvcFile)) {
            throw SlipwayException.notFound("Pointer file '%s' does not exist", dvcFile);
        }
        try {
            return DvcFile.parse(Files.readString(dvcFile, UTF_8), dvcFile.toString());
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot read '%s': %s", dvcFile, e.getMessage()), e);
        }
    }

    private List<Path> findDvcFiles() {
        List<Path> found = new ArrayList<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                    if (dir.equals(root)) {
                        return FileVisitResult.CONTINUE;
                    }
                    // a tracked folder holds no pointer files (DVC refuses overlapping outputs): not walked
                    return name.equals(".dvc") || name.equals(".git")
                            || Files.isRegularFile(dir.resolveSibling(name + DVC_SUFFIX))
                            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && file.getFileName().toString().endsWith(DVC_SUFFIX)) {
                        found.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot search '%s' for .dvc files: %s", root, e.getMessage()), e);
        }
        found.sort(Comparator.comparing(Path::toString));
        return found;
    }

    private static void removeDirectoryIfAny(Path path) {
        if (Files.isDirectory(path) && !Files.isSymbolicLink(path)) {
            delete(path);
        }
    }

    private static void delete(Path path) {
        try {
            if (Files.isDirectory(path) && !Files.isSymbolicLink(path)) {
                try (var children = Files.list(path)) {
                    for (Path child : children.toList()) {
                        delete(child);
                    }
                }
            }
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot remove '%s': %s", path, e.getMessage()), e);
        }
    }
}
