import { createPgSettlementStore } from '#adapters/pg/settlement-store';
import '../evaluator/quiet-env.ts';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgSignalStore } from '#adapters/pg/evaluator-store';
import { countOverduePositions } from '#adapters/pg/positions';
import { type GameStatus, recordGameState } from '#adapters/pg/reference-data';
import { settleFinishedGames } from '../../../shared/settlement/settle.ts';
import { createTestDatabase, type TestDatabase } from '../../support/pg.ts';
import { fundPaperBankroll, type SampleGame, seedSampleGame } from '../../support/seed.ts';
import { eventually } from '../evaluator/harness.ts';

/**
 * Settlement by each market's own rule (RULES.md section 1), against real Postgres: ties, cancellations,
 * postponements inside and past Kalshi's 48 h window, exactly-once under concurrent runs, and the bankroll lock.
 */
const INITIAL = 1_000_000_000;
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 29, 18, 0, 0);

let db: TestDatabase;
let games = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  await fundPaperBankroll(db.pool, INITIAL);
});

afterAll(async () => {
  await db?.drop();
});

const paperBalance = async () =>
  (await db.pool.query<{ b: number }>(`SELECT balance_micros AS b FROM bankroll WHERE mode = 'paper'`)).rows[0]!.b;

/** A fresh game scheduled at T0 with one market per venue on the home team. */
async function newGame(sport: 'nba' | 'nfl' = 'nfl'): Promise<SampleGame> {
  games += 1;
  const game = await seedSampleGame(db.pool, { gameId: randomUUID(), suffix: `R${games}` });
  await db.pool.query(`UPDATE games SET sport = $2, starts_at = to_timestamp($3 / 1000.0) WHERE id = $1`, [
    game.gameId,
    sport,
    T0,
  ]);
  return game;
}

async function state(
  game: SampleGame,
  atMs: number,
  status: GameStatus,
  score: { home: number; away: number } = { home: 0, away: 0 },
  winnerTeamId: string | null = null,
) {
  await recordGameState(db.pool, {
    gameId: game.gameId,
    observedAtMs: atMs,
    status,
    period: 4,
    clockRemainingSeconds: 0,
    homeScore: score.home,
    awayScore: score.away,
    winnerTeamId,
  });
}

async function open(marketId: string, side: 'yes' | 'no', quantity: number, costMicros: number, mode = 'paper') {
  const { rows } = await db.pool.query<{ id: string }>(
    `INSERT INTO positions (market_id, side, mode, quantity_hundredths, cost_micros, fees_micros)
     VALUES ($1, $2, $3, $4, $5, 0) RETURNING id`,
    [marketId, side, mode, quantity, costMicros],
  );
  return rows[0]!.id;
}

interface PositionRow {
  status: string;
  awaiting: boolean;
  pnl: number | null;
}

async function position(id: string): Promise<PositionRow> {
  const { rows } = await db.pool.query<PositionRow>(
    `SELECT status, awaiting_venue_since IS NOT NULL AS awaiting, realized_pnl_micros AS pnl FROM positions WHERE id = $1`,
    [id],
  );
  return rows[0]!;
}

/** The total open exposure the evaluator's snapshot counts against its limits. */
async function evaluatorExposure(): Promise<number> {
  const { snapshot } = await createPgSignalStore(db.pool, 'paper').decideBatch(
    [],
    { receivedAtMs: Date.now(), cooldownSinceMs: 0, dayStartMs: 0 },
    () => ({ decisions: [], decidedAtMs: Date.now() }),
  );
  return snapshot.state.totalExposureMicros;
}

async function enterVenuePayout(marketId: string, yesMicros: number) {
  await db.pool.query(
    `UPDATE markets SET venue_yes_payout_micros = $2, venue_payout_source = 'test', venue_payout_entered_by = 'test',
                        venue_payout_entered_at = now() WHERE id = $1`,
    [marketId, yesMicros],
  );
}

