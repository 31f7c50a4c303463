import { orderFeeMicros, type VenueFeeSchedule } from '../fees.ts';
import type { GameStatus } from '../names.ts';
import {
  CONTRACT_PAYOUT_MICROS,
  costMicros,
  hundredthsOf,
  type MoneyMicros,
  moneyMicros,
  type PriceMicros,
  priceMicros,
  type QuantityHundredths,
  quantityHundredths,
  shareMicros,
  wholeContracts,
} from '../units.ts';

/** How long and how hard an open hedge's second leg is retried before the first leg is sold back. */
export interface HedgePolicy {
  maxAttempts: number;
  retryWindowMs: number;
  /** How far above the candidate's limit a retry may bid, if the pair still nets >= 0 after both fees. */
  maxSlippageMicros: number;
  /** Price step of a retry's bid: Kalshi quotes whole cents. */
  tickMicros: number;
}

export const DEFAULT_HEDGE_POLICY: HedgePolicy = {
  maxAttempts: 3,
  retryWindowMs: 30_000,
  maxSlippageMicros: 20_000,
  tickMicros: 10_000,
};

/** A first leg that filled with a second leg that did not (yet) cover it. */
export interface OpenHedgeState {
  /** Contracts the first leg holds that the second does not cover. */
  openHundredths: QuantityHundredths;
  /** What those contracts cost on the first leg, fees included. */
  firstCostMicros: MoneyMicros;
  firstFeeSchedule: VenueFeeSchedule;
  /** The first leg's venue's best bid for the side held, when known: what an unwind sells at. */
  firstBestBidMicros: PriceMicros | undefined;
  secondFeeSchedule: VenueFeeSchedule;
  /** The candidate's limit price for the second leg. */
  secondLimitMicros: PriceMicros;
  /** Second-leg orders already sent for this hedge (the original one included). */
  attempts: number;
  msSinceFirstFill: number;
  gameStatus: GameStatus;
}

export type HedgeDecision =
  | { action: 'retry'; attempt: number; quantity: QuantityHundredths; priceMicros: PriceMicros }
  | { action: 'unwind'; quantity: QuantityHundredths; priceMicros: PriceMicros; proceedsMicros: MoneyMicros }
  | { action: 'report'; reason: 'game_not_tradable' | 'no_bid' | 'under_one_contract' };

const TRADABLE: readonly GameStatus[] = ['scheduled', 'in_progress'];

/**
 * The pair's guaranteed result if the second leg buys the open contracts at `price`: one leg pays $1 a contract,
 * minus the first leg's cost with fees and the second's cost and fee (costs rounded against us, payout down).
 */
export function hedgedPairNetMicros(hedge: OpenHedgeState, price: PriceMicros): MoneyMicros {
  const quantity = hedge.openHundredths;
  const payout = costMicros(CONTRACT_PAYOUT_MICROS, quantity, 'down');
  const secondCost = costMicros(price, quantity, 'up');
  const secondFee = orderFeeMicros(hedge.secondFeeSchedule, [{ priceMicros: price, quantity }]);
  return moneyMicros(payout - hedge.firstCostMicros - secondCost - secondFee, 'pairNetMicros');
}

/**
 * The highest bid in [limit, limit + slippage] on the tick grid (the limit itself always tried) that keeps the
 * pair's net >= 0 after fees; undefined when even the limit would lose. Highest, so the retry is the likeliest to
 * fill among those that cannot make the pair lose.
 */
export function retryPriceMicros(hedge: OpenHedgeState, policy: HedgePolicy): PriceMicros | undefined {
  const cap = Math.min(hedge.secondLimitMicros + policy.maxSlippageMicros, CONTRACT_PAYOUT_MICROS - 1);
  const steps = Math.floor((cap - hedge.secondLimitMicros) / policy.tickMicros);
  for (let step = steps; step >= 0; step -= 1) {
    const price = priceMicros(hedge.secondLimitMicros + step * policy.tickMicros);
    if (hedgedPairNetMicros(hedge, price) >= 0) return price;
  }
  return undefined;
}

