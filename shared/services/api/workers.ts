import { appendAudit } from '#adapters/pg/audit-log';
import { inTransaction } from '#adapters/pg/transaction';
import { findWorker, listWorkers, recordHeartbeat, registerWorker, type WorkerRow } from '#adapters/pg/workers';
import type { ListResponse } from '../../contracts/api/common.ts';
import type { HeartbeatBody, RegisterWorkerBody, WorkerStatus, WorkerView } from '../../contracts/api/workers.ts';
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

export function register(deps: ApiDeps, actor: Actor, body: RegisterWorkerBody): Promise<WorkerView> {
  return inTransaction(deps.pool, async (client) => {
    const row = await registerWorker(client, { ...body, registeredBy: actor.sub });
    if (!row) throw conflict('name_taken', `a worker named ${body.name} is registered by another identity`);
    await appendAudit(client, {
      actor: actor.sub,
      action: 'worker.register',
      resourceType: 'worker',
      resourceId: row.id,
      requestId: actor.requestId,
      details: { name: body.name, capabilities: body.capabilities },
    });
    return toView(row);
  });
}

/** Only the identity that registered a worker may beat for it; to anyone else it does not exist. */
export function heartbeat(deps: ApiDeps, actor: Actor, id: string, body: HeartbeatBody): Promise<WorkerView> {
  return inTransaction(deps.pool, async (client) => {
    const row = await recordHeartbeat(client, { id, registeredBy: actor.sub, ...body });
    if (!row) throw notFound('worker');
    await appendAudit(client, {
      actor: actor.sub,
      action: 'worker.heartbeat',
      resourceType: 'worker',
      resourceId: id,
      requestId: actor.requestId,
      details: { status: body.status, currentJobId: body.currentJobId },
    });
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
