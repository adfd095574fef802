package dev.slipway.store.jdbc;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.gitops.DeploymentEvent;
import dev.slipway.core.gitops.DeploymentStatus;
import dev.slipway.core.gitops.DeploymentStore;
import dev.slipway.core.gitops.HealthStatus;
import dev.slipway.core.gitops.SyncStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@link DeploymentStore} over SQLite, PostgreSQL or MySQL/MariaDB, in the tables {@code deployment_status} and
 * {@code deployment_events} (migration V8). A report is one upsert on the (env, name) key, so concurrent reports of
 * one deployment leave the last one written; the registered model names of the model and canary URIs are stored in
 * their own indexed columns for the filter by model. Thread-safe; shares the {@link Transactions} of the prediction
 * log, which owns it.
 */
final class JdbcDeploymentStore implements DeploymentStore {
    private static final List<String> STATUS_KEY = List.of("env", "name");
    private static final List<String> STATUS_VALUES = List.of("revision", "model", "model_name", "live_model",
            "canary", "canary_model_name", "canary_weight", "canary_step", "sync_status", "health_status", "message",
            "endpoint", "agent", "updated_time_ms");
    private static final String SELECT_STATUS = "SELECT env, name, revision, model, live_model, canary, "
            + "canary_weight, canary_step, sync_status, health_status, message, endpoint, agent, updated_time_ms "
            + "FROM deployment_status";
    private static final String DELETE_STATUS = "DELETE FROM deployment_status WHERE env = ? AND name = ?";
    private static final String INSERT_EVENT = "INSERT INTO deployment_events (env, name, time_ms, kind, revision, "
            + "message, evidence) VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String SELECT_EVENTS = "SELECT event_id, env, name, time_ms, kind, revision, message, "
            + "evidence FROM deployment_events";

    private final Transactions transactions;
    private final String upsertStatus;

    JdbcDeploymentStore(Transactions transactions) {
        this.transactions = requireNonNull(transactions, "transactions is null");
        List<String> columns = new ArrayList<>(STATUS_KEY);
        columns.addAll(STATUS_VALUES);
        this.upsertStatus = transactions.dialect().upsert("deployment_status", columns, STATUS_KEY, STATUS_VALUES);
    }

    @Override
    public void reportStatus(DeploymentStatus status) {
        requireNonNull(status, "status is null");
        transactions.write("storing the status of deployment '" + status.name() + "' in '" + status.env() + "'",
                connection -> {
                    try (PreparedStatement upsert = connection.prepareStatement(upsertStatus)) {
                        upsert.setString(1, status.env());
                        upsert.setString(2, status.name());
                        Sql.setOptional(upsert, 3, status.revision());
                        upsert.setString(4, status.model());
                        upsert.setString(5, status.modelName());
                        Sql.setOptional(upsert, 6, status.liveModel());
                        Sql.setOptional(upsert, 7, status.canary());
                        Sql.setOptional(upsert, 8, status.canaryModelName());
                        upsert.setInt(9, status.canaryWeight());
                        if (status.canaryStep().isPresent()) {
                            upsert.setInt(10, status.canaryStep().get());
                        } else {
                            upsert.setNull(10, Types.INTEGER);
                        }
                        upsert.setString(11, status.sync().wireName());
                        upsert.setString(12, status.health().wireName());
                        upsert.setString(13, status.message());
                        Sql.setOptional(upsert, 14, status.endpoint());
                        upsert.setString(15, status.agent());
                        upsert.setLong(16, status.updatedTime());
                        upsert.executeUpdate();
                    }
                    return null;
                });
    }

    @Override
    public Optional<DeploymentStatus> status(String env, String name) {
        requireNonNull(env, "env is null");
        requireNonNull(name, "name is null");
        Sql sql = new Sql().append(SELECT_STATUS).append(" WHERE env = ").bind(env).append(" AND name = ").bind(name);
        return transactions.read("reading the status of deployment '" + name + "' in '" + env + "'", connection -> {
            List<DeploymentStatus> found = new ArrayList<>(1);
            Sql.forEachRow(connection, sql, resultSet -> found.add(status(resultSet)));
            return found.stream().findFirst();
        });
    }

