-- Logged models (MLflow 3) for SQLite. Times are epoch ms. A model belongs to an experiment; the run that produced
-- it is a plain id (runs are never removed while their models exist, but a model outlives nothing it refers to).
-- Deletion is soft: lifecycle_stage 'deleted', rows kept.

CREATE TABLE logged_models (
  model_id          TEXT   NOT NULL PRIMARY KEY,
  experiment_id     BIGINT NOT NULL REFERENCES experiments (experiment_id),
  name              TEXT   NOT NULL,
  artifact_uri      TEXT   NOT NULL,
  creation_time     BIGINT NOT NULL,
  last_updated_time BIGINT NOT NULL,
  status            TEXT   NOT NULL,
  lifecycle_stage   TEXT   NOT NULL,
  model_type        TEXT,
  source_run_id     TEXT,
  status_message    TEXT,
  creator_id        BIGINT
) WITHOUT ROWID;
CREATE INDEX logged_models_experiment_created ON logged_models (experiment_id, creation_time);
CREATE INDEX logged_models_source_run ON logged_models (source_run_id);

CREATE TABLE logged_model_params (
  model_id TEXT NOT NULL REFERENCES logged_models (model_id),
  name     TEXT NOT NULL,
  value    TEXT NOT NULL,
  PRIMARY KEY (model_id, name)
) WITHOUT ROWID;

CREATE TABLE logged_model_tags (
  model_id TEXT NOT NULL REFERENCES logged_models (model_id),
  tag_key  TEXT NOT NULL,
  value    TEXT NOT NULL,
  PRIMARY KEY (model_id, tag_key)
) WITHOUT ROWID;

-- Every logged value, keyed as in MLflow by (model, name, timestamp, step, run); run_id is '' when unknown so that
-- it can be part of the key. NaN is stored as value 0 with is_nan 1, as in the run metrics.
CREATE TABLE logged_model_metrics (
  model_id       TEXT     NOT NULL REFERENCES logged_models (model_id),
  name           TEXT     NOT NULL,
  timestamp_ms   BIGINT   NOT NULL,
  step           BIGINT   NOT NULL,
  run_id         TEXT     NOT NULL,
  dataset_name   TEXT,
  dataset_digest TEXT,
  value          REAL     NOT NULL,
  is_nan         SMALLINT NOT NULL,
  PRIMARY KEY (model_id, name, timestamp_ms, step, run_id)
) WITHOUT ROWID;

-- The models a run produced (runs/outputs), with the step at which each was logged.
CREATE TABLE run_model_outputs (
  run_id   TEXT   NOT NULL,
  model_id TEXT   NOT NULL REFERENCES logged_models (model_id),
  step     BIGINT NOT NULL,
  PRIMARY KEY (run_id, model_id)
) WITHOUT ROWID;
