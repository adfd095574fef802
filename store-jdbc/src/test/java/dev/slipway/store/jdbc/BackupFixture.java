package dev.slipway.store.jdbc;

import dev.slipway.store.jdbc.BackupTables.Column;
import dev.slipway.store.jdbc.BackupTables.Table;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows in every table of a store, written with SQL so that every column gets awkward values (nulls, non-ASCII text,
 * quotes and newlines, long text, extreme numbers, NaN markers, bytes of every value), and a reader of every table
 * that turns rows into comparable values, for the backup tests.
 */
final class BackupFixture {
    static final long T = 1_767_225_600_000L;
    static final String RUN_1 = "0123456789abcdef0123456789abcdef";
    static final String RUN_2 = "fedcba9876543210fedcba9876543210";
    /** Metric rows of RUN_1: more than an import batch, so a failing import has committed batches to remove. */
    static final int METRIC_ROWS = 5_000;
    static final String ODD_TEXT = "quote's \"double\" back\\slash\nnew line\ttab ✓ 日本語 🚀 ";

    private BackupFixture() {}

    /** Fills every table of the (migrated, empty) store at the URI. */
    static void populate(String uri) throws SQLException {
        try (Connection connection = TestConnections.open(uri)) {
            connection.setAutoCommit(false);
            insert(connection, "experiments", 0L, "Default", "mlflow-artifacts:/0", "active", T, T);
            insert(connection, "experiments", 1L, "churn ✓ 日本", "file:///tmp/a b", "deleted", T, T + 1);
            insert(connection, "experiments", 2L, ODD_TEXT, "s3://bucket/2", "active", T, T + 2);
            insert(connection, "experiment_tags", 1L, "team", "ml");
            insert(connection, "experiment_tags", 2L, "long", "x".repeat(5_000));
            insert(connection, "runs", RUN_1, "run one", 1L, "alice", "FINISHED", T, null, "file:///tmp/a b/r1",
                    "deleted", T + 10);
            insert(connection, "runs", RUN_2, ODD_TEXT, 2L, "bob", "RUNNING", T, T + 5, "s3://bucket/2/r2",
                    "active", null);
            insert(connection, "params", RUN_1, "lr", "0.1");
            insert(connection, "params", RUN_2, "emoji", "🚀🔥");
            insert(connection, "tags", RUN_1, "mlflow.user", "alice");
            insert(connection, "tags", RUN_2, "empty", "");
            double[] awkward = {0.1, -1.5e300, 1e-300, -Double.MAX_VALUE, Double.MAX_VALUE, -0.5, 123456789.123};
            try (PreparedStatement statement = insertStatement(connection, "metrics")) {
                for (int step = 0; step < METRIC_ROWS; step++) {
                    boolean nan = step % 97 == 50;
                    double value = step < awkward.length ? awkward[step] : step * 0.001 + 0.1;
                    bind(statement, table("metrics"), RUN_1, "loss", (long) step, T + step, nan ? 0.0 : value,
                            nan ? 1L : 0L);
                    statement.addBatch();
                }
                bind(statement, table("metrics"), RUN_2, "acc ✓", Long.MAX_VALUE, Long.MIN_VALUE, 0.75, 0L);
                statement.addBatch();
                statement.executeBatch();
            }
            insert(connection, "latest_metrics", RUN_1, "loss", 1L, 0.5, T + 4_999, 4_999L, 0L);
            insert(connection, "latest_metrics", RUN_2, "acc ✓", 2L, 0.0, T, 0L, 1L);
            insert(connection, "datasets", "d1", 1L, "train", "digest1", "local", "{\"path\":\"train.csv\"}", null,
                    "{\"num_rows\":" + "9".repeat(20_000) + "}");
            insert(connection, "inputs", "i1", "d1", RUN_1);
            insert(connection, "input_tags", "i1", "mlflow.data.context", "training");
            insert(connection, "registered_models", "churn-model", T, T + 1, null);
            insert(connection, "registered_models", "other ✓", T, T, ODD_TEXT);
            insert(connection, "registered_model_tags", "churn-model", "k", "v");
            insert(connection, "model_versions", "churn-model", 1L, T, T, null, "alice", "Production", "s3://x/1",
                    RUN_1, null, "READY", "m-1");
            insert(connection, "model_versions", "churn-model", 2L, T, T, "gone", null, "Deleted_Internal",
                    "s3://x/2", null, "http://link", "READY", null);
            insert(connection, "model_version_tags", "churn-model", 1L, "k", "v");
            insert(connection, "registered_model_aliases", "churn-model", "champion", 1L);
            insert(connection, "logged_models", "m-1", 1L, "model", "file:///m-1", T, T, "READY", "active",
                    "sklearn", RUN_1, null, null);
            insert(connection, "logged_models", "m-2", 2L, ODD_TEXT, "file:///m-2", T, T + 3, "FAILED", "deleted",
                    null, null, "boom", 42L);
            insert(connection, "logged_model_params", "m-1", "alpha", "1");
            insert(connection, "logged_model_tags", "m-1", "k", "v");
            insert(connection, "logged_model_metrics", "m-1", "auc", T, 0L, RUN_1, "ds", "dg", 0.9, 0L);
            insert(connection, "logged_model_metrics", "m-1", "auc", T, 1L, "", null, null, 0.0, 1L);
            insert(connection, "run_model_outputs", RUN_1, "m-1", 3L);
            insert(connection, "served_predictions", 1L, "req-1", 0L, T, "churn-model", "1", "champion", "{\"x\":1}",
                    "{\"y\":0}", 1.5);
            insert(connection, "served_predictions", 2L, "req-1", 1L, T, "churn-model", "1", "challenger",
                    "{\"x\":\"" + ODD_TEXT.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")
                            .replace("\t", "\\t") + "\"}", "{\"y\":1}", 0.25);
            insert(connection, "prediction_feedback", "req-1", 0L, "{\"y\":1}", T);
            byte[] everyByte = new byte[256];
            for (int value = 0; value < everyByte.length; value++) {
                everyByte[value] = (byte) value;
            }
            insert(connection, "prediction_sketches", "churn-model", "1", T, 10L, everyByte);
            insert(connection, "monitors", "mon", "{\"name\":\"mon\"}", T, T);
            insert(connection, "monitor_results", 1L, "mon", T, T - 1, T, 10L, "ok", true, 0.25, "{\"r\":1}");
            insert(connection, "monitor_results", 2L, "mon", T, T - 1, T, 0L, "not_enough_data", null, null,
                    "{\"r\":\"" + "long report ".repeat(20_000) + "\"}");
            insert(connection, "monitor_results", 3L, "mon", T, T - 1, T, 0L, "error", false, null, "{}");
            insert(connection, "monitor_actions", 1L, "mon", 1L, T, "drift", "dataset_drift", "webhook",
                    "http://hook", true, "200");
            insert(connection, "monitor_actions", 2L, "mon", 1L, T, "drift", "dataset_drift", "retrain", "project",
                    false, ODD_TEXT);
            insert(connection, "deployment_status", "prod", "churn", null, "models:/churn-model/1", "churn-model",
                    null, null, null, 0L, null, "Synced", "Healthy", "ok", null, "agent-1", T);
            insert(connection, "deployment_status", "staging", "churn", "abc123", "models:/churn-model/2",
                    "churn-model", "models:/churn-model/1", "models:/churn-model/2", "churn-model", 25L, 2L,
                    "Progressing", "Degraded", ODD_TEXT, "http://svc", "agent-2", T + 1);
            insert(connection, "deployment_events", 1L, "prod", "churn", T, "sync", null, "synced", "{}");
            insert(connection, "deployment_events", 2L, "staging", "churn", T + 1, "canary_step", "abc123", ODD_TEXT,
                    "{\"evidence\":\"" + "e".repeat(50_000) + "\"}");
            insert(connection, "users", 1L, "admin", "pbkdf2-sha256$600000$salt$hash", true, T);
            insert(connection, "users", 2L, "bob ✓", "pbkdf2-sha256$600000$salt2$hash2", false, T + 1);
            insert(connection, "experiment_permissions", "1", 1L, "MANAGE");
            insert(connection, "experiment_permissions", "2", 2L, "READ");
            insert(connection, "registered_model_permissions", "churn-model", 2L, "EDIT");
            insert(connection, "access_tokens", "tok-1", "a".repeat(64), 1L, "ci", T, null);
            insert(connection, "access_tokens", "tok-2", "b".repeat(64), 2L, "laptop ✓", T, T + 1_000);
            insert(connection, "id_high_water", "experiments", 7L);
            insert(connection, "audit_log", 1L, T, "admin", "127.0.0.1", null, "POST",
                    "/api/2.0/mlflow/experiments/create", "create_experiment", "experiment", "1", 200L, null,
                    "{\"experiment_id\":\"1\"}", "{}");
            insert(connection, "audit_log", 2L, T + 1, "bob ✓", "10.0.0.2", "10.0.0.1", "DELETE",
                    "/api/2.0/mlflow/registered-models/delete", "delete_registered_model", "registered_model",
                    "other ✓", 403L, ODD_TEXT, null, "{\"denied\":true}");
            connection.commit();
            // the newest result goes: its id stays used (AUTOINCREMENT on SQLite), so the next one is 4, not 3
            try (Statement statement = connection.createStatement()) {
                statement.executeUpdate("DELETE FROM monitor_results WHERE result_id = 3");
            }
            connection.commit();
        }
    }

