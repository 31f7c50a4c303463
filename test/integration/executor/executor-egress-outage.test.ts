import '../evaluator/quiet-env.ts';
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:net';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDynamoClient, makeSqsClient } from '#adapters/aws/clients';
import { createEgressDispatcher } from '#adapters/egress/dispatcher';
import { createEligibilityGate, kalshiExchangeStatusCheck } from '#adapters/egress/eligibility';
import type { EgressDispatcher } from '#adapters/egress/types';
import { createPgSignalStore } from '#adapters/pg/evaluator-store';
import { kalshiExecutorConfig, loadConfig } from '#config/env';
import type { ExecutionRequest } from '#contracts/execution-request';
import { createKalshiExecutor } from '../../../functions/executor-kalshi/executor.ts';
import { createIdempotencyTable, startDynamoEmulator } from '../../../local/emulators/dynamodb.ts';
import { createQueues, type LocalQueue, startSqsEmulator } from '../../../local/emulators/sqs.ts';
import { FakeKalshi } from '../../../local/fake-venues/kalshi.ts';
import { evaluateCandidates } from '../../../shared/evaluator/evaluate-batch.ts';
import { MAX_NOT_SENT_RETRIES, NOT_SENT_RETRIES_ATTRIBUTE } from '../../../shared/execution/sqs-handler.ts';
import { createTestDatabase, type TestDatabase } from '../../support/pg.ts';
import { defaultLimits } from '../../support/risk.ts';
import { modelEdgeCandidate } from '../../support/sample-candidates.ts';
import { seedSampleGame } from '../../support/seed.ts';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const KEY_ID = '5b0e7c1a-0000-4000-8000-000000000002';
const TABLE = 'sharpline-test-executor-outage-idempotency';

let db: TestDatabase;
let kalshi: FakeKalshi;
let dynamo: { endpoint: string; stop(): Promise<void> };
let dynamoClient: DynamoDBClient;
let sqsEmulator: { endpoint: string; stop(): Promise<void> };
let sqs: SQSClient;
let queue: LocalQueue;
let polymarketQueue: LocalQueue;
let deadEgress: EgressDispatcher;

/** A loopback port nothing listens on: an egress proxy that is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function until(what: string, check: () => boolean | Promise<boolean>, deadlineMs = 10_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  await seedSampleGame(db.pool);
  await db.pool.query(
    `UPDATE bankroll SET balance_micros = 1000000000, version = version + 1, last_reason = 'deposit', last_ref = 'seed'
      WHERE mode = 'live'`,
  );
  await db.pool.query(`UPDATE kill_switch SET engaged = false, updated_by = 'test'`);
  kalshi = new FakeKalshi(publicKey);
  await kalshi.start();
  dynamo = await startDynamoEmulator();
  dynamoClient = makeDynamoClient(dynamo.endpoint);
  await createIdempotencyTable(dynamoClient, TABLE);
  sqsEmulator = await startSqsEmulator();
  sqs = makeSqsClient(sqsEmulator.endpoint);
  const queues = await createQueues(sqs, 'outage');
  queue = queues.executionKalshi;
  polymarketQueue = queues.executionPolymarket;
  deadEgress = createEgressDispatcher({
    proxies: [`http://127.0.0.1:${await closedPort()}`],
    probeUrl: `${kalshi.baseUrl}/exchange/status`,
    probeIntervalMs: 200,
    failoverWithinMs: 1_000,
  });
  await until('the egress proxy to be seen down', () => deadEgress.active() === undefined);
});

afterAll(async () => {
  await deadEgress?.close();
  sqs?.destroy();
  await sqsEmulator?.stop();
  dynamoClient?.destroy();
  await dynamo?.stop();
  await kalshi?.stop();
  await db?.drop();
});

async function decideLive(bookVersion = 1): Promise<ExecutionRequest> {
  const sent: ExecutionRequest[] = [];
  const now = Date.now();
  await evaluateCandidates(
    {
      store: createPgSignalStore(db.pool, 'live'),
      limits: { ...defaultLimits, cooldownMs: 0 },
      mode: 'live',
      now: () => now,
      sendExecutionRequests: async (requests) => {
        sent.push(...requests);
      },
    },
    [modelEdgeCandidate({ nowMs: now, bookVersion, leg: { depth: [{ priceMicros: 500_000, quantity: 1_000 }] } })],
  );
  expect(sent).toHaveLength(1);
  return sent[0]!;
}

/** The Kalshi executor as deployed, over `egress`, with its eligibility checked beforehand (it passed). */
async function executor(egress: { fetch: typeof globalThis.fetch }) {
  const gate = createEligibilityGate({
    venues: { kalshi: kalshiExchangeStatusCheck({ fetch: globalThis.fetch, baseUrl: kalshi.baseUrl }) },
  });
  await gate.check('kalshi');
  const config = loadConfig(kalshiExecutorConfig, {
    env: {
      TRADING_MODE: 'live',
      KALSHI_REST_URL: kalshi.baseUrl,
      KALSHI_API_KEY_ID: KEY_ID,
      KALSHI_PRIVATE_KEY_SECRET_ARN: 'local-test',
      IDEMPOTENCY_TABLE: TABLE,
      EXECUTION_KALSHI_QUEUE_URL: queue.url,
      EXECUTION_POLYMARKET_QUEUE_URL: polymarketQueue.url,
    },
  });
  return createKalshiExecutor(config, {
    pool: db.rolePool('executor'),
    dynamo: dynamoClient,
    sqs,
    egress,
    gate,
    privateKeyPem: async () => pem,
    // No wait in the test: the message is receivable at once, so its attribute can be read back.
    notSentDelaySeconds: () => 0,
  });
}