describe('settlement by the market rule', () => {
  it('an NFL tie pays $0.50 a contract to both sides on both venues (RULES.md: Kalshi KXNFLGAME, Polymarket NFL)', async () => {
    const game = await newGame('nfl');
    const ids = [
      await open(game.kalshiMarketId, 'yes', 12_345, 60_000_000),
      await open(game.kalshiMarketId, 'no', 10_000, 40_000_000),
      await open(game.polymarketMarketId, 'yes', 777, 3_000_000),
      await open(game.polymarketMarketId, 'no', 20_001, 110_000_000),
    ];
    await state(game, T0 + 4 * HOUR, 'final', { home: 20, away: 20 });
    const before = await paperBalance();

    const result = await settleFinishedGames(createPgSettlementStore(db.pool), T0 + 5 * HOUR);

    // 123.45, 100, 7.77 and 200.01 contracts at $0.50 each.
    const payouts = [61_725_000, 50_000_000, 3_885_000, 100_005_000];
    expect(result).toMatchObject({ settled: 4, payoutMicros: payouts.reduce((a, b) => a + b, 0), awaitingVenue: 0 });
    expect(await paperBalance()).toBe(before + result.payoutMicros);
    expect((await Promise.all(ids.map(position))).map((p) => [p.status, p.pnl])).toEqual([
      ['settled', 61_725_000 - 60_000_000],
      ['settled', 50_000_000 - 40_000_000],
      ['settled', 3_885_000 - 3_000_000],
      ['settled', 100_005_000 - 110_000_000],
    ]);
    const { rows: markets } = await db.pool.query(
      `SELECT venue, status, settled_outcome, settled_yes_payout_micros FROM markets WHERE game_id = $1 ORDER BY venue`,
      [game.gameId],
    );
    expect(markets).toEqual([
      { venue: 'kalshi', status: 'settled', settled_outcome: null, settled_yes_payout_micros: 500_000 },
      { venue: 'polymarket', status: 'settled', settled_outcome: null, settled_yes_payout_micros: 500_000 },
    ]);
    const { rows: audit } = await db.pool.query(
      `SELECT delta_micros, new_balance_micros FROM bankroll_audit
        WHERE mode = 'paper' AND reason = 'settlement' ORDER BY id DESC LIMIT 1`,
    );
    expect(audit).toEqual([{ delta_micros: result.payoutMicros, new_balance_micros: before + result.payoutMicros }]);
  });

  it('a final state with no winner and unequal scores is not taken for a tie: nothing settles', async () => {
    const game = await newGame();
    const id = await open(game.kalshiMarketId, 'yes', 100, 50_000);
    await state(game, T0 + 4 * HOUR, 'final', { home: 21, away: 17 });
    await settleFinishedGames(createPgSettlementStore(db.pool), T0 + 5 * HOUR);
    expect(await position(id)).toEqual({ status: 'open', awaiting: false, pnl: null });
  });

  it('a Polymarket cancellation pays 50-50; a Kalshi one waits for the venue, still open, then pays its value exactly', async () => {
    const game = await newGame();
    const polyYes = await open(game.polymarketMarketId, 'yes', 4_000, 2_400_000);
    const kalshiYes = await open(game.kalshiMarketId, 'yes', 333, 150_000);
    const kalshiNo = await open(game.kalshiMarketId, 'no', 333, 180_000);
    await state(game, T0 - HOUR, 'cancelled');
    const before = await paperBalance();

    const first = await settleFinishedGames(createPgSettlementStore(db.pool), T0);
    expect(first).toMatchObject({ settled: 1, payoutMicros: 20_000_000, awaitingVenue: 2 });
    expect(await position(polyYes)).toMatchObject({ status: 'settled', pnl: 20_000_000 - 2_400_000 });
    // Kalshi sets a "fair price": the positions stay open, so the evaluator still counts their exposure.
    expect(await position(kalshiYes)).toEqual({ status: 'open', awaiting: true, pnl: null });
    expect(await position(kalshiNo)).toEqual({ status: 'open', awaiting: true, pnl: null });
    expect((await settleFinishedGames(createPgSettlementStore(db.pool), T0 + HOUR)).settled).toBe(0);
    expect(await paperBalance()).toBe(before + 20_000_000);
    const awaitingExposure = await evaluatorExposure();

    await enterVenuePayout(game.kalshiMarketId, 437_210);
    const second = await settleFinishedGames(createPgSettlementStore(db.pool), T0 + 2 * HOUR);
    // 3.33 contracts x $0.43721 = $1.4559093 and x $0.56279 = $1.8740907, each rounded down to the micro.
    expect(second).toMatchObject({ settled: 2, payoutMicros: 1_455_909 + 1_874_090, awaitingVenue: 0 });
    expect(await position(kalshiYes)).toEqual({ status: 'settled', awaiting: true, pnl: 1_455_909 - 150_000 });
    expect(await position(kalshiNo)).toEqual({ status: 'settled', awaiting: true, pnl: 1_874_090 - 180_000 });
    expect(await paperBalance()).toBe(before + 20_000_000 + 1_455_909 + 1_874_090);
    expect(await evaluatorExposure()).toBeLessThan(awaitingExposure);
  });

  it('a game postponed and played within 48 h settles on its result on both venues', async () => {
    const game = await newGame();
    const kalshi = await open(game.kalshiMarketId, 'yes', 1_000, 500_000);
    const poly = await open(game.polymarketMarketId, 'no', 1_000, 500_000);
    await state(game, T0 - 2 * HOUR, 'postponed');
    // Rescheduled: the window runs from the original start, which the game keeps.
    await db.pool.query(`UPDATE games SET starts_at = to_timestamp($2 / 1000.0) WHERE id = $1`, [
      game.gameId,
      T0 + 30 * HOUR,
    ]);
    expect((await settleFinishedGames(createPgSettlementStore(db.pool), T0 + 10 * HOUR)).settled).toBe(0);
    await state(game, T0 + 30 * HOUR, 'in_progress');
    await state(game, T0 + 33 * HOUR, 'final', { home: 24, away: 10 }, game.homeTeamId);

    const result = await settleFinishedGames(createPgSettlementStore(db.pool), T0 + 60 * HOUR);
    expect(result).toMatchObject({ settled: 2, payoutMicros: 10_000_000, awaitingVenue: 0 });
    expect(await position(kalshi)).toMatchObject({ status: 'settled', pnl: 9_500_000 });
    expect(await position(poly)).toMatchObject({ status: 'settled', pnl: -500_000 });
  });

  it('past the window Kalshi turns to its cancellation rule while Polymarket waits for the game and its result', async () => {
    const game = await newGame();
    const kalshi = await open(game.kalshiMarketId, 'yes', 1_000, 500_000);
    const poly = await open(game.polymarketMarketId, 'yes', 1_000, 500_000);
    await state(game, T0 - 2 * HOUR, 'postponed');
    await db.pool.query(`UPDATE games SET status = 'scheduled', starts_at = to_timestamp($2 / 1000.0) WHERE id = $1`, [
      game.gameId,
      T0 + 72 * HOUR,
    ]);
    // Not started 47 h after the scheduled start: still inside the window, nothing is decided.
    expect(await settleFinishedGames(createPgSettlementStore(db.pool), T0 + 47 * HOUR)).toMatchObject({
      settled: 0,
      awaitingVenue: 0,
    });
    // 49 h: Kalshi pays a fair price it sets; Polymarket keeps the market open until the game is played.
    expect(await settleFinishedGames(createPgSettlementStore(db.pool), T0 + 49 * HOUR)).toMatchObject({
      settled: 0,
      awaitingVenue: 1,
    });
    expect(await position(kalshi)).toEqual({ status: 'open', awaiting: true, pnl: null });
    expect(await position(poly)).toEqual({ status: 'open', awaiting: false, pnl: null });

    await state(game, T0 + 72 * HOUR, 'in_progress');
    await state(game, T0 + 75 * HOUR, 'final', { home: 7, away: 3 }, game.homeTeamId);
    const played = await settleFinishedGames(createPgSettlementStore(db.pool), T0 + 76 * HOUR);
    // Played 72 h late: Kalshi still waits for its fair price, Polymarket pays the result.
    expect(played).toMatchObject({ settled: 1, payoutMicros: 10_000_000, awaitingVenue: 1 });
    expect(await position(poly)).toMatchObject({ status: 'settled', pnl: 9_500_000 });
    expect(await position(kalshi)).toMatchObject({ status: 'open', awaiting: true });
  });

  it('settles exactly once under concurrent runs: the bankroll is the start plus each payout, to the micro', async () => {
    const game = await newGame();
    const quantities = Array.from({ length: 40 }, (_, i) => 101 + i * 37);
    // One open position per (mode, market, side): spread them over fresh markets of the game.
    for (const [i, q] of quantities.entries()) {
      const { rows } = await db.pool.query<{ id: string }>(
        `INSERT INTO markets (venue, venue_market_id, game_id, outcome_team_id, yes_meaning, resolution_rule,
                              resolution_key, tie_yes_payout_micros, cancel_yes_payout_micros, postpone_window_hours)
         VALUES ('polymarket', $1, $2, $3, 'home wins', 'r', 'moneyline:incl_ot', 500000, 500000, NULL) RETURNING id`,
        [`concurrent-${i}`, game.gameId, game.homeTeamId],
      );
      await open(rows[0]!.id, i % 2 === 0 ? 'yes' : 'no', q, 1_000);
    }
    await state(game, T0 + 4 * HOUR, 'final', { home: 30, away: 27 }, game.homeTeamId);
    const before = await paperBalance();

    // Small pages, so the runs interleave page by page.
    const runs = await Promise.all([
      settleFinishedGames(createPgSettlementStore(db.pool), T0 + 5 * HOUR, 7),
      settleFinishedGames(createPgSettlementStore(db.pool), T0 + 5 * HOUR, 7),
      settleFinishedGames(createPgSettlementStore(db.pool), T0 + 5 * HOUR, 3),
    ]);
    const expected = quantities.reduce((sum, q, i) => sum + (i % 2 === 0 ? q * 10_000 : 0), 0);
    expect(runs.reduce((s, r) => s + r.settled, 0)).toBe(40);
    expect(runs.reduce((s, r) => s + r.payoutMicros, 0)).toBe(expected);
    expect(await paperBalance()).toBe(before + expected);
    const { rows: settlementAudit } = await db.pool.query<{ delta: number }>(
      `SELECT coalesce(sum(delta_micros), 0)::bigint AS delta FROM bankroll_audit
        WHERE mode = 'paper' AND reason = 'settlement' AND ref = ANY(
          SELECT p.id::text FROM positions p JOIN markets m ON m.id = p.market_id WHERE m.game_id = $1)`,
      [game.gameId],
    );
    expect(settlementAudit[0]!.delta).toBe(expected);
    expect((await settleFinishedGames(createPgSettlementStore(db.pool), T0 + 6 * HOUR)).settled).toBe(0);
  });

  it('waits for the bankroll row lock the evaluator and the kill switch hold, and pays the live bankroll for live positions', async () => {
    const game = await newGame();
    const id = await open(game.kalshiMarketId, 'yes', 2_500, 1_000_000, 'live');
    await state(game, T0 + 4 * HOUR, 'final', { home: 14, away: 13 }, game.homeTeamId);
    const liveBefore = (await db.pool.query(`SELECT balance_micros AS b FROM bankroll WHERE mode = 'live'`)).rows[0].b;

    const holder = await db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM bankroll WHERE account = 'default' AND mode = 'live' FOR UPDATE`);
      const run = settleFinishedGames(createPgSettlementStore(db.pool), T0 + 5 * HOUR);
      await eventually(
        async () =>
          (
            await db.pool.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%FOR UPDATE%'`,
            )
          ).rows[0]!.n,
        (n) => n > 0,
        10_000,
        'settlement to wait on the bankroll lock',
      );
      expect(await position(id)).toMatchObject({ status: 'open' });
      await holder.query('COMMIT');
      expect(await run).toMatchObject({ settled: 1, payoutMicros: 25_000_000 });
    } finally {
      holder.release();
    }
    const { rows } = await db.pool.query(`SELECT balance_micros AS b FROM bankroll WHERE mode = 'live'`);
    expect(rows[0].b).toBe(liveBefore + 25_000_000);
  });

  it('counts positions still open hours after their game ended, awaiting the venue included', async () => {
    const game = await newGame();
    await open(game.kalshiMarketId, 'yes', 100, 10_000);
    await state(game, T0 + HOUR, 'cancelled');
    const others = await countOverduePositions(db.pool, T0 + HOUR);
    await settleFinishedGames(createPgSettlementStore(db.pool), T0 + 2 * HOUR);
    expect(await countOverduePositions(db.pool, T0 + HOUR)).toBe(others);
    expect(await countOverduePositions(db.pool, T0 + HOUR + 1)).toBe(others + 1);
  });
});
