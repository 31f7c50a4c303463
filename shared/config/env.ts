import { z } from 'zod';

/**
 * The one runtime config, parsed from the environment with zod at start-up. A bad value fails fast with a
 * message naming the variable. Unset service URLs mean "use the embedded stand-in" (DESIGN.md section 2).
 */
const intFromEnv = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback);

export const configSchema = z.object({
  STAGE: z.string().min(1).default('local'),
  DATABASE_URL: z.string().url().optional(),
  DATABASE_SECRET_ARN: z.string().min(1).optional(),
  DATABASE_SSL: z.enum(['true', 'false']).optional(),
  REDIS_URL: z.string().url().optional(),
  SQS_ENDPOINT: z.string().url().optional(),
  DYNAMODB_ENDPOINT: z.string().url().optional(),
  IDEMPOTENCY_TABLE: z.string().min(1).optional(),
  TRADING_MODE: z.enum(['paper', 'live']).default('paper'),
  PRICE_STALE_AFTER_MS: intFromEnv(30_000),
  MIN_EDGE_BPS: intFromEnv(200),
  SIGNAL_COOLDOWN_MS: intFromEnv(60_000),
  KELLY_FRACTION: z.coerce.number().gt(0).max(1).default(0.25),
  MAX_EXPOSURE_PER_MARKET_MICROS: intFromEnv(250_000_000),
  MAX_EXPOSURE_PER_GAME_MICROS: intFromEnv(500_000_000),
  MAX_TOTAL_EXPOSURE_MICROS: intFromEnv(2_000_000_000),
  DAILY_LOSS_LIMIT_MICROS: intFromEnv(200_000_000),
});

export type Config = z.infer<typeof configSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  return parsed.data;
}
