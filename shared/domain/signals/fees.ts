import type { DepthLevel, FeeSchedule } from '#contracts/signal-candidate';
import { orderFeeMicros } from '#domain/fees';

/** The venue's fee for one order that took `takes` (one fill per level walked), by the market's fee schedule. */
export function fillFeeMicros(schedule: FeeSchedule, takes: readonly DepthLevel[]): number {
  return orderFeeMicros(schedule, takes);
}
