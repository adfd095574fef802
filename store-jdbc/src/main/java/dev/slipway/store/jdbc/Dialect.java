package dev.slipway.store.jdbc;

import dev.slipway.core.search.Literal;
import dev.slipway.core.search.Operator;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** What differs between the SQL databases the store supports. */
enum Dialect {
    SQLITE,
    POSTGRESQL,
    MYSQL;

    /** Number of leading characters of a param or tag value that the (name, value) search index holds. */
    static final int INDEXED_VALUE_PREFIX = 200;

    /** The PostgreSQL advisory lock key of experiment id allocation (the ASCII bytes of "slipwa"). */
    private static final long EXPERIMENT_ID_LOCK = 0x736c69707761L;

    /** The Flyway location of this database's migrations. */
    String migrationLocation() {
        String folder = switch (this) {
            case SQLITE -> "sqlite";
            case POSTGRESQL -> "postgresql";
            case MYSQL -> "mysql";
        };
        return "classpath:db/migration/" + folder;
    }

    /** An INSERT of one row that silently skips rows whose key already exists. */
    String insertIgnoringDuplicates(String table, List<String> columns) {
        return switch (this) {
            case SQLITE, POSTGRESQL -> insert(table, columns) + " ON CONFLICT DO NOTHING";
            case MYSQL -> "INSERT IGNORE" + insert(table, columns).substring("INSERT".length());
        };
    }

    /** An INSERT of one row that overwrites {@code updatedColumns} when a row with the key exists. */
    String upsert(String table, List<String> columns, List<String> keyColumns, List<String> updatedColumns) {
        StringBuilder sql = new StringBuilder(insert(table, columns));
        switch (this) {
            case SQLITE, POSTGRESQL -> {
                sql.append(" ON CONFLICT (").append(String.join(", ", keyColumns)).append(") DO UPDATE SET ");
                for (int index = 0; index < updatedColumns.size(); index++) {
                    String column = updatedColumns.get(index);
                    sql.append(index == 0 ? "" : ", ").append(column).append(" = excluded.").append(column);
                }
            }
            case MYSQL -> {
                sql.append(" ON DUPLICATE KEY UPDATE ");
                for (int index = 0; index < updatedColumns.size(); index++) {
                    String column = updatedColumns.get(index);
                    sql.append(index == 0 ? "" : ", ").append(column).append(" = VALUES(").append(column).append(')');
                }
            }
        }
        return sql.toString();
    }

    /**
     * Whether an upsert can carry a condition on the existing row ({@code ON CONFLICT ... DO UPDATE ... WHERE});
     * MySQL cannot, so the store inserts missing rows and updates older ones in two statements.
     */
    boolean hasConditionalUpsert() {
        return switch (this) {
            case SQLITE, POSTGRESQL -> true;
            case MYSQL -> false;
        };
    }

    /**
     * Takes, in the connection's transaction, the lock that makes experiment creations (and gc's removals of
     * experiments) take turns until commit, so that each computes a different next id: an advisory lock on
     * PostgreSQL, a lock on the highest id row on MySQL; SQLite writers already take turns.
     */
    void lockExperimentIds(Connection connection) throws SQLException {
        String lock = switch (this) {
            case SQLITE -> null;
            case POSTGRESQL -> "SELECT pg_advisory_xact_lock(" + EXPERIMENT_ID_LOCK + ")";
            case MYSQL -> "SELECT experiment_id FROM experiments ORDER BY experiment_id DESC LIMIT 1 FOR UPDATE";
        };
        if (lock != null) {
            try (PreparedStatement statement = connection.prepareStatement(lock)) {
                statement.executeQuery().close();
            }
        }
    }

    /**
     * The join keyword that makes the planner keep the written join order ({@code CROSS JOIN} on SQLite,
     * {@code STRAIGHT_JOIN} on MySQL). Used to start a search at the metric index that yields the requested order,
     * which the planners do not always choose with bound parameters. PostgreSQL chooses well by itself.
     */
    Optional<String> joinInWrittenOrder() {
        return switch (this) {
            case SQLITE -> Optional.of("CROSS JOIN");
            case MYSQL -> Optional.of("STRAIGHT_JOIN");
            case POSTGRESQL -> Optional.empty();
        };
    }

