package dev.slipway.data;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevSort;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * The pointer files of every commit of the Git repository a DVC repository lives in, read with JGit
 * (never through a work tree): each {@code *.dvc} file and each {@code dvc.lock}'s stage outputs.
 *
 * <p>Commits are those reachable from any branch, tag or {@code HEAD}, as {@code dvc gc
 * --all-commits} sees them. Output paths are relative to the DVC repository's root, with {@code /}.
 * A pointer file that cannot be parsed in some old commit is skipped, never fatal: history cannot be
 * fixed, and gc keeping less than it could only matters for that broken commit.
 */
public final class GitHistory {
    private static final String DVC_SUFFIX = ".dvc";
    private static final String LOCK_FILE = "dvc.lock";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** One output as a commit records it. */
    public record CommittedOutput(String commit, Instant committedAt, String path, DvcOutput output) {
        public CommittedOutput {
            requireNonNull(commit, "commit is null");
            requireNonNull(committedAt, "committedAt is null");
            requireNonNull(path, "path is null");
            requireNonNull(output, "output is null");
        }
    }

    private final Path root;

    /** @param root the DVC repository's root; the Git repository is found there or above it */
    public GitHistory(Path root) {
        this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
    }

    /**
     * Every output of every commit, newest commit first.
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST if the folder is not inside a Git repository
     */
    public List<CommittedOutput> outputs() {
        List<CommittedOutput> found = new ArrayList<>();
        Map<ObjectId, List<DvcOutput>> parsedBlobs = new HashMap<>();
        try (org.eclipse.jgit.lib.Repository git = openGit(); RevWalk walk = new RevWalk(git)) {
            String base = prefixOf(git);
            walk.sort(RevSort.COMMIT_TIME_DESC);
            boolean any = false;
            for (Ref ref : git.getRefDatabase().getRefs()) {
                ObjectId id = ref.getPeeledObjectId() != null ? ref.getPeeledObjectId() : ref.getObjectId();
                if (id == null) {
                    continue;
                }
                Object target = walk.parseAny(id);
                if (target instanceof RevCommit commit) {
                    walk.markStart(commit);
                    any = true;
                }
            }
            if (!any) {
                return List.of();
            }
            for (RevCommit commit : walk) {
                collect(git, commit, base, parsedBlobs, found);
            }
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot read the Git history of '%s': %s", root, e.getMessage()), e);
        }
        return List.copyOf(found);
    }

    /**
     * The outputs the pointer files ({@code *.dvc}, {@code dvc.lock}) of one revision record, sorted by path.
     * A revision with no commit yet ({@code HEAD} of a fresh repository) records none.
     *
     * @param revision anything {@code git rev-parse} accepts: a branch, tag, commit (abbreviated), {@code HEAD~1}
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST if the folder is not inside a Git repository;
     *     INVALID_PARAMETER_VALUE naming the revision if Git does not know it
     */
    public List<CommittedOutput> outputsAt(String revision) {
        requireNonNull(revision, "revision is null");
        try (org.eclipse.jgit.lib.Repository git = openGit(); RevWalk walk = new RevWalk(git)) {
            ObjectId id;
            try {
                id = git.resolve(revision + "^{commit}");
            } catch (org.eclipse.jgit.errors.RevisionSyntaxException | org.eclipse.jgit.errors.AmbiguousObjectException
                    | org.eclipse.jgit.errors.IncorrectObjectTypeException e) {
                throw SlipwayException.invalidParameter("'%s' is not a valid Git revision: %s", revision, e.getMessage());
            }
            if (id == null) {
                if (revision.equals(Constants.HEAD) && git.resolve(Constants.HEAD) == null) {
                    return List.of();
                }
                throw SlipwayException.invalidParameter(
                        "Unknown Git revision '%s' in the repository of '%s'", revision, root);
            }
            RevCommit commit = walk.parseCommit(id);
            List<CommittedOutput> found = new ArrayList<>();
            collect(git, commit, prefixOf(git), new HashMap<>(), found);
            found.sort(java.util.Comparator.comparing(CommittedOutput::path));
            return List.copyOf(found);
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot read revision '%s' of '%s': %s", revision, root, e.getMessage()), e);
        }
    }

