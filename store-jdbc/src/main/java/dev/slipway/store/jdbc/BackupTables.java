package dev.slipway.store.jdbc;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The tables a backup holds (every table of migrations V1 to V12 but Flyway's history, the leases and the failed
 * logins), in an order that inserts parents before the rows referring to them, with their columns and the portable
 * type of each; tables that refuse UPDATE and DELETE (append-only) come last. A backup refuses a database that has a
 * table or column missing here, so a migration that adds one must add it here too (and a test checks this list
 * against a freshly migrated database).
 */
final class BackupTables {
    /**
     * Tables that are the database's own business, never backed up: Flyway's history, run-once leases, and the failed
     * logins the replicas of a server count (minutes old at most).
     */
    static final Set<String> EXCLUDED = Set.of("flyway_schema_history", "leases", "login_failures");

    /** How a column's values are read, written to the file and bound. */
    enum ColumnType {
        TEXT,
        BIGINT,
        INTEGER,
        DOUBLE,
        BOOLEAN,
        BYTES;

        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Optional<ColumnType> fromWire(String name) {
            for (ColumnType type : values()) {
                if (type.wireName().equals(name)) {
                    return Optional.of(type);
                }
            }
            return Optional.empty();
        }
    }

    /** A column; {@code identity} when the database generates its values (auto-increment, serial). */
    record Column(String name, ColumnType type, boolean identity) {
        Column {
            requireNonNull(name, "name is null");
            requireNonNull(type, "type is null");
        }
    }

    /**
     * A table; {@code appendOnly} when the database refuses to update or delete its rows (triggers), so that an
     * import can only take them back by rolling their transaction back.
     */
    record Table(String name, List<Column> columns, boolean appendOnly) {
        Table {
            requireNonNull(name, "name is null");
            columns = List.copyOf(requireNonNull(columns, "columns is null"));
        }

        List<String> columnNames() {
            return columns.stream().map(Column::name).toList();
        }

        Optional<Column> identity() {
            return columns.stream().filter(Column::identity).findFirst();
        }
    }

