import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectedFillFeesMicros } from '#domain/execution/fees';
import { legRole, secondLegPlan, unhedgedQuantity } from '#domain/execution/legs';
import { orderFeeMicros } from '#domain/fees';
import { quantityHundredths } from '#domain/units';

const q = quantityHundredths;

describe('arbitrage leg order', () => {
  it('sends the Polymarket leg first and the Kalshi leg second; a single leg goes alone', () => {
    expect(legRole('arbitrage', 'polymarket', 'kalshi')).toBe('first');
    expect(legRole('arbitrage', 'kalshi', 'polymarket')).toBe('second');
    expect(legRole('model_edge', 'kalshi', undefined)).toBe('single');
  });

  it('waits while the first leg may fill, skips when it filled nothing, else buys what it filled', () => {
    expect(secondLegPlan({ status: 'sent', filledHundredths: q(0) }, q(1000))).toEqual({ action: 'wait' });
    expect(secondLegPlan({ status: 'partially_filled', filledHundredths: q(300) }, q(1000))).toEqual({
      action: 'wait',
    });
    expect(secondLegPlan({ status: 'cancelled', filledHundredths: q(0) }, q(1000))).toEqual({ action: 'skip' });
    expect(secondLegPlan({ status: 'cancelled', filledHundredths: q(400) }, q(1000))).toEqual({
      action: 'send',
      quantity: 400,
    });
    expect(secondLegPlan({ status: 'filled', filledHundredths: q(1000) }, q(800))).toEqual({
      action: 'send',
      quantity: 800,
    });
    expect(unhedgedQuantity(q(1000), q(600))).toBe(400);
    expect(unhedgedQuantity(q(600), q(1000))).toBe(0);
  });
});

describe('our fee for each fill of an order', () => {
  it('Kalshi: two fills of 5 at $0.50 share the order fee of 10 at $0.50 ($0.18), not two rounded fees', () => {
    const fill = { priceMicros: 500_000, quantity: 500, liquidity: 'taker' as const };
    const fees = expectedFillFeesMicros({ venue: 'kalshi', multiplier: 1 }, [], [fill, fill]);
    expect(fees).toEqual([90_000, 90_000]);
    expect(fees[0]! + fees[1]!).toBe(orderFeeMicros({ venue: 'kalshi' }, [fill, fill]));
  });

  it('Polymarket: takers pay the market rate per fill, makers nothing', () => {
    const taker = { priceMicros: 710_000, quantity: 2_000, liquidity: 'taker' as const };
    const maker = { ...taker, liquidity: 'maker' as const };
    const [takerFee, makerFee] = expectedFillFeesMicros(
      { venue: 'polymarket', rate: 0.03, exponent: 1 },
      [],
      [taker, maker],
    );
    // 20 x 0.03 x 0.71 x 0.29 = 0.12354
    expect(takerFee).toBe(123_540);
    expect(makerFee).toBe(0);
  });

  it('adds up, fill by fill and split anyhow between counted and new, to the fee of the whole order', () => {
    const fillArb = fc.record({
      priceMicros: fc.integer({ min: 1, max: 99 }).map((c) => c * 10_000),
      quantity: fc.integer({ min: 1, max: 50_000 }),
      liquidity: fc.constant('taker' as const),
    });
    fc.assert(
      fc.property(fc.array(fillArb, { minLength: 1, maxLength: 8 }), fc.nat(), (fills, cut) => {
        const at = cut % (fills.length + 1);
        const schedule = { venue: 'kalshi' as const, multiplier: 1 };
        const counted = expectedFillFeesMicros(schedule, [], fills.slice(0, at));
        const fresh = expectedFillFeesMicros(schedule, fills.slice(0, at), fills.slice(at));
        const total = [...counted, ...fresh].reduce((a, b) => a + b, 0);
        expect(total).toBe(orderFeeMicros(schedule, fills));
      }),
    );
  });
});
