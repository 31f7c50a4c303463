import type { Venue } from '#domain/names';
import type { EligibilityGate } from '../ports/execution.ts';

/** The gate as the egress' eligibility gate offers it: a check to run, and the verdict it keeps. */
export interface CheckableGate extends EligibilityGate {
  check(venue?: Venue): Promise<unknown>;
  states(): { venue: Venue; checkedAtMs: number | undefined }[];
}

/**
 * Runs the venue's eligibility check before a batch when it never ran, when the egress changed since (`stale()`), or
 * when the last verdict is older than `maxAgeMs`, so a warm Lambda does not trade on an old answer.
 */
export function eligibilityRefresher(opts: {
  gate: CheckableGate;
  venue: Venue;
  maxAgeMs: number;
  now: () => number;
}): { beforeBatch: () => Promise<void>; stale: () => void } {
  let egressChanged = false;
  return {
    stale: () => {
      egressChanged = true;
    },
    async beforeBatch() {
      const checkedAt = opts.gate.states().find((s) => s.venue === opts.venue)?.checkedAtMs;
      if (!egressChanged && checkedAt !== undefined && opts.now() - checkedAt < opts.maxAgeMs) return;
      egressChanged = false;
      await opts.gate.check(opts.venue);
    },
  };
}
