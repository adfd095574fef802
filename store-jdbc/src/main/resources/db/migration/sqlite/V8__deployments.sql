-- Deployments as GitOps agents report them, for SQLite: the latest status of each deployment (one row per env and
-- name, replaced by each report) and the history of events (the agents' decisions and what they saw), which stays
-- when a status is deleted. Times are epoch ms. model_name and canary_model_name are the registered model names of
-- the model and canary URIs (models:/<name>/<version>), kept apart so that "where is this model deployed" is an index
-- lookup. AUTOINCREMENT keeps event ids increasing even after the newest rows were deleted.

CREATE TABLE deployment_status (
  env               TEXT    NOT NULL,
  name              TEXT    NOT NULL,
  revision          TEXT    NULL,
  model             TEXT    NOT NULL,
  model_name        TEXT    NOT NULL,
  live_model        TEXT    NULL,
  canary            TEXT    NULL,
  canary_model_name TEXT    NULL,
  canary_weight     INTEGER NOT NULL,
  canary_step       INTEGER NULL,
  sync_status       TEXT    NOT NULL,
  health_status     TEXT    NOT NULL,
  message           TEXT    NOT NULL,
  endpoint          TEXT    NULL,
  agent             TEXT    NOT NULL,
  updated_time_ms   BIGINT  NOT NULL,
  PRIMARY KEY (env, name)
) WITHOUT ROWID;
CREATE INDEX deployment_status_model ON deployment_status (model_name);
CREATE INDEX deployment_status_canary_model ON deployment_status (canary_model_name);

CREATE TABLE deployment_events (
  event_id INTEGER PRIMARY KEY AUTOINCREMENT,
  env      TEXT    NOT NULL,
  name     TEXT    NOT NULL,
  time_ms  BIGINT  NOT NULL,
  kind     TEXT    NOT NULL,
  revision TEXT    NULL,
  message  TEXT    NOT NULL,
  evidence TEXT    NOT NULL
);
CREATE INDEX deployment_events_latest ON deployment_events (env, name, time_ms, event_id);
CREATE INDEX deployment_events_env_time ON deployment_events (env, time_ms, event_id);
