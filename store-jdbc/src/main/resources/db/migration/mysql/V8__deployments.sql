-- Deployments as GitOps agents report them, for MySQL and MariaDB: the latest status of each deployment (one row per
-- env and name, replaced by each report) and the history of events (the agents' decisions and what they saw), which
-- stays when a status is deleted. Times are epoch ms. model_name and canary_model_name are the registered model names
-- of the model and canary URIs (models:/<name>/<version>), kept apart so that "where is this model deployed" is an
-- index lookup. Messages (up to 16 Ki characters) are MEDIUMTEXT and evidence (up to 1 Mi characters) LONGTEXT:
-- utf8mb4 text can take four bytes a character. Key columns keep every index under InnoDB's 3072-byte limit.

CREATE TABLE deployment_status (
  env               VARCHAR(63)  NOT NULL,
  name              VARCHAR(63)  NOT NULL,
  revision          TEXT         NULL,
  model             TEXT         NOT NULL,
  model_name        VARCHAR(256) NOT NULL,
  live_model        TEXT         NULL,
  canary            TEXT         NULL,
  canary_model_name VARCHAR(256) NULL,
  canary_weight     INT          NOT NULL,
  canary_step       INT          NULL,
  sync_status       VARCHAR(32)  NOT NULL,
  health_status     VARCHAR(32)  NOT NULL,
  message           MEDIUMTEXT   NOT NULL,
  endpoint          TEXT         NULL,
  agent             TEXT         NOT NULL,
  updated_time_ms   BIGINT       NOT NULL,
  PRIMARY KEY (env, name),
  KEY deployment_status_model (model_name),
  KEY deployment_status_canary_model (canary_model_name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = ${binaryCollation};

CREATE TABLE deployment_events (
  event_id BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
  env      VARCHAR(63) NOT NULL,
  name     VARCHAR(63) NOT NULL,
  time_ms  BIGINT      NOT NULL,
  kind     VARCHAR(40) NOT NULL,
  revision TEXT        NULL,
  message  MEDIUMTEXT  NOT NULL,
  evidence LONGTEXT    NOT NULL,
  KEY deployment_events_latest (env, name, time_ms, event_id),
  KEY deployment_events_env_time (env, time_ms, event_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = ${binaryCollation};
