package dev.slipway.store.jdbc;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariDataSource;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.search.Comparison;
import dev.slipway.core.search.EntityType;
import dev.slipway.core.search.Literal;
import dev.slipway.core.search.Operator;
import dev.slipway.core.search.OrderBy;
import dev.slipway.core.search.PageToken;
import dev.slipway.core.tracking.Dataset;
import dev.slipway.core.tracking.DatasetInput;
import dev.slipway.core.tracking.Experiment;
import dev.slipway.core.tracking.LifecycleStage;
import dev.slipway.core.tracking.Metric;
import dev.slipway.core.tracking.NewRun;
import dev.slipway.core.tracking.Page;
import dev.slipway.core.tracking.Param;
import dev.slipway.core.tracking.Run;
import dev.slipway.core.tracking.RunInfo;
import dev.slipway.core.tracking.RunMetric;
import dev.slipway.core.tracking.RunStats;
import dev.slipway.core.tracking.RunStatus;
import dev.slipway.core.tracking.RunUpdate;
import dev.slipway.core.tracking.Tag;
import dev.slipway.core.tracking.TrackingService;
import dev.slipway.core.tracking.TrackingStore;
import dev.slipway.core.tracking.ViewType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A {@link TrackingStore} over SQLite, PostgreSQL or MySQL/MariaDB through a HikariCP pool.
 *
 * <p>Each write is one transaction. On SQLite the writers of this store take turns on one JVM lock, so
 * concurrent requests never see SQLITE_BUSY; reads run concurrently on the pool. Search selects a page of run
 * ids first and then loads the data of those runs with IN queries, never joining params, tags and metrics of
 * all runs together. Thread-safe.
 */
public final class JdbcTrackingStore implements TrackingStore {
    private static final String RUN_COLUMNS = "run_uuid, experiment_id, name, user_id, status, start_time, end_time, "
            + "artifact_uri, lifecycle_stage";
    private static final String EXPERIMENT_COLUMNS = "experiment_id, name, artifact_location, lifecycle_stage, "
            + "creation_time, last_update_time";
    private static final List<String> METRIC_COLUMNS = List.of("run_uuid", "name", "step", "timestamp_ms", "value",
            "is_nan");
    private static final List<String> LATEST_METRIC_COLUMNS = List.of("run_uuid", "name", "experiment_id", "value",
            "timestamp_ms", "step", "is_nan");
    private static final List<String> LATEST_METRIC_VALUES = List.of("value", "timestamp_ms", "step", "is_nan");
    private static final Comparator<Metric> HISTORY_ORDER = Comparator.comparing(Metric::key)
            .thenComparingLong(Metric::step).thenComparingLong(Metric::timestamp)
            .thenComparingDouble(Metric::value);

    private final HikariDataSource dataSource;
    private final Dialect dialect;
    private final Transactions transactions;
    private final SearchQueries searchQueries;
    private final String insertMetricSql;
    private final String raiseLatestMetricSql;
    private final String updateLatestMetricWhereOlderSql;
    private final TagWrites runTags;
    private final WriteOnceParams runParams;

    JdbcTrackingStore(HikariDataSource dataSource, Dialect dialect) {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
        this.dialect = requireNonNull(dialect, "dialect is null");
        this.transactions = new Transactions(dataSource, dialect);
        this.searchQueries = new SearchQueries(dialect);
        this.insertMetricSql = dialect.insertIgnoringDuplicates("metrics", METRIC_COLUMNS);
        // Where the database has a conditional upsert, one statement inserts or raises the latest value; else the
        // insert only adds missing keys and a second statement raises older values.
        if (dialect.hasConditionalUpsert()) {
            this.raiseLatestMetricSql = dialect.upsert("latest_metrics", LATEST_METRIC_COLUMNS,
                    List.of("run_uuid", "name"), LATEST_METRIC_VALUES)
                    + " WHERE (excluded.step, excluded.timestamp_ms, excluded.is_nan, excluded.value) > "
                    + "(latest_metrics.step, latest_metrics.timestamp_ms, latest_metrics.is_nan, latest_metrics.value)";
        } else {
            this.raiseLatestMetricSql = dialect.insertIgnoringDuplicates("latest_metrics", LATEST_METRIC_COLUMNS);
        }
        this.updateLatestMetricWhereOlderSql = "UPDATE latest_metrics SET value = ?, timestamp_ms = ?, step = ?, "
                + "is_nan = ? WHERE run_uuid = ? AND name = ? AND (step, timestamp_ms, is_nan, value) < (?, ?, ?, ?)";
        this.runTags = new TagWrites(dialect, "tags", "run_uuid", "name");
        this.runParams = new WriteOnceParams("params", "run_uuid", "run");
    }

    // ---- experiments ---------------------------------------------------------------------------

