import type { FeedSource } from '#domain/feed/events';
import { equalJitterMs } from '../backoff.ts';

/**
 * Polls ESPN's public scoreboard per league and hands each answer on as raw text (the shard parses it, record mode
 * stores it). One poll at a time: the next is scheduled only when the previous has finished, so a slow ESPN never
 * stacks requests. A league that fails backs off exponentially with jitter, on its own.
 */

/** The sport/league pairs we poll (REFERENCE.md 3.1); nothing else reaches the URL. */
export const espnLeagues = [
  { sport: 'basketball', league: 'nba' },
  { sport: 'football', league: 'nfl' },
  { sport: 'hockey', league: 'nhl' },
  { sport: 'baseball', league: 'mlb' },
] as const;

export interface EspnLeague {
  sport: string;
  league: string;
}

export interface EspnPollerOptions {
  /** `https://site.api.espn.com` in production, a local server in tests. */
  baseUrl: string;
  leagues: readonly EspnLeague[];
  intervalMs: number;
  /** The longest wait after repeated failures; default 60 s or the interval, whichever is longer. */
  maxBackoffMs?: number;
  requestTimeoutMs?: number;
  fetch?: typeof globalThis.fetch;
  /** The receive time stamped on each answer (epoch ms); the schedule itself runs on the monotonic clock. */
  now: () => number;
  /** In [0, 1): the jitter's randomness. */
  random?: () => number;
  onRaw: (source: FeedSource, raw: string, receivedAtMs: number, path: string) => void;
  onError: (error: Error, path: string) => void;
}

export interface EspnPoller {
  start(): void;
  /** Stops polling and aborts a request in flight; resolves once it has settled. */
  close(): Promise<void>;
}

const SAFE_SEGMENT = /^[a-z0-9-]+$/;

function segment(value: string): string {
  const encoded = encodeURIComponent(value);
  if (!SAFE_SEGMENT.test(encoded)) throw new RangeError(`ESPN path segment ${JSON.stringify(value)} is not allowed`);
  return encoded;
}

/** The scoreboard path of an allowed league; throws for any pair outside `espnLeagues`. */
export function espnScoreboardPath(league: EspnLeague): string {
  const sport = segment(league.sport);
  const name = segment(league.league);
  if (!espnLeagues.some((l) => l.sport === sport && l.league === name)) {
    throw new RangeError(`ESPN league ${sport}/${name} is not in the allowlist`);
  }
  return `/apis/site/v2/sports/${sport}/${name}/scoreboard`;
}

/**
 * The wait before the next poll of a league after `failures` consecutive failures: the interval when healthy, else
 * interval x 2^failures capped at `maxMs`, drawn uniformly from its upper half so that retries spread out.
 */
export function espnBackoffMs(failures: number, intervalMs: number, maxMs: number, random: () => number): number {
  return failures === 0 ? intervalMs : equalJitterMs({ initialMs: intervalMs, maxMs }, failures, random);
}

export function createEspnPoller(options: EspnPollerOptions): EspnPoller {
  if (!Number.isSafeInteger(options.intervalMs) || options.intervalMs <= 0) {
    throw new RangeError('intervalMs must be a positive integer');
  }
  const base = new URL(options.baseUrl);
  if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new RangeError('baseUrl must be http(s)');
  const origin = options.baseUrl.replace(/\/+$/, '');
  const fetchFn = options.fetch ?? globalThis.fetch;
  const random = options.random ?? Math.random;
  const maxBackoffMs = options.maxBackoffMs ?? Math.max(60_000, options.intervalMs);
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const targets = options.leagues.map((l) => ({ path: espnScoreboardPath(l), failures: 0, dueAtMs: 0 }));

  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  let abort: AbortController | undefined;
  let running = false;

  const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));

  async function pollOne(target: (typeof targets)[number], signal: AbortSignal): Promise<void> {
    let text: string | undefined;
    let receivedAtMs = 0;
    try {
      const response = await fetchFn(`${origin}${target.path}`, {
        signal: AbortSignal.any([signal, AbortSignal.timeout(requestTimeoutMs)]),
        headers: { accept: 'application/json' },
      });
      const body = await response.text();
      if (!response.ok) throw new Error(`ESPN ${target.path} answered ${response.status}`);
      receivedAtMs = options.now();
      target.failures = 0;
      text = body;
    } catch (error) {
      if (signal.aborted) return;
      target.failures += 1;
      options.onError(asError(error), target.path);
    }
    target.dueAtMs = performance.now() + espnBackoffMs(target.failures, options.intervalMs, maxBackoffMs, random);
    if (text === undefined) return;
    // A consumer that throws is its own bug, not ESPN's: reported, but it does not slow the polling down.
    try {
      options.onRaw('espn', text, receivedAtMs, target.path);
    } catch (error) {
      options.onError(asError(error), target.path);
    }
  }

  async function cycle(): Promise<void> {
    abort = new AbortController();
    for (const target of targets) {
      if (!running) return;
      if (target.dueAtMs <= performance.now()) await pollOne(target, abort.signal);
    }
  }

  function schedule(): void {
    if (!running) return;
    const next = Math.min(...targets.map((t) => t.dueAtMs));
    timer = setTimeout(
      () => {
        timer = undefined;
        inFlight = cycle().finally(() => {
          inFlight = undefined;
          schedule();
        });
      },
      Math.max(0, next - performance.now()),
    );
  }

  return {
    start() {
      if (running || targets.length === 0) return;
      running = true;
      schedule();
    },
    async close() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      abort?.abort();
      await inFlight;
    },
  };
}
