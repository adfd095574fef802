-- The prediction log for MySQL and MariaDB: every row a model server scored, and the actual values (feedback) that
-- arrive later. Times are epoch ms. Feedback is kept apart and joined on read by (request_id, row_index), so it may
-- arrive before its prediction is written. prediction_id only orders rows appended in the same millisecond. The
-- JSON texts are MEDIUMTEXT: 64 Ki characters of utf8mb4 can exceed TEXT's 64 KiB. Key columns keep every index
-- under InnoDB's 3072-byte limit.

CREATE TABLE served_predictions (
  prediction_id BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  request_id    VARCHAR(128) NOT NULL,
  row_index     INT          NOT NULL,
  timestamp_ms  BIGINT       NOT NULL,
  model_name    VARCHAR(256) NOT NULL,
  model_version VARCHAR(64)  NOT NULL,
  variant       VARCHAR(32)  NOT NULL,
  inputs        MEDIUMTEXT   NOT NULL,
  outputs       MEDIUMTEXT   NOT NULL,
  latency_ms    DOUBLE       NOT NULL,
  KEY served_predictions_model_time (model_name, timestamp_ms),
  KEY served_predictions_request (request_id, row_index)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = ${binaryCollation};

CREATE TABLE prediction_feedback (
  request_id   VARCHAR(128) NOT NULL,
  row_index    INT          NOT NULL,
  actual       MEDIUMTEXT   NOT NULL,
  timestamp_ms BIGINT       NOT NULL,
  PRIMARY KEY (request_id, row_index)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = ${binaryCollation};
