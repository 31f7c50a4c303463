/**
 * `npm run simulate -- --games 8 --seed 1 --out feed.jsonl [--truth truth.json] [--sports nba,nfl] [--messages N]`
 * writes a simulated evening in the venues' wire formats, one `{"t","source","path"?,"raw"}` record a line.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { evaluatorConfig, loadConfig } from '#config/env';
import { writeEvening } from './evening.ts';

const args = z.object({
  games: z.coerce.number().int().min(1).default(8),
  seed: z.coerce.number().int().min(0).default(1),
  out: z.string().min(1),
  truth: z.string().min(1).optional(),
  sports: z
    .string()
    .default('nba,nfl')
    .transform((s) => s.split(',').map((x) => x.trim()))
    .pipe(z.array(z.enum(['nba', 'nfl'])).min(1)),
  messages: z.coerce.number().int().min(1_000).default(300_000),
});

/** The shard's arbitrage thresholds (MIN_ARB_PROFIT_MICROS, MIN_ARB_EDGE_BPS defaults). */
const THRESHOLDS = { minProfitMicros: 100_000, minEdgeBps: 10 };

async function main() {
  const { values } = parseArgs({
    options: {
      games: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      truth: { type: 'string' },
      sports: { type: 'string' },
      messages: { type: 'string' },
    },
  });
  const parsed = args.safeParse(values);
  if (!parsed.success) {
    console.error(`simulate: ${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}`);
    process.exit(2);
  }
  const o = parsed.data;
  // The staleness default the shard applies, so the stale-book decoy is stale by the shard's own rule.
  const { PRICE_STALE_AFTER_MS } = loadConfig(evaluatorConfig, { env: {} });
  const result = await writeEvening({
    seed: o.seed,
    games: o.games,
    sports: [...new Set(o.sports)],
    messages: o.messages,
    staleAfterMs: PRICE_STALE_AFTER_MS,
    thresholds: THRESHOLDS,
    out: o.out,
    ...(o.truth ? { truthOut: o.truth } : {}),
  });
  const seconds = result.elapsedMs / 1000;
  const found = result.truth.dislocations.filter((d) => d.expected === 'found').length;
  console.log(
    `simulate: ${result.lines} lines (${result.venueMessages} venue messages, ${(result.bytes / 1e6).toFixed(1)} MB) in ${seconds.toFixed(1)} s (${Math.round(result.lines / seconds)} lines/s); ${result.truth.dislocations.length} dislocations, ${found} to be found`,
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
