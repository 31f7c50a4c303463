/**
 * Retry waits for the venue and game feeds, capped exponential with jitter ("Exponential Backoff And Jitter", AWS
 * Architecture Blog, 2015) so that clients dropped together do not come back together.
 */
export interface Backoff {
  initialMs: number;
  maxMs: number;
}

/** min(maxMs, initialMs x 2^attempt); the exponent is bounded so a long outage cannot overflow to Infinity. */
export function backoffCeilingMs(backoff: Backoff, attempt: number): number {
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempt, 30));
}

/** Full jitter: uniform in [0, ceiling). `random` is in [0, 1). */
export function fullJitterMs(backoff: Backoff, attempt: number, random: () => number): number {
  return Math.floor(random() * backoffCeilingMs(backoff, attempt));
}

/** Equal jitter: uniform in [ceiling / 2, ceiling], never shorter than half the wait. */
export function equalJitterMs(backoff: Backoff, attempt: number, random: () => number): number {
  const ceiling = backoffCeilingMs(backoff, attempt);
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
