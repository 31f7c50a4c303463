import { z } from 'zod';
import { tradingModes } from '#domain/names';
import { SPORT_MODELS, type Sport } from '#domain/win-probability';
import { databaseComponents } from './database-roles.ts';
import { metricsNamespace } from './metrics.ts';
import { tables } from './resources.ts';

/**
 * Runtime config, one schema per process, each built from the shared pieces below and parsed from the environment
 * with zod at start-up: a missing or bad value fails there, with a message naming the variable, not at first use.
 * Unset service URLs mean "use the embedded stand-in" (DESIGN.md section 2). This is the only module that reads
 * `process.env`.
 */
const intFromEnv = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback);
/** An empty variable counts as unset, as a shell's `VAR=` means. */
const optionalUrl = z.preprocess((value) => (value === '' ? undefined : value), z.string().url().optional());

const stage = { STAGE: z.string().min(1).default('local') };

/** How a process reaches Postgres: a URL (local mode, tests) or the RDS secret (AWS), and how its pool behaves. */
const database = {
  DATABASE_URL: optionalUrl,
  DATABASE_SECRET_ARN: z.string().min(1).optional(),
  DATABASE_SSL: z.enum(['true', 'false']).optional(),
  DATABASE_HOST: z.string().min(1).optional(),
  DB_POOL_MAX: z.coerce.number().int().positive().default(5),
  DB_STATEMENT_TIMEOUT_MS: intFromEnv(15_000),
};

/** The SDK clients' region, and the emulators' endpoints in local mode and tests (unset in AWS). */
const aws = {
  AWS_REGION: z.string().min(1).default('us-east-1'),
  SQS_ENDPOINT: optionalUrl,
  DYNAMODB_ENDPOINT: optionalUrl,
};

/** The logger, metrics and tracer every process shares (shared/observability.ts). */
export const observabilityConfig = z.object({
  POWERTOOLS_SERVICE_NAME: z.string().min(1).default('sharpline'),
  POWERTOOLS_METRICS_NAMESPACE: z.string().min(1).default(metricsNamespace),
});

const tradingMode = { TRADING_MODE: z.enum(tradingModes).default('paper') };

/** The risk rules' thresholds (shared/evaluator/limits.ts turns them into `RiskLimits`). */
const risk = {
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
};

/** `name=https://origin,name2=https://origin2`: each sportsbook a job may name and the one origin it may open there. */
function parseSportsbookOrigins(text: string, ctx: z.RefinementCtx): Record<string, string> {
  const origins: Record<string, string> = {};
  for (const entry of text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [name = '', url = ''] = entry.split('=', 2);
    const origin = URL.canParse(url) ? new URL(url) : undefined;
    if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(name) || origin?.protocol !== 'https:' || origin.origin !== url) {
      ctx.addIssue({ code: 'custom', message: `"${entry}" is not name=https://host[:port]` });
      return z.NEVER;
    }
    origins[name] = origin.origin;
  }
  return origins;
}

const sportsbookOrigins = z.string().default('').transform(parseSportsbookOrigins);

/**
 * Unset in the API means no origin check at job creation (local mode and tests; the worker still checks). Set, even
 * empty as in an env with no sportsbook configured, it is the allowlist: a job for any other book is refused.
 */
const optionalSportsbookOrigins = z
  .string()
  .optional()
  .transform((text, ctx) => (text === undefined ? undefined : parseSportsbookOrigins(text, ctx)));

export const databaseConfig = z.object(database);

export const apiConfig = z.object({
  ...stage,
  ...database,
  ...aws,
  REDIS_URL: optionalUrl,
  /** ElastiCache AUTH token (a secret); REDIS_URL carries host and port only. */
  REDIS_AUTH_TOKEN: z.string().min(1).optional(),
  BROWSER_JOBS_QUEUE_URL: optionalUrl,
  /** The sportsbooks a job may name and their origins (the worker's SPORTSBOOK_ORIGINS): jobs off them get a 400. */
  SPORTSBOOK_ORIGINS: optionalSportsbookOrigins,
  /** Probed by /health/detailed only; unset means no idempotency table to probe. */
  IDEMPOTENCY_TABLE: z.string().min(1).optional(),
  /** Secrets Manager secret holding the base64 AES-256 key for sportsbook sessions; unset means the local file. */
  SESSION_KEY_SECRET_ARN: z.string().min(1).optional(),
  LOCAL_SECRETS_FILE: z.string().min(1).default('.data/secrets.json'),
});

