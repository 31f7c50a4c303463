import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { edgeAfterFeesMicros, priceFromProbability } from '#domain';

describe('edgeAfterFeesMicros', () => {
  // Model says 60%, YES ask 0.55 on Kalshi: 0.60 - 0.55 = 0.05 per contract before fees. One contract pays
  // roundup(0.07 x 0.55 x 0.45) = roundup(0.017325) = $0.02, so the edge is $0.03; over 100 contracts the fee is
  // 1.7325 -> $1.74, i.e. 0.0174 per contract, leaving 0.0326.
  it('nets the fee for the order size out of the model edge', () => {
    const kalshi = { venue: 'kalshi' } as const;
    expect(edgeAfterFeesMicros({ probability: 0.6, askMicros: 550_000, feeSchedule: kalshi })).toBe(30_000);
    expect(edgeAfterFeesMicros({ probability: 0.6, askMicros: 550_000, feeSchedule: kalshi, count: 100 })).toBe(32_600);
    // Polymarket sports rate 0.03: 0.03 x 0.2475 = 0.007425 per share -> edge 0.042575.
    expect(
      edgeAfterFeesMicros({
        probability: 0.6,
        askMicros: 550_000,
        feeSchedule: { venue: 'polymarket', rate: 0.03 },
        count: 100,
      }),
    ).toBe(42_575);
  });

  it('is negative when the price is too high for the model', () => {
    expect(edgeAfterFeesMicros({ probability: 0.5, askMicros: 520_000, feeSchedule: { venue: 'polymarket' } })).toBe(
      -20_000,
    );
  });

  it('throws RangeErrors naming the bad argument', () => {
    const feeSchedule = { venue: 'kalshi' } as const;
    expect(() => edgeAfterFeesMicros({ probability: -0.1, askMicros: 1, feeSchedule })).toThrow(/probability/);
    expect(() => edgeAfterFeesMicros({ probability: 0.5, askMicros: 1.5, feeSchedule })).toThrow(/askMicros/);
    expect(() => edgeAfterFeesMicros({ probability: 0.5, askMicros: 1, feeSchedule, count: 0 })).toThrow(/count/);
  });

  it('never beats the fee-free edge, and is exact when the fee is 0', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 1, max: 10_000 }),
        (probability, askMicros, count) => {
          const feeFree = Math.floor(probability * 1_000_000 - askMicros);
          const kalshi = edgeAfterFeesMicros({ probability, askMicros, feeSchedule: { venue: 'kalshi' }, count });
          expect(kalshi).toBeLessThanOrEqual(feeFree);
          expect(edgeAfterFeesMicros({ probability, askMicros, feeSchedule: { venue: 'polymarket' }, count })).toBe(
            feeFree,
          );
          // Buying at the model's own price never has positive edge.
          const fair = priceFromProbability(probability);
          expect(
            edgeAfterFeesMicros({ probability, askMicros: fair, feeSchedule: { venue: 'kalshi' }, count }),
          ).toBeLessThanOrEqual(0);
        },
      ),
    );
  });
});
