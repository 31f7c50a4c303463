import type pg from 'pg';
import type { AuditEntry } from '../../ports/api/audit-log.ts';
import { runQuery } from './errors.ts';

export async function appendAudit(db: pg.Pool | pg.PoolClient, entry: AuditEntry): Promise<void> {
  await runQuery(
    db,
    `INSERT INTO audit_logs (actor, action, resource_type, resource_id, request_id, details)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [entry.actor, entry.action, entry.resourceType, entry.resourceId, entry.requestId, entry.details ?? {}],
  );
}
