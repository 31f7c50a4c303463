import { type FeedSource, feedSources } from '#domain/feed/events';

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
  /** Messages per source, in the order each source was first seen. */
  messages(): Partial<Record<FeedSource, number>>;
  /** Failures per source. */
  counts(): Partial<Record<FeedSource, number>>;
  /** Failures per 1000 messages of a source (or of all of them): the metric the alarm watches. */
  per1000(source?: FeedSource): number;
}

/** A source's slot in `SourceCounts`: its place in `feedSources`. */
function slotOf(source: FeedSource): number {
  switch (source) {
    case 'kalshi_ws':
      return 0;
    case 'polymarket_ws':
      return 1;
    case 'espn':
      return 2;
    case 'kalshi_rest':
      return 3;
    case 'polymarket_gamma':
      return 4;
  }
}

/** Counts per feed source in fixed slots: `message` runs on every line, where a Map or a keyed object cost. */
class SourceCounts {
  private readonly n: number[] = feedSources.map(() => 0);
  private readonly seen: FeedSource[] = [];

  add(source: FeedSource): number {
    const slot = slotOf(source);
    const n = (this.n[slot] as number) + 1;
    this.n[slot] = n;
    if (n === 1) this.seen.push(source);
    return n;
  }

  get(source: FeedSource): number {
    return this.n[slotOf(source)] as number;
  }

  total(): number {
    return this.n.reduce((a, b) => a + b, 0);
  }

  /** The counts, the sources in the order first counted. */
  record(): Partial<Record<FeedSource, number>> {
    return Object.fromEntries(this.seen.map((s) => [s, this.get(s)]));
  }
}

export function createParseFailures(log?: WarnLog): ParseFailures {
  const failures = new SourceCounts();
  const messages = new SourceCounts();
  return {
    message(source) {
      messages.add(source);
    },
    failure(source, reason, preview) {
      const n = failures.add(source);
      if (log && (n <= LOG_FIRST || n % LOG_EVERY === 0)) {
        log.warn('feed message did not parse', { source, failures: n, reason, preview: preview.slice(0, 200) });
      }
    },
    messages() {
      return messages.record();
    },
    counts() {
      return failures.record();
    },
    per1000(source) {
      const failed = source ? failures.get(source) : failures.total();
      const seen = source ? messages.get(source) : messages.total();
      return seen === 0 ? 0 : (failed * 1000) / seen;
    },
  };
}
