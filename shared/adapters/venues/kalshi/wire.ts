/**
 * Kalshi's wire messages (REFERENCE.md 1.4-1.6) as the feed events of shared/domain/feed/events.ts. The zod schemas
 * are the definition; book deltas and snapshots, most of the traffic, also have a hand-written check that gives the
 * same events at a fraction of zod's cost and hands anything it is not sure of to the schemas
 * (test/unit/venues/kalshi-wire.test.ts holds the two to agreement on fixtures and fuzzed frames).
 */
import { z } from 'zod';
import { asksFromOppositeBids, OrderBook, type PriceLevel } from '#domain';
import type {
  FeedSource,
  KalshiBookDelta,
  KalshiBookSnapshot,
  KalshiMarketInfo,
  KalshiWsEvent,
} from '#domain/feed/events';
import { sides } from '#domain/names';
import { FeedParseError } from '../feed-parse-error.ts';
import { scanKalshiWsFrame } from './frame-scan.ts';
import {
  centsPrice,
  countFromFp,
  dollarsPrice,
  fpCount,
  fpDelta,
  isUint,
  priceFromDollars,
  uint,
  wholeCount,
  wholeDelta,
} from './values.ts';

// ---------------------------------------------------------------------------------------------------------------
// WebSocket frames: the schemas

const ticker = z.string().min(1);
const side = z.enum(sides);
const levels = z.array(z.tuple([dollarsPrice, fpCount]));
/** Pre-2026 books: `[cents, contracts]` under `yes` / `no` (REFERENCE.md 1.3). */
const legacyLevels = z.array(z.tuple([centsPrice, wholeCount]));

const snapshotFrame = z
  .object({
    sid: uint,
    seq: uint,
    msg: z.object({
      market_ticker: ticker,
      yes_dollars_fp: levels.optional(),
      no_dollars_fp: levels.optional(),
      yes: legacyLevels.optional(),
      no: legacyLevels.optional(),
    }),
  })
  .transform(
    ({ sid, seq, msg }): KalshiBookSnapshot => ({
      type: 'kalshi_snapshot',
      sid,
      seq,
      ticker: msg.market_ticker,
      yesBids: toLevels(msg.yes_dollars_fp ?? msg.yes),
      noBids: toLevels(msg.no_dollars_fp ?? msg.no),
    }),
  );

function toLevels(pairs: [number, number][] | undefined): PriceLevel[] {
  return (pairs ?? []).map(([priceMicros, quantity]) => ({ priceMicros, quantity }));
}

const deltaBase = z.object({ market_ticker: ticker, side, ts_ms: uint.optional() });
const deltaMsg = z.union([
  deltaBase.extend({ price_dollars: dollarsPrice, delta_fp: fpDelta }).transform((m) => ({
    ...m,
    price: m.price_dollars,
    delta: m.delta_fp,
    spelling: 'dollars_fp' as const,
  })),
  deltaBase
    .extend({ price: z.union([dollarsPrice, centsPrice]), delta: z.union([fpDelta, wholeDelta]) })
    .transform((m) => ({ ...m, spelling: 'plain' as const })),
]);

const deltaFrame = z.object({ sid: uint, seq: uint, msg: deltaMsg }).transform(
  ({ sid, seq, msg }): KalshiBookDelta => ({
    type: 'kalshi_delta',
    sid,
    seq,
    ticker: msg.market_ticker,
    side: msg.side,
    priceMicros: msg.price,
    deltaHundredths: msg.delta,
    spelling: msg.spelling,
    tsMs: msg.ts_ms,
  }),
);

const anyPrice = z.union([dollarsPrice, centsPrice]).optional();

const tickerFrame = z
  .object({
    sid: uint,
    msg: z.object({
      market_ticker: ticker,
      price_dollars: dollarsPrice.optional(),
      yes_bid_dollars: dollarsPrice.optional(),
      yes_ask_dollars: dollarsPrice.optional(),
      price: anyPrice,
      yes_bid: anyPrice,
      yes_ask: anyPrice,
      ts_ms: uint.optional(),
    }),
  })
  .transform(
    ({ sid, msg }): KalshiWsEvent => ({
      type: 'kalshi_ticker',
      sid,
      ticker: msg.market_ticker,
      yesBidMicros: msg.yes_bid_dollars ?? msg.yes_bid,
      yesAskMicros: msg.yes_ask_dollars ?? msg.yes_ask,
      lastPriceMicros: msg.price_dollars ?? msg.price,
      tsMs: msg.ts_ms,
    }),
  );

