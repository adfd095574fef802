-- Logged models (MLflow 3) for PostgreSQL. Times are epoch ms. A model belongs to an experiment; the run that
-- produced it is a plain id. Deletion is soft: lifecycle_stage 'deleted', rows kept. Text that is compared or sorted
-- uses the "C" collation: byte order, as SQLite and MySQL (binary) do.

CREATE TABLE logged_models (
  model_id          TEXT   COLLATE "C" NOT NULL PRIMARY KEY,
  experiment_id     BIGINT NOT NULL REFERENCES experiments (experiment_id),
  name              TEXT   COLLATE "C" NOT NULL,
  artifact_uri      TEXT   NOT NULL,
  creation_time     BIGINT NOT NULL,
  last_updated_time BIGINT NOT NULL,
  status            TEXT   COLLATE "C" NOT NULL,
  lifecycle_stage   TEXT   NOT NULL,
  model_type        TEXT   COLLATE "C",
  source_run_id     TEXT   COLLATE "C",
  status_message    TEXT,
  creator_id        BIGINT
);
CREATE INDEX logged_models_experiment_created ON logged_models (experiment_id, creation_time);
CREATE INDEX logged_models_source_run ON logged_models (source_run_id);

CREATE TABLE logged_model_params (
  model_id TEXT COLLATE "C" NOT NULL REFERENCES logged_models (model_id),
  name     TEXT COLLATE "C" NOT NULL,
  value    TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (model_id, name)
);

CREATE TABLE logged_model_tags (
  model_id TEXT COLLATE "C" NOT NULL REFERENCES logged_models (model_id),
  tag_key  TEXT COLLATE "C" NOT NULL,
  value    TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (model_id, tag_key)
);

-- Every logged value, keyed as in MLflow by (model, name, timestamp, step, run); run_id is '' when unknown so that
-- it can be part of the key. NaN is stored as value 0 with is_nan 1, as in the run metrics.
CREATE TABLE logged_model_metrics (
  model_id       TEXT             COLLATE "C" NOT NULL REFERENCES logged_models (model_id),
  name           TEXT             COLLATE "C" NOT NULL,
  timestamp_ms   BIGINT           NOT NULL,
  step           BIGINT           NOT NULL,
  run_id         TEXT             COLLATE "C" NOT NULL,
  dataset_name   TEXT             COLLATE "C",
  dataset_digest TEXT             COLLATE "C",
  value          DOUBLE PRECISION NOT NULL,
  is_nan         SMALLINT         NOT NULL,
  PRIMARY KEY (model_id, name, timestamp_ms, step, run_id)
);

-- The models a run produced (runs/outputs), with the step at which each was logged.
CREATE TABLE run_model_outputs (
  run_id   TEXT   COLLATE "C" NOT NULL,
  model_id TEXT   COLLATE "C" NOT NULL REFERENCES logged_models (model_id),
  step     BIGINT NOT NULL,
  PRIMARY KEY (run_id, model_id)
);
