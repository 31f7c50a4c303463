import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  asksFromOppositeBids,
  OrderBook,
  optimalArbitrage,
  type PriceLevel,
  parseHundredths,
  parseMicros,
} from '#domain';

interface ClobBook {
  bids: { price: string; size: string }[];
  asks: { price: string; size: string }[];
}

const clob = JSON.parse(
  readFileSync(new URL('./fixtures/polymarket_clob_book.json', import.meta.url), 'utf8'),
) as ClobBook;
const toLevels = (levels: ClobBook['bids']): PriceLevel[] =>
  levels.map((level) => ({ priceMicros: parseMicros(level.price), quantity: parseHundredths(level.size) }));

// The recorded Polymarket CLOB book: bids 0.66..0.70 ascending (best last), asks 0.75..0.71 descending (best last).
const book = OrderBook.fromLevels({ bids: toLevels(clob.bids), asks: toLevels(clob.asks) });

describe('OrderBook from the recorded Polymarket book', () => {
  it('finds the best bid and ask whatever the wire order', () => {
    expect(book.bestBid()).toEqual({ priceMicros: 700_000, quantity: 64_055 });
    expect(book.bestAsk()).toEqual({ priceMicros: 710_000, quantity: 42_030 });
    expect(book.asks.map((level) => level.priceMicros)).toEqual([710_000, 720_000, 730_000, 740_000, 750_000]);
    expect(book.bids.map((level) => level.priceMicros)).toEqual([700_000, 690_000, 680_000, 670_000, 660_000]);
  });

  it('measures depth up to a limit price', () => {
    expect(book.buyDepthUpTo(720_000)).toBe(42_030 + 110_000);
    expect(book.buyDepthUpTo(700_000)).toBe(0);
    expect(book.sellDepthDownTo(690_000)).toBe(64_055 + 98_000);
    expect(book.sellDepthDownTo(1_000_000)).toBe(0);
  });

  // Buying 500 shares: 420.30 @ 0.71 + 79.70 @ 0.72 = 298.413 + 57.384 = $355.797.
  it('walks the asks for the volume-weighted cost of a fill', () => {
    const walk = book.buy(50_000);
    expect(walk).toEqual({
      filledQuantity: 50_000,
      notionalMicros: 355_797_000,
      // 355.797 / 500 contracts = 0.711594 exactly.
      averagePriceMicros: 711_594,
      complete: true,
      fills: [
        { priceMicros: 710_000, quantity: 42_030 },
        { priceMicros: 720_000, quantity: 7_970 },
      ],
    });
  });

  it('returns what it could fill when the book is too thin', () => {
    const walk = book.buy(1_000_000);
    expect(walk.complete).toBe(false);
    expect(walk.filledQuantity).toBe(42_030 + 110_000 + 90_000 + 125_000 + 300_000);
    const proceeds = book.sell(10_000);
    expect(proceeds).toMatchObject({ filledQuantity: 10_000, notionalMicros: 70_000_000, complete: true });
  });
});

