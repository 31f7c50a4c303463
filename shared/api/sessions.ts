import { randomUUID } from 'node:crypto';
import {
  getSessionKeyring,
  openSessionData,
  sealSessionData as sealWith,
  sessionKeyById,
} from '../adapters/secrets/session-keys.ts';
import type { ListResponse } from '../contracts/api/common.ts';
import type { CreateSessionBody, SessionView, UpdateSessionBody } from '../contracts/api/sessions.ts';
import type { SealedSessionData, SessionRow } from '../ports/api/sessions.ts';
import type { ApiStores } from '../ports/api-store.ts';
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

/** Seals with the keyring's current key; the row records that key's id, so a reader knows which key it needs. */
async function sealSessionData(deps: ApiDeps, sessionId: string, userId: string, data: unknown) {
  const { current } = await getSessionKeyring(deps.secrets);
  const box = sealWith(current, sessionId, userId, data);
  return {
    ciphertext: box.ciphertext,
    nonce: box.iv,
    authTag: box.authTag,
    keyId: box.keyId,
  } satisfies SealedSessionData;
}

/**
 * The user's session data in plaintext, for the process that uses it (the browser worker): opened with whichever
 * key sealed the row, so it reads alike before, during and after a key rotation.
 */
export async function readSessionData(
  deps: Pick<ApiDeps, 'store' | 'secrets'>,
  userId: string,
  id: string,
): Promise<unknown> {
  const row = await deps.store.sessions.findSealed(userId, id);
  if (!row) throw notFound('session');
  const key = await sessionKeyById(deps.secrets, row.keyId);
  return openSessionData(key, row.id, row.user_id, { ciphertext: row.ciphertext, iv: row.nonce, authTag: row.authTag });
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
async function requireStoreConsent(tx: ApiStores, userId: string, consentId: string, sportsbook: string) {
  const consent = await tx.consents.lockActive(userId, consentId);
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
  return deps.store.transaction(async (tx) => {
    await requireStoreConsent(tx, actor.sub, body.consentId, body.sportsbook);
    const row = await tx.sessions.insert({
      id,
      userId: actor.sub,
      sportsbook: body.sportsbook,
      consentId: body.consentId,
      expiresAt,
      ...sealed,
    });
    await tx.audit.append({
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
  const rows = await deps.store.sessions.list({ userId, ...query, after: decodeCursor(query.cursor) });
  return page(rows, query.limit, toView, (row) => ({ k: row.cursor_key, id: row.id }));
}

export async function getUserSession(deps: ApiDeps, userId: string, id: string): Promise<SessionView> {
  const row = await deps.store.sessions.find(userId, id);
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
  return deps.store.transaction(async (tx) => {
    const current = await tx.sessions.find(actor.sub, id);
    if (!current) throw notFound('session');
    if (current.status !== 'active') {
      throw new ApiError(409, 'session_not_active', `the session is ${current.status}`);
    }
    await requireStoreConsent(tx, actor.sub, current.consent_id, current.sportsbook);
    const row = await tx.sessions.update(actor.sub, id, { sealed, expiresAt });
    if (!row) throw notFound('session');
    await tx.audit.append({
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
  return deps.store.transaction(async (tx) => {
    if (!(await tx.sessions.delete(actor.sub, id))) throw notFound('session');
    await tx.audit.append({
      actor: actor.sub,
      action: 'session.delete',
      resourceType: 'sportsbook_session',
      resourceId: id,
      requestId: actor.requestId,
    });
  });
}
