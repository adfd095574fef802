package dev.slipway.pipeline;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One resolved stage of a {@code dvc.yaml}: templating done, a {@code foreach}/{@code matrix} item expanded into
 * its own stage named {@code name@key}. Paths are as written (relative to {@code wdir}) and absolute.
 *
 * @param name the stage's name in {@code dvc.yaml} and {@code dvc.lock}
 * @param address how DVC addresses it ({@code DVC_STAGE}): the name, prefixed by {@code <dvc.yaml path>:} when the
 *     file is not at the repository's top
 * @param cmd the command as the lock records it: a String or a List of Strings
 * @param commands the command lines, run one after another
 * @param wdir the absolute working folder
 * @param line the line of the stage's definition in {@code dvc.yaml}
 */
public record Stage(String name, String address, Object cmd, List<String> commands, Path wdir,
        List<Dependency> deps, List<ParamsDependency> params, List<Output> outs, boolean frozen,
        boolean alwaysChanged, Optional<String> desc, int line) {
    public Stage {
        requireNonNull(name, "name is null");
        requireNonNull(address, "address is null");
        requireNonNull(cmd, "cmd is null");
        commands = List.copyOf(commands);
        requireNonNull(wdir, "wdir is null");
        deps = List.copyOf(deps);
        params = List.copyOf(params);
        outs = List.copyOf(outs);
        requireNonNull(desc, "desc is null");
    }

    /** A file or folder the stage reads. */
    public record Dependency(String path, Path absolute, int line) {
        public Dependency {
            requireNonNull(path, "path is null");
            requireNonNull(absolute, "absolute is null");
        }
    }

    /**
     * Parameters the stage reads from a params file: the listed keys (dotted paths), or the whole file when
     * {@code keys} is empty.
     */
    public record ParamsDependency(String path, Path absolute, List<String> keys, int line) {
        public ParamsDependency {
            requireNonNull(path, "path is null");
            requireNonNull(absolute, "absolute is null");
            keys = List.copyOf(keys);
        }

        public boolean wholeFile() {
            return keys.isEmpty();
        }
    }

    /** What kind of output list an output was declared in. */
    public enum OutputKind {
        OUT, METRIC, PLOT
    }

    /**
     * A file or folder the stage writes.
     *
     * @param cache stored in the cache (false: left to Git)
     * @param persist kept (not removed) before the stage runs
     */
    public record Output(String path, Path absolute, OutputKind kind, boolean cache, boolean persist, int line) {
        public Output {
            requireNonNull(path, "path is null");
            requireNonNull(absolute, "absolute is null");
            requireNonNull(kind, "kind is null");
        }
    }

    /** DVC's callback stage: a command with neither deps nor outs, which always runs. */
    public boolean isCallback() {
        return deps.isEmpty() && params.isEmpty() && outs.isEmpty();
    }

    /** Every path the stage reads: its deps and its params files. */
    public List<Path> inputs() {
        java.util.List<Path> inputs = new java.util.ArrayList<>();
        deps.forEach(dep -> inputs.add(dep.absolute()));
        params.forEach(param -> inputs.add(param.absolute()));
        return List.copyOf(inputs);
    }
}
