/**
 * Polymarket's hot market-channel events (price_change, book, last_trade_price, best_bid_ask) read straight off the
 * raw text by `RawScan`, without JSON.parse, into the very events `parsePolymarketWsFrame`'s full path gives.
 * Anything else, or anything it is not sure of (a legacy spelling, a price written ".5", a duplicate key, a
 * malformed frame), gives undefined and the full path decides, errors included
 * (test/unit/venues/frame-scan.test.ts holds the two to agreement). Two readers: a lane per hot event for the
 * venue's own layout, compared against it a run of structure at a time (most frames), and, for any other key order
 * or spacing, a reader that takes the keys as they come.
 */
import { CONTRACT_PAYOUT_MICROS, type PriceLevel, parseScaledSpan } from '#domain';
import type { PolymarketPriceChange, PolymarketWsEvent } from '#domain/feed/events';
import { BAIL, type RawScan, scanWith, TextCache } from '../raw-scan.ts';

const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;
const DOT = 46;

/** "0.71" -> 710000 within [0, $1], as `polymarketPriceMicros` (".71" is left to it). */
function priceAt(s: RawScan): number {
  s.string();
  if (s.raw.charCodeAt(s.start) === DOT) throw BAIL;
  const micros = parseScaledSpan(s.raw, s.start, s.end, 6);
  if (micros === undefined || micros < 0 || micros > CONTRACT_PAYOUT_MICROS) throw BAIL;
  return micros;
}

/** "640.55" -> 64055, "12.345678" -> 1234 (floored), as `polymarketSizeHundredths`. */
function sizeAt(s: RawScan): number {
  s.string();
  const { raw, start, end } = s;
  const c = raw.charCodeAt(start);
  if (c < 48 || c > 57) throw BAIL;
  let cut = end;
  const dot = raw.indexOf('.', start);
  if (dot >= 0 && dot < end && end - dot > 3) {
    // Past hundredths only digits may follow; they are floored away.
    for (let i = dot + 3; i < end; i++) {
      const d = raw.charCodeAt(i);
      if (d < 48 || d > 57) throw BAIL;
    }
    cut = dot + 3;
  }
  const hundredths = parseScaledSpan(raw, start, cut, 2);
  if (hundredths === undefined || hundredths < 0) throw BAIL;
  return hundredths;
}

/** Epoch-ms digits ("1794700202562"), as the full path's `timestampMs`. */
function timestampAt(s: RawScan): number {
  s.string();
  const { raw, start, end } = s;
  if (end === start || end - start > 15) throw BAIL;
  let value = 0;
  for (let i = start; i < end; i++) {
    const d = raw.charCodeAt(i) - 48;
    if (d < 0 || d > 9) throw BAIL;
    value = value * 10 + d;
  }
  return value;
}

/** Market and token ids: a few dozen, each in frame after frame. */
const ids = new TextCache();

function idAt(s: RawScan): string {
  const text = s.cachedText(ids);
  if (text === '') throw BAIL;
  return text;
}

function bookSideAt(s: RawScan): 'bid' | 'ask' {
  s.string();
  if (s.is('BUY')) return 'bid';
  if (s.is('SELL')) return 'ask';
  throw BAIL;
}

const CHANGE_KEYS = ['asset_id', 'price', 'size', 'side', 'hash', 'best_bid', 'best_ask'];

function changesAt(s: RawScan): PolymarketPriceChange['changes'] {
  const out: PolymarketPriceChange['changes'] = [];
  s.expect(OPEN_ARRAY);
  if (s.take(CLOSE_ARRAY)) return out;
  do {
    let assetId: string | undefined;
    let book: 'bid' | 'ask' | undefined;
    let priceMicros: number | undefined;
    let sizeHundredths: number | undefined;
    let seen = 0;
    let next = 0;
    s.expect(OPEN_OBJECT);
    if (!s.take(CLOSE_OBJECT)) {
      do {
        const k = s.key(CHANGE_KEYS, next);
        if (k < 0) {
          s.skip(1);
          continue;
        }
        if (seen & (1 << k)) throw BAIL;
        seen |= 1 << k;
        next = k + 1;
        if (k === 0) assetId = idAt(s);
        else if (k === 1) priceMicros = priceAt(s);
        else if (k === 2) sizeHundredths = sizeAt(s);
        else if (k === 3) book = bookSideAt(s);
        else s.string();
      } while (s.more(CLOSE_OBJECT));
    }
    if (assetId === undefined || book === undefined || priceMicros === undefined || sizeHundredths === undefined) {
      throw BAIL;
    }
    out.push({ assetId, book, priceMicros, sizeHundredths });
  } while (s.more(CLOSE_ARRAY));
  return out;
}

