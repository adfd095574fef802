package dev.slipway.store.jdbc;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.gc.ExperimentDeletion;
import dev.slipway.core.gc.PurgeListener;
import dev.slipway.core.gc.PurgedRows;
import dev.slipway.core.gc.RunDeletion;
import dev.slipway.core.gc.TrackingPurger;
import dev.slipway.core.tracking.LifecycleStage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A {@link TrackingPurger} over SQLite, PostgreSQL or MySQL/MariaDB, on the tables of migrations V1 (tracking) and V4
 * (logged models), with the {@link JdbcLeases} of V7; a removed experiment also loses its permissions (V9).
 *
 * <p>Rows go in chunks of at most {@code chunkSize} rows, each chunk one transaction that first reads the run (or
 * experiment) row locked for update and checks it is still deleted, so a concurrent restore either waits for the
 * chunk or stops the removal; the rows are never read into memory (see {@link Dialect#deleteChunk}). Children go
 * before their parents, as the foreign keys want. Thread-safe; owns its {@link Transactions}.
 */
final class JdbcTrackingPurger implements TrackingPurger {
    /** Rows per chunk by default: small enough for a short transaction, large enough to keep statements few. */
    static final int DEFAULT_CHUNK_SIZE = 10_000;

    private static final String DELETED = LifecycleStage.DELETED.wireName();
    private static final String RUN_COLUMNS = "run_uuid, experiment_id, lifecycle_stage, deleted_time, artifact_uri";
    private static final String EXPERIMENT_COLUMNS = "experiment_id, name, lifecycle_stage, last_update_time";

    /** The tables of a run, children first: table, the run column, the primary key. */
    private static final List<ChildTable> RUN_TABLES = List.of(
            new ChildTable("metrics", "run_uuid", List.of("run_uuid", "name", "step", "timestamp_ms", "value",
                    "is_nan")),
            new ChildTable("latest_metrics", "run_uuid", List.of("run_uuid", "name")),
            new ChildTable("params", "run_uuid", List.of("run_uuid", "name")),
            new ChildTable("tags", "run_uuid", List.of("run_uuid", "name")),
            new ChildTable("run_model_outputs", "run_id", List.of("run_id", "model_id")),
            new ChildTable("logged_model_metrics", "run_id", List.of("model_id", "name", "timestamp_ms", "step",
                    "run_id")));
    /** The tables of a logged model, children first. */
    private static final List<ChildTable> LOGGED_MODEL_TABLES = List.of(
            new ChildTable("logged_model_metrics", "model_id", List.of("model_id", "name", "timestamp_ms", "step",
                    "run_id")),
            new ChildTable("logged_model_params", "model_id", List.of("model_id", "name")),
            new ChildTable("logged_model_tags", "model_id", List.of("model_id", "tag_key")),
            new ChildTable("run_model_outputs", "model_id", List.of("run_id", "model_id")),
            new ChildTable("logged_models", "model_id", List.of("model_id")));

    private final Transactions transactions;
    private final Dialect dialect;
    private final JdbcLeases leases;
    private final int chunkSize;
    private final String lockRun;
    private final String lockExperiment;

    /** @param chunkSize the most rows one statement (and transaction) deletes */
    JdbcTrackingPurger(Transactions transactions, int chunkSize) {
        this.transactions = requireNonNull(transactions, "transactions is null");
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunkSize must be positive: " + chunkSize);
        }
        this.dialect = transactions.dialect();
        this.leases = new JdbcLeases(transactions);
        this.chunkSize = chunkSize;
        this.lockRun = "SELECT lifecycle_stage FROM runs WHERE run_uuid = ?" + dialect.lockForUpdate();
        this.lockExperiment = "SELECT lifecycle_stage FROM experiments WHERE experiment_id = ?"
                + dialect.lockForUpdate();
    }

    @Override
    public Optional<RunDeletion> run(String runId) {
        requireNonNull(runId, "runId is null");
        return transactions.read("reading run " + runId, connection -> {
            List<RunDeletion> runs = new ArrayList<>();
            Sql.forEachRow(connection, new Sql().append("SELECT " + RUN_COLUMNS + " FROM runs WHERE run_uuid = ")
                    .bind(runId), resultSet -> runs.add(run(resultSet)));
            return runs.stream().findFirst();
        });
    }

    @Override
    public Optional<ExperimentDeletion> experiment(String experimentId) {
        requireNonNull(experimentId, "experimentId is null");
        Optional<Long> id = JdbcTrackingStore.experimentNumber(experimentId);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        return transactions.read("reading experiment " + experimentId, connection -> {
            List<ExperimentDeletion> experiments = new ArrayList<>();
            Sql.forEachRow(connection, new Sql().append("SELECT " + EXPERIMENT_COLUMNS
                    + " FROM experiments WHERE experiment_id = ").bind(id.get()),
                    resultSet -> experiments.add(experiment(resultSet)));
            return experiments.stream().findFirst();
        });
    }

    @Override
    public List<RunDeletion> deletedRuns(Optional<String> experimentId, OptionalLong deletedBefore,
            Optional<String> afterRunId, int limit) {
        requireNonNull(experimentId, "experimentId is null");
        requireNonNull(deletedBefore, "deletedBefore is null");
        requireNonNull(afterRunId, "afterRunId is null");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        Sql query = new Sql().append("SELECT " + RUN_COLUMNS + " FROM runs WHERE lifecycle_stage = ").bind(DELETED);
        if (experimentId.isPresent()) {
            Optional<Long> id = JdbcTrackingStore.experimentNumber(experimentId.get());
            if (id.isEmpty()) {
                return List.of();
            }
            query.append(" AND experiment_id = ").bind(id.get());
        }
        if (deletedBefore.isPresent()) {
            query.append(" AND deleted_time < ").bind(deletedBefore.getAsLong());
        }
        afterRunId.ifPresent(after -> query.append(" AND run_uuid > ").bind(after));
        query.append(" ORDER BY run_uuid LIMIT ").bind(limit);
        return transactions.read("listing deleted runs", connection -> {
            List<RunDeletion> runs = new ArrayList<>();
            Sql.forEachRow(connection, query, resultSet -> runs.add(run(resultSet)));
            return List.copyOf(runs);
        });
    }

    @Override
    public List<ExperimentDeletion> deletedExperiments(OptionalLong deletedBefore) {
        requireNonNull(deletedBefore, "deletedBefore is null");
        Sql query = new Sql().append("SELECT " + EXPERIMENT_COLUMNS + " FROM experiments WHERE lifecycle_stage = ")
                .bind(DELETED);
        if (deletedBefore.isPresent()) {
            query.append(" AND last_update_time < ").bind(deletedBefore.getAsLong());
        }
        query.append(" ORDER BY experiment_id");
        return transactions.read("listing deleted experiments", connection -> {
            List<ExperimentDeletion> experiments = new ArrayList<>();
            Sql.forEachRow(connection, query, resultSet -> experiments.add(experiment(resultSet)));
            return List.copyOf(experiments);
        });
    }

    @Override
    public long runCount(String experimentId) {
        requireNonNull(experimentId, "experimentId is null");
        Optional<Long> id = JdbcTrackingStore.experimentNumber(experimentId);
        if (id.isEmpty()) {
            return 0;
        }
        return count("counting the runs of experiment " + experimentId,
                new Sql().append("SELECT COUNT(*) FROM runs WHERE experiment_id = ").bind(id.get()));
    }

    @Override
    public long runsKept(String experimentId, OptionalLong deletedBefore) {
        requireNonNull(experimentId, "experimentId is null");
        requireNonNull(deletedBefore, "deletedBefore is null");
        Optional<Long> id = JdbcTrackingStore.experimentNumber(experimentId);
        if (id.isEmpty()) {
            return 0;
        }
        Sql query = new Sql().append("SELECT COUNT(*) FROM runs WHERE experiment_id = ").bind(id.get())
                .append(" AND NOT (lifecycle_stage = ").bind(DELETED);
        if (deletedBefore.isPresent()) {
            query.append(" AND deleted_time IS NOT NULL AND deleted_time < ").bind(deletedBefore.getAsLong());
        }
        query.append(")");
        return count("counting the runs experiment " + experimentId + " keeps", query);
    }

    @Override
    public Map<String, String> loggedModelArtifactUris(String experimentId) {
        requireNonNull(experimentId, "experimentId is null");
        Optional<Long> id = JdbcTrackingStore.experimentNumber(experimentId);
        if (id.isEmpty()) {
            return Map.of();
        }
        return transactions.read("listing the logged models of experiment " + experimentId, connection -> {
            Map<String, String> locations = new LinkedHashMap<>();
            Sql.forEachRow(connection, new Sql().append("SELECT model_id, artifact_uri FROM logged_models "
                    + "WHERE experiment_id = ").bind(id.get()).append(" ORDER BY model_id"),
                    resultSet -> locations.put(resultSet.getString(1), resultSet.getString(2)));
            return Collections.unmodifiableMap(locations);
        });
    }

    @Override
    public PurgedRows purgeRun(String runId, PurgeListener listener) {
        requireNonNull(runId, "runId is null");
        requireNonNull(listener, "listener is null");
        Map<String, Long> rows = new LinkedHashMap<>();
        Guard guard = connection -> lockedRunStage(connection, runId);
        for (ChildTable table : RUN_TABLES) {
            if (!deleteAll(table, runId, guard, rows, listener)) {
                return new PurgedRows(false, rows);
            }
        }
        if (!deleteInputs(runId, guard, rows, listener)) {
            return new PurgedRows(false, rows);
        }
        long removed = transactions.write("removing run " + runId, connection -> {
            if (!guard.stillDeleted(connection)) {
                return 0L;
            }
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM runs WHERE run_uuid = ? AND lifecycle_stage = ?")) {
                delete.setString(1, runId);
                delete.setString(2, DELETED);
                return (long) delete.executeUpdate();
            }
        });
        record(rows, listener, "runs", removed);
        return new PurgedRows(removed > 0, rows);
    }

    @Override
    public PurgedRows purgeExperiment(String experimentId, PurgeListener listener) {
        requireNonNull(experimentId, "experimentId is null");
        requireNonNull(listener, "listener is null");
        Optional<Long> parsed = JdbcTrackingStore.experimentNumber(experimentId);
        if (parsed.isEmpty()) {
            return PurgedRows.none();
        }
        long id = parsed.get();
        Guard guard = connection -> lockedExperimentStage(connection, experimentId, id);
        boolean removable = transactions.read("checking experiment " + experimentId,
                connection -> guard.stillDeleted(connection) && countRuns(connection, id) == 0);
        if (!removable) {
            return PurgedRows.none();
        }
        Map<String, Long> rows = new LinkedHashMap<>();
        for (String modelId : loggedModelArtifactUris(experimentId).keySet()) {
            for (ChildTable table : LOGGED_MODEL_TABLES) {
                if (!deleteAll(table, modelId, guard, rows, listener)) {
                    return new PurgedRows(false, rows);
                }
            }
        }
        if (!deleteAll(new ChildTable("datasets", "experiment_id", List.of("dataset_uuid")), id, guard, rows,
                listener)
                || !deleteAll(new ChildTable("experiment_tags", "experiment_id", List.of("experiment_id", "name")), id,
                guard, rows, listener)) {
            return new PurgedRows(false, rows);
        }
        long[] removed = transactions.write("removing experiment " + experimentId, connection -> {
            // Taken before the delete, like an experiment's creation takes it before choosing an id.
            transactions.dialect().lockExperimentIds(connection);
            long experiments;
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM experiments "
                    + "WHERE experiment_id = ? AND lifecycle_stage = ? "
                    + "AND NOT EXISTS (SELECT 1 FROM runs WHERE experiment_id = ?)")) {
                delete.setLong(1, id);
                delete.setString(2, DELETED);
                delete.setLong(3, id);
                experiments = delete.executeUpdate();
            }
            if (experiments == 0) {
                return new long[] {0, 0};
            }
            raiseExperimentHighWater(connection, id + 1);
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM experiment_permissions WHERE experiment_id = ?")) {
                delete.setString(1, experimentId);
                return new long[] {experiments, delete.executeUpdate()};
            }
        });
        record(rows, listener, "experiment_permissions", removed[1]);
        record(rows, listener, "experiments", removed[0]);
        return new PurgedRows(removed[0] > 0, rows);
    }

    /** Makes sure no experiment is given an id below {@code nextId} again (inside the experiment id lock). */
    private static void raiseExperimentHighWater(Connection connection, long nextId) throws SQLException {
        boolean present;
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT 1 FROM id_high_water WHERE name = 'experiments'");
                ResultSet resultSet = select.executeQuery()) {
            present = resultSet.next();
        }
        try (PreparedStatement write = connection.prepareStatement(present
                ? "UPDATE id_high_water SET next_value = ? WHERE name = 'experiments' AND next_value < ?"
                : "INSERT INTO id_high_water (next_value, name) VALUES (?, 'experiments')")) {
            write.setLong(1, nextId);
            if (present) {
                write.setLong(2, nextId);
            }
            write.executeUpdate();
        }
    }

    @Override
    public boolean tryAcquireLease(String name, String owner, long now, long durationMillis) {
        return leases.tryAcquire(name, owner, now, durationMillis);
    }

    @Override
    public void releaseLease(String name, String owner) {
        leases.release(name, owner);
    }

    @Override
    public void close() {
        transactions.close();
    }

    /** Checks, in a chunk's transaction, that the owner is still there and deleted, locking its row. */
    @FunctionalInterface
    private interface Guard {
        /**
         * @return false when the owner row is gone
         * @throws SlipwayException INVALID_STATE when it is no longer deleted
         */
        boolean stillDeleted(Connection connection) throws SQLException;
    }

    /** A table whose rows belong to a run, experiment or logged model through {@code column}. */
    private record ChildTable(String name, String column, List<String> keyColumns) {}

    /**
     * Deletes every row of the table whose column is the value, a chunk per transaction.
     *
     * @return false when the guard found the owner gone
     */
    private boolean deleteAll(ChildTable table, Object value, Guard guard, Map<String, Long> rows,
            PurgeListener listener) {
        String sql = dialect.deleteChunk(table.name(), table.column(), table.keyColumns());
        while (true) {
            long deleted = transactions.write("removing rows of " + table.name(), connection -> {
                if (!guard.stillDeleted(connection)) {
                    return -1L;
                }
                try (PreparedStatement delete = connection.prepareStatement(sql)) {
                    Sql.set(delete, 1, value);
                    delete.setInt(2, chunkSize);
                    return (long) delete.executeUpdate();
                }
            });
            if (deleted < 0) {
                return false;
            }
            record(rows, listener, table.name(), deleted);
            if (deleted < chunkSize) {
                return true;
            }
        }
    }

    /** Deletes the run's dataset inputs with their tags, a chunk of inputs per transaction. */
    private boolean deleteInputs(String runId, Guard guard, Map<String, Long> rows, PurgeListener listener) {
        String selectInputs = "SELECT input_uuid FROM inputs WHERE run_uuid = ? ORDER BY input_uuid LIMIT ?";
        while (true) {
            long[] deleted = transactions.write("removing the inputs of run " + runId, connection -> {
                if (!guard.stillDeleted(connection)) {
                    return null;
                }
                List<String> inputIds = new ArrayList<>();
                try (PreparedStatement select = connection.prepareStatement(selectInputs)) {
                    select.setString(1, runId);
                    select.setInt(2, Math.min(chunkSize, 500));
                    try (ResultSet resultSet = select.executeQuery()) {
                        while (resultSet.next()) {
                            inputIds.add(resultSet.getString(1));
                        }
                    }
                }
                if (inputIds.isEmpty()) {
                    return new long[] {0, 0, 0};
                }
                long tags = executeUpdate(connection, new Sql().append("DELETE FROM input_tags WHERE input_uuid IN ")
                        .bindList(inputIds));
                long inputs = executeUpdate(connection, new Sql().append("DELETE FROM inputs WHERE input_uuid IN ")
                        .bindList(inputIds));
                return new long[] {tags, inputs, inputIds.size()};
            });
            if (deleted == null) {
                return false;
            }
            record(rows, listener, "input_tags", deleted[0]);
            record(rows, listener, "inputs", deleted[1]);
            if (deleted[2] < Math.min(chunkSize, 500)) {
                return true;
            }
        }
    }

    private static long executeUpdate(Connection connection, Sql sql) throws SQLException {
        try (PreparedStatement statement = sql.prepare(connection)) {
            return statement.executeUpdate();
        }
    }

    private static void record(Map<String, Long> rows, PurgeListener listener, String table, long deleted) {
        if (deleted > 0) {
            rows.merge(table, deleted, Long::sum);
            listener.deleted(table, deleted);
        }
    }

    private boolean lockedRunStage(Connection connection, String runId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(lockRun)) {
            select.setString(1, runId);
            try (ResultSet resultSet = select.executeQuery()) {
                if (!resultSet.next()) {
                    return false;
                }
                if (!resultSet.getString(1).equals(DELETED)) {
                    throw new SlipwayException(ErrorCode.INVALID_STATE, "Run '" + runId + "' is no longer deleted "
                            + "(it was restored during the garbage collection); it keeps what was not removed yet");
                }
                return true;
            }
        }
    }

    private boolean lockedExperimentStage(Connection connection, String experimentId, long id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(lockExperiment)) {
            select.setLong(1, id);
            try (ResultSet resultSet = select.executeQuery()) {
                if (!resultSet.next()) {
                    return false;
                }
                if (!resultSet.getString(1).equals(DELETED)) {
                    throw new SlipwayException(ErrorCode.INVALID_STATE, "Experiment '" + experimentId
                            + "' is not deleted; only deleted experiments can be removed for good");
                }
                return true;
            }
        }
    }

    private static long countRuns(Connection connection, long experimentId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT COUNT(*) FROM runs WHERE experiment_id = ?")) {
            select.setLong(1, experimentId);
            try (ResultSet resultSet = select.executeQuery()) {
                resultSet.next();
                return resultSet.getLong(1);
            }
        }
    }

    private long count(String action, Sql query) {
        return transactions.read(action, connection -> {
            long[] count = new long[1];
            Sql.forEachRow(connection, query, resultSet -> count[0] = resultSet.getLong(1));
            return count[0];
        });
    }

    private static RunDeletion run(ResultSet resultSet) throws SQLException {
        long deletedTime = resultSet.getLong(4);
        Optional<Long> deleted = resultSet.wasNull() ? Optional.empty() : Optional.of(deletedTime);
        return new RunDeletion(resultSet.getString(1), String.valueOf(resultSet.getLong(2)),
                LifecycleStage.fromWire(resultSet.getString(3)), deleted, resultSet.getString(5));
    }

    private static ExperimentDeletion experiment(ResultSet resultSet) throws SQLException {
        return new ExperimentDeletion(String.valueOf(resultSet.getLong(1)), resultSet.getString(2),
                LifecycleStage.fromWire(resultSet.getString(3)), resultSet.getLong(4));
    }
}
