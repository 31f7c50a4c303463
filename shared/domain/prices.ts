import type { Side, Venue } from './names.ts';

/** One side of one of our markets (`markets.id`): what one latest price is kept for. */
export interface MarketSideId {
  marketId: string;
  side: Side;
}

/**
 * The top of one market side's book as its venue showed it: the shard plans it, the price cache holds the latest
 * one, `market_prices` stores the samples. Prices in micros of $1, sizes in hundredths of a contract; null where
 * the book had no level on that side.
 */
export interface TopOfBook extends MarketSideId {
  venue: Venue;
  bidMicros: number | null;
  askMicros: number | null;
  bidSizeHundredths: number | null;
  askSizeHundredths: number | null;
  /** When the venue's book showed this (epoch ms): readers judge staleness by it, not by when it was stored. */
  observedAtMs: number;
}
