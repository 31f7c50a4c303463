import { describe, expect, it } from 'vitest';
import { candidateMessageSchema, type FeeSchedule, surebetCandidateSchema } from '#contracts/signal-candidate';
import { feeParameters, feeScheduleOf, orderFeeMicros } from '#domain/fees';
import {
  effectivePriceMicros,
  type PredictionMarketAsk,
  surebetCandidate,
} from '../../../containers/browser-worker/surebets.ts';
import { isFullGameWinnerKey } from '../../../shared/domain/matching/match.ts';
import { gameOfSportsbookEvent, sportsbookEventOf } from '../../../shared/domain/matching/sportsbook-events.ts';
import type { SportsbookPrice } from '../../../shared/ports/browser-worker.ts';

const EVENT = 'nba|2026-11-15T02:00:00.000Z|BOS@DEN';
const GAME = '6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f';
const KALSHI: FeeSchedule = { venue: 'kalshi', liquidity: 'taker', multiplier: 1 };

const book = (sportsbook: string, selection: string, americanOdds: number): SportsbookPrice => ({
  sportsbook,
  eventKey: EVENT,
  selection,
  americanOdds,
  askMicros: 0,
  observedAtMs: 1_000,
});
const ask = (selection: string, askMicros: number, resolutionKey = 'moneyline:incl_ot'): PredictionMarketAsk => ({
  venue: 'kalshi',
  venueMarketId: 'KXNBAGAME-26NOV14BOSDEN-DEN',
  selection,
  resolutionKey,
  askMicros,
  fee: KALSHI,
  observedAtMs: 1_500,
});
const base = { eventKey: EVENT, market: 'moneyline', stakeMicros: 100_000_000, nowMs: 2_000 };

describe('surebet candidates', () => {
  it('sizes a worked two-book surebet for equal payouts (+110 / +105)', () => {
    // 1/2.1 + 1/2.05 = 0.96399: margin 3.6%; $100 splits 49.40 / 50.60 and pays $103.73 at worst (50.602409 x 2.05, rounded down).
    const candidate = surebetCandidate({
      ...base,
      gameId: null,
      books: [book('demo', 'moneyline.home', 110), book('demo2', 'moneyline.away', 105)],
      asks: [],
    });
    expect(candidate).toBeDefined();
    expect(candidate!.legs.map((l) => [l.venue, l.stakeMicros])).toEqual([
      ['sportsbook:demo2', 50_602_409],
      ['sportsbook:demo', 49_397_590],
    ]);
    expect(candidate!.payoutMicros).toBe(103_734_938);
    expect(candidate!.profitMicros).toBe(candidate!.payoutMicros - candidate!.totalStakeMicros);
    expect(candidate!.marginBps).toBe(360);
    expect(surebetCandidateSchema.parse(candidate)).toEqual(candidate);
    expect(candidateMessageSchema.parse(candidate).kind).toBe('surebet');
  });

  it('gives the same surebet at the same prices the same id, and a moved price a new one', () => {
    const books = [book('demo', 'moneyline.home', 110), book('demo2', 'moneyline.away', 105)];
    const a = surebetCandidate({ ...base, gameId: null, books, asks: [] });
    const b = surebetCandidate({ ...base, nowMs: 9_000, gameId: null, books: [...books].reverse(), asks: [] });
    const moved = surebetCandidate({
      ...base,
      gameId: null,
      books: [book('demo', 'moneyline.home', 112), books[1]!],
      asks: [],
    });
    expect(b!.id).toBe(a!.id);
    expect(moved!.id).not.toBe(a!.id);
  });

  it('no surebet when the book sums to more than one', () => {
    expect(
      surebetCandidate({
        ...base,
        gameId: null,
        books: [book('demo', 'moneyline.home', -110), book('demo2', 'moneyline.away', -110)],
        asks: [],
      }),
    ).toBeUndefined();
  });

  it('prices a PM YES at its ask plus the taker fee', () => {
    // Kalshi at 45c: 0.07 x 0.45 x 0.55 = 1.7325c, rounded up to the cent on 100 contracts -> 1.74c a contract.
    expect(effectivePriceMicros(KALSHI, 450_000)).toBe(450_000 + 17_400);
    expect(orderFeeMicros(KALSHI, [{ priceMicros: 450_000, quantity: 10_000 }])).toBe(1_740_000);
  });

  it('pairs a sportsbook leg with a PM full-game-winner ask, fee included', () => {
    // DEN YES at 45c (46.74c with fee, decimal 2.1395) against BOS at +105 on a book.
    const candidate = surebetCandidate({
      ...base,
      gameId: GAME,
      books: [book('demo', 'moneyline.home', -150), book('demo', 'moneyline.away', 105)],
      asks: [ask('moneyline.home', 450_000)],
    });
    expect(candidate).toBeDefined();
    const pm = candidate!.legs.find((l) => l.kind === 'prediction_market');
    expect(pm).toMatchObject({ venue: 'kalshi', askMicros: 450_000, effectivePriceMicros: 467_400 });
    if (pm?.kind !== 'prediction_market') throw new Error('no PM leg');
    expect(pm.quantity % 100).toBe(0);
    expect(pm.stakeMicros).toBe(
      (pm.quantity / 100) * 450_000 + orderFeeMicros(KALSHI, [{ priceMicros: 450_000, quantity: pm.quantity }]),
    );
    expect(candidate!.payoutMicros).toBeLessThanOrEqual(pm.quantity * 10_000);
    expect(candidate!.gameId).toBe(GAME);
    expect(surebetCandidateSchema.parse(candidate).legs).toHaveLength(2);
  });

  it('never pairs a first-half market, and no PM leg without a matched game', () => {
    const books = [book('demo', 'moneyline.home', -150), book('demo', 'moneyline.away', 105)];
    const firstHalf = ask('moneyline.home', 450_000, 'first_half:moneyline');
    expect(surebetCandidate({ ...base, gameId: GAME, books, asks: [firstHalf] })).toBeUndefined();
    expect(surebetCandidate({ ...base, gameId: null, books, asks: [ask('moneyline.home', 450_000)] })).toBeUndefined();
  });

  it('the contract refuses a profit that is not payout less stake and a PM leg without a game', () => {
    const candidate = surebetCandidate({
      ...base,
      gameId: GAME,
      books: [book('demo', 'moneyline.away', 105)],
      asks: [ask('moneyline.home', 450_000)],
    })!;
    expect(surebetCandidateSchema.safeParse({ ...candidate, profitMicros: candidate.profitMicros + 1 }).success).toBe(
      false,
    );
    expect(surebetCandidateSchema.safeParse({ ...candidate, gameId: null }).success).toBe(false);
  });
});