    @Override
    public List<DeploymentStatus> statuses(Optional<String> env, Optional<String> modelName) {
        requireNonNull(env, "env is null");
        requireNonNull(modelName, "modelName is null");
        Sql sql = new Sql().append(SELECT_STATUS);
        String keyword = " WHERE ";
        if (env.isPresent()) {
            sql.append(keyword).append("env = ").bind(env.get());
            keyword = " AND ";
        }
        if (modelName.isPresent()) {
            sql.append(keyword).append("(model_name = ").bind(modelName.get()).append(" OR canary_model_name = ")
                    .bind(modelName.get()).append(")");
        }
        sql.append(" ORDER BY env, name");
        return transactions.read("listing deployment statuses", connection -> {
            List<DeploymentStatus> statuses = new ArrayList<>();
            Sql.forEachRow(connection, sql, resultSet -> statuses.add(status(resultSet)));
            return List.copyOf(statuses);
        });
    }

    @Override
    public boolean deleteStatus(String env, String name) {
        requireNonNull(env, "env is null");
        requireNonNull(name, "name is null");
        return transactions.write("deleting the status of deployment '" + name + "' in '" + env + "'",
                connection -> {
                    try (PreparedStatement delete = connection.prepareStatement(DELETE_STATUS)) {
                        delete.setString(1, env);
                        delete.setString(2, name);
                        return delete.executeUpdate() > 0;
                    }
                });
    }

    @Override
    public long appendEvent(DeploymentEvent event) {
        requireNonNull(event, "event is null");
        return transactions.write("storing an event of deployment '" + event.name() + "' in '" + event.env() + "'",
                connection -> {
                    try (PreparedStatement insert = connection.prepareStatement(INSERT_EVENT,
                            Statement.RETURN_GENERATED_KEYS)) {
                        insert.setString(1, event.env());
                        insert.setString(2, event.name());
                        insert.setLong(3, event.time());
                        insert.setString(4, event.kind());
                        Sql.setOptional(insert, 5, event.revision());
                        insert.setString(6, event.message());
                        insert.setString(7, event.evidenceJson());
                        insert.executeUpdate();
                        return generatedId(insert);
                    }
                });
    }

    @Override
    public List<DeploymentEvent> events(String env, Optional<String> name, int maxResults) {
        requireNonNull(env, "env is null");
        requireNonNull(name, "name is null");
        if (maxResults < 1) {
            throw new IllegalArgumentException("maxResults must be positive: " + maxResults);
        }
        Sql sql = new Sql().append(SELECT_EVENTS).append(" WHERE env = ").bind(env);
        name.ifPresent(value -> sql.append(" AND name = ").bind(value));
        sql.append(" ORDER BY time_ms DESC, event_id DESC LIMIT ").bind(maxResults);
        return transactions.read("reading the events of deployments in '" + env + "'", connection -> {
            List<DeploymentEvent> events = new ArrayList<>();
            Sql.forEachRow(connection, sql, resultSet -> events.add(event(resultSet)));
            return List.copyOf(events);
        });
    }

    private long generatedId(PreparedStatement insert) throws SQLException {
        try (ResultSet keys = insert.getGeneratedKeys()) {
            if (!keys.next()) {
                throw new SQLException("The database returned no event_id for the inserted row");
            }
            // PostgreSQL returns the whole inserted row; the others only the generated key.
            return switch (transactions.dialect()) {
                case POSTGRESQL -> keys.getLong("event_id");
                case SQLITE, MYSQL -> keys.getLong(1);
            };
        }
    }

    private static DeploymentStatus status(ResultSet resultSet) throws SQLException {
        int canaryStep = resultSet.getInt(8);
        Optional<Integer> step = resultSet.wasNull() ? Optional.empty() : Optional.of(canaryStep);
        String syncName = resultSet.getString(9);
        SyncStatus sync = SyncStatus.fromWireName(syncName).orElseThrow(() -> new SQLException(
                "Unknown sync status '" + syncName + "' in deployment_status"));
        String healthName = resultSet.getString(10);
        HealthStatus health = HealthStatus.fromWireName(healthName).orElseThrow(() -> new SQLException(
                "Unknown health status '" + healthName + "' in deployment_status"));
        return new DeploymentStatus(resultSet.getString(1), resultSet.getString(2),
                Optional.ofNullable(resultSet.getString(3)), resultSet.getString(4),
                Optional.ofNullable(resultSet.getString(5)), Optional.ofNullable(resultSet.getString(6)),
                resultSet.getInt(7), step, sync, health, resultSet.getString(11),
                Optional.ofNullable(resultSet.getString(12)), resultSet.getString(13), resultSet.getLong(14));
    }

    private static DeploymentEvent event(ResultSet resultSet) throws SQLException {
        return new DeploymentEvent(resultSet.getLong(1), resultSet.getString(2), resultSet.getString(3),
                resultSet.getLong(4), resultSet.getString(5), Optional.ofNullable(resultSet.getString(6)),
                resultSet.getString(7), resultSet.getString(8));
    }
}
