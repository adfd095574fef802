package dev.slipway.store.jdbc;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import dev.slipway.core.tracking.Param;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes params that, once logged, never change: the params of a run and those of a logged model. A key logged
 * again with the same value is left as it is; with another value the whole write is refused, the way MLflow
 * refuses it. Thread-safe (it holds only SQL text).
 */
final class WriteOnceParams {
    private final String table;
    private final String ownerColumn;
    private final String ownerName;

    /**
     * @param table the params table, with the columns {@code ownerColumn}, {@code name} and {@code value}
     * @param ownerColumn the column of the id of the params' owner
     * @param ownerName what the owner is called in the refusal, e.g. {@code run}
     */
    WriteOnceParams(String table, String ownerColumn, String ownerName) {
        this.table = requireNonNull(table, "table is null");
        this.ownerColumn = requireNonNull(ownerColumn, "ownerColumn is null");
        this.ownerName = requireNonNull(ownerName, "ownerName is null");
    }

    /**
     * Inserts the params whose keys the owner does not have yet, in key order.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE if a key has, or is given in the list, another value
     */
    void insert(Connection connection, String ownerId, List<Param> params) throws SQLException {
        if (params.isEmpty()) {
            return;
        }
        Map<String, String> stored = new HashMap<>();
        List<String> keys = params.stream().map(Param::key).distinct().toList();
        for (List<String> chunk : Sql.inChunks(keys)) {
            Sql.forEachRow(connection, new Sql().append("SELECT name, value FROM " + table + " WHERE " + ownerColumn
                    + " = ").bind(ownerId).append(" AND name IN ").bindList(chunk),
                    resultSet -> stored.put(resultSet.getString(1), resultSet.getString(2)));
        }
        Map<String, String> fresh = new TreeMap<>();
        for (Param param : params) {
            String existing = stored.containsKey(param.key()) ? stored.get(param.key()) : fresh.get(param.key());
            if (existing == null) {
                fresh.put(param.key(), param.value());
            } else if (!existing.equals(param.value())) {
                throw SlipwayException.invalidParameter("Changing param values is not allowed. Param with key='%s' "
                        + "was already logged with value='%s' for %s ID='%s'. Attempted logging new value '%s'.",
                        param.key(), existing, ownerName, ownerId, param.value());
            }
        }
        if (fresh.isEmpty()) {
            return;
        }
        // A plain insert: if another transaction inserted one of these keys meanwhile, the unique violation
        // makes Transactions.write retry, and the retry compares against the value that won.
        try (PreparedStatement statement = connection.prepareStatement(
                "INSERT INTO " + table + " (" + ownerColumn + ", name, value) VALUES (?, ?, ?)")) {
            for (Map.Entry<String, String> param : fresh.entrySet()) {
                statement.setString(1, ownerId);
                statement.setString(2, param.getKey());
                statement.setString(3, param.getValue());
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }
}
