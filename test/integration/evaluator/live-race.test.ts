import './quiet-env.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgSignalStore } from '#adapters/pg/evaluator-store';
import { evaluateCandidates } from '../../../shared/evaluator/evaluate-batch.ts';
import { createTestDatabase, type TestDatabase } from '../../support/pg.ts';
import { defaultLimits } from '../../support/risk.ts';
import { modelEdgeCandidate } from '../../support/sample-candidates.ts';
import { seedSampleGame } from '../../support/seed.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedSampleGame(db.pool);
  await db.pool.query(
    `UPDATE bankroll SET balance_micros = 1000000000, version = version + 1, last_reason = 'deposit', last_ref = 'seed'
      WHERE mode = 'live'`,
  );
});

afterAll(() => db?.drop());

/** Polls `check` until it holds or the deadline passes. */
async function until(check: () => Promise<boolean>, deadlineMs = 10_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached before the deadline');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function lockWaiters(): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%pipeline_lock_and_load%'`,
  );
  return rows[0]!.n;
}

describe('live mode, two evaluators deciding at the same moment', () => {
  it('queues them on the risk lock: one accepts, the other decides after it and sees the cooldown', async () => {
    const now = Date.now();
    const store = createPgSignalStore(db.pool, 'live');
    const deps = {
      store,
      limits: defaultLimits,
      mode: 'live' as const,
      now: () => now,
      sendExecutionRequests: async () => undefined,
    };
    // Hold the lock so both evaluators are waiting for it before either reads anything.
    const holder = await db.pool.connect();
    await holder.query(`BEGIN; SELECT 1 FROM bankroll WHERE account = 'default' AND mode = 'live' FOR UPDATE`);
    const both = Promise.all([
      evaluateCandidates(deps, [modelEdgeCandidate({ nowMs: now, bookVersion: 1 })]),
      evaluateCandidates(deps, [modelEdgeCandidate({ nowMs: now, bookVersion: 2 })]),
    ]);
    await until(async () => (await lockWaiters()) === 2);
    await holder.query('COMMIT');
    holder.release();
    const [first, second] = await both;
    const statuses = [first[0], second[0]].map((o) => (o instanceof Error ? 'error' : `${o?.status}:${o?.reason}`));
    expect(statuses.sort()).toEqual(['accepted:null', 'rejected:cooldown_active']);
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM orders WHERE mode = 'live' AND status = 'pending'`,
    );
    expect(rows[0]!.n).toBe(1);
  });

  it('counts the unfilled rest of a partly filled live order as exposure on its market', async () => {
    const { rows } = await db.pool.query<{ id: string; count: number; price: number }>(
      `UPDATE orders SET status = 'partially_filled', filled_hundredths = count_hundredths / 2
        WHERE mode = 'live' AND status = 'pending'
       RETURNING id, count_hundredths - filled_hundredths AS count, limit_price_micros AS price`,
    );
    expect(rows).toHaveLength(1);
    const candidate = modelEdgeCandidate({ nowMs: Date.now(), bookVersion: 3 });
    const { snapshot } = await createPgSignalStore(db.pool, 'live').decideBatch(
      [candidate],
      { receivedAtMs: Date.now(), cooldownSinceMs: 0, dayStartMs: 0 },
      () => ({ decisions: [], decidedAtMs: Date.now() }),
    );
    const { count, price } = rows[0]!;
    expect([...snapshot.state.exposureByMarketMicros.values()]).toEqual([Math.ceil((count * price) / 100)]);
  });
});
