/**
 * Polymarket wire formats (REFERENCE.md 2.4-2.6) as the feed contract's events (shared/domain/feed/events.ts).
 *
 * Units: prices via `parseMicros`, sizes via `parseHundredths`. Sizes with more than 2 decimals are rounded DOWN to
 * hundredths: our quantities are hundredths, and flooring never shows more depth than the venue holds. A price may
 * be written without its leading zero (".48", as in Polymarket's own docs).
 *
 * Wire order of levels is not trusted (REFERENCE.md 2.5: CLOB books come bids ascending, asks descending, the docs
 * say otherwise): levels are emitted as they come, and whoever needs the best level sorts.
 *
 * The WebSocket hot path (`book`, `price_change`) checks fields by hand after `JSON.parse`, because zod costs more
 * than the parse itself there; the zod schemas below are the reference it must agree with
 * (`parsePolymarketWsFrameWithZod`, test/unit/venues/polymarket-wire.test.ts checks both on fixtures and fuzz).
 */
import { z } from 'zod';
import { CONTRACT_PAYOUT_MICROS, OrderBook, type PriceLevel, parseHundredths, parseMicros } from '#domain';
import type {
  FeedSource,
  PolymarketBestBidAsk,
  PolymarketBookSnapshot,
  PolymarketLastTrade,
  PolymarketMarketInfo,
  PolymarketMarketResolved,
  PolymarketPriceChange,
  PolymarketTickSizeChange,
  PolymarketWsEvent,
} from '#domain/feed/events';
import { FeedParseError } from '../feed-parse-error.ts';
import { scanPolymarketWsFrame } from './frame-scan.ts';

const WS: FeedSource = 'polymarket_ws';
/** The contract has one REST source for Polymarket; CLOB REST books are counted with Gamma's answers. */
const REST: FeedSource = 'polymarket_gamma';

// ---------------------------------------------------------------------------------------------------------------
// Units

const PLAIN_DECIMAL = /^\d*\.?\d*$/;
const DIGITS = /^\d{1,15}$/;

/** ".71" -> "0.71". */
const withLeadingZero = (text: string): string => (text.charCodeAt(0) === 46 /* . */ ? `0${text}` : text);

/**
 * The same few price and size strings come in frame after frame, and the decimal parse costs more than the map
 * look-up, so results are remembered; the cache starts over past `limit` entries to stay bounded.
 */
function remembered(parse: (text: string) => number, limit: number): (text: string) => number {
  let cache = new Map<string, number>();
  return (text) => {
    const hit = cache.get(text);
    if (hit !== undefined) return hit;
    const value = parse(text);
    if (cache.size >= limit) cache = new Map();
    cache.set(text, value);
    return value;
  };
}

/** "0.71" or ".71" -> 710000; a contract price is in [0, $1]. */
export const polymarketPriceMicros = remembered((text) => {
  const micros = parseMicros(withLeadingZero(text));
  if (micros < 0 || micros > CONTRACT_PAYOUT_MICROS) throw new RangeError(`price out of [0, 1]: ${text}`);
  return micros;
}, 8192);

/** "640.55" -> 64055; "12.345678" -> 1234 (floored: never more depth than the venue holds). */
export const polymarketSizeHundredths = remembered((wire) => {
  const text = withLeadingZero(wire);
  const dot = text.indexOf('.');
  if (dot >= 0 && text.length - dot > 3) {
    if (!PLAIN_DECIMAL.test(text)) throw new RangeError(`size must be a decimal string, got ${JSON.stringify(text)}`);
    return parseHundredths(text.slice(0, dot + 3));
  }
  const hundredths = parseHundredths(text);
  if (hundredths < 0) throw new RangeError(`size must not be negative, got ${text}`);
  return hundredths;
}, 65536);

function timestampMs(text: string): number {
  if (!DIGITS.test(text)) throw new RangeError(`timestamp must be epoch ms digits, got ${JSON.stringify(text)}`);
  return Number(text);
}

/** "" or a zero price means that side is empty. */
function optionalPrice(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const micros = polymarketPriceMicros(text);
  return micros === 0 ? undefined : micros;
}

