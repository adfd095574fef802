-- Users, personal access tokens and permissions (slipway server --auth basic), for PostgreSQL, as MLflow's basic-auth
-- plugin keeps them: a user's permission on an experiment (by id) or a registered model (by name) is one of READ, EDIT,
-- MANAGE, NO_PERMISSIONS. Passwords are stored only as a slow salted hash, tokens only as the SHA-256 of their secret
-- (hex). Times are epoch ms. Permissions and tokens go with their user (ON DELETE CASCADE); permissions refer to
-- experiments and models without foreign keys, as a model's rename or deletion rewrites them in their own step.
-- Compared text uses the "C" collation, as elsewhere.

CREATE TABLE users (
  user_id          BIGINT  NOT NULL PRIMARY KEY,
  username         TEXT    COLLATE "C" NOT NULL UNIQUE,
  password_hash    TEXT    NOT NULL,
  is_admin         BOOLEAN NOT NULL,
  creation_time_ms BIGINT  NOT NULL
);

CREATE TABLE experiment_permissions (
  experiment_id TEXT   COLLATE "C" NOT NULL,
  user_id       BIGINT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  permission    TEXT   NOT NULL,
  PRIMARY KEY (experiment_id, user_id)
);
CREATE INDEX experiment_permissions_user ON experiment_permissions (user_id);

CREATE TABLE registered_model_permissions (
  name       TEXT   COLLATE "C" NOT NULL,
  user_id    BIGINT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  permission TEXT   NOT NULL,
  PRIMARY KEY (name, user_id)
);
CREATE INDEX registered_model_permissions_user ON registered_model_permissions (user_id);

CREATE TABLE access_tokens (
  token_id           TEXT   COLLATE "C" NOT NULL PRIMARY KEY,
  secret_hash        TEXT   COLLATE "C" NOT NULL UNIQUE,
  user_id            BIGINT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  name               TEXT   NOT NULL,
  creation_time_ms   BIGINT NOT NULL,
  expiration_time_ms BIGINT NULL
);
CREATE INDEX access_tokens_user ON access_tokens (user_id, creation_time_ms);
