import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { surebet } from '#domain';

describe('surebet', () => {
  // arbplay.app "How to calculate a sure bet": Player A @ 2.08, Player B @ 2.00, 100 staked -> 49.02 / 50.98, each
  // returning 101.96. In micros: 1e8 x (1/2.08) / 0.9807692 = 49_019_607.8 and 1e8 x 0.5 / 0.9807692 = 50_980_392.2,
  // floored; payouts 49_019_607 x 2.08 = 101_960_782.56 and 50_980_392 x 2 = 101_960_784, the worse one floored.
  it('splits a two-way arbitrage (arbplay.app example)', () => {
    const result = surebet([2.08, 2.0], 100_000_000);
    expect(result.arbitrage).toBe(true);
    expect(result.margin).toBeCloseTo(1 - (1 / 2.08 + 1 / 2), 12);
    expect(result.stakesMicros).toEqual([49_019_607, 50_980_392]);
    expect(result.payoutMicros).toBe(101_960_782);
  });

  // Three-way odds from the oddsfetcher.com surebet guide (2.80 / 3.50 / 3.00, 500 staked), worked in exact
  // fractions (the guide rounds 1/odds to four places first): 1/odds = 15/42, 12/42, 14/42, sum 41/42, so the
  // stakes are 500 x 15/41, 12/41, 14/41 = 182.926829..., 146.341463..., 170.731707... and each pays 500 x 42/41.
  it('splits a three-way arbitrage', () => {
    const result = surebet([2.8, 3.5, 3.0], 500_000_000);
    expect(result.arbitrage).toBe(true);
    expect(result.margin).toBeCloseTo(1 / 42, 12);
    expect(result.stakesMicros).toEqual([182_926_829, 146_341_463, 170_731_707]);
    // 182_926_829 x 2.8 = 512_195_121.2; 146_341_463 x 3.5 = 512_195_120.5; 170_731_707 x 3 = 512_195_121.
    expect(result.payoutMicros).toBe(512_195_120);
  });

  it('reports a book without arbitrage', () => {
    const result = surebet([1.9, 1.9], 1_000_000);
    expect(result.arbitrage).toBe(false);
    expect(result.margin).toBeCloseTo(1 - 2 / 1.9, 12);
    expect(result.payoutMicros).toBe(950_000);
  });

  it('throws RangeErrors naming the bad argument', () => {
    expect(() => surebet([2], 1_000_000)).toThrow(/decimalOdds/);
    expect(() => surebet([2, 0.9], 1_000_000)).toThrow(/decimalOdds\[1\]/);
    expect(() => surebet([2, 2], 1.5)).toThrow(/stakeMicros/);
    expect(() => surebet([2, 2], -1)).toThrow(/stakeMicros/);
  });

  it('never stakes more than the stake and pays (almost exactly) the same on every outcome', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1.01, max: 50, noNaN: true }), { minLength: 2, maxLength: 6 }),
        fc.integer({ min: 0, max: 1e12 }),
        (odds, stakeMicros) => {
          const result = surebet(odds, stakeMicros);
          const total = result.stakesMicros.reduce((a, b) => a + b, 0);
          expect(total).toBeLessThanOrEqual(stakeMicros);
          // Flooring each stake costs less than a micro per outcome.
          expect(stakeMicros - total).toBeLessThan(odds.length);
          const payouts = result.stakesMicros.map((stake, i) => stake * (odds[i] as number));
          for (const payout of payouts) {
            expect(result.payoutMicros).toBeLessThanOrEqual(payout + 1e-6);
            // A floored stake moves its payout by less than its odds.
            expect(payout - result.payoutMicros).toBeLessThan(Math.max(...odds) + 1);
          }
          expect(result.arbitrage).toBe(result.margin > 0);
        },
      ),
    );
  });
});
