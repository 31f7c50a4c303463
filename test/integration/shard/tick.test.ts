import { PurgeQueueCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeSqsClient } from '#adapters/aws/clients';
import { signalCandidateSchema } from '#contracts/signal-candidate';
import { OrderBook } from '#domain';
import { venueSettlementRules } from '#domain/settlement/index';
import { type GameSpec, registerGame } from '../../../containers/game-shard/register-game.ts';
import { createShardTick, type ShardTickInput, sqsCandidatePublisher } from '../../../containers/game-shard/tick.ts';
import { createQueues, type LocalQueue, startSqsEmulator } from '../../../local/emulators/sqs.ts';
import { createInMemoryPriceCache } from '../../../shared/adapters/price-cache/in-memory.ts';
import type { ShardGame, SideBook } from '../../../shared/domain/shard/tick.ts';
import type { PriceCache } from '../../../shared/ports/price-cache.ts';
import { createTestDatabase, type TestDatabase } from '../../support/pg.ts';
import { receiveBodies } from '../../support/sqs.ts';

const spec: GameSpec = {
  sport: 'nba',
  espnEventId: '401810233',
  startsAtMs: Date.UTC(2026, 10, 15, 2, 0, 0),
  home: { abbreviation: 'DEN', name: 'Denver Nuggets', espnTeamId: '7' },
  away: { abbreviation: 'BOS', name: 'Boston Celtics', espnTeamId: '2' },
  pregameHomeWinProbability: 0.62,
  markets: [
    {
      venue: 'kalshi',
      venueMarketId: 'KXNBAGAME-26NOV14BOSDEN-DEN',
      yesTeam: 'DEN',
      title: 'Boston at Denver Winner?',
      resolutionRule: 'If Denver wins the Boston at Denver game, then the market resolves to Yes.',
      resolutionKey: 'moneyline:incl_ot',
      tickSizeMicros: 10_000,
      fee: { venue: 'kalshi', liquidity: 'taker', multiplier: 1 },
      settlement: venueSettlementRules.kalshi,
      minOrderQuantity: 100,
      buy: ['yes', 'no'],
    },
    {
      venue: 'polymarket',
      venueMarketId: 'token-bos',
      yesTeam: 'BOS',
      title: 'Celtics vs. Nuggets: Celtics',
      resolutionRule: 'If the Celtics win, the market will resolve to "Celtics".',
      resolutionKey: 'moneyline:incl_ot',
      tickSizeMicros: 10_000,
      fee: { venue: 'polymarket', rate: 0.03, exponent: 1 },
      settlement: venueSettlementRules.polymarket,
      minOrderQuantity: 500,
      buy: ['yes'],
    },
  ],
};

const book = (bid: number, ask: number) =>
  OrderBook.fromLevels({
    bids: [{ priceMicros: bid, quantity: 5_000 }],
    asks: [{ priceMicros: ask, quantity: 19_000 }],
  });

/** DEN YES under the model's price, and DEN YES + Polymarket BOS under $1 after fees: two candidates. */
function tickAt(game: ShardGame, atMs: number, state: Partial<ShardTickInput['state']> = {}): ShardTickInput {
  const books: SideBook[] = [
    { venue: 'kalshi', venueMarketId: spec.markets[0]!.venueMarketId, side: 'yes', book: book(600_000, 620_000) },
    { venue: 'kalshi', venueMarketId: spec.markets[0]!.venueMarketId, side: 'no', book: book(360_000, 400_000) },
    { venue: 'polymarket', venueMarketId: 'token-bos', side: 'yes', book: book(310_000, 330_000) },
  ].map((b) => ({ ...(b as Omit<SideBook, 'observedAtMs'>), observedAtMs: atMs }));
  return {
    game,
    state: {
      observedAtMs: atMs,
      status: 'in_progress',
      period: 3,
      clockSeconds: 342,
      secondsRemaining: 1062,
      homeScore: 76,
      awayScore: 71,
      ...state,
    },
    books,
    bookVersion: atMs,
    stateVersion: atMs,
  };
}

