package dev.slipway.core.audit;

import java.util.List;
import java.util.Optional;

/**
 * The persistence port of the audit log: append and query, nothing else. No method changes or removes an entry once
 * appended, and the database backends also refuse UPDATE and DELETE on its table (see the V10 migration).
 *
 * <p>Implementations are thread-safe and safe with several processes on one database. A method that returns normally
 * has made its change durable. Failures are {@link dev.slipway.core.SlipwayException}s: INTERNAL_ERROR or
 * TEMPORARILY_UNAVAILABLE when the database fails.
 */
public interface AuditStore {

    /**
     * Appends the entries, all or none, ignoring their ids: each is given a new id, increasing with each entry
     * appended. An empty list does nothing.
     */
    void append(List<AuditEntry> entries);

    /**
     * The entries matching the query, newest first (by time, then id), starting after the cursor when one is given,
     * at most {@code maxResults}.
     *
     * @param maxResults at least 1
     */
    List<AuditEntry> query(AuditQuery query, Optional<AuditCursor> after, int maxResults);
}
