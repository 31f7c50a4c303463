import { describe, expect, it } from 'vitest';
import { signalCandidateSchema } from '#contracts/signal-candidate';
import { feeParameters, OrderBook, winProbability } from '#domain';
import {
  type ObservedGameState,
  planTick,
  type ShardGame,
  type SideBook,
  sidesOf,
  type TickInput,
} from '../../../shared/domain/shard/tick.ts';

const NOW = Date.UTC(2026, 10, 14, 3, 0, 0);
const KALSHI_FEE = { venue: 'kalshi', liquidity: 'taker', multiplier: 1 } as const;
const POLY_FEE = { venue: 'polymarket', rate: 0.03, exponent: 1 } as const;
const teams = { home: 'DEN', away: 'BOS' };
const kalshi = {
  venue: 'kalshi' as const,
  venueMarketId: 'KXNBAGAME-26NOV14BOSDEN-DEN',
  yesTeam: 'DEN',
  fee: KALSHI_FEE,
  minOrderQuantity: 100,
  resolutionKey: 'moneyline:incl_ot',
  buy: ['yes', 'no'] as const,
};
const polyBos = {
  venue: 'polymarket' as const,
  venueMarketId: 'token-bos',
  yesTeam: 'BOS',
  fee: POLY_FEE,
  minOrderQuantity: 500,
  resolutionKey: 'moneyline:incl_ot',
  buy: ['yes'] as const,
};

const game: ShardGame = {
  gameId: '7d3f0c9e-2b1a-4c5d-8e6f-0a1b2c3d4e5f',
  sport: 'nba',
  home: { teamId: 'team-den', abbreviation: 'DEN' },
  away: { teamId: 'team-bos', abbreviation: 'BOS' },
  pregameHomeWinProbability: 0.62,
  sides: [
    ...sidesOf(kalshi, teams).map((s) => ({ ...s, marketId: 'market-kalshi' })),
    ...sidesOf(polyBos, teams).map((s) => ({ ...s, marketId: 'market-poly-bos' })),
  ],
};

const live: ObservedGameState = {
  observedAtMs: NOW - 2_000,
  status: 'in_progress',
  period: 3,
  clockSeconds: 342.6,
  secondsRemaining: 1062,
  homeScore: 76,
  awayScore: 71,
};

const book = (bid: [number, number] | null, asks: [number, number][]) =>
  OrderBook.fromLevels({
    bids: bid ? [{ priceMicros: bid[0], quantity: bid[1] }] : [],
    asks: asks.map(([priceMicros, quantity]) => ({ priceMicros, quantity })),
  });

/** DEN YES is cheap against the model; DEN NO and Polymarket BOS are not, but together they are an arbitrage. */
const books: SideBook[] = [
  {
    venue: 'kalshi',
    venueMarketId: kalshi.venueMarketId,
    side: 'yes',
    book: book([600_000, 5_000], [[620_000, 19_000]]),
    observedAtMs: NOW - 1_000,
  },
  {
    venue: 'kalshi',
    venueMarketId: kalshi.venueMarketId,
    side: 'no',
    book: book([360_000, 19_000], [[400_000, 5_000]]),
    observedAtMs: NOW - 1_000,
  },
  {
    venue: 'polymarket',
    venueMarketId: 'token-bos',
    side: 'yes',
    book: book(null, [
      [330_000, 19_000],
      [340_000, 10_000],
    ]),
    observedAtMs: NOW - 4_000,
  },
];

const input = (overrides: Partial<TickInput> = {}): TickInput => ({
  game,
  state: live,
  books,
  bookVersion: 7,
  stateVersion: 9,
  minEdgeBps: 200,
  nowMs: NOW,
  ...overrides,
});

