import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FeedParseError } from '#adapters/venues/feed-parse-error';
import {
  parseGammaMarkets,
  parsePolymarketBookResponse,
  parsePolymarketBooksResponse,
  parsePolymarketWsFrame,
  parsePolymarketWsFrameWithZod,
} from '#adapters/venues/polymarket/wire';
import type { PolymarketBookSnapshot } from '#domain/feed/events';

const fixtureDir = new URL('../../fixtures/venues/', import.meta.url);
const text = (name: string): string => readFileSync(new URL(name, fixtureDir), 'utf8');
const json = (name: string): unknown => JSON.parse(text(name));

// The fixture scenario (REFERENCE.md 4): Celtics at Nuggets, token 0 = Celtics, token 1 = Nuggets.
const CELTICS = '48213097312509818742316590428361527491038264531729085136207415839262071905533';
const NUGGETS = '91562630148817306482917305627189445176027938440122691574318026794407336290148';
const CONDITION = '0x9b1f6d2e4c8a07f35e1d9c2b6a4f8e0d3c7b5a9e1f2d4c6b8a0e3f5d7c9b1a2e';

const bestBid = (book: PolymarketBookSnapshot) => Math.max(...book.bids.map((l) => l.priceMicros));
const bestAsk = (book: PolymarketBookSnapshot) => Math.min(...book.asks.map((l) => l.priceMicros));

function rejects(raw: string, source = 'polymarket_ws'): void {
  for (const parse of [parsePolymarketWsFrame, parsePolymarketWsFrameWithZod]) {
    let caught: unknown;
    try {
      parse(raw);
    } catch (error) {
      caught = error;
    }
    expect(caught, raw).toBeInstanceOf(FeedParseError);
    expect((caught as FeedParseError).source).toBe(source);
  }
}

describe('parsePolymarketWsFrame on the fixtures', () => {
  it('reads the initial array frame as two books, levels in wire order, sizes in hundredths', () => {
    const events = parsePolymarketWsFrame(text('polymarket_ws_book_initial.json'));
    expect(events).toHaveLength(2);
    const [celtics, nuggets] = events as PolymarketBookSnapshot[];
    expect(celtics).toMatchObject({ type: 'polymarket_book', conditionId: CONDITION, assetId: CELTICS });
    expect(nuggets).toMatchObject({
      assetId: NUGGETS,
      timestampMs: 1_794_712_890_000,
      hash: '3f9a1c7e52d08b46e1a9c3d5f7b2e8a04c6d1f93',
      tickSizeMicros: 10_000,
    });
    // Wire order kept: bids ascending, asks descending (REFERENCE.md 2.5); best levels found by max/min.
    expect(nuggets!.bids.map((l) => l.priceMicros)).toEqual([660_000, 670_000, 680_000, 690_000, 700_000]);
    expect(nuggets!.asks.at(-1)).toEqual({ priceMicros: 710_000, quantity: 42_030 });
    expect([bestBid(nuggets!), bestAsk(nuggets!)]).toEqual([700_000, 710_000]);
    // The Celtics book is the Nuggets book's complement.
    expect([bestBid(celtics!), bestAsk(celtics!)]).toEqual([290_000, 300_000]);
    expect(celtics!.asks.at(-1)).toEqual({ priceMicros: 300_000, quantity: 64_055 });
  });

  it('reads a price_change touching both tokens as new aggregate sizes per level', () => {
    expect(parsePolymarketWsFrame(text('polymarket_ws_price_change.json'))).toEqual([
      {
        type: 'polymarket_price_change',
        conditionId: CONDITION,
        timestampMs: 1_794_712_891_250,
        changes: [
          { assetId: NUGGETS, book: 'bid', priceMicros: 700_000, sizeHundredths: 84_055 },
          { assetId: CELTICS, book: 'ask', priceMicros: 300_000, sizeHundredths: 84_055 },
        ],
      },
    ]);
  });

  it('reads tick_size_change, last_trade_price, best_bid_ask and the book after our trade', () => {
    expect(parsePolymarketWsFrame(text('polymarket_ws_tick_size_change.json'))).toEqual([
      {
        type: 'polymarket_tick_size_change',
        conditionId: CONDITION,
        assetId: NUGGETS,
        tickSizeMicros: 1_000,
        timestampMs: 1_794_715_090_000,
      },
    ]);
    expect(parsePolymarketWsFrame(text('polymarket_ws_last_trade_price.json'))).toEqual([
      {
        type: 'polymarket_last_trade',
        conditionId: CONDITION,
        assetId: NUGGETS,
        priceMicros: 710_000,
        sizeHundredths: 2_000,
        timestampMs: 1_794_712_892_515,
      },
    ]);
    expect(parsePolymarketWsFrame(text('polymarket_ws_best_bid_ask.json'))).toEqual([
      {
        type: 'polymarket_best_bid_ask',
        conditionId: CONDITION,
        assetId: NUGGETS,
        bestBidMicros: 700_000,
        bestAskMicros: 710_000,
        timestampMs: 1_794_712_892_515,
      },
    ]);
    const [after] = parsePolymarketWsFrame(text('polymarket_ws_book_after_trade.json')) as PolymarketBookSnapshot[];
    // Our BUY 20 @ 0.71 took 420.30 -> 400.30 at the best ask; the 0.70 bid grew by 200 earlier.
    expect(after!.asks.find((l) => l.priceMicros === 710_000)?.quantity).toBe(40_030);
    expect(after!.bids.find((l) => l.priceMicros === 700_000)?.quantity).toBe(84_055);
  });
});

