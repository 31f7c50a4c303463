-- Up Migration
-- API additions (issue 4). Workers belong to the identity that registered them: only it may heartbeat, so one worker
-- cannot report on behalf of another. `current_job_id` is what the worker last said it is running.
ALTER TABLE workers
  ADD COLUMN registered_by text NOT NULL DEFAULT 'unknown' CHECK (length(registered_by) BETWEEN 1 AND 256),
  ADD COLUMN current_job_id uuid;
ALTER TABLE workers ALTER COLUMN registered_by DROP DEFAULT;
CREATE INDEX workers_page_idx ON workers (created_at, id);

CREATE INDEX sportsbook_sessions_active_consent_idx ON sportsbook_sessions (consent_id) WHERE status = 'active';

-- Down Migration
DROP INDEX sportsbook_sessions_active_consent_idx;
DROP INDEX workers_page_idx;
ALTER TABLE workers DROP COLUMN current_job_id, DROP COLUMN registered_by;
