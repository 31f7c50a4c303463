import { describe, expect, it } from 'vitest';
import { drawdownBps } from '#domain';

describe('drawdownBps', () => {
  it('measures the fall from the high-water mark in basis points of the mark', () => {
    // $10,000 peak, $9,250 now: 7.5% = 750 bps.
    expect(drawdownBps(9_250_000_000, 10_000_000_000)).toBe(750);
    expect(drawdownBps(0, 10_000_000_000)).toBe(10_000);
  });

  it('is 0 at or above the mark, or before any balance existed', () => {
    expect(drawdownBps(10_000_000_000, 10_000_000_000)).toBe(0);
    expect(drawdownBps(12_000_000_000, 10_000_000_000)).toBe(0);
    expect(drawdownBps(0, 0)).toBe(0);
  });

  it('stays exact where a double would not: a $5M drawdown of a $9B mark', () => {
    expect(drawdownBps(8_995_000_000_000_000, 9_000_000_000_000_000)).toBe(5);
  });

  it('rejects amounts that are not whole micros', () => {
    expect(() => drawdownBps(1.5, 10)).toThrow(RangeError);
    expect(() => drawdownBps(-1, 10)).toThrow(/balanceMicros/);
  });
});
