package dev.slipway.store.jdbc;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.audit.AuditCursor;
import dev.slipway.core.audit.AuditEntry;
import dev.slipway.core.audit.AuditQuery;
import dev.slipway.core.audit.AuditStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An {@link AuditStore} over SQLite, PostgreSQL or MySQL/MariaDB, in the table {@code audit_log} (migration V10),
 * whose triggers refuse UPDATE and DELETE. An append is one batched INSERT in one transaction. A listing is one query
 * newest first on (time_ms, audit_id); the page after a cursor is a keyset condition on the same pair, so appends do
 * not shift later pages. The resource filter matches the id and the ids nested under it ({@code id/...} and
 * {@code id@...}) as two index ranges: the columns compare in code point order on every backend. Thread-safe; shares
 * the {@link Transactions} of the prediction log, which owns it.
 */
final class JdbcAuditStore implements AuditStore {
    private static final String INSERT = "INSERT INTO audit_log (time_ms, user_name, client_address, forwarded_for, "
            + "method, route, action, resource_type, resource_id, status, before_state, after_state, details) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String SELECT = "SELECT audit_id, time_ms, user_name, client_address, forwarded_for, method, "
            + "route, action, resource_type, resource_id, status, before_state, after_state, details FROM audit_log";

    private final Transactions transactions;

    JdbcAuditStore(Transactions transactions) {
        this.transactions = requireNonNull(transactions, "transactions is null");
    }

    @Override
    public void append(List<AuditEntry> entries) {
        requireNonNull(entries, "entries is null");
        if (entries.isEmpty()) {
            return;
        }
        transactions.write("appending " + entries.size() + " audit entries", connection -> {
            try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                for (AuditEntry entry : entries) {
                    insert.setLong(1, entry.time());
                    insert.setString(2, entry.user());
                    insert.setString(3, entry.clientAddress());
                    Sql.setOptional(insert, 4, entry.forwardedFor());
                    insert.setString(5, entry.method());
                    insert.setString(6, entry.route());
                    insert.setString(7, entry.action());
                    Sql.setOptional(insert, 8, entry.resourceType());
                    Sql.setOptional(insert, 9, entry.resourceId());
                    insert.setInt(10, entry.status());
                    Sql.setOptional(insert, 11, entry.beforeJson());
                    Sql.setOptional(insert, 12, entry.afterJson());
                    insert.setString(13, entry.detailsJson());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            return null;
        });
    }

    @Override
    public List<AuditEntry> query(AuditQuery query, Optional<AuditCursor> after, int maxResults) {
        requireNonNull(query, "query is null");
        requireNonNull(after, "after is null");
        if (maxResults < 1) {
            throw new IllegalArgumentException("maxResults must be positive: " + maxResults);
        }
        Sql sql = new Sql().append(SELECT);
        List<Sql> conditions = new ArrayList<>();
        query.user().ifPresent(user -> conditions.add(new Sql().append("user_name = ").bind(user)));
        query.action().ifPresent(action -> conditions.add(new Sql().append("action = ").bind(action)));
        query.resourceType().ifPresent(type -> conditions.add(new Sql().append("resource_type = ").bind(type)));
        query.resourceId().ifPresent(id -> conditions.add(resource(id)));
        query.startTime().ifPresent(start -> conditions.add(new Sql().append("time_ms >= ").bind(start)));
        query.endTime().ifPresent(end -> conditions.add(new Sql().append("time_ms < ").bind(end)));
        after.ifPresent(cursor -> conditions.add(new Sql().append("(time_ms < ").bind(cursor.time())
                .append(" OR (time_ms = ").bind(cursor.time()).append(" AND audit_id < ").bind(cursor.id())
                .append("))")));
        for (int index = 0; index < conditions.size(); index++) {
            sql.append(index == 0 ? " WHERE " : " AND ").append(conditions.get(index));
        }
        sql.append(" ORDER BY time_ms DESC, audit_id DESC LIMIT ").bind(maxResults);
        return transactions.read("listing the audit log", connection -> {
            List<AuditEntry> entries = new ArrayList<>();
            Sql.forEachRow(connection, sql, resultSet -> entries.add(entry(resultSet)));
            return List.copyOf(entries);
        });
    }

    /**
     * The id itself, or an id below it: {@code id/...} is the range [id + '/', id + '0') and {@code id@...} the range
     * [id + '@', id + 'A'), '0' and 'A' being the code points right after '/' and '@'.
     */
    private static Sql resource(String id) {
        return new Sql().append("(resource_id = ").bind(id)
                .append(" OR (resource_id >= ").bind(id + "/").append(" AND resource_id < ").bind(id + "0")
                .append(") OR (resource_id >= ").bind(id + "@").append(" AND resource_id < ").bind(id + "A")
                .append("))");
    }

    private static AuditEntry entry(ResultSet resultSet) throws SQLException {
        return new AuditEntry(resultSet.getLong(1), resultSet.getLong(2), resultSet.getString(3),
                resultSet.getString(4), Optional.ofNullable(resultSet.getString(5)), resultSet.getString(6),
                resultSet.getString(7), resultSet.getString(8), Optional.ofNullable(resultSet.getString(9)),
                Optional.ofNullable(resultSet.getString(10)), resultSet.getInt(11),
                Optional.ofNullable(resultSet.getString(12)), Optional.ofNullable(resultSet.getString(13)),
                resultSet.getString(14));
    }
}