const executionQueues = {
  EXECUTION_KALSHI_QUEUE_URL: optionalUrl,
  EXECUTION_POLYMARKET_QUEUE_URL: optionalUrl,
};

/** Live mode sends every accepted order to its venue's execution queue: without both queues it must not start. */
export const evaluatorConfig = z
  .object({
    ...database,
    ...aws,
    ...tradingMode,
    ...risk,
    IDEMPOTENCY_TABLE: z.string().min(1).default(tables.idempotency.name),
    ...executionQueues,
  })
  .superRefine((config, ctx) => {
    if (config.TRADING_MODE !== 'live') return;
    for (const name of ['EXECUTION_KALSHI_QUEUE_URL', 'EXECUTION_POLYMARKET_QUEUE_URL'] as const) {
      if (!config[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'required when TRADING_MODE is live' });
    }
  });

export const settlementConfig = z.object({
  ...database,
  ...tradingMode,
  /** A position still open this many hours after its game ended counts as overdue (an alarm watches). */
  SETTLEMENT_OVERDUE_HOURS: z.coerce.number().int().positive().default(6),
});

export const retentionConfig = z.object({
  ...database,
  RETENTION_DAYS: z.coerce.number().int().positive().default(30),
});

/** The migrate custom resource: the master secret, and each component role's secret, both set by infra. */
export const migrateConfig = z.object({
  ...database,
  DATABASE_SECRET_ARN: z.string().min(1),
  /** Each component role's secret, a JSON object `{ "api": "<arn>", ... }`. */
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
    .pipe(z.partialRecord(z.enum(databaseComponents), z.string().min(1))),
});

/** The browser-job outbox relay: the API's database role and the queue it sends to. */
export const outboxRelayConfig = z.object({
  ...database,
  ...aws,
  BROWSER_JOBS_QUEUE_URL: z.string().url(),
});

/** `nba,nfl`: a comma-separated list of the win-probability model's sports (ESPN leagues), each once. */
const sportList = z
  .string()
  .transform((text) =>
    text
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter((s) => s.length > 0),
  )
  .pipe(z.array(z.enum(Object.keys(SPORT_MODELS) as [Sport, ...Sport[]])).min(1))
  .refine((list) => new Set(list).size === list.length, 'a league is named twice');

/**
 * The egress client of a process that sends venue traffic (shared/adapters/egress): the proxies in failover order
 * (`EGRESS_PROXY_URLS`, comma-separated; the one `EGRESS_PROXY_URL` CDK sets counts as a one-entry list), the URL each
 * health probe fetches through each proxy, how often, and the bound within which a dead egress is left.
 */
const egress = {
  EGRESS_PROXY_URLS: z
    .string()
    .optional()
    .refine(
      (list) =>
        (list ?? '')
          .split(',')
          .map((url) => url.trim())
          .filter((url) => url !== '')
          .every((url) => z.string().url().safeParse(url).success),
      'must be comma-separated URLs',
    ),
  EGRESS_PROXY_URL: optionalUrl,
  EGRESS_PROBE_URL: z.string().url().default('https://api.elections.kalshi.com/trade-api/v2/exchange/status'),
  EGRESS_PROBE_INTERVAL_MS: z.coerce.number().int().positive().default(1_000),
  EGRESS_FAILOVER_WITHIN_MS: z.coerce.number().int().positive().default(5_000),
};

function probeFitsBound(
  config: { EGRESS_PROBE_INTERVAL_MS: number; EGRESS_FAILOVER_WITHIN_MS: number },
  ctx: z.RefinementCtx,
) {
  if (config.EGRESS_PROBE_INTERVAL_MS >= config.EGRESS_FAILOVER_WITHIN_MS) {
    ctx.addIssue({
      code: 'custom',
      path: ['EGRESS_PROBE_INTERVAL_MS'],
      message: 'must be below EGRESS_FAILOVER_WITHIN_MS (a probe has to fit inside the bound)',
    });
  }
}

export const egressConfig = z.object(egress).superRefine(probeFitsBound);

/**
 * The game shard (containers/game-shard): which games it owns (`SHARD_INDEX` of `SHARD_COUNT`), its thresholds,
 * the venues' and ESPN's base URLs (the real ones by default, a fake venue's in tests), where its candidates,
 * prices and states go, and the health port ECS checks. `RECORD_TO` turns on record mode: every raw message to
 * that JSONL file.
 */
