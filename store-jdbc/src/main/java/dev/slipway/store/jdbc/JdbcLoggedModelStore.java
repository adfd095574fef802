package dev.slipway.store.jdbc;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.logged.DatasetFilter;
import dev.slipway.core.logged.LoggedModel;
import dev.slipway.core.logged.LoggedModelInfo;
import dev.slipway.core.logged.LoggedModelMetric;
import dev.slipway.core.logged.LoggedModelOutput;
import dev.slipway.core.logged.LoggedModelOrder;
import dev.slipway.core.logged.LoggedModelStatus;
import dev.slipway.core.logged.LoggedModelStore;
import dev.slipway.core.logged.ModelRegistration;
import dev.slipway.core.logged.NewLoggedModel;
import dev.slipway.core.search.Comparison;
import dev.slipway.core.tracking.LifecycleStage;
import dev.slipway.core.tracking.Page;
import dev.slipway.core.tracking.Param;
import dev.slipway.core.tracking.Tag;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link LoggedModelStore} over SQLite, PostgreSQL or MySQL/MariaDB, in the database of the tracking store (its
 * models refer to the experiments there) and the registry (whose versions created from a model are its
 * registrations). Each write is one transaction (see {@link Transactions}). A search selects
 * one page of model ids, then loads those models with their params, tags, metrics and registrations in a few
 * queries. Thread-safe.
 */
public final class JdbcLoggedModelStore implements LoggedModelStore {
    private static final String MODEL_COLUMNS = "model_id, experiment_id, name, artifact_uri, creation_time, "
            + "last_updated_time, status, lifecycle_stage, model_type, source_run_id, status_message, creator_id";
    /** The run id column's value for a metric logged without a run: part of the key, so never NULL. */
    private static final String NO_RUN = "";

    private final Transactions transactions;
    private final Dialect dialect;
    private final SearchQueries searchQueries;
    private final TagWrites modelTags;
    private final WriteOnceParams modelParams;
    private final String upsertMetricSql;
    private final String upsertOutputSql;

    JdbcLoggedModelStore(Transactions transactions) {
        this.transactions = requireNonNull(transactions, "transactions is null");
        this.dialect = transactions.dialect();
        this.searchQueries = new SearchQueries(dialect);
        this.modelTags = new TagWrites(dialect, "logged_model_tags", "model_id", "tag_key");
        this.modelParams = new WriteOnceParams("logged_model_params", "model_id", "logged model");
        this.upsertMetricSql = dialect.upsert("logged_model_metrics", List.of("model_id", "name", "timestamp_ms",
                "step", "run_id", "dataset_name", "dataset_digest", "value", "is_nan"),
                List.of("model_id", "name", "timestamp_ms", "step", "run_id"),
                List.of("dataset_name", "dataset_digest", "value", "is_nan"));
        this.upsertOutputSql = dialect.upsert("run_model_outputs", List.of("run_id", "model_id", "step"),
                List.of("run_id", "model_id"), List.of("step"));
    }

