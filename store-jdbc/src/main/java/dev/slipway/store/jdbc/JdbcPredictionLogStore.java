package dev.slipway.store.jdbc;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.audit.AuditStore;
import dev.slipway.core.gitops.DeploymentStore;
import dev.slipway.core.monitors.MonitorStore;
import dev.slipway.core.predictions.JoinedPrediction;
import dev.slipway.core.predictions.LoggedPrediction;
import dev.slipway.core.predictions.PredictionFeedback;
import dev.slipway.core.predictions.PredictionLogStore;
import dev.slipway.core.predictions.PredictionQuery;
import dev.slipway.core.predictions.PredictionSketchStore;
import dev.slipway.core.tracking.Page;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link PredictionLogStore} over SQLite, PostgreSQL or MySQL/MariaDB, in the tables {@code served_predictions}
 * and {@code prediction_feedback} (migration V5), with the {@link JdbcPredictionSketchStore}, the
 * {@link JdbcMonitorStore}, the {@link JdbcDeploymentStore} and the {@link JdbcAuditStore} of the same database.
 * Each append is one batched INSERT in one transaction (see {@link Transactions}); a search is one query joining each
 * prediction with its feedback. Thread-safe.
 */
public final class JdbcPredictionLogStore implements PredictionLogStore {
    private static final String INSERT_PREDICTION = "INSERT INTO served_predictions (request_id, row_index, "
            + "timestamp_ms, model_name, model_version, variant, inputs, outputs, latency_ms) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String SELECT_JOINED = "SELECT p.request_id, p.row_index, p.timestamp_ms, p.model_name, "
            + "p.model_version, p.variant, p.inputs, p.outputs, p.latency_ms, f.actual, f.timestamp_ms "
            + "FROM served_predictions p LEFT JOIN prediction_feedback f "
            + "ON f.request_id = p.request_id AND f.row_index = p.row_index";

    private final Transactions transactions;
    private final String upsertFeedbackSql;
    private final JdbcPredictionSketchStore sketchStore;
    private final JdbcMonitorStore monitorStore;
    private final JdbcDeploymentStore deploymentStore;
    private final JdbcAuditStore auditStore;

    JdbcPredictionLogStore(Transactions transactions) {
        this.transactions = requireNonNull(transactions, "transactions is null");
        this.sketchStore = new JdbcPredictionSketchStore(transactions);
        this.monitorStore = new JdbcMonitorStore(transactions);
        this.deploymentStore = new JdbcDeploymentStore(transactions);
        this.auditStore = new JdbcAuditStore(transactions);
        this.upsertFeedbackSql = transactions.dialect().upsert("prediction_feedback",
                List.of("request_id", "row_index", "actual", "timestamp_ms"), List.of("request_id", "row_index"),
                List.of("actual", "timestamp_ms"));
    }