export const gameShardConfig = z
  .object({
    ...stage,
    ...database,
    ...aws,
    SHARD_INDEX: intFromEnv(0),
    SHARD_COUNT: z.coerce.number().int().positive().default(1),
    MIN_EDGE_BPS: risk.MIN_EDGE_BPS,
    MIN_ARB_PROFIT_MICROS: intFromEnv(100_000),
    MIN_ARB_EDGE_BPS: intFromEnv(10),
    PRICE_STALE_AFTER_MS: risk.PRICE_STALE_AFTER_MS,
    KALSHI_WS_URL: z.string().url().default('wss://api.elections.kalshi.com/trade-api/ws/v2'),
    KALSHI_REST_URL: z.string().url().default('https://api.elections.kalshi.com/trade-api/v2'),
    /** Kalshi's API key id and the Secrets Manager secret with its RSA private key (PEM); both or neither. */
    KALSHI_API_KEY_ID: z.string().min(1).optional(),
    KALSHI_PRIVATE_KEY_SECRET_ARN: z.string().min(1).optional(),
    POLYMARKET_WS_URL: z.string().url().default('wss://ws-subscriptions-clob.polymarket.com/ws/market'),
    POLYMARKET_GAMMA_URL: z.string().url().default('https://gamma-api.polymarket.com'),
    /** ESPN's origin; the poller adds the scoreboard paths (`/apis/site/v2/sports/...`). */
    ESPN_BASE_URL: z.string().url().default('https://site.api.espn.com'),
    ESPN_LEAGUES: sportList.default(['nba']),
    HEALTH_PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
    RECORD_TO: z.string().min(1).optional(),
    REDIS_URL: optionalUrl,
    REDIS_AUTH_TOKEN: z.string().min(1).optional(),
    CANDIDATES_QUEUE_URL: optionalUrl,
    /** Venue REST and WebSocket traffic goes through these egress proxies when set (ESPN goes out directly). */
    ...egress,
    /** The log level; the name Powertools' logger reads itself (ECS tasks get `compute.logLevel` from CDK). */
    POWERTOOLS_LOG_LEVEL: z
      .string()
      .transform((level) => level.toUpperCase())
      .pipe(z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT']))
      .default('INFO'),
  })
  .superRefine((config, ctx) => {
    probeFitsBound(config, ctx);
    if (config.SHARD_INDEX >= config.SHARD_COUNT) {
      ctx.addIssue({
        code: 'custom',
        path: ['SHARD_INDEX'],
        message: `must be below SHARD_COUNT (${config.SHARD_COUNT})`,
      });
    }
    if (Boolean(config.KALSHI_API_KEY_ID) !== Boolean(config.KALSHI_PRIVATE_KEY_SECRET_ARN)) {
      ctx.addIssue({
        code: 'custom',
        path: ['KALSHI_API_KEY_ID'],
        message: 'KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY_SECRET_ARN go together',
      });
    }
  });

/**
 * A live executor (functions/executor-kalshi, functions/executor-polymarket): its database role, the risk limits it
 * checks again at send time, the venue's base URL and the Secrets Manager secrets of its credentials (unset: no
 * credentials, so every order is rejected `credentials_missing`), the egress proxies its venue traffic goes through.
 */
const executorBase = {
  ...stage,
  ...database,
  ...aws,
  ...tradingMode,
  ...risk,
  IDEMPOTENCY_TABLE: z.string().min(1).default(tables.idempotency.name),
  /** The egress proxies, comma-separated in failover order (adapters/egress); unset only in local mode. */
  EGRESS_PROXY_URLS: z.string().min(1).optional(),
  VENUE_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  /** Where an open hedge's follow-up orders go (its retries, its unwind); unset, an open hedge is only reported. */
  ...executionQueues,
};

/** Outside local mode venue traffic goes through the egress, never straight out. */
function egressRequired(config: { STAGE: string; EGRESS_PROXY_URLS?: string | undefined }, ctx: z.RefinementCtx) {
  if (config.STAGE !== 'local' && !config.EGRESS_PROXY_URLS) {
    ctx.addIssue({ code: 'custom', path: ['EGRESS_PROXY_URLS'], message: `required when STAGE is ${config.STAGE}` });
  }
}

/** The key id may come later than the secret made for its PEM: without both, orders are `credentials_missing`. */
export const kalshiExecutorConfig = z
  .object({
    ...executorBase,
    KALSHI_REST_URL: z.string().url().default('https://api.elections.kalshi.com/trade-api/v2'),
    KALSHI_API_KEY_ID: z.string().min(1).optional(),
    /** The RSA private key (PEM) of KALSHI_API_KEY_ID. */
    KALSHI_PRIVATE_KEY_SECRET_ARN: z.string().min(1).optional(),
  })
  .superRefine(egressRequired);

export const polymarketExecutorConfig = z
  .object({
    ...executorBase,
    POLYMARKET_CLOB_URL: z.string().url().default('https://clob.polymarket.com'),
    /** Polygon mainnet 137; Amoy testnet 80002. */
    POLYMARKET_CHAIN_ID: z.coerce.number().int().positive().default(137),
    /** JSON `{ "privateKey": "0x..", "apiKey", "secret", "passphrase", "funder"?, "signatureType"? }`. */
    POLYMARKET_CREDENTIALS_SECRET_ARN: z.string().min(1).optional(),
    /** Polymarket's geoblock check (REFERENCE.md 2.8), asked from the egress in use; a fake venue's in local mode. */
    POLYMARKET_GEOBLOCK_URL: z.string().url().default('https://polymarket.com/api/geoblock'),
  })
  .superRefine(egressRequired);

/**
 * Local mode's live trading (`npm start -- --live`): each venue given here is traded as is (a demo environment, with
 * its credentials from files), each one unset gets its local fake venue; unset `EGRESS_PROXY_URLS` gets the local
 * egress proxy.
 */
export const localLiveConfig = z
  .object({
    KALSHI_REST_URL: optionalUrl,
    /** The key id of KALSHI_PRIVATE_KEY_FILE (not KALSHI_API_KEY_ID, which the shard pairs with a secret ARN). */
    LOCAL_KALSHI_API_KEY_ID: z.string().min(1).optional(),
    /** The PEM file of that key's RSA private key (a demo key works only on the demo hosts). */
    KALSHI_PRIVATE_KEY_FILE: z.string().min(1).optional(),
    POLYMARKET_CLOB_URL: optionalUrl,
    POLYMARKET_GEOBLOCK_URL: optionalUrl,
    /** Polygon mainnet 137; Amoy testnet 80002. */
    POLYMARKET_CHAIN_ID: z.coerce.number().int().positive().default(137),
    /** A JSON file of the executor's credentials (polymarketExecutorConfig's POLYMARKET_CREDENTIALS_SECRET_ARN shape). */
    POLYMARKET_CREDENTIALS_FILE: z.string().min(1).optional(),
    EGRESS_PROXY_URLS: egress.EGRESS_PROXY_URLS,
  })
  .superRefine((config, ctx) => {
    if (config.KALSHI_REST_URL && !(config.LOCAL_KALSHI_API_KEY_ID && config.KALSHI_PRIVATE_KEY_FILE)) {
      ctx.addIssue({
        code: 'custom',
        path: ['KALSHI_REST_URL'],
        message: 'a given Kalshi needs LOCAL_KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY_FILE',
      });
    }
    if (config.POLYMARKET_CLOB_URL && !config.POLYMARKET_CREDENTIALS_FILE) {
      ctx.addIssue({
        code: 'custom',
        path: ['POLYMARKET_CLOB_URL'],
        message: 'a given Polymarket needs POLYMARKET_CREDENTIALS_FILE',
      });
    }
  });

/**
 * The browser worker (containers/browser-worker, issue 13): its queue, how many jobs at once, its heartbeat, the
 * sportsbooks it may open (name -> origin, nothing else is ever navigated to), the browser it drives and its proxy
 * (the egress in AWS), where screenshots go, and the trading mode: a bet is confirmed only with TRADING_MODE=live and
 * LIVE_BETTING=true (and the user's live_trading consent, checked per job).
 */
export const browserWorkerConfig = z.object({
  ...stage,
  ...database,
  ...aws,
  ...tradingMode,
  BROWSER_JOBS_QUEUE_URL: z.string().url(),
  WORKER_NAME: z.string().min(1).max(256).default('browser-worker'),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
  HEARTBEAT_INTERVAL_MS: z.coerce.number().int().min(100).default(10_000),
  /** Seconds a received job stays invisible to other workers; the worker extends it while the job runs. */
  JOB_VISIBILITY_TIMEOUT_S: z.coerce.number().int().min(5).max(43_200).default(120),
  SQS_WAIT_TIME_S: z.coerce.number().int().min(0).max(20).default(20),
  SPORTSBOOK_ORIGINS: sportsbookOrigins,
  /** `book=adapter` for a sportsbook driven by another's adapter module (`demo2=demo`); by default its own name's. */
  SPORTSBOOK_ADAPTERS: z
    .string()
    .default('')
    .transform((text, ctx) => {
      const pairs = text
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean)
        .map((entry) => entry.split('='));
      if (pairs.some((pair) => pair.length !== 2 || !pair.every((name) => /^[a-z0-9][a-z0-9_-]{0,63}$/.test(name)))) {
        ctx.addIssue({ code: 'custom', message: 'expected book=adapter,book2=adapter' });
        return z.NEVER;
      }
      return Object.fromEntries(pairs) as Record<string, string>;
    }),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(25_000),
  PRICE_STALE_AFTER_MS: risk.PRICE_STALE_AFTER_MS,
  /** SPKI sha256 (base64) of certificates Chromium accepts beside the system roots: the local demo books' only. */
  TRUSTED_CERT_SPKI: z.string().default(''),
  EGRESS_PROXY_URL: optionalUrl,
  CHROMIUM_PATH: z.string().min(1).default('/usr/bin/chromium'),
  SCREENSHOT_DIR: z.string().min(1).default('.data/screenshots'),
  /** Set in AWS: screenshots go to this bucket instead of SCREENSHOT_DIR. */
  SCREENSHOT_BUCKET: z.string().min(1).optional(),
  LIVE_BETTING: z.enum(['true', 'false']).default('false'),
  STEP_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  BREAKER_FAILURE_THRESHOLD: z.coerce.number().int().min(1).default(5),
  BREAKER_COOLDOWN_MS: z.coerce.number().int().min(0).default(60_000),
  HEALTH_PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  SESSION_KEY_SECRET_ARN: z.string().min(1).optional(),
  LOCAL_SECRETS_FILE: z.string().min(1).default('.data/secrets.json'),
  /** Stake of the surebet candidates the worker publishes, in micros. */
  SUREBET_STAKE_MICROS: z.coerce.number().int().positive().default(100_000_000),
  /** Where the surebet candidates go: the candidates queue the game shards send to, which the evaluator reads. */
  CANDIDATES_QUEUE_URL: z.string().url(),
  /** A surebet published at unchanged prices is not sent again for this long (a moved price is a new surebet). */
  SUREBET_REPUBLISH_AFTER_MS: z.coerce.number().int().min(0).default(300_000),
});

