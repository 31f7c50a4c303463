import type { Leg, SignalCandidate } from '#contracts/signal-candidate';
import { allInPriceMicros, arbitrageEdgeBps, modelEdgeBps } from '../edge.ts';
import { orderFeeMicros } from '../fees.ts';
import { optimalArbitrage } from '../optimal-arbitrage.ts';
import { walkLevels } from '../order-book.ts';
import {
  type MoneyMicros,
  moneyMicros,
  type PriceMicros,
  priceMicros,
  type QuantityHundredths,
  wholeContracts,
} from '../units.ts';
import type { LegFill } from './types.ts';

/**
 * Buy `quantity` hundredths of a leg through the depth it carried, with the venue's fee. A paper fill never invents
 * liquidity: a leg whose depth cannot fill the quantity is an error, not a smaller fill.
 */
export function fillLeg(leg: Leg, quantity: QuantityHundredths): LegFill {
  const walk = walkLevels(leg.depth, quantity, true);
  if (!walk.complete) throw new RangeError(`depth holds less than ${quantity} hundredths`);
  return {
    venue: leg.venue,
    venueMarketId: leg.venueMarketId,
    side: leg.side,
    quantity,
    costMicros: moneyMicros(walk.notionalMicros),
    feeMicros: moneyMicros(orderFeeMicros(leg.fee, walk.fills)),
    averagePriceMicros: priceMicros(walk.averagePriceMicros),
    limitPriceMicros: priceMicros(walk.fills.at(-1)!.priceMicros),
  };
}

export function allInCostMicros(fills: readonly LegFill[]): MoneyMicros {
  return moneyMicros(fills.reduce((sum, f) => sum + f.costMicros + f.feeMicros, 0));
}

/** A leg's best ask with its fee, at the reference order size every edge is judged at. */
export function topOfBookPriceMicros(leg: Leg): number {
  return allInPriceMicros(leg.fee, leg.depth[0]!.priceMicros);
}

/** Edge after fees at the top of the book, in basis points of a $1 payout (rounded down). */
export function edgeAfterFeesBps(candidate: SignalCandidate): number {
  const quoted = (leg: Leg) => ({ askMicros: leg.depth[0]!.priceMicros, fee: leg.fee });
  return candidate.kind === 'arbitrage'
    ? arbitrageEdgeBps(quoted(candidate.leg), quoted(candidate.hedge))
    : modelEdgeBps(candidate.modelProbability, quoted(candidate.leg));
}

/** Largest whole-contract count in [0, maxContracts] for which `fits` holds; `fits` must be monotone. */
export function largestFitting(maxContracts: number, fits: (contracts: number) => boolean): number {
  let lo = 0;
  let hi = maxContracts;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Contracts of a leg's depth whose all-in price is below `fairMicros`, from the best level down to the first that is
 * not: deeper levels would be bought at no edge.
 */
export function contractsBelow(leg: Leg, fairMicros: PriceMicros): number {
  let quantity = 0;
  for (const level of leg.depth) {
    if (allInPriceMicros(leg.fee, level.priceMicros) >= fairMicros) break;
    quantity += level.quantity;
  }
  return wholeContracts(quantity);
}

/** Whole contracts a leg's depth can fill. */
export function contractsIn(leg: Leg): number {
  return wholeContracts(leg.depth.reduce((sum, level) => sum + level.quantity, 0));
}

/** Contracts of an arbitrage pair worth buying: the count with the largest profit after both venues' fees. */
export function profitableArbitrageContracts(leg: Leg, hedge: Leg): number {
  return optimalArbitrage(leg.depth, hedge.depth, { yes: leg.fee, no: hedge.fee }).count;
}
