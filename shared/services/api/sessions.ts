import { createHash, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { appendAudit } from '#adapters/pg/audit-log';
import { lockActiveConsent } from '#adapters/pg/consents';
import {
  deleteSession,
  findSession,
  insertSession,
  listSessions,
  type SealedSessionData,
  type SessionRow,
  updateSession,
} from '#adapters/pg/sessions';
import { inTransaction } from '#adapters/pg/transaction';
import { seal } from '../../adapters/crypto/session-cipher.ts';
import { getSessionDataKey } from '../../adapters/secrets/provider.ts';
import type { ListResponse } from '../../contracts/api/common.ts';
import type { CreateSessionBody, SessionView, UpdateSessionBody } from '../../contracts/api/sessions.ts';
import { decodeCursor, page } from './cursor.ts';
import type { ApiDeps } from './deps.ts';
import { ApiError, badRequest, notFound } from './errors.ts';
import type { Actor } from './principal.ts';

const DEFAULT_LIFETIME_MS = 30 * 24 * 3600 * 1000;
const MAX_LIFETIME_MS = 365 * 24 * 3600 * 1000;

function toView(row: SessionRow): SessionView {
  return {
    id: row.id,
    sportsbook: row.sportsbook,
    consentId: row.consent_id,
    status: row.status,
    expiresAt: row.expires_at.toISOString(),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The ciphertext is bound to its row and owner, so it cannot be moved to another session or user. */
const aadFor = (sessionId: string, userId: string) => `sportsbook_session:${sessionId}:${userId}`;

async function sealSessionData(deps: ApiDeps, sessionId: string, userId: string, data: unknown) {
  const key = await getSessionDataKey(deps.secrets);
  const box = seal(key, Buffer.from(JSON.stringify(data), 'utf8'), aadFor(sessionId, userId));
  // Names the key by a fingerprint, so after a rotation a reader knows which key a row needs.
  const keyId = `session-data-key:${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
  return { ciphertext: box.ciphertext, nonce: box.iv, authTag: box.authTag, keyId } satisfies SealedSessionData;
}

function expiryFrom(deps: ApiDeps, iso: string): Date {
  const at = new Date(iso);
  const now = deps.now().getTime();
  if (at.getTime() <= now) throw badRequest('expiresAt must be in the future', [{ path: ['expiresAt'] }]);
  if (at.getTime() > now + MAX_LIFETIME_MS)
    throw badRequest('expiresAt is more than a year away', [{ path: ['expiresAt'] }]);
  return at;
}

/** Storing or using a session needs an active `store_session` consent for that sportsbook. */
async function requireStoreConsent(client: pg.PoolClient, userId: string, consentId: string, sportsbook: string) {
  const consent = await lockActiveConsent(client, userId, consentId);
  if (consent?.scope !== 'store_session' || consent.sportsbook !== sportsbook) {
    throw new ApiError(403, 'consent_required', `an active store_session consent for ${sportsbook} is required`);
  }
}

export async function storeSession(deps: ApiDeps, actor: Actor, body: CreateSessionBody): Promise<SessionView> {
  const expiresAt = body.expiresAt
    ? expiryFrom(deps, body.expiresAt)
    : new Date(deps.now().getTime() + DEFAULT_LIFETIME_MS);
  const id = randomUUID();
  const sealed = await sealSessionData(deps, id, actor.sub, body.sessionData);
  return inTransaction(deps.pool, async (client) => {
    await requireStoreConsent(client, actor.sub, body.consentId, body.sportsbook);
    const row = await insertSession(client, {
      id,
      userId: actor.sub,
      sportsbook: body.sportsbook,
      consentId: body.consentId,
      expiresAt,
      ...sealed,
    });
    await appendAudit(client, {
      actor: actor.sub,
      action: 'session.store',
      resourceType: 'sportsbook_session',
      resourceId: id,
      requestId: actor.requestId,
      details: { sportsbook: body.sportsbook, consentId: body.consentId, expiresAt: expiresAt.toISOString() },
    });
    return toView(row);
  });
}

export async function listUserSessions(
  deps: ApiDeps,
  userId: string,
  query: { sportsbook?: string; status?: SessionRow['status']; limit: number; cursor?: string },
): Promise<ListResponse<SessionView>> {
  const rows = await listSessions(deps.pool, { userId, ...query, after: decodeCursor(query.cursor) });
  return page(rows, query.limit, toView, (row) => ({ k: row.cursor_key, id: row.id }));
}

export async function getUserSession(deps: ApiDeps, userId: string, id: string): Promise<SessionView> {
  const row = await findSession(deps.pool, userId, id);
  if (!row) throw notFound('session');
  return toView(row);
}

export async function changeSession(
  deps: ApiDeps,
  actor: Actor,
  id: string,
  body: UpdateSessionBody,
): Promise<SessionView> {
  const expiresAt = body.expiresAt ? expiryFrom(deps, body.expiresAt) : undefined;
  const sealed =
    body.sessionData === undefined ? undefined : await sealSessionData(deps, id, actor.sub, body.sessionData);
  return inTransaction(deps.pool, async (client) => {
    const current = await findSession(client, actor.sub, id);
    if (!current) throw notFound('session');
    if (current.status !== 'active') {
      throw new ApiError(409, 'session_not_active', `the session is ${current.status}`);
    }
    await requireStoreConsent(client, actor.sub, current.consent_id, current.sportsbook);
    const row = await updateSession(client, actor.sub, id, { sealed, expiresAt });
    if (!row) throw notFound('session');
    await appendAudit(client, {
      actor: actor.sub,
      action: 'session.update',
      resourceType: 'sportsbook_session',
      resourceId: id,
      requestId: actor.requestId,
      details: { sessionDataReplaced: sealed !== undefined, expiresAt: expiresAt?.toISOString() ?? null },
    });
    return toView(row);
  });
}

export function removeSession(deps: ApiDeps, actor: Actor, id: string): Promise<void> {
  return inTransaction(deps.pool, async (client) => {
    if (!(await deleteSession(client, actor.sub, id))) throw notFound('session');
    await appendAudit(client, {
      actor: actor.sub,
      action: 'session.delete',
      resourceType: 'sportsbook_session',
      resourceId: id,
      requestId: actor.requestId,
    });
  });
}