describe('parsePolymarketWsFrame on other shapes', () => {
  const book = (extra: Record<string, unknown>) =>
    JSON.stringify({ event_type: 'book', market: CONDITION, asset_id: NUGGETS, timestamp: '1', ...extra });

  it('ignores unknown event types, also inside an array next to known ones; PONG gives nothing', () => {
    const frame = JSON.stringify([
      { event_type: 'new_market', market: CONDITION, whatever: 1 },
      JSON.parse(text('polymarket_ws_best_bid_ask.json')),
      { event_type: 'some_future_event' },
    ]);
    expect(parsePolymarketWsFrame(frame).map((e) => e.type)).toEqual(['polymarket_best_bid_ask']);
    expect(parsePolymarketWsFrame('PONG')).toEqual([]);
    expect(parsePolymarketWsFrame('[]')).toEqual([]);
  });

  it('accepts the old buys/sells names and the old price_change with `changes`', () => {
    const [old] = parsePolymarketWsFrame(book({ buys: [{ price: '0.5', size: '10' }], sells: [] }));
    expect(old).toMatchObject({ bids: [{ priceMicros: 500_000, quantity: 1_000 }], asks: [] });
    const legacy = JSON.stringify({
      event_type: 'price_change',
      market: CONDITION,
      asset_id: NUGGETS,
      timestamp: '5',
      hash: 'h',
      changes: [{ price: '0.4', side: 'SELL', size: '3300' }],
    });
    expect(parsePolymarketWsFrame(legacy)).toEqual([
      {
        type: 'polymarket_price_change',
        conditionId: CONDITION,
        timestampMs: 5,
        changes: [{ assetId: NUGGETS, book: 'ask', priceMicros: 400_000, sizeHundredths: 330_000 }],
      },
    ]);
  });

  it('floors sizes past two decimals (never more depth than the venue holds) and reads ".48" prices', () => {
    const [event] = parsePolymarketWsFrame(
      book({
        bids: [{ price: '.48', size: '12.345678' }],
        asks: [
          { price: '0.52', size: '0.004' },
          { price: '0.53', size: '7.999999' },
        ],
      }),
    );
    // A level that floors to zero holds nothing we can take and is dropped.
    expect(event).toMatchObject({
      bids: [{ priceMicros: 480_000, quantity: 1_234 }],
      asks: [{ priceMicros: 530_000, quantity: 799 }],
    });
  });

  it('reads market_resolved', () => {
    const raw = JSON.stringify({
      event_type: 'market_resolved',
      market: CONDITION,
      winning_asset_id: NUGGETS,
      winning_outcome: 'Nuggets',
      assets_ids: [CELTICS, NUGGETS],
      timestamp: '1794720000000',
    });
    expect(parsePolymarketWsFrame(raw)).toEqual([
      {
        type: 'polymarket_market_resolved',
        conditionId: CONDITION,
        winningAssetId: NUGGETS,
        timestampMs: 1794720000000,
      },
    ]);
  });

  it('rejects malformed frames with FeedParseError("polymarket_ws")', () => {
    const change = (entry: Record<string, unknown>) =>
      JSON.stringify({
        event_type: 'price_change',
        market: CONDITION,
        timestamp: '1',
        price_changes: [{ asset_id: NUGGETS, price: '0.5', size: '1', side: 'BUY', ...entry }],
      });
    rejects('not json');
    rejects('{"event_type": "book"');
    rejects('42');
    rejects('[1]');
    rejects('{"market": "x"}');
    rejects(book({ bids: [] }));
    rejects(book({ bids: [{ price: 0.5, size: '1' }], asks: [] }));
    rejects(book({ bids: [], asks: [], timestamp: 'yesterday' }));
    rejects(book({ bids: [], asks: [], hash: null }));
    rejects(book({ bids: [{ price: 'abc', size: '0' }], asks: [] }));
    rejects(change({ side: 'buy' }));
    rejects(change({ price: '1.5' }));
    rejects(change({ price: '0.1234567' }));
    rejects(change({ size: '-1' }));
    rejects(change({ size: '1e3' }));
    rejects(change({ asset_id: '' }));
    rejects(change({ best_bid: 0.5 }));
    rejects(JSON.stringify({ event_type: 'tick_size_change', market: CONDITION, asset_id: NUGGETS, timestamp: '1' }));
  });
});

