import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kellyFraction } from '#domain';

describe('kellyFraction', () => {
  // Kelly (1956) / Thorp (2006): at even money (b = 1) the optimal fraction is p - q = 2p - 1, so 0.2 at p = 0.6.
  // A $1 contract at $0.50 is even money.
  it('matches Kelly at even money', () => {
    expect(kellyFraction(0.6, 500_000)).toBeCloseTo(0.2, 12);
    expect(kellyFraction(0.55, 500_000)).toBeCloseTo(0.1, 12);
  });

  // Thorp's general form f* = (bp - q) / b. At $0.40, b = 0.6 / 0.4 = 1.5; with p = 0.5: (0.75 - 0.5) / 1.5 = 1/6.
  it('matches Thorp for other prices', () => {
    expect(kellyFraction(0.5, 400_000)).toBeCloseTo(1 / 6, 12);
    expect(kellyFraction(0.9, 800_000)).toBeCloseTo(0.5, 12);
  });

  it('is 0 without edge and validates its arguments', () => {
    expect(kellyFraction(0.5, 500_000)).toBe(0);
    expect(kellyFraction(0.3, 500_000)).toBe(0);
    expect(kellyFraction(1, 1_000_000)).toBe(0);
    expect(() => kellyFraction(1.2, 500_000)).toThrow(/probability/);
    expect(() => kellyFraction(0.5, 500_000.5)).toThrow(/priceMicros/);
    expect(() => kellyFraction(0.5, 1_000_001)).toThrow(/priceMicros/);
  });

  const price = fc.integer({ min: 1, max: 999_999 });
  const probability = fc.double({ min: 0, max: 1, noNaN: true });

  it('is 0 whenever p <= price, and in (0, 1] otherwise', () => {
    fc.assert(
      fc.property(probability, price, (p, c) => {
        const f = kellyFraction(p, c);
        if (p <= c / 1_000_000) expect(f).toBe(0);
        else {
          expect(f).toBeGreaterThan(0);
          expect(f).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it('grows with edge: more probability at the same price, or a lower price', () => {
    fc.assert(
      fc.property(probability, probability, price, price, (p1, p2, c1, c2) => {
        const [lowP, highP] = p1 <= p2 ? [p1, p2] : [p2, p1];
        const [lowC, highC] = c1 <= c2 ? [c1, c2] : [c2, c1];
        expect(kellyFraction(highP, c1)).toBeGreaterThanOrEqual(kellyFraction(lowP, c1));
        expect(kellyFraction(p1, lowC)).toBeGreaterThanOrEqual(kellyFraction(p1, highC));
      }),
    );
    // Found by this property: (p - c) / (1 - c) rounds one bit the wrong way here.
    expect(kellyFraction(0.9999999999999999, 1)).toBeGreaterThanOrEqual(kellyFraction(0.9999999999999999, 285_900));
  });
});
