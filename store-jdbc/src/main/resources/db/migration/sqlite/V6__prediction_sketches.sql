-- Prediction sketches for SQLite: per model version and time bucket (epoch ms of its start; one hour by default),
-- the number of rows logged and the merged sketch of their inputs and outputs (the monitoring module's dataset
-- sketch as UTF-8 JSON bytes; output columns are prefixed with "prediction."). Servers add to a bucket by
-- read-merge-write in one transaction; SQLite's single writer keeps that atomic.

CREATE TABLE prediction_sketches (
  model_name      TEXT    NOT NULL,
  model_version   TEXT    NOT NULL,
  bucket_start_ms BIGINT  NOT NULL,
  row_count       BIGINT  NOT NULL,
  sketch          BLOB    NOT NULL,
  PRIMARY KEY (model_name, model_version, bucket_start_ms)
) WITHOUT ROWID;
