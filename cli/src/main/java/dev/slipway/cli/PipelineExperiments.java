package dev.slipway.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.slipway.client.TrackingClient;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.tracking.RunNames;
import dev.slipway.core.tracking.Tag;
import dev.slipway.data.GitHistory;
import dev.slipway.data.HashInfo;
import dev.slipway.data.Repository;
import dev.slipway.pipeline.LockEntry;
import dev.slipway.pipeline.LockFile;
import dev.slipway.pipeline.ParamsFiles;
import dev.slipway.pipeline.Pipeline;
import dev.slipway.pipeline.ReproOptions;
import dev.slipway.pipeline.Reproducer;
import dev.slipway.pipeline.Stage;
import dev.slipway.pipeline.StageListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * Experiments of a project's pipeline: runs with changed params that leave the workspace alone.
 *
 * <p>An experiment runs in a temporary copy of the workspace, outside the repository: the Git-tracked files (every
 * file when the project is not in Git), the pointer and lock files and the plain dependencies, with
 * {@code cache.dir} in the copy's {@code .dvc/config.local} set to the repository's cache, so outputs are read from
 * and stored in the shared cache. The copy's outputs are checked out from the cache, the {@code -S} changes written
 * to its params files, and the pipeline reproduced there as a tracked repro whose parent run is named after the
 * experiment and tagged {@code slipway.exp.name}, {@code slipway.exp.baseline} (the Git commit) and
 * {@code slipway.exp.params}.
 *
 * <p>The result is kept in the repository under {@code .dvc/tmp/exps/<name>/} (git-ignored, as DVC's own
 * experiment state): {@code experiment.json} (name, creation time, state, baseline, changes, run ids, params and
 * metrics) and {@code files/}, the experiment's {@code dvc.lock}, params files and uncached outputs, which
 * {@code exp apply} writes into the workspace before checking the cached outputs out. Queued experiments are
 * {@code .dvc/tmp/exps/queue/<name>.json}. Experiments of a failed repro are kept too (state {@code failed}).
 */
final class PipelineExperiments {
    static final String FOLDER = ".dvc/tmp/exps";
    static final String QUEUE = "queue";
    static final String RECORD = "experiment.json";
    static final String FILES = "files";
    static final String NAME_TAG = "slipway.exp.name";
    static final String BASELINE_TAG = "slipway.exp.baseline";
    static final String PARAMS_TAG = "slipway.exp.params";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
    /** Folders never copied: Git's, DVC's cache and state, and Slipway's local store. */
    private static final Set<String> SKIPPED = Set.of(".git", ".dvc/cache", ".dvc/tmp", ".slipway");

    private final Repository repository;
    private final Path pipelineFile;
    private final Clock clock;

