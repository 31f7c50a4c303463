import { appendAudit } from '#adapters/pg/audit-log';
import { type ConsentRow, insertConsent, listConsents, revokeConsent } from '#adapters/pg/consents';
import { cancelUnfinishedJobsFor } from '#adapters/pg/jobs';
import { revokeSessionsForConsent } from '#adapters/pg/sessions';
import { inTransaction } from '#adapters/pg/transaction';
import type { ListResponse } from '../contracts/api/common.ts';
import type { ConsentView, CreateConsentBody } from '../contracts/api/consents.ts';
import { decodeCursor, page } from './cursor.ts';
import type { ApiDeps } from './deps.ts';
import { notFound } from './errors.ts';
import type { Actor } from './principal.ts';

function toView(row: ConsentRow): ConsentView {
  return {
    id: row.id,
    scope: row.scope,
    sportsbook: row.sportsbook,
    textVersion: row.text_version,
    status: row.revoked_at ? 'revoked' : 'active',
    grantedAt: row.granted_at.toISOString(),
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

export function grantConsent(deps: ApiDeps, actor: Actor, body: CreateConsentBody): Promise<ConsentView> {
  return inTransaction(deps.pool, async (client) => {
    const row = await insertConsent(client, { userId: actor.sub, ...body });
    await appendAudit(client, {
      actor: actor.sub,
      action: 'consent.grant',
      resourceType: 'consent',
      resourceId: row.id,
      requestId: actor.requestId,
      details: { scope: row.scope, sportsbook: row.sportsbook, textVersion: row.text_version },
    });
    return toView(row);
  });
}

export async function listUserConsents(
  deps: ApiDeps,
  userId: string,
  query: { status?: 'active' | 'revoked'; limit: number; cursor?: string },
): Promise<ListResponse<ConsentView>> {
  const rows = await listConsents(deps.pool, { userId, ...query, after: decodeCursor(query.cursor) });
  return page(rows, query.limit, toView, (row) => ({ k: row.cursor_key, id: row.id }));
}

/**
 * Revoking a consent revokes, in the same transaction, every session stored under it (DESIGN.md section 9) and,
 * for the scopes that let jobs run, cancels the user's unfinished jobs on that sportsbook: a queued bet must not
 * run on a permission the user took back.
 */
export function withdrawConsent(deps: ApiDeps, actor: Actor, id: string): Promise<ConsentView> {
  return inTransaction(deps.pool, async (client) => {
    const row = await revokeConsent(client, actor.sub, id);
    if (!row) throw notFound('active consent');
    const revokedSessionIds = await revokeSessionsForConsent(client, actor.sub, id);
    const cancelledJobIds =
      row.scope === 'live_trading' ? [] : await cancelUnfinishedJobsFor(client, actor.sub, row.sportsbook);
    await appendAudit(client, {
      actor: actor.sub,
      action: 'consent.revoke',
      resourceType: 'consent',
      resourceId: id,
      requestId: actor.requestId,
      details: { revokedSessionIds, cancelledJobIds },
    });
    return toView(row);
  });
}
