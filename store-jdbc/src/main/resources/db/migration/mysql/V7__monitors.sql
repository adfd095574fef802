-- Production monitors for MySQL and MariaDB: their definitions (JSON text read by the monitoring module), the result
-- of each evaluation, the actions their alert rules took, and leases. Times are epoch ms. Results and actions belong
-- to a monitor by name; the store checks the monitor exists (locking its row) when adding them and deletes them with
-- it. A lease is generic run-once work ownership: the scheduler names a monitor's lease "monitor:<name>". Reports
-- (up to 2 Mi characters) are LONGTEXT, definitions and action details (64 Ki characters) MEDIUMTEXT: utf8mb4 text
-- can take four bytes a character. Key columns keep every index under InnoDB's 3072-byte limit.

CREATE TABLE monitors (
  name                VARCHAR(128) NOT NULL PRIMARY KEY,
  definition          MEDIUMTEXT   NOT NULL,
  creation_time_ms    BIGINT       NOT NULL,
  last_update_time_ms BIGINT       NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = ${binaryCollation};

CREATE TABLE monitor_results (
  result_id       BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  monitor_name    VARCHAR(128) NOT NULL,
  time_ms         BIGINT       NOT NULL,
  window_start_ms BIGINT       NOT NULL,
  window_end_ms   BIGINT       NOT NULL,
  row_count       BIGINT       NOT NULL,
  status          VARCHAR(32)  NOT NULL,
  dataset_drift   BOOLEAN      NULL,
  drift_share     DOUBLE       NULL,
  report          LONGTEXT     NOT NULL,
  KEY monitor_results_latest (monitor_name, time_ms, result_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = ${binaryCollation};

CREATE TABLE monitor_actions (
  action_id    BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  monitor_name VARCHAR(128) NOT NULL,
  result_id    BIGINT       NOT NULL,
  time_ms      BIGINT       NOT NULL,
  rule         TEXT         NOT NULL,
  cause        TEXT         NOT NULL,
  kind         VARCHAR(64)  NOT NULL,
  target       TEXT         NOT NULL,
  succeeded    BOOLEAN      NOT NULL,
  detail       MEDIUMTEXT   NOT NULL,
  KEY monitor_actions_latest (monitor_name, time_ms, action_id),
  KEY monitor_actions_time (time_ms, action_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = ${binaryCollation};

CREATE TABLE leases (
  name       VARCHAR(255) NOT NULL PRIMARY KEY,
  owner      VARCHAR(255) NOT NULL,
  expires_ms BIGINT       NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = ${binaryCollation};
