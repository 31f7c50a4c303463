import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SecretsProvider } from '../adapters/secrets/provider.ts';
import type { SportsbookOrigins } from '../browser-jobs/origins.ts';
import type { ApiStore } from '../ports/api-store.ts';
import type { DependencyProbe } from '../ports/dependency-probe.ts';
import type { PriceCache } from '../ports/price-cache.ts';

/** Everything the API's services reach outside the process, built once per process by the handler or local server. */
export interface ApiDeps {
  store: ApiStore;
  /** The store's database as the health routes probe it. */
  database: DependencyProbe;
  secrets: SecretsProvider;
  sqs: SQSClient;
  browserJobsQueueUrl: string | undefined;
  /** Each sportsbook's one origin a job may open; unset means jobs are not checked here (the worker still is). */
  sportsbookOrigins?: SportsbookOrigins | undefined;
  /**
   * Sends a committed job's browser-jobs message now, from its outbox entry; what this leaves pending the scheduled
   * outbox relay sends later.
   */
  relayJobMessage(jobId: string): Promise<{ sent: number; failed: number }>;
  dynamo: DynamoDBClient;
  idempotencyTable: string | undefined;
  /** The price cache the processes share (Redis when `REDIS_URL` is set); the API only probes it. */
  priceCache: PriceCache;
  now(): Date;
}
