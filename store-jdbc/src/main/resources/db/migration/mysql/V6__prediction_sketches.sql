-- Prediction sketches for MySQL and MariaDB: per model version and time bucket (epoch ms of its start; one hour by
-- default), the number of rows logged and the merged sketch of their inputs and outputs (the monitoring module's
-- dataset sketch as UTF-8 JSON bytes; output columns are prefixed with "prediction."). Servers add to a bucket by
-- read-merge-write in one transaction, reading with SELECT ... FOR UPDATE; two first inserts of a bucket collide
-- (duplicate key or deadlock) and the loser retries. The key stays under InnoDB's 3072-byte index limit.

CREATE TABLE prediction_sketches (
  model_name      VARCHAR(256) NOT NULL,
  model_version   VARCHAR(64)  NOT NULL,
  bucket_start_ms BIGINT       NOT NULL,
  row_count       BIGINT       NOT NULL,
  sketch          LONGBLOB     NOT NULL,
  PRIMARY KEY (model_name, model_version, bucket_start_ms)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = ${binaryCollation};
