import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type pg from 'pg';
import { makeDynamoClient, makeSqsClient } from '#adapters/aws/clients';
import type { ApiConfig } from '#config/env';
import { priceCacheFromConfig } from '../adapters/price-cache/from-config.ts';
import type { SecretsProvider } from '../adapters/secrets/provider.ts';
import type { PriceCache } from '../ports/price-cache.ts';

/** Everything the API's services reach outside the process, built once per process by the handler or local server. */
export interface ApiDeps {
  pool: pg.Pool;
  secrets: SecretsProvider;
  sqs: SQSClient;
  browserJobsQueueUrl: string | undefined;
  dynamo: DynamoDBClient;
  idempotencyTable: string | undefined;
  /** The price cache the processes share (Redis when `REDIS_URL` is set); the API only probes it. */
  priceCache: PriceCache;
  now(): Date;
}

/** The deps as the API's config sets them: one place for the Lambda and the local server alike. */
export function apiDepsFromConfig(config: ApiConfig, pool: pg.Pool, secrets: SecretsProvider): ApiDeps {
  return {
    pool,
    secrets,
    sqs: makeSqsClient(config.SQS_ENDPOINT, config.AWS_REGION),
    browserJobsQueueUrl: config.BROWSER_JOBS_QUEUE_URL,
    dynamo: makeDynamoClient(config.DYNAMODB_ENDPOINT, config.AWS_REGION),
    idempotencyTable: config.IDEMPOTENCY_TABLE,
    priceCache: priceCacheFromConfig(config),
    now: () => new Date(),
  };
}
