-- Model registry schema for PostgreSQL. Times are epoch ms. Rows refer to their model by name without foreign
-- keys: a rename rewrites the name in every table of one transaction, and a model's deletion removes its rows there.
-- Text that is compared or sorted uses the "C" collation: byte order, as SQLite and MySQL (binary) do.

CREATE TABLE registered_models (
  name              TEXT   COLLATE "C" NOT NULL PRIMARY KEY,
  creation_time     BIGINT NOT NULL,
  last_updated_time BIGINT NOT NULL,
  description       TEXT
);
CREATE INDEX registered_models_last_updated ON registered_models (last_updated_time);

CREATE TABLE registered_model_tags (
  name    TEXT COLLATE "C" NOT NULL,
  tag_key TEXT COLLATE "C" NOT NULL,
  value   TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (name, tag_key)
);

-- Deleted versions stay with current_stage 'Deleted_Internal' so that their numbers are never reused; the
-- primary key makes concurrent creations of the same number fail, and the loser retries with the next one.
CREATE TABLE model_versions (
  name              TEXT   COLLATE "C" NOT NULL,
  version           BIGINT NOT NULL,
  creation_time     BIGINT NOT NULL,
  last_updated_time BIGINT NOT NULL,
  description       TEXT,
  user_id           TEXT,
  current_stage     TEXT   COLLATE "C" NOT NULL,
  source            TEXT   COLLATE "C" NOT NULL,
  run_id            TEXT   COLLATE "C",
  run_link          TEXT,
  status            TEXT   NOT NULL,
  PRIMARY KEY (name, version)
);
CREATE INDEX model_versions_run_id ON model_versions (run_id);

CREATE TABLE model_version_tags (
  name    TEXT   COLLATE "C" NOT NULL,
  version BIGINT NOT NULL,
  tag_key TEXT   COLLATE "C" NOT NULL,
  value   TEXT   COLLATE "C" NOT NULL,
  PRIMARY KEY (name, version, tag_key)
);

CREATE TABLE registered_model_aliases (
  name    TEXT   COLLATE "C" NOT NULL,
  alias   TEXT   COLLATE "C" NOT NULL,
  version BIGINT NOT NULL,
  PRIMARY KEY (name, alias)
);
