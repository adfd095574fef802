-- Model registry schema for MySQL and MariaDB. Times are epoch ms. utf8mb4 with the binary collation chosen at
-- open (${binaryCollation}), so names and LIKE are case-sensitive. Rows refer to their model by name without
-- foreign keys: a rename rewrites the name in every table of one transaction, and a model's deletion removes its
-- rows there. Key columns keep every index under InnoDB's 3072-byte limit.

CREATE TABLE registered_models (
  name              VARCHAR(256) NOT NULL PRIMARY KEY,
  creation_time     BIGINT       NOT NULL,
  last_updated_time BIGINT       NOT NULL,
  description       TEXT         NULL,
  KEY registered_models_last_updated (last_updated_time)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = ${binaryCollation};

CREATE TABLE registered_model_tags (
  name    VARCHAR(256) NOT NULL,
  tag_key VARCHAR(250) NOT NULL,
  value   TEXT         NOT NULL,
  PRIMARY KEY (name, tag_key)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = ${binaryCollation};

-- Deleted versions stay with current_stage 'Deleted_Internal' so that their numbers are never reused; the
-- primary key makes concurrent creations of the same number fail, and the loser retries with the next one.
CREATE TABLE model_versions (
  name              VARCHAR(256) NOT NULL,
  version           BIGINT       NOT NULL,
  creation_time     BIGINT       NOT NULL,
  last_updated_time BIGINT       NOT NULL,
  description       TEXT         NULL,
  user_id           TEXT         NULL,
  current_stage     VARCHAR(20)  NOT NULL,
  source            TEXT         NOT NULL,
  run_id            VARCHAR(256) NULL,
  run_link          TEXT         NULL,
  status            VARCHAR(32)  NOT NULL,
  PRIMARY KEY (name, version),
  KEY model_versions_run_id (run_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = ${binaryCollation};

CREATE TABLE model_version_tags (
  name    VARCHAR(256) NOT NULL,
  version BIGINT       NOT NULL,
  tag_key VARCHAR(250) NOT NULL,
  value   TEXT         NOT NULL,
  PRIMARY KEY (name, version, tag_key)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = ${binaryCollation};

CREATE TABLE registered_model_aliases (
  name    VARCHAR(256) NOT NULL,
  alias   VARCHAR(255) NOT NULL,
  version BIGINT       NOT NULL,
  PRIMARY KEY (name, alias)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = ${binaryCollation};
