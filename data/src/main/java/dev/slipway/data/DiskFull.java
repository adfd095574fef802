package dev.slipway.data;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Recognises a write that failed because the disk is full, and says so with the folder that filled up. */
final class DiskFull {
    /** The text of ENOSPC, as the JDK reports it on Linux and macOS. */
    static final String NO_SPACE = "No space left on device";

    private DiskFull() {}

    /** Whether {@code failure} or one of its causes reports that the disk is full. */
    static boolean causedBy(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException && cause.getMessage() != null && cause.getMessage().contains(NO_SPACE)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The error for a full disk while storing {@code source} in the cache at {@code cacheRoot}, if that is
     * what {@code failure} reports.
     */
    static Optional<SlipwayException> whileStoring(Path source, Path cacheRoot, Throwable failure) {
        if (!causedBy(failure)) {
            return Optional.empty();
        }
        return Optional.of(new SlipwayException(ErrorCode.INTERNAL_ERROR, String.format(
                "%s: cannot store '%s' in the cache at '%s' (%s free); nothing was recorded for it. Free some "
                        + "space there, or set cache.dir to a larger disk, and run the command again",
                NO_SPACE, source, cacheRoot, freeSpace(cacheRoot)), failure));
    }

    /** The error for a full disk on the folder remote {@code name} at {@code root} while doing {@code action}. */
    static SlipwayException onRemote(String action, String name, String url, Path root, Throwable failure) {
        return new SlipwayException(ErrorCode.INTERNAL_ERROR, String.format(
                "%s on remote '%s' (%s): cannot %s (%s free in '%s'). Free some space there and run the command "
                        + "again; objects already sent are kept", NO_SPACE, name, url, action, freeSpace(root), root),
                failure);
    }

    private static String freeSpace(Path folder) {
        for (Path existing = folder; existing != null; existing = existing.getParent()) {
            if (Files.exists(existing)) {
                try {
                    return Files.getFileStore(existing).getUsableSpace() + " bytes";
                } catch (IOException e) {
                    return "unknown space";
                }
            }
        }
        return "unknown space";
    }
}
