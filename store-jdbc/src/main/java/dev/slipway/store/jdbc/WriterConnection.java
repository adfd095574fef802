package dev.slipway.store.jdbc;

import static java.util.Objects.requireNonNull;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The one connection through which a database with a single writer (SQLite) takes every write. Writers already take
 * turns on a lock, so one connection held open in manual-commit mode serves them all, and it keeps each prepared
 * statement for reuse: preparing, borrowing from the pool and switching auto-commit cost more than a small write
 * itself. Statements handed out are views whose {@code close()} only resets them. Not thread-safe: use under the
 * write lock.
 */
final class WriterConnection implements AutoCloseable {
    private final DataSource dataSource;
    private static final int MAX_CACHED_STATEMENTS = 64;

    /** Least recently used statements are closed once more than {@link #MAX_CACHED_STATEMENTS} are cached. */
    private final Map<String, PreparedStatement> statements = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
            if (size() <= MAX_CACHED_STATEMENTS) {
                return false;
            }
            try {
                eldest.getValue().close();
            } catch (SQLException e) {
                // closing a statement we no longer need: nothing to do about it
            }
            return true;
        }
    };
    private Connection connection;
    private Connection view;

    WriterConnection(DataSource dataSource) {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
    }

    /** The connection to run one transaction on, in manual-commit mode; its prepared statements are cached. */
    Connection acquire() throws SQLException {
        if (connection == null || connection.isClosed()) {
            reset();
            connection = dataSource.getConnection();
            connection.setAutoCommit(false);
            view = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, new ConnectionView());
        }
        return view;
    }

    /** Drops the connection and its statements, after a failure that may have broken them. */
    void reset() {
        for (PreparedStatement statement : statements.values()) {
            try {
                statement.close();
            } catch (SQLException e) {
                // the connection is being discarded anyway
            }
        }
        statements.clear();
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // already unusable
            }
        }
        connection = null;
        view = null;
    }

    @Override
    public void close() {
        reset();
    }

    private final class ConnectionView implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            if (name.equals("prepareStatement") && args != null && args.length == 1 && args[0] instanceof String sql) {
                PreparedStatement statement = statements.get(sql);
                if (statement == null || statement.isClosed()) {
                    statement = connection.prepareStatement(sql);
                    statements.put(sql, statement);
                }
                return reusable(statement);
            }
            if (name.equals("close")) {
                return null; // held for the next writer
            }
            if (name.equals("setAutoCommit")) {
                return null; // always manual commit
            }
            try {
                return method.invoke(connection, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    private static PreparedStatement reusable(PreparedStatement statement) {
        return (PreparedStatement) Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        statement.clearBatch();
                        statement.clearParameters();
                        return null;
                    }
                    try {
                        return method.invoke(statement, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
