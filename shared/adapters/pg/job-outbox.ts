import type pg from 'pg';
import { runQuery } from './errors.ts';

type Db = pg.Pool | pg.PoolClient;

export interface OutboxEntry {
  job_id: string;
  message: Record<string, unknown>;
}

/** Records the job's message in the job's own transaction: it exists exactly when the job row does. */
export async function insertOutboxEntry(db: Db, jobId: string, message: object): Promise<void> {
  await runQuery(db, 'INSERT INTO job_outbox (job_id, message) VALUES ($1, $2)', [jobId, JSON.stringify(message)]);
}

/**
 * Locks up to `limit` pending entries, oldest first, for the rest of the caller's transaction. SKIP LOCKED lets the
 * scheduled relay and the API's immediate attempt run at once without sending the same entry twice between them.
 */
export async function lockPendingOutbox(
  client: pg.PoolClient,
  query: { limit: number; jobId?: string },
): Promise<OutboxEntry[]> {
  const { rows } = await client.query<OutboxEntry>(
    `SELECT job_id, message FROM job_outbox
      WHERE sent_at IS NULL AND ($2::uuid IS NULL OR job_id = $2)
      ORDER BY created_at, job_id
      LIMIT $1
      FOR UPDATE SKIP LOCKED`,
    [query.limit, query.jobId ?? null],
  );
  return rows;
}

export async function markOutboxSent(client: pg.PoolClient, jobIds: readonly string[]): Promise<void> {
  if (jobIds.length === 0) return;
  await client.query(
    'UPDATE job_outbox SET sent_at = now(), attempts = attempts + 1, last_error = NULL WHERE job_id = ANY($1::uuid[])',
    [jobIds],
  );
}

export async function markOutboxFailed(client: pg.PoolClient, failures: ReadonlyMap<string, string>): Promise<void> {
  if (failures.size === 0) return;
  await client.query(
    `UPDATE job_outbox o SET attempts = o.attempts + 1, last_error = left(f.error, 1024)
       FROM unnest($1::uuid[], $2::text[]) AS f(job_id, error)
      WHERE o.job_id = f.job_id`,
    [[...failures.keys()], [...failures.values()]],
  );
}

/** Age in seconds of the oldest unsent entry, 0 when none is pending: what the outbox-age alarm watches. */
export async function oldestPendingOutboxAgeSeconds(db: Db): Promise<number> {
  const { rows } = await runQuery<{ age: number }>(
    db,
    `SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS age
       FROM job_outbox WHERE sent_at IS NULL`,
  );
  return rows[0]?.age ?? 0;
}
