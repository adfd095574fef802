package dev.slipway.core.artifacts;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** An entry of an artifact listing; {@code fileSize} is absent for directories. */
public record FileInfo(String path, boolean isDir, Optional<Long> fileSize) {
    public FileInfo {
        requireNonNull(path, "path is null");
        requireNonNull(fileSize, "fileSize is null");
    }
}
