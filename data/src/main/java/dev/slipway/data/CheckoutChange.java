package dev.slipway.data;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * One output that {@code checkout} (or {@code pull}) changed in the workspace, as {@code dvc checkout} lists it:
 * {@code A} when it was absent, {@code M} when it was there with other content.
 *
 * @param dvcFile the pointer file that records the output
 * @param path the output's path as the pointer file writes it (relative to the pointer file's folder)
 * @param directory whether the output is a folder (DVC prints it with a trailing '/')
 */
public record CheckoutChange(Path dvcFile, String path, Kind kind, boolean directory) {
    /** What happened to the output. */
    public enum Kind {
        /** It did not exist in the workspace and was created. */
        ADDED("A"),
        /** It existed with other content (or, for a folder, other or extra files) and was replaced. */
        MODIFIED("M");

        private final String letter;

        Kind(String letter) {
            this.letter = letter;
        }

        /** DVC's letter for it: {@code A} or {@code M}. */
        public String letter() {
            return letter;
        }
    }

    public CheckoutChange {
        requireNonNull(dvcFile, "dvcFile is null");
        requireNonNull(path, "path is null");
        requireNonNull(kind, "kind is null");
    }
}
