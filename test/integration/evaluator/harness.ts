import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import type pg from 'pg';
import { makeDynamoClient, makeSqsClient } from '#adapters/aws/clients';
import { makeIdempotencyStore } from '#adapters/aws/idempotency';
import { sendMessages } from '#adapters/aws/sqs';
import { createPgSignalStore } from '#adapters/pg/evaluator-store';
import type { QueueKey } from '#config/resources';
import type { CandidateMessage } from '#contracts/signal-candidate';
import type { TradingMode } from '#domain/names';
import type { RiskLimits } from '#domain/risk/index';
import { createEvaluatorHandler } from '../../../functions/signal-evaluator/evaluator.ts';
import { createIdempotencyTable, startDynamoEmulator } from '../../../local/emulators/dynamodb.ts';
import { createQueues, type LocalQueue, startSqsEmulator } from '../../../local/emulators/sqs.ts';
import { executionSender } from '../../../shared/adapters/aws/execution-queues.ts';
import type {} from '../../../shared/ports/signal-store.ts';
import { defaultLimits } from '../../support/risk.ts';

export interface Emulators {
  sqs: SQSClient;
  dynamo: DynamoDBClient;
  sqsEndpoint: string;
  dynamoEndpoint: string;
  queues: Record<QueueKey, LocalQueue>;
  idempotencyTable: string;
  stop(): Promise<void>;
}

/** SQS and DynamoDB emulators with every queue and the idempotency table, as local mode has them. */
export async function startEmulators(): Promise<Emulators> {
  const sqsEmulator = await startSqsEmulator();
  const dynamoEmulator = await startDynamoEmulator();
  const sqs = makeSqsClient(sqsEmulator.endpoint);
  const dynamo = makeDynamoClient(dynamoEmulator.endpoint);
  const idempotencyTable = 'sharpline-test-idempotency';
  await createIdempotencyTable(dynamo, idempotencyTable);
  return {
    sqs,
    dynamo,
    sqsEndpoint: sqsEmulator.endpoint,
    dynamoEndpoint: dynamoEmulator.endpoint,
    queues: await createQueues(sqs, 'test'),
    idempotencyTable,
    async stop() {
      sqs.destroy();
      dynamo.destroy();
      await sqsEmulator.stop();
      await dynamoEmulator.stop();
    },
  };
}

export interface EvaluatorOptions {
  pool: pg.Pool;
  emulators: Emulators;
  mode?: TradingMode;
  limits?: Partial<RiskLimits>;
  now?: () => number;
}

/** The evaluator exactly as the Lambda builds it, but on the test's pool, emulators and clock. */
export function buildEvaluator(opts: EvaluatorOptions) {
  const mode = opts.mode ?? 'paper';
  return createEvaluatorHandler({
    store: createPgSignalStore(opts.pool, mode),
    limits: { ...defaultLimits, ...opts.limits },
    mode,
    now: opts.now ?? Date.now,
    sendExecutionRequests: executionSender(opts.emulators.sqs, {
      kalshi: opts.emulators.queues.executionKalshi.url,
      polymarket: opts.emulators.queues.executionPolymarket.url,
    }),
    persistenceStore: makeIdempotencyStore(opts.emulators.idempotencyTable, opts.emulators.dynamo),
  });
}

export async function sendBodies(sqs: SQSClient, queueUrl: string, bodies: readonly unknown[]): Promise<void> {
  await sendMessages(
    sqs,
    queueUrl,
    bodies.map((b) => (typeof b === 'string' ? b : JSON.stringify(b))),
  );
}

let messageSeq = 0;

/** A real-shaped SQS event for direct invocations (the poller builds the same from received messages). */
export function sqsEvent(bodies: readonly (CandidateMessage | string)[]): SQSEvent {
  return {
    Records: bodies.map((b) => {
      messageSeq += 1;
      return {
        messageId: `msg-${messageSeq}`,
        receiptHandle: `rh-${messageSeq}`,
        body: typeof b === 'string' ? b : JSON.stringify(b),
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: String(Date.now()),
          SenderId: 'test',
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:sharpline-test-signal-candidates',
        awsRegion: 'us-east-1',
      };
    }),
  };
}

/** Polls `probe` until it returns a value `done` accepts, or fails with the last value after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    last = await probe();
  }
  return last;
}

export async function count(db: pg.Pool, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT (${sql})::int AS n`, params);
  return rows[0]!.n;
}
