package dev.slipway.pipeline.report;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import dev.slipway.data.LocalCache;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * {@code params diff}, {@code metrics show|diff} and {@code plots show|diff} of one DVC repository, between the
 * workspace and Git revisions, as DVC reports them. Each version's own {@code dvc.yaml} says which files it has.
 *
 * <p>Revisions name the versions: anything {@code git rev-parse} accepts, or {@code workspace} for the files on
 * disk. For the diffs, no revision compares {@code HEAD} with the workspace, one compares it with the workspace,
 * two compare the first with the second. Thread-safe: each call opens (and closes) what it reads.
 */
public final class PipelineReports {
    private final Path root;
    private final Optional<LocalCache> cache;

    /**
     * @param root the DVC repository's root (where {@code dvc.yaml} is)
     * @param cache the DVC cache, to read metrics files that are Git-ignored stage outputs at a revision
     */
    public PipelineReports(Path root, Optional<LocalCache> cache) {
        this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
        this.cache = requireNonNull(cache, "cache is null");
    }

    /**
     * The params that differ ({@code all}: every param) between two versions: all of {@code params.yaml}, the params
     * files of the top-level {@code params} list, and the keys stages declare from other files.
     *
     * @param depsOnly only the params stages declare ({@code --deps})
     * @throws SlipwayException INVALID_PARAMETER_VALUE for an unknown revision, more than two revisions, or a
     *     params file that does not parse; RESOURCE_DOES_NOT_EXIST when a revision is asked for outside Git
     */
    public ValueDiff paramsDiff(List<String> revisions, boolean all, boolean depsOnly) {
        List<String> pair = diffPair(revisions);
        return withVersions(pair, versions -> diff(ValueDiff.Kind.PARAMS, versions.get(0), versions.get(1), all,
                version -> params(version, depsOnly)));
    }

    /**
     * The metrics that differ ({@code all}: every metric) between two versions.
     *
     * @throws SlipwayException as {@link #paramsDiff}
     */
    public ValueDiff metricsDiff(List<String> revisions, boolean all) {
        List<String> pair = diffPair(revisions);
        return withVersions(pair, versions -> diff(ValueDiff.Kind.METRICS, versions.get(0), versions.get(1), all,
                this::metrics));
    }

    /**
     * The Markdown table of the params that differ between two versions, as {@code dvc params diff --md} prints it:
     * what a CI report embeds.
     *
     * @throws SlipwayException as {@link #paramsDiff}
     */
    public String paramsDiffMarkdown(List<String> revisions) {
        return paramsDiff(revisions, false, false).toMarkdown();
    }

    /**
     * The Markdown table of the metrics that differ between two versions, as {@code dvc metrics diff --md} prints
     * it (values rounded to 5 decimal places): what a CI report embeds.
     *
     * @throws SlipwayException as {@link #paramsDiff}
     */
    public String metricsDiffMarkdown(List<String> revisions) {
        return metricsDiff(revisions, false).toMarkdown();
    }

    /**
     * The metrics files of versions; no revision means the workspace only.
     *
     * @throws SlipwayException as {@link #paramsDiff}, except that a metrics file that is missing or does not parse
     *     is reported in the result
     */
    public MetricsShow metricsShow(List<String> revisions) {
        List<String> names = revisions.isEmpty() ? List.of(WorkspaceFiles.NAME) : List.copyOf(revisions);
        return withVersions(names, versions -> {
            List<MetricsShow.Version> shown = new ArrayList<>();
            for (VersionedFiles version : versions) {
                List<MetricsShow.MetricsFile> files = new ArrayList<>();
                for (String path : metricsFiles(version)) {
                    files.add(metricsFile(version, path));
                }
                shown.add(new MetricsShow.Version(version.name(), files));
            }
            return new MetricsShow(shown);
        });
    }

