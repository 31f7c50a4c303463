import type pg from 'pg';
import type { ConsentRow } from '../../ports/api/consents.ts';
import { runQuery } from './errors.ts';

type Db = pg.Pool | pg.PoolClient;

const COLUMNS = 'id, user_id, scope, sportsbook, text_version, granted_at, revoked_at, granted_at::text AS cursor_key';

export async function insertConsent(
  db: Db,
  input: { userId: string; scope: ConsentRow['scope']; sportsbook: string; textVersion: string },
): Promise<ConsentRow> {
  const { rows } = await runQuery<ConsentRow>(
    db,
    `INSERT INTO user_consents (user_id, scope, sportsbook, text_version) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
    [input.userId, input.scope, input.sportsbook, input.textVersion],
  );
  return rows[0]!;
}

/** Oldest first, keyset-paged on (granted_at, id); fetches `limit + 1` so the caller knows whether more follow. */
export async function listConsents(
  db: Db,
  query: { userId: string; status?: 'active' | 'revoked'; limit: number; after?: { k: string; id: string } },
): Promise<ConsentRow[]> {
  const { rows } = await runQuery<ConsentRow>(
    db,
    `SELECT ${COLUMNS} FROM user_consents
     WHERE user_id = $1
       AND ($2::text IS NULL OR ($2 = 'active') = (revoked_at IS NULL))
       AND ($3::timestamptz IS NULL OR (granted_at, id) > ($3::timestamptz, $4::uuid))
     ORDER BY granted_at, id
     LIMIT $5`,
    [query.userId, query.status ?? null, query.after?.k ?? null, query.after?.id ?? null, query.limit + 1],
  );
  return rows;
}

/** Revokes an active consent; undefined when the user has no such consent or it was already revoked. */
export async function revokeConsent(db: Db, userId: string, id: string): Promise<ConsentRow | undefined> {
  const { rows } = await runQuery<ConsentRow>(
    db,
    `UPDATE user_consents SET revoked_at = now() WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL
     RETURNING ${COLUMNS}`,
    [id, userId],
  );
  return rows[0];
}

/**
 * The user's active consent with this id, locked FOR SHARE: a concurrent revoke waits for the caller's transaction,
 * then revokes whatever session it stored too.
 */
export async function lockActiveConsent(db: Db, userId: string, id: string): Promise<ConsentRow | undefined> {
  const { rows } = await runQuery<ConsentRow>(
    db,
    `SELECT ${COLUMNS} FROM user_consents WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL FOR SHARE`,
    [id, userId],
  );
  return rows[0];
}

/** Any active consent of the user for this scope and sportsbook, locked FOR SHARE like `lockActiveConsent`. */
export async function lockActiveConsentFor(
  db: Db,
  userId: string,
  scope: ConsentRow['scope'],
  sportsbook: string,
): Promise<ConsentRow | undefined> {
  const { rows } = await runQuery<ConsentRow>(
    db,
    `SELECT ${COLUMNS} FROM user_consents
     WHERE user_id = $1 AND scope = $2 AND sportsbook = $3 AND revoked_at IS NULL
     ORDER BY granted_at, id LIMIT 1 FOR SHARE`,
    [userId, scope, sportsbook],
  );
  return rows[0];
}
