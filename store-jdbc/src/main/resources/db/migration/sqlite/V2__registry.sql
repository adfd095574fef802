-- Model registry schema for SQLite. Times are epoch ms. Rows refer to their model by name without foreign keys:
-- a rename rewrites the name in every table of one transaction, and a model's deletion removes its rows there.

CREATE TABLE registered_models (
  name              TEXT   NOT NULL PRIMARY KEY,
  creation_time     BIGINT NOT NULL,
  last_updated_time BIGINT NOT NULL,
  description       TEXT
) WITHOUT ROWID;
CREATE INDEX registered_models_last_updated ON registered_models (last_updated_time);

CREATE TABLE registered_model_tags (
  name    TEXT NOT NULL,
  tag_key TEXT NOT NULL,
  value   TEXT NOT NULL,
  PRIMARY KEY (name, tag_key)
) WITHOUT ROWID;

-- Deleted versions stay with current_stage 'Deleted_Internal' so that their numbers are never reused.
CREATE TABLE model_versions (
  name              TEXT   NOT NULL,
  version           BIGINT NOT NULL,
  creation_time     BIGINT NOT NULL,
  last_updated_time BIGINT NOT NULL,
  description       TEXT,
  user_id           TEXT,
  current_stage     TEXT   NOT NULL,
  source            TEXT   NOT NULL,
  run_id            TEXT,
  run_link          TEXT,
  status            TEXT   NOT NULL,
  PRIMARY KEY (name, version)
) WITHOUT ROWID;
CREATE INDEX model_versions_run_id ON model_versions (run_id);

CREATE TABLE model_version_tags (
  name    TEXT   NOT NULL,
  version BIGINT NOT NULL,
  tag_key TEXT   NOT NULL,
  value   TEXT   NOT NULL,
  PRIMARY KEY (name, version, tag_key)
) WITHOUT ROWID;

CREATE TABLE registered_model_aliases (
  name    TEXT   NOT NULL,
  alias   TEXT   NOT NULL,
  version BIGINT NOT NULL,
  PRIMARY KEY (name, alias)
) WITHOUT ROWID;