    /** Every row of every table of the backup format, as comparable values, sorted; by table. */
    static Map<String, List<List<Object>>> read(String uri) throws SQLException {
        Map<String, List<List<Object>>> tables = new LinkedHashMap<>();
        try (Connection connection = TestConnections.open(uri)) {
            for (Table table : BackupTables.TABLES) {
                List<List<Object>> rows = new ArrayList<>();
                try (Statement statement = connection.createStatement();
                        ResultSet resultSet = statement.executeQuery("SELECT "
                                + String.join(", ", table.columnNames()) + " FROM " + table.name())) {
                    while (resultSet.next()) {
                        List<Object> row = new ArrayList<>();
                        for (int index = 0; index < table.columns().size(); index++) {
                            row.add(value(resultSet, index + 1, table.columns().get(index)));
                        }
                        rows.add(row);
                    }
                }
                rows.sort(Comparator.comparing(Object::toString));
                tables.put(table.name(), rows);
            }
        }
        return tables;
    }

    private static Object value(ResultSet resultSet, int position, Column column) throws SQLException {
        Object value = switch (column.type()) {
            case TEXT -> resultSet.getString(position);
            case BIGINT, INTEGER -> resultSet.getLong(position);
            case DOUBLE -> resultSet.getDouble(position);
            case BOOLEAN -> resultSet.getBoolean(position);
            case BYTES -> {
                byte[] bytes = resultSet.getBytes(position);
                yield bytes == null ? null : HexFormat.of().formatHex(bytes);
            }
        };
        return resultSet.wasNull() ? "NULL" : value;
    }

