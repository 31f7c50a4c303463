import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quantityHundredths, walkLevels } from '#domain';
import { fillLeg, settlePosition } from '#domain/risk/index';
import { kalshiLeg } from '../../support/sample-candidates.ts';

const depthArb = fc
  .uniqueArray(fc.integer({ min: 1, max: 999_999 }), { minLength: 1, maxLength: 10 })
  .chain((prices) =>
    fc.tuple(
      fc.constant([...prices].sort((a, b) => a - b)),
      fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: prices.length, maxLength: prices.length }),
    ),
  )
  .map(([prices, sizes]) => prices.map((priceMicros, i) => ({ priceMicros, quantity: sizes[i]! })));

describe('walkLevels as a paper fill', () => {
  it('never fills better than the book nor beyond the worst level taken', () => {
    fc.assert(
      fc.property(depthArb, fc.double({ min: 0, max: 1, noNaN: true }), (depth, share) => {
        const total = depth.reduce((s, l) => s + l.quantity, 0);
        const quantity = Math.max(1, Math.floor(total * share));
        const fill = walkLevels(depth, quantity, true);
        const exact = fill.fills.reduce((s, t) => s + t.priceMicros * t.quantity, 0) / 100;
        expect(fill.notionalMicros).toBe(Math.ceil(exact));
        expect(fill.fills.reduce((s, t) => s + t.quantity, 0)).toBe(quantity);
        const avg = fill.averagePriceMicros;
        expect(avg).toBeGreaterThanOrEqual(depth[0]!.priceMicros);
        expect(avg).toBeLessThanOrEqual(fill.fills.at(-1)!.priceMicros);
      }),
    );
  });

  it('refuses to fill more than the depth holds', () => {
    const leg = kalshiLeg({ askMicros: 500_000, depth: [{ priceMicros: 500_000, quantity: 100 }] });
    expect(() => fillLeg(leg, quantityHundredths(101))).toThrow(RangeError);
  });
});

describe('settlePosition', () => {
  it('pays $1 a contract to the winning side and nothing to the loser', () => {
    expect(settlePosition({ side: 'yes', quantity: 9_600, costBasisMicros: 49_680_000 }, 1_000_000)).toEqual({
      payoutMicros: 96_000_000,
      realizedPnlMicros: 46_320_000,
    });
    expect(settlePosition({ side: 'no', quantity: 9_600, costBasisMicros: 49_680_000 }, 0)).toEqual({
      payoutMicros: 0,
      realizedPnlMicros: -49_680_000,
    });
  });
});