const LEVEL_KEYS = ['price', 'size'];

/** A snapshot's `[{price, size}, ...]`; levels that floor to zero size are dropped, as the full path does. */
function levelsAt(s: RawScan): PriceLevel[] {
  const out: PriceLevel[] = [];
  s.expect(OPEN_ARRAY);
  if (s.take(CLOSE_ARRAY)) return out;
  do {
    let priceMicros: number | undefined;
    let quantity: number | undefined;
    s.expect(OPEN_OBJECT);
    if (!s.take(CLOSE_OBJECT)) {
      do {
        const k = s.key(LEVEL_KEYS, priceMicros === undefined ? 0 : 1);
        if (k < 0) s.skip(1);
        else if (k === 0 && priceMicros === undefined) priceMicros = priceAt(s);
        else if (k === 1 && quantity === undefined) quantity = sizeAt(s);
        else throw BAIL;
      } while (s.more(CLOSE_OBJECT));
    }
    if (priceMicros === undefined || quantity === undefined) throw BAIL;
    if (quantity > 0) out.push({ priceMicros, quantity });
  } while (s.more(CLOSE_ARRAY));
  return out;
}

/** The keys of an event object that one event type or another reads, or steps over in its usual order. */
const ITEM_KEYS = [
  'event_type',
  'market',
  'asset_id',
  'timestamp',
  'price_changes',
  'bids',
  'asks',
  'hash',
  'tick_size',
  'price',
  'size',
  'side',
  'best_bid',
  'best_ask',
  'buys',
  'sells',
  'last_trade_price',
  'fee_rate_bps',
  'transaction_hash',
  'spread',
];
const EVENT_TYPE = 0;
const MARKET = 1;
const ASSET_ID = 2;
const TIMESTAMP = 3;
const PRICE_CHANGES = 4;
const BIDS = 5;
const ASKS = 6;
const HASH = 7;
const TICK_SIZE = 8;
const PRICE = 9;
const SIZE = 10;
const SIDE = 11;
const BEST_BID = 12;
const BEST_ASK = 13;
const BUYS = 14;
const SELLS = 15;

type ItemType = 'price_change' | 'book' | 'last_trade_price' | 'best_bid_ask' | 'cold' | 'unused';

/**
 * The order each event type's keys come in: for each key, the one to try next. A `book` has its `event_type` near
 * the end, so its order is also the guess while the type is not known yet.
 */
function nextKeys(order: readonly string[]): Int8Array {
  const next = new Int8Array(ITEM_KEYS.length).fill(0);
  for (let i = 0; i + 1 < order.length; i++) {
    next[ITEM_KEYS.indexOf(order[i] as string)] = ITEM_KEYS.indexOf(order[i + 1] as string);
  }
  return next;
}
const BOOK_ORDER = nextKeys([
  'market',
  'asset_id',
  'timestamp',
  'hash',
  'bids',
  'asks',
  'tick_size',
  'event_type',
  'last_trade_price',
]);
const NEXT: Record<ItemType, Int8Array> = {
  price_change: nextKeys(['event_type', 'market', 'price_changes', 'timestamp']),
  book: BOOK_ORDER,
  last_trade_price: nextKeys([
    'event_type',
    'market',
    'asset_id',
    'fee_rate_bps',
    'price',
    'side',
    'size',
    'timestamp',
    'transaction_hash',
  ]),
  best_bid_ask: nextKeys(['event_type', 'market', 'asset_id', 'best_bid', 'best_ask', 'spread', 'timestamp']),
  cold: BOOK_ORDER,
  unused: BOOK_ORDER,
};

const COLD_TYPES = ['tick_size_change', 'market_resolved'];

