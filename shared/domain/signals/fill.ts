import type { DepthLevel } from '#contracts/signal-candidate';

export interface DepthFill {
  quantity: number;
  /** Sum of price x quantity / 100 over the levels, rounded up to the micro. */
  costMicros: number;
  /** Volume-weighted price, rounded up: never better than the book, never beyond the worst level taken. */
  averagePriceMicros: number;
  /** The levels taken, each as its own match (fees are charged per match). */
  takes: DepthLevel[];
}

/**
 * Buy `quantity` hundredths by walking the ask levels from the best. Fails if the depth cannot fill it: a paper fill
 * never invents liquidity and never gets a price better than the book.
 */
export function walkDepth(depth: readonly DepthLevel[], quantity: number): DepthFill {
  let remaining = quantity;
  let costHundredths = 0n;
  const takes: DepthLevel[] = [];
  for (const level of depth) {
    if (remaining === 0) break;
    const take = Math.min(remaining, level.quantity);
    costHundredths += BigInt(level.priceMicros) * BigInt(take);
    takes.push({ priceMicros: level.priceMicros, quantity: take });
    remaining -= take;
  }
  if (remaining > 0) throw new RangeError(`depth holds less than ${quantity} hundredths`);
  const q = BigInt(quantity);
  return {
    quantity,
    costMicros: Number((costHundredths + 99n) / 100n),
    averagePriceMicros: Number((costHundredths + q - 1n) / q),
    takes,
  };
}

export function depthQuantity(depth: readonly DepthLevel[]): number {
  return depth.reduce((sum, level) => sum + level.quantity, 0);
}
