/**
 * Kalshi's hot WebSocket frames (orderbook_delta in both spellings, orderbook_snapshot, ticker, trade) read
 * straight off the raw text by `RawScan`, without JSON.parse, into the very events `parseKalshiWsFrame`'s full path
 * gives. Anything else, or anything it is not sure of (a legacy spelling, a value out of range, a duplicate key, a
 * malformed frame), gives undefined and the full path decides, errors included
 * (test/unit/venues/frame-scan.test.ts holds the two to agreement). Two readers: a lane per hot event for the
 * venue's own layout, compared against it a run of structure at a time (most frames), and, for any other key order
 * or spacing, a reader that takes the keys as they come.
 */
import { CONTRACT_PAYOUT_MICROS, type PriceLevel, parseScaledSpan } from '#domain';
import type { KalshiWsEvent } from '#domain/feed/events';
import type { Side } from '#domain/names';
import { BAIL, type RawScan, scanWith, TextCache } from '../raw-scan.ts';

const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;
const COMMA = 44;

/** The frame types read here; `control`: our commands' answers, left to the full path; `unused`: no event. */
type Kind = BodyKind | 'control' | 'unused';
type BodyKind = 'delta' | 'snapshot' | 'ticker' | 'trade';

const CONTROL_TYPES = ['subscribed', 'unsubscribed', 'ok', 'error'];

function kindOf(s: RawScan): Kind {
  if (s.is('orderbook_delta')) return 'delta';
  if (s.is('ticker')) return 'ticker';
  if (s.is('trade')) return 'trade';
  if (s.is('orderbook_snapshot')) return 'snapshot';
  for (const t of CONTROL_TYPES) if (s.is(t)) return 'control';
  return 'unused';
}

/** What a message body carried, for any of the kinds (a class: one shape, whatever the kind sets). */
class Msg {
  ticker: string | undefined = undefined;
  side: Side | undefined = undefined;
  priceMicros: number | undefined = undefined;
  deltaHundredths: number | undefined = undefined;
  tsMs: number | undefined = undefined;
  yesBids: PriceLevel[] | undefined = undefined;
  noBids: PriceLevel[] | undefined = undefined;
  yesBidMicros: number | undefined = undefined;
  yesAskMicros: number | undefined = undefined;
  lastPriceMicros: number | undefined = undefined;
  countHundredths: number | undefined = undefined;
  takerOutcomeSide: Side | undefined = undefined;
  takerSide: Side | undefined = undefined;
  /** Where a delta's `price` / `delta` spelling starts: read only when the current spelling is absent. */
  plainPriceAt: number | undefined = undefined;
  plainDeltaAt: number | undefined = undefined;
}

/** "0.5600" -> 560000 within $0..$1, as `priceFromDollars`. */
function price(s: RawScan): number {
  s.string();
  const micros = parseScaledSpan(s.raw, s.start, s.end, 6);
  if (micros === undefined || micros < 0 || micros > CONTRACT_PAYOUT_MICROS) throw BAIL;
  return micros;
}

/** "10.00" -> 1000, as `countFromFp`. */
function count(s: RawScan, signed: boolean): number {
  s.string();
  const hundredths = parseScaledSpan(s.raw, s.start, s.end, 2);
  if (hundredths === undefined || (!signed && hundredths < 0)) throw BAIL;
  return hundredths;
}

function side(s: RawScan): Side {
  s.string();
  if (s.is('yes')) return 'yes';
  if (s.is('no')) return 'no';
  throw BAIL;
}

/** Market tickers and ids: a few dozen, each in frame after frame. */
const ids = new TextCache();

function ticker(s: RawScan): string {
  const text = s.cachedText(ids);
  if (text === '') throw BAIL;
  return text;
}

