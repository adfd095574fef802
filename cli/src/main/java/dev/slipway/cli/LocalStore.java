package dev.slipway.cli;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code .slipway} folder of a working directory: the SQLite file {@code slipway.db} that both
 * {@code slipway server} and the CLI use when given no store, and the {@code artifacts} folder.
 */
final class LocalStore {
    static final String DIRECTORY = ".slipway";
    static final String DATABASE = "slipway.db";
    static final String ARTIFACTS = "artifacts";

    private LocalStore() {}

    static Path database(Path workingDirectory) {
        return workingDirectory.resolve(DIRECTORY).resolve(DATABASE);
    }

    static Path artifacts(Path workingDirectory) {
        return workingDirectory.resolve(DIRECTORY).resolve(ARTIFACTS);
    }

    /** {@code sqlite:///} followed by the absolute path, so {@code sqlite:////home/me/.slipway/slipway.db}. */
    static String sqliteUri(Path file) {
        return "sqlite:///" + file.toAbsolutePath().normalize();
    }

    /** The URI of the local store in the working directory, creating its folder if needed. */
    static String databaseUri(Path workingDirectory) {
        Path folder = workingDirectory.resolve(DIRECTORY);
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot create the folder '%s' of the local store: %s", folder, e.getMessage()), e);
        }
        return sqliteUri(database(workingDirectory));
    }
}
