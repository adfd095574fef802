package dev.slipway.store.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;

/** Plain JDBC connections to a backend URI, for tests that look at (or prepare) rows directly. */
final class TestConnections {
    private TestConnections() {}

    static Connection open(String uri) throws SQLException {
        BackendUri backend = BackendUri.parse(uri);
        Properties properties = new Properties();
        backend.user().ifPresent(user -> properties.setProperty("user", user));
        backend.password().ifPresent(password -> properties.setProperty("password", password));
        if (backend.dialect() == Dialect.SQLITE) {
            properties.setProperty("foreign_keys", "true");
            properties.setProperty("busy_timeout", "30000");
        }
        return DriverManager.getConnection(backend.jdbcUrl(), properties);
    }

    /** The single number the query returns. */
    static long count(String uri, String sql, Object... values) {
        try (Connection connection = open(uri); PreparedStatement statement = connection.prepareStatement(sql)) {
            Sql.bindAll(statement, List.of(values));
            try (ResultSet resultSet = statement.executeQuery()) {
                resultSet.next();
                return resultSet.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot run '" + sql + "'", e);
        }
    }

    static void execute(String uri, String sql, Object... values) {
        try (Connection connection = open(uri); PreparedStatement statement = connection.prepareStatement(sql)) {
            Sql.bindAll(statement, List.of(values));
            statement.execute();
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot run '" + sql + "'", e);
        }
    }
}