/** `[["0.5600", "10.00"], ...]` */
function levels(s: RawScan): PriceLevel[] {
  const out: PriceLevel[] = [];
  s.expect(OPEN_ARRAY);
  if (s.take(CLOSE_ARRAY)) return out;
  do {
    s.expect(OPEN_ARRAY);
    const priceMicros = price(s);
    s.expect(COMMA);
    const quantity = count(s, false);
    s.expect(CLOSE_ARRAY);
    out.push({ priceMicros, quantity });
  } while (s.more(CLOSE_ARRAY));
  return out;
}

/**
 * Per kind, the keys of `msg` in the order the venue writes them (the scanner tries the next one first), those read
 * and those stepped over alike, then the legacy spellings, which leave the frame to the full path.
 */
const KEYS: Record<BodyKind, { keys: string[]; legacyFrom: number }> = {
  delta: {
    keys: [
      'market_ticker',
      'market_id',
      'price_dollars',
      'delta_fp',
      'side',
      'client_order_id',
      'ts',
      'ts_ms',
      'price',
      'delta',
    ],
    legacyFrom: 10,
  },
  snapshot: { keys: ['market_ticker', 'market_id', 'yes_dollars_fp', 'no_dollars_fp', 'yes', 'no'], legacyFrom: 4 },
  ticker: {
    keys: [
      'market_ticker',
      'market_id',
      'price_dollars',
      'yes_bid_dollars',
      'yes_ask_dollars',
      'volume_fp',
      'open_interest_fp',
      'dollar_volume',
      'dollar_open_interest',
      'yes_bid_size_fp',
      'yes_ask_size_fp',
      'last_trade_size_fp',
      'ts',
      'ts_ms',
      'time',
      'price',
      'yes_bid',
      'yes_ask',
    ],
    legacyFrom: 15,
  },
  trade: {
    keys: [
      'trade_id',
      'market_ticker',
      'yes_price_dollars',
      'no_price_dollars',
      'count_fp',
      'taker_side',
      'taker_outcome_side',
      'taker_book_side',
      'ts',
      'ts_ms',
      'yes_price',
      'count',
    ],
    legacyFrom: 10,
  },
};

function readMsg(s: RawScan, kind: BodyKind): Msg {
  const { keys, legacyFrom } = KEYS[kind];
  const msg = new Msg();
  let seen = 0;
  let next = 0;
  s.expect(OPEN_OBJECT);
  if (s.take(CLOSE_OBJECT)) return msg;
  do {
    const k = s.key(keys, next);
    if (k < 0) {
      s.skip(1);
      continue;
    }
    if (k >= legacyFrom || seen & (1 << k)) throw BAIL;
    seen |= 1 << k;
    next = k + 1;
    switch (keys[k]) {
      case 'market_ticker':
        msg.ticker = ticker(s);
        break;
      case 'ts_ms':
        msg.tsMs = s.uint();
        break;
      case 'side':
        msg.side = side(s);
        break;
      case 'price_dollars':
        if (kind === 'delta') msg.priceMicros = price(s);
        else msg.lastPriceMicros = price(s);
        break;
      case 'delta_fp':
        msg.deltaHundredths = count(s, true);
        break;
      case 'price':
        s.peek();
        msg.plainPriceAt = s.pos;
        s.skip(1);
        break;
      case 'delta':
        s.peek();
        msg.plainDeltaAt = s.pos;
        s.skip(1);
        break;
      case 'yes_dollars_fp':
        msg.yesBids = levels(s);
        break;
      case 'no_dollars_fp':
        msg.noBids = levels(s);
        break;
      case 'yes_bid_dollars':
        msg.yesBidMicros = price(s);
        break;
      case 'yes_ask_dollars':
        msg.yesAskMicros = price(s);
        break;
      case 'yes_price_dollars':
        msg.priceMicros = price(s);
        break;
      case 'count_fp':
        msg.countHundredths = count(s, false);
        break;
      case 'taker_outcome_side':
        msg.takerOutcomeSide = side(s);
        break;
      case 'taker_side':
        msg.takerSide = side(s);
        break;
      default:
        s.skip(1);
    }
  } while (s.more(CLOSE_OBJECT));
  return msg;
}