const tradeFrame = z
  .object({
    sid: uint,
    msg: z.object({
      market_ticker: ticker,
      yes_price_dollars: dollarsPrice.optional(),
      count_fp: fpCount.optional(),
      yes_price: centsPrice.optional(),
      count: wholeCount.optional(),
      taker_outcome_side: side.optional(),
      taker_side: side.optional(),
      ts_ms: uint.optional(),
    }),
  })
  .transform(({ sid, msg }, ctx): KalshiWsEvent => {
    const yesPriceMicros = msg.yes_price_dollars ?? msg.yes_price;
    const countHundredths = msg.count_fp ?? msg.count;
    if (yesPriceMicros === undefined || countHundredths === undefined) {
      ctx.addIssue({ code: 'custom', message: 'a trade needs yes_price_dollars and count_fp' });
      return z.NEVER;
    }
    return {
      type: 'kalshi_trade',
      sid,
      ticker: msg.market_ticker,
      yesPriceMicros,
      countHundredths,
      takerSide: msg.taker_outcome_side ?? msg.taker_side,
      tsMs: msg.ts_ms,
    };
  });

const subscribedFrame = z.object({ id: uint.optional(), msg: z.object({ channel: z.string(), sid: uint }) }).transform(
  ({ id, msg }): KalshiWsEvent => ({
    type: 'kalshi_control',
    kind: 'subscribed',
    id,
    sid: msg.sid,
    channel: msg.channel,
  }),
);

const answerFrame = (kind: 'unsubscribed' | 'ok') =>
  z
    .object({ id: uint.optional(), sid: uint.optional() })
    .transform(({ id, sid }): KalshiWsEvent => ({ type: 'kalshi_control', kind, id, sid }));

const errorFrame = z
  .object({ id: uint.optional(), msg: z.object({ code: z.number().int(), msg: z.string().optional() }) })
  .transform(
    ({ id, msg }): KalshiWsEvent => ({
      type: 'kalshi_control',
      kind: 'error',
      id,
      errorCode: msg.code,
      errorMessage: msg.msg,
    }),
  );

const frameSchemas = new Map<string, z.ZodType<KalshiWsEvent, unknown>>([
  ['orderbook_snapshot', snapshotFrame],
  ['orderbook_delta', deltaFrame],
  ['ticker', tickerFrame],
  ['trade', tradeFrame],
  ['subscribed', subscribedFrame],
  ['unsubscribed', answerFrame('unsubscribed')],
  ['ok', answerFrame('ok')],
  ['error', errorFrame],
]);

const envelope = z.object({ type: z.string() });

// ---------------------------------------------------------------------------------------------------------------
// WebSocket frames: the parsers

/**
 * One WS text frame as events: [] for a type we do not use (fills, lifecycle), FeedParseError when malformed. The
 * hot frames are read off the raw text (frame-scan.ts); what that scanner leaves, and every error, comes from here.
 */
export function parseKalshiWsFrame(raw: string): KalshiWsEvent[] {
  const scanned = scanKalshiWsFrame(raw);
  if (scanned !== undefined) return scanned;
  const frame = parseJson('kalshi_ws', raw);
  return fastBookEvents(frame) ?? eventsBySchema(frame, raw);
}

/** The same through the zod schemas alone: the reference the fast path is tested against. */
export function parseKalshiWsFrameBySchema(raw: string): KalshiWsEvent[] {
  return eventsBySchema(parseJson('kalshi_ws', raw), raw);
}

