import type pg from 'pg';
import { sessionStatus } from '#domain/status/sessions';
import type { SealedSessionData, SealedSessionRow, SessionRow } from '../../ports/api/sessions.ts';
import { runQuery } from './errors.ts';

type Db = pg.Pool | pg.PoolClient;

// An active session past its expiry reads as expired, without a sweeper having to run first.
const COLUMNS = `id, user_id, sportsbook, consent_id,
  CASE WHEN status = 'active' AND expires_at <= now() THEN 'expired' ELSE status END AS status,
  expires_at, created_at, updated_at, revoked_at, created_at::text AS cursor_key`;

export async function insertSession(
  db: Db,
  input: { id: string; userId: string; sportsbook: string; consentId: string; expiresAt: Date } & SealedSessionData,
): Promise<SessionRow> {
  const { rows } = await runQuery<SessionRow>(
    db,
    `INSERT INTO sportsbook_sessions (id, user_id, sportsbook, consent_id, ciphertext, nonce, auth_tag, key_id, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
    [
      input.id,
      input.userId,
      input.sportsbook,
      input.consentId,
      input.ciphertext,
      input.nonce,
      input.authTag,
      input.keyId,
      input.expiresAt,
    ],
  );
  return rows[0]!;
}

export async function listSessions(
  db: Db,
  query: {
    userId: string;
    sportsbook?: string;
    status?: SessionRow['status'];
    limit: number;
    after?: { k: string; id: string };
  },
): Promise<SessionRow[]> {
  const { rows } = await runQuery<SessionRow>(
    db,
    `SELECT * FROM (SELECT ${COLUMNS} FROM sportsbook_sessions WHERE user_id = $1) s
     WHERE ($2::text IS NULL OR sportsbook = $2)
       AND ($3::text IS NULL OR status = $3)
       AND ($4::timestamptz IS NULL OR (created_at, id) > ($4::timestamptz, $5::uuid))
     ORDER BY created_at, id
     LIMIT $6`,
    [
      query.userId,
      query.sportsbook ?? null,
      query.status ?? null,
      query.after?.k ?? null,
      query.after?.id ?? null,
      query.limit + 1,
    ],
  );
  return rows;
}

async function findOwned<T extends pg.QueryResultRow>(db: Db, columns: string, userId: string, id: string) {
  const { rows } = await runQuery<T>(db, `SELECT ${columns} FROM sportsbook_sessions WHERE id = $1 AND user_id = $2`, [
    id,
    userId,
  ]);
  return rows[0];
}

export function findSession(db: Db, userId: string, id: string): Promise<SessionRow | undefined> {
  return findOwned<SessionRow>(db, COLUMNS, userId, id);
}

export async function updateSession(
  db: Db,
  userId: string,
  id: string,
  change: { sealed?: SealedSessionData; expiresAt?: Date },
): Promise<SessionRow | undefined> {
  const { rows } = await runQuery<SessionRow>(
    db,
    `UPDATE sportsbook_sessions SET
       ciphertext = COALESCE($3, ciphertext),
       nonce = COALESCE($4, nonce),
       auth_tag = COALESCE($5, auth_tag),
       key_id = COALESCE($6, key_id),
       expires_at = COALESCE($7, expires_at)
     WHERE id = $1 AND user_id = $2 AND status = 'active'
     RETURNING ${COLUMNS}`,
    [
      id,
      userId,
      change.sealed?.ciphertext ?? null,
      change.sealed?.nonce ?? null,
      change.sealed?.authTag ?? null,
      change.sealed?.keyId ?? null,
      change.expiresAt ?? null,
    ],
  );
  return rows[0];
}

export async function deleteSession(db: Db, userId: string, id: string): Promise<boolean> {
  const { rowCount } = await runQuery(db, 'DELETE FROM sportsbook_sessions WHERE id = $1 AND user_id = $2', [
    id,
    userId,
  ]);
  return rowCount === 1;
}

/** Revokes every active session that relied on a consent; returns their ids. */
export async function revokeSessionsForConsent(db: Db, userId: string, consentId: string): Promise<string[]> {
  const { rows } = await runQuery<{ id: string }>(
    db,
    `UPDATE sportsbook_sessions SET status = 'revoked', revoked_at = now()
     WHERE consent_id = $1 AND user_id = $2 AND status = ANY($3::text[]) RETURNING id`,
    [consentId, userId, sessionStatus.sourcesOf('revoked')],
  );
  return rows.map((row) => row.id);
}

const SEALED = 'id, user_id, ciphertext, nonce, auth_tag AS "authTag", key_id AS "keyId"';

/** Reads ciphertext and key id in one statement, so a concurrent re-seal can never pair one key with the other's data. */
export function findSealedSession(db: Db, userId: string, id: string): Promise<SealedSessionRow | undefined> {
  return findOwned<SealedSessionRow>(db, SEALED, userId, id);
}

/** The next `limit` sessions after `afterId` (by id) that are not sealed with `keyId`: one page of a re-seal pass. */
export async function listSessionsSealedOtherThan(
  db: Db,
  keyId: string,
  page: { afterId?: string; limit: number },
): Promise<SealedSessionRow[]> {
  const { rows } = await runQuery<SealedSessionRow>(
    db,
    `SELECT ${SEALED} FROM sportsbook_sessions
      WHERE key_id <> $1 AND ($2::uuid IS NULL OR id > $2)
      ORDER BY id LIMIT $3`,
    [keyId, page.afterId ?? null, page.limit],
  );
  return rows;
}

/**
 * Replaces a row's sealed data only if it still holds exactly what was read (same key id and ciphertext): a user's
 * concurrent update, already sealed with the current key, wins and the re-seal skips the row. False when skipped.
 */
export async function resealSession(
  db: Db,
  input: { id: string; from: SealedSessionData; to: SealedSessionData },
): Promise<boolean> {
  const { rowCount } = await runQuery(
    db,
    `UPDATE sportsbook_sessions SET ciphertext = $4, nonce = $5, auth_tag = $6, key_id = $7
      WHERE id = $1 AND key_id = $2 AND ciphertext = $3`,
    [
      input.id,
      input.from.keyId,
      input.from.ciphertext,
      input.to.ciphertext,
      input.to.nonce,
      input.to.authTag,
      input.to.keyId,
    ],
  );
  return rowCount === 1;
}

/** How many sessions each key sealed: a key may leave the keyring once its count is zero. */
export async function countSessionsByKey(db: Db): Promise<Record<string, number>> {
  const { rows } = await runQuery<{ key_id: string; n: string }>(
    db,
    'SELECT key_id, count(*) AS n FROM sportsbook_sessions GROUP BY key_id ORDER BY key_id',
  );
  return Object.fromEntries(rows.map((row) => [row.key_id, Number(row.n)]));
}
