import { appendAudit } from '#adapters/pg/audit-log';
import { inTransaction } from '#adapters/pg/transaction';
import {
  findWorker,
  holdsJob,
  listWorkers,
  lockOwnWorker,
  recordHeartbeat,
  registerWorker,
  type WorkerRow,
} from '#adapters/pg/workers';
import type { ListResponse } from '../contracts/api/common.ts';
import type { HeartbeatBody, RegisterWorkerBody, WorkerStatus, WorkerView } from '../contracts/api/workers.ts';
import { decodeCursor, page } from './cursor.ts';
import type { ApiDeps } from './deps.ts';
import { conflict, notFound } from './errors.ts';
import type { Actor } from './principal.ts';

function toView(row: WorkerRow): WorkerView {
  return {
    id: row.id,
    name: row.name,
    capabilities: row.capabilities,
    status: row.status,
    currentJobId: row.current_job_id,
    heartbeatTimeoutMs: row.heartbeat_timeout_ms,
    lastHeartbeatAt: row.last_heartbeat_at.toISOString(),
    registeredAt: row.created_at.toISOString(),
  };
}

/** A worker's name is its token's `sub`: no identity can register, or take over, a name that is not its own. */
export function register(deps: ApiDeps, actor: Actor, body: RegisterWorkerBody): Promise<WorkerView> {
  return inTransaction(deps.pool, async (client) => {
    const row = await registerWorker(client, { ...body, name: actor.sub });
    await appendAudit(client, {
      actor: actor.sub,
      action: 'worker.register',
      resourceType: 'worker',
      resourceId: row.id,
      requestId: actor.requestId,
      details: { name: actor.sub, capabilities: body.capabilities },
    });
    return toView(row);
  });
}

/**
 * Only the identity that registered a worker may beat for it; to anyone else it does not exist. A beat may name only
 * a job the worker holds. It is audited when it changes what the worker reports (status or job), not on every beat:
 * the rest only moves `last_heartbeat_at`.
 */
export function heartbeat(deps: ApiDeps, actor: Actor, id: string, body: HeartbeatBody): Promise<WorkerView> {
  return inTransaction(deps.pool, async (client) => {
    // Postgres spells uuids in lower case; compared as sent, an upper-case id would read as a change on every beat.
    const report = { status: body.status, currentJobId: body.currentJobId?.toLowerCase() ?? null };
    const last = await lockOwnWorker(client, { id, registeredBy: actor.sub });
    if (!last) throw notFound('worker');
    if (report.currentJobId && !(await holdsJob(client, { workerId: id, jobId: report.currentJobId }))) {
      throw conflict('job_not_held', 'this worker does not hold that job');
    }
    const row = await recordHeartbeat(client, { id, ...report });
    if (last.status !== report.status || last.current_job_id !== report.currentJobId) {
      await appendAudit(client, {
        actor: actor.sub,
        action: 'worker.heartbeat',
        resourceType: 'worker',
        resourceId: id,
        requestId: actor.requestId,
        details: report,
      });
    }
    return toView(row);
  });
}

export async function getWorker(deps: ApiDeps, id: string): Promise<WorkerView> {
  const row = await findWorker(deps.pool, id);
  if (!row) throw notFound('worker');
  return toView(row);
}

export async function listAllWorkers(
  deps: ApiDeps,
  query: { status?: WorkerStatus; limit: number; cursor?: string },
): Promise<ListResponse<WorkerView>> {
  const rows = await listWorkers(deps.pool, { ...query, after: decodeCursor(query.cursor) });
  return page(rows, query.limit, toView, (row) => ({ k: row.cursor_key, id: row.id }));
}
