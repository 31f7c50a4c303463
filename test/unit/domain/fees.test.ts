import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  kalshiFeeMicros,
  kalshiFeeMicrosForHundredths,
  kalshiOrderFeeMicros,
  orderFeeMicros,
  parseHundredths,
  parseMicros,
  polymarketFeeMicros,
  polymarketOrderFeeMicros,
  type VenueFeeSchedule,
} from '#domain';

function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

const CENT = 10_000;

describe('kalshiFeeMicros', () => {
  // Kalshi fee schedule: fee = roundup(0.07 x C x P x (1 - P)) to the cent. 100 @ $0.50 is exactly $1.75
  // (floats say 1.7500000000000002 and round up to $1.76); 10 @ $0.71 is 0.14413 -> $0.15.
  it('matches the required examples', () => {
    expect(kalshiFeeMicros(100, 500_000, 'taker')).toBe(1_750_000);
    expect(kalshiFeeMicros(10, 710_000, 'taker')).toBe(150_000);
  });

  // Table "Fee Per Contract at Key Price Points" (agentbets.ai/guides/kalshi-fees-guide, from Kalshi's schedule),
  // each recomputed by hand: e.g. 100 @ $0.05 taker = 0.07 x 100 x 0.05 x 0.95 = 0.3325 -> $0.34;
  // 100 @ $0.05 maker = 0.0175 x 100 x 0.0475 = 0.083125 -> $0.09; 1 @ $0.50 taker = 0.0175 -> $0.02.
  it("reproduces Kalshi's published fee table", () => {
    const table: [price: number, taker1: number, taker100: number, maker1: number, maker100: number][] = [
      [0.05, 0.01, 0.34, 0.01, 0.09],
      [0.1, 0.01, 0.63, 0.01, 0.16],
      [0.25, 0.02, 1.32, 0.01, 0.33],
      [0.5, 0.02, 1.75, 0.01, 0.44],
      [0.75, 0.02, 1.32, 0.01, 0.33],
      [0.9, 0.01, 0.63, 0.01, 0.16],
      [0.95, 0.01, 0.34, 0.01, 0.09],
    ];
    for (const [price, taker1, taker100, maker1, maker100] of table) {
      const priceMicros = Math.round(price * 1_000_000);
      expect(kalshiFeeMicros(1, priceMicros, 'taker')).toBe(Math.round(taker1 * 1e6));
      expect(kalshiFeeMicros(100, priceMicros, 'taker')).toBe(Math.round(taker100 * 1e6));
      expect(kalshiFeeMicros(1, priceMicros, 'maker')).toBe(Math.round(maker1 * 1e6));
      expect(kalshiFeeMicros(100, priceMicros, 'maker')).toBe(Math.round(maker100 * 1e6));
    }
  });

  // Kalshi's July 2025 fee notice (reported by usigaminghub.com): 10 contracts at 50c, 0.07 x 10 x 0.25 = $0.175 -> 18c.
  it("matches the July 2025 notice's example", () => {
    expect(kalshiFeeMicros(10, 500_000, 'taker')).toBe(180_000);
  });

  it('agrees with the recorded Kalshi order fixture (10 @ 0.71, taker fee $0.15)', () => {
    const { order } = fixture<{
      order: { yes_price_dollars: string; fill_count_fp: string; taker_fees_dollars: string };
    }>('kalshi_create_order_response.json');
    const fee = kalshiFeeMicrosForHundredths(
      parseHundredths(order.fill_count_fp),
      parseMicros(order.yes_price_dollars),
      'taker',
    );
    expect(fee).toBe(parseMicros(order.taker_fees_dollars));
  });

  it('applies the series fee multiplier and handles fractional counts', () => {
    expect(kalshiFeeMicros(100, 500_000, 'taker', 0.5)).toBe(880_000); // 0.875 -> 0.88
    expect(kalshiFeeMicros(100, 500_000, 'taker', 2)).toBe(3_500_000);
    expect(kalshiFeeMicros(100, 500_000, 'taker', 0)).toBe(0);
    expect(kalshiFeeMicrosForHundredths(50, 500_000, 'taker')).toBe(10_000); // 0.5 contract: 0.00875 -> 1c
    expect(kalshiFeeMicros(0, 500_000, 'taker')).toBe(0);
    expect(kalshiFeeMicros(5, 0, 'taker')).toBe(0);
    expect(kalshiFeeMicros(5, 1_000_000, 'taker')).toBe(0);
  });

  it('rounds the order total, not each fill, up to the cent (docs.kalshi.com fee_rounding)', () => {
    // Two fills of 1 @ 0.50: 0.0175 each; per fill rounded to $0.0001 (0.0175), total 0.035 -> 4c, not 2 x 2c.
    const fills = [
      { priceMicros: 500_000, quantity: 100 },
      { priceMicros: 500_000, quantity: 100 },
    ];
    expect(kalshiOrderFeeMicros(fills)).toBe(40_000);
    // A fill of 1 @ 0.333333: 0.07 x 0.333333 x 0.666667 = 0.0155555..., rounded up to 0.0156 per fill first.
    expect(kalshiOrderFeeMicros([{ priceMicros: 333_333, quantity: 100 }])).toBe(20_000);
  });

  it('throws RangeErrors naming the bad argument', () => {
    expect(() => kalshiFeeMicros(1.5, 500_000, 'taker')).toThrow(/count/);
    expect(() => kalshiFeeMicros(-1, 500_000, 'taker')).toThrow(/count/);
    expect(() => kalshiFeeMicros(1, 1_500_000, 'taker')).toThrow(/priceMicros/);
    expect(() => kalshiFeeMicros(1, 0.5, 'taker')).toThrow(/priceMicros/);
    expect(() => kalshiFeeMicros(1, 500_000, 'both' as 'taker')).toThrow(/liquidity/);
    expect(() => kalshiFeeMicros(1, 500_000, 'taker', -1)).toThrow(/multiplier/);
    expect(() => kalshiFeeMicros(1, 500_000, 'taker', Number.NaN)).toThrow(/multiplier/);
  });

  it('is never negative, never below the exact rule and less than a cent above it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.constantFrom('taker' as const, 'maker' as const),
        fc.integer({ min: 0, max: 4_000_000 }),
        (quantity, priceMicros, liquidity, multiplierMillionths) => {
          const multiplier = multiplierMillionths / 1_000_000;
          const fee = kalshiFeeMicrosForHundredths(quantity, priceMicros, liquidity, multiplier);
          expect(fee).toBeGreaterThanOrEqual(0);
          expect(fee % CENT).toBe(0);
          // Exact rule in BigInt, scaled by 1e18: rate (1e-4) x multiplier (1e-6) x quantity (1e-2) x P(1-P) (1e-12).
          const rate = BigInt(liquidity === 'taker' ? 700 : 175) * BigInt(multiplierMillionths);
          const exactScaled = rate * BigInt(quantity) * BigInt(priceMicros) * BigInt(1_000_000 - priceMicros);
          const feeScaled = BigInt(fee) * 10n ** 18n;
          expect(feeScaled >= exactScaled).toBe(true);
          expect(feeScaled - exactScaled < BigInt(CENT) * 10n ** 18n).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('polymarketFeeMicros', () => {
  const gamma = fixture<{ feeSchedule: { rate: number; exponent: number } }>('polymarket_gamma_market_fees.json');

  // Polymarket fees (docs.polymarket.com/trading/fees, via nautilus compute_commission): takers pay
  // C x rate x p(1-p) with exponent 1, floored to 5 decimals. 100 shares @ 0.50 at the sports rate 0.03:
  // 100 x 0.03 x 0.25 = $0.75.
  it('applies the market fee schedule', () => {
    expect(polymarketFeeMicros({ shares: 100, priceMicros: 500_000, ...gamma.feeSchedule })).toBe(750_000);
    expect(polymarketFeeMicros({ quantity: 10_000, priceMicros: 500_000, rate: 0.03 })).toBe(750_000);
    // 7 @ 0.33 at 0.03: 7 x 0.03 x 0.2211 = 0.046431 -> floored to 0.04643.
    expect(polymarketFeeMicros({ shares: 7, priceMicros: 330_000, rate: 0.03 })).toBe(46_430);
    // Exponent 2 (crypto markets used rate 0.25, exponent 2 per predtools.com), computed by hand from the rule:
    // 100 x 0.25 x (0.54 x 0.46)^2 = 25 x 0.06170256 = 1.542564 -> floored to 1.54256.
    expect(polymarketFeeMicros({ shares: 100, priceMicros: 540_000, rate: 0.25, exponent: 2 })).toBe(1_542_560);
  });

  it('charges nothing without a rate', () => {
    expect(polymarketFeeMicros({ shares: 100, priceMicros: 500_000 })).toBe(0);
    expect(polymarketOrderFeeMicros([{ priceMicros: 500_000, quantity: 10_000 }])).toBe(0);
  });

  it('throws RangeErrors naming the bad argument', () => {
    expect(() => polymarketFeeMicros({ shares: 1.005, priceMicros: 500_000, rate: 0.03 })).toThrow(/shares/);
    expect(() => polymarketFeeMicros({ shares: -1, priceMicros: 500_000, rate: 0.03 })).toThrow(/shares/);
    expect(() => polymarketFeeMicros({ shares: 1, priceMicros: -1, rate: 0.03 })).toThrow(/priceMicros/);
    expect(() => polymarketFeeMicros({ shares: 1, priceMicros: 500_000, rate: -0.03 })).toThrow(/rate/);
    expect(() => polymarketFeeMicros({ shares: 1, priceMicros: 500_000, rate: 0.03, exponent: 1.5 })).toThrow(
      /exponent/,
    );
  });

  it('is never negative, never above the exact rule and less than 10 micros below it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 250_000 }),
        fc.integer({ min: 0, max: 3 }),
        (quantity, priceMicros, rateMillionths, exponent) => {
          const fee = polymarketFeeMicros({ quantity, priceMicros, rate: rateMillionths / 1e6, exponent });
          expect(fee).toBeGreaterThanOrEqual(0);
          expect(fee % 10).toBe(0);
          // Exact rule x 1e2 x 1e6 x 1e12^exponent (micros): quantity x rate x (P(1-P))^e.
          const p = BigInt(priceMicros);
          const e = BigInt(exponent);
          const exactScaled = BigInt(quantity) * BigInt(rateMillionths) * (p * (1_000_000n - p)) ** e;
          const scale = 100n * 1_000_000n ** (2n * e);
          const feeScaled = BigInt(fee) * scale;
          expect(feeScaled <= exactScaled).toBe(true);
          expect(exactScaled - feeScaled < 10n * scale).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('orderFeeMicros', () => {
  it('dispatches on the venue and refuses unknown ones', () => {
    const fills = [{ priceMicros: 500_000, quantity: 10_000 }];
    expect(orderFeeMicros({ venue: 'kalshi' }, fills)).toBe(1_750_000);
    expect(orderFeeMicros({ venue: 'kalshi', liquidity: 'maker' }, fills)).toBe(440_000);
    expect(orderFeeMicros({ venue: 'polymarket', rate: 0.03 }, fills)).toBe(750_000);
    expect(() => orderFeeMicros({ venue: 'betfair' } as unknown as VenueFeeSchedule, fills)).toThrow(/venue/);
    expect(() => orderFeeMicros(undefined as unknown as VenueFeeSchedule, fills)).toThrow(/feeSchedule/);
    expect(() => orderFeeMicros({ venue: 'kalshi' }, [{ priceMicros: 500_000, quantity: -1 }])).toThrow(
      /fills\[0\]\.quantity/,
    );
  });
});
