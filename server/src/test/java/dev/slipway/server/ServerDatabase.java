package dev.slipway.server;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A fresh, empty database on the PostgreSQL or MariaDB server named by an environment variable
 * ({@code postgresql://user@host:port/db}, {@code mysql://user@host:port/db}), created through JDBC and dropped by
 * {@link #close()}.
 */
final class ServerDatabase implements AutoCloseable {
    private final String jdbcAdminUrl;
    private final String user;
    private final String password;
    private final boolean postgres;
    private final String name;
    private final String backendUri;

    private ServerDatabase(URI admin) throws SQLException {
        this.postgres = admin.getScheme().startsWith("postgres");
        this.jdbcAdminUrl = (postgres ? "jdbc:postgresql://" : "jdbc:mariadb://") + admin.getHost() + ":"
                + admin.getPort() + admin.getPath();
        String[] userInfo = admin.getUserInfo() == null ? new String[0] : admin.getUserInfo().split(":", 2);
        this.user = userInfo.length > 0 ? userInfo[0] : "";
        this.password = userInfo.length > 1 ? userInfo[1] : "";
        this.name = "slipway_srv_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        this.backendUri = admin.getScheme() + "://" + admin.getRawAuthority() + "/" + name;
        execute("CREATE DATABASE " + name);
    }

    /** A new database on the server of the variable; absent when the variable is not set. */
    static Optional<ServerDatabase> create(String variable) {
        String uri = System.getenv(variable);
        if (uri == null || uri.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ServerDatabase(URI.create(uri.trim())));
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create a database on the server of " + variable, e);
        }
    }

    /** The backend store URI of the new database. */
    String backendUri() {
        return backendUri;
    }

    @Override
    public void close() {
        try {
            execute(postgres ? "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)" : "DROP DATABASE IF EXISTS " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot drop database " + name, e);
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcAdminUrl, user, password);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