function eventsBySchema(frame: unknown, raw: string): KalshiWsEvent[] {
  const type = envelope.safeParse(frame);
  if (!type.success) throw new FeedParseError('kalshi_ws', reasonOf(type.error), raw);
  const schema = frameSchemas.get(type.data.type);
  if (!schema) return [];
  const parsed = schema.safeParse(frame);
  if (!parsed.success) throw new FeedParseError('kalshi_ws', `${type.data.type}: ${reasonOf(parsed.error)}`, raw);
  return [parsed.data];
}

type Fields = Record<string, unknown>;

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Current-format deltas and snapshots without zod; undefined means "let the schema decide". */
function fastBookEvents(frame: unknown): KalshiWsEvent[] | undefined {
  if (!isObject(frame) || !isUint(frame.sid) || !isUint(frame.seq) || !isObject(frame.msg)) return undefined;
  const msg = frame.msg;
  if (typeof msg.market_ticker !== 'string' || msg.market_ticker === '') return undefined;
  if (frame.type === 'orderbook_delta') {
    const delta = fastDelta(frame.sid, frame.seq, msg.market_ticker, msg);
    return delta && [delta];
  }
  if (frame.type === 'orderbook_snapshot') {
    const snapshot = fastSnapshot(frame.sid, frame.seq, msg.market_ticker, msg);
    return snapshot && [snapshot];
  }
  return undefined;
}

function fastDelta(sid: number, seq: number, ticker: string, msg: Fields): KalshiBookDelta | undefined {
  const { side, ts_ms: tsMs } = msg;
  if ((side !== 'yes' && side !== 'no') || (tsMs !== undefined && !isUint(tsMs))) return undefined;
  const priceMicros = priceFromDollars(msg.price_dollars);
  const deltaHundredths = countFromFp(msg.delta_fp, true);
  if (priceMicros === undefined || deltaHundredths === undefined) return undefined;
  return { type: 'kalshi_delta', sid, seq, ticker, side, priceMicros, deltaHundredths, spelling: 'dollars_fp', tsMs };
}

function fastSnapshot(sid: number, seq: number, ticker: string, msg: Fields): KalshiBookSnapshot | undefined {
  if (msg.yes !== undefined || msg.no !== undefined) return undefined;
  const yesBids = fastLevels(msg.yes_dollars_fp);
  const noBids = fastLevels(msg.no_dollars_fp);
  if (!yesBids || !noBids) return undefined;
  return { type: 'kalshi_snapshot', sid, seq, ticker, yesBids, noBids };
}

