/**
 * Kalshi and Polymarket WebSocket messages in the venues' wire formats (REFERENCE.md 1.6, 2.6; shapes copied from
 * the fixtures): decimal strings written from integer micros and hundredths, never through a float.
 */
import { CONTRACT_PAYOUT_MICROS } from '#domain/units';
import type { Book } from './books.ts';

/** Micros as a dollar string with `decimals` places: 690000 -> "0.6900". */
export function dollars(micros: number, decimals = 4): string {
  const sign = micros < 0 ? '-' : '';
  const abs = Math.abs(micros);
  const whole = Math.floor(abs / 1_000_000);
  const fraction = String(abs % 1_000_000)
    .padStart(6, '0')
    .slice(0, decimals);
  return `${sign}${whole}.${fraction}`;
}

/** Hundredths as Kalshi's `_fp` string: 27500 -> "275.00". */
export function fp(hundredths: number): string {
  const sign = hundredths < 0 ? '-' : '';
  const abs = Math.abs(hundredths);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Polymarket's shortest decimal: 700000 -> "0.7", 64055 hundredths -> "640.55". */
export function trimmed(value: number, scaleDigits: number): string {
  const scale = 10 ** scaleDigits;
  const whole = Math.floor(value / scale);
  const fraction = String(value % scale)
    .padStart(scaleDigits, '0')
    .replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : String(whole);
}

export const polyPrice = (micros: number) => trimmed(micros, 6);
export const polySize = (hundredths: number) => trimmed(hundredths, 2);

const iso = (ms: number) => new Date(ms).toISOString();

export interface KalshiMarketRef {
  ticker: string;
  marketId: string;
}

/** Kalshi publishes bids only: YES bids, and NO bids at $1 - each YES ask, both ascending (best last). */
export function kalshiSnapshot(market: KalshiMarketRef, book: Book, sid: number, seq: number): string {
  const msg: Record<string, unknown> = { market_ticker: market.ticker, market_id: market.marketId };
  const yes = [...book.bids].sort((a, b) => a[0] - b[0]).map(([p, q]) => [dollars(p), fp(q)]);
  const no = [...book.asks]
    .map(([p, q]) => [CONTRACT_PAYOUT_MICROS - p, q] as const)
    .sort((a, b) => a[0] - b[0])
    .map(([p, q]) => [dollars(p), fp(q)]);
  // Each side's key is left out when that side is empty.
  if (yes.length > 0) msg.yes_dollars_fp = yes;
  if (no.length > 0) msg.no_dollars_fp = no;
  return JSON.stringify({ type: 'orderbook_snapshot', sid, seq, msg });
}

export interface KalshiDeltaInput {
  market: KalshiMarketRef;
  sid: number;
  seq: number;
  side: 'yes' | 'no';
  priceMicros: number;
  deltaHundredths: number;
  tsMs: number;
  /** The legacy `price` (cents) / `delta` (contracts) spelling still seen in the wild. */
  plain: boolean;
}

export function kalshiDelta(d: KalshiDeltaInput): string {
  const msg = d.plain
    ? {
        market_ticker: d.market.ticker,
        market_id: d.market.marketId,
        price: d.priceMicros / 10_000,
        delta: d.deltaHundredths / 100,
        side: d.side,
        ts_ms: d.tsMs,
      }
    : {
        market_ticker: d.market.ticker,
        market_id: d.market.marketId,
        price_dollars: dollars(d.priceMicros),
        delta_fp: fp(d.deltaHundredths),
        side: d.side,
        ts: iso(d.tsMs),
        ts_ms: d.tsMs,
      };
  return JSON.stringify({ type: 'orderbook_delta', sid: d.sid, seq: d.seq, msg });
}

export function kalshiSubscribed(id: number, channel: string, sid: number): string {
  return JSON.stringify({ id, type: 'subscribed', msg: { channel, sid } });
}

export interface KalshiTickerInput {
  market: KalshiMarketRef;
  sid: number;
  book: Book;
  lastPriceMicros: number;
  volumeHundredths: number;
  openInterestHundredths: number;
  lastTradeHundredths: number;
  tsMs: number;
}

export function kalshiTicker(k: KalshiTickerInput): string {
  const bid = k.book.bestBid();
  const ask = k.book.bestAsk();
  return JSON.stringify({
    type: 'ticker',
    sid: k.sid,
    msg: {
      market_ticker: k.market.ticker,
      market_id: k.market.marketId,
      price_dollars: dollars(k.lastPriceMicros),
      yes_bid_dollars: dollars(bid ?? 0),
      yes_ask_dollars: dollars(ask ?? CONTRACT_PAYOUT_MICROS),
      volume_fp: fp(k.volumeHundredths),
      open_interest_fp: fp(k.openInterestHundredths),
      dollar_volume: Math.round(((k.volumeHundredths / 100) * k.lastPriceMicros) / 1_000_000),
      dollar_open_interest: Math.round(((k.openInterestHundredths / 100) * k.lastPriceMicros) / 1_000_000),
      yes_bid_size_fp: fp(bid === undefined ? 0 : (k.book.bids.get(bid) ?? 0)),
      yes_ask_size_fp: fp(ask === undefined ? 0 : (k.book.asks.get(ask) ?? 0)),
      last_trade_size_fp: fp(k.lastTradeHundredths),
      ts: Math.floor(k.tsMs / 1000),
      ts_ms: k.tsMs,
      time: iso(k.tsMs),
    },
  });
}

export interface KalshiTradeInput {
  market: KalshiMarketRef;
  sid: number;
  tradeId: string;
  yesPriceMicros: number;
  countHundredths: number;
  takerOutcomeSide: 'yes' | 'no';
  tsMs: number;
}

export function kalshiTrade(t: KalshiTradeInput): string {
  return JSON.stringify({
    type: 'trade',
    sid: t.sid,
    msg: {
      trade_id: t.tradeId,
      market_ticker: t.market.ticker,
      yes_price_dollars: dollars(t.yesPriceMicros),
      no_price_dollars: dollars(CONTRACT_PAYOUT_MICROS - t.yesPriceMicros),
      count_fp: fp(t.countHundredths),
      taker_side: t.takerOutcomeSide,
      taker_outcome_side: t.takerOutcomeSide,
      taker_book_side: t.takerOutcomeSide === 'yes' ? 'bid' : 'ask',
      ts: Math.floor(t.tsMs / 1000),
      ts_ms: t.tsMs,
    },
  });
}

export interface PolymarketRef {
  conditionId: string;
  /** The token whose book is the simulator's book (its primary outcome) and the complementary token. */
  primaryToken: string;
  otherToken: string;
}

interface TokenLevels {
  bids: [number, number][];
  asks: [number, number][];
}

/** The primary token's book and its complement: a bid at p on one token is an ask at 1 - p on the other. */
function tokenLevels(book: Book): { primary: TokenLevels; other: TokenLevels } {
  const bids = [...book.bids];
  const asks = [...book.asks];
  const mirror = (levels: [number, number][]) =>
    levels.map(([p, q]) => [CONTRACT_PAYOUT_MICROS - p, q] as [number, number]);
  return { primary: { bids, asks }, other: { bids: mirror(asks), asks: mirror(bids) } };
}

function bookObject(
  ref: PolymarketRef,
  assetId: string,
  levels: TokenLevels,
  tickMicros: number,
  tsMs: number,
  hash: string,
  lastTradeMicros: number,
) {
  // Wire order as captured: bids ascending and asks descending, so the best of each is last.
  return {
    market: ref.conditionId,
    asset_id: assetId,
    timestamp: String(tsMs),
    hash,
    bids: [...levels.bids].sort((a, b) => a[0] - b[0]).map(([p, q]) => ({ price: polyPrice(p), size: polySize(q) })),
    asks: [...levels.asks].sort((a, b) => b[0] - a[0]).map(([p, q]) => ({ price: polyPrice(p), size: polySize(q) })),
    tick_size: polyPrice(tickMicros),
    event_type: 'book',
    last_trade_price: dollars(lastTradeMicros, 3),
  };
}

/** Both tokens' `book` events; an array frame, as on subscribe. */
export function polymarketBooks(
  ref: PolymarketRef,
  book: Book,
  tsMs: number,
  hashes: [string, string],
  lastTradeMicros: number,
): string {
  const { primary, other } = tokenLevels(book);
  return JSON.stringify([
    bookObject(ref, ref.otherToken, other, book.tickMicros, tsMs, hashes[0], CONTRACT_PAYOUT_MICROS - lastTradeMicros),
    bookObject(ref, ref.primaryToken, primary, book.tickMicros, tsMs, hashes[1], lastTradeMicros),
  ]);
}

export interface LevelChange {
  /** In the primary token's terms. */
  book: 'bid' | 'ask';
  priceMicros: number;
  /** The new aggregate size at that level; 0 removes it. */
  sizeHundredths: number;
}

/** One `price_change` carrying each change on both tokens (the book is shared between the complements). */
export function polymarketPriceChange(
  ref: PolymarketRef,
  book: Book,
  changes: readonly LevelChange[],
  tsMs: number,
  hash: () => string,
): string {
  const bid = book.bestBid();
  const ask = book.bestAsk();
  const primaryBest = { best_bid: polyPrice(bid ?? 0), best_ask: polyPrice(ask ?? CONTRACT_PAYOUT_MICROS) };
  const otherBest = {
    best_bid: polyPrice(ask === undefined ? 0 : CONTRACT_PAYOUT_MICROS - ask),
    best_ask: polyPrice(bid === undefined ? CONTRACT_PAYOUT_MICROS : CONTRACT_PAYOUT_MICROS - bid),
  };
  const price_changes = changes.flatMap((c) => [
    {
      asset_id: ref.primaryToken,
      price: polyPrice(c.priceMicros),
      size: polySize(c.sizeHundredths),
      side: c.book === 'bid' ? 'BUY' : 'SELL',
      hash: hash(),
      ...primaryBest,
    },
    {
      asset_id: ref.otherToken,
      price: polyPrice(CONTRACT_PAYOUT_MICROS - c.priceMicros),
      size: polySize(c.sizeHundredths),
      side: c.book === 'bid' ? 'SELL' : 'BUY',
      hash: hash(),
      ...otherBest,
    },
  ]);
  return JSON.stringify({ event_type: 'price_change', market: ref.conditionId, price_changes, timestamp: String(tsMs) });
}

export function polymarketLastTrade(
  ref: PolymarketRef,
  assetId: string,
  priceMicros: number,
  sizeHundredths: number,
  feeRateBps: number,
  tsMs: number,
  txHash: string,
): string {
  return JSON.stringify({
    event_type: 'last_trade_price',
    market: ref.conditionId,
    asset_id: assetId,
    fee_rate_bps: String(feeRateBps),
    price: polyPrice(priceMicros),
    side: 'BUY',
    size: polySize(sizeHundredths),
    timestamp: String(tsMs),
    transaction_hash: txHash,
  });
}

export function polymarketBestBidAsk(ref: PolymarketRef, book: Book, tsMs: number): string | undefined {
  const bid = book.bestBid();
  const ask = book.bestAsk();
  if (bid === undefined || ask === undefined) return undefined;
  return JSON.stringify({
    event_type: 'best_bid_ask',
    market: ref.conditionId,
    asset_id: ref.primaryToken,
    best_bid: polyPrice(bid),
    best_ask: polyPrice(ask),
    spread: polyPrice(ask - bid),
    timestamp: String(tsMs),
  });
}

export function polymarketTickSizeChange(ref: PolymarketRef, assetId: string, from: number, to: number, tsMs: number) {
  return JSON.stringify({
    event_type: 'tick_size_change',
    market: ref.conditionId,
    asset_id: assetId,
    old_tick_size: polyPrice(from),
    new_tick_size: polyPrice(to),
    timestamp: String(tsMs),
  });
}

export function polymarketResolved(ref: PolymarketRef, winningToken: string, winningOutcome: string, tsMs: number) {
  return JSON.stringify({
    event_type: 'market_resolved',
    market: ref.conditionId,
    winning_asset_id: winningToken,
    winning_outcome: winningOutcome,
    assets_ids: [ref.otherToken, ref.primaryToken],
    timestamp: String(tsMs),
  });
}
