import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyBankrollChange, getBankroll, InsufficientBankrollError, updateBankrollInTx } from '#adapters/pg/bankroll';
import { pgTypes } from '#adapters/pg/pool';
import { createTestDatabase, type TestDatabase } from '../../support/pg.ts';

interface AuditRow {
  old_balance_micros: number | null;
  new_balance_micros: number;
  delta_micros: number;
  old_version: number | null;
  new_version: number;
  reason: string;
  ref: string | null;
}

async function auditRows(db: TestDatabase, mode: string): Promise<AuditRow[]> {
  const { rows } = await db.pool.query<AuditRow>(
    `SELECT old_balance_micros, new_balance_micros, delta_micros, old_version, new_version, reason, ref
       FROM bankroll_audit WHERE account = 'default' AND mode = $1 ORDER BY new_version`,
    [mode],
  );
  return rows;
}

/** Connections this test may open, keeping headroom for everyone else on the server. */
async function freeConnectionSlots(db: TestDatabase): Promise<number> {
  const { rows } = await db.pool.query<{ free: number }>(
    `SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int
            - (SELECT count(*) FROM pg_stat_activity)::int - 20 AS free`,
  );
  return rows[0]?.free ?? 0;
}

describe('bankroll', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase({ max: 2 });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('100 concurrent updates from separate connections end at the exact balance, each audited once', async () => {
    await applyBankrollChange(db.pool, { mode: 'paper', deltaMicros: 10_000_000_000, reason: 'deposit', ref: 'd-1' });
    const deltas = Array.from({ length: 100 }, (_, i) => (i % 3 === 0 ? -(i + 1) * 1_000_003 : (i + 1) * 777_777));
    // One connection per update, as 100 concurrent Lambdas would hold, when the server has room; a shared server
    // (DATABASE_URL) with less headroom gets as many as fit, several updates racing on each.
    const connections = Math.min(100, await freeConnectionSlots(db));
    console.log(`[bankroll] 100 concurrent updates over ${connections} connections`);
    expect(connections, 'the server has too few free connections for a meaningful race').toBeGreaterThanOrEqual(20);
    const clients = Array.from(
      { length: connections },
      () => new pg.Client({ connectionString: db.url, types: pgTypes }),
    );
    await Promise.all(clients.map((c) => c.connect()));
    try {
      const results = await Promise.all(
        deltas.map((deltaMicros, i) =>
          applyBankrollChange(clients[i % connections]!, {
            mode: 'paper',
            deltaMicros,
            reason: 'stake',
            ref: `order-${i}`,
          }),
        ),
      );
      expect(results.every((r) => r.applied)).toBe(true);
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }

    const expected = 10_000_000_000 + deltas.reduce((a, b) => a + b, 0);
    const final = await getBankroll(db.pool, { mode: 'paper' });
    expect(final.balanceMicros).toBe(expected);
    expect(final.version).toBe(101); // the opening row is version 0, the deposit 1, then the 100 stakes

    const stakes = (await auditRows(db, 'paper')).filter((r) => r.reason === 'stake');
    expect(stakes).toHaveLength(100);
    expect(new Set(stakes.map((r) => r.ref)).size).toBe(100);
    // The audit trail is an unbroken chain: every row starts where the previous one ended.
    const chain = await auditRows(db, 'paper');
    for (let i = 1; i < chain.length; i++) {
      expect(chain[i]!.old_balance_micros).toBe(chain[i - 1]!.new_balance_micros);
      expect(chain[i]!.old_version).toBe(chain[i - 1]!.new_version);
      expect(chain[i]!.delta_micros).toBe(chain[i]!.new_balance_micros - chain[i]!.old_balance_micros!);
    }
  });

  it('a replayed (reason, ref) changes nothing', async () => {
    const first = await applyBankrollChange(db.pool, {
      mode: 'live',
      deltaMicros: 5_000_000,
      reason: 'deposit',
      ref: 'x',
    });
    const again = await applyBankrollChange(db.pool, {
      mode: 'live',
      deltaMicros: 5_000_000,
      reason: 'deposit',
      ref: 'x',
    });
    expect(first).toMatchObject({ balanceMicros: 5_000_000, applied: true });
    expect(again).toEqual({ balanceMicros: 5_000_000, version: first.version, applied: false });
    expect((await auditRows(db, 'live')).filter((r) => r.ref === 'x')).toHaveLength(1);
  });

  it('refuses to overdraw, and leaves balance and audit untouched', async () => {
    const before = await getBankroll(db.pool, { mode: 'live' });
    const auditBefore = (await auditRows(db, 'live')).length;
    await expect(
      applyBankrollChange(db.pool, { mode: 'live', deltaMicros: -(before.balanceMicros + 1), reason: 'stake' }),
    ).rejects.toBeInstanceOf(InsufficientBankrollError);
    expect(await getBankroll(db.pool, { mode: 'live' })).toEqual(before);
    expect(await auditRows(db, 'live')).toHaveLength(auditBefore);
  });

  it('an update against a stale version writes nothing; the database refuses a version that skips', async () => {
    const current = await getBankroll(db.pool, { mode: 'live' });
    const stale = await updateBankrollInTx(db.pool, {
      mode: 'live',
      expectedVersion: current.version - 1,
      newBalanceMicros: 1,
      reason: 'stake',
    });
    expect(stale).toBeUndefined();
    await expect(
      db.pool.query(`UPDATE bankroll SET version = version + 2, last_reason = 'x' WHERE mode = 'live'`),
    ).rejects.toMatchObject({ code: '23514' });
    expect(await getBankroll(db.pool, { mode: 'live' })).toEqual(current);
  });

  it('commits with the caller transaction, or not at all', async () => {
    const client = await db.pool.connect();
    try {
      const before = await getBankroll(client, { mode: 'live' });
      await client.query('BEGIN');
      const updated = await updateBankrollInTx(client, {
        mode: 'live',
        expectedVersion: before.version,
        newBalanceMicros: before.balanceMicros - 1_000,
        reason: 'stake',
        ref: 'rolled-back',
      });
      expect(updated?.version).toBe(before.version + 1);
      await client.query('ROLLBACK');
      expect(await getBankroll(client, { mode: 'live' })).toEqual(before);
      expect((await auditRows(db, 'live')).some((r) => r.ref === 'rolled-back')).toBe(false);
    } finally {
      client.release();
    }
  });
});
