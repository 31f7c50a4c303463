import '../evaluator/quiet-env.ts';
import { generateKeyPairSync } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeDynamoClient } from '#adapters/aws/clients';
import { createEligibilityGate, kalshiExchangeStatusCheck } from '#adapters/egress/eligibility';
import { createPgSignalStore } from '#adapters/pg/evaluator-store';
import { createPgExecutionStore } from '#adapters/pg/execution-store';
import { createKalshiSigner } from '#adapters/venues/kalshi/auth';
import { createKalshiOrderClient, kalshiFillOf, parseKalshiFillMessage } from '#adapters/venues/kalshi/orders';
import { kalshiExecutorConfig, loadConfig } from '#config/env';
import type { ExecutionRequest } from '#contracts/execution-request';
import { kalshiOrderFeeMicros } from '#domain/fees';
import { createKalshiExecutor } from '../../../functions/executor-kalshi/executor.ts';
import { createIdempotencyTable, startDynamoEmulator } from '../../../local/emulators/dynamodb.ts';
import { FakeKalshi } from '../../../local/fake-venues/kalshi.ts';
import { evaluateCandidates } from '../../../shared/evaluator/evaluate-batch.ts';
import { applyStreamedFills, type ExecutorDeps, executeRequest } from '../../../shared/execution/execute.ts';
import { createTestDatabase, type TestDatabase } from '../../support/pg.ts';
import { defaultLimits } from '../../support/risk.ts';
import { modelEdgeCandidate } from '../../support/sample-candidates.ts';
import { seedSampleGame } from '../../support/seed.ts';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const KEY_ID = '5b0e7c1a-0000-4000-8000-000000000001';

let db: TestDatabase;
let kalshi: FakeKalshi;
let dynamo: { endpoint: string; stop(): Promise<void> };
let dynamoClient: DynamoDBClient;
const TABLE = 'sharpline-test-executor-idempotency';
let bookVersion = 0;

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
});

afterAll(async () => {
  dynamoClient?.destroy();
  await dynamo?.stop();
  await kalshi?.stop();
  await db?.drop();
});

beforeEach(() => {
  kalshi.behaviour = { kind: 'fill' };
  kalshi.exchangeActive = true;
});

