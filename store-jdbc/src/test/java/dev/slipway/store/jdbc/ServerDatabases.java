package dev.slipway.store.jdbc;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.slipway.core.registry.RegistryStore;
import dev.slipway.core.tracking.TrackingStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Fresh databases on a PostgreSQL or MariaDB server named by an environment variable: each one is created through
 * the admin URI as {@code slipway_t_<random>} and dropped by {@link #dropAll()}.
 */
final class ServerDatabases {
    private final String adminUri;
    private final List<String> created = new ArrayList<>();

    private ServerDatabases(String adminUri) {
        this.adminUri = adminUri;
    }

    /** The server from the variable; skips the calling test class (a JUnit assumption) when it is not set. */
    static ServerDatabases fromEnvironment(String variable, String serverName) {
        String uri = System.getenv(variable);
        assumeTrue(uri != null && !uri.isBlank(), variable + " not set; " + serverName + " tests skipped");
        return new ServerDatabases(uri);
    }

    synchronized TrackingStore openEmptyStore() {
        return new JdbcTrackingStoreFactory().open(createDatabase());
    }

    synchronized RegistryStore openEmptyRegistryStore() {
        return new JdbcRegistryStoreFactory().open(createDatabase());
    }

    /** The URI of a new empty database, for tests that open several stores on one database. */
    synchronized String emptyDatabaseUri() {
        return createDatabase();
    }

    /** Creates an empty database and returns its URI. */
    private String createDatabase() {
        String database = "slipway_t_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        execute("CREATE DATABASE " + database);
        created.add(database);
        return adminUri.replaceFirst("^([^:]+://[^/]*/)[^?]*", "$1" + database);
    }

    synchronized void dropAll() {
        BackendUri admin = BackendUri.parse(adminUri);
        for (String database : created) {
            execute(switch (admin.dialect()) {
                case POSTGRESQL -> "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)";
                case MYSQL, SQLITE -> "DROP DATABASE IF EXISTS " + database;
            });
        }
        created.clear();
    }

    private void execute(String sql) {
        BackendUri admin = BackendUri.parse(adminUri);
        Properties properties = new Properties();
        admin.user().ifPresent(user -> properties.setProperty("user", user));
        admin.password().ifPresent(password -> properties.setProperty("password", password));
        try (Connection connection = DriverManager.getConnection(admin.jdbcUrl(), properties);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot run '" + sql + "' on " + BackendUri.redact(adminUri), e);
        }
    }
}