    @Override
    public LoggedModel createLoggedModel(NewLoggedModel model) {
        requireNonNull(model, "model is null");
        long experimentId = JdbcTrackingStore.experimentNumber(model.experimentId())
                .orElseThrow(() -> JdbcTrackingStore.experimentNotFound(model.experimentId()));
        return transactions.write("creating logged model '" + model.name() + "'", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT 1 FROM experiments WHERE experiment_id = ?")) {
                statement.setLong(1, experimentId);
                try (ResultSet resultSet = statement.executeQuery()) {
                    if (!resultSet.next()) {
                        throw JdbcTrackingStore.experimentNotFound(model.experimentId());
                    }
                }
            }
            try (PreparedStatement statement = connection.prepareStatement("INSERT INTO logged_models ("
                    + MODEL_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                statement.setString(1, model.modelId());
                statement.setLong(2, experimentId);
                statement.setString(3, model.name());
                statement.setString(4, model.artifactUri());
                statement.setLong(5, model.creationTimestamp());
                statement.setLong(6, model.creationTimestamp());
                statement.setString(7, LoggedModelStatus.PENDING.name());
                statement.setString(8, LifecycleStage.ACTIVE.wireName());
                Sql.setOptional(statement, 9, model.modelType());
                Sql.setOptional(statement, 10, model.sourceRunId());
                statement.setNull(11, Types.VARCHAR);
                statement.setNull(12, Types.BIGINT);
                statement.executeUpdate();
            }
            modelParams.insert(connection, model.modelId(), model.params());
            modelTags.upsert(connection, model.modelId(), model.tags());
            return loadModels(connection, List.of(model.modelId()), true).get(0);
        });
    }

    @Override
    public Optional<LoggedModel> getLoggedModel(String modelId, boolean includeDeleted) {
        requireNonNull(modelId, "modelId is null");
        return transactions.read("reading logged model '" + modelId + "'", connection -> {
            List<LoggedModel> found = loadModels(connection, List.of(modelId), includeDeleted);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        });
    }

    @Override
    public void deleteLoggedModel(String modelId, long time) {
        requireNonNull(modelId, "modelId is null");
        transactions.write("deleting logged model '" + modelId + "'", connection -> {
            updateActiveModel(connection, modelId, new Sql().append("lifecycle_stage = ")
                    .bind(LifecycleStage.DELETED.wireName()).append(", last_updated_time = ").bind(time));
            return null;
        });
    }

    @Override
    public LoggedModel finalizeLoggedModel(String modelId, LoggedModelStatus status, long time) {
        requireNonNull(modelId, "modelId is null");
        requireNonNull(status, "status is null");
        return transactions.write("finalizing logged model '" + modelId + "'", connection -> {
            updateActiveModel(connection, modelId, new Sql().append("status = ").bind(status.name())
                    .append(", last_updated_time = ").bind(time));
            return loadModels(connection, List.of(modelId), false).get(0);
        });
    }

    @Override
    public void setLoggedModelTags(String modelId, List<Tag> tags, long time) {
        requireNonNull(modelId, "modelId is null");
        requireNonNull(tags, "tags is null");
        transactions.write("setting tags of logged model '" + modelId + "'", connection -> {
            touchActiveModel(connection, modelId, time);
            modelTags.upsert(connection, modelId, tags);
            return null;
        });
    }

    @Override
    public boolean deleteLoggedModelTag(String modelId, String key, long time) {
        requireNonNull(modelId, "modelId is null");
        requireNonNull(key, "key is null");
        return transactions.write("deleting a tag of logged model '" + modelId + "'", connection -> {
            touchActiveModel(connection, modelId, time);
            return modelTags.delete(connection, modelId, key);
        });
    }

    @Override
    public void logLoggedModelParams(String modelId, List<Param> params, long time) {
        requireNonNull(modelId, "modelId is null");
        requireNonNull(params, "params is null");
        transactions.write("logging params of logged model '" + modelId + "'", connection -> {
            touchActiveModel(connection, modelId, time);
            modelParams.insert(connection, modelId, params);
            return null;
        });
    }

    @Override
    public void logLoggedModelMetrics(String modelId, List<LoggedModelMetric> metrics) {
        requireNonNull(modelId, "modelId is null");
        requireNonNull(metrics, "metrics is null");
        transactions.write("logging metrics of logged model '" + modelId + "'", connection -> {
            requireActiveModel(connection, modelId);
            try (PreparedStatement statement = connection.prepareStatement(upsertMetricSql)) {
                for (LoggedModelMetric metric : metrics) {
                    boolean isNan = Double.isNaN(metric.value());
                    statement.setString(1, modelId);
                    statement.setString(2, metric.key());
                    statement.setLong(3, metric.timestamp());
                    statement.setLong(4, metric.step());
                    statement.setString(5, metric.runId().orElse(NO_RUN));
                    Sql.setOptional(statement, 6, metric.datasetName());
                    Sql.setOptional(statement, 7, metric.datasetDigest());
                    statement.setDouble(8, isNan ? 0.0 : metric.value());
                    statement.setInt(9, isNan ? 1 : 0);
                    statement.addBatch();
                }
                statement.executeBatch();
            }
            return null;
        });
    }

    @Override
    public void logRunOutputs(String runId, List<LoggedModelOutput> outputs) {
        requireNonNull(runId, "runId is null");
        requireNonNull(outputs, "outputs is null");
        transactions.write("logging the outputs of run '" + runId + "'", connection -> {
            for (LoggedModelOutput output : outputs) {
                requireActiveModel(connection, output.modelId());
            }
            try (PreparedStatement statement = connection.prepareStatement(upsertOutputSql)) {
                for (LoggedModelOutput output : outputs) {
                    statement.setString(1, runId);
                    statement.setString(2, output.modelId());
                    statement.setLong(3, output.step());
                    statement.addBatch();
                }
                statement.executeBatch();
            }
            return null;
        });
    }

    @Override
    public List<LoggedModelOutput> runOutputs(String runId) {
        requireNonNull(runId, "runId is null");
        return transactions.read("reading the outputs of run '" + runId + "'", connection -> {
            List<LoggedModelOutput> outputs = new ArrayList<>();
            Sql.forEachRow(connection, new Sql().append("SELECT model_id, step FROM run_model_outputs WHERE run_id = ")
                    .bind(runId).append(" ORDER BY model_id"), resultSet ->
                    outputs.add(new LoggedModelOutput(resultSet.getString(1), resultSet.getLong(2))));
            return List.copyOf(outputs);
        });
    }

    @Override
    public Page<LoggedModel> searchLoggedModels(List<String> experimentIds, List<Comparison> filter,
            List<DatasetFilter> datasets, List<LoggedModelOrder> orderBy, int maxResults, long offset) {
        List<Long> experiments = experimentIds.stream().map(JdbcTrackingStore::experimentNumber)
                .flatMap(Optional::stream).distinct().toList();
        if (experiments.isEmpty()) {
            return new Page<>(List.of(), Optional.empty());
        }
        Sql query = new Sql().append("SELECT m.model_id FROM logged_models m WHERE m.lifecycle_stage = ")
                .bind(LifecycleStage.ACTIVE.wireName()).append(" AND m.experiment_id IN ").bindList(experiments);
        boolean metricFilter = false;
        for (Comparison comparison : filter) {
            query.append(" AND ");
            switch (comparison.type()) {
                case ATTRIBUTE -> appendAttributeComparison(query, comparison);
                case PARAM -> searchQueries.appendKeyValueMatch(query, "logged_model_params v",
                        "v.model_id = m.model_id", "v.name", "v.value", comparison);
                case TAG -> searchQueries.appendKeyValueMatch(query, "logged_model_tags v", "v.model_id = m.model_id",
                        "v.tag_key", "v.value", comparison);
                case METRIC -> {
                    metricFilter = true;
                    query.append("EXISTS (SELECT 1 FROM logged_model_metrics x WHERE x.model_id = m.model_id AND "
                            + "x.name = ").bind(comparison.key()).append(" AND x.is_nan = 0 AND x.value "
                            + SearchQueries.checkedNumericOperator(comparison) + " ").bind(comparison.number());
                    appendDatasetCondition(query, datasets);
                    query.append(")");
                }
                case DATASET -> throw new IllegalArgumentException(
                        "Unsupported comparison in a logged model search: " + comparison);
            }
        }
        if (!datasets.isEmpty() && !metricFilter) {
            query.append(" AND EXISTS (SELECT 1 FROM logged_model_metrics x WHERE x.model_id = m.model_id");
            appendDatasetCondition(query, datasets);
            query.append(")");
        }
        query.append(" ORDER BY ");
        boolean byCreation = false;
        for (LoggedModelOrder term : orderBy) {
            String direction = term.ascending() ? " ASC, " : " DESC, ";
            switch (term.type()) {
                case ATTRIBUTE -> {
                    String column = attributeColumn(term.key());
                    byCreation |= column.equals("m.creation_time");
                    if (column.equals("m.model_type") || column.equals("m.source_run_id")) {
                        query.append("CASE WHEN " + column + " IS NULL THEN 1 ELSE 0 END, ");
                    }
                    query.append(column).append(direction);
                }
                case METRIC -> {
                    Sql latest = latestMetricValue(term);
                    query.append("CASE WHEN ").append(latest).append(" IS NULL THEN 1 ELSE 0 END, ").append(latest)
                            .append(direction);
                }
                case PARAM, TAG, DATASET -> throw new IllegalArgumentException(
                        "Unsupported order term in a logged model search: " + term);
            }
        }
        if (!byCreation) {
            query.append("m.creation_time DESC, ");
        }
        query.append("m.model_id ASC LIMIT ").bind(maxResults + 1).append(" OFFSET ").bind(offset);
        return transactions.read("searching logged models", connection -> {
            List<String> ids = new ArrayList<>();
            Sql.forEachRow(connection, query, resultSet -> ids.add(resultSet.getString(1)));
            return Sql.offsetPage(ids, maxResults, offset, page -> loadModels(connection, page, false));
        });
    }

    @Override
    public void close() {
        transactions.close();
    }

    // ---- search pieces -------------------------------------------------------------------------

    private void appendAttributeComparison(Sql query, Comparison comparison) {
        String column = attributeColumn(comparison.key());
        if (column.equals("m.creation_time") || column.equals("m.last_updated_time")) {
            query.append(column + " " + SearchQueries.checkedNumericOperator(comparison) + " ")
                    .bind(SearchQueries.integralOrDouble(comparison.number()));
        } else {
            dialect.appendStringComparison(query, column, comparison.operator(), comparison.value());
        }
    }

    /** {@code AND ((x.dataset_name = ? AND x.dataset_digest = ?) OR ...)} when there are datasets. */
    private static void appendDatasetCondition(Sql query, List<DatasetFilter> datasets) {
        if (datasets.isEmpty()) {
            return;
        }
        query.append(" AND (");
        for (int index = 0; index < datasets.size(); index++) {
            DatasetFilter dataset = datasets.get(index);
            query.append(index == 0 ? "(" : " OR (").append("x.dataset_name = ").bind(dataset.datasetName());
            if (dataset.datasetDigest().isPresent()) {
                query.append(" AND x.dataset_digest = ").bind(dataset.datasetDigest().get());
            }
            query.append(")");
        }
        query.append(")");
    }

    /** The latest value (by timestamp, then step) of the term's metric, NULL when there is none or it is NaN. */
    private static Sql latestMetricValue(LoggedModelOrder term) {
        Sql sql = new Sql().append("(SELECT CASE WHEN x.is_nan = 1 THEN NULL ELSE x.value END FROM "
                + "logged_model_metrics x WHERE x.model_id = m.model_id AND x.name = ").bind(term.key());
        if (term.datasetName().isPresent()) {
            sql.append(" AND x.dataset_name = ").bind(term.datasetName().get());
        }
        if (term.datasetDigest().isPresent()) {
            sql.append(" AND x.dataset_digest = ").bind(term.datasetDigest().get());
        }
        return sql.append(" ORDER BY x.timestamp_ms DESC, x.step DESC LIMIT 1)");
    }

    private static String attributeColumn(String key) {
        return switch (key) {
            case "name" -> "m.name";
            case "model_id" -> "m.model_id";
            case "model_type" -> "m.model_type";
            case "status" -> "m.status";
            case "source_run_id" -> "m.source_run_id";
            case "creation_timestamp" -> "m.creation_time";
            case "last_updated_timestamp" -> "m.last_updated_time";
            default -> throw new IllegalArgumentException("Unsupported logged model attribute: " + key);
        };
    }

    // ---- loading -------------------------------------------------------------------------------

    /** The models with the ids, in the order of the ids; missing ones (and deleted ones unless asked) left out. */
    private List<LoggedModel> loadModels(Connection connection, List<String> modelIds, boolean includeDeleted)
            throws SQLException {
        if (modelIds.isEmpty()) {
            return List.of();
        }
        Map<String, LoggedModelInfo> infos = new HashMap<>();
        Map<String, List<Tag>> tags = new HashMap<>();
        Map<String, List<Param>> params = new HashMap<>();
        Map<String, List<LoggedModelMetric>> metrics = new HashMap<>();
        Map<String, List<ModelRegistration>> registrations = new HashMap<>();
        for (List<String> chunk : Sql.inChunks(modelIds)) {
            Sql query = new Sql().append("SELECT " + MODEL_COLUMNS + " FROM logged_models WHERE model_id IN ")
                    .bindList(chunk);
            if (!includeDeleted) {
                query.append(" AND lifecycle_stage = ").bind(LifecycleStage.ACTIVE.wireName());
            }
            Sql.forEachRow(connection, query, resultSet -> infos.put(resultSet.getString(1), info(resultSet)));
            Sql.forEachRow(connection, new Sql().append("SELECT model_id, tag_key, value FROM logged_model_tags WHERE "
                    + "model_id IN ").bindList(chunk).append(" ORDER BY model_id, tag_key"), resultSet ->
                    tags.computeIfAbsent(resultSet.getString(1), id -> new ArrayList<>())
                            .add(new Tag(resultSet.getString(2), resultSet.getString(3))));
            Sql.forEachRow(connection, new Sql().append("SELECT model_id, name, value FROM logged_model_params WHERE "
                    + "model_id IN ").bindList(chunk).append(" ORDER BY model_id, name"), resultSet ->
                    params.computeIfAbsent(resultSet.getString(1), id -> new ArrayList<>())
                            .add(new Param(resultSet.getString(2), resultSet.getString(3))));
            Sql.forEachRow(connection, new Sql().append("SELECT model_id, name, value, is_nan, timestamp_ms, step, "
                    + "run_id, dataset_name, dataset_digest FROM logged_model_metrics WHERE model_id IN ")
                    .bindList(chunk).append(" ORDER BY model_id, name, step, timestamp_ms, run_id"), resultSet ->
                    metrics.computeIfAbsent(resultSet.getString(1), id -> new ArrayList<>()).add(metric(resultSet)));
            // the registry's versions created from these models, deleted ones excluded
            Sql.forEachRow(connection, new Sql().append("SELECT model_id, name, version FROM model_versions "
                    + "WHERE model_id IN ").bindList(chunk).append(" AND current_stage <> ")
                    .bind(JdbcRegistryStore.DELETED_STAGE).append(" ORDER BY model_id, name, version"), resultSet ->
                    registrations.computeIfAbsent(resultSet.getString(1), id -> new ArrayList<>())
                            .add(new ModelRegistration(resultSet.getString(2), String.valueOf(resultSet.getLong(3)))));
        }
        List<LoggedModel> models = new ArrayList<>();
        for (String modelId : modelIds) {
            LoggedModelInfo info = infos.get(modelId);
            if (info == null) {
                continue;
            }
            LoggedModelInfo complete = new LoggedModelInfo(info.modelId(), info.experimentId(), info.name(),
                    info.creationTimestamp(), info.lastUpdatedTimestamp(), info.artifactUri(), info.status(),
                    info.creatorId(), info.modelType(), info.sourceRunId(), info.statusMessage(),
                    info.lifecycleStage(), tags.getOrDefault(modelId, List.of()),
                    registrations.getOrDefault(modelId, List.of()));
            models.add(new LoggedModel(complete, params.getOrDefault(modelId, List.of()),
                    metrics.getOrDefault(modelId, List.of())));
        }
        return List.copyOf(models);
    }

    private static LoggedModelInfo info(ResultSet resultSet) throws SQLException {
        long creatorId = resultSet.getLong(12);
        Optional<Long> creator = resultSet.wasNull() ? Optional.empty() : Optional.of(creatorId);
        return new LoggedModelInfo(resultSet.getString(1), String.valueOf(resultSet.getLong(2)),
                resultSet.getString(3), resultSet.getLong(5), resultSet.getLong(6), resultSet.getString(4),
                LoggedModelStatus.valueOf(resultSet.getString(7)), creator,
                Optional.ofNullable(resultSet.getString(9)), Optional.ofNullable(resultSet.getString(10)),
                Optional.ofNullable(resultSet.getString(11)), LifecycleStage.fromWire(resultSet.getString(8)),
                List.of(), List.of());
    }

    private static LoggedModelMetric metric(ResultSet resultSet) throws SQLException {
        double value = resultSet.getInt(4) == 1 ? Double.NaN : resultSet.getDouble(3);
        String runId = resultSet.getString(7);
        return new LoggedModelMetric(resultSet.getString(2), value, resultSet.getLong(5), resultSet.getLong(6),
                runId.isEmpty() ? Optional.empty() : Optional.of(runId), Optional.ofNullable(resultSet.getString(8)),
                Optional.ofNullable(resultSet.getString(9)));
    }

    // ---- writes --------------------------------------------------------------------------------

    /** Checks that the model exists and is active, and sets its update time. */
    private static void touchActiveModel(Connection connection, String modelId, long time) throws SQLException {
        updateActiveModel(connection, modelId, new Sql().append("last_updated_time = ").bind(time));
    }

    /** Applies the assignments to the model; fails with not found unless it exists and is active. */
    private static void updateActiveModel(Connection connection, String modelId, Sql assignments)
            throws SQLException {
        Sql update = new Sql().append("UPDATE logged_models SET ").append(assignments).append(" WHERE model_id = ")
                .bind(modelId).append(" AND lifecycle_stage = ").bind(LifecycleStage.ACTIVE.wireName());
        try (PreparedStatement statement = update.prepare(connection)) {
            if (statement.executeUpdate() == 0) {
                throw LoggedModel.notFound(modelId);
            }
        }
    }

    private static void requireActiveModel(Connection connection, String modelId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT 1 FROM logged_models WHERE model_id = ? AND lifecycle_stage = ?")) {
            statement.setString(1, modelId);
            statement.setString(2, LifecycleStage.ACTIVE.wireName());
            try (ResultSet resultSet = statement.executeQuery()) {
                if (!resultSet.next()) {
                    throw LoggedModel.notFound(modelId);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "JdbcLoggedModelStore[" + dialect + "]";
    }
}
