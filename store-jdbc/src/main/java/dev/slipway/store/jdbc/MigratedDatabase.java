package dev.slipway.store.jdbc;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * A connection pool on a backend URI whose schema (tracking and registry) has been migrated to the newest version.
 * The tracking and the registry store each open their own.
 */
record MigratedDatabase(HikariDataSource dataSource, Dialect dialect) {
    private static final int SQLITE_POOL_SIZE = 8;
    private static final int SERVER_POOL_SIZE = 10;

    MigratedDatabase {
        requireNonNull(dataSource, "dataSource is null");
        requireNonNull(dialect, "dialect is null");
    }

    /**
     * Creates the SQLite file's folders, opens a pool named after the purpose and applies the migrations.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE for a malformed URI, INTERNAL_ERROR when the database
     *     cannot be reached or migrated
     */
    static MigratedDatabase open(String uri, String purpose) {
        BackendUri backend = BackendUri.parse(uri);
        backend.sqliteFile().ifPresent(MigratedDatabase::createParentFolders);
        HikariDataSource dataSource = dataSource(uri, backend, purpose);
        try {
            migrate(dataSource, backend.dialect());
            return new MigratedDatabase(dataSource, backend.dialect());
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    private static HikariDataSource dataSource(String uri, BackendUri backend, String purpose) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("slipway-" + purpose + "-" + backend.dialect());
        config.setJdbcUrl(backend.jdbcUrl());
        backend.user().ifPresent(config::setUsername);
        backend.password().ifPresent(config::setPassword);
        switch (backend.dialect()) {
            case SQLITE -> {
                config.setMaximumPoolSize(SQLITE_POOL_SIZE);
                config.addDataSourceProperty("journal_mode", "WAL");
                // NORMAL in WAL mode survives a process kill; only an OS crash may lose the last commits.
                config.addDataSourceProperty("synchronous", "NORMAL");
                config.addDataSourceProperty("foreign_keys", "true");
                config.addDataSourceProperty("busy_timeout", "30000");
                config.addDataSourceProperty("temp_store", "MEMORY");
                config.addDataSourceProperty("cache_size", "-8192"); // KiB per connection
                // Checkpoint the WAL every ~40 MB rather than every 4 MB: fewer fsyncs on the write path (+7% logging
                // throughput measured); the file is truncated back to 64 MB at most after a checkpoint.
                config.addDataSourceProperty("wal_autocheckpoint", "10000");
                config.addDataSourceProperty("journal_size_limit", String.valueOf(64L * 1024 * 1024));
            }
            case POSTGRESQL, MYSQL -> config.setMaximumPoolSize(SERVER_POOL_SIZE);
        }
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    "Cannot connect to the backend store '" + BackendUri.redact(uri) + "': " + rootMessage(e), e);
        }
    }

    private static void migrate(HikariDataSource dataSource, Dialect dialect) {
        try {
            Flyway.configure(MigratedDatabase.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations(dialect.migrationLocation())
                    .placeholders(Map.of("binaryCollation", binaryCollation(dataSource, dialect)))
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    "Cannot migrate the schema: " + rootMessage(e), e);
        }
    }

    /**
     * The case-sensitive utf8mb4 collation of the server: MariaDB's {@code utf8mb4_nopad_bin} (no trailing-space
     * padding, so 'a' and 'a ' are different keys), MySQL 8's {@code utf8mb4_0900_bin}, else {@code utf8mb4_bin}.
     */
    private static String binaryCollation(HikariDataSource dataSource, Dialect dialect) {
        return switch (dialect) {
            case SQLITE, POSTGRESQL -> "";
            case MYSQL -> {
                try (Connection connection = dataSource.getConnection();
                        Statement statement = connection.createStatement();
                        ResultSet resultSet = statement.executeQuery("SELECT VERSION()")) {
                    resultSet.next();
                    String version = resultSet.getString(1);
                    if (version.contains("MariaDB")) {
                        yield "utf8mb4_nopad_bin";
                    }
                    yield Integer.parseInt(version.substring(0, version.indexOf('.'))) >= 8
                            ? "utf8mb4_0900_bin"
                            : "utf8mb4_bin";
                } catch (SQLException | RuntimeException e) {
                    throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                            "Cannot read the MySQL server version: " + rootMessage(e), e);
                }
            }
        };
    }

    private static void createParentFolders(Path file) {
        Path parent = file.getParent();
        if (parent == null) {
            return;
        }
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw SlipwayException.invalidParameter("Cannot create the folder '%s' of the SQLite database: %s", parent,
                    e.getMessage());
        }
    }

    private static String rootMessage(Throwable throwable) {
        Throwable root = throwable;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == throwable ? String.valueOf(throwable.getMessage())
                : throwable.getMessage() + " (" + root.getMessage() + ")";
    }
}
