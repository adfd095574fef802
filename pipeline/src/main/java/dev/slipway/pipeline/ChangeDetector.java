package dev.slipway.pipeline;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import dev.slipway.data.DvcOutput;
import dev.slipway.data.HashInfo;
import dev.slipway.data.HashName;
import dev.slipway.data.Repository;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides whether a stage changed since {@code dvc.lock} recorded it, with DVC's checks and words: the command,
 * then each dependency ({@code deleted}, {@code modified}) and params ({@code new}, {@code deleted},
 * {@code modified}), then each output ({@code not in cache}, {@code deleted}, {@code modified}). Also builds the
 * lock entry parts that describe the workspace now.
 *
 * <p>Thread-safe: calls into the (not thread-safe) repository are serialised on it.
 */
public final class ChangeDetector {
    private final Repository repository;

    public ChangeDetector(Repository repository) {
        this.repository = requireNonNull(repository, "repository is null");
    }

    /** The status of every stage of the pipeline, in file order, against its lock file. */
    public List<StageStatus> status(Pipeline pipeline) {
        Map<String, LockEntry> locked = LockFile.read(pipeline.lockFile(), lockName(pipeline));
        List<StageStatus> statuses = new ArrayList<>();
        for (Stage stage : pipeline.stages()) {
            statuses.add(status(pipeline, stage, Optional.ofNullable(locked.get(stage.name()))));
        }
        return List.copyOf(statuses);
    }

    static String lockName(Pipeline pipeline) {
        String display = pipeline.displayName();
        int slash = display.lastIndexOf('/');
        return (slash < 0 ? "" : display.substring(0, slash + 1)) + Pipeline.LOCK_FILE_NAME;
    }

    /** The status of one stage against its lock entry (absent when the stage never ran). */
    public StageStatus status(Pipeline pipeline, Stage stage, Optional<LockEntry> locked) {
        Map<String, Object> changedDeps = new LinkedHashMap<>();
        Optional<String> depReason = Optional.empty();
        if (!stage.frozen()) {
            Map<String, LockEntry.LockedPath> lockedDeps = byPath(locked.map(LockEntry::deps).orElse(List.of()));
            for (Stage.Dependency dep : stage.deps()) {
                Optional<String> word = pathStatus(dep.absolute(), dep.path(),
                        Optional.ofNullable(lockedDeps.get(dep.path())), false);
                if (word.isPresent()) {
                    changedDeps.put(dep.path(), word.get());
                    if (depReason.isEmpty()) {
                        depReason = Optional.of(String.format("dependency '%s' is %s", dep.path(), word.get()));
                    }
                }
            }
            for (Stage.ParamsDependency params : stage.params()) {
                Optional<Map<String, Object>> lockedValues = locked.map(LockEntry::params)
                        .map(values -> values.get(params.path()));
                Optional<Object> change = paramsStatus(pipeline, stage, params, lockedValues);
                if (change.isPresent()) {
                    changedDeps.put(params.path(), change.get());
                    if (depReason.isEmpty()) {
                        depReason = Optional.of(change.get() instanceof String word
                                ? String.format("params file '%s' is %s", params.path(), word)
                                : String.format("params of '%s' changed: %s", params.path(), change.get()));
                    }
                }
            }
        }
        Map<String, String> changedOuts = new LinkedHashMap<>();
        Optional<String> outReason = Optional.empty();
        Map<String, LockEntry.LockedPath> lockedOuts = byPath(locked.map(LockEntry::outs).orElse(List.of()));
        for (Stage.Output out : stage.outs()) {
            Optional<String> word = pathStatus(out.absolute(), out.path(),
                    Optional.ofNullable(lockedOuts.get(out.path())), out.cache());
            if (word.isPresent()) {
                changedOuts.put(out.path(), word.get());
                if (outReason.isEmpty()) {
                    outReason = Optional.of(String.format("output '%s' is %s", out.path(), word.get()));
                }
            }
        }
        boolean alwaysChanged = stage.alwaysChanged() || stage.isCallback();
        boolean changedCommand = locked.isPresent() && !Objects.equals(locked.get().cmd(), stage.cmd());
        Optional<String> reason;
        if (changedCommand) {
            reason = Optional.of("command changed");
        } else if (!stage.frozen() && alwaysChanged) {
            reason = Optional.of(stage.alwaysChanged() ? "it is always changed" : "it has no dependencies or outputs");
        } else if (depReason.isPresent()) {
            reason = depReason;
        } else {
            reason = outReason;
        }
        return new StageStatus(stage.name(), changedDeps, changedOuts, alwaysChanged, changedCommand, reason);
    }

