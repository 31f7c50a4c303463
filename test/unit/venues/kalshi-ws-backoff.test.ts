import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fullJitterMs } from '#adapters/venues/backoff';

describe('Kalshi WS reconnect backoff (full jitter, capped)', () => {
  const backoff = { initialMs: 100, maxMs: 5_000 };

  it('doubles the ceiling per attempt up to maxMs', () => {
    const ceiling = (attempt: number) => fullJitterMs(backoff, attempt, () => 0.999_999_9) + 1;
    expect([0, 1, 2, 5, 6, 30].map(ceiling)).toEqual([100, 200, 400, 3_200, 5_000, 5_000]);
  });

  it('stays in [0, ceiling) whatever the random draw', () => {
    fc.assert(
      fc.property(fc.nat(60), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, draw) => {
        const delay = fullJitterMs(backoff, attempt, () => draw);
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(Math.min(backoff.maxMs, backoff.initialMs * 2 ** attempt));
      }),
    );
  });
});
