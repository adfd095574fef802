-- Production monitors for PostgreSQL: their definitions (JSON text read by the monitoring module), the result of
-- each evaluation, the actions their alert rules took, and leases. Times are epoch ms. Results and actions belong to
-- a monitor by name; the store checks the monitor exists (locking its row) when adding them and deletes them with
-- it. A lease is generic run-once work ownership: the scheduler names a monitor's lease "monitor:<name>". Compared
-- text uses the "C" collation, as elsewhere.

CREATE TABLE monitors (
  name                TEXT   COLLATE "C" NOT NULL PRIMARY KEY,
  definition          TEXT   NOT NULL,
  creation_time_ms    BIGINT NOT NULL,
  last_update_time_ms BIGINT NOT NULL
);

CREATE TABLE monitor_results (
  result_id       BIGSERIAL        PRIMARY KEY,
  monitor_name    TEXT             COLLATE "C" NOT NULL,
  time_ms         BIGINT           NOT NULL,
  window_start_ms BIGINT           NOT NULL,
  window_end_ms   BIGINT           NOT NULL,
  row_count       BIGINT           NOT NULL,
  status          TEXT             NOT NULL,
  dataset_drift   BOOLEAN          NULL,
  drift_share     DOUBLE PRECISION NULL,
  report          TEXT             NOT NULL
);
CREATE INDEX monitor_results_latest ON monitor_results (monitor_name, time_ms, result_id);

CREATE TABLE monitor_actions (
  action_id    BIGSERIAL PRIMARY KEY,
  monitor_name TEXT      COLLATE "C" NOT NULL,
  result_id    BIGINT    NOT NULL,
  time_ms      BIGINT    NOT NULL,
  rule         TEXT      NOT NULL,
  cause        TEXT      NOT NULL,
  kind         TEXT      NOT NULL,
  target       TEXT      NOT NULL,
  succeeded    BOOLEAN   NOT NULL,
  detail       TEXT      NOT NULL
);
CREATE INDEX monitor_actions_latest ON monitor_actions (monitor_name, time_ms, action_id);
CREATE INDEX monitor_actions_time ON monitor_actions (time_ms, action_id);

CREATE TABLE leases (
  name       TEXT   COLLATE "C" NOT NULL PRIMARY KEY,
  owner      TEXT   COLLATE "C" NOT NULL,
  expires_ms BIGINT NOT NULL
);