    static final List<Table> TABLES = List.of(
            // V1 tracking
            table("experiments", "experiment_id bigint", "name text", "artifact_location text", "lifecycle_stage text",
                    "creation_time bigint", "last_update_time bigint"),
            table("experiment_tags", "experiment_id bigint", "name text", "value text"),
            table("runs", "run_uuid text", "name text", "experiment_id bigint", "user_id text", "status text",
                    "start_time bigint", "end_time bigint", "artifact_uri text", "lifecycle_stage text",
                    "deleted_time bigint"),
            table("params", "run_uuid text", "name text", "value text"),
            table("tags", "run_uuid text", "name text", "value text"),
            table("metrics", "run_uuid text", "name text", "step bigint", "timestamp_ms bigint", "value double",
                    "is_nan integer"),
            table("latest_metrics", "run_uuid text", "name text", "experiment_id bigint", "value double",
                    "timestamp_ms bigint", "step bigint", "is_nan integer"),
            table("datasets", "dataset_uuid text", "experiment_id bigint", "name text", "digest text",
                    "source_type text", "source text", "dataset_schema text", "dataset_profile text"),
            table("inputs", "input_uuid text", "dataset_uuid text", "run_uuid text"),
            table("input_tags", "input_uuid text", "name text", "value text"),
            // V2 registry, V3 model_versions.model_id
            table("registered_models", "name text", "creation_time bigint", "last_updated_time bigint",
                    "description text"),
            table("registered_model_tags", "name text", "tag_key text", "value text"),
            table("model_versions", "name text", "version bigint", "creation_time bigint", "last_updated_time bigint",
                    "description text", "user_id text", "current_stage text", "source text", "run_id text",
                    "run_link text", "status text", "model_id text"),
            table("model_version_tags", "name text", "version bigint", "tag_key text", "value text"),
            table("registered_model_aliases", "name text", "alias text", "version bigint"),
            // V4 logged models
            table("logged_models", "model_id text", "experiment_id bigint", "name text", "artifact_uri text",
                    "creation_time bigint", "last_updated_time bigint", "status text", "lifecycle_stage text",
                    "model_type text", "source_run_id text", "status_message text", "creator_id bigint"),
            table("logged_model_params", "model_id text", "name text", "value text"),
            table("logged_model_tags", "model_id text", "tag_key text", "value text"),
            table("logged_model_metrics", "model_id text", "name text", "timestamp_ms bigint", "step bigint",
                    "run_id text", "dataset_name text", "dataset_digest text", "value double", "is_nan integer"),
            table("run_model_outputs", "run_id text", "model_id text", "step bigint"),
            // V5 prediction log, V6 sketches
            table("served_predictions", "prediction_id bigint identity", "request_id text", "row_index integer",
                    "timestamp_ms bigint", "model_name text", "model_version text", "variant text", "inputs text",
                    "outputs text", "latency_ms double"),
            table("prediction_feedback", "request_id text", "row_index integer", "actual text", "timestamp_ms bigint"),
            table("prediction_sketches", "model_name text", "model_version text", "bucket_start_ms bigint",
                    "row_count bigint", "sketch bytes"),
            // V7 monitors
            table("monitors", "name text", "definition text", "creation_time_ms bigint", "last_update_time_ms bigint"),
            table("monitor_results", "result_id bigint identity", "monitor_name text", "time_ms bigint",
                    "window_start_ms bigint", "window_end_ms bigint", "row_count bigint", "status text",
                    "dataset_drift boolean", "drift_share double", "report text"),
            table("monitor_actions", "action_id bigint identity", "monitor_name text", "result_id bigint",
                    "time_ms bigint", "rule text", "cause text", "kind text", "target text", "succeeded boolean",
                    "detail text"),
            // V8 deployments
            table("deployment_status", "env text", "name text", "revision text", "model text", "model_name text",
                    "live_model text", "canary text", "canary_model_name text", "canary_weight integer",
                    "canary_step integer", "sync_status text", "health_status text", "message text", "endpoint text",
                    "agent text", "updated_time_ms bigint"),
            table("deployment_events", "event_id bigint identity", "env text", "name text", "time_ms bigint",
                    "kind text", "revision text", "message text", "evidence text"),
            // V9 users, permissions and tokens
            table("users", "user_id bigint", "username text", "password_hash text", "is_admin boolean",
                    "creation_time_ms bigint"),
            table("experiment_permissions", "experiment_id text", "user_id bigint", "permission text"),
            table("registered_model_permissions", "name text", "user_id bigint", "permission text"),
            table("access_tokens", "token_id text", "secret_hash text", "user_id bigint", "name text",
                    "creation_time_ms bigint", "expiration_time_ms bigint"),
            // V11 the lowest ids sequences may still hand out
            table("id_high_water", "name text", "next_value bigint"),
            // V10 audit log: append-only, so last
            appendOnly(table("audit_log", "audit_id bigint identity", "time_ms bigint", "user_name text",
                    "client_address text", "forwarded_for text", "method text", "route text", "action text",
                    "resource_type text", "resource_id text", "status integer", "before_state text",
                    "after_state text", "details text")));

    private BackupTables() {}

    static Optional<Table> byName(String name) {
        return TABLES.stream().filter(table -> table.name().equals(name)).findFirst();
    }

    /** A table from {@code "name type"} or {@code "name type identity"} column specifications. */
    private static Table table(String name, String... columnSpecs) {
        List<Column> columns = new ArrayList<>();
        for (String spec : columnSpecs) {
            String[] words = spec.split(" ");
            ColumnType type = ColumnType.valueOf(words[1].toUpperCase(Locale.ROOT));
            columns.add(new Column(words[0], type, words.length > 2 && words[2].equals("identity")));
        }
        return new Table(name, columns, false);
    }

    private static Table appendOnly(Table table) {
        return new Table(table.name(), table.columns(), true);
    }
}
