import type { Leg, SignalCandidate } from '#contracts/signal-candidate';
import { CONTRACT_PAYOUT_MICROS, HUNDREDTHS_PER_CONTRACT, priceFromProbability } from '#domain/units';
import { fillFeeMicros } from './fees.ts';
import { depthQuantity, walkDepth } from './fill.ts';
import type { LegFill } from './types.ts';

const ONE_CONTRACT = HUNDREDTHS_PER_CONTRACT;

/** Buy `quantity` hundredths of a leg at the depth it carried, with the venue's fee. */
export function fillLeg(leg: Leg, quantity: number): LegFill {
  const fill = walkDepth(leg.depth, quantity);
  return {
    venue: leg.venue,
    venueMarketId: leg.venueMarketId,
    side: leg.side,
    quantity,
    costMicros: fill.costMicros,
    feeMicros: fillFeeMicros(leg.fee, fill.takes),
    averagePriceMicros: fill.averagePriceMicros,
    limitPriceMicros: fill.takes.at(-1)!.priceMicros,
  };
}

export function allInCostMicros(fills: readonly LegFill[]): number {
  return fills.reduce((sum, f) => sum + f.costMicros + f.feeMicros, 0);
}

/** All-in price of one contract at the best ask, with the fee amortised over the top level's size. */
export function topOfBookPriceMicros(leg: Leg): number {
  const top = leg.depth[0]!;
  const contracts = Math.max(1, Math.floor(top.quantity / ONE_CONTRACT));
  const fee = fillFeeMicros(leg.fee, [{ priceMicros: top.priceMicros, quantity: contracts * ONE_CONTRACT }]);
  return top.priceMicros + Math.ceil(fee / contracts);
}

/** Edge after fees at the top of the book, in basis points of a $1 payout (rounded down). */
export function edgeAfterFeesBps(candidate: SignalCandidate): number {
  const edgeMicros =
    candidate.kind === 'arbitrage'
      ? CONTRACT_PAYOUT_MICROS - topOfBookPriceMicros(candidate.leg) - topOfBookPriceMicros(candidate.hedge)
      : priceFromProbability(candidate.modelProbability) - topOfBookPriceMicros(candidate.leg);
  return Math.floor(edgeMicros / 100);
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
 * Contracts of a leg's depth whose all-in price (the level's price plus its fee spread over the level) is below
 * `fairMicros`, from the best level down to the first that is not: deeper levels would be bought at no edge.
 */
export function contractsBelow(leg: Leg, fairMicros: number): number {
  let quantity = 0;
  for (const level of leg.depth) {
    const contracts = Math.floor(level.quantity / ONE_CONTRACT);
    if (contracts === 0) break;
    const fee = fillFeeMicros(leg.fee, [{ priceMicros: level.priceMicros, quantity: contracts * ONE_CONTRACT }]);
    if (level.priceMicros + Math.ceil(fee / contracts) >= fairMicros) break;
    quantity += level.quantity;
  }
  return Math.floor(quantity / ONE_CONTRACT);
}

/** Whole contracts a leg's depth can fill. */
export function contractsIn(leg: Leg): number {
  return Math.floor(depthQuantity(leg.depth) / ONE_CONTRACT);
}

/**
 * Contracts of an arbitrage pair worth buying: the count with the largest profit (n x $1 minus both legs' all-in
 * cost). Between two level boundaries the cost grows linearly, so the best count sits on a boundary of either book.
 */
export function profitableArbitrageContracts(leg: Leg, hedge: Leg): number {
  const max = Math.min(contractsIn(leg), contractsIn(hedge));
  const profit = (n: number) =>
    n * CONTRACT_PAYOUT_MICROS - allInCostMicros([fillLeg(leg, n * 100), fillLeg(hedge, n * 100)]);
  const boundaries = new Set<number>([max]);
  for (const l of [leg, hedge]) {
    let cumulative = 0;
    for (const level of l.depth) {
      cumulative += level.quantity;
      const n = Math.floor(cumulative / ONE_CONTRACT);
      if (n > 0 && n < max) boundaries.add(n);
    }
  }
  let best = 0;
  let bestProfit = 0;
  for (const n of [...boundaries].sort((a, b) => a - b)) {
    const p = profit(n);
    if (p > bestProfit) {
      best = n;
      bestProfit = p;
    }
  }
  return best;
}
