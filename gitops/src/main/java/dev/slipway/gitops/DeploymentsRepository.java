package dev.slipway.gitops;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TimeZone;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathFilter;

/**
 * The deployments repository: what runs in each environment, as {@code envs/<env>/<name>.yaml} files in Git.
 * Either a local working repository, changed by commits in place, or a remote URL cloned into a cache
 * folder, changed by commits that are pushed; a push that loses a race with another writer is retried on
 * the fetched head, so no commit is lost.
 *
 * <p>Not thread-safe: one instance per command or agent loop. Git failures become {@link SlipwayException}s.
 */
public final class DeploymentsRepository implements AutoCloseable {
    public static final String DEFAULT_BRANCH = "main";
    static final int PUSH_ATTEMPTS = 10;
    private static final Pattern ENV_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final String README = """
            # Deployments

            What Slipway serves in each environment, one file per deployment:
            `envs/<env>/<deployment>.yaml`, each pinning an immutable model version (`models:/churn/7`).
            Change it with `slipway deploy promote` or a pull request; `slipway deploy history` lists the changes
            and `slipway deploy rollback` reverts the last one.
            """;

    private static final Map<Path, java.util.concurrent.locks.ReentrantLock> LOCKS = new java.util.concurrent.ConcurrentHashMap<>();

    private final Git git;
    private final Optional<String> remoteUrl;
    private final Clock clock;
    private final List<String> touched = new ArrayList<>();