function itemTypeOf(s: RawScan): ItemType {
  if (s.is('price_change')) return 'price_change';
  if (s.is('last_trade_price')) return 'last_trade_price';
  if (s.is('best_bid_ask')) return 'best_bid_ask';
  if (s.is('book')) return 'book';
  for (const t of COLD_TYPES) if (s.is(t)) return 'cold';
  return 'unused';
}

/** Where each key's value starts in the event object being read, -1 when absent (one object at a time). */
const at = new Int32Array(ITEM_KEYS.length);

/** Moves to key `k`'s value; false when the object has no such key. */
function seek(s: RawScan, k: number): boolean {
  const pos = at[k] as number;
  if (pos < 0) return false;
  s.pos = pos;
  return true;
}

function need(s: RawScan, k: number): void {
  if (!seek(s, k)) throw BAIL;
}

/**
 * One event object: its keys' places first (the values stepped over, checked), then, its type known, the values
 * that type reads; `price_changes` after a `price_change` type is read in the first pass.
 */
function readItem(s: RawScan): PolymarketWsEvent | undefined {
  at.fill(-1);
  let type: ItemType | undefined;
  let changes: PolymarketPriceChange['changes'] | undefined;
  // Read in the first pass once the type is known to be one that reads them (it mostly comes first).
  let conditionId: string | undefined;
  let assetId: string | undefined;
  let timestampMs: number | undefined;
  let next = EVENT_TYPE;
  s.expect(OPEN_OBJECT);
  if (s.take(CLOSE_OBJECT)) throw BAIL;
  do {
    const k = s.key(ITEM_KEYS, next);
    if (k < 0) {
      s.skip(1);
      continue;
    }
    if (at[k] !== -1) throw BAIL;
    s.peek();
    at[k] = s.pos;
    if (k === EVENT_TYPE) {
      s.string();
      type = itemTypeOf(s);
    } else if (type === undefined || type === 'unused' || type === 'cold') {
      s.skip(1);
    } else if (k === MARKET) {
      conditionId = idAt(s);
    } else if (k === TIMESTAMP) {
      timestampMs = timestampAt(s);
    } else if (k === ASSET_ID && type !== 'price_change') {
      assetId = idAt(s);
    } else if (k === PRICE_CHANGES && type === 'price_change') {
      changes = changesAt(s);
    } else {
      s.skip(1);
    }
    next = (NEXT[type ?? 'book'] as Int8Array)[k] as number;
  } while (s.more(CLOSE_OBJECT));
  if (type === undefined || type === 'cold') throw BAIL;
  if (type === 'unused') return undefined;

  const end = s.pos;
  let event: PolymarketWsEvent;
  if (conditionId === undefined) {
    need(s, MARKET);
    conditionId = idAt(s);
  }
  if (timestampMs === undefined) {
    need(s, TIMESTAMP);
    timestampMs = timestampAt(s);
  }
  if (type === 'price_change') {
    if (changes === undefined) {
      need(s, PRICE_CHANGES);
      changes = changesAt(s);
    }
    event = { type: 'polymarket_price_change', conditionId, timestampMs, changes };
  } else {
    if (assetId === undefined) {
      need(s, ASSET_ID);
      assetId = idAt(s);
    }
    if (type === 'book') {
      if (at[BUYS] !== -1 || at[SELLS] !== -1) throw BAIL;
      const hash = seek(s, HASH) ? s.text() : undefined;
      const tickSizeMicros = seek(s, TICK_SIZE) ? priceAt(s) : undefined;
      need(s, BIDS);
      const bids = levelsAt(s);
      need(s, ASKS);
      const asks = levelsAt(s);
      event = { type: 'polymarket_book', conditionId, assetId, timestampMs, bids, asks };
      if (hash !== undefined) event.hash = hash;
      if (tickSizeMicros !== undefined) event.tickSizeMicros = tickSizeMicros;
    } else if (type === 'last_trade_price') {
      if (seek(s, SIDE)) bookSideAt(s);
      need(s, PRICE);
      const priceMicros = priceAt(s);
      need(s, SIZE);
      const sizeHundredths = sizeAt(s);
      event = { type: 'polymarket_last_trade', conditionId, assetId, priceMicros, sizeHundredths, timestampMs };
    } else {
      const bestBidMicros = seek(s, BEST_BID) ? optionalPriceAt(s) : undefined;
      const bestAskMicros = seek(s, BEST_ASK) ? optionalPriceAt(s) : undefined;
      event = bestBidAsk(conditionId, assetId, bestBidMicros, bestAskMicros, timestampMs);
    }
  }
  s.pos = end;
  return event;
}

