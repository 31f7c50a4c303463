import type pg from 'pg';
import type { WorkerRow } from '../../ports/api/workers.ts';
import { runQuery } from './errors.ts';

type Db = pg.Pool | pg.PoolClient;

// A worker whose last heartbeat is older than its own timeout reads as offline, whatever it last reported.
const COLUMNS = `id, name, capabilities,
  CASE WHEN last_heartbeat_at IS NULL OR last_heartbeat_at < now() - heartbeat_timeout_ms * interval '1 millisecond'
       THEN 'offline' ELSE status END AS status,
  current_job_id, heartbeat_timeout_ms, last_heartbeat_at, created_at, created_at::text AS cursor_key`;

/**
 * Registers the caller's worker, named by its token's `sub`, or re-registers it after a restart. The name is the
 * identity, so a row of that name is the caller's whoever made it: a row another identity squatted on is taken over.
 */
export async function registerWorker(
  db: Db,
  input: { name: string; capabilities: string[]; heartbeatTimeoutMs: number },
): Promise<WorkerRow> {
  const { rows } = await runQuery<WorkerRow>(
    db,
    `INSERT INTO workers (name, capabilities, heartbeat_timeout_ms, registered_by, status, last_heartbeat_at)
     VALUES ($1, $2, $3, $1, 'idle', now())
     ON CONFLICT (name) DO UPDATE SET capabilities = EXCLUDED.capabilities,
       heartbeat_timeout_ms = EXCLUDED.heartbeat_timeout_ms, registered_by = EXCLUDED.registered_by,
       status = 'idle', current_job_id = NULL, last_heartbeat_at = now()
     RETURNING ${COLUMNS}`,
    [input.name, input.capabilities, input.heartbeatTimeoutMs],
  );
  const row = rows[0];
  if (!row) throw new Error('worker upsert returned no row');
  return row;
}

/** The worker's last reported state, locked until the transaction ends; undefined unless `registeredBy` owns it. */
export async function lockOwnWorker(
  db: Db,
  input: { id: string; registeredBy: string },
): Promise<{ status: WorkerRow['status']; current_job_id: string | null } | undefined> {
  const { rows } = await runQuery<{ status: WorkerRow['status']; current_job_id: string | null }>(
    db,
    'SELECT status, current_job_id FROM workers WHERE id = $1 AND registered_by = $2 FOR UPDATE',
    [input.id, input.registeredBy],
  );
  return rows[0];
}

/** Whether the worker holds the job (running, assigned to it); the job row stays as it is until the commit. */
export async function holdsJob(db: Db, input: { workerId: string; jobId: string }): Promise<boolean> {
  const { rows } = await runQuery(
    db,
    `SELECT 1 FROM jobs WHERE id = $1 AND worker_id = $2 AND status = 'running' FOR SHARE`,
    [input.jobId, input.workerId],
  );
  return rows.length > 0;
}

export async function recordHeartbeat(
  db: Db,
  input: { id: string; status: 'idle' | 'busy'; currentJobId: string | null },
): Promise<WorkerRow> {
  const { rows } = await runQuery<WorkerRow>(
    db,
    `UPDATE workers SET status = $2, current_job_id = $3, last_heartbeat_at = now()
     WHERE id = $1
     RETURNING ${COLUMNS}`,
    [input.id, input.status, input.currentJobId],
  );
  const row = rows[0];
  if (!row) throw new Error(`worker ${input.id} vanished during its heartbeat`);
  return row;
}

export async function findWorker(db: Db, id: string): Promise<WorkerRow | undefined> {
  const { rows } = await runQuery<WorkerRow>(db, `SELECT ${COLUMNS} FROM workers WHERE id = $1`, [id]);
  return rows[0];
}

export async function listWorkers(
  db: Db,
  query: { status?: WorkerRow['status']; limit: number; after?: { k: string; id: string } },
): Promise<WorkerRow[]> {
  const { rows } = await runQuery<WorkerRow>(
    db,
    `SELECT * FROM (SELECT ${COLUMNS} FROM workers) w
     WHERE ($1::text IS NULL OR status = $1)
       AND ($2::timestamptz IS NULL OR (created_at, id) > ($2::timestamptz, $3::uuid))
     ORDER BY created_at, id
     LIMIT $4`,
    [query.status ?? null, query.after?.k ?? null, query.after?.id ?? null, query.limit + 1],
  );
  return rows;
}
