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
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * A connection pool on a backend URI whose schema has been migrated to the newest version.
 *
 * <p>On PostgreSQL and MySQL every store of one process on the same URI shares one pool of
 * {@value #DEFAULT_SERVER_POOL_SIZE} connections ({@value #POOL_SIZE_VARIABLE} sets another size), closed when the last
 * of them closes it: a server opens a dozen stores, and a pool each would take the database's connections (PostgreSQL
 * allows 100 by default) from the replicas. On SQLite each store keeps its own pool, as each keeps a writer
 * connection of its own.
 */
record MigratedDatabase(HikariDataSource dataSource, Dialect dialect) {
    /** The environment variable that sets the size of the shared pool on PostgreSQL and MySQL. */
    static final String POOL_SIZE_VARIABLE = "SLIPWAY_DB_POOL_SIZE";
    static final int DEFAULT_SERVER_POOL_SIZE = 20;
    /** The version of the newest script in each dialect's migration folder (a test keeps the two in step). */
    static final int NEWEST_MIGRATION = 12;
    private static final int SQLITE_POOL_SIZE = 8;
    private static final Map<String, SharedPool> SHARED = new HashMap<>();
    private static final AtomicInteger POOL_NUMBER = new AtomicInteger();

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
        if (backend.dialect() == Dialect.SQLITE) {
            backend.sqliteFile().ifPresent(MigratedDatabase::createParentFolders);
            HikariConfig config = config(backend, "slipway-" + purpose + "-sqlite");
            return migrated(connect(uri, () -> new HikariDataSource(config)), backend.dialect());
        }
        synchronized (SHARED) {
            SharedPool shared = SHARED.get(uri);
            if (shared != null) {
                shared.users++;
                return new MigratedDatabase(shared, backend.dialect());
            }
            HikariConfig config = config(backend, "slipway-" + backend.dialect().name().toLowerCase(Locale.ROOT)
                    + "-" + POOL_NUMBER.incrementAndGet());
            SharedPool pool = connect(uri, () -> new SharedPool(config, uri));
            MigratedDatabase database = migrated(pool, backend.dialect());
            SHARED.put(uri, pool);
            return database;
        }
    }

    /** Opens the pool, which connects at once: an unreachable database is reported here. */
    private static <T extends HikariDataSource> T connect(String uri, Supplier<T> pool) {
        try {
            return pool.get();
        } catch (RuntimeException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    "Cannot connect to the backend store '" + BackendUri.redact(uri) + "': " + rootMessage(e), e);
        }
    }

    private static MigratedDatabase migrated(HikariDataSource dataSource, Dialect dialect) {
        try {
            migrate(dataSource, dialect);
            return new MigratedDatabase(dataSource, dialect);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    /**
     * A pool that several stores share: each {@link #close()} ends one store's use of it (a store closes it once),
     * and the last one closes the connections.
     */
    private static final class SharedPool extends HikariDataSource {
        private final String uri;
        /** The stores using the pool; it is in SHARED while there are any. Guarded by SHARED. */
        private int users = 1;

        SharedPool(HikariConfig config, String uri) {
            super(config);
            this.uri = uri;
        }

        @Override
        public void close() {
            synchronized (SHARED) {
                if (users > 1) {
                    users--;
                    return;
                }
                users = 0;
                SHARED.remove(uri, this);
            }
            super.close();
        }
    }

    private static HikariConfig config(BackendUri backend, String poolName) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(poolName);
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
            case POSTGRESQL, MYSQL -> config.setMaximumPoolSize(serverPoolSize());
        }
        return config;
    }

    private static int serverPoolSize() {
        String value = System.getenv(POOL_SIZE_VARIABLE);
        if (value == null || value.isBlank()) {
            return DEFAULT_SERVER_POOL_SIZE;
        }
        try {
            int size = Integer.parseInt(value.trim());
            if (size >= 1 && size <= 1_000) {
                return size;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw SlipwayException.invalidParameter("%s must be a number of connections from 1 to 1000, got '%s'",
                POOL_SIZE_VARIABLE, value);
    }

    private static void migrate(HikariDataSource dataSource, Dialect dialect) {
        if (upToDate(dataSource)) {
            return;
        }
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
     * Whether Flyway's history says every migration up to {@link #NEWEST_MIGRATION}, and none after it, was applied
     * and none failed: then there is nothing for Flyway to do, and starting it (it scans the jar for the scripts and
     * reads and checksums each one) took about a third of a second of every command on the local store. Anything
     * else (a new database, an older or newer schema, a failed migration, an unreadable history) goes to Flyway,
     * which migrates or says what is wrong.
     */
    static boolean upToDate(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet history = statement.executeQuery("SELECT version, success FROM flyway_schema_history")) {
            Set<Integer> applied = new HashSet<>();
            while (history.next()) {
                String version = history.getString(1);
                if (!history.getBoolean(2)) {
                    return false;
                }
                if (version != null) {
                    applied.add(Integer.parseInt(version.trim()));
                }
            }
            for (int version = 1; version <= NEWEST_MIGRATION; version++) {
                if (!applied.remove(version)) {
                    return false;
                }
            }
            return applied.isEmpty();
        } catch (SQLException | RuntimeException e) {
            return false;
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