    @Override
    public String createExperiment(String name, Optional<String> artifactLocation, String defaultArtifactRoot,
            List<Tag> tags, long creationTime) {
        requireNonNull(name, "name is null");
        requireNonNull(artifactLocation, "artifactLocation is null");
        requireNonNull(defaultArtifactRoot, "defaultArtifactRoot is null");
        requireNonNull(tags, "tags is null");
        return write("creating experiment '" + name + "'", connection -> {
            dialect.lockExperimentIds(connection);
            requireNameUnused(connection, name, Optional.empty());
            // The largest id plus one, but never an id of an experiment that gc removed (its high-water mark).
            long experimentId;
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT COALESCE(MAX(experiment_id) + 1, 0), (SELECT next_value FROM id_high_water "
                            + "WHERE name = 'experiments') FROM experiments");
                    ResultSet resultSet = statement.executeQuery()) {
                resultSet.next();
                experimentId = Math.max(resultSet.getLong(1), resultSet.getLong(2));
            }
            String id = String.valueOf(experimentId);
            String location = artifactLocation.orElseGet(() -> TrackingService.joinUri(defaultArtifactRoot, id));
            try (PreparedStatement statement = connection.prepareStatement("INSERT INTO experiments ("
                    + EXPERIMENT_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)")) {
                statement.setLong(1, experimentId);
                statement.setString(2, name);
                statement.setString(3, location);
                statement.setString(4, LifecycleStage.ACTIVE.wireName());
                statement.setLong(5, creationTime);
                statement.setLong(6, creationTime);
                statement.executeUpdate();
            }
            List<Tag> uniqueTags = TagWrites.lastValuePerKey(tags);
            if (!uniqueTags.isEmpty()) {
                try (PreparedStatement statement = connection.prepareStatement(
                        "INSERT INTO experiment_tags (experiment_id, name, value) VALUES (?, ?, ?)")) {
                    for (Tag tag : uniqueTags) {
                        statement.setLong(1, experimentId);
                        statement.setString(2, tag.key());
                        statement.setString(3, tag.value());
                        statement.addBatch();
                    }
                    statement.executeBatch();
                }
            }
            return id;
        });
    }

    @Override
    public Optional<Experiment> getExperiment(String experimentId) {
        Optional<Long> id = experimentNumber(experimentId);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        return read("reading experiment " + experimentId,
                connection -> experimentWhere(connection, "experiment_id = ?", id.get()));
    }

    @Override
    public Optional<Experiment> getExperimentByName(String name) {
        requireNonNull(name, "name is null");
        return read("reading experiment '" + name + "'", connection -> experimentWhere(connection, "name = ?", name));
    }

    @Override
    public Page<Experiment> searchExperiments(ViewType viewType, List<Comparison> filter, List<OrderBy> orderBy,
            int maxResults, long offset) {
        Sql query = searchQueries.experimentPage(viewType, filter, orderBy, maxResults + 1, offset);
        return read("searching experiments", connection -> {
            List<Experiment> found = new ArrayList<>();
            Sql.forEachRow(connection, query, resultSet -> found.add(experiment(resultSet, List.of())));
            return Sql.offsetPage(found, maxResults, offset, page -> {
                Map<Long, List<Tag>> tags = experimentTags(connection,
                        page.stream().map(experiment -> Long.parseLong(experiment.experimentId())).toList());
                return page.stream().map(experiment -> withTags(experiment,
                        tags.getOrDefault(Long.parseLong(experiment.experimentId()), List.of()))).toList();
            });
        });
    }

    @Override
    public void setExperimentLifecycleStage(String experimentId, LifecycleStage stage, long updateTime) {
        long id = requireExperimentId(experimentId);
        write("changing the lifecycle stage of experiment " + experimentId, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "UPDATE experiments SET lifecycle_stage = ?, last_update_time = ? WHERE experiment_id = ?")) {
                statement.setString(1, stage.wireName());
                statement.setLong(2, updateTime);
                statement.setLong(3, id);
                if (statement.executeUpdate() == 0) {
                    throw experimentNotFound(experimentId);
                }
            }
            try (PreparedStatement statement = connection.prepareStatement(
                    "UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE experiment_id = ?")) {
                statement.setString(1, stage.wireName());
                setDeletedTime(statement, 2, stage, updateTime);
                statement.setLong(3, id);
                statement.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void renameExperiment(String experimentId, String newName, long updateTime) {
        long id = requireExperimentId(experimentId);
        requireNonNull(newName, "newName is null");
        write("renaming experiment " + experimentId, connection -> {
            requireNameUnused(connection, newName, Optional.of(id));
            try (PreparedStatement statement = connection.prepareStatement(
                    "UPDATE experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?")) {
                statement.setString(1, newName);
                statement.setLong(2, updateTime);
                statement.setLong(3, id);
                if (statement.executeUpdate() == 0) {
                    throw experimentNotFound(experimentId);
                }
            }
            return null;
        });
    }

    @Override
    public void setExperimentTag(String experimentId, Tag tag) {
        long id = requireExperimentId(experimentId);
        requireNonNull(tag, "tag is null");
        write("setting a tag of experiment " + experimentId, connection -> {
            if (experimentWhere(connection, "experiment_id = ?", id).isEmpty()) {
                throw experimentNotFound(experimentId);
            }
            try (PreparedStatement statement = connection.prepareStatement(dialect.upsert("experiment_tags",
                    List.of("experiment_id", "name", "value"), List.of("experiment_id", "name"), List.of("value")))) {
                statement.setLong(1, id);
                statement.setString(2, tag.key());
                statement.setString(3, tag.value());
                statement.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public boolean deleteExperimentTag(String experimentId, String key) {
        Optional<Long> id = experimentNumber(experimentId);
        if (id.isEmpty()) {
            return false;
        }
        return write("deleting a tag of experiment " + experimentId, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "DELETE FROM experiment_tags WHERE experiment_id = ? AND name = ?")) {
                statement.setLong(1, id.get());
                statement.setString(2, key);
                return statement.executeUpdate() > 0;
            }
        });
    }

    // ---- runs ----------------------------------------------------------------------------------

    @Override
    public void createRun(NewRun run) {
        requireNonNull(run, "run is null");
        long experimentId = requireExperimentId(run.experimentId());
        write("creating run " + run.runId(), connection -> {
            if (experimentWhere(connection, "experiment_id = ?", experimentId).isEmpty()) {
                throw experimentNotFound(run.experimentId());
            }
            try (PreparedStatement statement = connection.prepareStatement("INSERT INTO runs (" + RUN_COLUMNS
                    + ", deleted_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                statement.setString(1, run.runId());
                statement.setLong(2, experimentId);
                statement.setString(3, run.runName());
                statement.setString(4, run.userId());
                statement.setString(5, RunStatus.RUNNING.name());
                statement.setLong(6, run.startTime());
                statement.setNull(7, Types.BIGINT);
                statement.setString(8, run.artifactUri());
                statement.setString(9, LifecycleStage.ACTIVE.wireName());
                statement.setNull(10, Types.BIGINT);
                statement.executeUpdate();
            }
            runTags.upsert(connection, run.runId(), run.tags());
            return null;
        });
    }

    @Override
    public Optional<RunInfo> getRunInfo(String runId) {
        requireNonNull(runId, "runId is null");
        return read("reading run " + runId, connection -> runInfo(connection, runId));
    }

    @Override
    public Optional<Run> getRun(String runId) {
        requireNonNull(runId, "runId is null");
        return read("reading run " + runId, connection -> {
            List<Run> runs = loadRuns(connection, List.of(runId));
            return runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(0));
        });
    }

    @Override
    public RunInfo updateRun(String runId, RunUpdate update) {
        requireNonNull(runId, "runId is null");
        requireNonNull(update, "update is null");
        return write("updating run " + runId, connection -> {
            List<String> assignments = new ArrayList<>();
            List<Object> values = new ArrayList<>();
            update.status().ifPresent(status -> {
                assignments.add("status = ?");
                values.add(status.name());
            });
            update.endTime().ifPresent(endTime -> {
                assignments.add("end_time = ?");
                values.add(endTime);
            });
            update.runName().ifPresent(name -> {
                assignments.add("name = ?");
                values.add(name);
            });
            if (!assignments.isEmpty()) {
                values.add(runId);
                try (PreparedStatement statement = connection.prepareStatement(
                        "UPDATE runs SET " + String.join(", ", assignments) + " WHERE run_uuid = ?")) {
                    Sql.bindAll(statement, values);
                    statement.executeUpdate();
                }
            }
            return runInfo(connection, runId).orElseThrow(() -> runNotFound(runId));
        });
    }

    @Override
    public void setRunLifecycleStage(String runId, LifecycleStage stage, long updateTime) {
        requireNonNull(runId, "runId is null");
        requireNonNull(stage, "stage is null");
        write("changing the lifecycle stage of run " + runId, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE run_uuid = ?")) {
                statement.setString(1, stage.wireName());
                setDeletedTime(statement, 2, stage, updateTime);
                statement.setString(3, runId);
                if (statement.executeUpdate() == 0) {
                    throw runNotFound(runId);
                }
            }
            return null;
        });
    }

    @Override
    public void logBatch(String runId, List<Metric> metrics, List<Param> params, List<Tag> tags) {
        requireNonNull(runId, "runId is null");
        requireNonNull(metrics, "metrics is null");
        requireNonNull(params, "params is null");
        requireNonNull(tags, "tags is null");
        if (metrics.isEmpty() && params.isEmpty() && tags.isEmpty()) {
            return;
        }
        // Prepared before the transaction, which on SQLite holds the one write lock.
        List<Metric> history = new ArrayList<>(metrics);
        history.sort(HISTORY_ORDER);
        Map<String, Metric> latest = new TreeMap<>();
        for (Metric metric : metrics) {
            latest.merge(metric.key(), metric, (current, candidate) -> candidate.isLaterThan(current)
                    ? candidate : current);
        }
        List<Tag> uniqueTags = TagWrites.lastValuePerKey(tags);
        write("logging to run " + runId, connection -> {
            long experimentId = experimentIdOfRun(connection, runId);
            if (!params.isEmpty()) {
                runParams.insert(connection, runId, params);
            }
            if (!uniqueTags.isEmpty()) {
                runTags.upsert(connection, runId, uniqueTags);
            }
            if (!history.isEmpty()) {
                writeMetrics(connection, runId, experimentId, history, latest.values());
            }
            return null;
        });
    }

    @Override
    public boolean deleteRunTag(String runId, String key) {
        requireNonNull(runId, "runId is null");
        requireNonNull(key, "key is null");
        return write("deleting a tag of run " + runId, connection -> runTags.delete(connection, runId, key));
    }

    @Override
    public void logInputs(String runId, List<DatasetInput> inputs) {
        requireNonNull(runId, "runId is null");
        requireNonNull(inputs, "inputs is null");
        if (inputs.isEmpty()) {
            return;
        }
        write("logging inputs of run " + runId, connection -> {
            long experimentId = experimentIdOfRun(connection, runId);
            for (DatasetInput input : inputs) {
                String datasetId = findOrCreateDataset(connection, experimentId, input.dataset());
                if (inputExists(connection, runId, datasetId)) {
                    continue;
                }
                String inputId = newId();
                try (PreparedStatement statement = connection.prepareStatement(
                        "INSERT INTO inputs (input_uuid, dataset_uuid, run_uuid) VALUES (?, ?, ?)")) {
                    statement.setString(1, inputId);
                    statement.setString(2, datasetId);
                    statement.setString(3, runId);
                    statement.executeUpdate();
                }
                List<Tag> inputTags = TagWrites.lastValuePerKey(input.tags());
                if (!inputTags.isEmpty()) {
                    try (PreparedStatement statement = connection.prepareStatement(
                            "INSERT INTO input_tags (input_uuid, name, value) VALUES (?, ?, ?)")) {
                        for (Tag tag : inputTags) {
                            statement.setString(1, inputId);
                            statement.setString(2, tag.key());
                            statement.setString(3, tag.value());
                            statement.addBatch();
                        }
                        statement.executeBatch();
                    }
                }
            }
            return null;
        });
    }

    @Override
    public Page<Run> searchRuns(List<String> experimentIds, List<Comparison> filter, ViewType viewType,
            List<OrderBy> orderBy, int maxResults, long offset) {
        List<Long> ids = experimentIds.stream().map(JdbcTrackingStore::experimentNumber).flatMap(Optional::stream)
                .distinct().toList();
        if (ids.isEmpty() || maxResults <= 0) {
            return new Page<>(List.of(), Optional.empty());
        }
        SearchQueries.RunQuery plan = searchQueries.planRuns(ids, filter, viewType, orderBy);
        // Runs with a (non-NaN) value of a leading metric sort first. When they fill the page, the page comes from
        // the metric's index instead of from sorting every run of the experiments.
        Optional<SearchQueries.RunQuery> presentFirstPlan = presenceOfLeadingMetric(filter, orderBy).map(presence -> {
            List<Comparison> withPresence = new ArrayList<>(filter);
            withPresence.add(presence);
            return searchQueries.planRuns(ids, withPresence, viewType, orderBy);
        });
        return read("searching runs", connection -> {
            List<String> runIds = List.of();
            if (presentFirstPlan.isPresent()) {
                runIds = pageOfRunIds(connection, presentFirstPlan.get(), maxResults, offset);
            }
            if (runIds.size() < maxResults) {
                runIds = pageOfRunIds(connection, plan, maxResults, offset);
            }
            List<Run> runs = loadRuns(connection, runIds);
            Optional<String> next = runIds.size() == maxResults
                    ? Optional.of(PageToken.encode(offset + maxResults))
                    : Optional.empty();
            return new Page<>(runs, next);
        });
    }

    @Override
    public Map<String, RunStats> runStats(List<String> experimentIds, ViewType viewType) {
        requireNonNull(experimentIds, "experimentIds is null");
        requireNonNull(viewType, "viewType is null");
        List<Long> ids = experimentIds.stream().map(JdbcTrackingStore::experimentNumber).flatMap(Optional::stream)
                .distinct().toList();
        if (ids.isEmpty()) {
            return Map.of();
        }
        return read("counting runs", connection -> {
            Map<String, RunStats> counts = new HashMap<>();
            for (List<Long> chunk : Sql.inChunks(ids)) {
                Sql query = new Sql().append("SELECT experiment_id, COUNT(*), MAX(start_time) FROM runs WHERE experiment_id IN ")
                        .bindList(chunk);
                switch (viewType) {
                    case ACTIVE_ONLY -> query.append(" AND lifecycle_stage = ").bind(LifecycleStage.ACTIVE.wireName());
                    case DELETED_ONLY -> query.append(" AND lifecycle_stage = ")
                            .bind(LifecycleStage.DELETED.wireName());
                    case ALL -> { }
                }
                query.append(" GROUP BY experiment_id");
                Sql.forEachRow(connection, query,
                        resultSet -> counts.put(String.valueOf(resultSet.getLong(1)),
                                new RunStats(resultSet.getLong(2), resultSet.getLong(3))));
            }
            return Map.copyOf(counts);
        });
    }

    /**
     * When the search is ordered first by a metric that the filter does not constrain, the comparison that holds
     * exactly for runs with a non-NaN value of it (every stored value is finite, at least -Double.MAX_VALUE).
     */
    private static Optional<Comparison> presenceOfLeadingMetric(List<Comparison> filter, List<OrderBy> orderBy) {
        if (orderBy.isEmpty() || orderBy.get(0).type() != EntityType.METRIC) {
            return Optional.empty();
        }
        String key = orderBy.get(0).key();
        boolean filtered = filter.stream().anyMatch(comparison -> comparison.type() == EntityType.METRIC
                && comparison.key().equals(key));
        return filtered ? Optional.empty() : Optional.of(new Comparison(EntityType.METRIC, key, Operator.GE,
                new Literal.Number(-Double.MAX_VALUE, String.valueOf(-Double.MAX_VALUE))));
    }

    private List<String> pageOfRunIds(Connection connection, SearchQueries.RunQuery plan, int maxResults,
            long offset) throws SQLException {
        Optional<Object> bound = Optional.empty();
        Optional<Sql> boundQuery = searchQueries.runPageBound(plan, maxResults, offset);
        if (boundQuery.isPresent()) {
            try (PreparedStatement statement = boundQuery.get().prepare(connection);
                    ResultSet resultSet = statement.executeQuery()) {
                if (resultSet.next()) {
                    boolean metric = plan.leading().orElseThrow().metricJoin().isPresent();
                    bound = Optional.of(metric ? (Object) resultSet.getDouble(1) : (Object) resultSet.getLong(1));
                }
            }
        }
        List<String> runIds = new ArrayList<>();
        try (PreparedStatement statement = searchQueries.runPage(plan, maxResults, offset, bound).prepare(connection);
                ResultSet resultSet = statement.executeQuery()) {
            while (resultSet.next()) {
                runIds.add(resultSet.getString(1));
            }
        }
        return runIds;
    }

    // ---- metric history ------------------------------------------------------------------------

    @Override
    public void streamMetricHistory(String runId, String metricKey, long offset, long limit, Consumer<Metric> sink) {
        requireNonNull(runId, "runId is null");
        requireNonNull(metricKey, "metricKey is null");
        requireNonNull(sink, "sink is null");
        if (limit <= 0) {
            return;
        }
        boolean paged = offset > 0 || limit < Long.MAX_VALUE;
        String sql = "SELECT value, timestamp_ms, step, is_nan FROM metrics WHERE run_uuid = ? AND name = ? "
                + "ORDER BY step, timestamp_ms, value" + (paged ? " LIMIT ? OFFSET ?" : "");
        read("reading the history of metric '" + metricKey + "' of run " + runId, connection -> {
            boolean transaction = dialect.streamingNeedsTransaction();
            if (transaction) {
                connection.setAutoCommit(false);
                for (String setting : dialect.streamingSettings()) {
                    try (PreparedStatement statement = connection.prepareStatement(setting)) {
                        statement.execute();
                    }
                }
            }
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setFetchSize(dialect.streamingFetchSize());
                statement.setString(1, runId);
                statement.setString(2, metricKey);
                if (paged) {
                    statement.setLong(3, limit);
                    statement.setLong(4, Math.max(0, offset));
                }
                try (ResultSet resultSet = statement.executeQuery()) {
                    while (resultSet.next()) {
                        sink.accept(new Metric(metricKey, metricValue(resultSet.getDouble(1), resultSet.getInt(4)),
                                resultSet.getLong(2), resultSet.getLong(3)));
                    }
                }
            } finally {
                if (transaction) {
                    connection.rollback(); // read-only; ends the cursor's transaction
                }
            }
            return null;
        });
    }

    @Override
    public List<RunMetric> metricHistoryForSteps(List<String> runIds, String metricKey, Optional<List<Long>> steps) {
        requireNonNull(runIds, "runIds is null");
        requireNonNull(metricKey, "metricKey is null");
        requireNonNull(steps, "steps is null");
        List<String> sortedRuns = runIds.stream().distinct().sorted().toList();
        List<List<Long>> stepChunks = steps.map(list -> Sql.inChunks(list.stream().distinct().sorted().toList()))
                .orElse(List.of(List.of()));
        if (sortedRuns.isEmpty() || stepChunks.isEmpty()) {
            return List.of();
        }
        return read("reading the history of metric '" + metricKey + "'", connection -> {
            List<RunMetric> result = new ArrayList<>();
            for (String runId : sortedRuns) {
                for (List<Long> stepChunk : stepChunks) {
                    Sql query = new Sql().append("SELECT value, timestamp_ms, step, is_nan FROM metrics WHERE "
                            + "run_uuid = ").bind(runId).append(" AND name = ").bind(metricKey);
                    if (steps.isPresent()) {
                        query.append(" AND step IN ").bindList(stepChunk);
                    }
                    query.append(" ORDER BY step, timestamp_ms, value");
                    try (PreparedStatement statement = query.prepare(connection);
                            ResultSet resultSet = statement.executeQuery()) {
                        while (resultSet.next()) {
                            result.add(new RunMetric(runId, new Metric(metricKey,
                                    metricValue(resultSet.getDouble(1), resultSet.getInt(4)), resultSet.getLong(2),
                                    resultSet.getLong(3))));
                        }
                    }
                }
            }
            return List.copyOf(result);
        });
    }

    @Override
    public List<Long> metricSteps(String runId, String metricKey, Optional<Long> startStep, Optional<Long> endStep) {
        requireNonNull(runId, "runId is null");
        requireNonNull(metricKey, "metricKey is null");
        Sql query = new Sql().append("SELECT DISTINCT step FROM metrics WHERE run_uuid = ").bind(runId)
                .append(" AND name = ").bind(metricKey);
        startStep.ifPresent(start -> query.append(" AND step >= ").bind(start));
        endStep.ifPresent(end -> query.append(" AND step <= ").bind(end));
        query.append(" ORDER BY step");
        return read("reading the steps of metric '" + metricKey + "' of run " + runId, connection -> {
            List<Long> result = new ArrayList<>();
            try (PreparedStatement statement = query.prepare(connection)) {
                statement.setFetchSize(dialect.streamingFetchSize());
                try (ResultSet resultSet = statement.executeQuery()) {
                    while (resultSet.next()) {
                        result.add(resultSet.getLong(1));
                    }
                }
            }
            return List.copyOf(result);
        });
    }

    @Override
    public void close() {
        transactions.close();
    }

    // ---- writes of logBatch --------------------------------------------------------------------

    /**
     * Appends the points (sorted in key order: faster inserts into the clustered key, and row locks taken in one
     * order across transactions) and raises the latest value of each key where the new one is later.
     */
    private void writeMetrics(Connection connection, String runId, long experimentId, List<Metric> history,
            Collection<Metric> latest) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(insertMetricSql)) {
            for (Metric metric : history) {
                boolean nan = Double.isNaN(metric.value());
                statement.setString(1, runId);
                statement.setString(2, metric.key());
                statement.setLong(3, metric.step());
                statement.setLong(4, metric.timestamp());
                statement.setDouble(5, nan ? 0.0 : metric.value());
                statement.setInt(6, nan ? 1 : 0);
                statement.addBatch();
            }
            statement.executeBatch();
        }
        try (PreparedStatement statement = connection.prepareStatement(raiseLatestMetricSql)) {
            for (Metric metric : latest) {
                boolean nan = Double.isNaN(metric.value());
                statement.setString(1, runId);
                statement.setString(2, metric.key());
                statement.setLong(3, experimentId);
                statement.setDouble(4, nan ? 0.0 : metric.value());
                statement.setLong(5, metric.timestamp());
                statement.setLong(6, metric.step());
                statement.setInt(7, nan ? 1 : 0);
                statement.addBatch();
            }
            statement.executeBatch();
        }
        if (!dialect.hasConditionalUpsert()) {
            try (PreparedStatement statement = connection.prepareStatement(updateLatestMetricWhereOlderSql)) {
                for (Metric metric : latest) {
                    boolean nan = Double.isNaN(metric.value());
                    double value = nan ? 0.0 : metric.value();
                    statement.setDouble(1, value);
                    statement.setLong(2, metric.timestamp());
                    statement.setLong(3, metric.step());
                    statement.setInt(4, nan ? 1 : 0);
                    statement.setString(5, runId);
                    statement.setString(6, metric.key());
                    statement.setLong(7, metric.step());
                    statement.setLong(8, metric.timestamp());
                    statement.setInt(9, nan ? 1 : 0);
                    statement.setDouble(10, value);
                    statement.addBatch();
                }
                statement.executeBatch();
            }
        }
    }

    // ---- datasets ------------------------------------------------------------------------------

    private String findOrCreateDataset(Connection connection, long experimentId, Dataset dataset) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT dataset_uuid FROM datasets WHERE experiment_id = ? AND name = ? AND digest = ?")) {
            statement.setLong(1, experimentId);
            statement.setString(2, dataset.name());
            statement.setString(3, dataset.digest());
            try (ResultSet resultSet = statement.executeQuery()) {
                if (resultSet.next()) {
                    return resultSet.getString(1);
                }
            }
        }
        String datasetId = newId();
        try (PreparedStatement statement = connection.prepareStatement("INSERT INTO datasets (dataset_uuid, "
                + "experiment_id, name, digest, source_type, source, dataset_schema, dataset_profile) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            statement.setString(1, datasetId);
            statement.setLong(2, experimentId);
            statement.setString(3, dataset.name());
            statement.setString(4, dataset.digest());
            statement.setString(5, dataset.sourceType());
            statement.setString(6, dataset.source());
            Sql.setOptional(statement, 7, dataset.schema());
            Sql.setOptional(statement, 8, dataset.profile());
            statement.executeUpdate();
        }
        return datasetId;
    }

    private static boolean inputExists(Connection connection, String runId, String datasetId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT 1 FROM inputs WHERE run_uuid = ? AND dataset_uuid = ?")) {
            statement.setString(1, runId);
            statement.setString(2, datasetId);
            try (ResultSet resultSet = statement.executeQuery()) {
                return resultSet.next();
            }
        }
    }

    // ---- reads ---------------------------------------------------------------------------------

    /** The runs with these ids, in this order, with their latest metrics, params, tags and inputs. */
    private List<Run> loadRuns(Connection connection, List<String> runIds) throws SQLException {
        if (runIds.isEmpty()) {
            return List.of();
        }
        Map<String, RunInfo> infos = new HashMap<>();
        Map<String, List<Metric>> metrics = new HashMap<>();
        Map<String, List<Param>> params = new HashMap<>();
        Map<String, List<Tag>> tags = new HashMap<>();
        Map<String, List<DatasetInput>> inputs = new HashMap<>();
        for (List<String> chunk : Sql.inChunks(runIds)) {
            Sql.forEachRow(connection, new Sql().append("SELECT " + RUN_COLUMNS + " FROM runs WHERE run_uuid IN ")
                    .bindList(chunk), resultSet -> infos.put(resultSet.getString(1), runInfo(resultSet)));
            Sql.forEachRow(connection, new Sql().append("SELECT run_uuid, name, value, timestamp_ms, step, is_nan "
                    + "FROM latest_metrics WHERE run_uuid IN ").bindList(chunk).append(" ORDER BY run_uuid, name"),
                    resultSet -> metrics.computeIfAbsent(resultSet.getString(1), key -> new ArrayList<>())
                            .add(new Metric(resultSet.getString(2),
                                    metricValue(resultSet.getDouble(3), resultSet.getInt(6)), resultSet.getLong(4),
                                    resultSet.getLong(5))));
            Sql.forEachRow(connection, new Sql().append("SELECT run_uuid, name, value FROM params WHERE run_uuid IN ")
                    .bindList(chunk).append(" ORDER BY run_uuid, name"),
                    resultSet -> params.computeIfAbsent(resultSet.getString(1), key -> new ArrayList<>())
                            .add(new Param(resultSet.getString(2), resultSet.getString(3))));
            Sql.forEachRow(connection, new Sql().append("SELECT run_uuid, name, value FROM tags WHERE run_uuid IN ")
                    .bindList(chunk).append(" ORDER BY run_uuid, name"),
                    resultSet -> tags.computeIfAbsent(resultSet.getString(1), key -> new ArrayList<>())
                            .add(new Tag(resultSet.getString(2), resultSet.getString(3))));
            loadInputs(connection, chunk, inputs);
        }
        List<Run> runs = new ArrayList<>(runIds.size());
        for (String runId : runIds) {
            RunInfo info = infos.get(runId);
            if (info != null) {
                runs.add(new Run(info, metrics.getOrDefault(runId, List.of()), params.getOrDefault(runId, List.of()),
                        tags.getOrDefault(runId, List.of()), inputs.getOrDefault(runId, List.of())));
            }
        }
        return runs;
    }

    private void loadInputs(Connection connection, List<String> runIds, Map<String, List<DatasetInput>> inputs)
            throws SQLException {
        record InputRow(String runId, String inputId, Dataset dataset) {}
        List<InputRow> rows = new ArrayList<>();
        Sql.forEachRow(connection, new Sql().append("SELECT i.run_uuid, i.input_uuid, d.name, d.digest, "
                + "d.source_type, d.source, d.dataset_schema, d.dataset_profile "
                + "FROM inputs i JOIN datasets d ON d.dataset_uuid = i.dataset_uuid "
                + "WHERE i.run_uuid IN ").bindList(runIds).append(" ORDER BY i.run_uuid, d.name, d.digest"),
                resultSet -> rows.add(new InputRow(resultSet.getString(1), resultSet.getString(2),
                        new Dataset(resultSet.getString(3), resultSet.getString(4), resultSet.getString(5),
                                resultSet.getString(6), Optional.ofNullable(resultSet.getString(7)),
                                Optional.ofNullable(resultSet.getString(8))))));
        if (rows.isEmpty()) {
            return;
        }
        Map<String, List<Tag>> inputTags = new HashMap<>();
        Sql.forEachRow(connection, new Sql().append("SELECT t.input_uuid, t.name, t.value FROM input_tags t "
                + "JOIN inputs i ON i.input_uuid = t.input_uuid WHERE i.run_uuid IN ").bindList(runIds)
                .append(" ORDER BY t.input_uuid, t.name"),
                resultSet -> inputTags.computeIfAbsent(resultSet.getString(1), key -> new ArrayList<>())
                        .add(new Tag(resultSet.getString(2), resultSet.getString(3))));
        for (InputRow row : rows) {
            inputs.computeIfAbsent(row.runId(), key -> new ArrayList<>())
                    .add(new DatasetInput(inputTags.getOrDefault(row.inputId(), List.of()), row.dataset()));
        }
    }

    private Optional<Experiment> experimentWhere(Connection connection, String condition, Object value)
            throws SQLException {
        Experiment found;
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT " + EXPERIMENT_COLUMNS + " FROM experiments WHERE " + condition)) {
            Sql.set(statement, 1, value);
            try (ResultSet resultSet = statement.executeQuery()) {
                if (!resultSet.next()) {
                    return Optional.empty();
                }
                found = experiment(resultSet, List.of());
            }
        }
        long id = Long.parseLong(found.experimentId());
        return Optional.of(withTags(found, experimentTags(connection, List.of(id)).getOrDefault(id, List.of())));
    }

    private Map<Long, List<Tag>> experimentTags(Connection connection, List<Long> experimentIds) throws SQLException {
        Map<Long, List<Tag>> tags = new HashMap<>();
        for (List<Long> chunk : Sql.inChunks(experimentIds)) {
            Sql.forEachRow(connection, new Sql().append("SELECT experiment_id, name, value FROM experiment_tags "
                    + "WHERE experiment_id IN ").bindList(chunk).append(" ORDER BY experiment_id, name"),
                    resultSet -> tags.computeIfAbsent(resultSet.getLong(1), key -> new ArrayList<>())
                            .add(new Tag(resultSet.getString(2), resultSet.getString(3))));
        }
        return tags;
    }

    private static Optional<RunInfo> runInfo(Connection connection, String runId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT " + RUN_COLUMNS + " FROM runs WHERE run_uuid = ?")) {
            statement.setString(1, runId);
            try (ResultSet resultSet = statement.executeQuery()) {
                return resultSet.next() ? Optional.of(runInfo(resultSet)) : Optional.empty();
            }
        }
    }

    private static RunInfo runInfo(ResultSet resultSet) throws SQLException {
        long endTime = resultSet.getLong(7);
        Optional<Long> end = resultSet.wasNull() ? Optional.empty() : Optional.of(endTime);
        return new RunInfo(resultSet.getString(1), String.valueOf(resultSet.getLong(2)), resultSet.getString(3),
                resultSet.getString(4), RunStatus.valueOf(resultSet.getString(5)), resultSet.getLong(6), end,
                resultSet.getString(8), LifecycleStage.fromWire(resultSet.getString(9)));
    }

    private static Experiment experiment(ResultSet resultSet, List<Tag> tags) throws SQLException {
        return new Experiment(String.valueOf(resultSet.getLong(1)), resultSet.getString(2), resultSet.getString(3),
                LifecycleStage.fromWire(resultSet.getString(4)), resultSet.getLong(5), resultSet.getLong(6), tags);
    }

    private static Experiment withTags(Experiment experiment, List<Tag> tags) {
        return new Experiment(experiment.experimentId(), experiment.name(), experiment.artifactLocation(),
                experiment.lifecycleStage(), experiment.creationTime(), experiment.lastUpdateTime(), tags);
    }

    /**
     * The experiment of a run that is being logged to, read (and on PostgreSQL/MySQL locked) in the writing
     * transaction, so that a run deleted meanwhile is never written to.
     */
    private long experimentIdOfRun(Connection connection, String runId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT experiment_id, lifecycle_stage FROM runs WHERE run_uuid = ?" + dialect.runLockForLogging())) {
            statement.setString(1, runId);
            try (ResultSet resultSet = statement.executeQuery()) {
                if (!resultSet.next()) {
                    throw runNotFound(runId);
                }
                if (!LifecycleStage.ACTIVE.wireName().equals(resultSet.getString(2))) {
                    throw SlipwayException.invalidParameter("The run %s must be in 'active' lifecycle_stage.", runId);
                }
                return resultSet.getLong(1);
            }
        }
    }

    private static void requireNameUnused(Connection connection, String name, Optional<Long> except)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT experiment_id, lifecycle_stage FROM experiments WHERE name = ?")) {
            statement.setString(1, name);
            try (ResultSet resultSet = statement.executeQuery()) {
                if (resultSet.next() && !except.equals(Optional.of(resultSet.getLong(1)))) {
                    throw SlipwayException.alreadyExists("Experiment(name=%s) already exists. Error: the name is "
                            + "taken by experiment id=%d (lifecycle_stage=%s); experiment names are unique, "
                            + "including deleted experiments", name, resultSet.getLong(1), resultSet.getString(2));
                }
            }
        }
    }

    // ---- plumbing ------------------------------------------------------------------------------

    private <T> T read(String action, Transactions.SqlWork<T> work) {
        return transactions.read(action, work);
    }

    private <T> T write(String action, Transactions.SqlWork<T> work) {
        return transactions.write(action, work);
    }

    private static double metricValue(double value, int isNan) {
        return isNan != 0 ? Double.NaN : value;
    }

    private static void setDeletedTime(PreparedStatement statement, int position, LifecycleStage stage, long time)
            throws SQLException {
        switch (stage) {
            case DELETED -> statement.setLong(position, time);
            case ACTIVE -> statement.setNull(position, Types.BIGINT);
        }
    }

    /** The number of the experiment id; empty for an id that no experiment can have. */
    static Optional<Long> experimentNumber(String experimentId) {
        if (experimentId == null || experimentId.isEmpty() || experimentId.length() > 18
                || !experimentId.chars().allMatch(Character::isDigit)) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(experimentId));
    }

    private static long requireExperimentId(String experimentId) {
        return experimentNumber(experimentId).orElseThrow(() -> experimentNotFound(experimentId));
    }

    private static String newId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    static SlipwayException experimentNotFound(String experimentId) {
        return SlipwayException.notFound("No Experiment with id=%s exists", experimentId);
    }

    private static SlipwayException runNotFound(String runId) {
        return SlipwayException.notFound("Run with id=%s not found", runId);
    }

    /** The pool, for tests that inspect connection settings. */
    HikariDataSource dataSource() {
        return dataSource;
    }

    @Override
    public String toString() {
        return "JdbcTrackingStore[" + dialect + "]";
    }
}
