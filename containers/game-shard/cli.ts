import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadConfig } from '#config/env';
import type { EngineSettings } from './engine.ts';
import { replayFeed } from './replay.ts';
import { formatSummary } from './summary.ts';

const intFromEnv = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback);

/** The thresholds a replay decides with, from the environment as the live shard reads them. */
const replayConfig = z.object({
  MIN_EDGE_BPS: intFromEnv(200),
  MIN_ARB_PROFIT_MICROS: intFromEnv(100_000),
  MIN_ARB_EDGE_BPS: intFromEnv(10),
  PRICE_STALE_AFTER_MS: intFromEnv(30_000),
});

const speedSchema = z.union([z.literal('max'), z.coerce.number().positive()]);

/**
 * `npm run shard -- --feed FILE [--speed N|max] [--candidates-out FILE] [--summary-out FILE]`: replays a feed
 * through the engine and prints its summary. With no queue configured, candidates go only to the file.
 */
export async function runReplayCli(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      feed: { type: 'string' },
      speed: { type: 'string', default: 'max' },
      'candidates-out': { type: 'string' },
      'summary-out': { type: 'string' },
    },
    strict: true,
  });
  if (!values.feed) throw new Error('--feed FILE is required');
  const config = loadConfig(replayConfig);
  const settings: EngineSettings = {
    minEdgeBps: config.MIN_EDGE_BPS,
    minArbProfitMicros: config.MIN_ARB_PROFIT_MICROS,
    minArbEdgeBps: config.MIN_ARB_EDGE_BPS,
    priceStaleAfterMs: config.PRICE_STALE_AFTER_MS,
  };
  const summary = await replayFeed({
    feed: values.feed,
    settings,
    speed: speedSchema.parse(values.speed),
    ...(values['candidates-out'] ? { candidatesOut: values['candidates-out'] } : {}),
    ...(values['summary-out'] ? { summaryOut: values['summary-out'] } : {}),
    log: {
      warn: (message, details) => console.warn(JSON.stringify({ level: 'WARN', message, ...details })),
      error: (message, details) => console.error(JSON.stringify({ level: 'ERROR', message, ...details })),
    },
  });
  console.log(formatSummary(summary));
}
