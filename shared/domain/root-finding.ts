/** Bisection: slow but certain, and the functions solved here are monotone on a known bracket. */

const MAX_ITERATIONS = 200;

/**
 * Root of `f` in [lower, upper], where f(lower) and f(upper) have opposite signs, to within `tolerance` in x.
 */
export function bisect(f: (x: number) => number, lower: number, upper: number, tolerance: number): number {
  let lo = lower;
  let hi = upper;
  const fLo = f(lo);
  if (fLo === 0) return lo;
  if (f(hi) === 0) return hi;
  const loIsPositive = fLo > 0;
  for (let i = 0; i < MAX_ITERATIONS && hi - lo > tolerance; i++) {
    const mid = lo + (hi - lo) / 2;
    const fMid = f(mid);
    if (fMid === 0) return mid;
    if (fMid > 0 === loIsPositive) lo = mid;
    else hi = mid;
  }
  return lo + (hi - lo) / 2;
}

/**
 * Widens a bracket away from `start` (doubling the step) until `f` changes sign; `f` must change sign
 * somewhere in that direction.
 */
export function bracketFrom(f: (x: number) => number, start: number, direction: 1 | -1): [number, number] {
  const startSign = Math.sign(f(start));
  let step = 1;
  let previous = start;
  for (let i = 0; i < MAX_ITERATIONS; i++) {
    const next = start + direction * step;
    if (Math.sign(f(next)) !== startSign) {
      return direction === 1 ? [previous, next] : [next, previous];
    }
    previous = next;
    step *= 2;
  }
  throw new RangeError('no sign change found while bracketing a root');
}