    private DeploymentsRepository(Git git, Optional<String> remoteUrl, Clock clock) {
        this.git = requireNonNull(git, "git is null");
        this.remoteUrl = requireNonNull(remoteUrl, "remoteUrl is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Who makes a change; the commit's author and committer. */
    public record Author(String name, String email) {
        public Author {
            requireNonNull(name, "name is null");
            requireNonNull(email, "email is null");
        }
    }

    /** The deployments of one environment at one commit; files that do not parse are in {@code errors} by path. */
    public record DesiredState(String env, Optional<String> commitId, List<DeploymentSpec> deployments, Map<String, String> errors) {
        public DesiredState {
            requireNonNull(env, "env is null");
            requireNonNull(commitId, "commitId is null");
            deployments = List.copyOf(deployments);
            errors = Map.copyOf(errors);
        }
    }

    /** One commit that changed an environment. */
    public record Change(String commitId, String author, Instant time, String message, List<String> deployments) {
        public Change {
            requireNonNull(commitId, "commitId is null");
            requireNonNull(author, "author is null");
            requireNonNull(time, "time is null");
            requireNonNull(message, "message is null");
            deployments = List.copyOf(deployments);
        }

        public String shortId() {
            return commitId.substring(0, 8);
        }

        public String subject() {
            int newline = message.indexOf('\n');
            return newline < 0 ? message : message.substring(0, newline);
        }
    }

    /**
     * Opens {@code location}: a URL ({@code file://}, {@code https://}, {@code ssh://}, {@code git@host:path}) is
     * cloned, or fetched when already cloned, into a folder under {@code cacheRoot}; anything else is a local
     * path, initialised as a Git repository when it is not one yet.
     */
    public static DeploymentsRepository open(String location, Path cacheRoot, Clock clock) {
        requireNonNull(location, "location is null");
        if (isUrl(location)) {
            return openRemote(location, cacheRoot.resolve(cacheFolder(location)), clock);
        }
        return openLocal(Path.of(location), clock);
    }

    /** Whether {@code location} is a Git URL rather than a local path. */
    public static boolean isUrl(String location) {
        return location.contains("://") || location.matches("[\\w.-]+@[\\w.-]+:.*");
    }

    /** A local working repository; {@code git init} when {@code workTree} is not yet a repository. */
    public static DeploymentsRepository openLocal(Path workTree, Clock clock) {
        try {
            Files.createDirectories(workTree);
            Git git = Files.exists(workTree.resolve(".git"))
                    ? Git.open(workTree.toFile())
                    : Git.init().setDirectory(workTree.toFile()).setInitialBranch(DEFAULT_BRANCH).call();
            return new DeploymentsRepository(git, Optional.empty(), clock);
        } catch (IOException | GitAPIException e) {
            throw failure("Cannot open deployments repository '%s': %s", e, workTree, e.getMessage());
        }
    }

    /** The Git repository that contains {@code directory}, if any. */
    public static Optional<Path> enclosingWorkTree(Path directory) {
        FileRepositoryBuilder builder = new FileRepositoryBuilder().findGitDir(directory.toAbsolutePath().toFile());
        if (builder.getGitDir() == null) {
            return Optional.empty();
        }
        return Optional.of(builder.getGitDir().toPath().getParent());
    }

    /** A remote repository, cloned into {@code cache} or fetched there when already cloned. */
    public static DeploymentsRepository openRemote(String url, Path cache, Clock clock) {
        return withLock(cache.resolveSibling(cache.getFileName() + ".lock"), () -> openRemoteLocked(url, cache, clock));
    }

    private static DeploymentsRepository openRemoteLocked(String url, Path cache, Clock clock) {
        try {
            Git git;
            if (Files.exists(cache.resolve(".git"))) {
                git = Git.open(cache.toFile());
            } else {
                Files.createDirectories(cache.getParent());
                git = Git.cloneRepository().setURI(url).setDirectory(cache.toFile()).call();
                if (git.getRepository().resolve(Constants.HEAD) == null) {
                    // an empty remote: the first commit goes to the default branch
                    git.getRepository().updateRef(Constants.HEAD).link(Constants.R_HEADS + DEFAULT_BRANCH);
                }
            }
            DeploymentsRepository repository = new DeploymentsRepository(git, Optional.of(url), clock);
            repository.sync();
            return repository;
        } catch (IOException | GitAPIException e) {
            throw failure("Cannot clone deployments repository '%s': %s", e, url, e.getMessage());
        }
    }

    /** The author Git is configured with ({@code user.name}, {@code user.email}), if any. */
    public Optional<Author> configuredAuthor() {
        org.eclipse.jgit.lib.StoredConfig config = git.getRepository().getConfig();
        return Optional.ofNullable(config.getString("user", null, "name")).filter(name -> !name.isBlank())
                .map(name -> new Author(name, Optional.ofNullable(config.getString("user", null, "email")).orElse("")));
    }

    /** The folder of the working tree (the cache folder for a remote repository). */
    public Path workTree() {
        return git.getRepository().getWorkTree().toPath();
    }

    /**
     * Creates the layout: {@code envs/README.md} in a first commit (pushed for a remote repository).
     *
     * @throws SlipwayException RESOURCE_ALREADY_EXISTS when the repository already has {@code envs/}
     */
    public String init(Author author) {
        return commitWithRetry(DEFAULT_BRANCH, author, () -> {
            if (Files.exists(workTree().resolve("envs"))) {
                throw SlipwayException.alreadyExists("Deployments repository '%s' already has envs/", location());
            }
            write("envs/README.md", README);
            return Optional.of("Initialise deployments repository\n\nLayout: envs/<env>/<deployment>.yaml");
        }).orElseThrow();
    }

    /** The deployments of {@code env} at the head of the default branch; a file that does not parse is reported, not thrown. */
    public DesiredState desired(String env) {
        checkEnv(env);
        sync();
        String prefix = "envs/" + env + "/";
        List<DeploymentSpec> deployments = new ArrayList<>();
        Map<String, String> errors = new LinkedHashMap<>();
        try {
            Repository repository = git.getRepository();
            ObjectId head = repository.resolve(Constants.HEAD);
            if (head == null) {
                return new DesiredState(env, Optional.empty(), List.of(), Map.of());
            }
            try (RevWalk walk = new RevWalk(repository); TreeWalk tree = new TreeWalk(repository)) {
                tree.addTree(walk.parseCommit(head).getTree());
                tree.setRecursive(true);
                tree.setFilter(PathFilter.create("envs/" + env));
                while (tree.next()) {
                    String path = tree.getPathString();
                    String file = path.substring(prefix.length());
                    if (file.contains("/") || !(file.endsWith(".yaml") || file.endsWith(".yml"))) {
                        continue;
                    }
                    String text = new String(repository.open(tree.getObjectId(0)).getBytes(), UTF_8);
                    try {
                        DeploymentSpec spec = DeploymentSpec.fromYaml(text, path);
                        String expected = file.substring(0, file.lastIndexOf('.'));
                        if (!spec.name().equals(expected)) {
                            errors.put(path, path + ": name '" + spec.name() + "' does not match the file name '" + expected + "'");
                        } else {
                            deployments.add(spec);
                        }
                    } catch (SlipwayException e) {
                        errors.put(path, e.getMessage());
                    }
                }
            }
            return new DesiredState(env, Optional.of(head.name()), deployments, errors);
        } catch (IOException e) {
            throw failure("Cannot read envs/%s in '%s': %s", e, env, location(), e.getMessage());
        }
    }

    /** The deployment {@code name} of {@code env} at head, if its file exists and parses. */
    public Optional<DeploymentSpec> deployment(String env, String name) {
        return desired(env).deployments().stream().filter(spec -> spec.name().equals(name)).findFirst();
    }

    /**
     * Writes {@code envs/<env>/<name>.yaml} and commits it on the default branch, or on {@code branch} (created from
     * the default branch's head) for a pull request; pushes when remote. Returns the commit id, or empty when the
     * file already says this.
     */
    public Optional<String> promote(String env, DeploymentSpec spec, String message, Author author, Optional<String> branch) {
        checkEnv(env);
        requireNonNull(spec, "spec is null");
        requireNonNull(message, "message is null");
        String path = "envs/" + env + "/" + spec.name() + ".yaml";
        return commitWithRetry(branch.orElse(DEFAULT_BRANCH), author, () -> {
            String yaml = spec.toYaml();
            Path file = workTree().resolve(path);
            if (Files.exists(file) && Files.readString(file).equals(yaml)) {
                return Optional.empty();
            }
            write(path, yaml);
            return Optional.of(message);
        });
    }

    /**
     * Changes {@code envs/<env>/<name>.yaml} as it is at the head of the default branch, re-read at every attempt so a
     * push that loses a race applies the change to the other writer's version, and commits it (pushed when remote).
     *
     * @param change the new spec from the current one; empty to leave the file alone
     * @return the commit id, or empty when the file is missing, does not parse, or {@code change} left it as it is
     */
    public Optional<String> update(String env, String name, java.util.function.Function<DeploymentSpec, Optional<DeploymentSpec>> change,
            String message, Author author) {
        checkEnv(env);
        requireNonNull(change, "change is null");
        requireNonNull(message, "message is null");
        String path = "envs/" + env + "/" + name + ".yaml";
        return commitWithRetry(DEFAULT_BRANCH, author, () -> {
            Optional<DeploymentSpec> current = readSpec(path);
            Optional<DeploymentSpec> next = current.flatMap(change);
            if (next.isEmpty() || next.equals(current)) {
                return Optional.empty();
            }
            write(path, next.get().toYaml());
            return Optional.of(message);
        });
    }

    /**
     * Takes the canary {@code candidate} out of {@code envs/<env>/<name>.yaml}: with a revert of the commit that added
     * it when that commit changed nothing else and is the file's last change, else with a commit that removes it. The
     * {@code reason} (the failed analysis) goes into the message.
     *
     * @return the commit, or empty when the file no longer has that canary
     */
    public Optional<Change> rollbackCanary(String env, String name, String candidate, String reason, Author author) {
        checkEnv(env);
        requireNonNull(candidate, "candidate is null");
        requireNonNull(reason, "reason is null");
        String path = "envs/" + env + "/" + name + ".yaml";
        Optional<String> commit = commitWithRetry(DEFAULT_BRANCH, author, () -> {
            Optional<DeploymentSpec> current = readSpec(path);
            if (current.isEmpty() || current.get().canary().filter(c -> c.candidate().equals(candidate)).isEmpty()) {
                return Optional.empty();
            }
            DeploymentSpec now = current.get();
            RevCommit last = null;
            for (RevCommit logged : git.log().addPath(path).setMaxCount(1).call()) {
                last = logged;
            }
            if (last != null) {
                try (RevWalk walk = new RevWalk(git.getRepository())) {
                    RevCommit full = walk.parseCommit(last.getId());
                    if (full.getParentCount() > 0) {
                        Optional<byte[]> before = contentAt(walk.parseCommit(full.getParent(0)), path);
                        Optional<DeploymentSpec> parsed = before.flatMap(bytes -> parse(new String(bytes, UTF_8), path));
                        if (parsed.isPresent() && parsed.get().canary().isEmpty() && parsed.get().withCanary(now.canary()).equals(now)) {
                            write(path, new String(before.get(), UTF_8));
                            return Optional.of("Revert \"" + full.getShortMessage() + "\"\n\nThis reverts commit " + full.name()
                                    + ".\n\n" + reason.strip());
                        }
                    }
                }
            }
            write(path, now.withCanary(Optional.empty()).toYaml());
            return Optional.of("Roll back canary " + candidate + " of " + env + "/" + name + "\n\n" + reason.strip());
        });
        return commit.map(id -> history(env).stream().filter(change -> change.commitId().equals(id)).findFirst()
                .orElseThrow(() -> new SlipwayException(ErrorCode.INTERNAL_ERROR, "Commit " + id + " is not in the history of " + env)));
    }

    private Optional<DeploymentSpec> readSpec(String path) throws IOException {
        Path file = workTree().resolve(path);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return parse(Files.readString(file), path);
    }

    private static Optional<DeploymentSpec> parse(String text, String path) {
        try {
            return Optional.of(DeploymentSpec.fromYaml(text, path));
        } catch (SlipwayException e) {
            return Optional.empty();
        }
    }

    /**
     * Reverts the last commit that changed {@code envs/<env>/} (or only {@code envs/<env>/<name>.yaml}) with a new
     * commit that restores those files as they were before it.
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST when nothing changed there
     */
    public Change rollback(String env, Optional<String> name, Author author) {
        checkEnv(env);
        String filter = name.map(n -> "envs/" + env + "/" + n + ".yaml").orElse("envs/" + env);
        String[] reverted = new String[1];
        commitWithRetry(DEFAULT_BRANCH, author, () -> {
            Repository repository = git.getRepository();
            RevCommit last = null;
            for (RevCommit commit : git.log().addPath(filter).call()) {
                last = commit;
                break;
            }
            if (last == null) {
                throw SlipwayException.notFound("No change to %s to roll back in '%s'", filter, location());
            }
            RevCommit parent;
            try (RevWalk walk = new RevWalk(repository)) {
                // the log's path filter rewrote its parents; the revert restores the commit's real parent
                last = walk.parseCommit(last.getId());
                if (last.getParentCount() == 0) {
                    throw SlipwayException.notFound("The change to %s in '%s' is the first commit; nothing to roll back to", filter, location());
                }
                parent = walk.parseCommit(last.getParent(0));
            }
            for (DiffEntry entry : changedPaths(parent, last, filter)) {
                String path = entry.getChangeType() == DiffEntry.ChangeType.ADD ? entry.getNewPath() : entry.getOldPath();
                Optional<byte[]> before = contentAt(parent, path);
                if (before.isPresent()) {
                    write(path, new String(before.get(), UTF_8));
                } else {
                    remove(path);
                }
                if (entry.getChangeType() == DiffEntry.ChangeType.RENAME || entry.getChangeType() == DiffEntry.ChangeType.COPY) {
                    remove(entry.getNewPath());
                }
            }
            reverted[0] = last.name();
            return Optional.of("Revert \"" + last.getShortMessage() + "\"\n\nThis reverts commit " + last.name() + ".");
        });
        return history(env).stream().findFirst()
                .filter(change -> change.message().contains(reverted[0]))
                .orElseThrow(() -> new SlipwayException(ErrorCode.INTERNAL_ERROR, "Rollback of " + reverted[0] + " left no commit"));
    }

    /** The commits that changed {@code envs/<env>/}, newest first. */
    public List<Change> history(String env) {
        checkEnv(env);
        sync();
        String filter = "envs/" + env;
        List<Change> changes = new ArrayList<>();
        try {
            if (git.getRepository().resolve(Constants.HEAD) == null) {
                return List.of();
            }
            try (RevWalk walk = new RevWalk(git.getRepository())) {
                for (RevCommit commit : git.log().addPath(filter).call()) {
                    RevCommit parent = commit.getParentCount() == 0 ? null : walk.parseCommit(commit.getParent(0));
                    TreeSet<String> names = new TreeSet<>();
                    for (DiffEntry entry : changedPaths(parent, commit, filter)) {
                        String path = entry.getChangeType() == DiffEntry.ChangeType.DELETE ? entry.getOldPath() : entry.getNewPath();
                        String file = path.substring(path.lastIndexOf('/') + 1);
                        if (file.endsWith(".yaml") || file.endsWith(".yml")) {
                            names.add(file.substring(0, file.lastIndexOf('.')));
                        }
                    }
                    PersonIdent ident = commit.getAuthorIdent();
                    changes.add(new Change(commit.name(), ident.getName() + " <" + ident.getEmailAddress() + ">",
                            ident.getWhenAsInstant(), commit.getFullMessage().strip(), List.copyOf(names)));
                }
            }
            return List.copyOf(changes);
        } catch (IOException | GitAPIException e) {
            throw failure("Cannot read the history of %s in '%s': %s", e, filter, location(), e.getMessage());
        }
    }

    @Override
    public void close() {
        git.close();
    }

    private interface Edit {
        /** Changes the work tree; returns the commit message, or empty when there is nothing to commit. */
        Optional<String> apply() throws IOException, GitAPIException;
    }

    /**
     * Starts {@code branch} from the default branch's (fetched) head, applies {@code edit}, commits, and for a remote
     * repository pushes; when the push is rejected because another writer got there first, fetches and re-applies.
     */
    private Optional<String> commitWithRetry(String branch, Author author, Edit edit) {
        requireNonNull(author, "author is null");
        return withLock(lockFile(), () -> commitWithRetryLocked(branch, author, edit));
    }

    private Optional<String> commitWithRetryLocked(String branch, Author author, Edit edit) {
        for (int attempt = 1; ; attempt++) {
            try {
                sync();
                Repository repository = git.getRepository();
                boolean onDefault = branch.equals(DEFAULT_BRANCH);
                ObjectId head = repository.resolve(Constants.HEAD);
                if (!onDefault) {
                    if (head == null) {
                        throw SlipwayException.invalidParameter("Deployments repository '%s' has no commit; run 'slipway deploy init' first", location());
                    }
                    if (repository.findRef(Constants.R_HEADS + branch) != null) {
                        throw SlipwayException.alreadyExists("Branch '%s' already exists in '%s'", branch, location());
                    }
                    git.checkout().setCreateBranch(true).setName(branch).call();
                }
                touched.clear();
                try {
                    Optional<String> message = edit.apply();
                    if (message.isEmpty()) {
                        return Optional.empty();
                    }
                    // commit only the files this change wrote, not other edits lying in a local work tree
                    var commitCommand = git.commit();
                    for (String path : touched) {
                        commitCommand.setOnly(path);
                    }
                    PersonIdent ident = new PersonIdent(author.name(), author.email(), clock.instant(), TimeZone.getTimeZone("UTC").toZoneId());
                    RevCommit commit = commitCommand.setMessage(message.get()).setAuthor(ident).setCommitter(ident).call();
                    if (remoteUrl.isEmpty() || push(branch)) {
                        return Optional.of(commit.name());
                    }
                } finally {
                    if (!onDefault) {
                        git.checkout().setName(DEFAULT_BRANCH).call();
                        if (remoteUrl.isPresent()) {
                            git.branchDelete().setBranchNames(branch).setForce(true).call();
                        }
                    }
                }
                pauseBeforeRetry(attempt);
                if (attempt == PUSH_ATTEMPTS) {
                    throw new SlipwayException(ErrorCode.INTERNAL_ERROR, String.format(
                            "Push to '%s' was rejected %d times: other writers keep changing %s", location(), attempt, branch));
                }
            } catch (IOException | GitAPIException e) {
                throw failure("Cannot commit to deployments repository '%s': %s", e, location(), e.getMessage());
            }
        }
    }

    private static void pauseBeforeRetry(int attempt) {
        try {
            Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(10, 50L * attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR, "Interrupted while retrying a push");
        }
    }

    /** Pushes {@code branch}; false when rejected as not a fast-forward (someone pushed first). */
    private boolean push(String branch) throws GitAPIException {
        for (PushResult result : git.push().setRemote("origin").setRefSpecs(new RefSpec("refs/heads/" + branch + ":refs/heads/" + branch)).call()) {
            for (RemoteRefUpdate update : result.getRemoteUpdates()) {
                switch (update.getStatus()) {
                    case OK, UP_TO_DATE -> { }
                    case REJECTED_NONFASTFORWARD, REJECTED_REMOTE_CHANGED -> {
                        return false;
                    }
                    case REJECTED_OTHER_REASON -> {
                        // a writer holding the remote's ref lock is the same race as a non-fast-forward
                        if (Optional.ofNullable(update.getMessage()).orElse("").contains("lock")) {
                            return false;
                        }
                        throw new SlipwayException(ErrorCode.INTERNAL_ERROR, String.format("Push of %s to '%s' was rejected: %s",
                                branch, location(), update.getMessage()));
                    }
                    case REJECTED_NODELETE, NON_EXISTING, NOT_ATTEMPTED, AWAITING_REPORT -> throw new SlipwayException(
                            ErrorCode.INTERNAL_ERROR, String.format("Push of %s to '%s' failed: %s %s", branch, location(), update.getStatus(),
                            Optional.ofNullable(update.getMessage()).orElse("")));
                }
            }
        }
        return true;
    }

    /** For a remote repository: fetch, and make the default branch and work tree the remote's head. */
    private void sync() {
        if (remoteUrl.isEmpty()) {
            return;
        }
        withLock(lockFile(), () -> {
            syncLocked();
            return null;
        });
    }

    private void syncLocked() {
        try {
            git.fetch().setRemote("origin").setRemoveDeletedRefs(true).call();
            Ref remoteHead = git.getRepository().findRef("refs/remotes/origin/" + DEFAULT_BRANCH);
            if (remoteHead != null) {
                boolean local = git.getRepository().findRef(Constants.R_HEADS + DEFAULT_BRANCH) != null;
                if (local) {
                    git.checkout().setName(DEFAULT_BRANCH).setForced(true).call();
                } else {
                    git.checkout().setName(DEFAULT_BRANCH).setCreateBranch(true).setStartPoint(remoteHead.getName()).setForced(true).call();
                }
                git.reset().setMode(ResetCommand.ResetType.HARD).setRef(remoteHead.getObjectId().name()).call();
            }
        } catch (GitAPIException | IOException e) {
            throw failure("Cannot fetch deployments repository '%s': %s", e, location(), e.getMessage());
        }
    }

    /**
     * Runs {@code body} holding the lock of one clone: a lock within this process (several repositories or threads on
     * one cache folder) and a file lock against other processes (an agent and a command sharing the cache), so that
     * fetches, resets and commits of one work tree never interleave. Reentrant within a thread.
     */
    private static <T> T withLock(Path lockFile, java.util.function.Supplier<T> body) {
        java.util.concurrent.locks.ReentrantLock lock = LOCKS.computeIfAbsent(lockFile.toAbsolutePath().normalize(),
                key -> new java.util.concurrent.locks.ReentrantLock());
        lock.lock();
        try {
            if (lock.getHoldCount() > 1) {
                return body.get();
            }
            Files.createDirectories(lockFile.getParent());
            try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(lockFile,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
                    java.nio.channels.FileLock held = channel.lock()) {
                return body.get();
            }
        } catch (IOException e) {
            throw failure("Cannot lock '%s': %s", e, lockFile, e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    private Path lockFile() {
        return remoteUrl.isPresent() ? workTree().resolveSibling(workTree().getFileName() + ".lock")
                : git.getRepository().getDirectory().toPath().resolve("slipway-deploy.lock");
    }

    private List<DiffEntry> changedPaths(RevCommit parent, RevCommit commit, String filter) throws IOException {
        try (ObjectReader reader = git.getRepository().newObjectReader(); org.eclipse.jgit.diff.DiffFormatter formatter =
                new org.eclipse.jgit.diff.DiffFormatter(org.eclipse.jgit.util.io.DisabledOutputStream.INSTANCE)) {
            formatter.setRepository(git.getRepository());
            formatter.setPathFilter(PathFilter.create(filter));
            CanonicalTreeParser newTree = new CanonicalTreeParser(null, reader, commit.getTree());
            if (parent == null) {
                return formatter.scan(new org.eclipse.jgit.treewalk.EmptyTreeIterator(), newTree);
            }
            return formatter.scan(new CanonicalTreeParser(null, reader, parent.getTree()), newTree);
        }
    }

    private Optional<byte[]> contentAt(RevCommit commit, String path) throws IOException {
        RevTree tree = commit.getTree();
        try (TreeWalk walk = TreeWalk.forPath(git.getRepository(), path, tree)) {
            return walk == null ? Optional.empty() : Optional.of(git.getRepository().open(walk.getObjectId(0)).getBytes());
        }
    }

    private void remove(String path) throws IOException, GitAPIException {
        Files.deleteIfExists(workTree().resolve(path));
        git.rm().setCached(true).addFilepattern(path).call();
        touched.add(path);
    }

    private void write(String path, String text) throws IOException, GitAPIException {
        touched.add(path);
        Path file = workTree().resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        git.add().addFilepattern(path).call();
    }

    private String location() {
        return remoteUrl.orElse(workTree().toString());
    }

    private static void checkEnv(String env) {
        requireNonNull(env, "env is null");
        if (!ENV_NAME.matcher(env).matches()) {
            throw SlipwayException.invalidParameter("Environment '%s' is not a DNS-1123 label (e.g. prod, staging)", env);
        }
    }

    private static String cacheFolder(String url) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(url.getBytes(UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SlipwayException failure(String format, Exception cause, Object... args) {
        return new SlipwayException(ErrorCode.INTERNAL_ERROR, String.format(format, args), cause);
    }
}
