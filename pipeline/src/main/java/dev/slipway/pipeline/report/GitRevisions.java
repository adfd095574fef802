package dev.slipway.pipeline.report;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.data.HashInfo;
import dev.slipway.data.LocalCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.errors.AmbiguousObjectException;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.errors.RevisionSyntaxException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * The Git repository a DVC repository lives in, opened once to read files as revisions have them (through JGit,
 * never through a work tree). A file that a revision does not hold in Git but that its {@code dvc.lock} records as
 * a stage output (a metrics file with {@code cache: true}, which is Git-ignored) is read from the DVC cache by its
 * md5, when a cache is given and holds it.
 *
 * <p>Not thread-safe; close it to release the repository.
 */
public final class GitRevisions implements AutoCloseable {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String LOCK_FILE = "dvc.lock";

    private final Path root;
    private final Repository git;
    private final String prefix;
    private final Optional<LocalCache> cache;

    private GitRevisions(Path root, Repository git, String prefix, Optional<LocalCache> cache) {
        this.root = root;
        this.git = git;
        this.prefix = prefix;
        this.cache = cache;
    }

    /**
     * Opens the Git repository that holds {@code root} (in it or above it).
     *
     * @param cache the DVC cache to read Git-ignored stage outputs from, if any
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST when {@code root} is not inside a Git repository
     */
    public static GitRevisions open(Path root, Optional<LocalCache> cache) {
        Path absolute = requireNonNull(root, "root is null").toAbsolutePath().normalize();
        requireNonNull(cache, "cache is null");
        FileRepositoryBuilder builder = new FileRepositoryBuilder().readEnvironment().findGitDir(absolute.toFile());
        if (builder.getGitDir() == null) {
            throw SlipwayException.notFound("'%s' is not inside a Git repository, so it has no revisions to compare;"
                    + " run 'git init' and commit first", absolute);
        }
        Repository git = null;
        try {
            git = builder.setMustExist(true).build();
            Path workTree = git.getWorkTree().toPath().toRealPath();
            String relative = workTree.relativize(absolute.toRealPath()).toString().replace('\\', '/');
            return new GitRevisions(absolute, git, relative.isEmpty() ? "" : relative + "/", cache);
        } catch (IOException | RuntimeException e) {
            if (git != null) {
                git.close();
            }
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot open the Git repository of '%s': %s", absolute, e.getMessage()), e);
        }
    }

    /**
     * The files of a revision.
     *
     * @param revision anything {@code git rev-parse} accepts: a branch, tag, (abbreviated) commit, {@code HEAD~1}
     * @throws SlipwayException INVALID_PARAMETER_VALUE naming the revision when Git does not know it; {@code HEAD}
     *     of a repository without commits is an empty version
     */
    public VersionedFiles at(String revision) {
        requireNonNull(revision, "revision is null");
        ObjectId id;
        try {
            id = git.resolve(revision + "^{commit}");
            if (id == null && revision.equals(Constants.HEAD) && git.resolve(Constants.HEAD) == null) {
                return new CommitFiles(revision, Optional.empty());
            }
        } catch (RevisionSyntaxException | AmbiguousObjectException | IncorrectObjectTypeException e) {
            throw SlipwayException.invalidParameter("'%s' is not a valid Git revision: %s", revision, e.getMessage());
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot resolve revision '%s': %s", revision, e.getMessage()), e);
        }
        if (id == null) {
            throw SlipwayException.invalidParameter("Unknown Git revision '%s' in the repository of '%s'", revision,
                    root);
        }
        try (RevWalk walk = new RevWalk(git)) {
            RevCommit commit = walk.parseCommit(id);
            return new CommitFiles(revision, Optional.of(commit.getTree()));
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot read revision '%s': %s", revision, e.getMessage()), e);
        }
    }

