/**
 * One side's order book for a binary contract: price levels in micros, sizes in hundredths of a contract.
 * Immutable; venue adapters build a new one from each snapshot (Kalshi's NO bids become YES asks there).
 */
import type { Fill } from './fees.ts';
import {
  assertPriceMicros,
  assertQuantity,
  CONTRACT_PAYOUT_MICROS,
  HUNDREDTHS_PER_CONTRACT,
  type Hundredths,
  type Micros,
} from './units.ts';

export interface PriceLevel {
  priceMicros: Micros;
  quantity: Hundredths;
}

/** The result of taking liquidity level by level; `complete` is false when the book was too thin. */
export interface BookWalk {
  filledQuantity: Hundredths;
  /** Money paid (buying) or received (selling); a part-micro is rounded against the taker. */
  notionalMicros: Micros;
  /** Volume-weighted price of what filled, rounded against the taker: never better than the book. 0 if nothing did. */
  averagePriceMicros: Micros;
  fills: Fill[];
  complete: boolean;
}

const HUNDREDTHS = BigInt(HUNDREDTHS_PER_CONTRACT);

function normalizeLevels(name: string, levels: readonly PriceLevel[], bestFirst: 'highest' | 'lowest'): PriceLevel[] {
  if (!Array.isArray(levels)) throw new RangeError(`${name} must be an array of price levels`);
  const byPrice = new Map<number, number>();
  levels.forEach((level, index) => {
    assertPriceMicros(`${name}[${index}].priceMicros`, level.priceMicros);
    assertQuantity(`${name}[${index}].quantity`, level.quantity);
    byPrice.set(level.priceMicros, (byPrice.get(level.priceMicros) ?? 0) + level.quantity);
  });
  return [...byPrice]
    .filter(([, quantity]) => quantity > 0)
    .map(([priceMicros, quantity]) => ({ priceMicros, quantity }))
    .sort((a, b) => (bestFirst === 'lowest' ? a.priceMicros - b.priceMicros : b.priceMicros - a.priceMicros));
}

/** Asks sorted best (lowest) first, equal prices merged, empty levels dropped; validates every level. */
export function normalizeAsks(name: string, asks: readonly PriceLevel[]): PriceLevel[] {
  return normalizeLevels(name, asks, 'lowest');
}

/** Takes `quantity` from best-first `levels` until filled or the book runs out. */
export function walkLevels(levels: readonly PriceLevel[], quantity: Hundredths, roundUp: boolean): BookWalk {
  assertQuantity('quantity', quantity);
  const fills: Fill[] = [];
  let remaining = quantity;
  let notionalHundredths = 0n;
  for (const level of levels) {
    if (remaining === 0) break;
    const take = Math.min(remaining, level.quantity);
    fills.push({ priceMicros: level.priceMicros, quantity: take });
    notionalHundredths += BigInt(level.priceMicros) * BigInt(take);
    remaining -= take;
  }
  const filled = BigInt(quantity - remaining);
  const roundedDiv = (a: bigint, b: bigint) => (b === 0n ? 0n : roundUp ? (a + b - 1n) / b : a / b);
  return {
    filledQuantity: quantity - remaining,
    notionalMicros: Number(roundedDiv(notionalHundredths, HUNDREDTHS)),
    averagePriceMicros: Number(roundedDiv(notionalHundredths, filled)),
    fills,
    complete: remaining === 0,
  };
}

/**
 * Kalshi publishes bids only: a NO bid at p is a YES ask at $1 - p of the same size (and the other way round), so
 * one side's asks are the other side's bids mirrored.
 */
export function asksFromOppositeBids(bids: readonly PriceLevel[]): PriceLevel[] {
  return normalizeLevels('bids', bids, 'highest').map((level) => ({
    priceMicros: CONTRACT_PAYOUT_MICROS - level.priceMicros,
    quantity: level.quantity,
  }));
}

function totalQuantity(levels: readonly PriceLevel[]): Hundredths {
  return levels.reduce((total, level) => total + level.quantity, 0);
}

export class OrderBook {
  /** Best (highest) first. */
  readonly bids: readonly PriceLevel[];
  /** Best (lowest) first. */
  readonly asks: readonly PriceLevel[];

  private constructor(bids: PriceLevel[], asks: PriceLevel[]) {
    this.bids = Object.freeze(bids);
    this.asks = Object.freeze(asks);
  }

  /** Levels in any order; equal prices are merged and empty levels dropped. */
  static fromLevels(levels: { bids?: readonly PriceLevel[]; asks?: readonly PriceLevel[] }): OrderBook {
    return new OrderBook(
      normalizeLevels('bids', levels.bids ?? [], 'highest'),
      normalizeAsks('asks', levels.asks ?? []),
    );
  }

  bestBid(): PriceLevel | undefined {
    return this.bids[0];
  }

  bestAsk(): PriceLevel | undefined {
    return this.asks[0];
  }

  /** Quantity a buyer can take at prices up to and including `limitPriceMicros`. */
  buyDepthUpTo(limitPriceMicros: Micros): Hundredths {
    assertPriceMicros('limitPriceMicros', limitPriceMicros);
    return totalQuantity(this.asks.filter((level) => level.priceMicros <= limitPriceMicros));
  }

  /** Quantity a seller can hit at prices down to and including `limitPriceMicros`. */
  sellDepthDownTo(limitPriceMicros: Micros): Hundredths {
    assertPriceMicros('limitPriceMicros', limitPriceMicros);
    return totalQuantity(this.bids.filter((level) => level.priceMicros >= limitPriceMicros));
  }

  /** Buying `quantity` through the asks: what it costs (volume-weighted) and how much the book could fill. */
  buy(quantity: Hundredths): BookWalk {
    return walkLevels(this.asks, quantity, true);
  }

  /** Selling `quantity` into the bids: what it brings in and how much the book could absorb. */
  sell(quantity: Hundredths): BookWalk {
    return walkLevels(this.bids, quantity, false);
  }
}
