package dev.slipway.store.jdbc;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.registry.ModelAlias;
import dev.slipway.core.registry.ModelVersion;
import dev.slipway.core.registry.ModelVersionStage;
import dev.slipway.core.registry.ModelVersionStatus;
import dev.slipway.core.registry.NewModelVersion;
import dev.slipway.core.registry.RegisteredModel;
import dev.slipway.core.registry.RegistryStore;
import dev.slipway.core.search.Comparison;
import dev.slipway.core.search.OrderBy;
import dev.slipway.core.tracking.Page;
import dev.slipway.core.tracking.Tag;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link RegistryStore} over SQLite, PostgreSQL or MySQL/MariaDB. Each write is one transaction (see
 * {@link Transactions}). Version numbers are one more than the highest stored number of the model, deleted versions
 * included; concurrent creations that pick the same number collide on the primary key and the loser retries.
 * Thread-safe.
 */
public final class JdbcRegistryStore implements RegistryStore {
    /** The stage of a deleted version: kept so that its number is never reused, hidden from every read. */
    static final String DELETED_STAGE = "Deleted_Internal";
    private static final String MODEL_COLUMNS = "name, creation_time, last_updated_time, description";
    private static final String VERSION_COLUMNS = "name, version, creation_time, last_updated_time, description, "
            + "user_id, current_stage, source, run_id, run_link, status, model_id";
    private static final String[] MODEL_TABLES = {"registered_models", "registered_model_tags", "model_versions",
            "model_version_tags", "registered_model_aliases"};

    private final Transactions transactions;
    private final Dialect dialect;
    private final SearchQueries searchQueries;
    private final TagWrites registeredModelTags;
    private final String upsertVersionTagSql;
    private final String upsertAliasSql;

    JdbcRegistryStore(Transactions transactions) {
        this.transactions = requireNonNull(transactions, "transactions is null");
        this.dialect = transactions.dialect();
        this.searchQueries = new SearchQueries(dialect);
        this.registeredModelTags = new TagWrites(dialect, "registered_model_tags", "name", "tag_key");
        this.upsertVersionTagSql = dialect.upsert("model_version_tags", List.of("name", "version", "tag_key", "value"),
                List.of("name", "version", "tag_key"), List.of("value"));
        this.upsertAliasSql = dialect.upsert("registered_model_aliases", List.of("name", "alias", "version"),
                List.of("name", "alias"), List.of("version"));
    }

    // ---- registered models ---------------------------------------------------------------------

    @Override
    public RegisteredModel createRegisteredModel(String name, Optional<String> description, List<Tag> tags,
            long time) {
        requireNonNull(name, "name is null");
        requireNonNull(description, "description is null");
        requireNonNull(tags, "tags is null");
        return transactions.write("creating registered model '" + name + "'", connection -> {
            if (modelExists(connection, name)) {
                throw RegisteredModel.alreadyExists(name);
            }
            try (PreparedStatement statement = connection.prepareStatement(
                    "INSERT INTO registered_models (" + MODEL_COLUMNS + ") VALUES (?, ?, ?, ?)")) {
                statement.setString(1, name);
                statement.setLong(2, time);
                statement.setLong(3, time);
                Sql.setOptional(statement, 4, description);
                statement.executeUpdate();
            }
            registeredModelTags.upsert(connection, name, tags);
            return loadModel(connection, name).orElseThrow();
        });
    }

    @Override
    public Optional<RegisteredModel> getRegisteredModel(String name) {
        requireNonNull(name, "name is null");
        return transactions.read("reading registered model '" + name + "'", connection -> loadModel(connection, name));
    }

    @Override
    public RegisteredModel renameRegisteredModel(String name, String newName, long time) {
        requireNonNull(name, "name is null");
        requireNonNull(newName, "newName is null");
        return transactions.write("renaming registered model '" + name + "'", connection -> {
            requireModel(connection, name);
            if (!newName.equals(name) && modelExists(connection, newName)) {
                throw RegisteredModel.alreadyExists(newName);
            }
            for (String table : MODEL_TABLES) {
                try (PreparedStatement statement = connection.prepareStatement(
                        "UPDATE " + table + " SET name = ? WHERE name = ?")) {
                    statement.setString(1, newName);
                    statement.setString(2, name);
                    statement.executeUpdate();
                }
            }
            touchModel(connection, newName, time);
            return loadModel(connection, newName).orElseThrow();
        });
    }

