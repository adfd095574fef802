package dev.slipway.data;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/** How one output of a {@code .dvc} file differs from what the file records (as {@code dvc status} reports). */
public record OutputStatus(Path dvcFile, String path, Change change) {
    /** The kinds of difference, with DVC's words. */
    public enum Change {
        /** The workspace content hashes differently from the recorded hash (or nothing is recorded). */
        MODIFIED("modified"),
        /** The output is missing from the workspace. */
        DELETED("deleted"),
        /** A hash is recorded but its object (or one a folder lists) is missing from the cache. */
        NOT_IN_CACHE("not in cache");

        private final String dvcWord;

        Change(String dvcWord) {
            this.dvcWord = dvcWord;
        }

        public String dvcWord() {
            return dvcWord;
        }
    }

    public OutputStatus {
        requireNonNull(dvcFile, "dvcFile is null");
        requireNonNull(path, "path is null");
        requireNonNull(change, "change is null");
    }
}
