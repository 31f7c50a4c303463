import type { Side, Venue } from '#domain/names';

export type MarketSide = Side;

/** One side of one of our markets (`markets.id`): what the cache holds one latest price for. */
export interface MarketSideKey {
  marketId: string;
  side: MarketSide;
}

/** Top of book of a market side as last observed. Prices in micros of $1, sizes in hundredths of a contract. */
export interface LatestPrice extends MarketSideKey {
  venue: Venue;
  bidMicros: number | null;
  askMicros: number | null;
  bidSizeHundredths: number | null;
  askSizeHundredths: number | null;
  /** When the venue's book showed this (epoch ms): readers judge staleness by it, not by when it was cached. */
  observedAtMs: number;
}

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
  put(prices: readonly LatestPrice[]): Promise<void>;
  /** The latest price of each key, in the keys' order; undefined where none is held. */
  get(keys: readonly MarketSideKey[]): Promise<(LatestPrice | undefined)[]>;
  /** One round trip to the store, for health checks; resolves to a note ("in memory") or rejects when down. */
  ping(): Promise<string | undefined>;
  close(): Promise<void>;
}
