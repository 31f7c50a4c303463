import type pg from 'pg';
import { runQuery } from './errors.ts';

type Db = pg.Pool | pg.PoolClient;

/** Session metadata: no query here returns the ciphertext columns. */
export interface SessionRow {
  id: string;
  user_id: string;
  sportsbook: string;
  consent_id: string;
  status: 'active' | 'revoked' | 'expired';
  expires_at: Date;
  created_at: Date;
  updated_at: Date;
  revoked_at: Date | null;
  cursor_key: string;
}

export interface SealedSessionData {
  ciphertext: Buffer;
  nonce: Buffer;
  authTag: Buffer;
  keyId: string;
}

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

export async function findSession(db: Db, userId: string, id: string): Promise<SessionRow | undefined> {
  const { rows } = await runQuery<SessionRow>(
    db,
    `SELECT ${COLUMNS} FROM sportsbook_sessions WHERE id = $1 AND user_id = $2`,
    [id, userId],
  );
  return rows[0];
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
     WHERE consent_id = $1 AND user_id = $2 AND status = 'active' RETURNING id`,
    [consentId, userId],
  );
  return rows.map((row) => row.id);
}
