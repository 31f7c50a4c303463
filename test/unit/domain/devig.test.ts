import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DevigMethod, devig } from '#domain';

const METHODS: DevigMethod[] = ['multiplicative', 'additive', 'power', 'shin', 'odds_ratio'];

/**
 * Worked examples: the README of the `implied` R package (Jonas C. Lindstrøm, github.com/opisthokonta/implied),
 * three football matches (home, draw, away). Its printed values come from solvers that stop at
 * .Machine$double.eps^0.25 (~1.2e-4 in the parameter), so they agree with ours (solved to 1e-12) to ~3e-6; the
 * multiplicative ("basic") values are closed-form and agree to the 7 printed decimals.
 */
const MATCHES = [
  [4.2, 3.7, 1.95],
  [2.45, 3.7, 2.9],
  [2.05, 3.2, 3.8],
];

function expectClose(actual: number[], expected: number[], tolerance: number): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, index) => {
    expect(Math.abs(value - (expected[index] as number))).toBeLessThan(tolerance);
  });
}

describe('devig worked examples (implied README)', () => {
  it('multiplicative ("basic")', () => {
    expectClose(devig(MATCHES[0] as number[], 'multiplicative'), [0.2331556, 0.2646631, 0.5021813], 5e-8);
    expectClose(devig(MATCHES[1] as number[], 'multiplicative'), [0.3988848, 0.2641264, 0.3369888], 5e-8);
    expectClose(devig(MATCHES[2] as number[], 'multiplicative'), [0.4586948, 0.2938514, 0.2474538], 5e-8);
  });

  it("Shin's method", () => {
    expectClose(devig(MATCHES[0] as number[], 'shin'), [0.2315716, 0.2635742, 0.5048542], 5e-6);
    expectClose(devig(MATCHES[1] as number[], 'shin'), [0.4000221, 0.2629271, 0.3370508], 5e-6);
    expectClose(devig(MATCHES[2] as number[], 'shin'), [0.4645882, 0.2919788, 0.2434331], 5e-6);
  });

  it('power method, with the exponent implied prints (as 1/k)', () => {
    const expectedInverseExponents = [0.9797664, 0.9788115, 0.9419744];
    const expected = [
      [0.2311414, 0.2630644, 0.5057942],
      [0.4003156, 0.2627189, 0.3369655],
      [0.4667139, 0.2908985, 0.2423876],
    ];
    MATCHES.forEach((odds, row) => {
      const fair = devig(odds, 'power');
      expectClose(fair, expected[row] as number[], 5e-6);
      // p_i = pi_i^k for one k: log(p_i) / log(pi_i) is the same for every outcome.
      const exponents = fair.map((p, i) => Math.log(p) / Math.log(1 / (odds[i] as number)));
      for (const k of exponents) expect(k).toBeCloseTo(exponents[0] as number, 9);
      // implied stops uniroot at ~1.2e-4 in the parameter, so its printed parameters agree to ~1e-5.
      expect(1 / (exponents[0] as number)).toBeCloseTo(expectedInverseExponents[row] as number, 4);
    });
  });

  it('odds ratio method (Cheung 2015), with the odds ratio implied prints', () => {
    const expectedOddsRatios = [1.034449, 1.035805, 1.102606];
    const expected = [
      [0.2320048, 0.2636415, 0.5043537],
      [0.3996912, 0.2633869, 0.3369219],
      [0.4634406, 0.2919032, 0.2446562],
    ];
    MATCHES.forEach((odds, row) => {
      const fair = devig(odds, 'odds_ratio');
      expectClose(fair, expected[row] as number[], 5e-6);
      const ratios = fair.map((p, i) => {
        const implied = 1 / (odds[i] as number);
        return (implied * (1 - p)) / (p * (1 - implied));
      });
      for (const ratio of ratios) expect(ratio).toBeCloseTo(ratios[0] as number, 9);
      expect(ratios[0]).toBeCloseTo(expectedOddsRatios[row] as number, 4);
    });
  });

  // implied's "wpo" values for these matches equal the additive method's here to all 7 printed decimals:
  // with margin M shared out in proportion to the odds (Buchdahl), each outcome loses M/n, as in the additive method.
  it('additive method', () => {
    expectClose(devig(MATCHES[0] as number[], 'additive'), [0.2310332, 0.2632083, 0.5057585], 5e-8);
    expectClose(devig(MATCHES[1] as number[], 'additive'), [0.4004096, 0.2625166, 0.3370739], 5e-8);
    expectClose(devig(MATCHES[2] as number[], 'additive'), [0.4666506, 0.2913457, 0.2420036], 5e-8);
  });

  it('with two outcomes Shin reduces to the additive method', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1.05, max: 20, noNaN: true }),
        fc.double({ min: 1.05, max: 20, noNaN: true }),
        (a, b) => {
          const booksum = 1 / a + 1 / b;
          fc.pre(booksum > 1.0001);
          const additive = (() => {
            try {
              return devig([a, b], 'additive');
            } catch {
              return undefined;
            }
          })();
          fc.pre(additive !== undefined);
          expectClose(devig([a, b], 'shin'), additive as number[], 1e-9);
        },
      ),
    );
  });
});

describe('devig validation', () => {
  it('throws RangeErrors naming the bad argument', () => {
    expect(() => devig([2], 'shin')).toThrow(/decimalOdds/);
    expect(() => devig([2, 1], 'shin')).toThrow(/decimalOdds\[1\]/);
    expect(() => devig([2, Number.NaN], 'power')).toThrow(/decimalOdds\[1\]/);
    expect(() => devig([2, 2], 'logit' as DevigMethod)).toThrow(/method/);
    expect(() => devig([2, 2], 'toString' as DevigMethod)).toThrow(/method/);
  });

  it('refuses additive results below zero', () => {
    // implied's own "problematic" example: inverse odds 0.870, 0.2, 0.1, 0.05, 0.02, 0.01 (sum 1.25).
    const odds = [0.87, 0.2, 0.1, 0.05, 0.02, 0.01].map((p) => 1 / p);
    expect(() => devig(odds, 'additive')).toThrow(/decimalOdds\[4\].*additive/);
    for (const method of ['multiplicative', 'power', 'shin', 'odds_ratio'] as const) {
      const fair = devig(odds, method);
      expect(fair.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      for (const p of fair) expect(p).toBeGreaterThan(0);
    }
  });
});

describe('devig properties', () => {
  const odds = fc.array(fc.double({ min: 1.01, max: 60, noNaN: true }), { minLength: 2, maxLength: 8 });

  it('sums to 1, stays in [0, 1] and keeps the order of the implied probabilities, for every method', () => {
    fc.assert(
      fc.property(odds, fc.constantFrom(...METHODS), (decimalOdds, method) => {
        let fair: number[];
        try {
          fair = devig(decimalOdds, method);
        } catch (error) {
          // Only the additive method may refuse, and only when it would go negative.
          expect(method).toBe('additive');
          expect(error).toBeInstanceOf(RangeError);
          return;
        }
        expect(Math.abs(fair.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-9);
        for (const p of fair) {
          expect(Number.isFinite(p)).toBe(true);
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(1);
        }
        for (let i = 0; i < decimalOdds.length; i++) {
          for (let j = 0; j < decimalOdds.length; j++) {
            if ((decimalOdds[i] as number) < (decimalOdds[j] as number)) {
              expect(fair[i]).toBeGreaterThanOrEqual((fair[j] as number) - 1e-12);
            }
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('leaves a fair book unchanged', () => {
    for (const method of METHODS) expectClose(devig([2, 4, 4], method), [0.5, 0.25, 0.25], 1e-12);
  });
});
