import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { type FeedLine, feedSources } from '#domain/feed/events';
import type { ShardGameSpec } from '../../shared/domain/shard/state.ts';
import { type CandidateRecord, createShardEngine, type EngineLog, type EngineSettings } from './engine.ts';
import type { ReplaySummary } from './summary.ts';

export interface ReplayOptions {
  feed: string;
  settings: EngineSettings;
  /** 'max' (default): as fast as it goes; N: paced by the lines' `t`, N times faster than recorded. */
  speed?: number | 'max';
  candidatesOut?: string;
  summaryOut?: string;
  /** Called with each candidate too (a queue, a test). */
  onCandidate?: (rec: CandidateRecord) => void;
  /** Games held from the start, besides those discovery finds in the feed. */
  games?: readonly ShardGameSpec[];
  log?: EngineLog;
  now?: () => number;
}

const sources = new Set<string>(feedSources);

/** A feed record, or null for a line that is not one. */
function feedLine(text: string): FeedLine | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { t, source, raw, path } = value as Record<string, unknown>;
  if (!Number.isSafeInteger(t) || typeof source !== 'string' || !sources.has(source) || typeof raw !== 'string') {
    return null;
  }
  if (path !== undefined && typeof path !== 'string') return null;
  return value as FeedLine;
}

/** Buffers candidate lines so a busy evening is not one write per candidate. */
function lineWriter(stream: WriteStream) {
  let buffer: string[] = [];
  return {
    push(line: string) {
      buffer.push(line);
      if (buffer.length >= 512) this.flush();
    },
    flush() {
      if (buffer.length > 0) stream.write(buffer.join(''));
      buffer = [];
    },
    async close() {
      this.flush();
      await new Promise<void>((resolve, reject) =>
        stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
    },
  };
}

/**
 * Replays a recorded or simulated feed (JSONL of `{t, source, path?, raw}`) through the same engine as the live
 * shard. Deterministic: the clock is each line's `t`, so the same file gives the same candidates, byte for byte.
 * Resync requests are no-ops: an invalid book stays invalid until the feed's next snapshot.
 */
export async function replayFeed(opts: ReplayOptions): Promise<ReplaySummary> {
  const now = opts.now ?? Date.now;
  const out = opts.candidatesOut ? lineWriter(createWriteStream(opts.candidatesOut)) : undefined;
  const engine = createShardEngine({
    settings: opts.settings,
    outputs: {
      candidate: (rec) => {
        out?.push(`${JSON.stringify(rec)}\n`);
        opts.onCandidate?.(rec);
      },
    },
    ...(opts.log ? { log: opts.log } : {}),
  });
  for (const game of opts.games ?? []) engine.register(game);
  const speed = opts.speed ?? 'max';
  const startedAtMs = now();
  let firstT: number | undefined;
  let lineNo = 0;
  let malformedLines = 0;
  const lines = createInterface({ input: createReadStream(opts.feed), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const text of lines) {
    const no = lineNo++;
    if (text.trim() === '') continue;
    const line = feedLine(text);
    if (!line) {
      malformedLines++;
      continue;
    }
    if (speed !== 'max') {
      firstT ??= line.t;
      const dueMs = startedAtMs + (line.t - firstT) / speed;
      if (dueMs > now()) await sleep(dueMs - now());
    }
    engine.handle(line, no);
  }
  await out?.close();
  const durationMs = now() - startedAtMs;
  const counts = engine.summary();
  const summary: ReplaySummary = {
    ...counts,
    malformedLines,
    durationMs,
    linesPerSecond: durationMs > 0 ? ((counts.lines + malformedLines) * 1000) / durationMs : 0,
  };
  if (opts.summaryOut) await writeFile(opts.summaryOut, `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}