    /**
     * Whether an ORDER BY whose leading term comes from an index but whose tie-breakers do not makes the database
     * sort every matching row (MySQL), instead of sorting incrementally along the index (SQLite, PostgreSQL).
     */
    boolean sortsWholeResults() {
        return switch (this) {
            case MYSQL -> true;
            case SQLITE, POSTGRESQL -> false;
        };
    }

    /**
     * What a logging transaction appends to its read of the run so that the run cannot be removed before the
     * commit: PostgreSQL's metrics table has no foreign key (see its migration), so the run row is locked instead.
     */
    String runLockForLogging() {
        return switch (this) {
            case POSTGRESQL -> " FOR KEY SHARE";
            case SQLITE, MYSQL -> "";
        };
    }

    /**
     * What a read in a write transaction appends to lock the rows it reads until the commit; SQLite's writers already
     * take turns.
     */
    String lockForUpdate() {
        return switch (this) {
            case SQLITE -> "";
            case POSTGRESQL, MYSQL -> " FOR UPDATE";
        };
    }

    /**
     * A DELETE of at most a chunk of the rows of {@code table} whose {@code column} equals the first parameter; the
     * second parameter is the chunk size. {@code keyColumns} are the table's primary key; when {@code column} leads
     * an index, each chunk is found without reading the table.
     */
    String deleteChunk(String table, String column, List<String> keyColumns) {
        String keys = String.join(", ", keyColumns);
        return switch (this) {
            case SQLITE -> "DELETE FROM " + table + " WHERE (" + keys + ") IN (SELECT " + keys + " FROM " + table
                    + " WHERE " + column + " = ? LIMIT ?)";
            case POSTGRESQL -> "DELETE FROM " + table + " WHERE ctid = ANY(ARRAY(SELECT ctid FROM " + table
                    + " WHERE " + column + " = ? LIMIT ?))";
            case MYSQL -> "DELETE FROM " + table + " WHERE " + column + " = ? ORDER BY " + keys + " LIMIT ?";
        };
    }

    /** Whether writers must be serialised inside the JVM (SQLite allows one writer per file). */
    boolean serializesWriters() {
        return switch (this) {
            case SQLITE -> true;
            case POSTGRESQL, MYSQL -> false;
        };
    }

    /** Whether a streaming cursor needs autocommit off (PostgreSQL fetches everything otherwise). */
    boolean streamingNeedsTransaction() {
        return switch (this) {
            case POSTGRESQL -> true;
            case SQLITE, MYSQL -> false;
        };
    }

    /**
     * Statements run in the transaction of a streaming history read. PostgreSQL plans a run's whole history as
     * a sequential scan plus a sort (spilling to disk, first row after the sort); without sorts the plan is an
     * (index-only) scan of the metrics key, which yields the points in order from the first row on.
     */
    List<String> streamingSettings() {
        return switch (this) {
            case POSTGRESQL -> List.of("SET LOCAL enable_sort = off", "SET LOCAL enable_seqscan = off",
                    "SET LOCAL enable_bitmapscan = off");
            case SQLITE, MYSQL -> List.of();
        };
    }

    /** The JDBC fetch size of a streaming query; SQLite steps through rows anyway. */
    int streamingFetchSize() {
        return switch (this) {
            case SQLITE -> 0;
            case POSTGRESQL, MYSQL -> 10_000;
        };
    }