function eventOf(body: string, retries: number | string | undefined): SQSEvent {
  return {
    Records: [
      {
        messageId: `m-${Math.random()}`,
        receiptHandle: 'r',
        body,
        attributes: {} as SQSEvent['Records'][number]['attributes'],
        messageAttributes:
          retries === undefined
            ? {}
            : { [NOT_SENT_RETRIES_ATTRIBUTE]: { dataType: 'Number', stringValue: String(retries) } },
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: queue.arn,
        awsRegion: 'us-east-1',
      },
    ],
  };
}

const lambdaContext = {
  functionName: 'executor-kalshi',
  awsRequestId: 'req',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

async function receiveOne(): Promise<Message | undefined> {
  const out = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: 1, MessageAttributeNames: ['All'] }),
  );
  return out.Messages?.[0];
}

async function dlqDepth(): Promise<number> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queue.dlqUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0);
}

describe('an egress outage', () => {
  it('puts a never-sent order back on its queue with a count instead of spending the redrive limit, and sends it once the egress is back', async () => {
    const request = await decideLive();
    const down = await executor(deadEgress);
    // The delivery succeeds as far as the queue is concerned: nothing left to redrive, one new message instead.
    expect(await down(eventOf(JSON.stringify(request), undefined), lambdaContext)).toEqual({ batchItemFailures: [] });
    const { rows: attempts } = await db.pool.query(
      'SELECT attempt, outcome FROM execution_attempts WHERE order_id = $1 ORDER BY attempt',
      [request.orderId],
    );
    expect(attempts).toEqual([{ attempt: 1, outcome: 'not_sent' }]);
    expect(kalshi.posts.some((p) => p.client_order_id === request.clientOrderId)).toBe(false);

    let requeued: Message | undefined;
    await until('the requeued message', async () => {
      requeued = await receiveOne();
      return requeued !== undefined;
    });
    expect(JSON.parse(requeued!.Body!)).toEqual(request);
    expect(requeued!.MessageAttributes?.[NOT_SENT_RETRIES_ATTRIBUTE]?.StringValue).toBe('1');
    expect(await dlqDepth()).toBe(0);

    // Out of never-sent retries, the message fails as any other, for the queue to redrive and in the end dead-letter.
    // (One record, failed: Powertools reports a batch that failed as a whole by throwing.)
    await expect(down(eventOf(JSON.stringify(request), MAX_NOT_SENT_RETRIES), lambdaContext)).rejects.toThrow(
      /All records failed/,
    );

    // The egress is back: the order is sent, without a lookup first (it provably never reached Kalshi), once.
    const up = await executor({ fetch: globalThis.fetch });
    const lookupsBefore = kalshi.requests.get('GET /trade-api/v2/portfolio/orders') ?? 0;
    expect(await up(eventOf(requeued!.Body!, 1), lambdaContext)).toEqual({ batchItemFailures: [] });
    expect(kalshi.posts.filter((p) => p.client_order_id === request.clientOrderId)).toHaveLength(1);
    expect(kalshi.requests.get('GET /trade-api/v2/portfolio/orders') ?? 0).toBe(lookupsBefore);
    const { rows } = await db.pool.query('SELECT status FROM orders WHERE id = $1', [request.orderId]);
    expect(rows[0]).toEqual({ status: 'filled' });
  });
  it('fails a never-sent order whose retry count is not a count as any other, instead of putting it back', async () => {
    const request = await decideLive(2);
    const down = await executor(deadEgress);
    for (const count of ['many', '-1000', '2.5']) {
      // A count that cannot be read is not taken for a fresh one: the message fails, so the queue's redrive limit
      // (and its DLQ, alarmed) bounds it, rather than being put back with a wait or count computed from garbage.
      await expect(down(eventOf(JSON.stringify(request), count), lambdaContext)).rejects.toThrow(/All records failed/);
    }
    expect(await receiveOne()).toBeUndefined();
    expect(kalshi.posts.some((p) => p.client_order_id === request.clientOrderId)).toBe(false);
  });
});