const TOP_KEYS = ['type', 'sid', 'seq', 'msg'];

function readFrame(s: RawScan): KalshiWsEvent[] {
  let kind: Kind | undefined;
  let sid: number | undefined;
  let seq: number | undefined;
  let msg: Msg | undefined;
  /** Where `msg` starts when it came before `type`: read again once the type is known. */
  let msgAt = -1;
  let seen = 0;
  let next = 0;
  s.expect(OPEN_OBJECT);
  if (s.take(CLOSE_OBJECT)) throw BAIL;
  do {
    const k = s.key(TOP_KEYS, next);
    if (k < 0) {
      s.skip(1);
      continue;
    }
    if (seen & (1 << k)) throw BAIL;
    seen |= 1 << k;
    next = k + 1;
    if (k === 0) {
      s.string();
      kind = kindOf(s);
      if (kind === 'control') throw BAIL;
    } else if (k === 1) {
      sid = s.uint();
    } else if (k === 2) {
      seq = s.uint();
    } else if (kind === undefined || kind === 'unused' || kind === 'control') {
      msgAt = s.pos;
      s.skip(1);
    } else {
      msg = readMsg(s, kind);
    }
  } while (s.more(CLOSE_OBJECT));
  if (kind === undefined) throw BAIL;
  if (kind === 'unused') return [];
  if (kind === 'control') throw BAIL;
  if (msg === undefined && msgAt >= 0) {
    const end = s.pos;
    s.pos = msgAt;
    msg = readMsg(s, kind);
    s.pos = end;
  }
  if (msg?.ticker === undefined || sid === undefined) throw BAIL;
  const { ticker: t } = msg;
  switch (kind) {
    case 'delta':
      if (seq === undefined || msg.side === undefined) throw BAIL;
      if (msg.priceMicros === undefined && msg.deltaHundredths === undefined) return [plainDelta(s, sid, seq, t, msg)];
      if (msg.priceMicros === undefined || msg.deltaHundredths === undefined) throw BAIL;
      return [
        {
          type: 'kalshi_delta',
          sid,
          seq,
          ticker: t,
          side: msg.side,
          priceMicros: msg.priceMicros,
          deltaHundredths: msg.deltaHundredths,
          spelling: 'dollars_fp',
          tsMs: msg.tsMs,
        },
      ];
    case 'snapshot':
      if (seq === undefined) throw BAIL;
      return [{ type: 'kalshi_snapshot', sid, seq, ticker: t, yesBids: msg.yesBids ?? [], noBids: msg.noBids ?? [] }];
    case 'ticker':
      return [
        {
          type: 'kalshi_ticker',
          sid,
          ticker: t,
          yesBidMicros: msg.yesBidMicros,
          yesAskMicros: msg.yesAskMicros,
          lastPriceMicros: msg.lastPriceMicros,
          tsMs: msg.tsMs,
        },
      ];
    case 'trade':
      if (msg.priceMicros === undefined || msg.countHundredths === undefined) throw BAIL;
      return [
        {
          type: 'kalshi_trade',
          sid,
          ticker: t,
          yesPriceMicros: msg.priceMicros,
          countHundredths: msg.countHundredths,
          takerSide: msg.takerOutcomeSide ?? msg.takerSide,
          tsMs: msg.tsMs,
        },
      ];
  }
}

const QUOTE = 34;
const MINUS = 45;
const MICROS_PER_CENT = CONTRACT_PAYOUT_MICROS / 100;

/**
 * A delta in the `price`/`delta` spelling seen in the wild: each a current-format string or a plain integer (cents,
 * whole contracts), as the schema's second branch reads them.
 */
