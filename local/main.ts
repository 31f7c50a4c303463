import { parseArgs } from 'node:util';
import { z } from 'zod';

/**
 * `npm start [-- --games 8 --seed 1 | --feed FILE] [--speed N|max] [--port 3000] [--once] [--report FILE]
 * [--data-dir .data] [--messages N] [--live]`: the whole pipeline on this machine (DESIGN.md section 2) over a simulated or
 * recorded evening. See local/evening/run.ts. `--live` (or TRADING_MODE=live) trades live through the egress, on
 * local fake venues unless the venues are given (local/evening/live.ts).
 */
const USAGE =
  'usage: npm start -- [--games 8] [--seed 1] [--messages N] | [--feed FILE]  [--speed N|max] [--port 3000] [--once] [--report FILE] [--data-dir .data] [--live]';

const argsSchema = z
  .object({
    games: z.coerce.number().int().min(1).max(16).default(8),
    seed: z.coerce.number().int().min(0).default(1),
    messages: z.coerce.number().int().min(1_000).optional(),
    feed: z.string().min(1).optional(),
    speed: z.union([z.literal('max'), z.coerce.number().positive().max(1_000_000)]).default('max'),
    port: z.coerce.number().int().min(0).max(65_535).default(3000),
    once: z.boolean().default(false),
    report: z.string().min(1).optional(),
    'data-dir': z.string().min(1).default('.data'),
    live: z.boolean().default(false),
  })
  .strict();

/** Venue messages per simulated game: about 320k for the default 8 games. */
const MESSAGES_PER_GAME = 40_000;

let parsed: z.infer<typeof argsSchema>;
try {
  const { values } = parseArgs({
    options: {
      games: { type: 'string' },
      seed: { type: 'string' },
      messages: { type: 'string' },
      feed: { type: 'string' },
      speed: { type: 'string' },
      port: { type: 'string' },
      once: { type: 'boolean' },
      report: { type: 'string' },
      'data-dir': { type: 'string' },
      live: { type: 'boolean' },
    },
    strict: true,
  });
  const checked = argsSchema.safeParse(values);
  if (!checked.success) {
    throw new Error(checked.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; '));
  }
  parsed = checked.data;
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
  process.exit(2);
}

// Powertools' and the AWS SDK's own settings, which they read from the environment when they load: set before the
// pipeline's modules are imported. The components' config is built from the stack, not through the environment.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
// Lambda runs Node 22; on a Node 20 workstation the SDK's notice about its future Node 22 floor is noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { runEvening } = await import('./evening/run.ts');
const code = await runEvening({
  source: parsed.feed
    ? { kind: 'file', path: parsed.feed }
    : {
        kind: 'simulate',
        games: parsed.games,
        seed: parsed.seed,
        messages: parsed.messages ?? parsed.games * MESSAGES_PER_GAME,
      },
  speed: parsed.speed,
  port: parsed.port,
  once: parsed.once,
  dataDir: parsed['data-dir'],
  live: parsed.live,
  ...(parsed.report ? { reportFile: parsed.report } : {}),
});
process.exit(code);