/**
 * What to do with an open hedge: retry the second leg while the game trades, attempts remain and the window is open
 * and a price keeps the pair from losing; else sell the first leg back at its best bid; else keep it reported (the
 * alarm stays on) because no order could be placed. A follow-up is whole contracts, as an execution request is: it
 * acts on the whole ones open (with their share of the first leg's cost), and a remainder under one contract stays
 * reported rather than becoming an order no request can carry.
 */
export function decideHedge(open: OpenHedgeState, policy: HedgePolicy = DEFAULT_HEDGE_POLICY): HedgeDecision {
  if (!TRADABLE.includes(open.gameStatus)) return { action: 'report', reason: 'game_not_tradable' };
  const whole = hundredthsOf(wholeContracts(open.openHundredths));
  if (whole === 0) return { action: 'report', reason: 'under_one_contract' };
  const hedge: OpenHedgeState = {
    ...open,
    openHundredths: whole,
    firstCostMicros: openCostMicros(open.firstCostMicros, open.openHundredths, whole),
  };
  if (hedge.attempts < policy.maxAttempts && hedge.msSinceFirstFill <= policy.retryWindowMs) {
    const price = retryPriceMicros(hedge, policy);
    if (price !== undefined) {
      return { action: 'retry', attempt: hedge.attempts + 1, quantity: hedge.openHundredths, priceMicros: price };
    }
  }
  const bid = hedge.firstBestBidMicros;
  if (bid === undefined || bid <= 0) return { action: 'report', reason: 'no_bid' };
  const quantity = hedge.openHundredths;
  const fee = orderFeeMicros(hedge.firstFeeSchedule, [{ priceMicros: bid, quantity }]);
  const proceeds = moneyMicros(Math.max(0, costMicros(bid, quantity, 'down') - fee), 'proceedsMicros');
  return { action: 'unwind', quantity, priceMicros: bid, proceedsMicros: proceeds };
}

/** Client order id of a hedge's follow-up order: the same hedge and attempt give the same id, so a redelivery dedupes. */
export function hedgeClientOrderId(hedgeId: string, action: 'retry' | 'unwind', attempt: number): string {
  return action === 'retry' ? `${hedgeId}-r${attempt}` : `${hedgeId}-u`;
}

export type HedgeResolution = 'retried_filled' | 'unwound' | 'still_open';

/** Where an open hedge stands given every order that acted on it (filled quantities, hundredths). */
export interface HedgeProgress {
  openHundredths: QuantityHundredths;
  /** How a closed hedge ended, `still_open` while open; null when the second leg itself covered the first. */
  resolution: HedgeResolution | null;
}

/**
 * The first leg's contracts not yet covered by the second leg and its retries nor sold back by an unwind. A closed
 * hedge is `unwound` when a sale took part in closing it, else `retried_filled` when a retry did.
 */
export function hedgeProgress(input: {
  firstFilled: QuantityHundredths;
  secondFilled: QuantityHundredths;
  retriesFilled: QuantityHundredths;
  unwoundFilled: QuantityHundredths;
}): HedgeProgress {
  const open = quantityHundredths(
    Math.max(0, input.firstFilled - input.secondFilled - input.retriesFilled - input.unwoundFilled),
  );
  if (open > 0) return { openHundredths: open, resolution: 'still_open' };
  if (input.unwoundFilled > 0) return { openHundredths: open, resolution: 'unwound' };
  return { openHundredths: open, resolution: input.retriesFilled > 0 ? 'retried_filled' : null };
}

/** The part of the first leg's cost (fees included) that `open` of its `filled` contracts carry, rounded up. */
export function openCostMicros(
  firstCostMicros: MoneyMicros,
  filled: QuantityHundredths,
  open: QuantityHundredths,
): MoneyMicros {
  if (filled <= 0) return moneyMicros(0);
  return shareMicros(firstCostMicros, open, filled, 'up');
}

/** A best bid older than this is not sold at: the book has likely moved, so the hedge stays reported instead. */
export const HEDGE_BID_MAX_AGE_MS = 30_000;