interface WireLevel {
  price: string;
  size: string;
}

/** A snapshot's levels in wire order; a level that floors to zero size holds nothing to take and is dropped. */
function toLevels(levels: readonly WireLevel[]): PriceLevel[] {
  const out: PriceLevel[] = [];
  for (const level of levels) {
    const priceMicros = polymarketPriceMicros(level.price);
    const quantity = polymarketSizeHundredths(level.size);
    if (quantity > 0) out.push({ priceMicros, quantity });
  }
  return out;
}

const bookSide = (side: 'BUY' | 'SELL'): 'bid' | 'ask' => (side === 'BUY' ? 'bid' : 'ask');

// ---------------------------------------------------------------------------------------------------------------
// Zod reference schemas of the market channel

const id = z.string().min(1);
const wireTimestamp = z.string();
const wireLevel = z.object({ price: z.string(), size: z.string() });
const wireLevels = z.array(wireLevel);
const wireSide = z.enum(['BUY', 'SELL']);

/** `book` (WS) and CLOB `GET /book`; old docs named the sides `buys`/`sells`. */
const wireBookSchema = z.object({
  market: id,
  asset_id: id,
  timestamp: wireTimestamp,
  hash: z.string().optional(),
  bids: wireLevels.optional(),
  buys: wireLevels.optional(),
  asks: wireLevels.optional(),
  sells: wireLevels.optional(),
  tick_size: z.string().optional(),
});
type WireBook = z.infer<typeof wireBookSchema>;

/** `price_change` since Sep 2025: one message may touch both tokens of the market. */
const wirePriceChangeSchema = z.object({
  market: id,
  timestamp: wireTimestamp,
  price_changes: z.array(
    z.object({
      asset_id: id,
      price: z.string(),
      size: z.string(),
      side: wireSide,
      hash: z.string().optional(),
      best_bid: z.string().optional(),
      best_ask: z.string().optional(),
    }),
  ),
});

/** `price_change` before Sep 2025: one token, its changes in `changes`. */
const wireLegacyPriceChangeSchema = z.object({
  market: id,
  asset_id: id,
  timestamp: wireTimestamp,
  hash: z.string().optional(),
  changes: z.array(z.object({ price: z.string(), size: z.string(), side: wireSide })),
});

const wireTickSizeChangeSchema = z.object({
  market: id,
  asset_id: id,
  new_tick_size: z.string(),
  old_tick_size: z.string().optional(),
  timestamp: wireTimestamp,
});

const wireLastTradePriceSchema = z.object({
  market: id,
  asset_id: id,
  price: z.string(),
  size: z.string(),
  side: wireSide.optional(),
  timestamp: wireTimestamp,
});

const wireBestBidAskSchema = z.object({
  market: id,
  asset_id: id,
  best_bid: z.string().optional(),
  best_ask: z.string().optional(),
  timestamp: wireTimestamp,
});

const wireMarketResolvedSchema = z.object({
  market: id,
  winning_asset_id: z.string().optional(),
  timestamp: wireTimestamp,
});

// ---------------------------------------------------------------------------------------------------------------
// Wire -> events (shared by both paths)

function bookEvent(wire: WireBook): PolymarketBookSnapshot {
  const bids = wire.bids ?? wire.buys;
  const asks = wire.asks ?? wire.sells;
  if (bids === undefined || asks === undefined) throw new RangeError('book needs bids (or buys) and asks (or sells)');
  const event: PolymarketBookSnapshot = {
    type: 'polymarket_book',
    conditionId: wire.market,
    assetId: wire.asset_id,
    timestampMs: timestampMs(wire.timestamp),
    bids: toLevels(bids),
    asks: toLevels(asks),
  };
  if (wire.hash !== undefined) event.hash = wire.hash;
  if (wire.tick_size !== undefined) event.tickSizeMicros = polymarketPriceMicros(wire.tick_size);
  return event;
}

