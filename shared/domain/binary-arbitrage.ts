/**
 * Cross-venue binary arbitrage at one price per leg: buy YES on one venue and NO on the other, the same number of
 * contracts, so exactly one leg pays $1 per contract whatever happens.
 */
import { type KalshiFeeSchedule, orderFeeMicros, type PolymarketFeeSchedule, type VenueFeeSchedule } from './fees.ts';
import { assertPriceMicros, CONTRACT_PAYOUT_MICROS, hundredthsOf, type Micros } from './units.ts';
import { assertSafeInteger } from './validate.ts';

/** One leg: the ask of the side bought there, and that venue's fee schedule (Polymarket defaults to no fee). */
export type ArbitrageLeg =
  | { askMicros: Micros; venue: 'kalshi'; feeSchedule?: KalshiFeeSchedule }
  | { askMicros: Micros; venue: 'polymarket'; feeSchedule?: PolymarketFeeSchedule };

export interface BinaryArbitrage {
  /** Guaranteed payout minus both costs and both fees; negative when the trade loses. */
  profitMicros: Micros;
  feesMicros: Micros;
  costMicros: Micros;
  payoutMicros: Micros;
}

export function legFeeSchedule(name: string, leg: ArbitrageLeg): VenueFeeSchedule {
  if (typeof leg !== 'object' || leg === null) throw new RangeError(`${name} must be a leg object`);
  if (leg.venue !== 'kalshi' && leg.venue !== 'polymarket') {
    throw new RangeError(
      `${name}.venue must be 'kalshi' or 'polymarket', got ${String((leg as { venue: unknown }).venue)}`,
    );
  }
  return leg.venue === 'kalshi' ? { venue: 'kalshi', ...leg.feeSchedule } : { venue: 'polymarket', ...leg.feeSchedule };
}

/** Buys YES at `a.askMicros` on venue a and NO at `b.askMicros` on venue b, `count` contracts each, as takers. */
export function binaryArbitrage(a: ArbitrageLeg, b: ArbitrageLeg, count: number): BinaryArbitrage {
  const scheduleA = legFeeSchedule('a', a);
  const scheduleB = legFeeSchedule('b', b);
  assertPriceMicros('a.askMicros', a.askMicros);
  assertPriceMicros('b.askMicros', b.askMicros);
  assertSafeInteger('count', count, 0, Math.floor(Number.MAX_SAFE_INTEGER / CONTRACT_PAYOUT_MICROS));
  const quantity = hundredthsOf(count);
  const feesMicros =
    orderFeeMicros(scheduleA, [{ priceMicros: a.askMicros, quantity }]) +
    orderFeeMicros(scheduleB, [{ priceMicros: b.askMicros, quantity }]);
  const costMicros = count * (a.askMicros + b.askMicros);
  const payoutMicros = count * CONTRACT_PAYOUT_MICROS;
  return { profitMicros: payoutMicros - costMicros - feesMicros, feesMicros, costMicros, payoutMicros };
}
