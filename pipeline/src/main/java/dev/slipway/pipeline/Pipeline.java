package dev.slipway.pipeline;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import dev.slipway.data.DvcConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The stages of one {@code dvc.yaml} and the graph between them: stage B depends on stage A when a dependency (or
 * params file) of B is an output of A, lies inside an output folder of A, or is a folder holding an output of A.
 * Checked on construction: no output is claimed twice or nested in another, and the graph has no cycle.
 *
 * <p>Immutable and thread-safe.
 */
public final class Pipeline {
    /** The file name DVC reads pipelines from. */
    public static final String FILE_NAME = "dvc.yaml";
    /** The lock file beside it. */
    public static final String LOCK_FILE_NAME = "dvc.lock";

    private final Path file;
    private final Path root;
    private final String display;
    private final Map<String, Stage> stages;
    private final Map<String, List<String>> upstream;

    Pipeline(Path file, Path root, String display, Map<String, Stage> stages) {
        this.file = requireNonNull(file, "file is null");
        this.root = requireNonNull(root, "root is null");
        this.display = requireNonNull(display, "display is null");
        this.stages = Collections.unmodifiableMap(new LinkedHashMap<>(stages));
        checkOutputs();
        this.upstream = edges();
        checkCycles();
    }

    /**
     * Reads and checks {@code dvc.yaml}; {@code parsing.bool} and {@code parsing.list} of {@code config} decide how a
     * mapping in a command becomes flags.
     *
     * @param root the repository's top folder (holding {@code .dvc/})
     * @throws SlipwayException INVALID_PARAMETER_VALUE naming the file, line and stage of the first problem;
     *     RESOURCE_DOES_NOT_EXIST when the file cannot be read
     */
    public static Pipeline load(Path file, Path root, DvcConfig config) {
        Templates.FlagStyle style = new Templates.FlagStyle(
                config.get("parsing", "bool").map("boolean_optional"::equals).orElse(false),
                config.get("parsing", "list").map("append"::equals).orElse(false));
        return PipelineParser.parse(file, root, style);
    }

    /** {@link #load(Path, Path, DvcConfig)} with the default flag styles. */
    public static Pipeline load(Path file, Path root) {
        return load(file, root, DvcConfig.empty());
    }

    public Path file() {
        return file;
    }

    /** The lock file beside {@code dvc.yaml}. */
    public Path lockFile() {
        return file.resolveSibling(LOCK_FILE_NAME);
    }

    public Path root() {
        return root;
    }

    /** The file's path relative to the repository, as messages name it. */
    public String displayName() {
        return display;
    }

    /** The stages in file order (generated ones in generation order). */
    public List<Stage> stages() {
        return List.copyOf(stages.values());
    }

    public Optional<Stage> stage(String name) {
        return Optional.ofNullable(stages.get(name));
    }

    /** The stages {@code stage} depends on directly, in dependency order. */
    public List<Stage> upstreamOf(Stage stage) {
        return upstream.getOrDefault(stage.name(), List.of()).stream().map(stages::get).toList();
    }

    /** The stages depending directly on {@code stage}. */
    public List<Stage> downstreamOf(Stage stage) {
        List<Stage> result = new ArrayList<>();
        for (Stage other : stages.values()) {
            if (upstream.getOrDefault(other.name(), List.of()).contains(stage.name())) {
                result.add(other);
            }
        }
        return result;
    }

    /**
     * The stages a command-line target names: a stage name, {@code dvc.yaml:name}, or the name of a
     * {@code foreach}/{@code matrix} group (all of its {@code name@...} stages).
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST for an unknown target
     */
    public List<Stage> resolve(String target) {
        String name = target;
        int colon = target.lastIndexOf(':');
        if (colon >= 0) {
            String prefix = target.substring(0, colon);
            if (!prefix.isEmpty() && !root.resolve(prefix).normalize().equals(file)
                    && !Path.of(prefix).normalize().equals(Path.of(display))) {
                throw SlipwayException.notFound("'%s' is not this pipeline's file '%s'", prefix, display);
            }
            name = target.substring(colon + 1);
        }
        if (stages.containsKey(name)) {
            return List.of(stages.get(name));
        }
        List<Stage> group = new ArrayList<>();
        for (Stage stage : stages.values()) {
            if (stage.name().startsWith(name + "@")) {
                group.add(stage);
            }
        }
        if (group.isEmpty()) {
            throw SlipwayException.notFound("Stage '%s' is not in '%s'", name, display);
        }
        return group;
    }