function priceChangeEvent(wire: z.infer<typeof wirePriceChangeSchema>): PolymarketPriceChange {
  return {
    type: 'polymarket_price_change',
    conditionId: wire.market,
    timestampMs: timestampMs(wire.timestamp),
    changes: wire.price_changes.map((c) => ({
      assetId: c.asset_id,
      book: bookSide(c.side),
      priceMicros: polymarketPriceMicros(c.price),
      sizeHundredths: polymarketSizeHundredths(c.size),
    })),
  };
}

function legacyPriceChangeEvent(wire: z.infer<typeof wireLegacyPriceChangeSchema>): PolymarketPriceChange {
  return {
    type: 'polymarket_price_change',
    conditionId: wire.market,
    timestampMs: timestampMs(wire.timestamp),
    changes: wire.changes.map((c) => ({
      assetId: wire.asset_id,
      book: bookSide(c.side),
      priceMicros: polymarketPriceMicros(c.price),
      sizeHundredths: polymarketSizeHundredths(c.size),
    })),
  };
}

function tickSizeChangeEvent(wire: z.infer<typeof wireTickSizeChangeSchema>): PolymarketTickSizeChange {
  const tickSizeMicros = polymarketPriceMicros(wire.new_tick_size);
  if (tickSizeMicros === 0) throw new RangeError('new_tick_size must be above 0');
  return {
    type: 'polymarket_tick_size_change',
    conditionId: wire.market,
    assetId: wire.asset_id,
    tickSizeMicros,
    timestampMs: timestampMs(wire.timestamp),
  };
}

function lastTradeEvent(wire: z.infer<typeof wireLastTradePriceSchema>): PolymarketLastTrade {
  return {
    type: 'polymarket_last_trade',
    conditionId: wire.market,
    assetId: wire.asset_id,
    priceMicros: polymarketPriceMicros(wire.price),
    sizeHundredths: polymarketSizeHundredths(wire.size),
    timestampMs: timestampMs(wire.timestamp),
  };
}

function bestBidAskEvent(wire: z.infer<typeof wireBestBidAskSchema>): PolymarketBestBidAsk {
  const bestBidMicros = optionalPrice(wire.best_bid);
  const bestAskMicros = optionalPrice(wire.best_ask);
  return {
    type: 'polymarket_best_bid_ask',
    conditionId: wire.market,
    assetId: wire.asset_id,
    ...(bestBidMicros === undefined ? {} : { bestBidMicros }),
    ...(bestAskMicros === undefined ? {} : { bestAskMicros }),
    timestampMs: timestampMs(wire.timestamp),
  };
}

function marketResolvedEvent(wire: z.infer<typeof wireMarketResolvedSchema>): PolymarketMarketResolved {
  return {
    type: 'polymarket_market_resolved',
    conditionId: wire.market,
    ...(wire.winning_asset_id ? { winningAssetId: wire.winning_asset_id } : {}),
    timestampMs: timestampMs(wire.timestamp),
  };
}

