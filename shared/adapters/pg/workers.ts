import type pg from 'pg';

type Db = pg.Pool | pg.PoolClient;

export interface WorkerRow {
  id: string;
  name: string;
  capabilities: string[];
  status: 'idle' | 'busy' | 'offline';
  current_job_id: string | null;
  heartbeat_timeout_ms: number;
  last_heartbeat_at: Date;
  created_at: Date;
  cursor_key: string;
}

// A worker whose last heartbeat is older than its own timeout reads as offline, whatever it last reported.
const COLUMNS = `id, name, capabilities,
  CASE WHEN last_heartbeat_at IS NULL OR last_heartbeat_at < now() - heartbeat_timeout_ms * interval '1 millisecond'
       THEN 'offline' ELSE status END AS status,
  current_job_id, heartbeat_timeout_ms, last_heartbeat_at, created_at, created_at::text AS cursor_key`;

/**
 * Registers a worker, or re-registers it after a restart when the same identity comes back with the same name.
 * Undefined when the name belongs to another identity.
 */
export async function registerWorker(
  db: Db,
  input: { name: string; capabilities: string[]; heartbeatTimeoutMs: number; registeredBy: string },
): Promise<WorkerRow | undefined> {
  const { rows } = await db.query<WorkerRow>(
    `INSERT INTO workers (name, capabilities, heartbeat_timeout_ms, registered_by, status, last_heartbeat_at)
     VALUES ($1, $2, $3, $4, 'idle', now())
     ON CONFLICT (name) DO UPDATE SET capabilities = EXCLUDED.capabilities,
       heartbeat_timeout_ms = EXCLUDED.heartbeat_timeout_ms, status = 'idle', current_job_id = NULL,
       last_heartbeat_at = now()
     WHERE workers.registered_by = EXCLUDED.registered_by
     RETURNING ${COLUMNS}`,
    [input.name, input.capabilities, input.heartbeatTimeoutMs, input.registeredBy],
  );
  return rows[0];
}

export async function recordHeartbeat(
  db: Db,
  input: { id: string; registeredBy: string; status: 'idle' | 'busy'; currentJobId: string | null },
): Promise<WorkerRow | undefined> {
  const { rows } = await db.query<WorkerRow>(
    `UPDATE workers SET status = $3, current_job_id = $4, last_heartbeat_at = now()
     WHERE id = $1 AND registered_by = $2
     RETURNING ${COLUMNS}`,
    [input.id, input.registeredBy, input.status, input.currentJobId],
  );
  return rows[0];
}

export async function findWorker(db: Db, id: string): Promise<WorkerRow | undefined> {
  const { rows } = await db.query<WorkerRow>(`SELECT ${COLUMNS} FROM workers WHERE id = $1`, [id]);
  return rows[0];
}

export async function listWorkers(
  db: Db,
  query: { status?: WorkerRow['status']; limit: number; after?: { k: string; id: string } },
): Promise<WorkerRow[]> {
  const { rows } = await db.query<WorkerRow>(
    `SELECT * FROM (SELECT ${COLUMNS} FROM workers) w
     WHERE ($1::text IS NULL OR status = $1)
       AND ($2::timestamptz IS NULL OR (created_at, id) > ($2::timestamptz, $3::uuid))
     ORDER BY created_at, id
     LIMIT $4`,
    [query.status ?? null, query.after?.k ?? null, query.after?.id ?? null, query.limit + 1],
  );
  return rows;
}