    /**
     * @param pipelineFile the workspace's {@code dvc.yaml} the experiments reproduce
     */
    PipelineExperiments(Repository repository, Path pipelineFile, Clock clock) {
        this.repository = requireNonNull(repository, "repository is null");
        this.pipelineFile = requireNonNull(pipelineFile, "pipelineFile is null").toAbsolutePath().normalize();
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** One {@code -S} value: {@code [file:]key=value}; the file defaults to {@code params.yaml}. */
    record ParamChange(String file, String key, String value) {
        ParamChange {
            requireNonNull(file, "file is null");
            requireNonNull(key, "key is null");
            requireNonNull(value, "value is null");
        }

        /** @throws SlipwayException INVALID_PARAMETER_VALUE when there is no {@code =} or no key */
        static ParamChange parse(String text) {
            int equals = text.indexOf('=');
            if (equals <= 0) {
                throw SlipwayException.invalidParameter("-S '%s' is not [file:]key=value", text);
            }
            String left = text.substring(0, equals);
            int colon = left.lastIndexOf(':');
            String file = colon > 0 ? left.substring(0, colon) : ParamsFiles.DEFAULT;
            String key = colon > 0 ? left.substring(colon + 1) : left;
            if (key.isBlank()) {
                throw SlipwayException.invalidParameter("-S '%s' names no key", text);
            }
            return new ParamChange(file, key, text.substring(equals + 1));
        }

        /** As given on the command line. */
        String text() {
            return trackingKey() + "=" + value;
        }

        /** The key as runs and {@code exp show} name params: prefixed {@code <file>:} unless in params.yaml. */
        String trackingKey() {
            return (file.equals(ParamsFiles.DEFAULT) ? "" : file + ":") + key;
        }
    }

    /**
     * What to run: a queued or started experiment.
     *
     * @param changes the {@code -S} values
     * @param targets the stages to reproduce (all when empty)
     */
    record Spec(String name, Instant created, List<ParamChange> changes, List<String> targets) {
        Spec {
            requireNonNull(name, "name is null");
            requireNonNull(created, "created is null");
            changes = List.copyOf(changes);
            targets = List.copyOf(targets);
        }

        ObjectNode toJson() {
            ObjectNode node = JSON.createObjectNode().put("name", name).put("created", created.toString());
            ArrayNode params = node.putArray("params");
            changes.forEach(change -> params.add(change.text()));
            ArrayNode stages = node.putArray("targets");
            targets.forEach(stages::add);
            return node;
        }

        static Spec fromJson(JsonNode node) {
            List<ParamChange> changes = new ArrayList<>();
            node.path("params").forEach(change -> changes.add(ParamChange.parse(change.asText())));
            List<String> targets = new ArrayList<>();
            node.path("targets").forEach(target -> targets.add(target.asText()));
            return new Spec(node.path("name").asText(), Instant.parse(node.path("created").asText()), changes, targets);
        }
    }

    /** The state of an experiment, as {@code exp show} prints it. */
    enum State {
        QUEUED, SUCCESS, FAILED
    }

    /**
     * An experiment kept in the repository.
     *
     * @param params every params value of the pipeline after the run, by tracking key
     * @param metrics every number of the pipeline's metrics files after the run
     */
    record Kept(Spec spec, State state, Optional<String> baseline, Optional<String> runId,
            Optional<String> experimentId, Map<String, String> params, Map<String, Double> metrics) {
        Kept {
            requireNonNull(spec, "spec is null");
            requireNonNull(state, "state is null");
            requireNonNull(baseline, "baseline is null");
            requireNonNull(runId, "runId is null");
            requireNonNull(experimentId, "experimentId is null");
            params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
            metrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        }

        ObjectNode toJson() {
            ObjectNode node = spec.toJson().put("state", state.name().toLowerCase(Locale.ROOT));
            baseline.ifPresent(value -> node.put("baseline", value));
            runId.ifPresent(value -> node.put("run_id", value));
            experimentId.ifPresent(value -> node.put("experiment_id", value));
            ObjectNode paramsNode = node.putObject("all_params");
            params.forEach(paramsNode::put);
            ObjectNode metricsNode = node.putObject("metrics");
            metrics.forEach(metricsNode::put);
            return node;
        }

        static Kept fromJson(JsonNode node) {
            Map<String, String> params = new LinkedHashMap<>();
            node.path("all_params").fields().forEachRemaining(entry -> params.put(entry.getKey(),
                    entry.getValue().asText()));
            Map<String, Double> metrics = new LinkedHashMap<>();
            node.path("metrics").fields().forEachRemaining(entry -> metrics.put(entry.getKey(),
                    entry.getValue().asDouble()));
            return new Kept(Spec.fromJson(node), State.valueOf(node.path("state").asText("failed")
                    .toUpperCase(Locale.ROOT)), text(node, "baseline"), text(node, "run_id"),
                    text(node, "experiment_id"), params, metrics);
        }

        private static Optional<String> text(JsonNode node, String field) {
            return node.hasNonNull(field) ? Optional.of(node.get(field).asText()) : Optional.empty();
        }
    }

    Path folder() {
        return repository.root().resolve(FOLDER);
    }

    /**
     * A new experiment's spec: {@code name} checked and unused, else a generated adjective-noun name.
     *
     * @throws SlipwayException RESOURCE_ALREADY_EXISTS for a name in use, INVALID_PARAMETER_VALUE for a bad name
     */
    synchronized Spec newSpec(Optional<String> name, List<ParamChange> changes, List<String> targets,
            RandomGenerator random) {
        String chosen;
        if (name.isPresent()) {
            if (!NAME.matcher(name.get()).matches()) {
                throw SlipwayException.invalidParameter("Experiment name '%s' must start with a letter or digit and "
                        + "hold only letters, digits, '_', '.' and '-'", name.get());
            }
            if (exists(name.get())) {
                throw new SlipwayException(ErrorCode.RESOURCE_ALREADY_EXISTS, String.format(
                        "Experiment '%s' already exists; choose another name with -n", name.get()));
            }
            chosen = name.get();
        } else {
            String candidate = RunNames.generate(random);
            for (int attempt = 0; attempt < 50; attempt++) {
                String generated = RunNames.generate(random);
                candidate = generated.substring(0, generated.lastIndexOf('-'));
                if (!exists(candidate)) {
                    break;
                }
                candidate = generated;
            }
            chosen = candidate;
        }
        return new Spec(chosen, clock.instant(), changes, targets);
    }

    private boolean exists(String name) {
        return Files.exists(folder().resolve(name)) || Files.exists(folder().resolve(QUEUE).resolve(name + ".json"));
    }

    /** Stores the spec in the queue. */
    synchronized void queue(Spec spec) {
        write(folder().resolve(QUEUE).resolve(spec.name() + ".json"), spec.toJson());
    }

    /** The queued specs, oldest first. */
    List<Spec> queued() {
        Path queue = folder().resolve(QUEUE);
        if (!Files.isDirectory(queue)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(queue)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".json")).sorted()
                    .map(file -> Spec.fromJson(read(file))).sorted(Comparator.comparing(Spec::created)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every kept experiment, oldest first. */
    List<Kept> kept() {
        if (!Files.isDirectory(folder())) {
            return List.of();
        }
        try (Stream<Path> folders = Files.list(folder())) {
            return folders.filter(folder -> Files.isRegularFile(folder.resolve(RECORD)))
                    .map(folder -> Kept.fromJson(read(folder.resolve(RECORD))))
                    .sorted(Comparator.comparing((Kept kept) -> kept.spec().created())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @throws SlipwayException RESOURCE_DOES_NOT_EXIST when no experiment of that name was kept */
    Kept kept(String name) {
        Path record = folder().resolve(name).resolve(RECORD);
        if (!NAME.matcher(name).matches() || !Files.isRegularFile(record)) {
            boolean queued = NAME.matcher(name).matches()
                    && Files.exists(folder().resolve(QUEUE).resolve(name + ".json"));
            throw SlipwayException.notFound("Experiment '%s' %s", name, queued
                    ? "is queued and has not run yet; run it with 'slipway exp run --run-all'"
                    : "does not exist; 'slipway exp show' lists the experiments");
        }
        return Kept.fromJson(read(record));
    }

    /**
     * Runs the experiment in a temporary copy of the workspace as a tracked repro, keeps its result and deletes the
     * copy; a queued spec leaves the queue.
     *
     * @param experimentName the tracking experiment of the parent run
     */
    Kept run(Spec spec, TrackingClient client, String experimentName, Map<String, String> variables,
            StageListener printer, List<String> warnings) {
        Optional<String> baseline = new GitHistory(repository.root()).head();
        Path copy;
        try {
            copy = Files.createTempDirectory("slipway-exp-" + spec.name() + "-");
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR, "Cannot create a temporary folder: " + e.getMessage(), e);
        }
        try {
            copyWorkspace(copy);
            useSharedCache(copy);
            Path copiedPipeline = copy.resolve(relative(pipelineFile));
            for (ParamChange change : spec.changes()) {
                applyChange(copiedPipeline.getParent(), change);
            }
            Kept kept;
            try (Repository copied = Repository.open(copy, variables)) {
                checkOutOutputs(copied, copiedPipeline, warnings);
                Pipeline pipeline = Pipeline.load(copiedPipeline, copy, copied.config());
                ObjectNode changes = JSON.createObjectNode();
                spec.changes().forEach(change -> changes.put(change.trackingKey(), change.value()));
                List<Tag> tags = new ArrayList<>();
                tags.add(new Tag(NAME_TAG, spec.name()));
                baseline.ifPresent(commit -> tags.add(new Tag(BASELINE_TAG, commit)));
                tags.add(new Tag(PARAMS_TAG, changes.toString()));
                PipelineTracking.TrackedRepro tracked = PipelineTracking.repro(client, copied,
                        new Reproducer(copied, clock), pipeline, spec.targets(), ReproOptions.defaults(variables),
                        new PipelineTracking.ParentRun(experimentName, Optional.of(spec.name()), tags, baseline),
                        printer, clock);
                warnings.addAll(tracked.warnings());
                Map<String, String> params = new LinkedHashMap<>();
                Map<String, Double> metrics = new LinkedHashMap<>();
                for (Stage stage : pipeline.stages()) {
                    params.putAll(PipelineTracking.currentParams(pipeline, stage));
                    metrics.putAll(PipelineTracking.metricsOf(stage));
                }
                kept = new Kept(spec, tracked.result().succeeded() ? State.SUCCESS : State.FAILED, baseline,
                        Optional.of(tracked.parentRunId()), Optional.of(tracked.experimentId()), params, metrics);
                keep(kept, copy, pipeline);
            }
            try {
                Files.deleteIfExists(folder().resolve(QUEUE).resolve(spec.name() + ".json"));
            } catch (IOException e) {
                warnings.add("could not remove the queued spec of '" + spec.name() + "': " + e.getMessage());
            }
            return kept;
        } finally {
            delete(copy);
        }
    }

    /**
     * Writes the experiment's params files, {@code dvc.lock} and uncached outputs into the workspace and checks its
     * cached outputs out of the cache.
     *
     * @return the workspace paths written or checked out
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST for an unknown experiment or an object missing from the cache
     */
    List<String> apply(String name) {
        Kept kept = kept(name);
        if (kept.state() != State.SUCCESS) {
            throw new SlipwayException(ErrorCode.INVALID_STATE, String.format(
                    "Experiment '%s' failed; only a successful experiment can be applied", name));
        }
        Path files = folder().resolve(name).resolve(FILES);
        List<String> written = new ArrayList<>();
        List<Path> saved;
        try (Stream<Path> walk = Files.walk(files)) {
            saved = walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path file : saved) {
            String path = files.relativize(file).toString().replace('\\', '/');
            Path target = repository.root().resolve(path);
            try {
                Files.createDirectories(target.getParent());
                makeWritable(target);
                Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new SlipwayException(ErrorCode.INTERNAL_ERROR, String.format("Cannot write '%s': %s", path,
                        e.getMessage()), e);
            }
            written.add(path);
        }
        Pipeline pipeline = Pipeline.load(pipelineFile, repository.root(), repository.config());
        Map<String, LockEntry> lock = LockFile.read(pipeline.lockFile(), pipeline.displayName());
        for (Stage stage : pipeline.stages()) {
            LockEntry entry = lock.get(stage.name());
            if (entry == null) {
                continue;
            }
            for (Stage.Output out : stage.outs()) {
                Optional<HashInfo> hash = hashOf(entry, out);
                if (out.cache() && hash.isPresent()) {
                    repository.cache().checkout(hash.get(), out.absolute(), repository.config().cacheTypes());
                    written.add(relative(out.absolute()));
                }
            }
        }
        return List.copyOf(new LinkedHashSet<>(written));
    }

    private static Optional<HashInfo> hashOf(LockEntry entry, Stage.Output out) {
        return entry.outs().stream().filter(locked -> locked.path().equals(out.path())).findFirst()
                .flatMap(LockEntry.LockedPath::hash);
    }

    /** Saves the record and the files {@code apply} needs from the copy. */
    private void keep(Kept kept, Path copy, Pipeline pipeline) {
        Path target = folder().resolve(kept.spec().name());
        delete(target);
        Path files = target.resolve(FILES);
        Set<Path> sources = new LinkedHashSet<>();
        sources.add(pipeline.lockFile());
        for (Stage stage : pipeline.stages()) {
            stage.params().forEach(params -> sources.add(params.absolute()));
            stage.outs().stream().filter(out -> !out.cache()).forEach(out -> sources.add(out.absolute()));
        }
        for (Path source : sources) {
            if (Files.exists(source)) {
                copyTree(source, files.resolve(copy.relativize(source.toAbsolutePath().normalize()).toString()));
            }
        }
        write(target.resolve(RECORD), kept.toJson());
    }

    /** Copies what the experiment needs of the workspace into {@code copy} (see the class comment). */
    private void copyWorkspace(Path copy) {
        Path root = repository.root().toAbsolutePath().normalize();
        Set<Path> cachedOutputs = new LinkedHashSet<>();
        repository.trackedOutputs(Optional.empty()).forEach(tracked -> cachedOutputs.add(tracked.path()));
        Pipeline workspacePipeline = Pipeline.load(pipelineFile, root, repository.config());
        Set<Path> plainDeps = new LinkedHashSet<>();
        for (Stage stage : workspacePipeline.stages()) {
            stage.outs().stream().filter(Stage.Output::cache).forEach(out -> cachedOutputs.add(out.absolute()));
            stage.deps().forEach(dep -> plainDeps.add(dep.absolute()));
            stage.params().forEach(params -> plainDeps.add(params.absolute()));
        }
        Optional<List<Path>> gitTracked = gitTrackedFiles(root);
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                    String path = relative(dir);
                    return SKIPPED.contains(path) || cachedOutputs.contains(dir) ? FileVisitResult.SKIP_SUBTREE
                            : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    if (cachedOutputs.contains(file) || !attributes.isRegularFile()) {
                        return FileVisitResult.CONTINUE;
                    }
                    String name = file.getFileName().toString();
                    boolean always = name.endsWith(".dvc") || name.equals(Pipeline.FILE_NAME)
                            || name.equals(Pipeline.LOCK_FILE_NAME) || name.equals(".dvcignore")
                            || file.equals(root.resolve(".dvc/config")) || plainDeps.contains(file);
                    if (always || gitTracked.map(tracked -> tracked.contains(file)).orElse(true)) {
                        Path target = copy.resolve(relative(file));
                        Files.createDirectories(target.getParent());
                        Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR, String.format(
                    "Cannot copy the workspace into '%s': %s", copy, e.getMessage()), e);
        }
    }

    /** The files Git tracks (its index) below {@code root}; empty when {@code root} is not in a Git work tree. */
    private static Optional<List<Path>> gitTrackedFiles(Path root) {
        FileRepositoryBuilder builder = new FileRepositoryBuilder().findGitDir(root.toFile());
        if (builder.getGitDir() == null) {
            return Optional.empty();
        }
        try (org.eclipse.jgit.lib.Repository git = builder.build()) {
            if (git.isBare()) {
                return Optional.empty();
            }
            Path workTree = git.getWorkTree().toPath().toRealPath();
            Path realRoot = root.toRealPath();
            DirCache index = git.readDirCache();
            List<Path> files = new ArrayList<>();
            for (int i = 0; i < index.getEntryCount(); i++) {
                Path file = workTree.resolve(index.getEntry(i).getPathString());
                if (file.startsWith(realRoot)) {
                    files.add(root.resolve(realRoot.relativize(file).toString()));
                }
            }
            return Optional.of(files);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Points the copy's cache at the repository's: {@code cache.dir} in its {@code .dvc/config.local}. */
    private void useSharedCache(Path copy) {
        Path original = repository.root().resolve(".dvc/config.local");
        List<String> lines = new ArrayList<>();
        if (Files.isRegularFile(original)) {
            try {
                lines.addAll(Files.readAllLines(original, UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        String setting = "dir = " + repository.cache().root().toAbsolutePath().normalize();
        List<String> result = new ArrayList<>();
        boolean inCache = false;
        boolean written = false;
        for (String line : lines) {
            String trimmed = line.trim();
            if (trimmed.startsWith("[")) {
                inCache = trimmed.replace(" ", "").equalsIgnoreCase("[cache]");
                result.add(line);
                if (inCache) {
                    result.add(setting);
                    written = true;
                }
                continue;
            }
            if (inCache && trimmed.matches("(?i)dir\\s*=.*")) {
                continue;
            }
            result.add(line);
        }
        if (!written) {
            result.add("[cache]");
            result.add(setting);
        }
        try {
            Files.createDirectories(copy.resolve(".dvc"));
            Files.write(copy.resolve(".dvc/config.local"), result, UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Checks out the copy's pointer files and the cached outputs its lock file records, as far as the cache has them. */
    private static void checkOutOutputs(Repository copied, Path copiedPipeline, List<String> warnings) {
        for (Path pointer : copied.dvcFiles()) {
            try {
                copied.checkout(List.of(pointer));
            } catch (SlipwayException e) {
                warnings.add("could not check out '" + copied.root().relativize(pointer) + "': " + e.getMessage());
            }
        }
        if (!Files.isRegularFile(copiedPipeline)) {
            return;
        }
        Pipeline pipeline = Pipeline.load(copiedPipeline, copied.root(), copied.config());
        Map<String, LockEntry> lock = LockFile.read(pipeline.lockFile(), pipeline.displayName());
        for (Stage stage : pipeline.stages()) {
            LockEntry entry = lock.get(stage.name());
            if (entry == null) {
                continue;
            }
            for (Stage.Output out : stage.outs()) {
                Optional<HashInfo> hash = hashOf(entry, out);
                if (out.cache() && hash.isPresent() && copied.isInCache(hash.get())
                        && !Files.exists(out.absolute(), LinkOption.NOFOLLOW_LINKS)) {
                    copied.cache().checkout(hash.get(), out.absolute(), copied.config().cacheTypes());
                }
            }
        }
    }

    /**
     * Sets one value in a YAML or JSON params file (created when missing) below {@code folder}: the dotted key's
     * mappings are created as needed, and the value is read as YAML ({@code 0.05} a number, {@code true} a boolean).
     */
    static void applyChange(Path folder, ParamChange change) {
        Path file = folder.resolve(change.file()).normalize();
        String lower = change.file().toLowerCase(Locale.ROOT);
        if (lower.endsWith(".toml") || lower.endsWith(".py")) {
            throw SlipwayException.invalidParameter("-S %s: only YAML and JSON params files can be changed",
                    change.text());
        }
        boolean json = lower.endsWith(".json");
        Map<String, Object> values = new LinkedHashMap<>();
        if (Files.isRegularFile(file)) {
            values.putAll(copy(ParamsFiles.load(file, change.file())));
        }
        Object value;
        try {
            value = change.value().isEmpty() ? "" : YAML.readValue(change.value(), Object.class);
        } catch (IOException e) {
            value = change.value();
        }
        Map<String, Object> parent = values;
        String[] segments = change.key().split("\\.");
        if (!values.containsKey(change.key())) {
            for (int i = 0; i < segments.length - 1; i++) {
                Object child = parent.get(segments[i]);
                if (!(child instanceof Map<?, ?>)) {
                    child = new LinkedHashMap<String, Object>();
                    parent.put(segments[i], child);
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> next = (Map<String, Object>) child;
                parent = next;
            }
            parent.put(segments[segments.length - 1], value);
        } else {
            values.put(change.key(), value);
        }
        try {
            Files.createDirectories(file.getParent());
            makeWritable(file);
            Files.writeString(file, json ? JSON.writerWithDefaultPrettyPrinter().writeValueAsString(values) + "\n"
                    : YAML.writeValueAsString(values), UTF_8);
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR, String.format("Cannot write '%s': %s", change.file(),
                    e.getMessage()), e);
        }
    }

    /** A mutable deep copy; ParamsFiles' marker of a present null becomes null again. */
    private static Map<String, Object> copy(Map<String, Object> values) {
        Map<String, Object> copy = new LinkedHashMap<>();
        values.forEach((key, value) -> copy.put(key, copyValue(value)));
        return copy;
    }

    private static Object copyValue(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, child) -> copy.put(String.valueOf(key), copyValue(child)));
            return copy;
        }
        if (value instanceof List<?> list) {
            return new ArrayList<>(list.stream().map(PipelineExperiments::copyValue).toList());
        }
        return value instanceof Enum<?> ? null : value;
    }

    private String relative(Path path) {
        return repository.root().toAbsolutePath().normalize().relativize(path.toAbsolutePath().normalize()).toString()
                .replace('\\', '/');
    }

    private static void makeWritable(Path file) {
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isWritable(file)) {
            file.toFile().setWritable(true);
        }
    }

    private static void copyTree(Path source, Path target) {
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path path : walk.toList()) {
                Path destination = target.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(destination);
                } else {
                    Files.createDirectories(destination.getParent());
                    Files.copy(path, destination, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path folder) {
        if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                path.toFile().setWritable(true);
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // a temporary copy left behind is only disk space
        }
    }

    private static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INVALID_STATE, String.format("Cannot read '%s': %s", file,
                    e.getMessage()), e);
        }
    }

    private static void write(Path file, JsonNode node) {
        try {
            Files.createDirectories(file.getParent());
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(temporary, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n", UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR, String.format("Cannot write '%s': %s", file,
                    e.getMessage()), e);
        }
    }
}
