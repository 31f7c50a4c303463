import './quiet-env.ts';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgSignalStore } from '#adapters/pg/evaluator-store';
import { createPool } from '#adapters/pg/pool';
import type { SignalCandidate } from '#contracts/signal-candidate';
import type { RiskLimits } from '#domain/risk/index';
import { type EvaluatorDeps, evaluateCandidates } from '../../../shared/evaluator/evaluate-batch.ts';
import { createTestDatabase, type TestDatabase } from '../../support/pg.ts';
import { defaultLimits } from '../../support/risk.ts';
import { arbitrageCandidate, kalshiLeg, modelEdgeCandidate, polymarketLeg } from '../../support/sample-candidates.ts';
import { fundPaperBankroll, seedSampleGame } from '../../support/seed.ts';

const INITIAL = 1_000_000_000;
const EVALUATORS = 16;
const BATCHES_EACH = 4;
const GAMES = 3;
const limits: RiskLimits = {
  ...defaultLimits,
  cooldownMs: 0,
  // Small stakes (a dollar or a few), so that many batches accept before the limits bind.
  kellyFraction: 0.005,
  maxExposurePerMarketMicros: 60_000_000,
  maxExposurePerGameMicros: 100_000_000,
  maxTotalExposureMicros: 250_000_000,
};

let db: TestDatabase;
const pools: pg.Pool[] = [];
const gameIds: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase({ max: 4 });
  for (let g = 0; g < GAMES; g++) {
    gameIds.push((await seedSampleGame(db.pool, { gameId: crypto.randomUUID(), suffix: `-${g}` })).gameId);
  }
  await fundPaperBankroll(db.pool, INITIAL);
});

afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await db?.drop();
});

/** Candidate k of evaluator e: the same few markets for everyone, model edge and arbitrage mixed. */
function candidate(e: number, k: number, nowMs: number): SignalCandidate {
  const g = (e + k) % GAMES;
  const markets = {
    gameId: gameIds[g]!,
    leg: { venueMarketId: `${kalshiLeg().venueMarketId}-${g}` },
    hedge: { venueMarketId: `${polymarketLeg().venueMarketId}-${g}` },
  };
  const bookVersion = e * 1_000 + k;
  return k % 4 === 3
    ? arbitrageCandidate({ nowMs, bookVersion, ...markets })
    : modelEdgeCandidate({ nowMs, bookVersion, gameId: markets.gameId, leg: markets.leg });
}

describe('16 evaluators at once on overlapping markets under tight limits', () => {
  it('fails no batch, exceeds no limit, and leaves the bankroll and its audit trail exact', async () => {
    const nowMs = Date.now();
    // Every clock read a millisecond later, so each batch's decisions carry a time of their own.
    let tick = 0;
    const evaluators: EvaluatorDeps[] = Array.from({ length: EVALUATORS }, () => {
      const pool = createPool({ connectionString: db.url, max: 1 });
      pools.push(pool);
      return {
        store: createPgSignalStore(pool, 'paper'),
        limits,
        mode: 'paper',
        now: () => nowMs + tick++,
        sendExecutionRequests: async () => undefined,
      };
    });
    const outcomes = await Promise.all(
      evaluators.map(async (deps, e) => {
        const mine = [];
        for (let b = 0; b < BATCHES_EACH; b++) {
          const batch = Array.from({ length: 10 }, (_, i) => candidate(e, b * 10 + i, nowMs));
          mine.push(...(await evaluateCandidates(deps, batch)));
        }
        return mine;
      }),
    );
    const all = outcomes.flat();
    expect(all.filter((o) => o instanceof Error)).toEqual([]);
    const statuses = all.map((o) => (o instanceof Error ? 'error' : o.status));
    expect(statuses.filter((s) => s === 'accepted').length).toBeGreaterThan(EVALUATORS);
    expect(all.filter((o) => !(o instanceof Error) && o.reason?.endsWith('exposure_limit')).length).toBeGreaterThan(0);

    const { rows: byMarket } = await db.pool.query<{ micros: number }>(
      `SELECT sum(cost_micros + fees_micros)::bigint AS micros FROM positions WHERE status = 'open' GROUP BY market_id`,
    );
    for (const m of byMarket) expect(m.micros).toBeLessThanOrEqual(limits.maxExposurePerMarketMicros);
    const { rows: byGame } = await db.pool.query<{ micros: number }>(
      `SELECT sum(p.cost_micros + p.fees_micros)::bigint AS micros
         FROM positions p JOIN markets m ON m.id = p.market_id WHERE p.status = 'open' GROUP BY m.game_id`,
    );
    for (const g of byGame) expect(g.micros).toBeLessThanOrEqual(limits.maxExposurePerGameMicros);

    const { rows } = await db.pool.query<{
      balance: number;
      stakes: number;
      held: number;
      traded: number;
      audited: number;
      debits: number;
      batches: number;
    }>(
      `SELECT (SELECT balance_micros FROM bankroll WHERE mode = 'paper') AS balance,
              (SELECT coalesce(sum(stake_micros), 0) FROM trading_signals WHERE decision = 'accepted')::bigint AS stakes,
              (SELECT coalesce(sum(cost_micros + fees_micros), 0) FROM positions)::bigint AS held,
              (SELECT coalesce(sum(cost_micros + fee_micros), 0) FROM paper_trades)::bigint AS traded,
              (SELECT sum(delta_micros) FROM bankroll_audit WHERE mode = 'paper')::bigint AS audited,
              (SELECT count(*) FROM bankroll_audit WHERE mode = 'paper' AND reason = 'paper_fills')::int AS debits,
              (SELECT count(DISTINCT ts.decided_at) FROM trading_signals ts)::int AS batches`,
    );
    const r = rows[0]!;
    expect(r.held).toBeLessThanOrEqual(limits.maxTotalExposureMicros);
    expect(r.balance).toBe(INITIAL - r.stakes);
    expect(r.held).toBe(r.stakes);
    expect(r.traded).toBe(r.stakes);
    expect(r.audited).toBe(r.balance);
    // One debit row per batch that accepted anything, each for exactly what that batch's signals staked.
    const { rows: perDebit } = await db.pool.query<{ delta: number; staked: number }>(
      `SELECT -a.delta_micros AS delta, (SELECT sum(ts.stake_micros) FROM trading_signals ts
                                           WHERE ts.decided_at = s.decided_at AND ts.decision = 'accepted')::bigint AS staked
         FROM bankroll_audit a JOIN trading_signals s ON s.id::text = a.ref
        WHERE a.mode = 'paper' AND a.reason = 'paper_fills'`,
    );
    expect(r.debits).toBeGreaterThan(EVALUATORS / 2);
    expect(perDebit).toHaveLength(r.debits);
    for (const d of perDebit) expect(d.delta).toBe(d.staked);
  });
});
