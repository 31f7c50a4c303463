import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bpsOfPayout,
  contractsOf,
  costMicros,
  formatCents,
  formatDollars,
  hundredthsOf,
  type MoneyMicros,
  moneyMicros,
  parseHundredths,
  parseMicros,
  priceFromProbability,
  priceMicros,
  type QuantityHundredths,
  quantityHundredths,
  shareMicros,
  toMicros,
  wholeContracts,
} from '#domain';

describe('toMicros', () => {
  it('rounds dollars to the nearest micro', () => {
    expect(toMicros(0.53)).toBe(530_000);
    expect(toMicros(1)).toBe(1_000_000);
    expect(toMicros(0.0000004)).toBe(0);
    expect(toMicros(0.0000006)).toBe(1);
    expect(toMicros(-0.53)).toBe(-530_000);
    expect(Object.is(toMicros(-0.0000001), 0)).toBe(true);
  });

  it('names the bad argument', () => {
    expect(() => toMicros(Number.NaN)).toThrow(RangeError);
    expect(() => toMicros(Number.POSITIVE_INFINITY)).toThrow(/dollars/);
    expect(() => toMicros(1e12)).toThrow(/dollars/);
  });

  it('round-trips every whole number of micros', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (micros) => {
        expect(toMicros(micros / 1_000_000)).toBe(micros);
      }),
    );
  });
});

describe('priceFromProbability', () => {
  it('is the one rounding from probability to price', () => {
    expect(priceFromProbability(0.53)).toBe(530_000);
    expect(priceFromProbability(1 / 3)).toBe(333_333);
    expect(priceFromProbability(0)).toBe(0);
    expect(priceFromProbability(1)).toBe(1_000_000);
    expect(() => priceFromProbability(1.01)).toThrow(/probability/);
    expect(() => priceFromProbability(Number.NaN)).toThrow(RangeError);
  });
});

describe('parseMicros / parseHundredths', () => {
  it('parses venue decimal strings without floats', () => {
    expect(parseMicros('0.5300')).toBe(530_000);
    expect(parseMicros('0.7')).toBe(700_000);
    expect(parseMicros('0.123456')).toBe(123_456);
    expect(parseMicros('-1.25')).toBe(-1_250_000);
    expect(parseMicros('0.1200000')).toBe(120_000);
    expect(parseHundredths('10.00')).toBe(1000);
    expect(parseHundredths('640.55')).toBe(64_055);
    expect(parseHundredths('2500')).toBe(250_000);
  });

  it('refuses text that is not a decimal or would lose digits', () => {
    expect(() => parseMicros('abc')).toThrow(RangeError);
    expect(() => parseMicros('0.1234567')).toThrow(/more than 6 decimals/);
    expect(() => parseHundredths('1.005')).toThrow(/more than 2 decimals/);
    expect(() => parseMicros('1e-3')).toThrow(RangeError);
  });

  it('agrees with toMicros on every 6-decimal string', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), (micros) => {
        const text = (micros / 1_000_000).toFixed(6);
        expect(parseMicros(text)).toBe(micros);
      }),
    );
  });
});

describe('contracts and hundredths', () => {
  it('converts between them, rounding whole contracts as asked', () => {
    expect(contractsOf(150)).toBe(1.5);
    expect(contractsOf(1000)).toBe(10);
    expect(hundredthsOf(3)).toBe(300);
    expect(wholeContracts(150)).toBe(1);
    expect(wholeContracts(150, 'up')).toBe(2);
    expect(wholeContracts(300, 'up')).toBe(3);
    expect(wholeContracts(0, 'up')).toBe(0);
    // Headroom past a limit is negative: down is still the floor, up the ceiling.
    expect(wholeContracts(-150)).toBe(-2);
    expect(wholeContracts(-150, 'up')).toBe(-1);
  });

  it('refuses what is not a count', () => {
    expect(() => hundredthsOf(1.5)).toThrow(/contracts/);
    expect(() => hundredthsOf(-1)).toThrow(/contracts/);
    expect(() => wholeContracts(Number.NaN)).toThrow(/quantity/);
  });

  it('agrees with floor and ceil on every safe quantity', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (quantity) => {
        const exact = BigInt(quantity);
        const floor = exact >= 0n ? exact / 100n : -((-exact + 99n) / 100n);
        const ceil = exact >= 0n ? (exact + 99n) / 100n : -(-exact / 100n);
        expect(wholeContracts(quantity)).toBe(Number(floor));
        expect(wholeContracts(quantity, 'up')).toBe(Number(ceil));
      }),
    );
  });
});

