import { makeDynamoClient, makeSqsClient } from '#adapters/aws/clients';
import { startEmbeddedPostgres } from '#adapters/pg/embedded';
import { migrate } from '#adapters/pg/migrate';
import { type LocalStackConfig, loadConfig, localStackConfig } from '#config/env';
import type { QueueKey } from '#config/resources';
import { resourceName, tables } from '#config/resources';
import { createIdempotencyTable, startDynamoEmulator } from './emulators/dynamodb.ts';
import { createQueues, type LocalQueue, startSqsEmulator } from './emulators/sqs.ts';

/**
 * The embedded local stack (DESIGN.md section 2): each AWS part whose URL is unset gets its stand-in. `env` holds
 * the variables that point at each part, for the components' configs to take over what the environment says, so
 * the handlers build their clients against it exactly as they do in AWS.
 */
export interface LocalStack {
  databaseUrl: string;
  sqsEndpoint: string;
  queues: Record<QueueKey, LocalQueue>;
  idempotencyTable: string;
  /** The configuration variables naming each part, as AWS would set them for the components. */
  env: Record<string, string>;
  /** Which parts are embedded ("embedded Postgres", ...) and which were given, for the progress output. */
  parts: string[];
  stop(): Promise<void>;
}

export const LOCAL_ENV = 'local';

export async function startLocalStack(
  progress: (line: string) => void,
  given: LocalStackConfig = loadConfig(localStackConfig),
): Promise<LocalStack> {
  const stops: Array<() => Promise<void>> = [];
  const parts: string[] = [];
  try {
    let databaseUrl = given.DATABASE_URL;
    if (databaseUrl) {
      parts.push('Postgres at DATABASE_URL');
    } else {
      progress('starting embedded Postgres (data under .data/pg; the first start initialises it)');
      const pg = await startEmbeddedPostgres();
      stops.push(pg.stop);
      databaseUrl = pg.url;
      parts.push('embedded Postgres');
    }
    progress('applying migrations');
    await migrate(databaseUrl);

    let sqsEndpoint = given.SQS_ENDPOINT;
    if (sqsEndpoint) {
      parts.push('SQS at SQS_ENDPOINT');
    } else {
      const sqs = await startSqsEmulator();
      stops.push(sqs.stop);
      sqsEndpoint = sqs.endpoint;
      parts.push('SQS emulator (fauxqs)');
    }
    const queues = await createQueues(makeSqsClient(sqsEndpoint), LOCAL_ENV);

    let dynamoEndpoint = given.DYNAMODB_ENDPOINT;
    const idempotencyTable = given.IDEMPOTENCY_TABLE ?? resourceName(LOCAL_ENV, tables.idempotency.name);
    if (dynamoEndpoint) {
      parts.push('DynamoDB at DYNAMODB_ENDPOINT');
    } else {
      const dynamo = await startDynamoEmulator();
      stops.push(dynamo.stop);
      dynamoEndpoint = dynamo.endpoint;
      parts.push('DynamoDB emulator (dynalite)');
      await createIdempotencyTable(makeDynamoClient(dynamoEndpoint), idempotencyTable);
    }

    return {
      env: {
        DATABASE_URL: databaseUrl,
        SQS_ENDPOINT: sqsEndpoint,
        DYNAMODB_ENDPOINT: dynamoEndpoint,
        IDEMPOTENCY_TABLE: idempotencyTable,
        BROWSER_JOBS_QUEUE_URL: queues.browserJobs.url,
        EXECUTION_KALSHI_QUEUE_URL: queues.executionKalshi.url,
        EXECUTION_POLYMARKET_QUEUE_URL: queues.executionPolymarket.url,
      },
      databaseUrl,
      sqsEndpoint,
      queues,
      idempotencyTable,
      parts,
      stop: async () => {
        for (const stop of stops.reverse()) await stop();
      },
    };
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw error;
  }
}