function bestBidAsk(
  conditionId: string,
  assetId: string,
  bestBidMicros: number | undefined,
  bestAskMicros: number | undefined,
  timestampMs: number,
): PolymarketWsEvent {
  return {
    type: 'polymarket_best_bid_ask',
    conditionId,
    assetId,
    ...(bestBidMicros === undefined ? {} : { bestBidMicros }),
    ...(bestAskMicros === undefined ? {} : { bestAskMicros }),
    timestampMs,
  };
}

/** "" or a zero price: that side is empty. */
function optionalPriceAt(s: RawScan): number | undefined {
  const start = s.pos;
  s.string();
  if (s.end === s.start) return undefined;
  s.pos = start;
  const micros = priceAt(s);
  return micros === 0 ? undefined : micros;
}

function readFrame(s: RawScan): PolymarketWsEvent[] {
  const events: PolymarketWsEvent[] = [];
  if (s.peek() !== OPEN_ARRAY) {
    const event = readItem(s);
    if (event !== undefined) events.push(event);
    return events;
  }
  s.pos++;
  if (s.take(CLOSE_ARRAY)) return events;
  do {
    const event = readItem(s);
    if (event !== undefined) events.push(event);
  } while (s.more(CLOSE_ARRAY));
  return events;
}

// ---------------------------------------------------------------------------------------------------------------
// Lanes: each hot event as the venue writes it, key for key, compact. Its structure is compared a run at a time
// (`lit`, one native compare) and its values read by the same readers as above; a frame that differs anywhere (keys
// reordered, added or missing, spaces) goes to `readFrame`, which reads any order.

const COMMA = 44;

function priceChangeLane(s: RawScan): PolymarketWsEvent[] {
  s.lit('{"event_type":"price_change","market":');
  const conditionId = idAt(s);
  s.lit(',"price_changes":[');
  const changes: PolymarketPriceChange['changes'] = [];
  if (!s.take(CLOSE_ARRAY)) {
    do {
      s.lit('{"asset_id":');
      const assetId = idAt(s);
      s.lit(',"price":');
      const priceMicros = priceAt(s);
      s.lit(',"size":');
      const sizeHundredths = sizeAt(s);
      s.lit(',"side":');
      const book = bookSideAt(s);
      s.lit(',"hash":');
      s.string();
      s.lit(',"best_bid":');
      s.string();
      s.lit(',"best_ask":');
      s.string();
      s.expect(CLOSE_OBJECT);
      changes.push({ assetId, book, priceMicros, sizeHundredths });
    } while (s.take(COMMA));
    s.expect(CLOSE_ARRAY);
  }
  s.lit(',"timestamp":');
  const timestampMs = timestampAt(s);
  s.expect(CLOSE_OBJECT);
  return [{ type: 'polymarket_price_change', conditionId, timestampMs, changes }];
}

function lastTradeLane(s: RawScan): PolymarketWsEvent[] {
  s.lit('{"event_type":"last_trade_price","market":');
  const conditionId = idAt(s);
  s.lit(',"asset_id":');
  const assetId = idAt(s);
  s.lit(',"fee_rate_bps":');
  s.string();
  s.lit(',"price":');
  const priceMicros = priceAt(s);
  s.lit(',"side":');
  bookSideAt(s);
  s.lit(',"size":');
  const sizeHundredths = sizeAt(s);
  s.lit(',"timestamp":');
  const timestampMs = timestampAt(s);
  s.lit(',"transaction_hash":');
  s.string();
  s.expect(CLOSE_OBJECT);
  return [{ type: 'polymarket_last_trade', conditionId, assetId, priceMicros, sizeHundredths, timestampMs }];
}

