package dev.slipway.store.jdbc;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.tracking.Tag;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes the tags of one kind of entity (runs, logged models, registered models) into its tag table, whose rows
 * are (owner id, key, value) with one row per owner and key. Thread-safe (it holds only SQL text).
 */
final class TagWrites {
    private final String table;
    private final String ownerColumn;
    private final String keyColumn;
    private final String upsertSql;

    TagWrites(Dialect dialect, String table, String ownerColumn, String keyColumn) {
        requireNonNull(dialect, "dialect is null");
        this.table = requireNonNull(table, "table is null");
        this.ownerColumn = requireNonNull(ownerColumn, "ownerColumn is null");
        this.keyColumn = requireNonNull(keyColumn, "keyColumn is null");
        this.upsertSql = dialect.upsert(table, List.of(ownerColumn, keyColumn, "value"),
                List.of(ownerColumn, keyColumn), List.of("value"));
    }

    /** Sets the tags, in key order, the last value of a key in the list winning; other keys keep theirs. */
    void upsert(Connection connection, String ownerId, List<Tag> tags) throws SQLException {
        List<Tag> uniqueTags = lastValuePerKey(tags);
        if (uniqueTags.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(upsertSql)) {
            for (Tag tag : uniqueTags) {
                statement.setString(1, ownerId);
                statement.setString(2, tag.key());
                statement.setString(3, tag.value());
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    /** Deletes the owner's tag with the key; whether there was one. */
    boolean delete(Connection connection, String ownerId, String key) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "DELETE FROM " + table + " WHERE " + ownerColumn + " = ? AND " + keyColumn + " = ?")) {
            statement.setString(1, ownerId);
            statement.setString(2, key);
            return statement.executeUpdate() > 0;
        }
    }

    /** The tags with one entry per key, the last value of a key winning, ordered by key. */
    static List<Tag> lastValuePerKey(List<Tag> tags) {
        Map<String, Tag> byKey = new TreeMap<>();
        for (Tag tag : tags) {
            byKey.put(tag.key(), tag);
        }
        return List.copyOf(byKey.values());
    }
}
