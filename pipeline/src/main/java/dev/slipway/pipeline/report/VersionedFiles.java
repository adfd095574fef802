package dev.slipway.pipeline.report;

import java.util.Optional;

/**
 * The files of a DVC repository as one version has them: the workspace, or a Git revision. Paths are relative to
 * the repository root, {@code /}-separated. Implementations are not required to be thread-safe.
 */
public interface VersionedFiles {
    /** The version's name as reports show it: {@code workspace}, or the revision as the user gave it. */
    String name();

    /**
     * The content of a file, absent when this version has no such file.
     *
     * @throws dev.slipway.core.SlipwayException INTERNAL_ERROR when the file exists but cannot be read
     */
    Optional<byte[]> read(String path);

    /**
     * The files below a folder, recursively, as paths relative to the repository root, sorted; empty when this
     * version has no such folder.
     */
    java.util.List<String> filesUnder(String folder);
}
