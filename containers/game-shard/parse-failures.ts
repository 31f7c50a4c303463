import type { FeedSource } from '#domain/feed/events';

/** What the parse-failure counter logs with. */
export interface WarnLog {
  warn(message: string, details: Record<string, unknown>): void;
}

/** WARN the first this many failures of a source, then every `LOG_EVERY`th: a broken feed must not flood the log. */
const LOG_FIRST = 10;
const LOG_EVERY = 100;

export interface ParseFailures {
  /** Counts one message of a source (every line, parsed or not): the ratio's denominator. */
  message(source: FeedSource): void;
  /** Counts a message that did not parse, with a sampled WARN. */
  failure(source: FeedSource, reason: string, preview: string): void;
  /** Failures per source. */
  counts(): Partial<Record<FeedSource, number>>;
  /** Failures per 1000 messages of a source (or of all of them): the metric the alarm watches. */
  per1000(source?: FeedSource): number;
}

export function createParseFailures(log?: WarnLog): ParseFailures {
  const failures = new Map<FeedSource, number>();
  const messages = new Map<FeedSource, number>();
  const sum = (m: Map<FeedSource, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  return {
    message(source) {
      messages.set(source, (messages.get(source) ?? 0) + 1);
    },
    failure(source, reason, preview) {
      const n = (failures.get(source) ?? 0) + 1;
      failures.set(source, n);
      if (log && (n <= LOG_FIRST || n % LOG_EVERY === 0)) {
        log.warn('feed message did not parse', { source, failures: n, reason, preview: preview.slice(0, 200) });
      }
    },
    counts() {
      return Object.fromEntries(failures);
    },
    per1000(source) {
      const failed = source ? (failures.get(source) ?? 0) : sum(failures);
      const seen = source ? (messages.get(source) ?? 0) : sum(messages);
      return seen === 0 ? 0 : (failed * 1000) / seen;
    },
  };
}
