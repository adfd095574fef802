-- Tracking schema for SQLite. Times are epoch ms; ids come from the application.
-- Strings compare with SQLite's BINARY collation, so names and keys are case-sensitive.

CREATE TABLE experiments (
  experiment_id     INTEGER PRIMARY KEY,
  name              TEXT    NOT NULL UNIQUE,
  artifact_location TEXT    NOT NULL,
  lifecycle_stage   TEXT    NOT NULL,
  creation_time     BIGINT  NOT NULL,
  last_update_time  BIGINT  NOT NULL
);
CREATE INDEX experiments_creation_time ON experiments (creation_time);

CREATE TABLE experiment_tags (
  experiment_id BIGINT NOT NULL REFERENCES experiments (experiment_id),
  name          TEXT   NOT NULL,
  value         TEXT   NOT NULL,
  PRIMARY KEY (experiment_id, name)
) WITHOUT ROWID;

CREATE TABLE runs (
  run_uuid        TEXT   NOT NULL PRIMARY KEY,
  name            TEXT   NOT NULL,
  experiment_id   BIGINT NOT NULL REFERENCES experiments (experiment_id),
  user_id         TEXT   NOT NULL,
  status          TEXT   NOT NULL,
  start_time      BIGINT NOT NULL,
  end_time        BIGINT,
  artifact_uri    TEXT   NOT NULL,
  lifecycle_stage TEXT   NOT NULL,
  deleted_time    BIGINT
);
CREATE INDEX runs_experiment_stage_start ON runs (experiment_id, lifecycle_stage, start_time);

CREATE TABLE params (
  run_uuid TEXT NOT NULL REFERENCES runs (run_uuid),
  name     TEXT NOT NULL,
  value    TEXT NOT NULL,
  PRIMARY KEY (run_uuid, name)
) WITHOUT ROWID;
CREATE INDEX params_name_value ON params (name, value);

CREATE TABLE tags (
  run_uuid TEXT NOT NULL REFERENCES runs (run_uuid),
  name     TEXT NOT NULL,
  value    TEXT NOT NULL,
  PRIMARY KEY (run_uuid, name)
) WITHOUT ROWID;
CREATE INDEX tags_name_value ON tags (name, value);

-- The full history; every column is part of the key, so identical points are stored once and a
-- run's history of one metric is read in (step, timestamp, value) order straight from the key.
CREATE TABLE metrics (
  run_uuid     TEXT     NOT NULL REFERENCES runs (run_uuid),
  name         TEXT     NOT NULL,
  step         BIGINT   NOT NULL,
  timestamp_ms BIGINT   NOT NULL,
  value        REAL     NOT NULL,
  is_nan       SMALLINT NOT NULL,
  PRIMARY KEY (run_uuid, name, step, timestamp_ms, value, is_nan)
) WITHOUT ROWID;

-- The latest point of each metric of each run; experiment_id is copied from the run so that a
-- search on one experiment reads the (experiment_id, name, value) index.
CREATE TABLE latest_metrics (
  run_uuid      TEXT     NOT NULL REFERENCES runs (run_uuid),
  name          TEXT     NOT NULL,
  experiment_id BIGINT   NOT NULL,
  value         REAL     NOT NULL,
  timestamp_ms  BIGINT   NOT NULL,
  step          BIGINT   NOT NULL,
  is_nan        SMALLINT NOT NULL,
  PRIMARY KEY (run_uuid, name)
) WITHOUT ROWID;
CREATE INDEX latest_metrics_search ON latest_metrics (experiment_id, name, value);

CREATE TABLE datasets (
  dataset_uuid    TEXT   NOT NULL PRIMARY KEY,
  experiment_id   BIGINT NOT NULL REFERENCES experiments (experiment_id),
  name            TEXT   NOT NULL,
  digest          TEXT   NOT NULL,
  source_type     TEXT   NOT NULL,
  source          TEXT   NOT NULL,
  dataset_schema  TEXT,
  dataset_profile TEXT,
  UNIQUE (experiment_id, name, digest)
);

CREATE TABLE inputs (
  input_uuid   TEXT NOT NULL PRIMARY KEY,
  dataset_uuid TEXT NOT NULL REFERENCES datasets (dataset_uuid),
  run_uuid     TEXT NOT NULL REFERENCES runs (run_uuid),
  UNIQUE (run_uuid, dataset_uuid)
);
CREATE INDEX inputs_dataset ON inputs (dataset_uuid);

CREATE TABLE input_tags (
  input_uuid TEXT NOT NULL REFERENCES inputs (input_uuid),
  name       TEXT NOT NULL,
  value      TEXT NOT NULL,
  PRIMARY KEY (input_uuid, name)
) WITHOUT ROWID;
