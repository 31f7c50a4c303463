import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seal } from '../../../shared/adapters/crypto/session-cipher.ts';
import { createTestDatabase, type TestDatabase } from '../../support/pg.ts';
import { insertMarketFixture, type MarketFixture } from '../../support/pg-fixtures.ts';

async function rowAsJson(db: TestDatabase, table: string, id: string): Promise<unknown> {
  const { rows } = await db.pool.query<{ row: unknown }>(`SELECT to_jsonb(t) AS row FROM ${table} t WHERE id = $1`, [
    id,
  ]);
  return rows[0]?.row;
}

async function auditedDeletions(db: TestDatabase, table: string, id: string): Promise<unknown[]> {
  const { rows } = await db.pool.query<{ row_data: unknown }>(
    'SELECT row_data FROM deletion_audit WHERE table_name = $1 AND row_id = $2',
    [table, id],
  );
  return rows.map((r) => r.row_data);
}

describe('deletion audit and session storage', () => {
  let db: TestDatabase;
  let fx: MarketFixture;

  beforeAll(async () => {
    db = await createTestDatabase();
    fx = await insertMarketFixture(db.pool, 'del');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('deleting a paper trade leaves its whole row in deletion_audit', async () => {
    const { rows } = await db.pool.query<{ id: string }>(
      `INSERT INTO paper_trades (market_id, side, quantity_hundredths, price_micros, cost_micros, fee_micros)
       VALUES ($1, 'yes', 1250, 530000, 6625000, 8750) RETURNING id`,
      [fx.kalshiMarketId],
    );
    const id = rows[0]!.id;
    const before = await rowAsJson(db, 'paper_trades', id);
    await db.pool.query('DELETE FROM paper_trades WHERE id = $1', [id]);
    expect(await rowAsJson(db, 'paper_trades', id)).toBeUndefined();
    expect(await auditedDeletions(db, 'paper_trades', id)).toEqual([before]);
  });

  it('deleting an order and its fill audits both rows', async () => {
    const order = await db.pool.query<{ id: string }>(
      `INSERT INTO orders (venue, market_id, side, count_hundredths, limit_price_micros, mode, client_order_id)
       VALUES ('kalshi', $1, 'yes', 500, 540000, 'live', 'coid-del-1') RETURNING id`,
      [fx.kalshiMarketId],
    );
    const orderId = order.rows[0]!.id;
    const fill = await db.pool.query<{ id: string }>(
      `INSERT INTO fills (order_id, venue, venue_fill_id, quantity_hundredths, price_micros, cost_micros, fee_micros, filled_at)
       VALUES ($1, 'kalshi', 'vf-del-1', 500, 540000, 2700000, 900, now()) RETURNING id`,
      [orderId],
    );
    const fillId = fill.rows[0]!.id;
    const orderBefore = await rowAsJson(db, 'orders', orderId);
    const fillBefore = await rowAsJson(db, 'fills', fillId);
    await db.pool.query('DELETE FROM fills WHERE id = $1', [fillId]);
    await db.pool.query('DELETE FROM orders WHERE id = $1', [orderId]);
    expect(await auditedDeletions(db, 'fills', fillId)).toEqual([fillBefore]);
    expect(await auditedDeletions(db, 'orders', orderId)).toEqual([orderBefore]);
  });

  it('a session row holds only ciphertext, and its deletion is audited', async () => {
    const secret = `{"cookie":"session=${randomBytes(8).toString('hex')}","password":"hunter2-plaintext"}`;
    const consent = await db.pool.query<{ id: string }>(
      `INSERT INTO user_consents (user_id, scope, sportsbook, text_version)
       VALUES ('user-1', 'store_session', 'draftkings', 'v1') RETURNING id`,
    );
    const box = seal(randomBytes(32), Buffer.from(secret, 'utf8'), 'user-1');
    const session = await db.pool.query<{ id: string }>(
      `INSERT INTO sportsbook_sessions (user_id, sportsbook, consent_id, ciphertext, nonce, auth_tag, key_id, expires_at)
       VALUES ('user-1', 'draftkings', $1, $2, $3, $4, 'alias/sessions', now() + interval '1 day') RETURNING id`,
      [consent.rows[0]!.id, box.ciphertext, box.iv, box.authTag],
    );
    const id = session.rows[0]!.id;

    // Nothing stored, in any column or encoding, contains the plaintext.
    const stored = await db.pool.query<{ text: string; raw: Buffer }>(
      `SELECT row_to_json(s)::text AS text, ciphertext || nonce || auth_tag AS raw FROM sportsbook_sessions s
        WHERE id = $1`,
      [id],
    );
    expect(stored.rows[0]!.text).not.toContain('hunter2');
    expect(stored.rows[0]!.raw.includes(Buffer.from('hunter2'))).toBe(false);
    // Schema guard: secret material only in bytea columns; every text column is metadata we name here.
    const { rows: columns } = await db.pool.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns
        WHERE table_name = 'sportsbook_sessions' AND data_type IN ('text', 'character varying', 'json', 'jsonb')`,
    );
    expect(columns.map((c) => c.column_name).sort()).toEqual(['key_id', 'sportsbook', 'status', 'user_id']);

    const before = (await rowAsJson(db, 'sportsbook_sessions', id)) as Record<string, unknown>;
    await db.pool.query('DELETE FROM sportsbook_sessions WHERE id = $1', [id]);
    // The audit keeps who, which sportsbook, consent and key, but not the sealed credentials: deleted means gone.
    const { ciphertext: _c, nonce: _n, auth_tag: _t, ...metadata } = before;
    expect(await auditedDeletions(db, 'sportsbook_sessions', id)).toEqual([metadata]);
    expect(Object.keys(metadata)).toEqual(expect.arrayContaining(['id', 'user_id', 'consent_id', 'key_id']));
  });
});
