import type { PriceLevel } from '../order-book.ts';
import { CONTRACT_PAYOUT_MICROS } from '../units.ts';

/**
 * One side of a live book (bids or asks), mutable and cheap to update: prices kept sorted with the best at the END
 * of the array, so the churn near the top of the book splices the tail. Prices are integer micros, sizes integer
 * hundredths. Lookups are binary searches; nothing is allocated on an update of an existing level.
 */
export class Ladder {
  /** Sort keys ascending: the price for bids (best = highest = last), minus the price for asks (best = lowest). */
  private readonly keys: number[] = [];
  private readonly sizes: number[] = [];
  private readonly sign: 1 | -1;

  constructor(readonly best: 'highest' | 'lowest') {
    this.sign = best === 'highest' ? 1 : -1;
  }

  get length(): number {
    return this.keys.length;
  }

  clear(): void {
    this.keys.length = 0;
    this.sizes.length = 0;
  }

  /** Replaces every level (a snapshot); equal prices add up, empty levels are dropped. */
  replace(levels: readonly PriceLevel[]): void {
    this.clear();
    for (const level of levels) this.add(level.priceMicros, level.quantity);
  }

  /** Index of the first key >= `key`. */
  private search(key: number): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.keys[mid] as number) < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Size at a price, 0 when there is no level. */
  sizeAt(priceMicros: number): number {
    const key = this.sign * priceMicros;
    const i = this.search(key);
    return this.keys[i] === key ? (this.sizes[i] as number) : 0;
  }

  /** Sets a level's aggregate size (Polymarket's `price_change`); 0 removes it. */
  set(priceMicros: number, size: number): void {
    const key = this.sign * priceMicros;
    const i = this.search(key);
    const exists = this.keys[i] === key;
    if (size <= 0) {
      if (exists) this.removeAt(i);
    } else if (exists) {
      this.sizes[i] = size;
    } else {
      this.insertAt(i, key, size);
    }
  }

  // Shifted by hand rather than spliced: splice allocates the array of what it removed on every call, and the
  // levels moved are the few between `i` and the top at the end.
  private removeAt(i: number): void {
    const { keys, sizes } = this;
    const last = keys.length - 1;
    for (let j = i; j < last; j++) {
      keys[j] = keys[j + 1] as number;
      sizes[j] = sizes[j + 1] as number;
    }
    keys.pop();
    sizes.pop();
  }

  private insertAt(i: number, key: number, size: number): void {
    const { keys, sizes } = this;
    let j = keys.length;
    keys.push(key);
    sizes.push(size);
    for (; j > i; j--) {
      keys[j] = keys[j - 1] as number;
      sizes[j] = sizes[j - 1] as number;
    }
    keys[i] = key;
    sizes[i] = size;
  }

  /**
   * Adds a signed change to a level (Kalshi's `orderbook_delta`); 0 drops it. Returns false, changing nothing, when
   * the level would go negative: the book no longer matches the venue's.
   */
  add(priceMicros: number, delta: number): boolean {
    const size = this.sizeAt(priceMicros) + delta;
    if (size < 0) return false;
    this.set(priceMicros, size);
    return true;
  }

  /** Best price, or -1 when the side is empty; `mirrored` reads a bid as the opposite side's ask ($1 - p). */
  bestPrice(mirrored = false): number {
    const n = this.keys.length;
    if (n === 0) return -1;
    const price = this.sign * (this.keys[n - 1] as number);
    return mirrored ? CONTRACT_PAYOUT_MICROS - price : price;
  }

  /** Size at the best price, 0 when empty. */
  bestSize(): number {
    const n = this.sizes.length;
    return n === 0 ? 0 : (this.sizes[n - 1] as number);
  }

  /** Up to `maxLevels` levels, best first; `mirrored` as in `bestPrice`. */
  levels(maxLevels: number, mirrored = false): PriceLevel[] {
    const out: PriceLevel[] = [];
    for (let i = this.keys.length - 1; i >= 0 && out.length < maxLevels; i--) {
      const price = this.sign * (this.keys[i] as number);
      out.push({
        priceMicros: mirrored ? CONTRACT_PAYOUT_MICROS - price : price,
        quantity: this.sizes[i] as number,
      });
    }
    return out;
  }
}
