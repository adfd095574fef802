-- Failed logins of a server with authentication, shared by its replicas so that a guesser gets no more attempts by
-- spreading them over replicas: one row per failure of a key ('address:<client address>' or 'user:<username>', at
-- most 300 characters) at failed_at (epoch ms). Rows older than the server's failure window are deleted as new
-- failures are recorded; nothing here is backed up.

CREATE TABLE login_failures (
  failure_id BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  login_key  VARCHAR(300) NOT NULL,
  failed_at  BIGINT       NOT NULL,
  KEY login_failures_key (login_key, failed_at),
  KEY login_failures_time (failed_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = ${binaryCollation};
