import type pg from 'pg';
import { type JobStatus, jobStatus } from '#domain/status/jobs';
import type { JobRow } from '../../ports/api/jobs.ts';
import { runQuery } from './errors.ts';

type Db = pg.Pool | pg.PoolClient;

const COLUMNS =
  'id, user_id, type, payload, priority, status, request_hash, response, error, result, screenshot_key, created_at, updated_at, created_at::text AS cursor_key';

/** Inserts the job unless the user already used this idempotency key; undefined then. */
export async function insertJobOnce(
  db: Db,
  input: {
    userId: string;
    type: JobRow['type'];
    payload: Record<string, unknown>;
    priority: number;
    idempotencyKey: string;
    requestHash: string;
  },
): Promise<JobRow | undefined> {
  const { rows } = await runQuery<JobRow>(
    db,
    `INSERT INTO jobs (user_id, type, payload, priority, idempotency_key, request_hash)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (user_id, idempotency_key) DO NOTHING
     RETURNING ${COLUMNS}`,
    [input.userId, input.type, input.payload, input.priority, input.idempotencyKey, input.requestHash],
  );
  return rows[0];
}

export async function findJobByIdempotencyKey(db: Db, userId: string, key: string): Promise<JobRow | undefined> {
  const { rows } = await runQuery<JobRow>(
    db,
    `SELECT ${COLUMNS} FROM jobs WHERE user_id = $1 AND idempotency_key = $2`,
    [userId, key],
  );
  return rows[0];
}

/** Keeps the first response, so a replay with the same key answers exactly what the first call did. */
export async function saveJobResponse(db: Db, id: string, response: unknown): Promise<void> {
  await runQuery(db, 'UPDATE jobs SET response = $2 WHERE id = $1', [id, JSON.stringify(response)]);
}

export async function findJob(db: Db, userId: string, id: string): Promise<JobRow | undefined> {
  const { rows } = await runQuery<JobRow>(db, `SELECT ${COLUMNS} FROM jobs WHERE id = $1 AND user_id = $2`, [
    id,
    userId,
  ]);
  return rows[0];
}

export async function listJobs(
  db: Db,
  query: { userId: string; status?: JobStatus; limit: number; after?: { k: string; id: string } },
): Promise<JobRow[]> {
  const { rows } = await runQuery<JobRow>(
    db,
    `SELECT ${COLUMNS} FROM jobs
     WHERE user_id = $1
       AND ($2::text IS NULL OR status = $2)
       AND ($3::timestamptz IS NULL OR (created_at, id) > ($3::timestamptz, $4::uuid))
     ORDER BY created_at, id
     LIMIT $5`,
    [query.userId, query.status ?? null, query.after?.k ?? null, query.after?.id ?? null, query.limit + 1],
  );
  return rows;
}

/** Statuses that stamp `finished_at`: the table's terminal ones. */
const FINISHED = jobStatus.statuses.filter((status) => jobStatus.isTerminal(status));

/**
 * Moves the user's job to `to` from whichever status the job table allows into it, in one conditional UPDATE, so two
 * racing writers cannot both move it; undefined when the job is not in such a status (or not the user's).
 */
export async function transitionJob(
  db: Db,
  input: { userId: string; id: string; to: JobStatus; error?: string },
): Promise<JobRow | undefined> {
  const { rows } = await runQuery<JobRow>(
    db,
    `UPDATE jobs SET status = $4,
       finished_at = CASE WHEN $4 = ANY($5::text[]) THEN now() ELSE finished_at END,
       error = COALESCE($6, error)
     WHERE id = $1 AND user_id = $2 AND status = ANY($3::text[])
     RETURNING ${COLUMNS}`,
    [input.id, input.userId, jobStatus.sourcesOf(input.to), input.to, FINISHED, input.error ?? null],
  );
  return rows[0];
}

/**
 * The worker's claim of a job it received a message for: `queued -> running` once per job id. A second message for
 * the same job (the relay is at-least-once) or one for a cancelled job claims nothing: undefined, and the worker
 * drops the message.
 */
export async function claimQueuedJob(db: Db, id: string, workerId?: string): Promise<JobRow | undefined> {
  const { rows } = await runQuery<JobRow>(
    db,
    `UPDATE jobs SET status = 'running', started_at = now(), attempts = attempts + 1, worker_id = COALESCE($3, worker_id)
      WHERE id = $1 AND status = ANY($2::text[])
      RETURNING ${COLUMNS}`,
    [id, jobStatus.sourcesOf('running'), workerId ?? null],
  );
  return rows[0];
}

/** Cancels the user's unfinished jobs for one sportsbook (its consent was withdrawn); returns their ids. */
export async function cancelUnfinishedJobsFor(db: Db, userId: string, sportsbook: string): Promise<string[]> {
  const { rows } = await runQuery<{ id: string }>(
    db,
    `UPDATE jobs SET status = 'cancelled', finished_at = now(), error = 'consent withdrawn'
      WHERE user_id = $1 AND payload ->> 'sportsbook' = $2 AND status = ANY($3::text[])
      RETURNING id`,
    [userId, sportsbook, jobStatus.sourcesOf('cancelled')],
  );
  return rows.map((r) => r.id);
}
