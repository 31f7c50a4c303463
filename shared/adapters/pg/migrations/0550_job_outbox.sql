-- Up Migration
-- Transactional outbox for browser-job messages: a job row and its message commit in one transaction, and a relay
-- sends pending entries to SQS afterwards and marks them sent. One entry per job (the job id is the key), so a job
-- can never be queued twice by the outbox itself; the relay is at-least-once and the worker's claim
-- (queued -> running, once per job id) makes processing exactly-once.
CREATE TABLE job_outbox (
  job_id      uuid PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
  message     jsonb NOT NULL CHECK (jsonb_typeof(message) = 'object'),
  created_at  timestamptz NOT NULL DEFAULT now(),
  sent_at     timestamptz,
  attempts    integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error  text CHECK (length(last_error) <= 1024),
  CHECK (sent_at IS NULL OR sent_at >= created_at)
);
-- The relay reads the oldest pending entries first; sent entries drop out of the index.
CREATE INDEX job_outbox_pending_idx ON job_outbox (created_at, job_id) WHERE sent_at IS NULL;
