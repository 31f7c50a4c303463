import type pg from 'pg';
import { runQuery } from './errors.ts';

/** One write through the API: who (JWT `sub`), what, on which record, under which request id. Never secrets. */
export interface AuditEntry {
  actor: string;
  action: string;
  resourceType: string;
  resourceId: string | null;
  requestId: string;
  details?: Record<string, unknown>;
}

export async function appendAudit(db: pg.Pool | pg.PoolClient, entry: AuditEntry): Promise<void> {
  await runQuery(
    db,
    `INSERT INTO audit_logs (actor, action, resource_type, resource_id, request_id, details)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [entry.actor, entry.action, entry.resourceType, entry.resourceId, entry.requestId, entry.details ?? {}],
  );
}
