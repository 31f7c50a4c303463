-- Up Migration
-- A worker is named by its token's `sub` (issue 15.6), which the API accepts up to 256 characters.
ALTER TABLE workers DROP CONSTRAINT workers_name_check,
  ADD CONSTRAINT workers_name_check CHECK (length(name) BETWEEN 1 AND 256);
-- Retention deletes heartbeat audit rows past the window; this keeps that a range scan of them alone.
CREATE INDEX audit_logs_heartbeat_at_idx ON audit_logs (at) WHERE action = 'worker.heartbeat';

-- Down Migration
DROP INDEX audit_logs_heartbeat_at_idx;
ALTER TABLE workers DROP CONSTRAINT workers_name_check,
  ADD CONSTRAINT workers_name_check CHECK (length(name) BETWEEN 1 AND 128);