function plainDelta(s: RawScan, sid: number, seq: number, ticker: string, msg: Msg): KalshiWsEvent {
  if (msg.plainPriceAt === undefined || msg.plainDeltaAt === undefined || msg.side === undefined) throw BAIL;
  const end = s.pos;
  s.pos = msg.plainPriceAt;
  let priceMicros: number;
  if (s.peek() === QUOTE) {
    priceMicros = price(s);
  } else {
    const cents = s.uint();
    if (cents > 100) throw BAIL;
    priceMicros = cents * MICROS_PER_CENT;
  }
  s.pos = msg.plainDeltaAt;
  let deltaHundredths: number;
  if (s.peek() === QUOTE) {
    deltaHundredths = count(s, true);
  } else {
    const negative = s.take(MINUS);
    const whole = s.uint();
    // "-0" is JSON.parse's -0: left to the full path rather than matched sign for sign.
    if (negative && whole === 0) throw BAIL;
    deltaHundredths = (negative ? -whole : whole) * 100;
    if (!Number.isSafeInteger(deltaHundredths)) throw BAIL;
  }
  s.pos = end;
  return {
    type: 'kalshi_delta',
    sid,
    seq,
    ticker,
    side: msg.side,
    priceMicros,
    deltaHundredths,
    spelling: 'plain',
    tsMs: msg.tsMs,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Lanes: each hot frame as the venue writes it, key for key, compact. Its structure is compared a run at a time
// (`lit`, one native compare) and its values read by the same readers as above; a frame that differs anywhere (keys
// reordered, added or missing, spaces) goes to `readFrame`, which reads any order.

/** A plain spelling's price: integer cents, as `plainDelta` reads them (a string there is left to `readFrame`). */
function centsPrice(s: RawScan): number {
  const cents = s.uint();
  if (cents > 100) throw BAIL;
  return cents * MICROS_PER_CENT;
}

/** A plain spelling's delta: signed whole contracts, as `plainDelta` reads them. */
function wholeDelta(s: RawScan): number {
  const negative = s.take(MINUS);
  // JSON has no space after a minus sign.
  if (negative && !(s.raw.charCodeAt(s.pos) >= 48 && s.raw.charCodeAt(s.pos) <= 57)) throw BAIL;
  const whole = s.uint();
  if (negative && whole === 0) throw BAIL;
  const hundredths = (negative ? -whole : whole) * 100;
  if (!Number.isSafeInteger(hundredths)) throw BAIL;
  return hundredths;
}

function deltaLane(s: RawScan): KalshiWsEvent[] {
  s.lit('{"type":"orderbook_delta","sid":');
  const sid = s.uint();
  s.lit(',"seq":');
  const seq = s.uint();
  s.lit(',"msg":{"market_ticker":');
  const t = ticker(s);
  s.lit(',"market_id":');
  s.cachedText(ids);
  let priceMicros: number;
  let deltaHundredths: number;
  let spelling: 'dollars_fp' | 'plain';
  let tsMs: number;
  // `,"price_dollars":` or `,"price":` (`startsWith` costs more than `lit` and a look at one character).
  if (s.pos + 7 < s.raw.length && s.raw.charCodeAt(s.pos + 7) === 95 /* _ */) {
    s.lit(',"price_dollars":');
    priceMicros = price(s);
    s.lit(',"delta_fp":');
    deltaHundredths = count(s, true);
    spelling = 'dollars_fp';
    s.lit(',"side":');
    const sd = side(s);
    // On the deltas our own orders caused.
    if (s.pos + 2 < s.raw.length && s.raw.charCodeAt(s.pos + 2) === 99 /* ,"c */) {
      s.lit(',"client_order_id":');
      s.string();
    }
    s.lit(',"ts":');
    s.string();
    s.lit(',"ts_ms":');
    tsMs = s.uint();
    s.lit('}}');
    return [{ type: 'kalshi_delta', sid, seq, ticker: t, side: sd, priceMicros, deltaHundredths, spelling, tsMs }];
  }
  s.lit(',"price":');
  priceMicros = centsPrice(s);
  s.lit(',"delta":');
  deltaHundredths = wholeDelta(s);
  spelling = 'plain';
  s.lit(',"side":');
  const sd = side(s);
  s.lit(',"ts_ms":');
  tsMs = s.uint();
  s.lit('}}');
  return [{ type: 'kalshi_delta', sid, seq, ticker: t, side: sd, priceMicros, deltaHundredths, spelling, tsMs }];
}

function tickerLane(s: RawScan): KalshiWsEvent[] {
  s.lit('{"type":"ticker","sid":');
  const sid = s.uint();
  s.lit(',"msg":{"market_ticker":');
  const t = ticker(s);
  s.lit(',"market_id":');
  s.cachedText(ids);
  s.lit(',"price_dollars":');
  const lastPriceMicros = price(s);
  s.lit(',"yes_bid_dollars":');
  const yesBidMicros = price(s);
  s.lit(',"yes_ask_dollars":');
  const yesAskMicros = price(s);
  s.lit(',"volume_fp":');
  s.string();
  s.lit(',"open_interest_fp":');
  s.string();
  s.lit(',"dollar_volume":');
  s.skip(1);
  s.lit(',"dollar_open_interest":');
  s.skip(1);
  s.lit(',"yes_bid_size_fp":');
  s.string();
  s.lit(',"yes_ask_size_fp":');
  s.string();
  s.lit(',"last_trade_size_fp":');
  s.string();
  s.lit(',"ts":');
  s.skip(1);
  s.lit(',"ts_ms":');
  const tsMs = s.uint();
  s.lit(',"time":');
  s.string();
  s.lit('}}');
  return [{ type: 'kalshi_ticker', sid, ticker: t, yesBidMicros, yesAskMicros, lastPriceMicros, tsMs }];
}

function tradeLane(s: RawScan): KalshiWsEvent[] {
  s.lit('{"type":"trade","sid":');
  const sid = s.uint();
  s.lit(',"msg":{"trade_id":');
  s.string();
  s.lit(',"market_ticker":');
  const t = ticker(s);
  s.lit(',"yes_price_dollars":');
  const yesPriceMicros = price(s);
  s.lit(',"no_price_dollars":');
  s.skip(1);
  s.lit(',"count_fp":');
  const countHundredths = count(s, false);
  s.lit(',"taker_side":');
  side(s);
  s.lit(',"taker_outcome_side":');
  const takerSide = side(s);
  s.lit(',"taker_book_side":');
  s.skip(1);
  s.lit(',"ts":');
  s.skip(1);
  s.lit(',"ts_ms":');
  const tsMs = s.uint();
  s.lit('}}');
  return [{ type: 'kalshi_trade', sid, ticker: t, yesPriceMicros, countHundredths, takerSide, tsMs }];
}

const TYPE_HEAD = '{"type":"';
const TYPE_LETTER = TYPE_HEAD.length;

/** The lane a frame's first characters point to, if any (the lane checks them all). */
function laneOf(raw: string): ((s: RawScan) => KalshiWsEvent[]) | undefined {
  // (Never a read past the end: see `RawScan.peek`.)
  if (raw.length < 32 || raw.charCodeAt(2) !== 116 /* {"t */ || raw.charCodeAt(TYPE_LETTER - 1) !== 34)
    return undefined;
  const c = raw.charCodeAt(TYPE_LETTER);
  if (c === 111 /* o */) return raw.charCodeAt(TYPE_LETTER + 10) === 100 /* orderbook_d */ ? deltaLane : undefined;
  if (c === 116 /* t */) return raw.charCodeAt(TYPE_LETTER + 1) === 105 /* ti */ ? tickerLane : tradeLane;
  return undefined;
}

/** A frame read by its lane alone, or undefined (no lane for it, or it differs from the lane's layout). */
export function scanKalshiWsLane(raw: string): KalshiWsEvent[] | undefined {
  const lane = laneOf(raw);
  return lane === undefined ? undefined : scanWith(raw, lane);
}

/** The events of a frame read off its raw text, or undefined: "ask the full parser". */
export function scanKalshiWsFrame(raw: string): KalshiWsEvent[] | undefined {
  return scanKalshiWsLane(raw) ?? scanWith(raw, readFrame);
}
