import type { ListResponse } from '../contracts/api/common.ts';
import type { HeartbeatBody, RegisterWorkerBody, WorkerStatus, WorkerView } from '../contracts/api/workers.ts';
import type { WorkerRow } from '../ports/api/workers.ts';
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
  return deps.store.transaction(async (tx) => {
    const row = await tx.workers.register({ ...body, name: actor.sub });
    await tx.audit.append({
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
  return deps.store.transaction(async (tx) => {
    // Postgres spells uuids in lower case; compared as sent, an upper-case id would read as a change on every beat.
    const report = { status: body.status, currentJobId: body.currentJobId?.toLowerCase() ?? null };
    const last = await tx.workers.lockOwn({ id, registeredBy: actor.sub });
    if (!last) throw notFound('worker');
    if (report.currentJobId && !(await tx.workers.holdsJob({ workerId: id, jobId: report.currentJobId }))) {
      throw conflict('job_not_held', 'this worker does not hold that job');
    }
    const row = await tx.workers.recordHeartbeat({ id, ...report });
    if (last.status !== report.status || last.current_job_id !== report.currentJobId) {
      await tx.audit.append({
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
  const row = await deps.store.workers.find(id);
  if (!row) throw notFound('worker');
  return toView(row);
}

export async function listAllWorkers(
  deps: ApiDeps,
  query: { status?: WorkerStatus; limit: number; cursor?: string },
): Promise<ListResponse<WorkerView>> {
  const rows = await deps.store.workers.list({ ...query, after: decodeCursor(query.cursor) });
  return page(rows, query.limit, toView, (row) => ({ k: row.cursor_key, id: row.id }));
}
