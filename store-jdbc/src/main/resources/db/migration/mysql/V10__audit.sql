-- The audit log for MySQL and MariaDB: one row per change made through the tracking server (who, when, from where,
-- which route and action, which resource, the HTTP status, the resource before and after as JSON for registry and
-- deployment changes, and a redacted summary of the request). Times are epoch ms. The JSON texts (up to 256 Ki
-- characters) are MEDIUMTEXT: utf8mb4 text can take four bytes a character. Key columns keep every index under
-- InnoDB's 3072-byte limit; the store shortens longer values before it appends them.
--
-- The log is append-only: the store has no statement that changes or removes a row, and the triggers below SIGNAL an
-- error on UPDATE and DELETE of a row from any client. MySQL has no trigger on TRUNCATE TABLE (it needs the DROP
-- privilege, which the server's user should not hold on this table in production). Creating a trigger with binary
-- logging on needs the SUPER privilege or log_bin_trust_function_creators=1 (MySQL 8 logs by default; MariaDB not).

CREATE TABLE audit_log (
  audit_id       BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  time_ms        BIGINT       NOT NULL,
  user_name      VARCHAR(256) NOT NULL,
  client_address VARCHAR(64)  NOT NULL,
  forwarded_for  VARCHAR(512) NULL,
  method         VARCHAR(16)  NOT NULL,
  route          VARCHAR(512) NOT NULL,
  action         VARCHAR(128) NOT NULL,
  resource_type  VARCHAR(64)  NULL,
  resource_id    VARCHAR(512) NULL,
  status         INT          NOT NULL,
  before_state   MEDIUMTEXT   NULL,
  after_state    MEDIUMTEXT   NULL,
  details        MEDIUMTEXT   NOT NULL,
  KEY audit_log_time (time_ms, audit_id),
  KEY audit_log_user (user_name, time_ms, audit_id),
  KEY audit_log_action (action, time_ms, audit_id),
  KEY audit_log_resource (resource_id, time_ms, audit_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = ${binaryCollation};

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only: rows cannot be updated';

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only: rows cannot be deleted';
