package dev.slipway.store.jdbc;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariDataSource;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Runs reads on the pool and writes as single transactions, the way {@link JdbcTrackingStore} does: on SQLite the
 * writers take turns on one lock and share one {@link WriterConnection}, elsewhere a write that lost a race (unique
 * key, deadlock, serialisation failure) is retried. Closes its use of the pool when closed. Thread-safe.
 */
final class Transactions implements AutoCloseable {
    private static final int MAX_ATTEMPTS = 12;
    private static final long MAX_RETRY_NANOS = 10_000_000_000L;

    private final HikariDataSource dataSource;
    private final Dialect dialect;
    private final Optional<Lock> writeLock;
    private final Optional<WriterConnection> writer;
    private final AtomicBoolean closed = new AtomicBoolean();

    Transactions(HikariDataSource dataSource, Dialect dialect) {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
        this.dialect = requireNonNull(dialect, "dialect is null");
        this.writeLock = dialect.serializesWriters() ? Optional.of(new ReentrantLock()) : Optional.empty();
        this.writer = dialect.serializesWriters() ? Optional.of(new WriterConnection(dataSource)) : Optional.empty();
    }

    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    Dialect dialect() {
        return dialect;
    }

    /** Runs the work on a pooled connection in auto-commit mode. */
    <T> T read(String action, SqlWork<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw databaseError(action, e);
        }
    }

    /** Runs the work in one transaction, retrying it from the start when it lost a race. */
    <T> T write(String action, SqlWork<T> work) {
        long start = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            writeLock.ifPresent(Lock::lock);
            try {
                if (writer.isPresent()) {
                    return writeOnSingleWriter(writer.get(), work);
                }
                try (Connection connection = dataSource.getConnection()) {
                    connection.setAutoCommit(false);
                    try {
                        T result = work.run(connection);
                        connection.commit();
                        return result;
                    } catch (SQLException | RuntimeException e) {
                        try {
                            connection.rollback();
                        } catch (SQLException rollbackFailure) {
                            e.addSuppressed(rollbackFailure);
                        }
                        throw e;
                    }
                }
            } catch (SQLException e) {
                // a write that waited out SQLite's busy timeout is not tried again
                if (attempt >= MAX_ATTEMPTS || !dialect.isRetryable(e) || System.nanoTime() - start > MAX_RETRY_NANOS) {
                    throw databaseError(action, e);
                }
            } finally {
                writeLock.ifPresent(Lock::unlock);
            }
            backOff(attempt);
        }
    }

    private static <T> T writeOnSingleWriter(WriterConnection writerConnection, SqlWork<T> work) throws SQLException {
        Connection connection = writerConnection.acquire();
        try {
            T result = work.run(connection);
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
                writerConnection.reset();
            }
            if (e instanceof SQLException) {
                writerConnection.reset();
            }
            throw e;
        }
    }

    /** Waits a little, randomly, so that transactions that collided do not collide again at once. */
    private static void backOff(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, 10L * attempt + 2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SlipwayException(ErrorCode.TEMPORARILY_UNAVAILABLE, "Interrupted while retrying a write");
        }
    }

    private static SlipwayException databaseError(String action, SQLException e) {
        boolean busy = e instanceof SQLTransientConnectionException
                || (e instanceof SQLiteException sqlite && (sqlite.getResultCode() == SQLiteErrorCode.SQLITE_BUSY
                || sqlite.getResultCode() == SQLiteErrorCode.SQLITE_LOCKED));
        ErrorCode code = busy ? ErrorCode.TEMPORARILY_UNAVAILABLE : ErrorCode.INTERNAL_ERROR;
        return new SlipwayException(code, "Database error while " + action + ": " + e.getMessage(), e);
    }

    /** Ends this store's use of the pool (which other stores may share); a second call does nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        writeLock.ifPresent(Lock::lock);
        try {
            writer.ifPresent(WriterConnection::close);
        } finally {
            writeLock.ifPresent(Lock::unlock);
        }
        dataSource.close();
    }
}
