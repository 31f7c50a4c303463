import { makeDynamoClient, makeSqsClient } from '#adapters/aws/clients';
import { getPool } from '#adapters/pg/pool';
import { loadConfig } from '#config/env';
import { secretsProviderFromConfig } from '../../shared/adapters/secrets/from-config.ts';
import { createApiHandler } from './app.ts';

/** The HTTP API Lambda. Clients are built once per container, at module scope, and reused across invocations. */
const config = loadConfig();

export const handler = createApiHandler({
  pool: getPool(),
  secrets: secretsProviderFromConfig(config),
  sqs: makeSqsClient(),
  browserJobsQueueUrl: config.BROWSER_JOBS_QUEUE_URL,
  dynamo: makeDynamoClient(),
  idempotencyTable: config.IDEMPOTENCY_TABLE,
  redisUrl: config.REDIS_URL,
  now: () => new Date(),
});
