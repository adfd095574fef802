package dev.slipway.core.audit;

/**
 * A position in the audit log listed newest first: the entries after it are those older than the entry at
 * {@code time} with {@code id}, that is with an earlier time, or the same time and a smaller id.
 *
 * @param time the time of the last entry of the previous page, epoch ms
 * @param id the id of that entry
 */
public record AuditCursor(long time, long id) {
    public AuditCursor {
        if (time < 0 || id < 0) {
            throw new IllegalArgumentException("time and id must be >= 0: " + time + ", " + id);
        }
    }

    /** The position just after the entry. */
    public static AuditCursor after(AuditEntry entry) {
        return new AuditCursor(entry.time(), entry.id());
    }
}
