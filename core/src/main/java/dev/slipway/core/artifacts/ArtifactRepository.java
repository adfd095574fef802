package dev.slipway.core.artifacts;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * A tree of artifact files under one root. Every {@code path} is relative to the root, uses '/'
 * separators and has already passed {@link ArtifactPaths#validate}; the empty path is the root.
 * Implementations are thread-safe. A write that returns normally is complete: readers never see a
 * partially written file.
 */
public interface ArtifactRepository {

    /** Stores the stream's bytes at the path, replacing any file there. */
    void put(String path, InputStream content) throws IOException;

    /** Opens the file for reading; absent if there is no file at the path. */
    Optional<InputStream> open(String path) throws IOException;

    /** The size of the file at the path; absent if there is no file there. */
    Optional<Long> size(String path) throws IOException;

    /**
     * The direct children of a directory, with paths relative to the root, sorted by path;
     * empty if the directory does not exist or the path is a file.
     */
    List<FileInfo> list(String path) throws IOException;

    /** Deletes the file or directory tree at the path; no-op if absent. */
    void delete(String path) throws IOException;

    /**
     * Multipart uploads that clients send straight to the store, when the store has them (S3 does); empty by
     * default, and then clients upload with {@link #put}.
     */
    default Optional<MultipartUploads> multipartUploads() {
        return Optional.empty();
    }
}
