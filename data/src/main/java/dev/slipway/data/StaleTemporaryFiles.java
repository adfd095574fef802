package dev.slipway.data;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The temporary files ({@code .<uuid>.tmp}) a killed or crashed process left in a cache: objects are
 * written under such a name and renamed, so one that has not been modified for a while is an abandoned
 * partial object. Files still being written are recent and are kept.
 */
public final class StaleTemporaryFiles {
    /** Longer than any pause between two writes to an object being stored. */
    public static final Duration DEFAULT_AGE = Duration.ofMinutes(15);
    private static final Pattern NAME =
            Pattern.compile("\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.tmp");

    private final Clock clock;
    private final Duration age;

    /**
     * @param age how long a temporary file must have gone unmodified to count as abandoned
     */
    public StaleTemporaryFiles(Clock clock, Duration age) {
        this.clock = requireNonNull(clock, "clock is null");
        this.age = requireNonNull(age, "age is null");
        if (age.isNegative()) {
            throw new IllegalArgumentException("age is negative: " + age);
        }
    }

    /**
     * The abandoned temporary files in the cache at {@code cacheRoot}: in {@code files/md5/}, its
     * two-hex-digit folders, and the DVC 2 layout's two-hex-digit folders. Sorted.
     *
     * @throws SlipwayException INTERNAL_ERROR naming a folder that cannot be listed
     */
    public List<Path> find(Path cacheRoot) {
        Instant cutoff = clock.instant().minus(age);
        List<Path> found = new ArrayList<>();
        Path md5 = cacheRoot.resolve("files").resolve("md5");
        collect(md5, cutoff, found);
        for (Path base : List.of(md5, cacheRoot)) {
            for (Path prefix : list(base)) {
                if (prefix.getFileName().toString().matches("[0-9a-f]{2}") && Files.isDirectory(prefix)) {
                    collect(prefix, cutoff, found);
                }
            }
        }
        found.sort(null);
        return List.copyOf(found);
    }

    /**
     * Removes {@link #find the abandoned temporary files}.
     *
     * @return the files removed
     */
    public List<Path> remove(Path cacheRoot) {
        List<Path> stale = find(cacheRoot);
        for (Path file : stale) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                        String.format("Cannot remove the abandoned temporary file '%s': %s", file, e.getMessage()), e);
            }
        }
        return stale;
    }

    private static void collect(Path folder, Instant cutoff, List<Path> found) {
        for (Path file : list(folder)) {
            if (!NAME.matcher(file.getFileName().toString()).matches() || !Files.isRegularFile(file)) {
                continue;
            }
            try {
                if (Files.getLastModifiedTime(file).toInstant().isBefore(cutoff)) {
                    found.add(file);
                }
            } catch (IOException e) {
                // removed meanwhile: its writer finished or gave up
            }
        }
    }

    private static List<Path> list(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(folder)) {
            return children.toList();
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot list '%s': %s", folder, e.getMessage()), e);
        }
    }
}