    /** Whether the folder is inside a Git repository. */
    public boolean isInGitRepository() {
        return new FileRepositoryBuilder().readEnvironment().findGitDir(root.toFile()).getGitDir() != null;
    }

    /** The repository root's path below the Git work tree, with a final {@code /}; empty when they are the same. */
    private String prefixOf(org.eclipse.jgit.lib.Repository git) throws IOException {
        Path workTree = git.getWorkTree().toPath().toAbsolutePath().normalize();
        String prefix = workTree.toRealPath().relativize(root.toRealPath()).toString().replace('\\', '/');
        return prefix.isEmpty() ? "" : prefix + "/";
    }

    private static void collect(org.eclipse.jgit.lib.Repository git, RevCommit commit, String base,
            Map<ObjectId, List<DvcOutput>> parsedBlobs, List<CommittedOutput> found) throws IOException {
        Instant time = Instant.ofEpochSecond(commit.getCommitTime());
        try (TreeWalk tree = new TreeWalk(git)) {
            tree.addTree(commit.getTree());
            tree.setRecursive(true);
            while (tree.next()) {
                String path = tree.getPathString();
                if (!path.startsWith(base)) {
                    continue;
                }
                String name = tree.getNameString();
                boolean pointer = name.endsWith(DVC_SUFFIX);
                boolean lock = name.equals(LOCK_FILE);
                if (!pointer && !lock) {
                    continue;
                }
                String relative = path.substring(base.length());
                if (relative.startsWith(".dvc/")) {
                    continue;
                }
                String folder = relative.contains("/") ? relative.substring(0, relative.lastIndexOf('/') + 1) : "";
                ObjectId blob = tree.getObjectId(0);
                List<DvcOutput> outs = parsedBlobs.computeIfAbsent(blob, id -> parse(git, id, relative, lock));
                for (DvcOutput out : outs) {
                    found.add(new CommittedOutput(commit.getName(), time, normalize(folder + out.path()), out));
                }
            }
        }
    }

    /** The objects every commit's outputs reference (a folder by its {@code .dir}). */
    public Set<HashInfo> referencedObjects() {
        Set<HashInfo> hashes = new LinkedHashSet<>();
        for (CommittedOutput committed : outputs()) {
            committed.output().hash().ifPresent(hashes::add);
        }
        return hashes;
    }

    /** The Git commit checked out ({@code HEAD}), if the folder is in a Git repository with one. */
    public Optional<String> head() {
        try (org.eclipse.jgit.lib.Repository git = openGit()) {
            ObjectId id = git.resolve(Constants.HEAD);
            return Optional.ofNullable(id).map(ObjectId::getName);
        } catch (SlipwayException | IOException e) {
            return Optional.empty();
        }
    }

    private org.eclipse.jgit.lib.Repository openGit() {
        FileRepositoryBuilder builder = new FileRepositoryBuilder().readEnvironment().findGitDir(root.toFile());
        if (builder.getGitDir() == null) {
            throw SlipwayException.notFound("'%s' is not inside a Git repository", root);
        }
        try {
            return builder.setMustExist(true).build();
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot open the Git repository of '%s': %s", root, e.getMessage()), e);
        }
    }

    private static List<DvcOutput> parse(org.eclipse.jgit.lib.Repository git, ObjectId blob, String path, boolean lock) {
        try {
            String text = new String(git.open(blob).getBytes(), UTF_8);
            return lock ? parseLock(text, path) : DvcFile.parse(text, path).outs();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** The outputs of every stage of a {@code dvc.lock} (schema 2.0: {@code stages: {name: {outs: [...]}}}). */
    private static List<DvcOutput> parseLock(String text, String path) throws IOException {
        Object tree = YAML.readValue(text, Object.class);
        if (!(tree instanceof Map<?, ?> map) || !(map.get("stages") instanceof Map<?, ?> stages)) {
            return List.of();
        }
        List<DvcOutput> outs = new ArrayList<>();
        for (Object stage : stages.values()) {
            if (stage instanceof Map<?, ?> fields && fields.get("outs") instanceof List<?> list) {
                Map<String, Object> single = new LinkedHashMap<>();
                single.put("outs", list);
                outs.addAll(DvcFile.parse(YAML.writeValueAsString(single), path).outs());
            }
        }
        return outs;
    }

    private static String normalize(String path) {
        return Path.of(path).normalize().toString().replace('\\', '/');
    }
}
