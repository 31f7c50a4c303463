import { join } from 'node:path';
import pg from 'pg';
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

/** How many migrations the database has (0 before the first run), for the one line the start-up prints. */
async function appliedMigrations(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const exists = await client.query<{ t: string | null }>(`SELECT to_regclass('schema_migrations')::text AS t`);
    if (!exists.rows[0]?.t) return 0;
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
    return rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}

export async function startLocalStack(
  progress: (line: string) => void,
  given: LocalStackConfig = loadConfig(localStackConfig),
  opts: { dataDir?: string } = {},
): Promise<LocalStack> {
  const dataDir = opts.dataDir ?? '.data';
  const stops: Array<() => Promise<void>> = [];
  const parts: string[] = [];
  try {
    let databaseUrl = given.DATABASE_URL;
    if (databaseUrl) {
      parts.push('Postgres at DATABASE_URL');
    } else {
      progress(`starting embedded Postgres (data under ${dataDir}/pg; the first start initialises it)`);
      const pg = await startEmbeddedPostgres({ dataDir: join(dataDir, 'pg') });
      stops.push(pg.stop);
      databaseUrl = pg.url;
      parts.push('embedded Postgres');
    }
    const before = await appliedMigrations(databaseUrl);
    await migrate(databaseUrl, { quiet: true });
    const after = await appliedMigrations(databaseUrl);
    progress(`migrations: ${after - before} applied, ${after} in all`);

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
        CANDIDATES_QUEUE_URL: queues.candidates.url,
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
