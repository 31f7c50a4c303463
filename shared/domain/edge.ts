/**
 * Model edge: the expected value per contract of buying one side at its ask when the model says it wins with
 * `probability`, net of the venue's fee. Positive means the price is too low for the model.
 */
import { orderFeeMicros, type VenueFeeSchedule } from './fees.ts';
import {
  assertPriceMicros,
  bpsOfPayout,
  CONTRACT_PAYOUT_MICROS,
  hundredthsOf,
  type Micros,
  priceFromProbability,
} from './units.ts';
import { assertProbability, assertSafeInteger } from './validate.ts';

export interface EdgeInput {
  probability: number;
  askMicros: Micros;
  feeSchedule: VenueFeeSchedule;
  /** Order size the fee is computed for (fees round per order); default 1 contract. */
  count?: number;
}

/** Expected profit per contract in micros, rounded down (a part-micro of edge is not edge). */
export function edgeAfterFeesMicros(input: EdgeInput): number {
  const count = input.count ?? 1;
  assertProbability('probability', input.probability);
  assertPriceMicros('askMicros', input.askMicros);
  assertSafeInteger('count', count, 1, Math.floor(Number.MAX_SAFE_INTEGER / CONTRACT_PAYOUT_MICROS));
  const feeMicros = orderFeeMicros(input.feeSchedule, [
    { priceMicros: input.askMicros, quantity: hundredthsOf(count) },
  ]);
  return Math.floor(input.probability * CONTRACT_PAYOUT_MICROS - input.askMicros - feeMicros / count);
}

/**
 * The one size edge is judged at. Fees round per order, so a 1-contract order pays the worst case of the rounding and a
 * huge one almost none of it; the scanner, the shard and the evaluator all price a contract as part of an order of
 * this many.
 */
export const EDGE_REFERENCE_CONTRACTS = 100;

/** One contract at `priceMicros` with its share of the fee of a reference-size order, rounded up. */
export function allInPriceMicros(feeSchedule: VenueFeeSchedule, priceMicros: Micros): Micros {
  assertPriceMicros('priceMicros', priceMicros);
  const feeMicros = orderFeeMicros(feeSchedule, [{ priceMicros, quantity: hundredthsOf(EDGE_REFERENCE_CONTRACTS) }]);
  return priceMicros + Math.ceil(feeMicros / EDGE_REFERENCE_CONTRACTS);
}

export interface QuotedSide {
  askMicros: Micros;
  fee: VenueFeeSchedule;
}

/** Model edge of buying a side at its ask, in basis points of a $1 payout, rounded down. */
export function modelEdgeBps(probability: number, side: QuotedSide): number {
  return bpsOfPayout(priceFromProbability(probability) - allInPriceMicros(side.fee, side.askMicros));
}

/** Edge of buying both sides of a pair that pays $1 whatever happens, in basis points, rounded down. */
export function arbitrageEdgeBps(leg: QuotedSide, hedge: QuotedSide): number {
  const costMicros = allInPriceMicros(leg.fee, leg.askMicros) + allInPriceMicros(hedge.fee, hedge.askMicros);
  return bpsOfPayout(CONTRACT_PAYOUT_MICROS - costMicros);
}
