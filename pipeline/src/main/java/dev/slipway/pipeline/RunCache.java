package dev.slipway.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * DVC's run-cache: for each (command, dependencies, params) combination seen, the lock entries it produced, at
 * {@code <cache>/runs/<key[0:2]>/<key>/<value>} (see {@link LockEntry#runCacheKey()}), each file holding the entry
 * as YAML. Thread-safe: entries are written under a temporary name and renamed.
 */
public final class RunCache {
    private final Path runs;

    /** @param cacheRoot the cache folder ({@code .dvc/cache}), whose {@code runs/} this reads and writes */
    public RunCache(Path cacheRoot) {
        this.runs = requireNonNull(cacheRoot, "cacheRoot is null").resolve("runs");
    }

    /**
     * Whether a stage's runs can be looked up: it has a command, at least one dependency and one output, no
     * {@code persist} output, and is not {@code always_changed}.
     */
    public static boolean eligible(Stage stage) {
        return !stage.alwaysChanged() && (!stage.deps().isEmpty() || !stage.params().isEmpty())
                && !stage.outs().isEmpty() && stage.outs().stream().noneMatch(Stage.Output::persist);
    }

    /** Whether a stage's runs are saved: eligible, and no plain output (not a metric or plot) is left out of the cache. */
    public static boolean savable(Stage stage) {
        return eligible(stage)
                && stage.outs().stream().noneMatch(out -> out.kind() == Stage.OutputKind.OUT && !out.cache());
    }

    /** The newest (by modification time) entry recorded for the key of {@code current}. */
    public Optional<LockEntry> lookup(LockEntry current) {
        String key = current.runCacheKey();
        Path folder = runs.resolve(key.substring(0, 2)).resolve(key);
        if (!Files.isDirectory(folder)) {
            return Optional.empty();
        }
        Optional<Path> newest;
        try (Stream<Path> files = Files.list(folder)) {
            newest = files.filter(Files::isRegularFile).filter(file -> !file.getFileName().toString().startsWith("."))
                    .max(Comparator.comparing(RunCache::modified));
        } catch (IOException e) {
            return Optional.empty();
        }
        if (newest.isEmpty()) {
            return Optional.empty();
        }
        try {
            String text = Files.readString(newest.get(), UTF_8);
            YamlNode node = YamlNode.parse(text, newest.get().toString());
            return node.isMap() ? Optional.of(LockFile.entry(node, newest.get().toString(), "run-cache"))
                    : Optional.empty();
        } catch (IOException | SlipwayException e) {
            return Optional.empty();
        }
    }

    /** Records {@code entry} (a stage that just ran); nothing when the same entry is already there. */
    public void save(LockEntry entry) {
        String key = entry.runCacheKey();
        Path file = runs.resolve(key.substring(0, 2)).resolve(key).resolve(entry.runCacheValue());
        if (Files.exists(file)) {
            return;
        }
        LockFile.writeAtomically(file, LockFile.entryToYaml(entry));
    }

    /** Every entry file, for tests and {@code gc}. */
    public List<Path> files() {
        if (!Files.isDirectory(runs)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(runs)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR, String.format("Cannot list '%s': %s", runs,
                    e.getMessage()), e);
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
