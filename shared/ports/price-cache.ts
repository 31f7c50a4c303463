import type { MarketSideId, TopOfBook } from '#domain/prices';

/**
 * The latest price per market side: written by the game shard on every book change, read by whoever needs the price
 * now (ElastiCache in AWS, in memory locally). An entry expires some time after it was written, so markets that went
 * quiet do not stay forever.
 */
export interface PriceCache {
  /**
   * Stores each price unless the cache already holds a later observation of its market side (prices can arrive out
   * of order); of two prices of one side in a call, the later observation wins.
   */
  put(prices: readonly TopOfBook[]): Promise<void>;
  /** The latest price of each key, in the keys' order; undefined where none is held. */
  get(keys: readonly MarketSideId[]): Promise<(TopOfBook | undefined)[]>;
  /** One round trip to the store, for health checks; resolves to a note ("in memory") or rejects when down. */
  ping(): Promise<string | undefined>;
  close(): Promise<void>;
}
