package dev.slipway.data;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/** Replaces small files whole: readers see the old bytes or the new ones, never a mix or a truncated file. */
public final class AtomicFiles {
    private AtomicFiles() {}

    /**
     * Writes {@code bytes} to a temporary sibling ({@code .<random>.tmp}) and renames it over {@code file},
     * creating the folder when missing.
     *
     * @throws SlipwayException INTERNAL_ERROR naming the file if it cannot be written
     */
    public static void write(Path file, byte[] bytes) {
        Path temporary = file.resolveSibling("." + UUID.randomUUID() + ".tmp");
        try {
            Path folder = file.toAbsolutePath().getParent();
            if (folder != null) {
                Files.createDirectories(folder);
            }
            Files.write(temporary, bytes);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot write '%s': %s", file, e.getMessage()), e);
        } finally {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // nothing left to clean once the move succeeded
            }
        }
    }
}