describe('the hand-checked hot path agrees with the zod reference', () => {
  type Outcome = { events: unknown } | { rejected: true };
  const outcome = (parse: (raw: string) => unknown, raw: string): Outcome => {
    try {
      return { events: parse(raw) };
    } catch (error) {
      expect(error).toBeInstanceOf(FeedParseError);
      return { rejected: true };
    }
  };
  const seen = { accepted: 0, rejected: 0 };
  const agree = (raw: string) => {
    const fast = outcome(parsePolymarketWsFrame, raw);
    expect(fast, raw).toEqual(outcome(parsePolymarketWsFrameWithZod, raw));
    seen['events' in fast ? 'accepted' : 'rejected'] += 1;
  };

  const polymarketFixtures = readdirSync(fixtureDir).filter((name) => name.startsWith('polymarket_'));

  it('on every Polymarket fixture', () => {
    expect(polymarketFixtures.length).toBeGreaterThanOrEqual(9);
    for (const name of polymarketFixtures) agree(text(name));
  });

  /** Every path to a value inside `value` (object keys and array indexes). */
  function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
    if (typeof value !== 'object' || value === null) return [prefix];
    const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
    return [prefix, ...keys.flatMap((key) => paths((value as Record<string, unknown>)[key], [...prefix, key]))];
  }

  const tricky = fc.constantFrom('', '0', '.5', '0.5', '1', '1.5', '-1', '12.345', '1e3', 'BUY', 'SELL', 'book', 'x');
  const replacement = fc.oneof(tricky, fc.jsonValue({ maxDepth: 2 }));
  const wsFixtures = polymarketFixtures.filter((name) => name.startsWith('polymarket_ws_'));
  const base = fc.constantFrom(...wsFixtures.map(json));

  it('on fuzzed variants of the market-channel fixtures (fields deleted, retyped, replaced)', () => {
    fc.assert(
      fc.property(
        base,
        fc.array(fc.tuple(fc.nat(), fc.boolean(), replacement), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (fixture, edits, wrapInArray) => {
          const value = structuredClone(fixture) as Record<string, unknown>;
          for (const [pick, remove, next] of edits) {
            const all = paths(value).filter((p) => p.length > 0);
            if (all.length === 0) break;
            const path = all[pick % all.length]!;
            const parent = path.slice(0, -1).reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], value);
            const key = path.at(-1)!;
            if (remove && !Array.isArray(parent)) delete (parent as Record<string, unknown>)[key];
            else (parent as Record<string, unknown>)[key] = next;
          }
          agree(JSON.stringify(wrapInArray ? [value] : value));
        },
      ),
      { numRuns: 3000 },
    );
    // Both outcomes are exercised, or the agreement would prove little.
    expect(seen.accepted).toBeGreaterThan(300);
    expect(seen.rejected).toBeGreaterThan(300);
  });
});