describe('game shard tick (Postgres, SQS emulator, in-memory price cache)', () => {
  let db: TestDatabase;
  let shardDb: pg.Pool;
  let sqsEmulator: { endpoint: string; stop(): Promise<void> };
  let sqs: SQSClient;
  let queue: LocalQueue;
  let priceCache: PriceCache;
  let game: ShardGame;

  beforeAll(async () => {
    db = await createTestDatabase();
    // The shard's own role, as in AWS: what it writes must be within its grants.
    shardDb = db.rolePool('gameShard');
    sqsEmulator = await startSqsEmulator();
    sqs = makeSqsClient(sqsEmulator.endpoint);
    queue = (await createQueues(sqs, 'shardtest')).candidates;
    game = await registerGame(shardDb, spec);
  });
  afterAll(async () => {
    sqs?.destroy();
    await sqsEmulator?.stop();
    await db?.drop();
  });
  beforeEach(async () => {
    priceCache = createInMemoryPriceCache();
    await sqs.send(new PurgeQueueCommand({ QueueUrl: queue.url }));
  });

  const shardTick = () =>
    createShardTick({
      db: shardDb,
      priceCache,
      publish: sqsCandidatePublisher(sqs, queue.url),
      minEdgeBps: 200,
      now: () => Date.now(),
    });

  const receive = async (n: number) => (await receiveBodies(sqs, queue.url, n)).map((b) => JSON.parse(b));

  it('registers the game once, each market with the fee parameters of its schedule', async () => {
    expect(await registerGame(shardDb, spec)).toEqual(game);
    const { rows } = await db.pool.query(
      `SELECT m.venue, m.venue_market_id, m.taker_fee_rate_ppm, m.fee_multiplier_ppm, m.fee_exponent, t.abbreviation
         FROM markets m JOIN teams t ON t.id = m.outcome_team_id WHERE m.game_id = $1 ORDER BY m.venue`,
      [game.gameId],
    );
    expect(rows).toEqual([
      {
        venue: 'kalshi',
        venue_market_id: 'KXNBAGAME-26NOV14BOSDEN-DEN',
        taker_fee_rate_ppm: 70_000,
        fee_multiplier_ppm: 1_000_000,
        fee_exponent: 1,
        abbreviation: 'DEN',
      },
      {
        venue: 'polymarket',
        venue_market_id: 'token-bos',
        taker_fee_rate_ppm: 30_000,
        fee_multiplier_ppm: 1_000_000,
        fee_exponent: 1,
        abbreviation: 'BOS',
      },
    ]);
    expect(game.sides.map((s) => `${s.venue}:${s.side}:${s.paysOnTeam}`)).toEqual([
      'kalshi:yes:DEN',
      'kalshi:no:BOS',
      'polymarket:yes:BOS',
    ]);
  });

  it('stores the state and book tops, caches the prices and publishes the candidates; run again, adds nothing', async () => {
    const atMs = Date.now() - 1_000;
    const input = tickAt(game, atMs);
    const plan = await shardTick()(input);
    expect(plan.candidates.map((c) => c.kind)).toEqual(['model_edge', 'arbitrage']);

    const published = await receive(plan.candidates.length);
    expect(published.map((b) => signalCandidateSchema.parse(b))).toEqual(plan.candidates);

    const cached = await priceCache.get(game.sides.map((s) => ({ marketId: s.marketId, side: s.side })));
    expect(cached).toEqual(plan.prices);
    expect(cached.map((p) => p?.askMicros)).toEqual([620_000, 400_000, 330_000]);

    const stored = await db.pool.query(
      `SELECT market_id, side, bid_micros::int AS bid, ask_micros::int AS ask FROM market_prices
        WHERE observed_at = to_timestamp($1 / 1000.0) ORDER BY ask_micros DESC`,
      [atMs],
    );
    expect(stored.rows).toEqual(
      plan.prices.map((p) => ({ market_id: p.marketId, side: p.side, bid: p.bidMicros, ask: p.askMicros })),
    );
    const states = await db.pool.query(
      `SELECT status, period, home_score, away_score, winner_team_id FROM game_states WHERE game_id = $1`,
      [game.gameId],
    );
    expect(states.rows).toEqual([
      { status: 'in_progress', period: 3, home_score: 76, away_score: 71, winner_team_id: null },
    ]);

    // A tick run again (after a crash between two of its writes) stores nothing twice; its candidates keep their ids.
    const again = await shardTick()(input);
    expect(again.candidates.map((c) => c.id)).toEqual(plan.candidates.map((c) => c.id));
    const counts = await db.pool.query(
      `SELECT (SELECT count(*) FROM market_prices WHERE observed_at = to_timestamp($1 / 1000.0))::int AS prices,
              (SELECT count(*) FROM game_states WHERE game_id = $2)::int AS states`,
      [atMs, game.gameId],
    );
    expect(counts.rows[0]).toEqual({ prices: 3, states: 1 });
  });

  it('records the final score and its winner on the game, and publishes nothing once the game is over', async () => {
    const atMs = Date.now();
    const plan = await shardTick()(
      tickAt(game, atMs, { status: 'final', period: 4, clockSeconds: 0, secondsRemaining: 0, homeScore: 112 }),
    );
    expect(plan.candidates).toEqual([]);
    expect(await receive(0)).toEqual([]);
    const { rows } = await db.pool.query(`SELECT status, winner_team_id FROM games WHERE id = $1`, [game.gameId]);
    expect(rows[0]).toEqual({ status: 'final', winner_team_id: game.home.teamId });
    // The book tops are stored and cached all the same: settlement and the API still read the last prices.
    expect((await priceCache.get([{ marketId: game.sides[0]!.marketId, side: 'yes' }]))[0]?.observedAtMs).toBe(atMs);
  });
});