function fastLevels(pairs: unknown): PriceLevel[] | undefined {
  if (pairs === undefined) return [];
  if (!Array.isArray(pairs)) return undefined;
  const out: PriceLevel[] = [];
  for (const pair of pairs) {
    if (!Array.isArray(pair) || pair.length !== 2) return undefined;
    const priceMicros = priceFromDollars(pair[0]);
    const quantity = countFromFp(pair[1], false);
    if (priceMicros === undefined || quantity === undefined) return undefined;
    out.push({ priceMicros, quantity });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// REST bodies

/** Tick grids of the named `price_level_structure`s (REFERENCE.md 1.3), for a market that sends no `price_ranges`. */
const tickGrids: Record<string, KalshiMarketInfo['priceRanges']> = {
  linear_cent: [{ startMicros: 0, endMicros: 1_000_000, stepMicros: 10_000 }],
  deci_cent: [{ startMicros: 0, endMicros: 1_000_000, stepMicros: 1_000 }],
  tapered_deci_cent: [
    { startMicros: 0, endMicros: 100_000, stepMicros: 1_000 },
    { startMicros: 100_000, endMicros: 900_000, stepMicros: 10_000 },
    { startMicros: 900_000, endMicros: 1_000_000, stepMicros: 1_000 },
  ],
};

const priceRange = z
  .object({ start: dollarsPrice, end: dollarsPrice, step: dollarsPrice })
  .refine((r) => r.step > 0 && r.start < r.end, 'a price range needs start < end and a positive step')
  .transform((r) => ({ startMicros: r.start, endMicros: r.end, stepMicros: r.step }));

const text = z
  .string()
  .nullish()
  .transform((s) => s ?? '');
const optionalText = z
  .string()
  .nullish()
  .transform((s) => (s ? s : undefined));

const market = z
  .object({
    ticker,
    event_ticker: ticker,
    market_type: z.enum(['binary', 'scalar']),
    title: text,
    yes_sub_title: text,
    no_sub_title: text,
    status: z.string(),
    rules_primary: text,
    rules_secondary: text,
    // Markets listed before sub-penny pricing carry neither field: they trade in cents.
    price_level_structure: z.string().default('linear_cent'),
    price_ranges: z.array(priceRange).nullish(),
    fractional_trading_enabled: z.boolean().nullish(),
    close_time: optionalText,
    occurrence_datetime: optionalText,
    result: optionalText,
  })
  .transform((m, ctx): KalshiMarketInfo => {
    const priceRanges = m.price_ranges?.length ? m.price_ranges : tickGrids[m.price_level_structure];
    if (!priceRanges) {
      ctx.addIssue({ code: 'custom', message: `unknown price_level_structure ${m.price_level_structure}` });
      return z.NEVER;
    }
    return {
      ticker: m.ticker,
      eventTicker: m.event_ticker,
      seriesTicker: m.ticker.split('-')[0] ?? m.ticker,
      marketType: m.market_type,
      title: m.title,
      yesSubTitle: m.yes_sub_title,
      noSubTitle: m.no_sub_title,
      status: m.status,
      rulesPrimary: m.rules_primary,
      rulesSecondary: m.rules_secondary,
      priceRanges,
      // Absent means whole contracts: the safe reading for the orders we size.
      fractionalTrading: m.fractional_trading_enabled === true,
      closeTime: m.close_time,
      occurrenceTime: m.occurrence_datetime,
      result: m.result,
    };
  });

const marketsResponse = z.union([
  z.object({ market }).transform((body) => [body.market]),
  z.object({ markets: z.array(market), cursor: z.string().nullish() }).transform((body) => body.markets),
]);

/** `GET /markets/{ticker}` (`{market}`) or `GET /markets` (`{markets, cursor}`). */
export function parseKalshiMarketsResponse(body: unknown): KalshiMarketInfo[] {
  return parseBody(marketsResponse, body);
}

const orderbookResponse = z.object({
  orderbook_fp: z.object({ yes_dollars: levels.nullish(), no_dollars: levels.nullish() }),
});

/** `GET /markets/{ticker}/orderbook`: the bids of both sides, as sent (ascending); an omitted side is empty. */
export function parseKalshiOrderbookResponse(body: unknown): { yesBids: PriceLevel[]; noBids: PriceLevel[] } {
  const { orderbook_fp: book } = parseBody(orderbookResponse, body);
  return { yesBids: toLevels(book.yes_dollars ?? undefined), noBids: toLevels(book.no_dollars ?? undefined) };
}

/** Kalshi publishes bids on both sides; each side's asks are the other side's bids mirrored (YES ask = 1 - NO bid). */
export function kalshiBooks(bids: { yesBids: PriceLevel[]; noBids: PriceLevel[] }): { yes: OrderBook; no: OrderBook } {
  return {
    yes: OrderBook.fromLevels({ bids: bids.yesBids, asks: asksFromOppositeBids(bids.noBids) }),
    no: OrderBook.fromLevels({ bids: bids.noBids, asks: asksFromOppositeBids(bids.yesBids) }),
  };
}

// ---------------------------------------------------------------------------------------------------------------

function parseJson(source: FeedSource, raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw new FeedParseError(source, 'not JSON', raw);
  }
}

function parseBody<T>(schema: z.ZodType<T, unknown>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new FeedParseError('kalshi_rest', reasonOf(parsed.error), JSON.stringify(body) ?? String(body));
}

/** The first issue, followed into the first branch of a union so the reason names the field at fault. */
function reasonOf(error: z.ZodError): string {
  let issue: z.core.$ZodIssue | undefined = error.issues[0];
  const path: PropertyKey[] = [];
  while (issue?.code === 'invalid_union' && issue.errors[0]?.[0]) {
    path.push(...issue.path);
    issue = issue.errors[0][0];
  }
  if (!issue) return 'invalid';
  return `${[...path, ...issue.path].join('.') || '(frame)'}: ${issue.message}`;
}
