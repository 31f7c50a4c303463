import {
  type ArbitrageCandidate,
  candidateId,
  type Leg,
  type SignalCandidate,
  type SurebetCandidate,
  type SurebetLeg,
  surebetCandidateId,
} from '#contracts/signal-candidate';
import { americanToDecimal } from '#domain/odds';

/**
 * Builds well-formed candidates for local runs, tests and the benchmark, as the game shard would publish them.
 * The id is always derived from game, legs and versions, like the producer's.
 */
export interface SampleCandidateInput {
  gameId?: string;
  nowMs: number;
  modelProbability?: number;
  edgeBps?: number;
  bookVersion?: number;
  stateVersion?: number;
  priceObservedAtMs?: number;
  leg?: Partial<Leg>;
  hedge?: Partial<Leg>;
}

export const SAMPLE_GAME_ID = '7d3f0c9e-2b1a-4c5d-8e6f-0a1b2c3d4e5f';

export function kalshiLeg(overrides: Partial<Leg> = {}): Leg {
  return {
    venue: 'kalshi',
    venueMarketId: 'KXNBAGAME-26NOV23BOSGSW-BOS',
    side: 'yes',
    askMicros: 500_000,
    depth: [
      { priceMicros: 500_000, quantity: 10_000 },
      { priceMicros: 520_000, quantity: 10_000 },
      { priceMicros: 600_000, quantity: 10_000 },
    ],
    fee: { venue: 'kalshi', liquidity: 'taker', multiplier: 1 },
    minOrderQuantity: 100,
    ...overrides,
  };
}

export function polymarketLeg(overrides: Partial<Leg> = {}): Leg {
  return {
    venue: 'polymarket',
    venueMarketId: '0x5f1c3c1f0d7e6a8b9c2d4e6f8a0b1c3d5e7f9a1b3c5d7e9f1a3b5c7d9e1f3a5b',
    side: 'no',
    askMicros: 500_000,
    depth: [
      { priceMicros: 500_000, quantity: 8_000 },
      { priceMicros: 550_000, quantity: 10_000 },
    ],
    fee: { venue: 'polymarket', rate: 0.02, exponent: 1 },
    minOrderQuantity: 500,
    ...overrides,
  };
}

export function modelEdgeCandidate(input: SampleCandidateInput): SignalCandidate {
  const gameId = input.gameId ?? SAMPLE_GAME_ID;
  const leg = kalshiLeg(input.leg);
  const bookVersion = input.bookVersion ?? 1;
  const stateVersion = input.stateVersion ?? 1;
  return {
    type: 'signal_candidate',
    v: 1,
    kind: 'model_edge',
    id: candidateId({ gameId, leg, bookVersion, stateVersion }),
    gameId,
    modelProbability: input.modelProbability ?? 0.6,
    edgeBps: input.edgeBps ?? 1000,
    bookVersion,
    stateVersion,
    priceObservedAtMs: input.priceObservedAtMs ?? input.nowMs - 1_000,
    createdAtMs: input.nowMs - 500,
    leg,
  };
}

export function arbitrageCandidate(input: SampleCandidateInput): ArbitrageCandidate {
  const gameId = input.gameId ?? SAMPLE_GAME_ID;
  const leg = kalshiLeg({
    askMicros: 450_000,
    depth: [
      { priceMicros: 450_000, quantity: 5_000 },
      { priceMicros: 470_000, quantity: 5_000 },
    ],
    ...input.leg,
  });
  const hedge = polymarketLeg(input.hedge);
  const bookVersion = input.bookVersion ?? 1;
  const stateVersion = input.stateVersion ?? 1;
  return {
    type: 'signal_candidate',
    v: 1,
    kind: 'arbitrage',
    id: candidateId({ gameId, leg, hedge, bookVersion, stateVersion }),
    gameId,
    modelProbability: input.modelProbability ?? 0.5,
    edgeBps: input.edgeBps ?? 300,
    bookVersion,
    stateVersion,
    priceObservedAtMs: input.priceObservedAtMs ?? input.nowMs - 1_000,
    createdAtMs: input.nowMs - 500,
    leg,
    hedge,
  };
}

export interface SampleSurebetInput {
  nowMs: number;
  eventKey?: string;
  /** Each outcome of the moneyline: the book, its American odds and the stake backed there. */
  legs?: { book: string; selection: string; americanOdds: number; stakeMicros: number }[];
  totalStakeMicros?: number;
  /** The producer's payout claim; the worst leg's payout unless given. */
  payoutMicros?: number;
  priceObservedAtMs?: number;
}

/**
 * A two-book sportsbook surebet as the browser worker publishes it: +110 / +105, $100 split 49.40 / 50.60 for a
 * worst payout of $103.734938 (the worked example of the surebet builder's tests), so a profit of $3.734938.
 */
export function surebetSample(input: SampleSurebetInput): SurebetCandidate {
  const eventKey = input.eventKey ?? 'nba|2026-11-15T02:00:00.000Z|BOS@DEN';
  const legs: SurebetLeg[] = (
    input.legs ?? [
      { book: 'demo2', selection: 'moneyline.away', americanOdds: 105, stakeMicros: 50_602_409 },
      { book: 'demo', selection: 'moneyline.home', americanOdds: 110, stakeMicros: 49_397_590 },
    ]
  ).map((l) => ({
    kind: 'sportsbook',
    venue: `sportsbook:${l.book}`,
    venueMarketId: `${eventKey}|${l.selection}`,
    selection: l.selection,
    americanOdds: l.americanOdds,
    decimalOdds: americanToDecimal(l.americanOdds),
    stakeMicros: l.stakeMicros,
  }));
  const totalStakeMicros = input.totalStakeMicros ?? 100_000_000;
  const payoutMicros = input.payoutMicros ?? 103_734_938;
  return {
    type: 'signal_candidate',
    v: 1,
    kind: 'surebet',
    id: surebetCandidateId({ eventKey, market: 'moneyline', legs }),
    gameId: null,
    eventKey,
    market: 'moneyline',
    marginBps: 360,
    totalStakeMicros,
    payoutMicros,
    profitMicros: payoutMicros - totalStakeMicros,
    priceObservedAtMs: input.priceObservedAtMs ?? input.nowMs - 1_000,
    createdAtMs: input.nowMs - 500,
    legs,
  };
}
