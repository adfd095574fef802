-- Prediction sketches for PostgreSQL: per model version and time bucket (epoch ms of its start; one hour by
-- default), the number of rows logged and the merged sketch of their inputs and outputs (the monitoring module's
-- dataset sketch as UTF-8 JSON bytes; output columns are prefixed with "prediction."). Servers add to a bucket by
-- read-merge-write in one transaction, reading with SELECT ... FOR UPDATE; two first inserts of a bucket collide on
-- the key and the loser retries. Compared text uses the "C" collation, as elsewhere.

CREATE TABLE prediction_sketches (
  model_name      TEXT   COLLATE "C" NOT NULL,
  model_version   TEXT   COLLATE "C" NOT NULL,
  bucket_start_ms BIGINT NOT NULL,
  row_count       BIGINT NOT NULL,
  sketch          BYTEA  NOT NULL,
  PRIMARY KEY (model_name, model_version, bucket_start_ms)
);
