import './quiet-env.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgSignalStore } from '#adapters/pg/signals';
import { modelEdgeCandidate } from '../../../local/pipeline/sample-candidates.ts';
import { seedSampleGame } from '../../../local/pipeline/seed.ts';
import { evaluateCandidates } from '../../../shared/services/pipeline/evaluate-batch.ts';
import type { SignalStore } from '../../../shared/services/pipeline/ports.ts';
import { createTestDatabase, type TestDatabase } from '../../support/pg.ts';
import { defaultLimits } from '../../support/risk.ts';

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

/** Both evaluators load before either writes: the interleaving that lets two of them spend the same headroom. */
function afterBothLoaded(store: SignalStore): [SignalStore, SignalStore] {
  let release!: () => void;
  const bothLoaded = new Promise<void>((resolve) => {
    release = resolve;
  });
  let loads = 0;
  const gated: SignalStore = {
    async loadBatch(candidates, window) {
      const snapshot = await store.loadBatch(candidates, window);
      loads += 1;
      if (loads === 2) release();
      if (loads <= 2) await bothLoaded;
      return snapshot;
    },
    writeBatch: (input) => store.writeBatch(input),
  };
  return [gated, gated];
}

describe('live mode, two evaluators deciding from the same snapshot', () => {
  it('accepts only one of two candidates on the same market side: the other re-decides and sees the cooldown', async () => {
    const now = Date.now();
    const [a, b] = afterBothLoaded(createPgSignalStore(db.pool, 'live'));
    const deps = (store: SignalStore) => ({
      store,
      limits: defaultLimits,
      mode: 'live' as const,
      now: () => now,
      sendExecutionRequests: async () => undefined,
    });
    const [first, second] = await Promise.all([
      evaluateCandidates(deps(a), [modelEdgeCandidate({ nowMs: now, bookVersion: 1 })]),
      evaluateCandidates(deps(b), [modelEdgeCandidate({ nowMs: now, bookVersion: 2 })]),
    ]);
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
    const snapshot = await createPgSignalStore(db.pool, 'live').loadBatch([candidate], {
      cooldownSinceMs: 0,
      dayStartMs: 0,
    });
    const { count, price } = rows[0]!;
    expect([...snapshot.state.exposureByMarketMicros.values()]).toEqual([Math.ceil((count * price) / 100)]);
  });
});