    /**
     * The plots of versions, with their data. For {@code plots show} pass no revision (the workspace); for
     * {@code plots diff}, no revision means {@code HEAD} and the workspace, one means it and the workspace.
     *
     * @param targets plot ids or data files to keep; empty: every plot the {@code dvc.yaml} files declare (a target
     *     that no {@code dvc.yaml} declares is plotted from its file with DVC's defaults)
     * @throws SlipwayException as {@link #paramsDiff}
     */
    public PlotsReport plots(List<String> revisions, List<String> targets, boolean diff) {
        requireNonNull(targets, "targets is null");
        List<String> names;
        if (!diff) {
            names = revisions.isEmpty() ? List.of(WorkspaceFiles.NAME) : List.copyOf(revisions);
        } else if (revisions.size() < 2) {
            names = revisions.isEmpty() ? List.of("HEAD", WorkspaceFiles.NAME)
                    : List.of(revisions.get(0), WorkspaceFiles.NAME);
        } else {
            names = List.copyOf(revisions);
        }
        return withVersions(names, versions -> {
            Map<String, PlotDefinition> definitions = new LinkedHashMap<>();
            for (VersionedFiles version : versions) {
                declared(version).plots().forEach(plot -> definitions.putIfAbsent(plot.id(), plot));
            }
            List<PlotDefinition> chosen = new ArrayList<>();
            if (targets.isEmpty()) {
                chosen.addAll(definitions.values());
            } else {
                for (String target : targets) {
                    List<PlotDefinition> matching = definitions.values().stream()
                            .filter(plot -> plot.id().equals(target) || plot.fields().containsKey(target)).toList();
                    chosen.addAll(matching.isEmpty() ? List.of(PlotDefinition.ofFile(target)) : matching);
                }
            }
            return PlotsReport.collect(chosen, versions);
        });
    }

    /**
     * {@code workspace}, then the branches and/or tags of the Git repository: the versions of
     * {@code metrics show --all-branches/--all-tags}.
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST when the repository is not inside Git
     */
    public List<String> workspaceAndRefs(boolean branches, boolean tags) {
        List<String> names = new ArrayList<>(List.of(WorkspaceFiles.NAME));
        try (GitRevisions git = GitRevisions.open(root, cache)) {
            if (branches) {
                names.addAll(git.refNames(org.eclipse.jgit.lib.Constants.R_HEADS));
            }
            if (tags) {
                names.addAll(git.refNames(org.eclipse.jgit.lib.Constants.R_TAGS));
            }
        }
        return List.copyOf(names);
    }

    private static List<String> diffPair(List<String> revisions) {
        requireNonNull(revisions, "revisions is null");
        return switch (revisions.size()) {
            case 0 -> List.of("HEAD", WorkspaceFiles.NAME);
            case 1 -> List.of(revisions.get(0), WorkspaceFiles.NAME);
            case 2 -> List.copyOf(revisions);
            default -> throw SlipwayException.invalidParameter(
                    "At most two revisions can be compared, got %d: %s", revisions.size(), revisions);
        };
    }

    private <T> T withVersions(List<String> names, Function<List<VersionedFiles>, T> report) {
        boolean needsGit = names.stream().anyMatch(name -> !name.equals(WorkspaceFiles.NAME));
        if (!needsGit) {
            return report.apply(names.stream().map(name -> (VersionedFiles) new WorkspaceFiles(root)).toList());
        }
        try (GitRevisions git = GitRevisions.open(root, cache)) {
            List<VersionedFiles> versions = new ArrayList<>();
            for (String name : names) {
                versions.add(name.equals(WorkspaceFiles.NAME) ? new WorkspaceFiles(root) : git.at(name));
            }
            return report.apply(versions);
        }
    }

    private static DeclaredFiles declared(VersionedFiles version) {
        return version.read(DeclaredFiles.PIPELINE_FILE)
                .map(bytes -> DeclaredFiles.parse(new String(bytes, UTF_8), source(version, DeclaredFiles.PIPELINE_FILE)))
                .orElse(DeclaredFiles.empty());
    }

    private static String source(VersionedFiles version, String path) {
        return version.name().equals(WorkspaceFiles.NAME) ? path : version.name() + ":" + path;
    }

