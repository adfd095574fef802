-- Users, personal access tokens and permissions (slipway server --auth basic), for MySQL and MariaDB, as MLflow's
-- basic-auth plugin keeps them: a user's permission on an experiment (by id) or a registered model (by name) is one of
-- READ, EDIT, MANAGE, NO_PERMISSIONS. Passwords are stored only as a slow salted hash, tokens only as the SHA-256 of
-- their secret (hex). Times are epoch ms. Permissions and tokens go with their user (ON DELETE CASCADE); permissions
-- refer to experiments and models without foreign keys, as a model's rename or deletion rewrites them in their own
-- step. Key columns keep every index under InnoDB's 3072-byte limit.

CREATE TABLE users (
  user_id          BIGINT       NOT NULL PRIMARY KEY,
  username         VARCHAR(255) NOT NULL,
  password_hash    TEXT         NOT NULL,
  is_admin         BOOLEAN      NOT NULL,
  creation_time_ms BIGINT       NOT NULL,
  UNIQUE KEY users_username (username)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = ${binaryCollation};

CREATE TABLE experiment_permissions (
  experiment_id VARCHAR(32) NOT NULL,
  user_id       BIGINT      NOT NULL,
  permission    VARCHAR(32) NOT NULL,
  PRIMARY KEY (experiment_id, user_id),
  KEY experiment_permissions_user (user_id),
  CONSTRAINT experiment_permissions_user_fk FOREIGN KEY (user_id) REFERENCES users (user_id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = ${binaryCollation};

CREATE TABLE registered_model_permissions (
  name       VARCHAR(256) NOT NULL,
  user_id    BIGINT       NOT NULL,
  permission VARCHAR(32)  NOT NULL,
  PRIMARY KEY (name, user_id),
  KEY registered_model_permissions_user (user_id),
  CONSTRAINT registered_model_permissions_user_fk FOREIGN KEY (user_id) REFERENCES users (user_id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = ${binaryCollation};

CREATE TABLE access_tokens (
  token_id           VARCHAR(64)  NOT NULL PRIMARY KEY,
  secret_hash        CHAR(64)     NOT NULL,
  user_id            BIGINT       NOT NULL,
  name               VARCHAR(255) NOT NULL,
  creation_time_ms   BIGINT       NOT NULL,
  expiration_time_ms BIGINT       NULL,
  UNIQUE KEY access_tokens_secret (secret_hash),
  KEY access_tokens_user (user_id, creation_time_ms),
  CONSTRAINT access_tokens_user_fk FOREIGN KEY (user_id) REFERENCES users (user_id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = ${binaryCollation};