    private Optional<String> pathStatus(java.nio.file.Path absolute, String path, Optional<LockEntry.LockedPath> locked,
            boolean cached) {
        Optional<HashInfo> recorded = locked.flatMap(LockEntry.LockedPath::hash);
        synchronized (repository) {
            if (recorded.isPresent() && cached && !repository.isInCache(recorded.get())) {
                return Optional.of("not in cache");
            }
            if (!Files.exists(absolute)) {
                return Optional.of("deleted");
            }
            if (recorded.isEmpty()) {
                return Optional.of("modified");
            }
            DvcOutput actual = repository.describe(absolute, path, recorded.get().name());
            return actual.hash().equals(recorded) ? Optional.empty() : Optional.of("modified");
        }
    }

    private Optional<Object> paramsStatus(Pipeline pipeline, Stage stage, Stage.ParamsDependency params,
            Optional<Map<String, Object>> locked) {
        if (!Files.isRegularFile(params.absolute())) {
            return Optional.of("deleted");
        }
        if (locked.isEmpty()) {
            return Optional.of("new");
        }
        Map<String, Object> actual = currentParams(pipeline, stage, params, false);
        Map<String, Object> info = locked.get();
        LinkedHashSet<String> keys = new LinkedHashSet<>(params.keys());
        if (params.wholeFile()) {
            keys.addAll(actual.keySet());
            keys.addAll(info.keySet());
        }
        Map<String, String> changes = new LinkedHashMap<>();
        for (String key : keys) {
            if (!actual.containsKey(key)) {
                changes.put(key, "deleted");
            } else if (!info.containsKey(key)) {
                changes.put(key, "new");
            } else if (!Objects.equals(PythonValues.normalize(actual.get(key)), PythonValues.normalize(info.get(key)))) {
                changes.put(key, "modified");
            }
        }
        return changes.isEmpty() ? Optional.empty() : Optional.of(changes);
    }

    /**
     * The values a params dependency names, now: the listed keys (dotted, missing ones left out unless
     * {@code requireAll}), or every top-level key of the file.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE when the file does not parse, or with {@code requireAll}
     *     when a key is missing
     */
    Map<String, Object> currentParams(Pipeline pipeline, Stage stage, Stage.ParamsDependency params, boolean requireAll) {
        String display = pipeline.root().relativize(params.absolute()).toString().replace('\\', '/');
        Map<String, Object> file = ParamsFiles.load(params.absolute(), display);
        Map<String, Object> values = new LinkedHashMap<>();
        if (params.wholeFile()) {
            file.forEach((key, value) -> values.put(key, PythonValues.normalize(value)));
            return values;
        }
        for (String key : params.keys()) {
            Optional<Object> value = ParamsFiles.lookup(file, key);
            if (value.isPresent()) {
                values.put(key, PythonValues.normalize(ParamsFiles.unwrap(value.get())));
            } else if (requireAll) {
                throw PipelineError.at(pipeline.displayName(), params.line(), Optional.of(stage.name()),
                        "parameter '%s' is missing from '%s'", key, display);
            }
        }
        return values;
    }

    /**
     * The lock entry for a stage's command, current dependencies and params, with the given outputs.
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST when a dependency is missing
     */
    LockEntry currentEntry(Pipeline pipeline, Stage stage, List<LockEntry.LockedPath> outs) {
        List<LockEntry.LockedPath> deps = new ArrayList<>();
        for (Stage.Dependency dep : stage.deps()) {
            deps.add(describe(dep.absolute(), dep.path()));
        }
        Map<String, Map<String, Object>> params = new LinkedHashMap<>();
        for (Stage.ParamsDependency param : stage.params()) {
            params.put(param.path(), currentParams(pipeline, stage, param, true));
        }
        return new LockEntry(stage.cmd(), deps, params, outs);
    }

    /** The current DVC 3 entry of a path. */
    LockEntry.LockedPath describe(java.nio.file.Path absolute, String path) {
        synchronized (repository) {
            if (!Files.exists(absolute)) {
                throw SlipwayException.notFound("'%s' does not exist", path);
            }
            return locked(repository.describe(absolute, path, HashName.MD5));
        }
    }

    static LockEntry.LockedPath locked(DvcOutput output) {
        return new LockEntry.LockedPath(output.path(), output.hash(), output.size(), output.fileCount(),
                output.executable());
    }

    private static Map<String, LockEntry.LockedPath> byPath(List<LockEntry.LockedPath> paths) {
        Map<String, LockEntry.LockedPath> map = new LinkedHashMap<>();
        paths.forEach(path -> map.put(path.path(), path));
        return map;
    }
}
