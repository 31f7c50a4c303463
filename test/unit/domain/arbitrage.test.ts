import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  binaryArbitrage,
  OrderBook,
  optimalArbitrage,
  orderFeeMicros,
  type PriceLevel,
  type VenueFeeSchedule,
} from '#domain';

describe('binaryArbitrage', () => {
  // YES @ 0.45 on Kalshi + NO @ 0.50 on Polymarket, 100 each: payout $100, cost $95, Kalshi taker fee
  // 0.07 x 100 x 0.45 x 0.55 = 1.7325 -> $1.74, Polymarket no fee by default: profit $3.26.
  it('nets both venues fees out of the guaranteed payout', () => {
    expect(
      binaryArbitrage({ askMicros: 450_000, venue: 'kalshi' }, { askMicros: 500_000, venue: 'polymarket' }, 100),
    ).toEqual({
      profitMicros: 3_260_000,
      feesMicros: 1_740_000,
      costMicros: 95_000_000,
      payoutMicros: 100_000_000,
    });
  });

  // With the sports fee schedule (rate 0.03): 100 x 0.03 x 0.25 = $0.75 more, profit $2.51.
  it('takes an optional fee schedule per leg', () => {
    const result = binaryArbitrage(
      { askMicros: 450_000, venue: 'kalshi' },
      { askMicros: 500_000, venue: 'polymarket', feeSchedule: { rate: 0.03, exponent: 1 } },
      100,
    );
    expect(result.feesMicros).toBe(2_490_000);
    expect(result.profitMicros).toBe(2_510_000);
    const maker = binaryArbitrage(
      { askMicros: 450_000, venue: 'kalshi', feeSchedule: { liquidity: 'maker', multiplier: 1 } },
      { askMicros: 500_000, venue: 'kalshi', feeSchedule: { multiplier: 0.5 } },
      100,
    );
    // Maker 0.0175 x 24.75 = 0.433125 -> 0.44; taker x 0.5: 0.035 x 25 = 0.875 -> 0.88.
    expect(maker.feesMicros).toBe(440_000 + 880_000);
  });

  it('throws RangeErrors naming the bad argument', () => {
    const kalshi = { askMicros: 450_000, venue: 'kalshi' } as const;
    expect(() => binaryArbitrage(kalshi, { askMicros: 2_000_000, venue: 'kalshi' }, 1)).toThrow(/b\.askMicros/);
    expect(() => binaryArbitrage(kalshi, kalshi, 1.5)).toThrow(/count/);
    expect(() => binaryArbitrage({ askMicros: 1, venue: 'nyse' } as never, kalshi, 1)).toThrow(/a\.venue/);
  });

  const schedule = fc.oneof(
    fc.record({
      venue: fc.constant('kalshi' as const),
      liquidity: fc.constantFrom('taker' as const, 'maker' as const),
      multiplier: fc.integer({ min: 0, max: 3_000_000 }).map((m) => m / 1e6),
    }),
    fc.record({
      venue: fc.constant('polymarket' as const),
      rate: fc.integer({ min: 0, max: 100_000 }).map((r) => r / 1e6),
      exponent: fc.integer({ min: 0, max: 2 }),
    }),
  );
  const leg = (askMicros: number, fees: VenueFeeSchedule) =>
    fees.venue === 'kalshi'
      ? ({ askMicros, venue: 'kalshi', feeSchedule: fees } as const)
      : ({ askMicros, venue: 'polymarket', feeSchedule: fees } as const);

  it('never shows a profit when the two asks add up to $1 or more', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        schedule,
        schedule,
        fc.integer({ min: 0, max: 100_000 }),
        (a, b, feesA, feesB, count) => {
          fc.pre(a + b >= 1_000_000);
          const result = binaryArbitrage(leg(a, feesA), leg(b, feesB), count);
          expect(result.profitMicros).toBeLessThanOrEqual(0);
          expect(result.feesMicros).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('optimalArbitrage', () => {
  const kalshi: VenueFeeSchedule = { venue: 'kalshi' };
  const polymarket: VenueFeeSchedule = { venue: 'polymarket', rate: 0.03, exponent: 1 };

  // YES asks 100 @ 0.45, 50 @ 0.47 (Kalshi); NO asks 30 @ 0.50, 500 @ 0.51 (Polymarket, rate 0.03).
  // At 100: cost 45 + 15 + 35.7 = 95.7; Kalshi 1.7325 -> 1.74; Polymarket 0.225 + 0.5247 = 0.7497 -> profit 1.8103.
  // The 101st contract pays 1 - 0.47 - 0.51 = 0.02 for ~0.0174 Kalshi fee (which only rounds up to 1.75, +0.01)
  // and 0.0075 Polymarket fee: 1.8103 + 0.02 - 0.01 - 0.0075 = 1.8128 (exactly 1.81272). The 102nd pushes the
  // Kalshi fee to 1.77 and loses money, as does every contract after.
  it('finds the count that maximizes profit after both fees, rounding included', () => {
    const result = optimalArbitrage(
      [
        { priceMicros: 450_000, quantity: 10_000 },
        { priceMicros: 470_000, quantity: 5_000 },
      ],
      [
        { priceMicros: 510_000, quantity: 50_000 },
        { priceMicros: 500_000, quantity: 3_000 },
      ],
      { yes: kalshi, no: polymarket },
    );
    expect(result).toEqual({
      count: 101,
      profitMicros: 1_812_720,
      costMicros: 96_680_000,
      feesMicros: 1_750_000 + 757_280,
      payoutMicros: 101_000_000,
      yesFills: [
        { priceMicros: 450_000, quantity: 10_000 },
        { priceMicros: 470_000, quantity: 100 },
      ],
      noFills: [
        { priceMicros: 500_000, quantity: 3_000 },
        { priceMicros: 510_000, quantity: 7_100 },
      ],
    });
  });

  it('returns count 0 when nothing is profitable', () => {
    const result = optimalArbitrage(
      [{ priceMicros: 500_000, quantity: 10_000 }],
      [{ priceMicros: 500_000, quantity: 10_000 }],
      {
        yes: kalshi,
        no: polymarket,
      },
    );
    expect(result).toMatchObject({
      count: 0,
      profitMicros: 0,
      costMicros: 0,
      feesMicros: 0,
      yesFills: [],
      noFills: [],
    });
    expect(optimalArbitrage([], [], { yes: kalshi, no: kalshi }).count).toBe(0);
  });

  it('throws RangeErrors naming the bad argument', () => {
    expect(() => optimalArbitrage([{ priceMicros: -1, quantity: 1 }], [], { yes: kalshi, no: kalshi })).toThrow(
      /yesAsks\[0\]\.priceMicros/,
    );
    expect(() => optimalArbitrage([], [], { yes: kalshi, no: { venue: 'polymarket', rate: -1 } })).toThrow(/rate/);
  });

  const levels = fc.array(
    fc.record({
      priceMicros: fc.integer({ min: 1, max: 99 }).map((cents) => cents * 10_000),
      quantity: fc.integer({ min: 1, max: 2_500 }),
    }),
    { minLength: 1, maxLength: 5 },
  );
  const schedule = fc.oneof(
    fc.constant<VenueFeeSchedule>({ venue: 'kalshi' }),
    fc.constant<VenueFeeSchedule>({ venue: 'kalshi', liquidity: 'maker' }),
    fc.constant<VenueFeeSchedule>({ venue: 'polymarket' }),
    fc.constant<VenueFeeSchedule>({ venue: 'polymarket', rate: 0.03 }),
    fc.constant<VenueFeeSchedule>({ venue: 'polymarket', rate: 0.25, exponent: 2 }),
  );

  function bruteForce(
    yesAsks: PriceLevel[],
    noAsks: PriceLevel[],
    fees: { yes: VenueFeeSchedule; no: VenueFeeSchedule },
  ) {
    const yes = OrderBook.fromLevels({ asks: yesAsks });
    const no = OrderBook.fromLevels({ asks: noAsks });
    const maxCount = Math.floor(Math.min(yes.buyDepthUpTo(1_000_000), no.buyDepthUpTo(1_000_000)) / 100);
    let best = { count: 0, profitMicros: 0 };
    for (let count = 1; count <= maxCount; count++) {
      const y = yes.buy(count * 100);
      const n = no.buy(count * 100);
      const profitMicros =
        count * 1_000_000 -
        y.notionalMicros -
        n.notionalMicros -
        orderFeeMicros(fees.yes, y.fills) -
        orderFeeMicros(fees.no, n.fills);
      if (profitMicros > best.profitMicros) best = { count, profitMicros };
    }
    return best;
  }

  it('agrees with trying every count (fast-check against brute force)', () => {
    fc.assert(
      fc.property(levels, levels, schedule, schedule, (yesAsks, noAsks, yesFees, noFees) => {
        const fees = { yes: yesFees, no: noFees };
        const result = optimalArbitrage(yesAsks, noAsks, fees);
        const expected = bruteForce(yesAsks, noAsks, fees);
        expect({ count: result.count, profitMicros: result.profitMicros }).toEqual(expected);
        expect(result.profitMicros).toBe(result.payoutMicros - result.costMicros - result.feesMicros);
      }),
      { numRuns: 400 },
    );
  });

  it('never finds a profit when the best asks add up to $1 or more', () => {
    fc.assert(
      fc.property(levels, levels, schedule, schedule, (yesAsks, noAsks, yesFees, noFees) => {
        const bestYes = Math.min(...yesAsks.map((level) => level.priceMicros));
        const bestNo = Math.min(...noAsks.map((level) => level.priceMicros));
        fc.pre(bestYes + bestNo >= 1_000_000);
        const result = optimalArbitrage(yesAsks, noAsks, { yes: yesFees, no: noFees });
        expect(result.count).toBe(0);
        expect(result.profitMicros).toBe(0);
      }),
    );
  });
});
