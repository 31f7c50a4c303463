import type { MarketSideId, TopOfBook } from '#domain/prices';
import type { PriceCache } from '../../ports/price-cache.ts';
import { checkedPrice, DEFAULT_TTL_MS, keyOf } from './price.ts';

export interface InMemoryPriceCacheOptions {
  /** How long an entry lives after it was written. */
  ttlMs?: number;
  /** The clock entries expire by (epoch ms); injected in tests. */
  nowMs?: () => number;
}

/** The price cache of one process (local mode, tests): the same contract as Redis, in a Map. */
export function createInMemoryPriceCache(opts: InMemoryPriceCacheOptions = {}): PriceCache {
  const ttlMs = opts.ttlMs ?? DEFAULT_TTL_MS;
  const nowMs = opts.nowMs ?? Date.now;
  const entries = new Map<string, { price: TopOfBook; expiresAtMs: number }>();
  const live = (key: string) => {
    const entry = entries.get(key);
    if (entry && entry.expiresAtMs <= nowMs()) {
      entries.delete(key);
      return undefined;
    }
    return entry?.price;
  };
  return {
    put: async (prices) => {
      for (const price of prices.map(checkedPrice)) {
        const key = keyOf(price);
        const held = live(key);
        if (held && held.observedAtMs > price.observedAtMs) continue;
        entries.set(key, { price: { ...price }, expiresAtMs: nowMs() + ttlMs });
      }
    },
    get: async (keys: readonly MarketSideId[]) =>
      keys.map((key) => {
        const price = live(keyOf(key));
        return price && { ...price };
      }),
    ping: async () => 'in-memory price cache (REDIS_URL unset)',
    close: async () => entries.clear(),
  };
}