/** The events that are not on the hot path take the zod schemas on both paths. */
function coldEvent(eventType: string, item: unknown): PolymarketWsEvent | undefined {
  switch (eventType) {
    case 'tick_size_change':
      return tickSizeChangeEvent(wireTickSizeChangeSchema.parse(item));
    case 'last_trade_price':
      return lastTradeEvent(wireLastTradePriceSchema.parse(item));
    case 'best_bid_ask':
      return bestBidAskEvent(wireBestBidAskSchema.parse(item));
    case 'market_resolved':
      return marketResolvedEvent(wireMarketResolvedSchema.parse(item));
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The WebSocket frame: hand-checked hot path

type Fields = Record<string, unknown>;

function fail(reason: string): never {
  throw new RangeError(reason);
}

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function idField(o: Fields, key: string): string {
  const value = o[key];
  if (typeof value !== 'string' || value.length === 0) fail(`${key} must be a non-empty string`);
  return value;
}

function textField(o: Fields, key: string): string {
  const value = o[key];
  if (typeof value !== 'string') fail(`${key} must be a string`);
  return value;
}

function optionalTextField(o: Fields, key: string): string | undefined {
  const value = o[key];
  if (value !== undefined && typeof value !== 'string') fail(`${key} must be a string when present`);
  return value;
}

function sideField(o: Fields): 'bid' | 'ask' {
  const side = o.side;
  if (side === 'BUY') return 'bid';
  if (side === 'SELL') return 'ask';
  return fail('side must be BUY or SELL');
}

function levelsField(o: Fields, key: string): WireLevel[] | undefined {
  const value = o[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) fail(`${key} must be an array`);
  for (const level of value) {
    if (!isFields(level) || typeof level.price !== 'string' || typeof level.size !== 'string') {
      fail(`${key} levels must be {price, size} strings`);
    }
  }
  return value as WireLevel[];
}

function fastBook(o: Fields): PolymarketBookSnapshot {
  return bookEvent({
    market: idField(o, 'market'),
    asset_id: idField(o, 'asset_id'),
    timestamp: textField(o, 'timestamp'),
    hash: optionalTextField(o, 'hash'),
    bids: levelsField(o, 'bids'),
    buys: levelsField(o, 'buys'),
    asks: levelsField(o, 'asks'),
    sells: levelsField(o, 'sells'),
    tick_size: optionalTextField(o, 'tick_size'),
  });
}

function fastPriceChange(o: Fields): PolymarketPriceChange {
  const conditionId = idField(o, 'market');
  const timestamp = textField(o, 'timestamp');
  const wire = o.price_changes;
  if (!Array.isArray(wire)) fail('price_changes must be an array');
  const changes: PolymarketPriceChange['changes'] = [];
  for (const c of wire) {
    if (!isFields(c)) fail('price_changes entries must be objects');
    optionalTextField(c, 'hash');
    optionalTextField(c, 'best_bid');
    optionalTextField(c, 'best_ask');
    changes.push({
      assetId: idField(c, 'asset_id'),
      book: sideField(c),
      priceMicros: polymarketPriceMicros(textField(c, 'price')),
      sizeHundredths: polymarketSizeHundredths(textField(c, 'size')),
    });
  }
  return { type: 'polymarket_price_change', conditionId, timestampMs: timestampMs(timestamp), changes };
}

function fastEvent(item: unknown): PolymarketWsEvent | undefined {
  if (!isFields(item)) fail('an event must be an object');
  const eventType = item.event_type;
  if (typeof eventType !== 'string') fail('event_type must be a string');
  if (eventType === 'price_change') {
    return item.price_changes !== undefined
      ? fastPriceChange(item)
      : legacyPriceChangeEvent(wireLegacyPriceChangeSchema.parse(item));
  }
  if (eventType === 'book') return fastBook(item);
  return coldEvent(eventType, item);
}

const wireEventType = z.object({ event_type: z.string() });

function zodEvent(item: unknown): PolymarketWsEvent | undefined {
  const { event_type: eventType } = wireEventType.parse(item);
  if (eventType === 'price_change') {
    return (item as Fields).price_changes !== undefined
      ? priceChangeEvent(wirePriceChangeSchema.parse(item))
      : legacyPriceChangeEvent(wireLegacyPriceChangeSchema.parse(item));
  }
  if (eventType === 'book') return bookEvent(wireBookSchema.parse(item));
  return coldEvent(eventType, item);
}

function parseFrame(raw: string, toEvent: (item: unknown) => PolymarketWsEvent | undefined): PolymarketWsEvent[] {
  // The server's answer to our keepalive `PING`.
  if (raw === 'PONG') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new FeedParseError(WS, 'not JSON', raw);
  }
  try {
    if (!Array.isArray(parsed)) {
      const event = toEvent(parsed);
      return event === undefined ? [] : [event];
    }
    const events: PolymarketWsEvent[] = [];
    for (const item of parsed) {
      const event = toEvent(item);
      if (event !== undefined) events.push(event);
    }
    return events;
  } catch (error) {
    throw new FeedParseError(WS, reasonOf(error), raw);
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof z.ZodError) {
    return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * One market-channel text frame: one event object or an array of them. Unknown `event_type`s give no event; `PONG`
 * gives none. Anything malformed throws `FeedParseError('polymarket_ws', ...)`.
 */
export function parsePolymarketWsFrame(raw: string): PolymarketWsEvent[] {
  // The hot events are read off the raw text (frame-scan.ts); what that scanner leaves, and every error, is read here.
  return scanPolymarketWsFrame(raw) ?? parseFrame(raw, fastEvent);
}

/** The same parse through the zod schemas alone: the reference the hot path is tested against. */
export function parsePolymarketWsFrameWithZod(raw: string): PolymarketWsEvent[] {
  return parseFrame(raw, zodEvent);
}

// ---------------------------------------------------------------------------------------------------------------
// CLOB REST

function restParse<T>(body: unknown, what: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new FeedParseError(REST, `${what}: ${reasonOf(error)}`, previewOf(body));
  }
}

function previewOf(body: unknown): string {
  try {
    return JSON.stringify(body) ?? String(body);
  } catch {
    return String(body);
  }
}

/** CLOB `GET /book?token_id=` (one entry of `POST /books`): one outcome token's book. */
export function parsePolymarketBookResponse(body: unknown): PolymarketBookSnapshot {
  return restParse(body, 'CLOB book', () => bookEvent(wireBookSchema.parse(body)));
}

/** CLOB `POST /books`: an array of books. */
export function parsePolymarketBooksResponse(body: unknown): PolymarketBookSnapshot[] {
  return restParse(body, 'CLOB books', () => z.array(z.unknown()).parse(body)).map(parsePolymarketBookResponse);
}

/** A CLOB book as the domain's sorted `OrderBook` (best first whatever the wire order). */
export function parsePolymarketBook(body: unknown): { assetId: string; observedAtMs: number; book: OrderBook } {
  const snapshot = parsePolymarketBookResponse(body);
  return {
    assetId: snapshot.assetId,
    observedAtMs: snapshot.timestampMs,
    book: OrderBook.fromLevels({ bids: snapshot.bids, asks: snapshot.asks }),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Gamma markets (REFERENCE.md 2.4)

/** Gamma market `feeSchedule`: takers pay shares x rate x (p(1-p))^exponent (REFERENCE.md 2). */
const polymarketFeeScheduleSchema = z.object({
  rate: z.number().min(0).max(1),
  exponent: z.number().int().min(0).max(8),
});

/** A market's fee schedule in the shape the domain's fee rules take. */
export function parsePolymarketFeeSchedule(body: unknown): { venue: 'polymarket'; rate: number; exponent: number } {
  const { rate, exponent } = polymarketFeeScheduleSchema.parse(body);
  return { venue: 'polymarket', rate, exponent };
}

/** Gamma sends `outcomes`, `outcomePrices` and `clobTokenIds` as JSON text inside the JSON. */
const jsonEncodedStrings = z.string().transform((text, ctx): string[] => {
  try {
    return z.array(z.string()).parse(JSON.parse(text));
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be a JSON-encoded array of strings' });
    return z.NEVER;
  }
});

const pair = (what: string) => (values: string[], ctx: z.RefinementCtx) => {
  if (values.length !== 2) ctx.addIssue({ code: 'custom', message: `${what} must hold two entries` });
};

/** "2026-11-15 02:00:00+00" (Gamma's `gameStartTime`), or ISO-8601. */
const GAME_START = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}(?::?\d{2})?)$/;

function gameStartMs(text: string): number {
  const match = GAME_START.exec(text.trim());
  if (!match) throw new RangeError(`gameStartTime is not a date-time: ${text}`);
  const [, date, time, zone = 'Z'] = match;
  const offset = zone === 'Z' ? 'Z' : zone.length === 3 ? `${zone}:00` : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const ms = Date.parse(`${date}T${time}${offset}`);
  if (!Number.isFinite(ms)) throw new RangeError(`gameStartTime is not a date-time: ${text}`);
  return ms;
}

const gammaMarketSchema = z.object({
  id: id,
  conditionId: id,
  slug: z.string(),
  question: z.string(),
  description: z.string().nullish(),
  outcomes: jsonEncodedStrings.superRefine(pair('outcomes')),
  clobTokenIds: jsonEncodedStrings.superRefine(pair('clobTokenIds')).nullish(),
  /** Protocol-V2 markets trade by `positionIds` (REFERENCE.md 2.2), a real array. */
  positionIds: z.array(z.string()).superRefine(pair('positionIds')).nullish(),
  version: z.string().nullish(),
  sportsMarketType: z.string().nullish(),
  negRisk: z.boolean(),
  negRiskAugmented: z.boolean().nullish(),
  active: z.boolean(),
  closed: z.boolean(),
  acceptingOrders: z.boolean().nullish(),
  enableOrderBook: z.boolean().nullish(),
  feesEnabled: z.boolean().nullish(),
  feeSchedule: polymarketFeeScheduleSchema.nullish(),
  orderPriceMinTickSize: z.number().positive(),
  orderMinSize: z.number().nonnegative(),
  gameStartTime: z.string().nullish(),
  events: z.array(z.object({ slug: z.string().nullish() })).nullish(),
});
type GammaMarket = z.infer<typeof gammaMarketSchema>;

/** Gamma sends tick and minimum size as JSON numbers: their shortest decimal text is what the venue wrote. */
const decimalText = (value: number): string => String(value);

/**
 * Fees apply when `feesEnabled` is true, or when it is absent but a schedule is given (never assume a market is
 * free); a market with fees on and no schedule cannot be priced and does not parse.
 */
function feeOf(market: GammaMarket): PolymarketMarketInfo['fee'] {
  const schedule = market.feeSchedule ?? undefined;
  if (market.feesEnabled === false) return { rate: 0, exponent: schedule?.exponent ?? 1 };
  if (schedule === undefined) {
    if (market.feesEnabled === true) throw new RangeError('feesEnabled without a feeSchedule');
    return { rate: 0, exponent: 1 };
  }
  return { rate: schedule.rate, exponent: schedule.exponent };
}

function tokenIdsOf(market: GammaMarket): [string, string] {
  const ids = market.version === 'v2' ? market.positionIds : market.clobTokenIds;
  if (!ids) throw new RangeError(market.version === 'v2' ? 'v2 market without positionIds' : 'no clobTokenIds');
  return [ids[0]!, ids[1]!];
}

function marketInfo(market: GammaMarket): PolymarketMarketInfo {
  const eventSlug = market.events?.[0]?.slug ?? undefined;
  return {
    gammaId: market.id,
    conditionId: market.conditionId,
    slug: market.slug,
    question: market.question,
    description: market.description ?? '',
    outcomes: [market.outcomes[0]!, market.outcomes[1]!],
    tokenIds: tokenIdsOf(market),
    ...(market.sportsMarketType ? { sportsMarketType: market.sportsMarketType } : {}),
    negRisk: market.negRisk,
    negRiskAugmented: market.negRiskAugmented ?? false,
    active: market.active,
    closed: market.closed,
    acceptingOrders: market.acceptingOrders ?? false,
    fee: feeOf(market),
    tickSizeMicros: polymarketPriceMicros(decimalText(market.orderPriceMinTickSize)),
    minOrderSizeHundredths: polymarketSizeHundredths(decimalText(market.orderMinSize)),
    ...(market.gameStartTime ? { gameStartMs: gameStartMs(market.gameStartTime) } : {}),
    ...(eventSlug ? { eventSlug } : {}),
  };
}

/**
 * Gamma `GET /markets` (an array) or `GET /markets/{id}` (one object). Markets without an order book
 * (`enableOrderBook: false`) cannot be traded on the CLOB and are left out; any other market that does not parse
 * makes the whole body fail.
 */
export function parseGammaMarkets(body: unknown): PolymarketMarketInfo[] {
  const items = Array.isArray(body) ? body : [body];
  return items.flatMap((item, index) =>
    restParse(item, `Gamma market ${index}`, () => {
      if (isFields(item) && item.enableOrderBook === false) return [];
      return [marketInfo(gammaMarketSchema.parse(item))];
    }),
  );
}
