/**
 * A circuit breaker per sportsbook: `threshold` consecutive book failures open it; after `cooldownMs` it half-opens
 * and lets one job through, whose success closes it and whose failure opens it again. Time is passed in.
 */
export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerView {
  state: BreakerState;
  consecutiveFailures: number;
  /** While open: when it half-opens. */
  retryAtMs?: number;
}

export class CircuitBreakers {
  private readonly books = new Map<string, { failures: number; openedAtMs?: number; trial: boolean }>();

  constructor(private readonly opts: { threshold: number; cooldownMs: number }) {}

  /** Whether a job for the book may run now; undefined if so, else the milliseconds until it may. */
  admit(book: string, nowMs: number): number | undefined {
    const entry = this.books.get(book);
    if (entry?.openedAtMs === undefined) return undefined;
    const waitMs = entry.openedAtMs + this.opts.cooldownMs - nowMs;
    if (waitMs > 0) return waitMs;
    if (entry.trial) return this.opts.cooldownMs;
    entry.trial = true;
    return undefined;
  }

  succeeded(book: string): void {
    this.books.delete(book);
  }

  /** A job failed for a reason that is not the book's (a moved price, a revoked consent): the trial is over. */
  neutral(book: string): void {
    const entry = this.books.get(book);
    if (entry) entry.trial = false;
  }

  failed(book: string, nowMs: number): void {
    const entry = this.books.get(book) ?? { failures: 0, trial: false };
    entry.failures += 1;
    if (entry.trial || entry.failures >= this.opts.threshold) entry.openedAtMs = nowMs;
    entry.trial = false;
    this.books.set(book, entry);
  }

  view(book: string, nowMs: number): BreakerView {
    const entry = this.books.get(book);
    if (!entry) return { state: 'closed', consecutiveFailures: 0 };
    if (entry.openedAtMs === undefined) return { state: 'closed', consecutiveFailures: entry.failures };
    const retryAtMs = entry.openedAtMs + this.opts.cooldownMs;
    return { state: nowMs >= retryAtMs ? 'half_open' : 'open', consecutiveFailures: entry.failures, retryAtMs };
  }

  all(nowMs: number): Record<string, BreakerView> {
    return Object.fromEntries([...this.books.keys()].map((book) => [book, this.view(book, nowMs)]));
  }
}