describe('pairing a sportsbook event with our game and its prediction markets', () => {
  it("pairs the matching's own full-game winner key, never a tie-paying-half or regulation one", () => {
    expect(isFullGameWinnerKey('nba|2026-11-14|BOS@DEN|winner_incl_ot|no_tie')).toBe(true);
    expect(isFullGameWinnerKey('moneyline:incl_ot')).toBe(true);
    expect(isFullGameWinnerKey('nfl|2026-11-15|KC@DEN|winner_incl_ot|tie_half')).toBe(false);
    expect(isFullGameWinnerKey('moneyline:regulation')).toBe(false);
    const candidate = surebetCandidate({
      ...base,
      gameId: GAME,
      books: [book('demo', 'moneyline.home', -150), book('demo', 'moneyline.away', 105)],
      asks: [ask('moneyline.home', 450_000, 'nba|2026-11-14|BOS@DEN|winner_incl_ot|no_tie')],
    });
    expect(candidate?.legs.some((leg) => leg.kind === 'prediction_market')).toBe(true);
  });

  it('leaves prediction markets against each other to the game shard', () => {
    const polymarket: PredictionMarketAsk = {
      ...ask('moneyline.away', 400_000),
      venue: 'polymarket',
      venueMarketId: '0xtoken',
      fee: { venue: 'polymarket', rate: 0, exponent: 1 },
    };
    expect(
      surebetCandidate({ ...base, gameId: GAME, books: [], asks: [ask('moneyline.home', 450_000), polymarket] }),
    ).toBeUndefined();
  });

  it("reads the books' event key as teams by the alias table and picks the one game on its Eastern date", () => {
    const event = sportsbookEventOf(EVENT);
    // 02:00 UTC on the 15th is 21:00 on the 14th in New York.
    expect(event).toEqual({
      league: 'nba',
      startsAtMs: Date.parse('2026-11-15T02:00:00.000Z'),
      home: 'DEN',
      away: 'BOS',
    });
    expect(sportsbookEventOf('nba|2026-11-15T03:30:00.000Z|LAL@GSW')).toMatchObject({ home: 'GS', away: 'LAL' });
    expect(sportsbookEventOf('nba|2026-11-15T02:00:00.000Z|XXX@DEN')).toBeUndefined();
    expect(sportsbookEventOf('cricket|2026-11-15T02:00:00.000Z|BOS@DEN')).toBeUndefined();
    const sameEvening = { id: 'a', startsAtMs: Date.parse('2026-11-15T01:00:00.000Z') };
    const nextDay = { id: 'b', startsAtMs: Date.parse('2026-11-16T01:00:00.000Z') };
    expect(gameOfSportsbookEvent(event!, [sameEvening, nextDay])).toBe(sameEvening);
    expect(gameOfSportsbookEvent(event!, [nextDay])).toBeUndefined();
    expect(gameOfSportsbookEvent(event!, [sameEvening, { id: 'c', startsAtMs: sameEvening.startsAtMs + 1 }])).toBe(
      undefined,
    );
  });

  it('reads a stored market fee back as the schedule it was stored from', () => {
    for (const schedule of [
      { venue: 'kalshi', liquidity: 'taker', multiplier: 0.5 },
      { venue: 'polymarket', rate: 0.03, exponent: 2 },
    ] as const) {
      expect(feeScheduleOf(schedule.venue, feeParameters(schedule))).toEqual(schedule);
    }
  });
});