    /**
     * The stages to reproduce, in order, as DVC plans them: the targets (all stages when empty) with everything
     * they depend on (with {@code downstream}: everything depending on them instead), frozen stages cut from
     * their upstream, in depth-first post-order so that each stage comes after what it depends on. With
     * {@code singleItem} only the targets themselves.
     */
    public List<Stage> plan(List<Stage> targets, boolean downstream, boolean singleItem) {
        if (singleItem) {
            return targets.isEmpty() ? stages() : List.copyOf(new LinkedHashSet<>(targets));
        }
        Map<String, List<String>> active = new LinkedHashMap<>();
        for (Stage stage : stages.values()) {
            active.put(stage.name(), stage.frozen() ? List.of() : upstream.getOrDefault(stage.name(), List.of()));
        }
        Set<String> selected;
        if (targets.isEmpty()) {
            selected = new LinkedHashSet<>(stages.keySet());
        } else {
            Map<String, List<String>> walk = downstream ? reverse(active) : active;
            selected = new LinkedHashSet<>();
            for (Stage target : targets) {
                postOrder(target.name(), walk, selected, selected::contains, new HashSet<>());
            }
        }
        List<Stage> order = new ArrayList<>();
        Set<String> visited = new LinkedHashSet<>();
        for (String name : stages.keySet()) {
            if (selected.contains(name) && !visited.contains(name)) {
                List<String> names = new ArrayList<>();
                postOrder(name, active, names, candidate -> !selected.contains(candidate) || visited.contains(candidate),
                        visited);
                names.forEach(done -> order.add(stages.get(done)));
            }
        }
        return List.copyOf(order);
    }

    private static void postOrder(String name, Map<String, List<String>> graph, java.util.Collection<String> out,
            java.util.function.Predicate<String> skip, Set<String> visited) {
        if (skip.test(name) || !visited.add(name)) {
            return;
        }
        for (String next : graph.getOrDefault(name, List.of())) {
            postOrder(next, graph, out, skip, visited);
        }
        out.add(name);
    }

    private static Map<String, List<String>> reverse(Map<String, List<String>> graph) {
        Map<String, List<String>> reversed = new LinkedHashMap<>();
        graph.keySet().forEach(name -> reversed.put(name, new ArrayList<>()));
        graph.forEach((name, ups) -> ups.forEach(up -> reversed.get(up).add(name)));
        return reversed;
    }

    /**
     * Checks that every dependency of the given stages exists or is an output of a stage of this pipeline.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE naming the file, line and stage of the first missing one
     */
    public void checkDependenciesExist(List<Stage> toRun) {
        for (Stage stage : toRun) {
            if (stage.frozen()) {
                continue;
            }
            for (Stage.Dependency dep : stage.deps()) {
                if (!Files.exists(dep.absolute()) && producer(dep.absolute()).isEmpty()) {
                    throw PipelineError.at(display, dep.line(), Optional.of(stage.name()),
                            "dependency '%s' does not exist and no stage outputs it", dep.path());
                }
            }
        }
    }

    /** The stage whose output is, or contains, or lies inside {@code path}. */
    public Optional<Stage> producer(Path path) {
        for (Stage stage : stages.values()) {
            for (Stage.Output out : stage.outs()) {
                if (path.startsWith(out.absolute()) || out.absolute().startsWith(path)) {
                    return Optional.of(stage);
                }
            }
        }
        return Optional.empty();
    }

    private void checkOutputs() {
        List<Stage.Output> seen = new ArrayList<>();
        Map<Stage.Output, String> owners = new LinkedHashMap<>();
        for (Stage stage : stages.values()) {
            for (Stage.Output out : stage.outs()) {
                for (Stage.Output other : seen) {
                    String owner = owners.get(other);
                    if (other.absolute().equals(out.absolute())) {
                        throw PipelineError.at(display, out.line(), Optional.of(stage.name()),
                                "output '%s' is already an output of stage '%s'", out.path(), owner);
                    }
                    if (other.absolute().startsWith(out.absolute()) || out.absolute().startsWith(other.absolute())) {
                        throw PipelineError.at(display, out.line(), Optional.of(stage.name()),
                                "output '%s' overlaps output '%s' of stage '%s'", out.path(), other.path(), owner);
                    }
                }
                seen.add(out);
                owners.put(out, stage.name());
            }
        }
    }

    private Map<String, List<String>> edges() {
        Map<String, List<String>> edges = new LinkedHashMap<>();
        for (Stage stage : stages.values()) {
            Set<String> ups = new LinkedHashSet<>();
            for (Path input : stage.inputs()) {
                for (Stage other : stages.values()) {
                    if (other == stage) {
                        continue;
                    }
                    for (Stage.Output out : other.outs()) {
                        if (input.startsWith(out.absolute()) || out.absolute().startsWith(input)) {
                            ups.add(other.name());
                        }
                    }
                }
            }
            edges.put(stage.name(), List.copyOf(ups));
        }
        return Collections.unmodifiableMap(edges);
    }

    private void checkCycles() {
        Map<String, Integer> state = new LinkedHashMap<>();
        for (String name : stages.keySet()) {
            List<String> path = new ArrayList<>();
            cycleFrom(name, state, path);
        }
    }

    private void cycleFrom(String name, Map<String, Integer> state, List<String> path) {
        Integer current = state.get(name);
        if (current != null && current == 2) {
            return;
        }
        path.add(name);
        if (current != null && current == 1) {
            List<String> cycle = path.subList(path.indexOf(name), path.size());
            Stage stage = stages.get(name);
            throw PipelineError.at(display, stage.line(), Optional.of(name), "the pipeline has a cycle: %s",
                    String.join(" -> ", cycle));
        }
        state.put(name, 1);
        for (String up : upstream.getOrDefault(name, List.of())) {
            cycleFrom(up, state, path);
        }
        state.put(name, 2);
        path.remove(path.size() - 1);
    }
}
