/**
 * What the venue and game-state parsers hand the game shard: the venues' wire messages as domain events, prices in
 * integer micros and sizes in integer hundredths (parsed from the decimal strings, never through a float). The
 * parsers live in shared/adapters/venues; the shard's books and decisions in shared/domain/shard.
 */
import type { Side } from '../names.ts';
import type { PriceLevel } from '../order-book.ts';
import type { Sport } from '../win-probability.ts';

/** Where a recorded line came from (the record format's `source`). */
export const feedSources = ['kalshi_ws', 'polymarket_ws', 'espn', 'kalshi_rest', 'polymarket_gamma'] as const;
export type FeedSource = (typeof feedSources)[number];

/** One recorded raw message: `{"t", "source", "path"?, "raw"}`, one JSON object per JSONL line. */
export interface FeedLine {
  /** Receive time, epoch ms. */
  t: number;
  source: FeedSource;
  /** The REST path (with query) a `*_rest`, `*_gamma` or `espn` line answered. */
  path?: string;
  /** The message exactly as received. */
  raw: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Kalshi WebSocket (REFERENCE.md 1.6)

/** `orderbook_snapshot`: the bids of both sides of one market (each side's asks are the other side's bids mirrored). */
export interface KalshiBookSnapshot {
  type: 'kalshi_snapshot';
  sid: number;
  seq: number;
  ticker: string;
  yesBids: PriceLevel[];
  noBids: PriceLevel[];
}

/** `orderbook_delta`: add `deltaHundredths` (signed) to the bid level at `priceMicros` of `side`; 0 drops it. */
export interface KalshiBookDelta {
  type: 'kalshi_delta';
  sid: number;
  seq: number;
  ticker: string;
  side: Side;
  priceMicros: number;
  deltaHundredths: number;
  /** Which field names carried it: `price_dollars`/`delta_fp` (current) or `price`/`delta` (seen in the wild). */
  spelling: 'dollars_fp' | 'plain';
  tsMs?: number;
}

export interface KalshiTicker {
  type: 'kalshi_ticker';
  sid: number;
  ticker: string;
  yesBidMicros?: number;
  yesAskMicros?: number;
  lastPriceMicros?: number;
  tsMs?: number;
}

export interface KalshiTrade {
  type: 'kalshi_trade';
  sid: number;
  ticker: string;
  yesPriceMicros: number;
  countHundredths: number;
  takerSide?: Side;
  tsMs?: number;
}

/** `subscribed`, `unsubscribed`, `ok` and `error` answers to our commands. */
export interface KalshiControl {
  type: 'kalshi_control';
  kind: 'subscribed' | 'unsubscribed' | 'ok' | 'error';
  id?: number;
  sid?: number;
  channel?: string;
  errorCode?: number;
  errorMessage?: string;
}

export type KalshiWsEvent = KalshiBookSnapshot | KalshiBookDelta | KalshiTicker | KalshiTrade | KalshiControl;

// ---------------------------------------------------------------------------------------------------------------
// Polymarket market WebSocket (REFERENCE.md 2.6). One outcome token is one book; `assetId` is the token id.

/** `book`: a full snapshot of one token's book. */
export interface PolymarketBookSnapshot {
  type: 'polymarket_book';
  conditionId: string;
  assetId: string;
  timestampMs: number;
  hash?: string;
  bids: PriceLevel[];
  asks: PriceLevel[];
  tickSizeMicros?: number;
}

/** `price_change`: each change sets a level's new aggregate size (not a delta); 0 removes the level. */
export interface PolymarketPriceChange {
  type: 'polymarket_price_change';
  conditionId: string;
  timestampMs: number;
  changes: { assetId: string; book: 'bid' | 'ask'; priceMicros: number; sizeHundredths: number }[];
}

export interface PolymarketTickSizeChange {
  type: 'polymarket_tick_size_change';
  conditionId: string;
  assetId: string;
  tickSizeMicros: number;
  timestampMs: number;
}

export interface PolymarketLastTrade {
  type: 'polymarket_last_trade';
  conditionId: string;
  assetId: string;
  priceMicros: number;
  sizeHundredths: number;
  timestampMs: number;
}

export interface PolymarketBestBidAsk {
  type: 'polymarket_best_bid_ask';
  conditionId: string;
  assetId: string;
  bestBidMicros?: number;
  bestAskMicros?: number;
  timestampMs: number;
}

export interface PolymarketMarketResolved {
  type: 'polymarket_market_resolved';
  conditionId: string;
  winningAssetId?: string;
  timestampMs: number;
}

export type PolymarketWsEvent =
  | PolymarketBookSnapshot
  | PolymarketPriceChange
  | PolymarketTickSizeChange
  | PolymarketLastTrade
  | PolymarketBestBidAsk
  | PolymarketMarketResolved;

// ---------------------------------------------------------------------------------------------------------------
// Discovery (REST): what the matcher needs of each venue market.

export interface KalshiMarketInfo {
  ticker: string;
  eventTicker: string;
  /** `KXNBAGAME` etc.: the ticker's first segment. */
  seriesTicker: string;
  marketType: 'binary' | 'scalar';
  title: string;
  yesSubTitle: string;
  noSubTitle: string;
  status: string;
  rulesPrimary: string;
  rulesSecondary: string;
  /** The tick at each price: `price_ranges` resolved; a single entry for `linear_cent`. */
  priceRanges: { startMicros: number; endMicros: number; stepMicros: number }[];
  fractionalTrading: boolean;
  /** ISO-8601. */
  closeTime?: string;
  occurrenceTime?: string;
  result?: string;
}

export interface PolymarketMarketInfo {
  gammaId: string;
  conditionId: string;
  slug: string;
  question: string;
  description: string;
  /** The two outcome names, in the venue's order, with their token ids at the same index. */
  outcomes: [string, string];
  tokenIds: [string, string];
  /** `moneyline`, `spreads`, `totals`, `first_half_moneyline`, ...; absent on non-sports markets. */
  sportsMarketType?: string;
  negRisk: boolean;
  negRiskAugmented: boolean;
  active: boolean;
  closed: boolean;
  acceptingOrders: boolean;
  /** Taker fee: shares x rate x (p(1-p))^exponent; rate 0 when fees are off. */
  fee: { rate: number; exponent: number };
  tickSizeMicros: number;
  minOrderSizeHundredths: number;
  /** `gameStartTime` as epoch ms, when given. */
  gameStartMs?: number;
  eventSlug?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Game state (ESPN scoreboard, REFERENCE.md 3): one event per game, competitors chosen by `homeAway`.

export interface ObservedCompetitor {
  espnTeamId: string;
  abbreviation: string;
  displayName: string;
  score: number;
}

export interface GameStateEvent {
  type: 'game_state';
  sport: Sport;
  espnEventId: string;
  /** Scheduled start, epoch ms. */
  startsAtMs: number;
  status: 'scheduled' | 'in_progress' | 'final' | 'postponed' | 'cancelled';
  period: number;
  clockSeconds: number;
  /** What the win-probability model reads: regulation seconds left, or the overtime clock. */
  secondsRemaining: number;
  home: ObservedCompetitor;
  away: ObservedCompetitor;
}
