-- The audit log for PostgreSQL: one row per change made through the tracking server (who, when, from where, which
-- route and action, which resource, the HTTP status, the resource before and after as JSON for registry and
-- deployment changes, and a redacted summary of the request). Times are epoch ms. Compared text uses the "C"
-- collation, as elsewhere, so that the resource prefix ranges of the store follow code point order.
--
-- The log is append-only: the store has no statement that changes or removes a row, and the triggers below make
-- PostgreSQL refuse UPDATE, DELETE and TRUNCATE on the table from any role that does not first drop or disable them
-- (which only the table's owner or a superuser can). Deployments that want more can also REVOKE UPDATE, DELETE,
-- TRUNCATE ON audit_log from the server's role when the table is owned by another role.

CREATE TABLE audit_log (
  audit_id       BIGSERIAL PRIMARY KEY,
  time_ms        BIGINT  NOT NULL,
  user_name      TEXT    COLLATE "C" NOT NULL,
  client_address TEXT    NOT NULL,
  forwarded_for  TEXT    NULL,
  method         TEXT    NOT NULL,
  route          TEXT    NOT NULL,
  action         TEXT    COLLATE "C" NOT NULL,
  resource_type  TEXT    COLLATE "C" NULL,
  resource_id    TEXT    COLLATE "C" NULL,
  status         INTEGER NOT NULL,
  before_state   TEXT    NULL,
  after_state    TEXT    NULL,
  details        TEXT    NOT NULL
);
CREATE INDEX audit_log_time ON audit_log (time_ms, audit_id);
CREATE INDEX audit_log_user ON audit_log (user_name, time_ms, audit_id);
CREATE INDEX audit_log_action ON audit_log (action, time_ms, audit_id);
CREATE INDEX audit_log_resource ON audit_log (resource_id, time_ms, audit_id);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE PROCEDURE audit_log_append_only();

CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE PROCEDURE audit_log_append_only();