describe('OrderBook construction', () => {
  it('merges equal prices, drops empty levels and rounds part-micros against the taker', () => {
    const merged = OrderBook.fromLevels({
      asks: [
        { priceMicros: 500_001, quantity: 1 },
        { priceMicros: 500_001, quantity: 2 },
        { priceMicros: 400_000, quantity: 0 },
      ],
      bids: [{ priceMicros: 500_001, quantity: 1 }],
    });
    expect(merged.asks).toEqual([{ priceMicros: 500_001, quantity: 3 }]);
    // 0.03 contract at 0.500001 = 15_000.03 micros: a buyer pays 15_001, a seller of 0.01 gets 5_000.
    expect(merged.buy(3).notionalMicros).toBe(15_001);
    expect(merged.sell(1).notionalMicros).toBe(5_000);
    expect(OrderBook.fromLevels({}).bestAsk()).toBeUndefined();
  });

  it('throws RangeErrors naming the bad level', () => {
    expect(() => OrderBook.fromLevels({ asks: [{ priceMicros: 1_200_000, quantity: 1 }] })).toThrow(
      /asks\[0\]\.priceMicros/,
    );
    expect(() => OrderBook.fromLevels({ bids: [{ priceMicros: 1, quantity: 0.5 }] })).toThrow(/bids\[0\]\.quantity/);
    expect(() => book.buy(-1)).toThrow(/quantity/);
    expect(() => book.buyDepthUpTo(Number.NaN)).toThrow(/limitPriceMicros/);
  });

  const levels = fc.array(
    fc.record({ priceMicros: fc.integer({ min: 0, max: 1_000_000 }), quantity: fc.integer({ min: 0, max: 100_000 }) }),
    { maxLength: 12 },
  );

  it('fills no more than asked or offered, at a VWAP between the best and the worst level taken', () => {
    fc.assert(
      fc.property(levels, fc.integer({ min: 0, max: 1_000_000 }), (asks, quantity) => {
        const walked = OrderBook.fromLevels({ asks }).buy(quantity);
        const offered = asks.reduce((total, level) => total + level.quantity, 0);
        expect(walked.filledQuantity).toBe(Math.min(quantity, offered));
        expect(walked.complete).toBe(quantity <= offered);
        if (walked.filledQuantity > 0) {
          const prices = walked.fills.map((fill) => fill.priceMicros);
          const exact = walked.fills.reduce((total, fill) => total + fill.priceMicros * fill.quantity, 0) / 100;
          expect(walked.notionalMicros).toBe(Math.ceil(exact));
          const vwap = (exact * 100) / walked.filledQuantity;
          expect(vwap).toBeGreaterThanOrEqual(Math.min(...prices) - 1e-9);
          expect(vwap).toBeLessThanOrEqual(Math.max(...prices) + 1e-9);
        }
      }),
    );
  });
});

describe('asksFromOppositeBids with the recorded Kalshi book', () => {
  const kalshi = JSON.parse(
    readFileSync(new URL('./fixtures/kalshi_get_orderbook_response.json', import.meta.url), 'utf8'),
  ) as { orderbook_fp: { yes_dollars: [string, string][]; no_dollars: [string, string][] } };
  const bids = (levels: [string, string][]): PriceLevel[] =>
    levels.map(([price, count]) => ({ priceMicros: parseMicros(price), quantity: parseHundredths(count) }));
  const yesAsks = asksFromOppositeBids(bids(kalshi.orderbook_fp.no_dollars));
  const noAsks = asksFromOppositeBids(bids(kalshi.orderbook_fp.yes_dollars));

  // REFERENCE 1.5: bids only, ascending; YES ask = 1 - best NO bid (1 - 0.29), NO ask = 1 - best YES bid (1 - 0.69).
  it('turns NO bids into YES asks, best first', () => {
    expect(yesAsks[0]).toEqual({ priceMicros: 710_000, quantity: 19_000 });
    expect(yesAsks.map((level) => level.priceMicros)).toEqual([710_000, 720_000, 730_000, 740_000, 750_000]);
    expect(noAsks[0]).toEqual({ priceMicros: 310_000, quantity: 27_500 });
  });

  // Kalshi NO from 0.31 plus Polymarket's recorded YES asks from 0.71 cost at least $1.02: nothing to take.
  it('finds no arbitrage against the recorded Polymarket book', () => {
    const result = optimalArbitrage(book.asks, noAsks, {
      yes: { venue: 'polymarket', rate: 0.03 },
      no: { venue: 'kalshi' },
    });
    expect(result.count).toBe(0);
  });

  it('names the bad level', () => {
    expect(() => asksFromOppositeBids([{ priceMicros: 2_000_000, quantity: 1 }])).toThrow(/bids\[0\]\.priceMicros/);
  });
});