    @Override
    public void appendPredictions(List<LoggedPrediction> predictions) {
        requireNonNull(predictions, "predictions is null");
        if (predictions.isEmpty()) {
            return;
        }
        transactions.write("logging " + predictions.size() + " predictions", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(INSERT_PREDICTION)) {
                for (LoggedPrediction prediction : predictions) {
                    statement.setString(1, prediction.requestId());
                    statement.setInt(2, prediction.rowIndex());
                    statement.setLong(3, prediction.timestamp());
                    statement.setString(4, prediction.modelName());
                    statement.setString(5, prediction.modelVersion());
                    statement.setString(6, prediction.variant());
                    statement.setString(7, prediction.inputsJson());
                    statement.setString(8, prediction.outputsJson());
                    statement.setDouble(9, prediction.latencyMillis());
                    statement.addBatch();
                }
                statement.executeBatch();
            }
            return null;
        });
    }

    @Override
    public void appendFeedback(List<PredictionFeedback> feedback) {
        requireNonNull(feedback, "feedback is null");
        if (feedback.isEmpty()) {
            return;
        }
        // One row per key: an upsert batch that names a key twice is refused by PostgreSQL.
        Map<List<Object>, PredictionFeedback> lastPerKey = new LinkedHashMap<>();
        for (PredictionFeedback entry : feedback) {
            List<Object> key = List.of(entry.requestId(), entry.rowIndex());
            lastPerKey.remove(key);
            lastPerKey.put(key, entry);
        }
        transactions.write("logging feedback for " + lastPerKey.size() + " predictions", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(upsertFeedbackSql)) {
                for (PredictionFeedback entry : lastPerKey.values()) {
                    statement.setString(1, entry.requestId());
                    statement.setInt(2, entry.rowIndex());
                    statement.setString(3, entry.actualJson());
                    statement.setLong(4, entry.timestamp());
                    statement.addBatch();
                }
                statement.executeBatch();
            }
            return null;
        });
    }

    @Override
    public Page<JoinedPrediction> searchPredictions(PredictionQuery query, int maxResults, long offset) {
        requireNonNull(query, "query is null");
        if (maxResults < 1) {
            throw new IllegalArgumentException("maxResults must be positive: " + maxResults);
        }
        Sql sql = new Sql().append(SELECT_JOINED).append(where(query))
                .append(" ORDER BY p.timestamp_ms, p.prediction_id LIMIT ").bind(maxResults + 1)
                .append(" OFFSET ").bind(offset);
        return transactions.read("searching predictions of model '" + query.modelName() + "'", connection -> {
            List<JoinedPrediction> found = new ArrayList<>();
            Sql.forEachRow(connection, sql, resultSet -> found.add(joined(resultSet)));
            return Sql.offsetPage(found, maxResults, offset, page -> page);
        });
    }

    @Override
    public long countPredictions(PredictionQuery query) {
        requireNonNull(query, "query is null");
        Sql sql = new Sql().append("SELECT COUNT(*) FROM served_predictions p").append(where(query));
        return transactions.read("counting predictions of model '" + query.modelName() + "'", connection -> {
            long[] count = new long[1];
            Sql.forEachRow(connection, sql, resultSet -> count[0] = resultSet.getLong(1));
            return count[0];
        });
    }

    private static Sql where(PredictionQuery query) {
        Sql where = new Sql().append(" WHERE p.model_name = ").bind(query.modelName());
        query.modelVersion().ifPresent(version -> where.append(" AND p.model_version = ").bind(version));
        query.variant().ifPresent(variant -> where.append(" AND p.variant = ").bind(variant));
        query.startTime().ifPresent(start -> where.append(" AND p.timestamp_ms >= ").bind(start));
        query.endTime().ifPresent(end -> where.append(" AND p.timestamp_ms < ").bind(end));
        return where;
    }

    private static JoinedPrediction joined(ResultSet resultSet) throws SQLException {
        String requestId = resultSet.getString(1);
        int rowIndex = resultSet.getInt(2);
        LoggedPrediction prediction = new LoggedPrediction(requestId, rowIndex, resultSet.getLong(3),
                resultSet.getString(4), resultSet.getString(5), resultSet.getString(6), resultSet.getString(7),
                resultSet.getString(8), resultSet.getDouble(9));
        String actual = resultSet.getString(10);
        Optional<PredictionFeedback> feedback = actual == null ? Optional.empty()
                : Optional.of(new PredictionFeedback(requestId, rowIndex, actual, resultSet.getLong(11)));
        return new JoinedPrediction(prediction, feedback);
    }

    /** The sketches in table {@code prediction_sketches} of the same database. */
    @Override
    public Optional<PredictionSketchStore> sketchStore() {
        return Optional.of(sketchStore);
    }

    /** The monitors, results, actions and leases in the tables of migration V7 of the same database. */
    @Override
    public Optional<MonitorStore> monitorStore() {
        return Optional.of(monitorStore);
    }

    /** The deployment statuses and events in the tables of migration V8 of the same database. */
    @Override
    public Optional<DeploymentStore> deploymentStore() {
        return Optional.of(deploymentStore);
    }

    /** The append-only audit log in the table of migration V10 of the same database. */
    @Override
    public Optional<AuditStore> auditStore() {
        return Optional.of(auditStore);
    }

    @Override
    public void close() {
        transactions.close();
    }
}