    /**
     * Appends a comparison of a string column with a literal: {@code = != LIKE ILIKE IN NOT IN}.
     * LIKE is case-sensitive everywhere (SQLite's LIKE is not, so it becomes GLOB); ILIKE is case-insensitive.
     */
    void appendStringComparison(Sql sql, String column, Operator operator, Literal value) {
        switch (operator) {
            case EQ -> sql.append(column).append(" = ").bind(text(value));
            case NE -> sql.append(column).append(" <> ").bind(text(value));
            case LIKE -> {
                switch (this) {
                    case SQLITE -> sql.append(column).append(" GLOB ").bind(likeToGlob(text(value)));
                    case POSTGRESQL, MYSQL -> sql.append(column).append(" LIKE ").bind(text(value));
                }
            }
            case ILIKE -> {
                switch (this) {
                    case POSTGRESQL -> sql.append(column).append(" ILIKE ").bind(text(value));
                    case SQLITE, MYSQL -> sql.append("LOWER(").append(column).append(") LIKE LOWER(").bind(text(value))
                            .append(")");
                }
            }
            case IN -> sql.append(column).append(" IN ").bindList(list(value));
            case NOT_IN -> sql.append(column).append(" NOT IN ").bindList(list(value));
            case GT, GE, LT, LE -> throw new IllegalArgumentException(
                    "Operator " + operator.symbol() + " does not apply to strings");
        }
    }

    /**
     * Appends a comparison of a param or tag value. On PostgreSQL the search index holds a prefix of the value
     * (long values do not fit a B-tree entry), so equality also compares that prefix to let the index serve it.
     */
    void appendIndexedValueComparison(Sql sql, String column, Operator operator, Literal value) {
        if (this == POSTGRESQL && operator == Operator.EQ) {
            sql.append("left(").append(column).append(", " + INDEXED_VALUE_PREFIX + ") = left(").bind(text(value))
                    .append(", " + INDEXED_VALUE_PREFIX + ") AND ");
        }
        appendStringComparison(sql, column, operator, value);
    }

    /**
     * Whether retrying the transaction may succeed: a unique-key race, a deadlock, a serialisation failure, or (SQLite)
     * a stale snapshot.
     */
    boolean isRetryable(SQLException exception) {
        for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sqlException && isRetryableCode(sqlException)) {
                return true;
            }
        }
        return false;
    }

    private boolean isRetryableCode(SQLException exception) {
        String state = exception.getSQLState() == null ? "" : exception.getSQLState();
        return switch (this) {
            // SQLITE_BUSY without waiting: another connection to the file (another store of this process, such as
            // the audit log's writer, or another process) committed between this transaction's first read and its
            // first write, and SQLite refuses to upgrade the stale snapshot (SQLITE_BUSY_SNAPSHOT): start again
            case SQLITE -> exception instanceof SQLiteException sqlite
                    && (sqlite.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE
                    || sqlite.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY
                    || sqlite.getResultCode() == SQLiteErrorCode.SQLITE_BUSY
                    || sqlite.getResultCode() == SQLiteErrorCode.SQLITE_BUSY_SNAPSHOT);
            case POSTGRESQL -> state.equals("23505") || state.equals("40001") || state.equals("40P01");
            case MYSQL -> exception.getErrorCode() == 1062 || exception.getErrorCode() == 1213
                    || exception.getErrorCode() == 1205 || state.equals("40001");
        };
    }

    /** Translates a LIKE pattern ({@code %}, {@code _}) to SQLite's case-sensitive GLOB syntax. */
    static String likeToGlob(String pattern) {
        StringBuilder glob = new StringBuilder(pattern.length() + 8);
        for (int index = 0; index < pattern.length(); index++) {
            char c = pattern.charAt(index);
            switch (c) {
                case '%' -> glob.append('*');
                case '_' -> glob.append('?');
                case '*', '?', '[' -> glob.append('[').append(c).append(']');
                default -> glob.append(c);
            }
        }
        return glob.toString();
    }

    private static String insert(String table, List<String> columns) {
        return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                + String.join(", ", Collections.nCopies(columns.size(), "?")) + ")";
    }

    private static String text(Literal value) {
        if (value instanceof Literal.Text text) {
            return text.value();
        }
        if (value instanceof Literal.Number number) {
            return number.text();
        }
        throw new IllegalArgumentException("Expected a string value, got a list");
    }

    private static List<String> list(Literal value) {
        if (value instanceof Literal.TextList list) {
            return list.values();
        }
        return List.of(text(value));
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
