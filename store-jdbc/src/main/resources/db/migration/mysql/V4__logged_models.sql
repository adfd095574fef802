-- Logged models (MLflow 3) for MySQL and MariaDB. Times are epoch ms. utf8mb4 with the binary collation chosen at
-- open (${binaryCollation}), so names and LIKE are case-sensitive. A model belongs to an experiment; the run that
-- produced it is a plain id. Deletion is soft: lifecycle_stage 'deleted', rows kept. Key columns keep every index
-- under InnoDB's 3072-byte limit.

CREATE TABLE logged_models (
  model_id          VARCHAR(64)  NOT NULL PRIMARY KEY,
  experiment_id     BIGINT       NOT NULL,
  name              VARCHAR(500) NOT NULL,
  artifact_uri      TEXT         NOT NULL,
  creation_time     BIGINT       NOT NULL,
  last_updated_time BIGINT       NOT NULL,
  status            VARCHAR(32)  NOT NULL,
  lifecycle_stage   VARCHAR(32)  NOT NULL,
  model_type        VARCHAR(500) NULL,
  source_run_id     VARCHAR(256) NULL,
  status_message    TEXT         NULL,
  creator_id        BIGINT       NULL,
  KEY logged_models_experiment_created (experiment_id, creation_time),
  KEY logged_models_source_run (source_run_id),
  CONSTRAINT logged_models_experiment FOREIGN KEY (experiment_id) REFERENCES experiments (experiment_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = ${binaryCollation};

CREATE TABLE logged_model_params (
  model_id VARCHAR(64)  NOT NULL,
  name     VARCHAR(250) NOT NULL,
  value    TEXT         NOT NULL,
  PRIMARY KEY (model_id, name),
  CONSTRAINT logged_model_params_model FOREIGN KEY (model_id) REFERENCES logged_models (model_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = ${binaryCollation};

CREATE TABLE logged_model_tags (
  model_id VARCHAR(64)  NOT NULL,
  tag_key  VARCHAR(250) NOT NULL,
  value    TEXT         NOT NULL,
  PRIMARY KEY (model_id, tag_key),
  CONSTRAINT logged_model_tags_model FOREIGN KEY (model_id) REFERENCES logged_models (model_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = ${binaryCollation};

-- Every logged value, keyed as in MLflow by (model, name, timestamp, step, run); run_id is '' when unknown so that
-- it can be part of the key. NaN is stored as value 0 with is_nan 1, as in the run metrics.
CREATE TABLE logged_model_metrics (
  model_id       VARCHAR(64)  NOT NULL,
  name           VARCHAR(250) NOT NULL,
  timestamp_ms   BIGINT       NOT NULL,
  step           BIGINT       NOT NULL,
  run_id         VARCHAR(256) NOT NULL,
  dataset_name   TEXT         NULL,
  dataset_digest TEXT         NULL,
  value          DOUBLE       NOT NULL,
  is_nan         SMALLINT     NOT NULL,
  PRIMARY KEY (model_id, name, timestamp_ms, step, run_id),
  CONSTRAINT logged_model_metrics_model FOREIGN KEY (model_id) REFERENCES logged_models (model_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = ${binaryCollation};

-- The models a run produced (runs/outputs), with the step at which each was logged.
CREATE TABLE run_model_outputs (
  run_id   VARCHAR(256) NOT NULL,
  model_id VARCHAR(64)  NOT NULL,
  step     BIGINT       NOT NULL,
  PRIMARY KEY (run_id, model_id),
  CONSTRAINT run_model_outputs_model FOREIGN KEY (model_id) REFERENCES logged_models (model_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = ${binaryCollation};
