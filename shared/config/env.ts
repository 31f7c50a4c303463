import { z } from 'zod';
import { databaseComponents } from './database-roles.ts';

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
  DATABASE_HOST: z.string().min(1).optional(),
  /** Migrate function only: each component role's secret, a JSON object `{ "api": "<arn>", ... }` set by infra. */
  DATABASE_ROLE_SECRET_ARNS: z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not JSON' });
        return z.NEVER;
      }
    })
    .pipe(z.partialRecord(z.enum(databaseComponents), z.string().min(1)))
    .optional(),
  DB_POOL_MAX: z.coerce.number().int().positive().default(5),
  DB_STATEMENT_TIMEOUT_MS: intFromEnv(15_000),
  RETENTION_DAYS: z.coerce.number().int().positive().default(30),
  REDIS_URL: z.string().url().optional(),
  SQS_ENDPOINT: z.string().url().optional(),
  DYNAMODB_ENDPOINT: z.string().url().optional(),
  IDEMPOTENCY_TABLE: z.string().min(1).optional(),
  BROWSER_JOBS_QUEUE_URL: z.string().url().optional(),
  /** Game shard: where candidates go, which shard this task is (0-based) of how many, set by infra. */
  CANDIDATES_QUEUE_URL: z.string().url().optional(),
  SHARD_INDEX: intFromEnv(0),
  SHARD_COUNT: z.coerce.number().int().positive().default(1),
  /** ElastiCache AUTH token (an ECS secret); REDIS_URL carries host and port only. */
  REDIS_AUTH_TOKEN: z.string().min(1).optional(),
  /** The egress tunnel's HTTP proxy (Cloud Map name) for venue traffic from ECS tasks. */
  EGRESS_PROXY_URL: z.string().url().optional(),
  /** Live mode: where the signal evaluator sends each venue's ExecutionRequests. */
  EXECUTION_KALSHI_QUEUE_URL: z.string().url().optional(),
  EXECUTION_POLYMARKET_QUEUE_URL: z.string().url().optional(),
  /** Secrets Manager secret with the sportsbook sessions' AES-256 key or keyring (`session-keys.ts`); unset: local file. */
  SESSION_KEY_SECRET_ARN: z.string().min(1).optional(),
  LOCAL_SECRETS_FILE: z.string().min(1).default('.data/secrets.json'),
  TRADING_MODE: z.enum(['paper', 'live']).default('paper'),
  PRICE_STALE_AFTER_MS: intFromEnv(30_000),
  PRICE_MAX_CLOCK_SKEW_MS: intFromEnv(2_000),
  MIN_EDGE_BPS: intFromEnv(200),
  SIGNAL_COOLDOWN_MS: intFromEnv(60_000),
  KELLY_FRACTION: z.coerce.number().gt(0).max(1).default(0.25),
  MAX_EXPOSURE_PER_MARKET_MICROS: intFromEnv(250_000_000),
  MAX_EXPOSURE_PER_GAME_MICROS: intFromEnv(500_000_000),
  MAX_TOTAL_EXPOSURE_MICROS: intFromEnv(2_000_000_000),
  DAILY_LOSS_LIMIT_MICROS: intFromEnv(200_000_000),
  MAX_CONTRACTS_PER_ORDER: z.coerce.number().int().positive().default(5_000),
  MAX_CONTRACTS_PER_MARKET: z.coerce.number().int().positive().default(20_000),
  /** Settlement: a position still open this many hours after its game ended counts as overdue (an alarm watches). */
  SETTLEMENT_OVERDUE_HOURS: z.coerce.number().int().positive().default(6),
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
