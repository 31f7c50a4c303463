import type { Micros } from './units.ts';
import { assertSafeInteger } from './validate.ts';

/** How far the balance sits below its high-water mark, in basis points of that mark (0 at or above it). */
export function drawdownBps(balanceMicros: Micros, peakMicros: Micros): number {
  assertSafeInteger('balanceMicros', balanceMicros, 0);
  assertSafeInteger('peakMicros', peakMicros, 0);
  if (peakMicros === 0 || balanceMicros >= peakMicros) return 0;
  // BigInt: the product overflows a double's exact range once the drawdown passes about $900k.
  return Number((BigInt(peakMicros - balanceMicros) * 10_000n) / BigInt(peakMicros));
}
