-- Tracking schema for MySQL and MariaDB. Times are epoch ms; ids come from the application.
-- utf8mb4 with a binary collation (${binaryCollation}, chosen per server at open) so that names are
-- case-sensitive and LIKE is case-sensitive, as MLflow forces. Key columns are at most 250
-- characters so that every index stays under InnoDB's 3072-byte limit; long values are indexed by prefix.

CREATE TABLE experiments (
  experiment_id     BIGINT       NOT NULL PRIMARY KEY,
  name              VARCHAR(500) NOT NULL,
  artifact_location TEXT         NOT NULL,
  lifecycle_stage   VARCHAR(32)  NOT NULL,
  creation_time     BIGINT       NOT NULL,
  last_update_time  BIGINT       NOT NULL,
  UNIQUE KEY experiments_name (name),
  KEY experiments_creation_time (creation_time)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = ${binaryCollation};

CREATE TABLE experiment_tags (
  experiment_id BIGINT       NOT NULL,
  name          VARCHAR(250) NOT NULL,
  value         TEXT         NOT NULL,
  PRIMARY KEY (experiment_id, name),
  CONSTRAINT experiment_tags_experiment FOREIGN KEY (experiment_id) REFERENCES experiments (experiment_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = ${binaryCollation};

CREATE TABLE runs (
  run_uuid        VARCHAR(32) NOT NULL PRIMARY KEY,
  name            TEXT        NOT NULL,
  experiment_id   BIGINT      NOT NULL,
  user_id         TEXT        NOT NULL,
  status          VARCHAR(20) NOT NULL,
  start_time      BIGINT      NOT NULL,
  end_time        BIGINT      NULL,
  artifact_uri    TEXT        NOT NULL,
  lifecycle_stage VARCHAR(32) NOT NULL,
  deleted_time    BIGINT      NULL,
  KEY runs_experiment_stage_start (experiment_id, lifecycle_stage, start_time),
  CONSTRAINT runs_experiment FOREIGN KEY (experiment_id) REFERENCES experiments (experiment_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = ${binaryCollation};

CREATE TABLE params (
  run_uuid VARCHAR(32)  NOT NULL,
  name     VARCHAR(250) NOT NULL,
  value    TEXT         NOT NULL,
  PRIMARY KEY (run_uuid, name),
  KEY params_name_value (name, value(200)),
  CONSTRAINT params_run FOREIGN KEY (run_uuid) REFERENCES runs (run_uuid)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = ${binaryCollation};

CREATE TABLE tags (
  run_uuid VARCHAR(32)  NOT NULL,
  name     VARCHAR(250) NOT NULL,
  value    TEXT         NOT NULL,
  PRIMARY KEY (run_uuid, name),
  KEY tags_name_value (name, value(200)),
  CONSTRAINT tags_run FOREIGN KEY (run_uuid) REFERENCES runs (run_uuid)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = ${binaryCollation};

-- The full history, clustered by its key: identical points are stored once and a run's history of
-- one metric is read in (step, timestamp, value) order.
CREATE TABLE metrics (
  run_uuid     VARCHAR(32)  NOT NULL,
  name         VARCHAR(250) NOT NULL,
  step         BIGINT       NOT NULL,
  timestamp_ms BIGINT       NOT NULL,
  value        DOUBLE       NOT NULL,
  is_nan       SMALLINT     NOT NULL,
  PRIMARY KEY (run_uuid, name, step, timestamp_ms, value, is_nan),
  CONSTRAINT metrics_run FOREIGN KEY (run_uuid) REFERENCES runs (run_uuid)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = ${binaryCollation};

CREATE TABLE latest_metrics (
  run_uuid      VARCHAR(32)  NOT NULL,
  name          VARCHAR(250) NOT NULL,
  experiment_id BIGINT       NOT NULL,
  value         DOUBLE       NOT NULL,
  timestamp_ms  BIGINT       NOT NULL,
  step          BIGINT       NOT NULL,
  is_nan        SMALLINT     NOT NULL,
  PRIMARY KEY (run_uuid, name),
  KEY latest_metrics_search (experiment_id, name, value),
  CONSTRAINT latest_metrics_run FOREIGN KEY (run_uuid) REFERENCES runs (run_uuid)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = ${binaryCollation};

CREATE TABLE datasets (
  dataset_uuid    VARCHAR(36)  NOT NULL PRIMARY KEY,
  experiment_id   BIGINT       NOT NULL,
  name            VARCHAR(500) NOT NULL,
  digest          VARCHAR(36)  NOT NULL,
  source_type     TEXT         NOT NULL,
  source          MEDIUMTEXT   NOT NULL,
  dataset_schema  MEDIUMTEXT   NULL,
  dataset_profile LONGTEXT     NULL,
  UNIQUE KEY datasets_experiment_name_digest (experiment_id, name, digest),
  CONSTRAINT datasets_experiment FOREIGN KEY (experiment_id) REFERENCES experiments (experiment_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = ${binaryCollation};

CREATE TABLE inputs (
  input_uuid   VARCHAR(36) NOT NULL PRIMARY KEY,
  dataset_uuid VARCHAR(36) NOT NULL,
  run_uuid     VARCHAR(32) NOT NULL,
  UNIQUE KEY inputs_run_dataset (run_uuid, dataset_uuid),
  KEY inputs_dataset (dataset_uuid),
  CONSTRAINT inputs_dataset FOREIGN KEY (dataset_uuid) REFERENCES datasets (dataset_uuid),
  CONSTRAINT inputs_run FOREIGN KEY (run_uuid) REFERENCES runs (run_uuid)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = ${binaryCollation};

CREATE TABLE input_tags (
  input_uuid VARCHAR(36)  NOT NULL,
  name       VARCHAR(255) NOT NULL,
  value      TEXT         NOT NULL,
  PRIMARY KEY (input_uuid, name),
  CONSTRAINT input_tags_input FOREIGN KEY (input_uuid) REFERENCES inputs (input_uuid)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = ${binaryCollation};