/** A live decision by the real evaluator: its pending order and the ExecutionRequest it enqueued. */
async function decideLive(): Promise<ExecutionRequest> {
  const sent: ExecutionRequest[] = [];
  bookVersion += 1;
  const now = Date.now();
  const [outcome] = await evaluateCandidates(
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
  expect(outcome).toMatchObject({ status: 'accepted' });
  expect(sent).toHaveLength(1);
  return sent[0]!;
}

function deps(overrides: Partial<ExecutorDeps> = {}): ExecutorDeps {
  const gate = createEligibilityGate({
    venues: { kalshi: kalshiExchangeStatusCheck({ fetch: globalThis.fetch, baseUrl: kalshi.baseUrl }) },
  });
  return {
    store: createPgExecutionStore(db.rolePool('executor')),
    client: createKalshiOrderClient({
      baseUrl: kalshi.baseUrl,
      egress: { fetch: globalThis.fetch },
      signer: createKalshiSigner({ keyId: KEY_ID, privateKey: pem, now: Date.now }),
      timeoutMs: 300,
    }),
    gates: { tradingMode: 'live', gate, credentialsPresent: true },
    limits: defaultLimits,
    now: Date.now,
    pause: () => new Promise((resolve) => setImmediate(resolve)),
    observe: () => undefined,
    ...overrides,
  };
}

async function checkedDeps(overrides: Partial<ExecutorDeps> = {}): Promise<ExecutorDeps> {
  const d = deps(overrides);
  await (d.gates.gate as ReturnType<typeof createEligibilityGate>).check('kalshi');
  return d;
}

async function liveBankroll(): Promise<number> {
  const { rows } = await db.pool.query<{ balance_micros: number }>(
    `SELECT balance_micros FROM bankroll WHERE account = 'default' AND mode = 'live'`,
  );
  return rows[0]!.balance_micros;
}

async function orderRow(orderId: string) {
  const { rows } = await db.pool.query<{ status: string; filled_hundredths: number; reject_reason: string | null }>(
    'SELECT status, filled_hundredths, reject_reason FROM orders WHERE id = $1',
    [orderId],
  );
  return rows[0]!;
}

function sqsEvent(request: ExecutionRequest, copies: number): SQSEvent {
  return {
    Records: Array.from({ length: copies }, (_, i) => ({
      messageId: `m-${request.orderId}-${i}-${Math.random()}`,
      receiptHandle: 'r',
      body: JSON.stringify(request),
      attributes: {} as SQSEvent['Records'][number]['attributes'],
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:sharpline-test-execution-kalshi',
      awsRegion: 'us-east-1',
    })),
  };
}

const lambdaContext = {
  functionName: 'executor-kalshi',
  awsRequestId: 'req',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

describe('Kalshi executor against a local Kalshi REST server', () => {
  it('places a duplicate request once: the same message twice in a batch and again in a later batch', async () => {
    const request = await decideLive();
    const config = loadConfig(kalshiExecutorConfig, {
      env: {
        TRADING_MODE: 'live',
        KALSHI_REST_URL: kalshi.baseUrl,
        KALSHI_API_KEY_ID: KEY_ID,
        KALSHI_PRIVATE_KEY_SECRET_ARN: 'local-test',
        IDEMPOTENCY_TABLE: TABLE,
      },
    });
    const handler = createKalshiExecutor(config, {
      pool: db.rolePool('executor'),
      dynamo: dynamoClient,
      egress: { fetch: globalThis.fetch },
      privateKeyPem: async () => pem,
    });
    const before = await liveBankroll();
    const first = await handler(sqsEvent(request, 2), lambdaContext);
    const again = await handler(sqsEvent(request, 1), lambdaContext);
    const posts = kalshi.posts.filter((p) => p.client_order_id === request.clientOrderId);
    expect(posts).toHaveLength(1);
    // One of the two concurrent copies may find the other in progress: it fails and the queue brings it back.
    expect(first.batchItemFailures.length).toBeLessThanOrEqual(1);
    expect(again.batchItemFailures).toEqual([]);
    expect(await orderRow(request.orderId)).toMatchObject({ status: 'filled', filled_hundredths: request.count * 100 });
    // The fake charges Kalshi's taker fee on the fill, as Kalshi's fee table does.
    const fee = kalshiOrderFeeMicros([{ priceMicros: request.limitPriceMicros, quantity: request.count * 100 }]);
    expect(before - (await liveBankroll())).toBe(request.count * request.limitPriceMicros + fee);
    // The body has the fixture's shape: an IOC limit buy with our client order id.
    expect(Object.keys(posts[0]!).sort()).toEqual(
      ['action', 'client_order_id', 'count', 'side', 'ticker', 'time_in_force', 'yes_price_dollars'].sort(),
    );
  });

  it('signs every request: the fake verifies the RSA-PSS headers with the public key and refuses a wrong key', async () => {
    const request = await decideLive();
    const verifiedBefore = kalshi.verifiedSignatures.length;
    await executeRequest(await checkedDeps(), request);
    expect(kalshi.verifiedSignatures.slice(verifiedBefore)).toEqual([
      'POST /trade-api/v2/portfolio/orders',
      'GET /trade-api/v2/portfolio/fills',
    ]);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const wrong = await decideLive();
    const result = await executeRequest(
      await checkedDeps({
        client: createKalshiOrderClient({
          baseUrl: kalshi.baseUrl,
          egress: { fetch: globalThis.fetch },
          signer: createKalshiSigner({ keyId: KEY_ID, privateKey: other, now: Date.now }),
        }),
      }),
      wrong,
    );
    expect(result).toEqual({ status: 'rejected', reason: 'venue_authentication_error' });
    expect(await orderRow(wrong.orderId)).toMatchObject({ status: 'rejected' });
  });

  it('reconciles after a timeout instead of placing twice', async () => {
    const request = await decideLive();
    kalshi.behaviour = { kind: 'slow', delayMs: 2_000 };
    const d = await checkedDeps();
    await expect(executeRequest(d, request)).rejects.toThrow(/outcome unknown/);
    const { rows: attempts } = await db.pool.query(
      'SELECT attempt, outcome FROM execution_attempts WHERE order_id = $1',
      [request.orderId],
    );
    expect(attempts).toEqual([{ attempt: 1, outcome: 'unknown' }]);
    expect(await orderRow(request.orderId)).toMatchObject({ status: 'pending' });
    const before = await liveBankroll();
    const result = await executeRequest(d, request);
    expect(result).toEqual({ status: 'done', orderStatus: 'filled' });
    expect(kalshi.posts.filter((p) => p.client_order_id === request.clientOrderId)).toHaveLength(1);
    const fee = kalshiOrderFeeMicros([{ priceMicros: request.limitPriceMicros, quantity: request.count * 100 }]);
    expect(before - (await liveBankroll())).toBe(request.count * request.limitPriceMicros + fee);
  });

  it('a partial fill then a fill move the bankroll by exactly their cost plus the venue fees, each fill once', async () => {
    const request = await decideLive();
    const first = Math.floor(request.count / 2);
    // The second fee is not ours: the venue's figure moves the bankroll and the difference is recorded.
    kalshi.behaviour = { kind: 'partial', first, feeDollars: ['0.0200', '0.0900'] };
    const observed: string[] = [];
    const before = await liveBankroll();
    const result = await executeRequest(await checkedDeps({ observe: (e) => observed.push(e.type) }), request);
    expect(result).toEqual({ status: 'done', orderStatus: 'filled' });
    const cost = request.count * request.limitPriceMicros;
    expect(before - (await liveBankroll())).toBe(cost + 20_000 + 90_000);
    const { rows: fills } = await db.pool.query<{ fee_micros: number; expected_fee_micros: number }>(
      'SELECT fee_micros, expected_fee_micros FROM fills WHERE order_id = $1 ORDER BY filled_at, id',
      [request.orderId],
    );
    expect(fills).toHaveLength(2);
    const ours = kalshiOrderFeeMicros([{ priceMicros: request.limitPriceMicros, quantity: request.count * 100 }]);
    expect(fills.reduce((s, f) => s + f.expected_fee_micros, 0)).toBe(ours);
    const { rows: position } = await db.pool.query<{ quantity_hundredths: number; fees_micros: number }>(
      `SELECT quantity_hundredths, fees_micros FROM positions p JOIN markets m ON m.id = p.market_id
        WHERE p.mode = 'live' AND m.venue = 'kalshi' AND p.status = 'open'`,
    );
    expect(position[0]!.quantity_hundredths).toBeGreaterThanOrEqual(request.count * 100);
    expect(observed).toContain('fills');
    // Seen again (a redelivery, a WebSocket fill): nothing moves.
    const after = await liveBankroll();
    expect(await executeRequest(await checkedDeps(), request)).toEqual({ status: 'done', orderStatus: 'filled' });
    expect(await liveBankroll()).toBe(after);
  });

  it('counts a fill seen on the WebSocket after the REST answer once', async () => {
    const request = await decideLive();
    kalshi.behaviour = { kind: 'partial', first: 1, feeDollars: ['0.0100', '0.0100'] };
    const d = await checkedDeps({ openOrderWaitMs: 0 });
    // The order rests with one contract filled; the wait is over at once, so the message goes back to the queue.
    await expect(executeRequest(d, request)).rejects.toThrow(/still open/);
    const held = kalshi.orders.get(request.clientOrderId)!;
    const wsFrame = JSON.stringify({ type: 'fill', sid: 6, msg: held.fills[0] });
    const parsed = parseKalshiFillMessage(wsFrame)!;
    expect(parsed.clientOrderId).toBe(request.clientOrderId);
    const before = await liveBankroll();
    const again = await applyStreamedFills(d, request.orderId, [kalshiFillOf(parsed.fill, 'yes')]);
    expect(again?.applied).toBe(0);
    expect(await liveBankroll()).toBe(before);
    // The redelivery reconciles: the rest fills, once.
    expect(await executeRequest(d, request)).toEqual({ status: 'done', orderStatus: 'filled' });
    expect(kalshi.posts.filter((p) => p.client_order_id === request.clientOrderId)).toHaveLength(1);
    expect(before - (await liveBankroll())).toBe((request.count - 1) * request.limitPriceMicros + 10_000);
  });

  it('rejects at send time with a reason: exchange inactive, over a risk limit, kill switch, no credentials, paper mode', async () => {
    const inactive = await decideLive();
    kalshi.exchangeActive = false;
    expect(await executeRequest(await checkedDeps(), inactive)).toEqual({
      status: 'rejected',
      reason: 'venue_ineligible',
    });
    kalshi.exchangeActive = true;

    const tooBig = await decideLive();
    expect(
      await executeRequest(await checkedDeps({ limits: { ...defaultLimits, maxExposurePerMarketMicros: 1 } }), tooBig),
    ).toEqual({ status: 'rejected', reason: 'risk_market_exposure_limit' });

    const killed = await decideLive();
    await db.pool.query(`UPDATE kill_switch SET engaged = true, updated_by = 'test'`);
    try {
      expect(await executeRequest(await checkedDeps(), killed)).toEqual({ status: 'rejected', reason: 'kill_switch' });
    } finally {
      await db.pool.query(`UPDATE kill_switch SET engaged = false, updated_by = 'test'`);
    }
    const noKey = await decideLive();
    const withoutKey = await checkedDeps();
    expect(
      await executeRequest({ ...withoutKey, gates: { ...withoutKey.gates, credentialsPresent: false } }, noKey),
    ).toEqual({ status: 'rejected', reason: 'credentials_missing' });
    const paper = await decideLive();
    expect(
      await executeRequest({ ...withoutKey, gates: { ...withoutKey.gates, tradingMode: 'paper' } }, paper),
    ).toEqual({ status: 'rejected', reason: 'trading_mode_paper' });
    for (const r of [inactive, tooBig, killed, noKey, paper]) {
      expect(kalshi.posts.some((p) => p.client_order_id === r.clientOrderId)).toBe(false);
      expect(await orderRow(r.orderId)).toMatchObject({ status: 'rejected' });
    }
  });
});