function bestBidAskLane(s: RawScan): PolymarketWsEvent[] {
  s.lit('{"event_type":"best_bid_ask","market":');
  const conditionId = idAt(s);
  s.lit(',"asset_id":');
  const assetId = idAt(s);
  s.lit(',"best_bid":');
  const bestBidMicros = optionalPriceAt(s);
  s.lit(',"best_ask":');
  const bestAskMicros = optionalPriceAt(s);
  s.lit(',"spread":');
  s.string();
  s.lit(',"timestamp":');
  const timestampMs = timestampAt(s);
  s.expect(CLOSE_OBJECT);
  return [bestBidAsk(conditionId, assetId, bestBidMicros, bestAskMicros, timestampMs)];
}

function levelsLane(s: RawScan): PriceLevel[] {
  const out: PriceLevel[] = [];
  s.expect(OPEN_ARRAY);
  if (s.take(CLOSE_ARRAY)) return out;
  do {
    s.lit('{"price":');
    const priceMicros = priceAt(s);
    s.lit(',"size":');
    const quantity = sizeAt(s);
    s.expect(CLOSE_OBJECT);
    if (quantity > 0) out.push({ priceMicros, quantity });
  } while (s.take(COMMA));
  s.expect(CLOSE_ARRAY);
  return out;
}

/** A `book` event: its `event_type` near the end, as the venue writes it. */
function bookLaneItem(s: RawScan): PolymarketWsEvent {
  s.lit('{"market":');
  const conditionId = idAt(s);
  s.lit(',"asset_id":');
  const assetId = idAt(s);
  s.lit(',"timestamp":');
  const timestampMs = timestampAt(s);
  s.lit(',"hash":');
  const hash = s.text();
  s.lit(',"bids":');
  const bids = levelsLane(s);
  s.lit(',"asks":');
  const asks = levelsLane(s);
  s.lit(',"tick_size":');
  const tickSizeMicros = priceAt(s);
  s.lit(',"event_type":"book","last_trade_price":');
  s.string();
  s.expect(CLOSE_OBJECT);
  const event: PolymarketWsEvent = { type: 'polymarket_book', conditionId, assetId, timestampMs, bids, asks };
  event.hash = hash;
  event.tickSizeMicros = tickSizeMicros;
  return event;
}

/** A `book` event, or an array of them (as on subscribing: one per token). */
function bookLane(s: RawScan): PolymarketWsEvent[] {
  const events: PolymarketWsEvent[] = [];
  if (!s.take(OPEN_ARRAY)) {
    events.push(bookLaneItem(s));
    return events;
  }
  do events.push(bookLaneItem(s));
  while (s.take(COMMA));
  s.expect(CLOSE_ARRAY);
  return events;
}

const TYPE_LETTER = '{"event_type":"'.length;

/**
 * The lane a frame's first characters point to, if any (the lane checks them all; `startsWith` costs more than a
 * look at a few characters).
 */
function laneOf(raw: string): ((s: RawScan) => PolymarketWsEvent[]) | undefined {
  // (Never a read past the end: see `RawScan.peek`.)
  if (raw.length < 32) return undefined;
  const c = raw.charCodeAt(2);
  if (c === 101 /* {"e */ && raw.charCodeAt(TYPE_LETTER - 1) === 34) {
    const t = raw.charCodeAt(TYPE_LETTER);
    if (t === 112 /* p */) return priceChangeLane;
    if (t === 108 /* l */) return lastTradeLane;
    if (t === 98 /* b */) return bestBidAskLane;
    return undefined;
  }
  return c === 109 /* {"m */ || (c === 34 && raw.charCodeAt(3) === 109) /* [{"m */ ? bookLane : undefined;
}

/** A frame read by its lane alone, or undefined (no lane for it, or it differs from the lane's layout). */
export function scanPolymarketWsLane(raw: string): PolymarketWsEvent[] | undefined {
  const lane = laneOf(raw);
  return lane === undefined ? undefined : scanWith(raw, lane);
}

/** The events of a frame read off its raw text, or undefined: "ask the full parser". */
export function scanPolymarketWsFrame(raw: string): PolymarketWsEvent[] | undefined {
  return scanPolymarketWsLane(raw) ?? scanWith(raw, readFrame);
}