    static Table table(String name) {
        return BackupTables.byName(name).orElseThrow();
    }

    private static PreparedStatement insertStatement(Connection connection, String name) throws SQLException {
        Table table = table(name);
        return connection.prepareStatement("INSERT INTO " + name + " (" + String.join(", ", table.columnNames())
                + ") VALUES (" + String.join(", ", Collections.nCopies(table.columns().size(), "?")) + ")");
    }

    private static void insert(Connection connection, String name, Object... values) throws SQLException {
        try (PreparedStatement statement = insertStatement(connection, name)) {
            bind(statement, table(name), values);
            statement.executeUpdate();
        }
    }

    private static void bind(PreparedStatement statement, Table table, Object... values) throws SQLException {
        if (values.length != table.columns().size()) {
            throw new IllegalArgumentException(table.name() + ": " + values.length + " values for "
                    + table.columns().size() + " columns: " + Arrays.toString(values));
        }
        for (int index = 0; index < values.length; index++) {
            Object value = values[index];
            int position = index + 1;
            switch (table.columns().get(index).type()) {
                case TEXT -> statement.setString(position, (String) value);
                case BIGINT -> {
                    if (value == null) {
                        statement.setNull(position, Types.BIGINT);
                    } else {
                        statement.setLong(position, (Long) value);
                    }
                }
                case INTEGER -> {
                    if (value == null) {
                        statement.setNull(position, Types.INTEGER);
                    } else {
                        statement.setInt(position, ((Long) value).intValue());
                    }
                }
                case DOUBLE -> {
                    if (value == null) {
                        statement.setNull(position, Types.DOUBLE);
                    } else {
                        statement.setDouble(position, (Double) value);
                    }
                }
                case BOOLEAN -> {
                    if (value == null) {
                        statement.setNull(position, Types.BOOLEAN);
                    } else {
                        statement.setBoolean(position, (Boolean) value);
                    }
                }
                case BYTES -> statement.setBytes(position, (byte[]) value);
            }
        }
    }
}