/** Local mode's stack (local/stack.ts): each part given here is used as is, each one unset gets its stand-in. */
export const localStackConfig = z.object({
  DATABASE_URL: database.DATABASE_URL,
  SQS_ENDPOINT: aws.SQS_ENDPOINT,
  DYNAMODB_ENDPOINT: aws.DYNAMODB_ENDPOINT,
  IDEMPOTENCY_TABLE: z.string().min(1).optional(),
});

export type DatabaseConfig = z.infer<typeof databaseConfig>;
export type ApiConfig = z.infer<typeof apiConfig>;
export type EvaluatorConfig = z.infer<typeof evaluatorConfig>;
export type SettlementConfig = z.infer<typeof settlementConfig>;
export type RetentionConfig = z.infer<typeof retentionConfig>;
export type MigrateConfig = z.infer<typeof migrateConfig>;
export type LocalStackConfig = z.infer<typeof localStackConfig>;
export type OutboxRelayConfig = z.infer<typeof outboxRelayConfig>;
export type GameShardConfig = z.infer<typeof gameShardConfig>;
export type BrowserWorkerConfig = z.infer<typeof browserWorkerConfig>;
export type EgressConfig = z.infer<typeof egressConfig>;
export type KalshiExecutorConfig = z.infer<typeof kalshiExecutorConfig>;
export type PolymarketExecutorConfig = z.infer<typeof polymarketExecutorConfig>;
export type LocalLiveConfig = z.infer<typeof localLiveConfig>;

type Env = Record<string, string | undefined>;

export interface LoadOptions {
  /** Read instead of the process environment (tests). */
  env?: Env;
  /** Used where the environment leaves a variable unset. */
  defaults?: Env;
  /** Win over the environment: what local mode's stack points at. */
  overrides?: Env;
}

/** Parses one process's config; a bad or missing value throws naming every variable at fault. */
export function loadConfig<S extends z.ZodType>(schema: S, options: LoadOptions = {}): z.infer<S> {
  const env = { ...options.defaults, ...definedOnly(options.env ?? process.env), ...options.overrides };
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  return parsed.data;
}

function definedOnly(env: Env): Env {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined));
}