    @Override
    public RegisteredModel updateRegisteredModelDescription(String name, Optional<String> description, long time) {
        requireNonNull(name, "name is null");
        requireNonNull(description, "description is null");
        return transactions.write("updating registered model '" + name + "'", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "UPDATE registered_models SET description = ?, last_updated_time = ? WHERE name = ?")) {
                Sql.setOptional(statement, 1, description);
                statement.setLong(2, time);
                statement.setString(3, name);
                if (statement.executeUpdate() == 0) {
                    throw RegisteredModel.notFound(name);
                }
            }
            return loadModel(connection, name).orElseThrow();
        });
    }

    @Override
    public void deleteRegisteredModel(String name) {
        requireNonNull(name, "name is null");
        transactions.write("deleting registered model '" + name + "'", connection -> {
            requireModel(connection, name);
            for (String table : MODEL_TABLES) {
                try (PreparedStatement statement = connection.prepareStatement(
                        "DELETE FROM " + table + " WHERE name = ?")) {
                    statement.setString(1, name);
                    statement.executeUpdate();
                }
            }
            return null;
        });
    }

    @Override
    public void setRegisteredModelTag(String name, Tag tag) {
        requireNonNull(name, "name is null");
        requireNonNull(tag, "tag is null");
        transactions.write("setting a tag of registered model '" + name + "'", connection -> {
            requireModel(connection, name);
            registeredModelTags.upsert(connection, name, List.of(tag));
            return null;
        });
    }

    @Override
    public boolean deleteRegisteredModelTag(String name, String key) {
        requireNonNull(name, "name is null");
        requireNonNull(key, "key is null");
        return transactions.write("deleting a tag of registered model '" + name + "'", connection -> {
            requireModel(connection, name);
            return registeredModelTags.delete(connection, name, key);
        });
    }

    // ---- model versions ------------------------------------------------------------------------

    @Override
    public ModelVersion createModelVersion(NewModelVersion version, long time) {
        requireNonNull(version, "version is null");
        String name = version.name();
        return transactions.write("creating a version of registered model '" + name + "'", connection -> {
            // Updating the model first checks that it exists and, on PostgreSQL and MySQL, makes concurrent
            // creations for the same model wait for each other, so that most of them never need a retry.
            touchModel(connection, name, time);
            long number;
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT COALESCE(MAX(version), 0) + 1 FROM model_versions WHERE name = ?")) {
                statement.setString(1, name);
                try (ResultSet resultSet = statement.executeQuery()) {
                    resultSet.next();
                    number = resultSet.getLong(1);
                }
            }
            try (PreparedStatement statement = connection.prepareStatement(
                    "INSERT INTO model_versions (" + VERSION_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                statement.setString(1, name);
                statement.setLong(2, number);
                statement.setLong(3, time);
                statement.setLong(4, time);
                Sql.setOptional(statement, 5, version.description());
                Sql.setOptional(statement, 6, version.userId());
                statement.setString(7, ModelVersionStage.NONE.wireName());
                statement.setString(8, version.source());
                Sql.setOptional(statement, 9, version.runId());
                Sql.setOptional(statement, 10, version.runLink());
                statement.setString(11, ModelVersionStatus.READY.name());
                Sql.setOptional(statement, 12, version.modelId());
                statement.executeUpdate();
            }
            for (Tag tag : TagWrites.lastValuePerKey(version.tags())) {
                upsertVersionTag(connection, name, number, tag);
            }
            return loadVersion(connection, name, number).orElseThrow();
        });
    }

    @Override
    public Optional<ModelVersion> getModelVersion(String name, long version) {
        requireNonNull(name, "name is null");
        return transactions.read("reading model version " + version + " of '" + name + "'",
                connection -> loadVersion(connection, name, version));
    }

    @Override
    public ModelVersion updateModelVersionDescription(String name, long version, Optional<String> description,
            long time) {
        requireNonNull(name, "name is null");
        requireNonNull(description, "description is null");
        return transactions.write("updating model version " + version + " of '" + name + "'", connection -> {
            try (PreparedStatement statement = connection.prepareStatement("UPDATE model_versions SET description = ?, "
                    + "last_updated_time = ? WHERE name = ? AND version = ? AND current_stage <> ?")) {
                Sql.setOptional(statement, 1, description);
                statement.setLong(2, time);
                statement.setString(3, name);
                statement.setLong(4, version);
                statement.setString(5, DELETED_STAGE);
                if (statement.executeUpdate() == 0) {
                    throw ModelVersion.notFound(name, version);
                }
            }
            return loadVersion(connection, name, version).orElseThrow();
        });
    }

    @Override
    public void deleteModelVersion(String name, long version, long time) {
        requireNonNull(name, "name is null");
        transactions.write("deleting model version " + version + " of '" + name + "'", connection -> {
            // The row stays, with what it said about the model removed, so that its number stays taken.
            try (PreparedStatement statement = connection.prepareStatement("UPDATE model_versions SET "
                    + "current_stage = ?, last_updated_time = ?, description = NULL, user_id = NULL, "
                    + "source = 'REDACTED-SOURCE-PATH', run_id = NULL, run_link = NULL "
                    + "WHERE name = ? AND version = ? AND current_stage <> ?")) {
                statement.setString(1, DELETED_STAGE);
                statement.setLong(2, time);
                statement.setString(3, name);
                statement.setLong(4, version);
                statement.setString(5, DELETED_STAGE);
                if (statement.executeUpdate() == 0) {
                    throw ModelVersion.notFound(name, version);
                }
            }
            for (String table : List.of("model_version_tags", "registered_model_aliases")) {
                try (PreparedStatement statement = connection.prepareStatement(
                        "DELETE FROM " + table + " WHERE name = ? AND version = ?")) {
                    statement.setString(1, name);
                    statement.setLong(2, version);
                    statement.executeUpdate();
                }
            }
            touchModel(connection, name, time);
            return null;
        });
    }

    @Override
    public ModelVersion transitionModelVersionStage(String name, long version, ModelVersionStage stage,
            boolean archiveExistingVersions, long time) {
        requireNonNull(name, "name is null");
        requireNonNull(stage, "stage is null");
        return transactions.write("transitioning model version " + version + " of '" + name + "'", connection -> {
            requireVersion(connection, name, version);
            if (archiveExistingVersions && isActiveStage(stage)) {
                try (PreparedStatement statement = connection.prepareStatement("UPDATE model_versions SET "
                        + "current_stage = ?, last_updated_time = ? WHERE name = ? AND current_stage = ? "
                        + "AND version <> ?")) {
                    statement.setString(1, ModelVersionStage.ARCHIVED.wireName());
                    statement.setLong(2, time);
                    statement.setString(3, name);
                    statement.setString(4, stage.wireName());
                    statement.setLong(5, version);
                    statement.executeUpdate();
                }
            }
            try (PreparedStatement statement = connection.prepareStatement("UPDATE model_versions SET "
                    + "current_stage = ?, last_updated_time = ? WHERE name = ? AND version = ?")) {
                statement.setString(1, stage.wireName());
                statement.setLong(2, time);
                statement.setString(3, name);
                statement.setLong(4, version);
                statement.executeUpdate();
            }
            touchModel(connection, name, time);
            return loadVersion(connection, name, version).orElseThrow();
        });
    }

    @Override
    public void setModelVersionTag(String name, long version, Tag tag) {
        requireNonNull(name, "name is null");
        requireNonNull(tag, "tag is null");
        transactions.write("setting a tag of model version " + version + " of '" + name + "'", connection -> {
            requireVersion(connection, name, version);
            upsertVersionTag(connection, name, version, tag);
            return null;
        });
    }

    @Override
    public boolean deleteModelVersionTag(String name, long version, String key) {
        requireNonNull(name, "name is null");
        requireNonNull(key, "key is null");
        return transactions.write("deleting a tag of model version " + version + " of '" + name + "'", connection -> {
            requireVersion(connection, name, version);
            try (PreparedStatement statement = connection.prepareStatement(
                    "DELETE FROM model_version_tags WHERE name = ? AND version = ? AND tag_key = ?")) {
                statement.setString(1, name);
                statement.setLong(2, version);
                statement.setString(3, key);
                return statement.executeUpdate() > 0;
            }
        });
    }

    // ---- aliases -------------------------------------------------------------------------------

    @Override
    public void setAlias(String name, String alias, long version) {
        requireNonNull(name, "name is null");
        requireNonNull(alias, "alias is null");
        transactions.write("setting alias '" + alias + "' of '" + name + "'", connection -> {
            requireModel(connection, name);
            requireVersion(connection, name, version);
            try (PreparedStatement statement = connection.prepareStatement(upsertAliasSql)) {
                statement.setString(1, name);
                statement.setString(2, alias);
                statement.setLong(3, version);
                statement.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public boolean deleteAlias(String name, String alias) {
        requireNonNull(name, "name is null");
        requireNonNull(alias, "alias is null");
        return transactions.write("deleting alias '" + alias + "' of '" + name + "'", connection -> {
            requireModel(connection, name);
            try (PreparedStatement statement = connection.prepareStatement(
                    "DELETE FROM registered_model_aliases WHERE name = ? AND alias = ?")) {
                statement.setString(1, name);
                statement.setString(2, alias);
                return statement.executeUpdate() > 0;
            }
        });
    }

    @Override
    public Optional<ModelVersion> getModelVersionByAlias(String name, String alias) {
        requireNonNull(name, "name is null");
        requireNonNull(alias, "alias is null");
        return transactions.read("reading alias '" + alias + "' of '" + name + "'", connection -> {
            requireModel(connection, name);
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT version FROM registered_model_aliases WHERE name = ? AND alias = ?")) {
                statement.setString(1, name);
                statement.setString(2, alias);
                try (ResultSet resultSet = statement.executeQuery()) {
                    if (!resultSet.next()) {
                        return Optional.empty();
                    }
                    return loadVersion(connection, name, resultSet.getLong(1));
                }
            }
        });
    }

    @Override
    public List<ModelVersion> latestVersions(String name, List<ModelVersionStage> stages) {
        requireNonNull(name, "name is null");
        requireNonNull(stages, "stages is null");
        return transactions.read("reading the latest versions of '" + name + "'", connection -> {
            requireModel(connection, name);
            Map<String, Long> latestByStage = new HashMap<>();
            try (PreparedStatement statement = connection.prepareStatement("SELECT current_stage, MAX(version) "
                    + "FROM model_versions WHERE name = ? GROUP BY current_stage")) {
                statement.setString(1, name);
                try (ResultSet resultSet = statement.executeQuery()) {
                    while (resultSet.next()) {
                        latestByStage.put(resultSet.getString(1), resultSet.getLong(2));
                    }
                }
            }
            List<ModelVersion> latest = new ArrayList<>();
            for (ModelVersionStage stage : new LinkedHashSet<>(stages)) {
                Long version = latestByStage.get(stage.wireName());
                if (version != null) {
                    latest.add(loadVersion(connection, name, version).orElseThrow());
                }
            }
            return List.copyOf(latest);
        });
    }

    // ---- search --------------------------------------------------------------------------------

    @Override
    public Page<RegisteredModel> searchRegisteredModels(List<Comparison> filter, List<OrderBy> orderBy,
            int maxResults, long offset) {
        Sql query = new Sql().append("SELECT " + MODEL_COLUMNS + " FROM registered_models m WHERE 1 = 1");
        for (Comparison comparison : filter) {
            query.append(" AND ");
            switch (comparison.type()) {
                case TAG -> searchQueries.appendKeyValueMatch(query, "registered_model_tags t", "t.name = m.name",
                        "t.tag_key", "t.value", comparison);
                case ATTRIBUTE -> dialect.appendStringComparison(query, "m.name", comparison.operator(),
                        comparison.value());
                case METRIC, PARAM, DATASET -> throw new IllegalArgumentException(
                        "Unsupported comparison in a registered model search: " + comparison);
            }
        }
        query.append(" ORDER BY ");
        for (OrderBy term : orderBy) {
            query.append(modelOrderColumn(term.key())).append(term.ascending() ? " ASC, " : " DESC, ");
        }
        query.append("m.name ASC LIMIT ").bind(maxResults + 1).append(" OFFSET ").bind(offset);
        return transactions.read("searching registered models", connection -> {
            List<RegisteredModel> found = new ArrayList<>();
            Sql.forEachRow(connection, query, resultSet -> found.add(model(resultSet, List.of(), List.of())));
            return Sql.offsetPage(found, maxResults, offset, page -> {
                List<String> names = page.stream().map(RegisteredModel::name).toList();
                Map<String, List<Tag>> tags = modelTags(connection, names);
                Map<String, List<ModelAlias>> aliases = modelAliases(connection, names);
                return page.stream().map(model -> new RegisteredModel(model.name(), model.creationTimestamp(),
                        model.lastUpdatedTimestamp(), model.description(), tags.getOrDefault(model.name(), List.of()),
                        aliases.getOrDefault(model.name(), List.of()))).toList();
            });
        });
    }

    @Override
    public Page<ModelVersion> searchModelVersions(List<Comparison> filter, List<OrderBy> orderBy, int maxResults,
            long offset) {
        Sql query = new Sql().append("SELECT " + VERSION_COLUMNS + " FROM model_versions v WHERE v.current_stage <> ")
                .bind(DELETED_STAGE);
        for (Comparison comparison : filter) {
            query.append(" AND ");
            switch (comparison.type()) {
                case TAG -> searchQueries.appendKeyValueMatch(query, "model_version_tags t",
                        "t.name = v.name AND t.version = v.version", "t.tag_key", "t.value", comparison);
                case ATTRIBUTE -> {
                    switch (comparison.key()) {
                        case "version_number" -> appendNumberComparison(query, "v.version", comparison);
                        case "name" -> dialect.appendStringComparison(query, "v.name", comparison.operator(),
                                comparison.value());
                        case "run_id" -> dialect.appendStringComparison(query, "v.run_id", comparison.operator(),
                                comparison.value());
                        case "source_path" -> dialect.appendStringComparison(query, "v.source",
                                comparison.operator(), comparison.value());
                        default -> throw new IllegalArgumentException(
                                "Unsupported attribute in a model version search: " + comparison.key());
                    }
                }
                case METRIC, PARAM, DATASET -> throw new IllegalArgumentException(
                        "Unsupported comparison in a model version search: " + comparison);
            }
        }
        query.append(" ORDER BY ");
        for (OrderBy term : orderBy) {
            query.append(versionOrderColumn(term.key())).append(term.ascending() ? " ASC, " : " DESC, ");
        }
        query.append("v.name ASC, v.version DESC LIMIT ").bind(maxResults + 1).append(" OFFSET ").bind(offset);
        return transactions.read("searching model versions", connection -> {
            List<ModelVersion> found = new ArrayList<>();
            Sql.forEachRow(connection, query, resultSet -> found.add(version(resultSet, List.of(), List.of())));
            return Sql.offsetPage(found, maxResults, offset, page -> withTagsAndAliases(connection, page));
        });
    }

    @Override
    public void close() {
        transactions.close();
    }

    // ---- loading -------------------------------------------------------------------------------

    private Optional<RegisteredModel> loadModel(Connection connection, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT " + MODEL_COLUMNS + " FROM registered_models WHERE name = ?")) {
            statement.setString(1, name);
            try (ResultSet resultSet = statement.executeQuery()) {
                if (!resultSet.next()) {
                    return Optional.empty();
                }
                return Optional.of(model(resultSet, modelTags(connection, List.of(name)).getOrDefault(name, List.of()),
                        modelAliases(connection, List.of(name)).getOrDefault(name, List.of())));
            }
        }
    }

    private Optional<ModelVersion> loadVersion(Connection connection, String name, long version) throws SQLException {
        ModelVersion found;
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + VERSION_COLUMNS
                + " FROM model_versions WHERE name = ? AND version = ? AND current_stage <> ?")) {
            statement.setString(1, name);
            statement.setLong(2, version);
            statement.setString(3, DELETED_STAGE);
            try (ResultSet resultSet = statement.executeQuery()) {
                if (!resultSet.next()) {
                    return Optional.empty();
                }
                found = version(resultSet, List.of(), List.of());
            }
        }
        return Optional.of(withTagsAndAliases(connection, List.of(found)).get(0));
    }

    /** The versions with their tags and aliases, loaded for all their models at once. */
    private List<ModelVersion> withTagsAndAliases(Connection connection, List<ModelVersion> versions)
            throws SQLException {
        if (versions.isEmpty()) {
            return List.of();
        }
        List<String> names = versions.stream().map(ModelVersion::name).distinct().toList();
        Map<String, Map<Long, List<Tag>>> tags = new HashMap<>();
        Map<String, Map<Long, List<String>>> aliases = new HashMap<>();
        for (List<String> chunk : Sql.inChunks(names)) {
            Sql tagQuery = new Sql().append("SELECT name, version, tag_key, value FROM model_version_tags WHERE name IN ")
                    .bindList(chunk).append(" ORDER BY name, version, tag_key");
            try (PreparedStatement statement = tagQuery.prepare(connection);
                    ResultSet resultSet = statement.executeQuery()) {
                while (resultSet.next()) {
                    tags.computeIfAbsent(resultSet.getString(1), name -> new HashMap<>())
                            .computeIfAbsent(resultSet.getLong(2), version -> new ArrayList<>())
                            .add(new Tag(resultSet.getString(3), resultSet.getString(4)));
                }
            }
            Sql aliasQuery = new Sql().append("SELECT name, version, alias FROM registered_model_aliases WHERE name IN ")
                    .bindList(chunk).append(" ORDER BY name, alias");
            try (PreparedStatement statement = aliasQuery.prepare(connection);
                    ResultSet resultSet = statement.executeQuery()) {
                while (resultSet.next()) {
                    aliases.computeIfAbsent(resultSet.getString(1), name -> new HashMap<>())
                            .computeIfAbsent(resultSet.getLong(2), version -> new ArrayList<>())
                            .add(resultSet.getString(3));
                }
            }
        }
        return versions.stream().map(version -> new ModelVersion(version.name(), version.version(),
                version.creationTimestamp(), version.lastUpdatedTimestamp(), version.userId(), version.currentStage(),
                version.description(), version.source(), version.runId(), version.runLink(), version.status(),
                tags.getOrDefault(version.name(), Map.of()).getOrDefault(version.version(), List.of()),
                aliases.getOrDefault(version.name(), Map.of()).getOrDefault(version.version(), List.of()),
                version.modelId()))
                .toList();
    }

    private static Map<String, List<Tag>> modelTags(Connection connection, List<String> names) throws SQLException {
        Map<String, List<Tag>> tags = new HashMap<>();
        for (List<String> chunk : Sql.inChunks(names)) {
            Sql query = new Sql().append("SELECT name, tag_key, value FROM registered_model_tags WHERE name IN ")
                    .bindList(chunk).append(" ORDER BY name, tag_key");
            try (PreparedStatement statement = query.prepare(connection);
                    ResultSet resultSet = statement.executeQuery()) {
                while (resultSet.next()) {
                    tags.computeIfAbsent(resultSet.getString(1), name -> new ArrayList<>())
                            .add(new Tag(resultSet.getString(2), resultSet.getString(3)));
                }
            }
        }
        return tags;
    }

    private static Map<String, List<ModelAlias>> modelAliases(Connection connection, List<String> names)
            throws SQLException {
        Map<String, List<ModelAlias>> aliases = new HashMap<>();
        for (List<String> chunk : Sql.inChunks(names)) {
            Sql query = new Sql().append("SELECT name, alias, version FROM registered_model_aliases WHERE name IN ")
                    .bindList(chunk).append(" ORDER BY name, alias");
            try (PreparedStatement statement = query.prepare(connection);
                    ResultSet resultSet = statement.executeQuery()) {
                while (resultSet.next()) {
                    aliases.computeIfAbsent(resultSet.getString(1), name -> new ArrayList<>())
                            .add(new ModelAlias(resultSet.getString(2), resultSet.getLong(3)));
                }
            }
        }
        return aliases;
    }

    private static RegisteredModel model(ResultSet resultSet, List<Tag> tags, List<ModelAlias> aliases)
            throws SQLException {
        return new RegisteredModel(resultSet.getString(1), resultSet.getLong(2), resultSet.getLong(3),
                Optional.ofNullable(resultSet.getString(4)), tags, aliases);
    }

    private static ModelVersion version(ResultSet resultSet, List<Tag> tags, List<String> aliases)
            throws SQLException {
        return new ModelVersion(resultSet.getString(1), resultSet.getLong(2), resultSet.getLong(3),
                resultSet.getLong(4), Optional.ofNullable(resultSet.getString(6)),
                ModelVersionStage.parse(resultSet.getString(7)), Optional.ofNullable(resultSet.getString(5)),
                resultSet.getString(8), Optional.ofNullable(resultSet.getString(9)),
                Optional.ofNullable(resultSet.getString(10)), ModelVersionStatus.valueOf(resultSet.getString(11)),
                tags, aliases, Optional.ofNullable(resultSet.getString(12)));
    }

    // ---- plumbing ------------------------------------------------------------------------------

    private static boolean modelExists(Connection connection, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT 1 FROM registered_models WHERE name = ?")) {
            statement.setString(1, name);
            try (ResultSet resultSet = statement.executeQuery()) {
                return resultSet.next();
            }
        }
    }

    private static void requireModel(Connection connection, String name) throws SQLException {
        if (!modelExists(connection, name)) {
            throw RegisteredModel.notFound(name);
        }
    }

    private static void requireVersion(Connection connection, String name, long version) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT 1 FROM model_versions WHERE name = ? AND version = ? AND current_stage <> ?")) {
            statement.setString(1, name);
            statement.setLong(2, version);
            statement.setString(3, DELETED_STAGE);
            try (ResultSet resultSet = statement.executeQuery()) {
                if (!resultSet.next()) {
                    throw ModelVersion.notFound(name, version);
                }
            }
        }
    }

    /** Sets the model's last update time; fails with not found if there is no such model. */
    private static void touchModel(Connection connection, String name, long time) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "UPDATE registered_models SET last_updated_time = ? WHERE name = ?")) {
            statement.setLong(1, time);
            statement.setString(2, name);
            if (statement.executeUpdate() == 0) {
                throw RegisteredModel.notFound(name);
            }
        }
    }

    private void upsertVersionTag(Connection connection, String name, long version, Tag tag) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(upsertVersionTagSql)) {
            statement.setString(1, name);
            statement.setLong(2, version);
            statement.setString(3, tag.key());
            statement.setString(4, tag.value());
            statement.executeUpdate();
        }
    }

    private static void appendNumberComparison(Sql query, String column, Comparison comparison) {
        query.append(column + " " + SearchQueries.checkedNumericOperator(comparison) + " ")
                .bind((long) comparison.number());
    }

    private static String modelOrderColumn(String key) {
        return switch (key) {
            case "name" -> "m.name";
            case "creation_timestamp" -> "m.creation_time";
            case "last_updated_timestamp" -> "m.last_updated_time";
            default -> throw new IllegalArgumentException("Unsupported registered model order key: " + key);
        };
    }

    private static String versionOrderColumn(String key) {
        return switch (key) {
            case "name" -> "v.name";
            case "version_number" -> "v.version";
            case "creation_timestamp" -> "v.creation_time";
            case "last_updated_timestamp" -> "v.last_updated_time";
            default -> throw new IllegalArgumentException("Unsupported model version order key: " + key);
        };
    }

    private static boolean isActiveStage(ModelVersionStage stage) {
        return switch (stage) {
            case STAGING, PRODUCTION -> true;
            case NONE, ARCHIVED -> false;
        };
    }

    @Override
    public String toString() {
        return "JdbcRegistryStore[" + dialect + "]";
    }
}
