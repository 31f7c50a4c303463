import type { ListResponse } from '../contracts/api/common.ts';
import type { ConsentView, CreateConsentBody } from '../contracts/api/consents.ts';
import type { ConsentRow } from '../ports/api/consents.ts';
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
  return deps.store.transaction(async (tx) => {
    const row = await tx.consents.insert({ userId: actor.sub, ...body });
    await tx.audit.append({
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
  const rows = await deps.store.consents.list({ userId, ...query, after: decodeCursor(query.cursor) });
  return page(rows, query.limit, toView, (row) => ({ k: row.cursor_key, id: row.id }));
}

/**
 * Revoking a consent revokes, in the same transaction, every session stored under it (DESIGN.md section 9) and,
 * for the scopes that let jobs run, cancels the user's unfinished jobs on that sportsbook: a queued bet must not
 * run on a permission the user took back.
 */
export function withdrawConsent(deps: ApiDeps, actor: Actor, id: string): Promise<ConsentView> {
  return deps.store.transaction(async (tx) => {
    const row = await tx.consents.revoke(actor.sub, id);
    if (!row) throw notFound('active consent');
    const revokedSessionIds = await tx.sessions.revokeForConsent(actor.sub, id);
    const cancelledJobIds =
      row.scope === 'live_trading' ? [] : await tx.jobs.cancelUnfinishedFor(actor.sub, row.sportsbook);
    await tx.audit.append({
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
