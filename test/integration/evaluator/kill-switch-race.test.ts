import './quiet-env.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgApiStore } from '#adapters/pg/api-store';
import { createPgSignalStore } from '#adapters/pg/evaluator-store';
import type { ApiDeps } from '../../../shared/api/deps.ts';
import { setKillSwitch } from '../../../shared/api/kill-switch.ts';
import { evaluateCandidates } from '../../../shared/evaluator/evaluate-batch.ts';
import { createTestDatabase, type TestDatabase } from '../../support/pg.ts';
import { defaultLimits } from '../../support/risk.ts';
import { modelEdgeCandidate } from '../../support/sample-candidates.ts';
import { fundPaperBankroll, seedSampleGame } from '../../support/seed.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedSampleGame(db.pool);
  await fundPaperBankroll(db.pool, 1_000_000_000);
});

afterAll(() => db?.drop());

const admin = { sub: 'ops', role: 'admin' as const, requestId: 'req-1' };

/** Polls `check` until it holds or the deadline passes. */
async function until(check: () => Promise<boolean>, deadlineMs = 10_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached before the deadline');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('kill switch engaged while a batch is being decided', () => {
  it('waits for the risk lock that a batch holds from its snapshot to its commit', async () => {
    const batch = await db.pool.connect();
    await batch.query(`BEGIN; SELECT 1 FROM bankroll WHERE account = 'default' AND mode = 'paper' FOR UPDATE`);
    let returned = false;
    const engage = setKillSwitch({ store: createPgApiStore(db.pool) } as ApiDeps, admin, {
      engaged: true,
      reason: 'drill',
    }).then(() => {
      returned = true;
    });
    await until(async () => {
      const { rows } = await db.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%kill_switch_set%'`,
      );
      return rows[0]!.n === 1;
    });
    expect(returned).toBe(false);
    await batch.query('COMMIT');
    batch.release();
    await engage;
    expect(returned).toBe(true);
    await setKillSwitch({ store: createPgApiStore(db.pool) } as ApiDeps, admin, {
      engaged: false,
      reason: 'drill over',
    });
  });

  it('returns only after the batch in flight committed, and no batch after it trades', async () => {
    const now = Date.now();
    const events: string[] = [];
    let engage: Promise<unknown> | undefined;
    let clockReads = 0;
    const deps = {
      store: createPgSignalStore(db.pool, 'paper'),
      limits: { ...defaultLimits, cooldownMs: 0 },
      mode: 'paper' as const,
      // The second clock read is the decision's, once the batch holds its snapshot: engage exactly then, between
      // snapshot and write.
      now: () => {
        clockReads += 1;
        if (clockReads === 2)
          engage = setKillSwitch({ store: createPgApiStore(db.pool) } as ApiDeps, admin, {
            engaged: true,
            reason: 'drill',
          }).then(() => events.push('engaged'));
        return now;
      },
      sendExecutionRequests: async () => undefined,
    };
    const [inFlight] = await evaluateCandidates(deps, [modelEdgeCandidate({ nowMs: now, bookVersion: 1 })]);
    events.push('batch committed');
    await engage;
    expect(inFlight).toMatchObject({ status: 'accepted', reason: null });
    expect(events).toEqual(['batch committed', 'engaged']);

    const [after] = await evaluateCandidates({ ...deps, now: () => now }, [
      modelEdgeCandidate({ nowMs: now, bookVersion: 2 }),
    ]);
    expect(after).toMatchObject({ status: 'rejected', reason: 'kill_switch_engaged' });
    const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM paper_trades');
    expect(rows[0]!.n).toBe(1);
    await setKillSwitch({ store: createPgApiStore(db.pool) } as ApiDeps, admin, {
      engaged: false,
      reason: 'drill over',
    });
  });

  it('sends no live order while engaged, not even one decided before the engage', async () => {
    await db.pool.query(
      `UPDATE bankroll SET balance_micros = 1000000000, version = version + 1, last_reason = 'deposit', last_ref = 'seed'
        WHERE mode = 'live'`,
    );
    const now = Date.now();
    const sent: unknown[] = [];
    const deps = {
      store: createPgSignalStore(db.pool, 'live'),
      limits: { ...defaultLimits, cooldownMs: 0 },
      mode: 'live' as const,
      now: () => now,
      sendExecutionRequests: async (requests: readonly unknown[]) => {
        sent.push(...requests);
      },
    };
    const candidate = modelEdgeCandidate({ nowMs: now, bookVersion: 10 });
    const [first] = await evaluateCandidates(deps, [candidate]);
    expect(first).toMatchObject({ status: 'accepted' });
    expect(sent).toHaveLength(1);

    await setKillSwitch({ store: createPgApiStore(db.pool) } as ApiDeps, admin, { engaged: true, reason: 'drill' });
    // The redelivery of an accepted candidate re-sends its pending orders, but not while the switch is engaged.
    const [again] = await evaluateCandidates(deps, [candidate]);
    expect(again).toMatchObject({ status: 'accepted' });
    expect(sent).toHaveLength(1);

    await setKillSwitch({ store: createPgApiStore(db.pool) } as ApiDeps, admin, {
      engaged: false,
      reason: 'drill over',
    });
    await evaluateCandidates(deps, [candidate]);
    expect(sent).toHaveLength(2);
  });
});