describe('costMicros', () => {
  it('is price x quantity / 100 with the part-micro rounded as asked', () => {
    // 10 contracts at 53c: $5.30.
    expect(costMicros(530_000, 1000, 'up')).toBe(5_300_000);
    // 0.01 contract at 0.123457: 1234.57 micros.
    expect(costMicros(123_457, 1, 'up')).toBe(1235);
    expect(costMicros(123_457, 1, 'down')).toBe(1234);
    expect(costMicros(0, 500, 'up')).toBe(0);
  });

  it('stays exact where the product passes 2^53', () => {
    // 900M contracts at $0.999999: the product (9e16) is past 2^53, the cost ($899.9991M) is not.
    expect(costMicros(999_999, 90_000_000_000, 'down')).toBe(899_999_100_000_000);
    expect(costMicros(999_999, 90_000_000_001, 'up')).toBe(899_999_100_010_000);
    expect(() => costMicros(1_000_000, Number.MAX_SAFE_INTEGER, 'down')).toThrow(/too large/);
  });

  it('matches BigInt arithmetic', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 2 ** 39 }), (price, quantity) => {
        const product = BigInt(price) * BigInt(quantity);
        expect(costMicros(price, quantity, 'down')).toBe(Number(product / 100n));
        expect(costMicros(price, quantity, 'up')).toBe(Number((product + 99n) / 100n));
      }),
    );
  });
});

describe('bpsOfPayout', () => {
  it('is profit x 10_000 / (contracts x $1), rounded down', () => {
    expect(bpsOfPayout(14_500)).toBe(145);
    expect(bpsOfPayout(-1)).toBe(-1);
    // The brief's arbitrage edge: $2.51 net on 100 contracts is 251 bps.
    expect(bpsOfPayout(2_510_000, 100)).toBe(251);
    expect(bpsOfPayout(99, 1)).toBe(0);
    expect(() => bpsOfPayout(100, 0)).toThrow(/contracts/);
  });
});

describe('formatDollars / formatCents', () => {
  it('shows money exactly, cents always, micros only when there are any', () => {
    expect(formatDollars(245_060_000)).toBe('$245.06');
    expect(formatDollars(10_000_000_000)).toBe('$10,000.00');
    expect(formatDollars(-1_234_567_890)).toBe('-$1,234.56789');
    expect(formatDollars(1)).toBe('$0.000001');
    expect(formatDollars(0)).toBe('$0.00');
    expect(() => formatDollars(0.5)).toThrow(RangeError);
  });

  it('shows a price in cents, exactly or to the digits asked', () => {
    expect(formatCents(710_000)).toBe('71c');
    expect(formatCents(715_000)).toBe('71.5c');
    expect(formatCents(715_000, 0)).toBe('72c');
    expect(formatCents(712_345, 2)).toBe('71.23c');
  });
});

describe('unit types', () => {
  it('are built only by their checked constructors', () => {
    expect(priceMicros(530_000)).toBe(530_000);
    expect(moneyMicros(-2_500_000)).toBe(-2_500_000);
    expect(quantityHundredths(1000)).toBe(1000);
    expect(() => priceMicros(1_000_001)).toThrow(/priceMicros/);
    expect(() => priceMicros(0.5)).toThrow(RangeError);
    expect(() => moneyMicros(2 ** 53)).toThrow(/moneyMicros/);
    expect(() => quantityHundredths(-1, 'minOrderQuantity')).toThrow(/minOrderQuantity/);
  });

  it('keep prices, money and quantities apart at compile time, and read as numbers', () => {
    const price = priceMicros(530_000);
    const size = quantityHundredths(1000);
    const spend = (money: MoneyMicros) => money;
    const buy = (quantity: QuantityHundredths) => quantity;
    // @ts-expect-error a price is not money
    spend(price);
    // @ts-expect-error a price is not a quantity
    buy(price);
    // @ts-expect-error a bare number must go through its constructor
    buy(1000);
    expect(spend(costMicros(price, size, 'up'))).toBe(5_300_000);
    expect(price + 1).toBe(530_001);
  });
});

describe('shareMicros', () => {
  it('splits a cost by quantity, exact, rounded as asked', () => {
    // $10.00 over 3 contracts: one contract carries 3.333333..., down 3_333_333, up 3_333_334.
    expect(shareMicros(10_000_000, 100, 300, 'down')).toBe(3_333_333);
    expect(shareMicros(10_000_000, 100, 300, 'up')).toBe(3_333_334);
    expect(shareMicros(10_000_000, 300, 300, 'up')).toBe(10_000_000);
    expect(shareMicros(10_000_000, 0, 300, 'up')).toBe(0);
  });

  it('stays exact where the product passes 2^53', () => {
    const total = 9_000_000_000_000; // $9M
    expect(shareMicros(total, 7_000, 9_000, 'down')).toBe(7_000_000_000_000);
    expect(() => shareMicros(total, 1, 0, 'down')).toThrow(RangeError);
  });

  it('down and up bracket the exact share on every case', () => {
    fc.assert(
      fc.property(
        fc.nat(10_000_000_000),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.nat(1_000_000),
        (total, whole, p) => {
          const part = Math.min(p, whole);
          const down = BigInt(shareMicros(total, part, whole, 'down'));
          const up = BigInt(shareMicros(total, part, whole, 'up'));
          const exact = BigInt(total) * BigInt(part);
          expect(down * BigInt(whole) <= exact).toBe(true);
          expect(up * BigInt(whole) >= exact).toBe(true);
          expect(up - down <= 1n).toBe(true);
        },
      ),
    );
  });
});