    /** Path to flattened values of each params file the version has. */
    private static Map<String, Map<String, Object>> params(VersionedFiles version, boolean depsOnly) {
        DeclaredFiles declared = declared(version);
        Map<String, List<String>> files = depsOnly ? declared.params()
                : declared.paramsWithDefault(version.read(DeclaredFiles.DEFAULT_PARAMS_FILE).isPresent());
        Map<String, Map<String, Object>> found = new LinkedHashMap<>();
        files.forEach((path, keys) -> version.read(path).ifPresent(bytes -> {
            Map<String, Object> values = FlatValues.parse(source(version, path), bytes, true);
            Map<String, Object> kept = new LinkedHashMap<>();
            boolean wholeFile = keys.isEmpty()
                    || !depsOnly && path.equals(DeclaredFiles.DEFAULT_PARAMS_FILE);
            values.forEach((key, value) -> {
                if (wholeFile || keys.stream().anyMatch(wanted -> key.equals(wanted) || key.startsWith(wanted + "."))) {
                    kept.put(key, value);
                }
            });
            found.put(path, kept);
        }));
        return found;
    }

    private Map<String, Map<String, Object>> metrics(VersionedFiles version) {
        Map<String, Map<String, Object>> found = new LinkedHashMap<>();
        for (String path : metricsFiles(version)) {
            version.read(path).ifPresent(bytes -> found.put(path, FlatValues.parse(source(version, path), bytes, false)));
        }
        return found;
    }

    /** The declared metrics files, a declared folder standing for every file below it (as DVC expands them). */
    private static List<String> metricsFiles(VersionedFiles version) {
        List<String> files = new ArrayList<>();
        for (String path : declared(version).metrics()) {
            List<String> below = version.filesUnder(path);
            if (below.isEmpty()) {
                files.add(path);
            } else {
                below.stream().filter(file -> !files.contains(file)).forEach(files::add);
            }
        }
        return files;
    }

    private static MetricsShow.MetricsFile metricsFile(VersionedFiles version, String path) {
        Optional<byte[]> bytes = version.read(path);
        if (bytes.isEmpty()) {
            return new MetricsShow.MetricsFile(path, Map.of(), Optional.of("FileNotFoundError"),
                    Optional.of("'" + path + "' does not exist in " + version.name()));
        }
        try {
            return new MetricsShow.MetricsFile(path, FlatValues.parseTree(path, bytes.get(), false), Optional.empty(),
                    Optional.empty());
        } catch (SlipwayException e) {
            return new MetricsShow.MetricsFile(path, Map.of(), Optional.of("ParseError"), Optional.of(e.getMessage()));
        }
    }

    private static ValueDiff diff(ValueDiff.Kind kind, VersionedFiles older, VersionedFiles newer, boolean all,
            Function<VersionedFiles, Map<String, Map<String, Object>>> read) {
        Map<String, Map<String, Object>> before = read.apply(older);
        Map<String, Map<String, Object>> after = read.apply(newer);
        TreeSet<String> paths = new TreeSet<>(before.keySet());
        paths.addAll(after.keySet());
        List<ValueDiff.Entry> entries = new ArrayList<>();
        for (String path : paths) {
            Map<String, Object> oldValues = before.getOrDefault(path, Map.of());
            Map<String, Object> newValues = after.getOrDefault(path, Map.of());
            TreeMap<String, Boolean> keys = new TreeMap<>();
            oldValues.keySet().forEach(key -> keys.put(key, true));
            newValues.keySet().forEach(key -> keys.put(key, true));
            for (String key : keys.keySet()) {
                Optional<Object> oldValue = Optional.ofNullable(oldValues.get(key));
                Optional<Object> newValue = Optional.ofNullable(newValues.get(key));
                if (all || !same(oldValue, newValue)) {
                    entries.add(ValueDiff.Entry.of(path, key, oldValue, newValue));
                }
            }
        }
        return new ValueDiff(kind, older.name(), newer.name(), entries);
    }

    /** Python's equality: {@code 1 == 1.0}. */
    private static boolean same(Optional<Object> oldValue, Optional<Object> newValue) {
        if (oldValue.orElse(null) instanceof Number a && newValue.orElse(null) instanceof Number b) {
            return a instanceof Long && b instanceof Long ? a.longValue() == b.longValue()
                    : a.doubleValue() == b.doubleValue();
        }
        return oldValue.equals(newValue);
    }
}
