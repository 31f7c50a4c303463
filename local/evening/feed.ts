import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { type FeedLine, feedSources } from '#domain/feed/events';
import type { Sport } from '#domain/win-probability';
import { simulateEvening } from '../simulator/evening.ts';

/** Where the evening comes from, read one line at a time, with how far through it the reader is. */
export interface EveningFeed {
  /** What the report and the progress line call it ("simulated evening, seed 1, 8 games", a file name). */
  describe: string;
  lines: AsyncIterable<FeedLine>;
  /** 0..1: feed time covered (simulated) or bytes read (file). */
  progress(): number;
  /** Lines in the file that were not feed records (skipped, as the shard replay skips them). */
  malformed(): number;
}

export interface SimulatedFeedOptions {
  seed: number;
  games: number;
  sports: readonly Sport[];
  messages: number;
  staleAfterMs: number;
  thresholds: { minProfitMicros: number; minEdgeBps: number };
}

/** The simulator's evening, generated as it is read. */
export function simulatedFeed(opts: SimulatedFeedOptions): EveningFeed {
  const evening = simulateEvening(opts);
  // The simulator's evening spans from ten minutes before the first start to the last game's end.
  const startT = Math.min(...evening.plan.map((g) => g.startT)) - 10 * 60_000;
  const endT = Math.max(...evening.plan.map((g) => g.timeline.endT));
  let lastT = startT;
  async function* lines(): AsyncGenerator<FeedLine> {
    for (const line of evening.lines) {
      lastT = line.t;
      yield line;
    }
  }
  return {
    describe: `simulated evening: seed ${opts.seed}, ${opts.games} games (${[...new Set(evening.plan.map((g) => g.sport))].join(', ')})`,
    lines: lines(),
    progress: () => Math.min(1, Math.max(0, (lastT - startT) / Math.max(1, endT - startT))),
    malformed: () => 0,
  };
}

const feedLineSchema = z.object({
  t: z.number().finite(),
  source: z.enum(feedSources),
  path: z.string().optional(),
  raw: z.string(),
});

/** A recorded or simulated feed file (JSONL of `{t, source, path?, raw}`), validated line by line. */
export function fileFeed(file: string): EveningFeed {
  const total = statSync(file).size;
  const input = createReadStream(file);
  let malformed = 0;
  async function* lines(): AsyncGenerator<FeedLine> {
    const reader = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    for await (const text of reader) {
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        malformed++;
        continue;
      }
      const parsed = feedLineSchema.safeParse(value);
      if (!parsed.success) {
        malformed++;
        continue;
      }
      const { t, source, path, raw } = parsed.data;
      yield path === undefined ? { t, source, raw } : { t, source, path, raw };
    }
  }
  return {
    describe: `feed ${file}`,
    lines: lines(),
    progress: () => (total === 0 ? 1 : Math.min(1, input.bytesRead / total)),
    malformed: () => malformed,
  };
}
