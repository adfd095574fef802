-- Tracking schema for PostgreSQL. Times are epoch ms; ids come from the application.
-- Text that is compared or sorted uses the "C" collation: byte order, as SQLite and MySQL (binary) do.

CREATE TABLE experiments (
  experiment_id     BIGINT NOT NULL PRIMARY KEY,
  name              TEXT   COLLATE "C" NOT NULL UNIQUE,
  artifact_location TEXT   NOT NULL,
  lifecycle_stage   TEXT   NOT NULL,
  creation_time     BIGINT NOT NULL,
  last_update_time  BIGINT NOT NULL
);
CREATE INDEX experiments_creation_time ON experiments (creation_time);

CREATE TABLE experiment_tags (
  experiment_id BIGINT NOT NULL REFERENCES experiments (experiment_id),
  name          TEXT   COLLATE "C" NOT NULL,
  value         TEXT   COLLATE "C" NOT NULL,
  PRIMARY KEY (experiment_id, name)
);

CREATE TABLE runs (
  run_uuid        TEXT   COLLATE "C" NOT NULL PRIMARY KEY,
  name            TEXT   COLLATE "C" NOT NULL,
  experiment_id   BIGINT NOT NULL REFERENCES experiments (experiment_id),
  user_id         TEXT   COLLATE "C" NOT NULL,
  status          TEXT   COLLATE "C" NOT NULL,
  start_time      BIGINT NOT NULL,
  end_time        BIGINT,
  artifact_uri    TEXT   COLLATE "C" NOT NULL,
  lifecycle_stage TEXT   COLLATE "C" NOT NULL,
  deleted_time    BIGINT
);
CREATE INDEX runs_experiment_stage_start ON runs (experiment_id, lifecycle_stage, start_time);

-- Values can be longer than a B-tree entry may be (about 2.7 kB), so the search indexes hold a prefix;
-- equality searches add the matching prefix predicate.
CREATE TABLE params (
  run_uuid TEXT COLLATE "C" NOT NULL REFERENCES runs (run_uuid),
  name     TEXT COLLATE "C" NOT NULL,
  value    TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (run_uuid, name)
);
CREATE INDEX params_name_value ON params (name, left(value, 200));

CREATE TABLE tags (
  run_uuid TEXT COLLATE "C" NOT NULL REFERENCES runs (run_uuid),
  name     TEXT COLLATE "C" NOT NULL,
  value    TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (run_uuid, name)
);
CREATE INDEX tags_name_value ON tags (name, left(value, 200));

-- The full history; every column is part of the key, so identical points are stored once and a
-- run's history of one metric is read in (step, timestamp, value) order from the key.
-- No foreign key: PostgreSQL checks one with a trigger per inserted row, which cost a third of the logging
-- throughput. The store instead locks the run (FOR KEY SHARE) once per batch, which is the same guarantee.
CREATE TABLE metrics (
  run_uuid     TEXT             COLLATE "C" NOT NULL,
  name         TEXT             COLLATE "C" NOT NULL,
  step         BIGINT           NOT NULL,
  timestamp_ms BIGINT           NOT NULL,
  value        DOUBLE PRECISION NOT NULL,
  is_nan       SMALLINT         NOT NULL,
  PRIMARY KEY (run_uuid, name, step, timestamp_ms, value, is_nan)
);

-- The latest point of each metric of each run; experiment_id is copied from the run so that a
-- search on one experiment reads the (experiment_id, name, value) index.
CREATE TABLE latest_metrics (
  run_uuid      TEXT             COLLATE "C" NOT NULL REFERENCES runs (run_uuid),
  name          TEXT             COLLATE "C" NOT NULL,
  experiment_id BIGINT           NOT NULL,
  value         DOUBLE PRECISION NOT NULL,
  timestamp_ms  BIGINT           NOT NULL,
  step          BIGINT           NOT NULL,
  is_nan        SMALLINT         NOT NULL,
  PRIMARY KEY (run_uuid, name)
);
CREATE INDEX latest_metrics_search ON latest_metrics (experiment_id, name, value);

CREATE TABLE datasets (
  dataset_uuid    TEXT   COLLATE "C" NOT NULL PRIMARY KEY,
  experiment_id   BIGINT NOT NULL REFERENCES experiments (experiment_id),
  name            TEXT   COLLATE "C" NOT NULL,
  digest          TEXT   COLLATE "C" NOT NULL,
  source_type     TEXT   NOT NULL,
  source          TEXT   NOT NULL,
  dataset_schema  TEXT,
  dataset_profile TEXT,
  UNIQUE (experiment_id, name, digest)
);

CREATE TABLE inputs (
  input_uuid   TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  dataset_uuid TEXT COLLATE "C" NOT NULL REFERENCES datasets (dataset_uuid),
  run_uuid     TEXT COLLATE "C" NOT NULL REFERENCES runs (run_uuid),
  UNIQUE (run_uuid, dataset_uuid)
);
CREATE INDEX inputs_dataset ON inputs (dataset_uuid);

CREATE TABLE input_tags (
  input_uuid TEXT COLLATE "C" NOT NULL REFERENCES inputs (input_uuid),
  name       TEXT COLLATE "C" NOT NULL,
  value      TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (input_uuid, name)
);
