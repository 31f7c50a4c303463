import { createPgSettlementStore } from '#adapters/pg/settlement-store';
import '../evaluator/quiet-env.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSettledPositions, findSettlementCandidates } from '#adapters/pg/positions';
import { inTransaction } from '#adapters/pg/transaction';
import { localLambdaContext } from '../../../local/lambda-context.ts';
import { settleFinishedGames } from '../../../shared/settlement/settle.ts';
import { createTestDatabase, type TestDatabase } from '../../support/pg.ts';
import { arbitrageCandidate, modelEdgeCandidate } from '../../support/sample-candidates.ts';
import { fundPaperBankroll, type SampleGame, seedSampleGame } from '../../support/seed.ts';
import { buildEvaluator, type Emulators, sqsEvent, startEmulators } from '../evaluator/harness.ts';

const INITIAL = 1_000_000_000;
let db: TestDatabase;
let emu: Emulators;
let game: SampleGame;

beforeAll(async () => {
  [db, emu] = await Promise.all([createTestDatabase(), startEmulators()]);
  game = await seedSampleGame(db.pool);
  await fundPaperBankroll(db.pool, INITIAL);
});

afterAll(async () => {
  await emu?.stop();
  await db?.drop();
});

const balance = async () =>
  (await db.pool.query<{ b: number }>(`SELECT balance_micros AS b FROM bankroll WHERE mode = 'paper'`)).rows[0]!.b;

describe('settlement', () => {
  it('pays the winning side, records P&L that sums to the bankroll change, and settles nothing twice', async () => {
    const handler = buildEvaluator({ pool: db.pool, emulators: emu, limits: { cooldownMs: 0 } });
    const now = Date.now();
    // YES on the home team (Kalshi) twice, plus an arbitrage: YES on Kalshi and NO on Polymarket.
    const res = await handler(
      sqsEvent([
        modelEdgeCandidate({ nowMs: now, bookVersion: 1 }),
        modelEdgeCandidate({ nowMs: now, bookVersion: 2 }),
        arbitrageCandidate({ nowMs: now, bookVersion: 3 }),
      ]),
      localLambdaContext('signal-evaluator'),
    );
    expect(res.batchItemFailures).toEqual([]);
    const { rows: open } = await db.pool.query<{ side: string; quantity_hundredths: number; basis: number }>(
      `SELECT m.venue || ':' || p.side AS side, p.quantity_hundredths, p.cost_micros + p.fees_micros AS basis
         FROM positions p JOIN markets m ON m.id = p.market_id WHERE p.status = 'open' ORDER BY 1`,
    );
    expect(open.map((p) => p.side)).toEqual(['kalshi:yes', 'polymarket:no']);
    const afterTrades = await balance();
    expect(INITIAL - afterTrades).toBe(open.reduce((s, p) => s + p.basis, 0));

    // Nothing settles while the game is live.
    expect((await settleFinishedGames(createPgSettlementStore(db.pool), Date.now())).settled).toBe(0);

    await db.pool.query(
      `INSERT INTO game_states (game_id, observed_at, status, period, home_score, away_score, winner_team_id)
       VALUES ($1, now(), 'final', 4, 112, 104, $2)`,
      [game.gameId, game.homeTeamId],
    );
    const first = await settleFinishedGames(createPgSettlementStore(db.pool), Date.now());
    const kalshiYes = open.find((p) => p.side === 'kalshi:yes')!;
    expect(first.settled).toBe(2);
    // The home team won: Kalshi YES pays $1 a contract, Polymarket NO pays nothing.
    expect(first.payoutMicros).toBe(kalshiYes.quantity_hundredths * 10_000);
    expect(await balance()).toBe(afterTrades + first.payoutMicros);

    const { rows } = await db.pool.query<{ pnl: number; open: number }>(
      `SELECT coalesce(sum(realized_pnl_micros), 0)::bigint AS pnl, count(*) FILTER (WHERE status = 'open')::int AS open
         FROM positions`,
    );
    expect(rows[0]).toEqual({ pnl: (await balance()) - INITIAL, open: 0 });
    const { rows: markets } = await db.pool.query(`SELECT venue, status, settled_outcome FROM markets ORDER BY venue`);
    expect(markets).toEqual([
      { venue: 'kalshi', status: 'settled', settled_outcome: 'yes' },
      { venue: 'polymarket', status: 'settled', settled_outcome: 'yes' },
    ]);

    const again = await Promise.all([
      settleFinishedGames(createPgSettlementStore(db.pool), Date.now()),
      settleFinishedGames(createPgSettlementStore(db.pool), Date.now()),
    ]);
    expect(again.map((r) => r.settled)).toEqual([0, 0]);
    expect(await balance()).toBe(afterTrades + first.payoutMicros);

    // A candidate that arrives after the final buzzer is turned down: its market is settled and its game is over.
    const late = modelEdgeCandidate({ nowMs: Date.now(), bookVersion: 4 });
    expect((await handler(sqsEvent([late]), localLambdaContext('signal-evaluator'))).batchItemFailures).toEqual([]);
    const { rows: decided } = await db.pool.query(
      'SELECT decision, reason FROM trading_signals WHERE candidate_id = $1',
      [late.id],
    );
    expect(decided).toEqual([{ decision: 'rejected', reason: 'market_not_open' }]);
  });

  it('does not pay a position on the size it had when read if a trade grew it before the close', async () => {
    // Runs after the game above is final: a position opened on the home team's Kalshi market.
    const { rows } = await db.pool.query<{ id: string }>(
      `INSERT INTO positions (market_id, side, mode, quantity_hundredths, cost_micros, fees_micros)
       VALUES ($1, 'yes', 'paper', 10000, 50000000, 0) RETURNING id`,
      [game.kalshiMarketId],
    );
    const positionId = rows[0]!.id;
    const [read] = (await findSettlementCandidates(db.pool, { mode: 'paper', limit: 10 })).filter(
      (p) => p.positionId === positionId,
    );
    expect(read?.quantity).toBe(10_000);
    // An evaluator's trade lands between settlement's read and its close.
    await db.pool.query(`UPDATE positions SET quantity_hundredths = 15000, cost_micros = 75000000 WHERE id = $1`, [
      positionId,
    ]);
    const stale = {
      positionId,
      marketId: read!.marketId,
      quantity: 10_000,
      costBasisMicros: 50_000_000,
      marketYesPayoutMicros: 1_000_000,
      payoutMicros: 100_000_000,
      realizedPnlMicros: 50_000_000,
    };
    const closed = await inTransaction(db.pool, (client) => closeSettledPositions(client, [stale], Date.now()));
    expect(closed).toEqual([]);

    const before = await balance();
    const next = await settleFinishedGames(createPgSettlementStore(db.pool), Date.now());
    expect(next).toMatchObject({ settled: 1, payoutMicros: 150_000_000, realizedPnlMicros: 75_000_000 });
    expect(await balance()).toBe(before + 150_000_000);
  });
});
