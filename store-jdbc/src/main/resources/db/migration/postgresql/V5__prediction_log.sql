-- The prediction log for PostgreSQL: every row a model server scored, and the actual values (feedback) that arrive
-- later. Times are epoch ms. Feedback is kept apart and joined on read by (request_id, row_index), so it may arrive
-- before its prediction is written. prediction_id only orders rows appended in the same millisecond. Compared text
-- uses the "C" collation, as elsewhere.

CREATE TABLE served_predictions (
  prediction_id BIGSERIAL        PRIMARY KEY,
  request_id    TEXT             COLLATE "C" NOT NULL,
  row_index     INTEGER          NOT NULL,
  timestamp_ms  BIGINT           NOT NULL,
  model_name    TEXT             COLLATE "C" NOT NULL,
  model_version TEXT             COLLATE "C" NOT NULL,
  variant       TEXT             COLLATE "C" NOT NULL,
  inputs        TEXT             NOT NULL,
  outputs       TEXT             NOT NULL,
  latency_ms    DOUBLE PRECISION NOT NULL
);
CREATE INDEX served_predictions_model_time ON served_predictions (model_name, timestamp_ms);
CREATE INDEX served_predictions_request ON served_predictions (request_id, row_index);

CREATE TABLE prediction_feedback (
  request_id   TEXT    COLLATE "C" NOT NULL,
  row_index    INTEGER NOT NULL,
  actual       TEXT    NOT NULL,
  timestamp_ms BIGINT  NOT NULL,
  PRIMARY KEY (request_id, row_index)
);
