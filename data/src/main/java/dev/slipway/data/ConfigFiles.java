package dev.slipway.data;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where the config file of each {@link ConfigLevel} is, as DVC finds them on Linux: system
 * {@code $DVC_SYSTEM_CONFIG_DIR/config}, else {@code <first of $XDG_CONFIG_DIRS, or /etc/xdg>/dvc/config}; global
 * {@code $DVC_GLOBAL_CONFIG_DIR/config}, else {@code <$XDG_CONFIG_HOME, or $HOME/.config>/dvc/config}; repo
 * {@code .dvc/config}; local {@code .dvc/config.local}. A level may be absent (no home folder, or turned off).
 */
public record ConfigFiles(Optional<Path> system, Optional<Path> global, Path repo, Path local) {
    public ConfigFiles {
        requireNonNull(system, "system is null");
        requireNonNull(global, "global is null");
        requireNonNull(repo, "repo is null");
        requireNonNull(local, "local is null");
    }

    /** Only the repository's two files, as when no system or global config applies. */
    public static ConfigFiles repositoryOnly(Path dvcFolder) {
        return new ConfigFiles(Optional.empty(), Optional.empty(), dvcFolder.resolve("config"),
                dvcFolder.resolve("config.local"));
    }

    /**
     * The four files for the repository whose {@code .dvc/} is {@code dvcFolder}, the user levels found from
     * {@code environment} (the process's variables, or a test's).
     */
    public static ConfigFiles of(Path dvcFolder, Map<String, String> environment) {
        return userLevels(environment).withRepository(dvcFolder);
    }

    /**
     * The system and global files found from {@code environment}, for use outside a repository: the repository
     * levels name {@code .dvc/} relative to the working directory until {@link #withRepository} places them.
     */
    public static ConfigFiles userLevels(Map<String, String> environment) {
        Optional<Path> system = variable(environment, "DVC_SYSTEM_CONFIG_DIR").map(Path::of)
                .or(() -> Optional.of(variable(environment, "XDG_CONFIG_DIRS")
                        .map(dirs -> dirs.split(":")[0]).filter(dir -> !dir.isBlank()).map(Path::of)
                        .orElse(Path.of("/etc/xdg")).resolve("dvc")))
                .map(folder -> folder.resolve("config"));
        Optional<Path> global = variable(environment, "DVC_GLOBAL_CONFIG_DIR").map(Path::of)
                .or(() -> variable(environment, "XDG_CONFIG_HOME").map(folder -> Path.of(folder).resolve("dvc")))
                .or(() -> variable(environment, "HOME").map(home -> Path.of(home).resolve(".config/dvc")))
                .map(folder -> folder.resolve("config"));
        Path none = Path.of(".dvc");
        return new ConfigFiles(system, global, none.resolve("config"), none.resolve("config.local"));
    }

    /** These user levels with the repository's files in {@code dvcFolder}. */
    public ConfigFiles withRepository(Path dvcFolder) {
        return new ConfigFiles(system, global, dvcFolder.resolve("config"), dvcFolder.resolve("config.local"));
    }

    /**
     * The file of {@code level}.
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST if that level has no file here (e.g. no home folder)
     */
    public Path file(ConfigLevel level) {
        return switch (level) {
            case SYSTEM -> system.orElseThrow(() -> SlipwayException.notFound("No system DVC config folder is known"));
            case GLOBAL -> global.orElseThrow(() -> SlipwayException.notFound(
                    "No global DVC config folder is known: set HOME, XDG_CONFIG_HOME or DVC_GLOBAL_CONFIG_DIR"));
            case REPO -> repo;
            case LOCAL -> local;
        };
    }

    /** The settings of one level's file (empty when it does not exist). */
    public DvcConfig load(ConfigLevel level) {
        return switch (level) {
            case SYSTEM -> system.map(DvcConfig::load).orElse(DvcConfig.empty());
            case GLOBAL -> global.map(DvcConfig::load).orElse(DvcConfig.empty());
            case REPO -> DvcConfig.load(repo);
            case LOCAL -> DvcConfig.load(local);
        };
    }

    /** Every level's settings merged, later levels overriding earlier ones, read now. */
    public DvcConfig merged() {
        DvcConfig merged = DvcConfig.empty();
        for (ConfigLevel level : ConfigLevel.values()) {
            merged = merged.overriddenBy(load(level));
        }
        return merged;
    }

    /** The user levels only (system, then global), for commands run outside a repository. */
    public DvcConfig mergedUserLevels() {
        return load(ConfigLevel.SYSTEM).overriddenBy(load(ConfigLevel.GLOBAL));
    }

    private static Optional<String> variable(Map<String, String> environment, String name) {
        return Optional.ofNullable(environment.get(name)).map(String::trim).filter(value -> !value.isEmpty());
    }
}