    /**
     * The short names of the refs under a prefix ({@code refs/heads/} for branches, {@code refs/tags/} for tags),
     * sorted.
     */
    public List<String> refNames(String prefix) {
        requireNonNull(prefix, "prefix is null");
        try {
            return git.getRefDatabase().getRefsByPrefix(prefix).stream()
                    .map(ref -> ref.getName().substring(prefix.length())).sorted().toList();
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot list the Git refs of '%s': %s", root, e.getMessage()), e);
        }
    }

    @Override
    public void close() {
        git.close();
    }

    /** One commit's tree; the stage outputs of its {@code dvc.lock} are read once, on first need. */
    private final class CommitFiles implements VersionedFiles {
        private final String name;
        private final Optional<RevTree> tree;
        private Map<String, String> lockedOutputs;

        CommitFiles(String name, Optional<RevTree> tree) {
            this.name = name;
            this.tree = tree;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Optional<byte[]> read(String path) {
            requireNonNull(path, "path is null");
            if (tree.isEmpty()) {
                return Optional.empty();
            }
            Optional<byte[]> committed = blob(path);
            if (committed.isPresent()) {
                return committed;
            }
            String md5 = lockedOutputs().get(path);
            if (md5 == null || cache.isEmpty()) {
                return Optional.empty();
            }
            Path object = cache.get().objectPath(HashInfo.md5(md5));
            try {
                return Files.isRegularFile(object) ? Optional.of(Files.readAllBytes(object)) : Optional.empty();
            } catch (IOException e) {
                throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                        String.format("Cannot read '%s' of revision '%s' from the cache: %s", path, name, e), e);
            }
        }

        @Override
        public List<String> filesUnder(String folder) {
            requireNonNull(folder, "folder is null");
            if (tree.isEmpty()) {
                return List.of();
            }
            try (TreeWalk start = TreeWalk.forPath(git, prefix + folder, tree.get())) {
                if (start == null || !start.isSubtree()) {
                    return List.of();
                }
                List<String> files = new java.util.ArrayList<>();
                try (TreeWalk walk = new TreeWalk(git)) {
                    walk.addTree(start.getObjectId(0));
                    walk.setRecursive(true);
                    while (walk.next()) {
                        files.add(folder + "/" + walk.getPathString());
                    }
                }
                files.sort(null);
                return List.copyOf(files);
            } catch (IOException e) {
                throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                        String.format("Cannot list '%s' at revision '%s': %s", folder, name, e.getMessage()), e);
            }
        }

        private Optional<byte[]> blob(String path) {
            try (TreeWalk walk = TreeWalk.forPath(git, prefix + path, tree.get())) {
                if (walk == null || walk.isSubtree()) {
                    return Optional.empty();
                }
                return Optional.of(git.open(walk.getObjectId(0)).getBytes());
            } catch (IOException e) {
                throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                        String.format("Cannot read '%s' at revision '%s': %s", path, name, e.getMessage()), e);
            }
        }

        /** Output path (relative to the root) to md5, from the stages of the revision's {@code dvc.lock}. */
        private Map<String, String> lockedOutputs() {
            if (lockedOutputs != null) {
                return lockedOutputs;
            }
            lockedOutputs = new HashMap<>();
            Optional<byte[]> lock = blob(LOCK_FILE);
            if (lock.isEmpty()) {
                return lockedOutputs;
            }
            try {
                Object parsed = YAML.readValue(new String(lock.get(), UTF_8), Object.class);
                if (parsed instanceof Map<?, ?> top && top.get("stages") instanceof Map<?, ?> stages) {
                    for (Object stage : stages.values()) {
                        if (stage instanceof Map<?, ?> fields && fields.get("outs") instanceof List<?> outs) {
                            for (Object out : outs) {
                                if (out instanceof Map<?, ?> entry && entry.get("path") instanceof String outPath
                                        && entry.get("md5") instanceof String md5 && !md5.endsWith(".dir")) {
                                    lockedOutputs.put(Path.of(outPath).normalize().toString().replace('\\', '/'), md5);
                                }
                            }
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                // a lock file that does not parse only means no output can be found through it
            }
            return lockedOutputs;
        }
    }
}
