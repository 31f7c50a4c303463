import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FeeSchedule } from '#contracts/signal-candidate';
import { optimalArbitrage, orderFeeMicros, type PriceLevel, walkLevels } from '#domain';
import { profitableArbitrageContracts } from '#domain/risk/index';
import { kalshiLeg, polymarketLeg } from '../../support/sample-candidates.ts';

const kalshi: FeeSchedule = { venue: 'kalshi', liquidity: 'taker', multiplier: 1 };
const polymarket: FeeSchedule = { venue: 'polymarket', rate: 0.03, exponent: 1 };

/** 1 to 4 ask levels on a cent grid, ascending, with fractional sizes (hundredths) up to 40 contracts each. */
const asks = fc
  .uniqueArray(fc.integer({ min: 30, max: 70 }), { minLength: 1, maxLength: 4 })
  .chain((cents) =>
    fc.tuple(
      fc.constant([...cents].sort((a, b) => a - b)),
      fc.array(fc.integer({ min: 1, max: 4_000 }), { minLength: cents.length, maxLength: cents.length }),
    ),
  )
  .map(([cents, sizes]) => cents.map((c, i) => ({ priceMicros: c * 10_000, quantity: sizes[i]! })));

/** Net profit of `count` pairs, by the exact walk and fee rules. */
function profit(yes: PriceLevel[], no: PriceLevel[], count: number): number {
  const y = walkLevels(yes, count * 100, true);
  const n = walkLevels(no, count * 100, true);
  return (
    count * 1_000_000 -
    y.notionalMicros -
    n.notionalMicros -
    orderFeeMicros(kalshi, y.fills) -
    orderFeeMicros(polymarket, n.fills)
  );
}

describe('optimalArbitrage against a brute force over every count (small books)', () => {
  it('picks a count whose net profit no other count beats, and the evaluator sizes by the same function', () => {
    fc.assert(
      fc.property(asks, asks, (yes, no) => {
        const maxCount = Math.floor(
          Math.min(
            yes.reduce((s, l) => s + l.quantity, 0),
            no.reduce((s, l) => s + l.quantity, 0),
          ) / 100,
        );
        let best = 0;
        for (let count = 0; count <= maxCount; count++) best = Math.max(best, profit(yes, no, count));
        const chosen = optimalArbitrage(yes, no, { yes: kalshi, no: polymarket });
        expect(chosen.profitMicros).toBe(best);
        expect(profit(yes, no, chosen.count)).toBe(best);
        const leg = kalshiLeg({ askMicros: yes[0]!.priceMicros, depth: yes, fee: kalshi });
        const hedge = polymarketLeg({ askMicros: no[0]!.priceMicros, depth: no, fee: polymarket });
        expect(profitableArbitrageContracts(leg, hedge)).toBe(chosen.count);
      }),
      { numRuns: 1_000 },
    );
  });
});
