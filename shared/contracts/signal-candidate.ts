import { z } from 'zod';
import { askPriceMicrosSchema, epochMsSchema, quantitySchema, sideSchema, venueSchema } from './common.ts';
import { nameBasedUuid } from './ids.ts';

/** One ask level the producer saw: buying up to `quantity` hundredths at `priceMicros`. */
export const depthLevelSchema = z.object({ priceMicros: askPriceMicrosSchema, quantity: quantitySchema });
export type DepthLevel = z.infer<typeof depthLevelSchema>;

/**
 * Each venue's fee rule with the market's own parameters (the shape `orderFeeMicros` of the domain takes), so the
 * evaluator prices fills as the venue will.
 */
export const feeScheduleSchema = z.discriminatedUnion('venue', [
  z.object({
    venue: z.literal('kalshi'),
    liquidity: z.enum(['taker', 'maker']).default('taker'),
    /** The series' `fee_multiplier`. */
    multiplier: z.number().nonnegative().max(100).default(1),
  }),
  z.object({
    venue: z.literal('polymarket'),
    /** The market's `feeSchedule.rate` and `exponent`: shares x rate x (p(1-p))^exponent. */
    rate: z.number().nonnegative().max(1),
    exponent: z.number().int().min(0).max(8),
  }),
]);
export type FeeSchedule = z.infer<typeof feeScheduleSchema>;

/** One side of one market to buy, with the book it was computed on (ask levels, best first). */
export const legSchema = z
  .object({
    venue: venueSchema,
    venueMarketId: z.string().min(1).max(200),
    side: sideSchema,
    askMicros: askPriceMicrosSchema,
    depth: z.array(depthLevelSchema).min(1).max(50),
    fee: feeScheduleSchema,
    /** The venue's smallest order for this market, in hundredths. */
    minOrderQuantity: quantitySchema,
  })
  .refine((leg) => leg.fee.venue === leg.venue, { message: 'fee schedule is for another venue', path: ['fee'] })
  .refine((leg) => leg.depth[0]?.priceMicros === leg.askMicros, {
    message: 'depth must start at the ask',
    path: ['depth'],
  })
  .refine((leg) => leg.depth.every((level, i) => i === 0 || level.priceMicros > leg.depth[i - 1]!.priceMicros), {
    message: 'depth levels must be strictly ascending in price',
    path: ['depth'],
  });
export type Leg = z.infer<typeof legSchema>;

const candidateBase = {
  type: z.literal('signal_candidate'),
  v: z.literal(1),
  id: z.uuid(),
  gameId: z.uuid(),
  /** Probability the bought side pays out, from the win-probability model. */
  modelProbability: z.number().min(0).max(1),
  /** Edge after fees, in basis points of a $1 payout. */
  edgeBps: z.number().int().min(-10_000).max(10_000),
  bookVersion: z.number().int().nonnegative(),
  stateVersion: z.number().int().nonnegative(),
  priceObservedAtMs: epochMsSchema,
  createdAtMs: epochMsSchema,
  leg: legSchema,
};

/**
 * A market side (or a pair across venues) that cleared the producer's edge threshold. `model_edge` buys one leg;
 * `arbitrage` buys `leg` and `hedge` in equal counts so one of them pays $1 whatever happens.
 */
export const signalCandidateSchema = z.discriminatedUnion('kind', [
  z.object({ ...candidateBase, kind: z.literal('model_edge') }),
  z.object({ ...candidateBase, kind: z.literal('arbitrage'), hedge: legSchema }),
]);
export type SignalCandidate = z.infer<typeof signalCandidateSchema>;
export type ArbitrageCandidate = Extract<SignalCandidate, { kind: 'arbitrage' }>;

export interface CandidateIdInput {
  gameId: string;
  leg: Pick<Leg, 'venue' | 'venueMarketId' | 'side'>;
  hedge?: Pick<Leg, 'venue' | 'venueMarketId' | 'side'>;
  bookVersion: number;
  stateVersion: number;
}

/**
 * The candidate id: a name-based UUID (SHA-256, RFC 9562 layout) over what the candidate was computed from, so the
 * same book and state always yield the same id and a re-published candidate is recognised as a duplicate.
 */
export function candidateId(input: CandidateIdInput): string {
  const legKey = (l: CandidateIdInput['leg']) => `${l.venue}:${l.venueMarketId}:${l.side}`;
  const name = [
    input.gameId,
    legKey(input.leg),
    input.hedge ? legKey(input.hedge) : '',
    input.bookVersion,
    input.stateVersion,
  ];
  return nameBasedUuid(name);
}

