-- The audit log for SQLite: one row per change made through the tracking server (who, when, from where, which
-- route and action, which resource, the HTTP status, the resource before and after as JSON for registry and
-- deployment changes, and a redacted summary of the request). Times are epoch ms. The log is append-only: the
-- store has no statement that changes or removes a row, and the triggers below make SQLite refuse UPDATE and
-- DELETE on the table from any client (dropping the triggers is a deliberate act of whoever owns the file).
-- AUTOINCREMENT keeps ids increasing. Listing is newest first by (time_ms, audit_id), filtered by user, action or
-- resource, hence one index each ending in the listing order.

CREATE TABLE audit_log (
  audit_id       INTEGER PRIMARY KEY AUTOINCREMENT,
  time_ms        BIGINT  NOT NULL,
  user_name      TEXT    NOT NULL,
  client_address TEXT    NOT NULL,
  forwarded_for  TEXT    NULL,
  method         TEXT    NOT NULL,
  route          TEXT    NOT NULL,
  action         TEXT    NOT NULL,
  resource_type  TEXT    NULL,
  resource_id    TEXT    NULL,
  status         INTEGER NOT NULL,
  before_state   TEXT    NULL,
  after_state    TEXT    NULL,
  details        TEXT    NOT NULL
);
CREATE INDEX audit_log_time ON audit_log (time_ms, audit_id);
CREATE INDEX audit_log_user ON audit_log (user_name, time_ms, audit_id);
CREATE INDEX audit_log_action ON audit_log (action, time_ms, audit_id);
CREATE INDEX audit_log_resource ON audit_log (resource_id, time_ms, audit_id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only: rows cannot be updated');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only: rows cannot be deleted');
END;
