import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type pg from 'pg';
import type { SecretsProvider } from '../../adapters/secrets/provider.ts';

/** Everything the API's services reach outside the process, built once per process by the handler or local server. */
export interface ApiDeps {
  pool: pg.Pool;
  secrets: SecretsProvider;
  sqs: SQSClient;
  browserJobsQueueUrl: string | undefined;
  dynamo: DynamoDBClient;
  idempotencyTable: string | undefined;
  redisUrl: string | undefined;
  now(): Date;
}
