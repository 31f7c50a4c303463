import './quiet-env.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgApiStore } from '#adapters/pg/api-store';
import { createPgSignalStore } from '#adapters/pg/evaluator-store';
import { refreshDailyPerformance } from '#adapters/pg/rollups';
import { readEveningReport } from '../../../local/evening/report.ts';
import type { ApiDeps } from '../../../shared/api/deps.ts';
import { listTrades } from '../../../shared/api/trading.ts';
import { evaluateCandidates } from '../../../shared/evaluator/evaluate-batch.ts';
import { createTestDatabase, type TestDatabase } from '../../support/pg.ts';
import { defaultLimits } from '../../support/risk.ts';
import { kalshiLeg, modelEdgeCandidate } from '../../support/sample-candidates.ts';
import { fundPaperBankroll, seedSampleGame } from '../../support/seed.ts';

const INITIAL = 10_000_000_000;
let db: TestDatabase;
let gameId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  gameId = (await seedSampleGame(db.pool)).gameId;
  await fundPaperBankroll(db.pool, INITIAL);
});

afterAll(() => db?.drop());

describe('what reports say a trade cost', () => {
  it('equals what the bankroll paid, to the micro, where the average price had to be rounded', async () => {
    // 3 contracts at $0.50 and 4 at $0.51: $3.54 exactly, but the average price 0.5057142... rounds up to 0.505715,
    // and 7 x 0.505715 = $3.540005: five micros that were never paid.
    const nowMs = Date.now();
    const candidate = modelEdgeCandidate({
      nowMs,
      leg: kalshiLeg({
        askMicros: 500_000,
        depth: [
          { priceMicros: 500_000, quantity: 300 },
          { priceMicros: 510_000, quantity: 400 },
        ],
      }),
    });
    const [outcome] = await evaluateCandidates(
      {
        store: createPgSignalStore(db.pool, 'paper'),
        limits: defaultLimits,
        mode: 'paper',
        now: () => nowMs,
        sendExecutionRequests: async () => undefined,
      },
      [candidate],
    );
    expect(outcome).toMatchObject({ status: 'accepted' });

    const { rows } = await db.pool.query<{
      price: number;
      quantity: number;
      cost: number;
      fee: number;
      debit: number;
      held: number;
    }>(
      `SELECT t.price_micros AS price, t.quantity_hundredths AS quantity, t.cost_micros AS cost, t.fee_micros AS fee,
              (SELECT -sum(delta_micros) FROM bankroll_audit WHERE mode = 'paper' AND reason = 'paper_fills')::bigint AS debit,
              (SELECT sum(cost_micros + fees_micros) FROM positions)::bigint AS held
         FROM paper_trades t`,
    );
    const trade = rows[0]!;
    expect(trade.cost).toBe(3_540_000);
    expect(trade.quantity * trade.price).not.toBe(trade.cost * 100);
    expect(trade.cost + trade.fee).toBe(trade.debit);
    expect(trade.held).toBe(trade.debit);

    const report = await readEveningReport(db.pool, {
      feed: 'test',
      speed: 'max',
      wallSeconds: 0,
      games: [{ gameId, sport: 'nba', espnEventId: '1', away: 'BOS', home: 'DEN' }],
      tally: () => ({ messages: 0, candidates: { model_edge: 1, arbitrage: 0 } }),
      candidates: [
        { id: candidate.id, gameId, kind: 'model_edge', feedToCandidateMs: 0, createdAtMs: candidate.createdAtMs },
      ],
      messagesBySource: {},
      messages: 0,
      dlqMessages: 0,
      bankrollStartMicros: INITIAL,
    });
    expect(report.total).toMatchObject({ paperTrades: 1, feesMicros: trade.fee, openPositions: 1 });
    expect(report.bankroll.startMicros - report.bankroll.finalMicros).toBe(trade.debit);

    const api = await listTrades(
      { store: createPgApiStore(db.pool) } as ApiDeps,
      { limit: 50 } as Parameters<typeof listTrades>[1],
    );
    expect(api.items.map((t) => t.costMicros + t.feeMicros)).toEqual([trade.debit]);

    const day = new Date(nowMs).toISOString().slice(0, 10);
    await refreshDailyPerformance(db.pool, day);
    const { rows: perf } = await db.pool.query<{ volume: number; fees: number }>(
      `SELECT volume_micros AS volume, fees_micros AS fees FROM daily_performance WHERE mode = 'paper' AND day = $1`,
      [day],
    );
    expect(perf[0]!.volume + perf[0]!.fees).toBe(trade.debit);
  });
});