describe('parsePolymarketBookResponse (CLOB GET /book)', () => {
  it('reads the book without an event_type, levels as sent', () => {
    const book = parsePolymarketBookResponse(json('polymarket_clob_book.json'));
    expect(book).toMatchObject({
      type: 'polymarket_book',
      conditionId: CONDITION,
      assetId: NUGGETS,
      timestampMs: 1_794_712_890_000,
      tickSizeMicros: 10_000,
    });
    expect([bestBid(book), bestAsk(book)]).toEqual([700_000, 710_000]);
    expect(book.bids).toHaveLength(5);
    expect(parsePolymarketBooksResponse([json('polymarket_clob_book.json')])).toEqual([book]);
  });

  it('rejects a body that is not a book', () => {
    expect(() => parsePolymarketBookResponse({ market: CONDITION })).toThrow(FeedParseError);
    expect(() => parsePolymarketBooksResponse({})).toThrow(FeedParseError);
  });
});

describe('parseGammaMarkets', () => {
  const market = json('polymarket_gamma_market.json') as Record<string, unknown>;
  const expected = {
    gammaId: '1893402',
    conditionId: CONDITION,
    slug: 'nba-bos-den-2026-11-14',
    question: 'Celtics vs. Nuggets',
    outcomes: ['Celtics', 'Nuggets'],
    tokenIds: [CELTICS, NUGGETS],
    sportsMarketType: 'moneyline',
    negRisk: false,
    negRiskAugmented: false,
    active: true,
    closed: false,
    acceptingOrders: true,
    fee: { rate: 0.03, exponent: 1 },
    tickSizeMicros: 10_000,
    minOrderSizeHundredths: 500,
    gameStartMs: Date.UTC(2026, 10, 15, 2, 0, 0),
    eventSlug: 'nba-bos-den-2026-11-14',
  };

  it('reads one market object and the list, decoding the JSON-string fields', () => {
    const [one] = parseGammaMarkets(market);
    expect(one).toMatchObject(expected);
    expect(one!.description).toContain('If the Nuggets win');
    expect(parseGammaMarkets(json('polymarket_gamma_markets_list.json'))).toEqual([one]);
  });

  it('fees off -> rate 0; negRiskAugmented read when given; protocol-V2 markets trade by positionIds', () => {
    const [free] = parseGammaMarkets({ ...market, feesEnabled: false });
    expect(free!.fee).toEqual({ rate: 0, exponent: 1 });
    expect(parseGammaMarkets({ ...market, negRisk: true, negRiskAugmented: true })[0]).toMatchObject({
      negRisk: true,
      negRiskAugmented: true,
    });
    const [v2] = parseGammaMarkets({ ...market, version: 'v2', positionIds: ['11', '22'] });
    expect(v2!.tokenIds).toEqual(['11', '22']);
  });

  it('leaves out markets without an order book', () => {
    expect(parseGammaMarkets([{ ...market, enableOrderBook: false }, market])).toHaveLength(1);
  });

  it('rejects what it cannot price or pair, with FeedParseError("polymarket_gamma")', () => {
    const bad: Record<string, unknown>[] = [
      { outcomes: '["Celtics"]' },
      { outcomes: '[not json' },
      { clobTokenIds: undefined },
      { feeSchedule: undefined },
      { gameStartTime: 'tonight' },
      { orderPriceMinTickSize: '0.01' },
      { negRisk: undefined },
    ];
    for (const change of bad) {
      const body = [market, { ...market, ...change }];
      expect(() => parseGammaMarkets(body), JSON.stringify(change)).toThrow(FeedParseError);
      try {
        parseGammaMarkets(body);
      } catch (error) {
        expect((error as FeedParseError).source).toBe('polymarket_gamma');
      }
    }
  });
});
