-- Failed logins of a server with authentication, shared by its replicas so that a guesser gets no more attempts by
-- spreading them over replicas: one row per failure of a key ('address:<client address>' or 'user:<username>') at
-- failed_at (epoch ms). Rows older than the server's failure window are deleted as new failures are recorded; nothing
-- here is backed up.

CREATE TABLE login_failures (
  failure_id INTEGER PRIMARY KEY AUTOINCREMENT,
  login_key  TEXT    NOT NULL,
  failed_at  BIGINT  NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (login_key, failed_at);
CREATE INDEX login_failures_time ON login_failures (failed_at);
