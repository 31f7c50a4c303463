import { describe, expect, it } from 'vitest';
import {
  apiConfig,
  evaluatorConfig,
  loadConfig,
  localStackConfig,
  migrateConfig,
  retentionConfig,
  settlementConfig,
} from '#config/env';

const queues = {
  EXECUTION_KALSHI_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/1/execution-kalshi',
  EXECUTION_POLYMARKET_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/1/execution-polymarket',
};

/** Each process's schema against the environment it is given: what it accepts, and what it names when it refuses. */
const cases = [
  { process: 'api', schema: apiConfig, env: {}, expected: { STAGE: 'local', DB_POOL_MAX: 5 } },
  { process: 'api', schema: apiConfig, env: { BROWSER_JOBS_QUEUE_URL: 'not a url' }, error: /BROWSER_JOBS_QUEUE_URL/ },
  { process: 'api', schema: apiConfig, env: { DB_POOL_MAX: '0' }, error: /DB_POOL_MAX/ },
  { process: 'api', schema: apiConfig, env: { DATABASE_SSL: 'yes' }, error: /DATABASE_SSL/ },
  { process: 'evaluator', schema: evaluatorConfig, env: {}, expected: { TRADING_MODE: 'paper', MIN_EDGE_BPS: 200 } },
  {
    process: 'evaluator',
    schema: evaluatorConfig,
    env: { IDEMPOTENCY_TABLE: 'idem', SIGNAL_COOLDOWN_MS: '0' },
    expected: { IDEMPOTENCY_TABLE: 'idem', SIGNAL_COOLDOWN_MS: 0 },
  },
  {
    process: 'evaluator',
    schema: evaluatorConfig,
    env: { TRADING_MODE: 'live' },
    error: /EXECUTION_KALSHI_QUEUE_URL: required when TRADING_MODE is live; EXECUTION_POLYMARKET_QUEUE_URL: required/,
  },
  {
    process: 'evaluator',
    schema: evaluatorConfig,
    env: { TRADING_MODE: 'live', EXECUTION_KALSHI_QUEUE_URL: queues.EXECUTION_KALSHI_QUEUE_URL },
    error: /^invalid configuration: EXECUTION_POLYMARKET_QUEUE_URL: required when TRADING_MODE is live$/,
  },
  { process: 'evaluator', schema: evaluatorConfig, env: { TRADING_MODE: 'live', ...queues }, expected: queues },
  { process: 'evaluator', schema: evaluatorConfig, env: { TRADING_MODE: 'shadow' }, error: /TRADING_MODE/ },
  { process: 'evaluator', schema: evaluatorConfig, env: { KELLY_FRACTION: '1.5' }, error: /KELLY_FRACTION/ },
  {
    process: 'evaluator',
    schema: evaluatorConfig,
    env: { MIN_EDGE_BPS: '-1', MAX_CONTRACTS_PER_ORDER: 'many' },
    error: /MIN_EDGE_BPS: .*; MAX_CONTRACTS_PER_ORDER: /,
  },
  { process: 'settlement', schema: settlementConfig, env: {}, expected: { SETTLEMENT_OVERDUE_HOURS: 6 } },
  { process: 'settlement', schema: settlementConfig, env: { SETTLEMENT_OVERDUE_HOURS: '0' }, error: /OVERDUE_HOURS/ },
  { process: 'retention', schema: retentionConfig, env: { RETENTION_DAYS: '3' }, expected: { RETENTION_DAYS: 3 } },
  { process: 'retention', schema: retentionConfig, env: { RETENTION_DAYS: 'a week' }, error: /RETENTION_DAYS/ },
  {
    process: 'migrate',
    schema: migrateConfig,
    env: {},
    error: /DATABASE_SECRET_ARN: .*; DATABASE_ROLE_SECRET_ARNS: /,
  },
  {
    process: 'migrate',
    schema: migrateConfig,
    env: { DATABASE_SECRET_ARN: 'arn:master', DATABASE_ROLE_SECRET_ARNS: '{"api":"arn:api"}' },
    expected: { DATABASE_ROLE_SECRET_ARNS: { api: 'arn:api' } },
  },
  {
    process: 'migrate',
    schema: migrateConfig,
    env: { DATABASE_SECRET_ARN: 'arn:master', DATABASE_ROLE_SECRET_ARNS: '{"api":' },
    error: /DATABASE_ROLE_SECRET_ARNS: not JSON/,
  },
  {
    process: 'migrate',
    schema: migrateConfig,
    env: { DATABASE_SECRET_ARN: 'arn:master', DATABASE_ROLE_SECRET_ARNS: '{"root":"arn:x"}' },
    error: /DATABASE_ROLE_SECRET_ARNS/,
  },
  // A shell's `VAR=` is unset: local mode then starts the stand-in.
  {
    process: 'local stack',
    schema: localStackConfig,
    env: { SQS_ENDPOINT: '' },
    expected: { SQS_ENDPOINT: undefined },
  },
  { process: 'local stack', schema: localStackConfig, env: { DATABASE_URL: 'localhost' }, error: /DATABASE_URL/ },
];

describe('config per process', () => {
  it.each(cases)('$process with $env', ({ schema, env, expected, error }) => {
    const load = () => loadConfig(schema, { env });
    if (error) expect(load).toThrow(error);
    else expect(load()).toMatchObject(expected!);
  });

  it('takes defaults where the environment is silent and overrides over it', () => {
    const config = loadConfig(evaluatorConfig, {
      env: { SIGNAL_COOLDOWN_MS: '5', MIN_EDGE_BPS: '300', SQS_ENDPOINT: 'http://127.0.0.1:1' },
      defaults: { SIGNAL_COOLDOWN_MS: '400', MAX_CONTRACTS_PER_ORDER: '7' },
      overrides: { SQS_ENDPOINT: 'http://127.0.0.1:2' },
    });
    expect(config).toMatchObject({
      SIGNAL_COOLDOWN_MS: 5,
      MAX_CONTRACTS_PER_ORDER: 7,
      MIN_EDGE_BPS: 300,
      SQS_ENDPOINT: 'http://127.0.0.1:2',
    });
  });
});

describe('a live evaluator without its execution queues', () => {
  it('fails at start-up, when its handler module loads, naming the missing variables', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { TRADING_MODE: 'live', DATABASE_URL: 'postgres://127.0.0.1:1/none' });
    delete process.env.EXECUTION_KALSHI_QUEUE_URL;
    delete process.env.EXECUTION_POLYMARKET_QUEUE_URL;
    try {
      await expect(import('../../../functions/signal-evaluator/handler.ts')).rejects.toThrow(
        /EXECUTION_KALSHI_QUEUE_URL: required when TRADING_MODE is live; EXECUTION_POLYMARKET_QUEUE_URL/,
      );
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });
});
