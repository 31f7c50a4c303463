import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { americanToDecimal, decimalToAmerican, impliedProbability } from '#domain';

// Worked by hand from the definitions: +150 wins 150 per 100 staked, so 2.5 back per 1; -200 stakes 200 to win 100,
// so 1.5 back per 1; -110 (the standard US line) is 1 + 100/110 = 1.90909...
describe('americanToDecimal / decimalToAmerican', () => {
  it('converts the textbook examples', () => {
    expect(americanToDecimal(150)).toBe(2.5);
    expect(americanToDecimal(-200)).toBe(1.5);
    expect(americanToDecimal(100)).toBe(2);
    expect(americanToDecimal(-100)).toBe(2);
    expect(americanToDecimal(-110)).toBeCloseTo(1.909090909, 9);
    expect(decimalToAmerican(2.5)).toBe(150);
    expect(decimalToAmerican(1.5)).toBe(-200);
    expect(decimalToAmerican(2)).toBe(100);
    expect(decimalToAmerican(2.2)).toBe(120);
    expect(decimalToAmerican(1.2)).toBe(-500);
  });

  it('throws a RangeError naming the bad argument', () => {
    expect(() => americanToDecimal(99)).toThrow(RangeError);
    expect(() => americanToDecimal(-50)).toThrow(/american/);
    expect(() => americanToDecimal(Number.NaN)).toThrow(/american/);
    expect(() => decimalToAmerican(1)).toThrow(/decimal/);
    expect(() => decimalToAmerican(0.5)).toThrow(RangeError);
    expect(() => decimalToAmerican(Number.POSITIVE_INFINITY)).toThrow(/decimal/);
  });

  it('round-trips both ways', () => {
    fc.assert(
      fc.property(fc.double({ min: 1.0001, max: 1000, noNaN: true }), (decimal) => {
        expect(americanToDecimal(decimalToAmerican(decimal))).toBeCloseTo(decimal, 9);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 100_000 }), fc.boolean(), (magnitude, favourite) => {
        const american = favourite ? -magnitude : magnitude;
        const back = decimalToAmerican(americanToDecimal(american));
        // +100 and -100 are the same price (evens); both come back as +100.
        expect(back).toBeCloseTo(magnitude === 100 ? 100 : american, 6);
      }),
    );
  });
});

describe('impliedProbability', () => {
  it('is 1 / decimal', () => {
    expect(impliedProbability(2)).toBe(0.5);
    expect(impliedProbability(4)).toBe(0.25);
    expect(() => impliedProbability(1)).toThrow(/decimal/);
  });
});
