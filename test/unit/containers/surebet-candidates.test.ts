import { describe, expect, it } from 'vitest';
import { candidateMessageSchema, type FeeSchedule, surebetCandidateSchema } from '#contracts/signal-candidate';
import { orderFeeMicros } from '#domain/fees';
import {
  effectivePriceMicros,
  type PredictionMarketAsk,
  surebetCandidate,
} from '../../../containers/browser-worker/surebets.ts';
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