describe('planTick (the game shard tick, pure)', () => {
  it('plans the state row, one top-of-book row per side with a book, and the candidates of a live game', () => {
    const plan = planTick(input());
    expect(plan.gameState).toEqual({
      gameId: game.gameId,
      observedAtMs: live.observedAtMs,
      status: 'in_progress',
      period: 3,
      clockRemainingSeconds: 343,
      homeScore: 76,
      awayScore: 71,
      winnerTeamId: null,
    });
    expect(plan.prices).toEqual([
      {
        observedAtMs: NOW - 1_000,
        marketId: 'market-kalshi',
        venue: 'kalshi',
        side: 'yes',
        bidMicros: 600_000,
        askMicros: 620_000,
        bidSizeHundredths: 5_000,
        askSizeHundredths: 19_000,
      },
      {
        observedAtMs: NOW - 1_000,
        marketId: 'market-kalshi',
        venue: 'kalshi',
        side: 'no',
        bidMicros: 360_000,
        askMicros: 400_000,
        bidSizeHundredths: 19_000,
        askSizeHundredths: 5_000,
      },
      {
        observedAtMs: NOW - 4_000,
        marketId: 'market-poly-bos',
        venue: 'polymarket',
        side: 'yes',
        bidMicros: null,
        askMicros: 330_000,
        bidSizeHundredths: null,
        askSizeHundredths: 19_000,
      },
    ]);
    const p = winProbability('nba', {
      homeScore: 76,
      awayScore: 71,
      secondsRemaining: 1062,
      pregameHomeWinProbability: 0.62,
    });
    expect(plan.homeWinProbability).toBeCloseTo(p, 12);
    expect(plan.candidates.map((c) => `${c.kind}:${c.leg.venue}:${c.leg.side}`)).toEqual([
      'model_edge:kalshi:yes',
      'arbitrage:kalshi:yes',
    ]);
    for (const c of plan.candidates) {
      // What the evaluator will parse, with our row ids kept out of the legs.
      expect(signalCandidateSchema.parse(c)).toEqual(c);
      expect(c.leg).not.toHaveProperty('marketId');
      expect(c).toMatchObject({ gameId: game.gameId, bookVersion: 7, stateVersion: 9, createdAtMs: NOW });
    }
    const arb = plan.candidates.find((c) => c.kind === 'arbitrage');
    expect(arb?.kind === 'arbitrage' && arb.hedge).toMatchObject({ venue: 'polymarket', venueMarketId: 'token-bos' });
    // An arbitrage is as old as its stalest leg's book.
    expect(arb?.priceObservedAtMs).toBe(NOW - 4_000);
  });

  it('neither stores nor scans a side whose venue stopped quoting', () => {
    const plan = planTick(input({ books: books.filter((b) => b.venue !== 'polymarket') }));
    expect(plan.prices.map((p) => p.marketId)).toEqual(['market-kalshi', 'market-kalshi']);
    expect(plan.candidates.map((c) => c.kind)).toEqual(['model_edge']);
  });

  it('holds the later of two books of one side, whichever order they come in', () => {
    const older = { ...books[0]!, book: book([590_000, 100], [[900_000, 100]]), observedAtMs: NOW - 60_000 };
    for (const given of [
      [older, ...books],
      [...books, older],
    ]) {
      const plan = planTick(input({ books: given }));
      expect(plan.prices[0]).toMatchObject({ side: 'yes', askMicros: 620_000, observedAtMs: NOW - 1_000 });
      expect(plan.candidates.map((c) => c.leg.askMicros)).toEqual([620_000, 620_000]);
    }
  });

  it('plans no candidate without books, and none outside a live game', () => {
    expect(planTick(input({ books: [] }))).toMatchObject({ prices: [], candidates: [] });
    const scheduled = planTick(input({ state: { ...live, status: 'scheduled' } }));
    expect(scheduled).toMatchObject({ homeWinProbability: null, candidates: [] });
    expect(scheduled.prices).toHaveLength(3);
  });

  it('records the winner the final score makes, and none on a level final score', () => {
    const final = { ...live, status: 'final' as const, period: 4, clockSeconds: 0, secondsRemaining: 0 };
    const homeWins = planTick(input({ state: { ...final, homeScore: 112, awayScore: 104 } }));
    expect(homeWins.gameState.winnerTeamId).toBe('team-den');
    expect(homeWins).toMatchObject({ homeWinProbability: null, candidates: [] });
    expect(planTick(input({ state: { ...final, homeScore: 99, awayScore: 104 } })).gameState.winnerTeamId).toBe(
      'team-bos',
    );
    expect(planTick(input({ state: { ...final, homeScore: 20, awayScore: 20 } })).gameState.winnerTeamId).toBeNull();
    // While the game goes on, a lead is no winner.
    expect(planTick(input({ state: { ...live, homeScore: 112, awayScore: 104 } })).gameState.winnerTeamId).toBeNull();
  });
});

describe('sidesOf', () => {
  it('buys YES on its team and NO on the other, with the market fee, minimum and rule on each side', () => {
    expect(sidesOf(kalshi, teams)).toEqual([
      {
        venue: 'kalshi',
        venueMarketId: kalshi.venueMarketId,
        side: 'yes',
        paysOnTeam: 'DEN',
        fee: KALSHI_FEE,
        minOrderQuantity: 100,
        resolutionKey: 'moneyline:incl_ot',
      },
      {
        venue: 'kalshi',
        venueMarketId: kalshi.venueMarketId,
        side: 'no',
        paysOnTeam: 'BOS',
        fee: KALSHI_FEE,
        minOrderQuantity: 100,
        resolutionKey: 'moneyline:incl_ot',
      },
    ]);
  });

  it('refuses a market on a team that does not play in the game', () => {
    expect(() => sidesOf({ ...kalshi, yesTeam: 'LAL' }, teams)).toThrow(/LAL does not play/);
  });
});

describe('feeParameters', () => {
  it("stores Kalshi's published taker rate with the series multiplier, and Polymarket's schedule, in ppm", () => {
    expect(feeParameters(KALSHI_FEE)).toEqual({ takerFeeRatePpm: 70_000, feeMultiplierPpm: 1_000_000, feeExponent: 1 });
    expect(feeParameters({ venue: 'kalshi', multiplier: 0.5 })).toMatchObject({ feeMultiplierPpm: 500_000 });
    expect(feeParameters(POLY_FEE)).toEqual({ takerFeeRatePpm: 30_000, feeMultiplierPpm: 1_000_000, feeExponent: 1 });
    expect(feeParameters({ venue: 'polymarket', rate: 0.05, exponent: 2 })).toEqual({
      takerFeeRatePpm: 50_000,
      feeMultiplierPpm: 1_000_000,
      feeExponent: 2,
    });
  });
});
