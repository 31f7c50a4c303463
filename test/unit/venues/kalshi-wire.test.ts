import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FeedParseError } from '#adapters/venues/feed-parse-error';
import {
  kalshiBooks,
  parseKalshiMarketsResponse,
  parseKalshiOrderbookResponse,
  parseKalshiWsFrame,
  parseKalshiWsFrameBySchema,
} from '#adapters/venues/kalshi/wire';
import { type PriceLevel, parseHundredths, parseMicros } from '#domain';
import type { KalshiWsEvent } from '#domain/feed/events';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../fixtures/venues/${name}`, import.meta.url), 'utf8'));
const frames = (name: string): string[] => {
  const body = fixture(name);
  return (Array.isArray(body) ? body : [body]).map((frame) => JSON.stringify(frame));
};
const one = (raw: string): KalshiWsEvent => {
  const events = parseKalshiWsFrame(raw);
  expect(events).toHaveLength(1);
  return events[0] as KalshiWsEvent;
};
const levels = (pairs: [string, string][]): PriceLevel[] =>
  pairs.map(([price, count]) => ({ priceMicros: parseMicros(price), quantity: parseHundredths(count) }));

const TICKER = 'KXNBAGAME-26NOV14BOSDEN-DEN';
const wsFixtures = [
  'kalshi_ws_orderbook_snapshot.json',
  'kalshi_ws_orderbook_deltas.json',
  'kalshi_ws_ticker.json',
  'kalshi_ws_trades.json',
  'kalshi_ws_subscribed_acks.json',
  'kalshi_ws_error.json',
  'kalshi_ws_fill.json',
];

describe('Kalshi WS frames', () => {
  it('reads the snapshot: both sides bids as sent, prices in micros, counts in hundredths', () => {
    const [raw] = frames('kalshi_ws_orderbook_snapshot.json');
    expect(one(raw as string)).toEqual({
      type: 'kalshi_snapshot',
      sid: 3,
      seq: 1,
      ticker: TICKER,
      yesBids: [650_000, 660_000, 670_000, 680_000, 690_000].map((priceMicros, i) => ({
        priceMicros,
        quantity: [120_000, 85_000, 64_000, 41_000, 27_500][i],
      })),
      noBids: [250_000, 260_000, 270_000, 280_000, 290_000].map((priceMicros, i) => ({
        priceMicros,
        quantity: [90_000, 72_000, 53_000, 38_000, 19_000][i],
      })),
    });
  });

  it('reads a snapshot with an omitted side as an empty side', () => {
    const raw = JSON.stringify({ type: 'orderbook_snapshot', sid: 1, seq: 1, msg: { market_ticker: TICKER } });
    expect(one(raw)).toMatchObject({ yesBids: [], noBids: [] });
  });

  it('snapshot plus the four deltas gives the derived book of the fixture scenario', () => {
    const [snapshotRaw] = frames('kalshi_ws_orderbook_snapshot.json');
    const snapshot = one(snapshotRaw as string);
    if (snapshot.type !== 'kalshi_snapshot') throw new Error('expected a snapshot');
    const book = { yes: new Map<number, number>(), no: new Map<number, number>() };
    for (const l of snapshot.yesBids) book.yes.set(l.priceMicros, l.quantity);
    for (const l of snapshot.noBids) book.no.set(l.priceMicros, l.quantity);
    const seqs: number[] = [];
    for (const raw of frames('kalshi_ws_orderbook_deltas.json')) {
      const delta = one(raw);
      if (delta.type !== 'kalshi_delta') throw new Error('expected a delta');
      seqs.push(delta.seq);
      const side = book[delta.side];
      const next = (side.get(delta.priceMicros) ?? 0) + delta.deltaHundredths;
      if (next === 0) side.delete(delta.priceMicros);
      else side.set(delta.priceMicros, next);
    }
    const sorted = (m: Map<number, number>) =>
      [...m].sort(([a], [b]) => a - b).map(([priceMicros, quantity]) => ({ priceMicros, quantity }));
    const expected = fixture('kalshi_expected_book_after_deltas.json') as Record<string, [string, string][]>;
    expect(seqs).toEqual([2, 3, 4, 5]);
    expect(sorted(book.yes)).toEqual(levels(expected.yes_dollars as [string, string][]));
    expect(sorted(book.no)).toEqual(levels(expected.no_dollars as [string, string][]));
  });

  it('reads a delta in both spellings, price_dollars/delta_fp and price/delta, and says which', () => {
    const [raw] = frames('kalshi_ws_orderbook_deltas.json');
    expect(one(raw as string)).toEqual({
      type: 'kalshi_delta',
      sid: 3,
      seq: 2,
      ticker: TICKER,
      side: 'yes',
      priceMicros: 700_000,
      deltaHundredths: 15_000,
      spelling: 'dollars_fp',
      tsMs: 1794712891250,
    });
    const plain = (price: unknown, delta: unknown) =>
      JSON.stringify({
        type: 'orderbook_delta',
        sid: 3,
        seq: 9,
        msg: { market_ticker: TICKER, side: 'no', price, delta },
      });
    const expected = { type: 'kalshi_delta', side: 'no', priceMicros: 290_000, deltaHundredths: -18_000 };
    expect(one(plain('0.2900', '-180.00'))).toMatchObject({ ...expected, spelling: 'plain' });
    // Legacy integer cents and whole contracts (REFERENCE.md 1.3).
    expect(one(plain(29, -180))).toMatchObject({ ...expected, spelling: 'plain' });
  });

  it('reads sub-cent prices and fractional counts exactly', () => {
    const raw = JSON.stringify({
      type: 'orderbook_delta',
      sid: 1,
      seq: 2,
      msg: { market_ticker: TICKER, side: 'yes', price_dollars: '0.0450', delta_fp: '0.37' },
    });
    expect(one(raw)).toMatchObject({ priceMicros: 45_000, deltaHundredths: 37 });
  });

  it('reads ticker and trades', () => {
    expect(one(frames('kalshi_ws_ticker.json')[0] as string)).toEqual({
      type: 'kalshi_ticker',
      sid: 4,
      ticker: TICKER,
      yesBidMicros: 700_000,
      yesAskMicros: 720_000,
      lastPriceMicros: 710_000,
      tsMs: 1794712894020,
    });
    expect(frames('kalshi_ws_trades.json').map(one)).toEqual([
      expect.objectContaining({ type: 'kalshi_trade', sid: 5, yesPriceMicros: 710_000, countHundredths: 1_000 }),
      expect.objectContaining({ countHundredths: 18_000, takerSide: 'yes', tsMs: 1794712892515 }),
    ]);
  });

  it('reads the answers to our commands as controls', () => {
    expect(frames('kalshi_ws_subscribed_acks.json').map(one)).toEqual([
      { type: 'kalshi_control', kind: 'subscribed', id: 1, sid: 3, channel: 'orderbook_delta' },
      { type: 'kalshi_control', kind: 'subscribed', id: 2, sid: 4, channel: 'ticker' },
      { type: 'kalshi_control', kind: 'subscribed', id: 2, sid: 5, channel: 'trade' },
      { type: 'kalshi_control', kind: 'subscribed', id: 3, sid: 6, channel: 'fill' },
    ]);
    expect(one(frames('kalshi_ws_error.json')[0] as string)).toEqual({
      type: 'kalshi_control',
      kind: 'error',
      id: 1,
      errorCode: 16,
      errorMessage: 'Market not found',
    });
    expect(one('{"id":102,"sid":2,"seq":7,"type":"unsubscribed"}')).toMatchObject({ kind: 'unsubscribed', sid: 2 });
    expect(one('{"id":123,"sid":456,"seq":222,"type":"ok","msg":{"market_tickers":["A"]}}')).toMatchObject({
      kind: 'ok',
      id: 123,
    });
  });

  it('gives no events for a type the shard does not use', () => {
    expect(parseKalshiWsFrame(frames('kalshi_ws_fill.json')[0] as string)).toEqual([]);
    expect(parseKalshiWsFrame('{"type":"market_lifecycle_v2","sid":9,"msg":{}}')).toEqual([]);
  });

  it.each([
    ['not JSON', '{"type":"orderbook_delta"'],
    ['an array', '[1,2]'],
    ['no type', '{"sid":1}'],
    ['a price above $1', delta({ price_dollars: '1.0100' })],
    ['a price with 7 decimals', delta({ price_dollars: '0.1234567' })],
    ['an exponent', delta({ price_dollars: '0.5e-1' })],
    ['a float count', delta({ delta_fp: 1.5 })],
    ['3 decimals in a count', delta({ delta_fp: '1.005' })],
    ['an unknown side', delta({ side: 'maybe' })],
    ['no seq', JSON.stringify({ type: 'orderbook_delta', sid: 1, msg: deltaMsg({}) })],
    ['a negative snapshot size', snapshot([['0.5000', '-1.00']])],
    ['a 3-element level', snapshot([['0.5000', '1.00', 'x']])],
    ['a trade without a count', '{"type":"trade","sid":5,"msg":{"market_ticker":"T","yes_price_dollars":"0.5000"}}'],
    ['a subscribed without sid', '{"id":1,"type":"subscribed","msg":{"channel":"ticker"}}'],
  ])('rejects %s with FeedParseError(kalshi_ws)', (_what, raw) => {
    expect(() => parseKalshiWsFrame(raw)).toThrow(FeedParseError);
    try {
      parseKalshiWsFrame(raw);
    } catch (error) {
      expect((error as FeedParseError).source).toBe('kalshi_ws');
    }
  });
});

function deltaMsg(overrides: Record<string, unknown>): Record<string, unknown> {
  return { market_ticker: TICKER, side: 'yes', price_dollars: '0.5000', delta_fp: '1.00', ...overrides };
}
function delta(overrides: Record<string, unknown>): string {
  return JSON.stringify({ type: 'orderbook_delta', sid: 1, seq: 2, msg: deltaMsg(overrides) });
}
function snapshot(yes: unknown): string {
  return JSON.stringify({
    type: 'orderbook_snapshot',
    sid: 1,
    seq: 1,
    msg: { market_ticker: TICKER, yes_dollars_fp: yes },
  });
}

describe('the fast path agrees with the zod schemas', () => {
  const outcome = (parse: (raw: string) => KalshiWsEvent[], raw: string) => {
    try {
      return { events: parse(raw) };
    } catch (error) {
      expect(error).toBeInstanceOf(FeedParseError);
      return { rejected: true };
    }
  };
  const agree = (raw: string) =>
    expect(outcome(parseKalshiWsFrame, raw)).toEqual(outcome(parseKalshiWsFrameBySchema, raw));

  it('on every fixture frame', () => {
    for (const name of wsFixtures) for (const raw of frames(name)) agree(raw);
  });

  // Values that sit on the edges of what each field accepts.
  const oddValue = fc.oneof(
    fc.constantFrom('0.5000', '1.0000', '0.0000', '1.0001', '-0.5000', '0.1234567', '0.12345600', '12.50', '-3.00'),
    fc.constantFrom('', ' 0.50', '1e2', 'NaN', '0x10', '.5', '5.', null, true, [], {}, 'yes', 'no', 'maybe'),
    fc.constantFrom(0, -1, 45, 100, 101, 1.5, 2 ** 53, -0),
    fc.string({ maxLength: 6 }),
  );
  const mutation = fc.record({
    path: fc.constantFrom(
      ['sid'],
      ['seq'],
      ['type'],
      ['msg'],
      ['msg', 'market_ticker'],
      ['msg', 'side'],
      ['msg', 'price_dollars'],
      ['msg', 'delta_fp'],
      ['msg', 'price'],
      ['msg', 'delta'],
      ['msg', 'ts_ms'],
      ['msg', 'yes'],
      ['msg', 'yes_dollars_fp'],
      ['msg', 'no_dollars_fp', 0],
      ['msg', 'yes_dollars_fp', 1, 0],
      ['msg', 'yes_dollars_fp', 2, 1],
      ['msg', 'no_dollars_fp', 4, 2],
    ),
    value: fc.option(oddValue, { nil: undefined }),
  });
  const bookFrames = [...frames('kalshi_ws_orderbook_snapshot.json'), ...frames('kalshi_ws_orderbook_deltas.json')];

  it('on fuzzed book frames: same events, or both reject', () => {
    fc.assert(
      fc.property(fc.constantFrom(...bookFrames), fc.array(mutation, { minLength: 1, maxLength: 3 }), (raw, edits) => {
        const frame = JSON.parse(raw);
        for (const edit of edits) setPath(frame, edit.path, edit.value);
        agree(JSON.stringify(frame));
      }),
      { numRuns: 3000 },
    );
  });
});

function setPath(target: unknown, path: readonly (string | number)[], value: unknown): void {
  let node = target as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) return;
    node = node[key] as Record<string | number, unknown>;
  }
  const last = path.at(-1) as string | number;
  if (value === undefined) delete node[last];
  // A copy: fast-check hands the same `{}` or `[]` to every edit, and two edits could nest it in itself.
  else node[last] = structuredClone(value);
}

describe('Kalshi REST bodies', () => {
  it('reads one market and a markets page alike', () => {
    const [market] = parseKalshiMarketsResponse(fixture('kalshi_get_market_response.json'));
    expect(market).toEqual({
      ticker: TICKER,
      eventTicker: 'KXNBAGAME-26NOV14BOSDEN',
      seriesTicker: 'KXNBAGAME',
      marketType: 'binary',
      title: 'Boston at Denver Winner?',
      yesSubTitle: 'Denver',
      noSubTitle: 'Denver',
      status: 'active',
      rulesPrimary: expect.stringMatching(/^If Denver wins/),
      rulesSecondary: expect.stringMatching(/postponed/),
      priceRanges: [{ startMicros: 0, endMicros: 1_000_000, stepMicros: 10_000 }],
      fractionalTrading: false,
      closeTime: '2026-11-29T02:00:00Z',
      occurrenceTime: '2026-11-15T02:00:00Z',
      result: undefined,
    });
    expect(parseKalshiMarketsResponse(fixture('kalshi_get_markets_response.json'))).toEqual([market]);
  });

  it('resolves the tick grid from price_level_structure when price_ranges is absent', () => {
    const body = fixture('kalshi_get_market_response.json') as { market: Record<string, unknown> };
    const { price_ranges: _, ...rest } = body.market;
    const tapered = parseKalshiMarketsResponse({ market: { ...rest, price_level_structure: 'tapered_deci_cent' } });
    expect(tapered[0]?.priceRanges).toEqual([
      { startMicros: 0, endMicros: 100_000, stepMicros: 1_000 },
      { startMicros: 100_000, endMicros: 900_000, stepMicros: 10_000 },
      { startMicros: 900_000, endMicros: 1_000_000, stepMicros: 1_000 },
    ]);
    expect(() => parseKalshiMarketsResponse({ market: { ...rest, price_level_structure: 'quarter_cent' } })).toThrow(
      FeedParseError,
    );
  });

  it('rejects a body that is neither {market} nor {markets}', () => {
    expect(() => parseKalshiMarketsResponse({ markets: [{ ticker: TICKER }] })).toThrow(FeedParseError);
    expect(() => parseKalshiMarketsResponse([])).toThrow(FeedParseError);
  });

  it('reads the REST order book, and YES asks come from NO bids (YES ask = 1 - NO bid)', () => {
    const bids = parseKalshiOrderbookResponse(fixture('kalshi_get_orderbook_response.json'));
    expect(bids.yesBids.at(-1)).toEqual({ priceMicros: 690_000, quantity: 27_500 });
    expect(bids.noBids.at(-1)).toEqual({ priceMicros: 290_000, quantity: 19_000 });
    const [snapshotRaw] = frames('kalshi_ws_orderbook_snapshot.json');
    expect(one(snapshotRaw as string)).toMatchObject(bids);
    const { yes, no } = kalshiBooks(bids);
    expect(yes.asks[0]).toEqual({ priceMicros: 710_000, quantity: 19_000 });
    expect(no.asks[0]).toEqual({ priceMicros: 310_000, quantity: 27_500 });
    expect(yes.asks.map((l) => l.priceMicros)).toEqual([710_000, 720_000, 730_000, 740_000, 750_000]);
  });

  it('rejects prices it cannot represent exactly, or outside $0..$1, and the pre-2026 integer book', () => {
    const book = (price: string) => ({ orderbook_fp: { yes_dollars: [[price, '1.00']] } });
    for (const price of ['0.1234567', '1.0100', '0.5e2']) {
      expect(() => parseKalshiOrderbookResponse(book(price))).toThrow(FeedParseError);
    }
    expect(() => parseKalshiOrderbookResponse({ orderbook: { yes: [[45, 100]] } })).toThrow(FeedParseError);
  });
});
