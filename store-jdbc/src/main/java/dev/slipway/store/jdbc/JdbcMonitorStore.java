package dev.slipway.store.jdbc;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.monitors.ActionCount;
import dev.slipway.core.monitors.MonitorAction;
import dev.slipway.core.monitors.MonitorResult;
import dev.slipway.core.monitors.MonitorStatus;
import dev.slipway.core.monitors.MonitorStore;
import dev.slipway.core.monitors.StoredMonitor;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A {@link MonitorStore} over SQLite, PostgreSQL or MySQL/MariaDB, in the tables {@code monitors},
 * {@code monitor_results}, {@code monitor_actions} and {@code leases} (migration V7).
 *
 * <p>Adding a result or an action reads the monitor's row locked for update in the same transaction, so that it
 * cannot interleave with {@link #deleteMonitor}, which deletes the monitor row first and then its results, actions
 * and the lease named {@value #MONITOR_LEASE_PREFIX}{@code <name>} (the name the scheduler gives a monitor's lease).
 * Leases are {@link JdbcLeases}. Thread-safe; shares the {@link Transactions} of the prediction log, which owns it.
 */
final class JdbcMonitorStore implements MonitorStore {
    /** The prefix of the lease name under which the scheduler evaluates a monitor. */
    static final String MONITOR_LEASE_PREFIX = "monitor:";

    private static final String SELECT_MONITOR = "SELECT name, definition, creation_time_ms, last_update_time_ms "
            + "FROM monitors";
    private static final String INSERT_MONITOR = "INSERT INTO monitors (name, definition, creation_time_ms, "
            + "last_update_time_ms) VALUES (?, ?, ?, ?)";
    private static final String UPDATE_MONITOR = "UPDATE monitors SET definition = ?, last_update_time_ms = ? "
            + "WHERE name = ?";
    private static final String INSERT_RESULT = "INSERT INTO monitor_results (monitor_name, time_ms, "
            + "window_start_ms, window_end_ms, row_count, status, dataset_drift, drift_share, report) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String SELECT_RESULTS = "SELECT result_id, monitor_name, time_ms, window_start_ms, "
            + "window_end_ms, row_count, status, dataset_drift, drift_share, report FROM monitor_results "
            + "WHERE monitor_name = ? ORDER BY time_ms DESC, result_id DESC LIMIT ?";
    private static final String INSERT_ACTION = "INSERT INTO monitor_actions (monitor_name, result_id, time_ms, "
            + "rule, cause, kind, target, succeeded, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String SELECT_ACTIONS = "SELECT action_id, monitor_name, result_id, time_ms, rule, cause, "
            + "kind, target, succeeded, detail FROM monitor_actions";

    private final Transactions transactions;
    private final String lockMonitor;
    private final JdbcLeases leases;

    JdbcMonitorStore(Transactions transactions) {
        this.transactions = requireNonNull(transactions, "transactions is null");
        this.lockMonitor = "SELECT name FROM monitors WHERE name = ?" + transactions.dialect().lockForUpdate();
        this.leases = new JdbcLeases(transactions);
    }

    @Override
    public StoredMonitor putMonitor(String name, String definitionJson, long time, boolean replace) {
        requireNonNull(name, "name is null");
        requireNonNull(definitionJson, "definitionJson is null");
        return transactions.write("storing monitor '" + name + "'", connection -> {
            Optional<StoredMonitor> stored = selectMonitor(connection, name, true);
            if (stored.isPresent() && !replace) {
                throw SlipwayException.alreadyExists("Monitor '%s' already exists; set 'replace' to replace it", name);
            }
            if (stored.isPresent()) {
                try (PreparedStatement update = connection.prepareStatement(UPDATE_MONITOR)) {
                    update.setString(1, definitionJson);
                    update.setLong(2, time);
                    update.setString(3, name);
                    update.executeUpdate();
                }
                return new StoredMonitor(name, definitionJson, stored.get().creationTime(), time);
            }
            // Two first creations collide on the key here; the loser's transaction is retried and then updates (or,
            // without replace, fails as the monitor exists).
            try (PreparedStatement insert = connection.prepareStatement(INSERT_MONITOR)) {
                insert.setString(1, name);
                insert.setString(2, definitionJson);
                insert.setLong(3, time);
                insert.setLong(4, time);
                insert.executeUpdate();
            }
            return new StoredMonitor(name, definitionJson, time, time);
        });
    }

    @Override
    public Optional<StoredMonitor> getMonitor(String name) {
        requireNonNull(name, "name is null");
        return transactions.read("reading monitor '" + name + "'", connection -> selectMonitor(connection, name,
                false));
    }

    @Override
    public List<StoredMonitor> listMonitors() {
        return transactions.read("listing monitors", connection -> {
            List<StoredMonitor> monitors = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(SELECT_MONITOR + " ORDER BY name");
                    ResultSet resultSet = select.executeQuery()) {
                while (resultSet.next()) {
                    monitors.add(monitor(resultSet));
                }
            }
            return List.copyOf(monitors);
        });
    }

    @Override
    public boolean deleteMonitor(String name) {
        requireNonNull(name, "name is null");
        return transactions.write("deleting monitor '" + name + "'", connection -> {
            // The monitor row goes first: its lock makes concurrent additions wait, then find no monitor.
            if (delete(connection, "DELETE FROM monitors WHERE name = ?", name) == 0) {
                return false;
            }
            delete(connection, "DELETE FROM monitor_results WHERE monitor_name = ?", name);
            delete(connection, "DELETE FROM monitor_actions WHERE monitor_name = ?", name);
            delete(connection, "DELETE FROM leases WHERE name = ?", MONITOR_LEASE_PREFIX + name);
            return true;
        });
    }

    @Override
    public MonitorResult addResult(MonitorResult result) {
        requireNonNull(result, "result is null");
        return transactions.write("storing a result of monitor '" + result.monitorName() + "'", connection -> {
            lockExistingMonitor(connection, result.monitorName());
            try (PreparedStatement insert = connection.prepareStatement(INSERT_RESULT,
                    Statement.RETURN_GENERATED_KEYS)) {
                insert.setString(1, result.monitorName());
                insert.setLong(2, result.time());
                insert.setLong(3, result.windowStart());
                insert.setLong(4, result.windowEnd());
                insert.setLong(5, result.rows());
                insert.setString(6, result.status().wireName());
                if (result.datasetDrift().isPresent()) {
                    insert.setBoolean(7, result.datasetDrift().get());
                } else {
                    insert.setNull(7, Types.BOOLEAN);
                }
                if (result.driftShare().isPresent()) {
                    insert.setDouble(8, result.driftShare().get());
                } else {
                    insert.setNull(8, Types.DOUBLE);
                }
                insert.setString(9, result.reportJson());
                insert.executeUpdate();
                return result.withId(generatedId(insert, "result_id"));
            }
        });
    }

    @Override
    public List<MonitorResult> results(String monitorName, int maxResults) {
        requireNonNull(monitorName, "monitorName is null");
        checkMaxResults(maxResults);
        return transactions.read("reading results of monitor '" + monitorName + "'", connection -> {
            List<MonitorResult> results = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(SELECT_RESULTS)) {
                select.setString(1, monitorName);
                select.setInt(2, maxResults);
                try (ResultSet resultSet = select.executeQuery()) {
                    while (resultSet.next()) {
                        results.add(result(resultSet));
                    }
                }
            }
            return List.copyOf(results);
        });
    }

    @Override
    public List<ActionCount> actionCounts() {
        return transactions.read("counting monitor actions", connection -> {
            List<ActionCount> counts = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT monitor_name, kind, succeeded, "
                    + "COUNT(*) FROM monitor_actions GROUP BY monitor_name, kind, succeeded");
                    ResultSet resultSet = select.executeQuery()) {
                while (resultSet.next()) {
                    counts.add(new ActionCount(resultSet.getString(1), resultSet.getString(2),
                            resultSet.getBoolean(3), resultSet.getLong(4)));
                }
            }
            // sorted here: the databases' collations order names differently
            counts.sort(Comparator.comparing(ActionCount::monitorName).thenComparing(ActionCount::kind)
                    .thenComparing(ActionCount::succeeded));
            return List.copyOf(counts);
        });
    }

    @Override
    public OptionalLong latestResultTime(String monitorName) {
        requireNonNull(monitorName, "monitorName is null");
        return transactions.read("reading the latest result time of monitor '" + monitorName + "'", connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT MAX(time_ms) FROM monitor_results WHERE monitor_name = ?")) {
                select.setString(1, monitorName);
                try (ResultSet resultSet = select.executeQuery()) {
                    resultSet.next();
                    long time = resultSet.getLong(1);
                    return resultSet.wasNull() ? OptionalLong.empty() : OptionalLong.of(time);
                }
            }
        });
    }

    @Override
    public MonitorAction addAction(MonitorAction action) {
        requireNonNull(action, "action is null");
        return transactions.write("storing an action of monitor '" + action.monitorName() + "'", connection -> {
            lockExistingMonitor(connection, action.monitorName());
            try (PreparedStatement insert = connection.prepareStatement(INSERT_ACTION,
                    Statement.RETURN_GENERATED_KEYS)) {
                insert.setString(1, action.monitorName());
                insert.setLong(2, action.resultId());
                insert.setLong(3, action.time());
                insert.setString(4, action.rule());
                insert.setString(5, action.cause());
                insert.setString(6, action.kind());
                insert.setString(7, action.target());
                insert.setBoolean(8, action.succeeded());
                insert.setString(9, action.detail());
                insert.executeUpdate();
                return action.withId(generatedId(insert, "action_id"));
            }
        });
    }

    @Override
    public List<MonitorAction> actions(Optional<String> monitorName, int maxResults) {
        requireNonNull(monitorName, "monitorName is null");
        checkMaxResults(maxResults);
        Sql sql = new Sql().append(SELECT_ACTIONS);
        monitorName.ifPresent(name -> sql.append(" WHERE monitor_name = ").bind(name));
        sql.append(" ORDER BY time_ms DESC, action_id DESC LIMIT ").bind(maxResults);
        return transactions.read("reading monitor actions", connection -> {
            List<MonitorAction> actions = new ArrayList<>();
            Sql.forEachRow(connection, sql, resultSet -> actions.add(action(resultSet)));
            return List.copyOf(actions);
        });
    }

    @Override
    public boolean tryAcquireLease(String name, String owner, long now, long durationMillis) {
        return leases.tryAcquire(name, owner, now, durationMillis);
    }

    @Override
    public void releaseLease(String name, String owner) {
        leases.release(name, owner);
    }

    private Optional<StoredMonitor> selectMonitor(Connection connection, String name, boolean forUpdate)
            throws SQLException {
        String sql = SELECT_MONITOR + " WHERE name = ?" + (forUpdate ? transactions.dialect().lockForUpdate() : "");
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, name);
            try (ResultSet resultSet = select.executeQuery()) {
                return resultSet.next() ? Optional.of(monitor(resultSet)) : Optional.empty();
            }
        }
    }

    private void lockExistingMonitor(Connection connection, String name) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(lockMonitor)) {
            select.setString(1, name);
            try (ResultSet resultSet = select.executeQuery()) {
                if (!resultSet.next()) {
                    throw new SlipwayException(ErrorCode.RESOURCE_DOES_NOT_EXIST,
                            "Monitor '" + name + "' not found");
                }
            }
        }
    }

    private static int delete(Connection connection, String sql, String key) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(sql)) {
            delete.setString(1, key);
            return delete.executeUpdate();
        }
    }

    private long generatedId(PreparedStatement insert, String column) throws SQLException {
        try (ResultSet keys = insert.getGeneratedKeys()) {
            if (!keys.next()) {
                throw new SQLException("The database returned no " + column + " for the inserted row");
            }
            // PostgreSQL returns the whole inserted row; the others only the generated key.
            return switch (transactions.dialect()) {
                case POSTGRESQL -> keys.getLong(column);
                case SQLITE, MYSQL -> keys.getLong(1);
            };
        }
    }

    private static void checkMaxResults(int maxResults) {
        if (maxResults < 1) {
            throw new IllegalArgumentException("maxResults must be positive: " + maxResults);
        }
    }

    private static StoredMonitor monitor(ResultSet resultSet) throws SQLException {
        return new StoredMonitor(resultSet.getString(1), resultSet.getString(2), resultSet.getLong(3),
                resultSet.getLong(4));
    }

    private static MonitorResult result(ResultSet resultSet) throws SQLException {
        String statusName = resultSet.getString(7);
        MonitorStatus status = MonitorStatus.fromWireName(statusName).orElseThrow(() -> new SQLException(
                "Unknown monitor status '" + statusName + "' in monitor_results"));
        boolean drift = resultSet.getBoolean(8);
        Optional<Boolean> datasetDrift = resultSet.wasNull() ? Optional.empty() : Optional.of(drift);
        double share = resultSet.getDouble(9);
        Optional<Double> driftShare = resultSet.wasNull() ? Optional.empty() : Optional.of(share);
        return new MonitorResult(resultSet.getLong(1), resultSet.getString(2), resultSet.getLong(3),
                resultSet.getLong(4), resultSet.getLong(5), resultSet.getLong(6), status, datasetDrift, driftShare,
                resultSet.getString(10));
    }

    private static MonitorAction action(ResultSet resultSet) throws SQLException {
        return new MonitorAction(resultSet.getLong(1), resultSet.getString(2), resultSet.getLong(3),
                resultSet.getLong(4), resultSet.getString(5), resultSet.getString(6), resultSet.getString(7),
                resultSet.getString(8), resultSet.getBoolean(9), resultSet.getString(10));
    }
}