/** A sportsbook venue as prices and markets name it. */
export const sportsbookVenueSchema = z.string().regex(/^sportsbook:[a-z0-9][a-z0-9_-]{0,63}$/);

/**
 * One leg of a surebet: back a sportsbook selection at its offered odds, or buy a prediction market's YES at its ask
 * (with the market's fee schedule). `stakeMicros` is what the leg costs, fee included, from the domain's `surebet`.
 */
export const surebetLegSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('sportsbook'),
    venue: sportsbookVenueSchema,
    venueMarketId: z.string().min(1).max(256),
    selection: z.string().min(1).max(200),
    americanOdds: z
      .number()
      .int()
      .refine((odds) => Math.abs(odds) >= 100, 'American odds are <= -100 or >= +100'),
    decimalOdds: z.number().gt(1).max(10_000),
    stakeMicros: z.number().int().positive(),
  }),
  z
    .object({
      kind: z.literal('prediction_market'),
      venue: venueSchema,
      venueMarketId: z.string().min(1).max(200),
      side: sideSchema,
      askMicros: askPriceMicrosSchema,
      fee: feeScheduleSchema,
      quantity: quantitySchema,
      /** Ask plus the taker fee per contract: the price the surebet was sized at (decimal odds 1e6 / it). */
      effectivePriceMicros: z.number().int().min(1).max(1_000_000),
      stakeMicros: z.number().int().positive(),
    })
    .refine((leg) => leg.fee.venue === leg.venue, { message: 'fee schedule is for another venue', path: ['fee'] }),
]);
export type SurebetLeg = z.infer<typeof surebetLegSchema>;

/**
 * Every outcome of one full-game market backed at its best price across sportsbooks (and prediction markets where
 * the game matches), staked so that every outcome pays `payoutMicros`; `profitMicros` is that less the total stake.
 */
export const surebetCandidateSchema = z
  .object({
    type: z.literal('signal_candidate'),
    v: z.literal(1),
    kind: z.literal('surebet'),
    id: z.uuid(),
    /** The matched game; null when no game of ours matched the sportsbook event (sportsbook legs only). */
    gameId: z.uuid().nullable(),
    eventKey: z.string().min(1).max(300),
    market: z.string().min(1).max(100),
    marginBps: z.number().int().min(1).max(10_000),
    totalStakeMicros: z.number().int().positive(),
    payoutMicros: z.number().int().positive(),
    profitMicros: z.number().int().positive(),
    priceObservedAtMs: epochMsSchema,
    createdAtMs: epochMsSchema,
    legs: z.array(surebetLegSchema).min(2).max(10),
  })
  .refine((c) => c.legs.reduce((sum, leg) => sum + leg.stakeMicros, 0) <= c.totalStakeMicros, {
    message: 'legs stake more than the total',
    path: ['legs'],
  })
  .refine((c) => c.payoutMicros - c.totalStakeMicros === c.profitMicros, {
    message: 'profit must be payout less total stake',
    path: ['profitMicros'],
  })
  .refine((c) => c.legs.some((leg) => leg.kind === 'prediction_market') === (c.gameId !== null), {
    message: 'a prediction-market leg needs the matched game, and only then is there one',
    path: ['gameId'],
  });
export type SurebetCandidate = z.infer<typeof surebetCandidateSchema>;

/** Whatever the signal-candidates queue carries: a prediction-market candidate or a surebet. */
export const candidateMessageSchema = z.union([signalCandidateSchema, surebetCandidateSchema]);
export type CandidateMessage = z.infer<typeof candidateMessageSchema>;

/**
 * A surebet's id over its event, market and every leg's venue, selection and price: the same surebet at unchanged
 * prices always has the same id (the worker's hysteresis and the evaluator's duplicate check), a moved price a new one.
 */
export function surebetCandidateId(input: Pick<SurebetCandidate, 'eventKey' | 'market' | 'legs'>): string {
  const legKey = (leg: SurebetLeg) =>
    leg.kind === 'sportsbook'
      ? `${leg.venue}:${leg.venueMarketId}:${leg.americanOdds}`
      : `${leg.venue}:${leg.venueMarketId}:${leg.side}:${leg.askMicros}`;
  return nameBasedUuid(['surebet', input.eventKey, input.market, ...input.legs.map(legKey).sort()]);
}
