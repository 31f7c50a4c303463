import type pg from 'pg';
import { makeDynamoClient, makeSqsClient } from '#adapters/aws/clients';
import { createPgApiStore } from '#adapters/pg/api-store';
import type { ApiConfig } from '#config/env';
import { databaseProbe } from '../../shared/adapters/health-probes.ts';
import { priceCacheFromConfig } from '../../shared/adapters/price-cache/from-config.ts';
import type { SecretsProvider } from '../../shared/adapters/secrets/provider.ts';
import type { ApiDeps } from '../../shared/api/deps.ts';
import { relayJobOutbox } from '../../shared/browser-jobs/outbox-relay.ts';

/** The clients and settings a caller may bring instead of the ones the config builds (local mode, tests). */
export type ApiDepsOverrides = Partial<
  Pick<
    ApiDeps,
    'sqs' | 'browserJobsQueueUrl' | 'sportsbookOrigins' | 'dynamo' | 'idempotencyTable' | 'priceCache' | 'now'
  >
>;

/**
 * The deps as the API's config sets them, on Postgres: one place for the Lambda and the local server alike. The job
 * relay sends through the SQS client and queue the deps end up with, overridden or not.
 */
export function apiDepsFromConfig(
  config: ApiConfig,
  pool: pg.Pool,
  secrets: SecretsProvider,
  overrides: ApiDepsOverrides = {},
): ApiDeps {
  const sqs = overrides.sqs ?? makeSqsClient(config.SQS_ENDPOINT, config.AWS_REGION);
  const queueUrl = 'browserJobsQueueUrl' in overrides ? overrides.browserJobsQueueUrl : config.BROWSER_JOBS_QUEUE_URL;
  return {
    store: createPgApiStore(pool),
    database: databaseProbe(pool),
    secrets,
    sqs,
    browserJobsQueueUrl: queueUrl,
    sportsbookOrigins: 'sportsbookOrigins' in overrides ? overrides.sportsbookOrigins : config.SPORTSBOOK_ORIGINS,
    relayJobMessage: async (jobId) => {
      if (!queueUrl) throw new Error('the browser-jobs queue is not configured');
      return relayJobOutbox({ pool, sqs, queueUrl }, { jobId });
    },
    dynamo: overrides.dynamo ?? makeDynamoClient(config.DYNAMODB_ENDPOINT, config.AWS_REGION),
    idempotencyTable: 'idempotencyTable' in overrides ? overrides.idempotencyTable : config.IDEMPOTENCY_TABLE,
    priceCache: overrides.priceCache ?? priceCacheFromConfig(config),
    now: overrides.now ?? (() => new Date()),
  };
}
