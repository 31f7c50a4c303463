import './quiet-env.ts';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queues } from '#config/resources';
import { executionRequestSchema } from '#contracts/execution-request';
import { localLambdaContext } from '../../../local/lambda-context.ts';
import { startPoller } from '../../../local/pipeline/poller.ts';
import { createTestDatabase, type TestDatabase } from '../../support/pg.ts';
import { arbitrageCandidate, modelEdgeCandidate } from '../../support/sample-candidates.ts';
import { fundPaperBankroll, type SampleGame, seedSampleGame } from '../../support/seed.ts';
import { buildEvaluator, count, type Emulators, eventually, sendBodies, sqsEvent, startEmulators } from './harness.ts';

let db: TestDatabase;
let emu: Emulators;
let game: SampleGame;
let version = 0;

/** Each test trades fresh book versions (new candidate ids) and starts from an empty book of positions. */
const nextVersion = () => {
  version += 1;
  return version;
};

beforeAll(async () => {
  [db, emu] = await Promise.all([createTestDatabase(), startEmulators()]);
  game = await seedSampleGame(db.pool);
  await fundPaperBankroll(db.pool, 1_000_000_000);
});

afterAll(async () => {
  await emu?.stop();
  await db?.drop();
});

beforeEach(async () => {
  // Open positions and recent acceptances from earlier tests would trip exposure and cooldown checks.
  await db.pool.query(
    `UPDATE positions SET status = 'settled', realized_pnl_micros = 0, settled_at = now() WHERE status = 'open'`,
  );
  await db.pool.query(`UPDATE trading_signals SET decided_at = decided_at - interval '1 day'`);
  await db.pool.query(`UPDATE orders SET created_at = created_at - interval '1 day'`);
  await db.pool.query(`UPDATE kill_switch SET engaged = false, updated_by = 'test'`);
});

const balance = async () =>
  (await db.pool.query<{ b: number }>(`SELECT balance_micros AS b FROM bankroll WHERE mode = 'paper'`)).rows[0]!.b;

describe('signal evaluator on SQS (paper mode)', () => {
  it('fills an accepted candidate on paper: order, fill, trade, position and bankroll debit in one go', async () => {
    const before = await balance();
    const candidate = modelEdgeCandidate({ nowMs: Date.now(), bookVersion: nextVersion() });
    const handler = buildEvaluator({ pool: db.pool, emulators: emu });
    const poller = startPoller({
      sqs: emu.sqs,
      queueUrl: emu.queues.candidates.url,
      queueArn: emu.queues.candidates.arn,
      handler,
    });
    try {
      await sendBodies(emu.sqs, emu.queues.candidates.url, [candidate]);
      await eventually(
        () => count(db.pool, `SELECT count(*) FROM trading_signals WHERE candidate_id = $1`, [candidate.id]),
        (n) => n === 1,
        15_000,
        'the decision',
      );
    } finally {
      await poller.stop();
    }
    const { rows } = await db.pool.query(
      `SELECT ts.decision, ts.size_hundredths, ts.stake_micros, o.status, o.count_hundredths, o.limit_price_micros,
              f.price_micros, f.fee_micros, pt.quantity_hundredths AS traded, p.quantity_hundredths AS held,
              p.cost_micros, p.fees_micros
         FROM trading_signals ts JOIN orders o ON o.signal_id = ts.id JOIN fills f ON f.order_id = o.id
         JOIN paper_trades pt ON pt.order_id = o.id JOIN positions p ON p.market_id = o.market_id AND p.status = 'open'
        WHERE ts.candidate_id = $1`,
      [candidate.id],
    );
    // The worked example of the unit tests, now through SQS, DynamoDB and Postgres: 82 contracts for $42.44.
    expect(rows).toEqual([
      {
        decision: 'accepted',
        size_hundredths: 8_200,
        stake_micros: 42_440_000,
        status: 'filled',
        count_hundredths: 8_200,
        limit_price_micros: 500_000,
        price_micros: 500_000,
        fee_micros: 1_440_000,
        traded: 8_200,
        held: 8_200,
        cost_micros: 41_000_000,
        fees_micros: 1_440_000,
      },
    ]);
    expect(await balance()).toBe(before - 42_440_000);
  });

  it('records each rejection with its reason', async () => {
    const handler = buildEvaluator({ pool: db.pool, emulators: emu });
    const now = Date.now();
    const stale = modelEdgeCandidate({ nowMs: now, bookVersion: nextVersion(), priceObservedAtMs: now - 60_000 });
    const thin = modelEdgeCandidate({ nowMs: now, bookVersion: nextVersion(), edgeBps: 100 });
    const first = modelEdgeCandidate({ nowMs: now, bookVersion: nextVersion() });
    const second = modelEdgeCandidate({ nowMs: now, bookVersion: nextVersion() });
    const res = await handler(sqsEvent([stale, thin, first, second]), lambdaContext());
    expect(res.batchItemFailures).toEqual([]);
    await db.pool.query(`UPDATE kill_switch SET engaged = true, updated_by = 'test'`);
    const killed = modelEdgeCandidate({ nowMs: now, bookVersion: nextVersion() });
    await handler(sqsEvent([killed]), lambdaContext());
    const { rows } = await db.pool.query<{ candidate_id: string; reason: string }>(
      `SELECT candidate_id, reason FROM trading_signals WHERE candidate_id = ANY($1)`,
      [[stale.id, thin.id, first.id, second.id, killed.id]],
    );
    expect(Object.fromEntries(rows.map((r) => [r.candidate_id, r.reason]))).toEqual({
      [stale.id]: 'price_stale',
      [thin.id]: 'edge_below_minimum',
      [first.id]: 'accepted',
      // Same market side right after an acceptance in the same batch.
      [second.id]: 'cooldown_active',
      [killed.id]: 'kill_switch_engaged',
    });
  });

  it('reads cooldown, exposure and daily loss from Postgres across batches', async () => {
    const handler = buildEvaluator({ pool: db.pool, emulators: emu });
    const decideOne = async () => {
      const candidate = modelEdgeCandidate({ nowMs: Date.now(), bookVersion: nextVersion() });
      expect((await handler(sqsEvent([candidate]), lambdaContext())).batchItemFailures).toEqual([]);
      const { rows } = await db.pool.query<{ reason: string }>(
        `SELECT reason FROM trading_signals WHERE candidate_id = $1`,
        [candidate.id],
      );
      return rows[0]?.reason;
    };
    expect(await decideOne()).toBe('accepted');
    expect(await decideOne()).toBe('cooldown_active');

    await db.pool.query(`UPDATE orders SET created_at = created_at - interval '1 day'`);
    await db.pool.query(`UPDATE positions SET cost_micros = 250000000 WHERE status = 'open' AND market_id = $1`, [
      game.kalshiMarketId,
    ]);
    expect(await decideOne()).toBe('market_exposure_limit');

    await db.pool.query(`UPDATE positions SET cost_micros = 240000000 WHERE status = 'open'`);
    await db.pool.query(
      `INSERT INTO positions (market_id, side, mode, quantity_hundredths, cost_micros, fees_micros, status,
                              realized_pnl_micros, settled_at)
       VALUES ($1, 'no', 'paper', 100, 200000000, 0, 'settled', -200000000, now())`,
      [game.polymarketMarketId],
    );
    expect(await decideOne()).toBe('daily_loss_limit');
    await db.pool.query(
      `UPDATE positions SET settled_at = now() - interval '2 days' WHERE realized_pnl_micros = -200000000`,
    );
    // Yesterday's loss no longer counts: accepted, sized down to the $10 left on the market.
    expect(await decideOne()).toBe('accepted');
    const { rows } = await db.pool.query<{ stake_micros: number }>(
      `SELECT stake_micros FROM trading_signals WHERE decision = 'accepted' ORDER BY decided_at DESC LIMIT 1`,
    );
    expect(rows[0]!.stake_micros).toBeGreaterThan(0);
    expect(rows[0]!.stake_micros).toBeLessThanOrEqual(10_000_000);
  });

  it('sizes and writes both legs of an arbitrage together', async () => {
    const handler = buildEvaluator({ pool: db.pool, emulators: emu });
    const arb = arbitrageCandidate({ nowMs: Date.now(), bookVersion: nextVersion() });
    const before = await balance();
    const res = await handler(sqsEvent([arb]), lambdaContext());
    expect(res.batchItemFailures).toEqual([]);
    const { rows } = await db.pool.query(
      `SELECT o.venue, o.count_hundredths, o.market_id FROM orders o JOIN trading_signals ts ON ts.id = o.signal_id
        WHERE ts.candidate_id = $1 ORDER BY o.venue`,
      [arb.id],
    );
    expect(rows).toEqual([
      { venue: 'kalshi', count_hundredths: 8_000, market_id: game.kalshiMarketId },
      { venue: 'polymarket', count_hundredths: 8_000, market_id: game.polymarketMarketId },
    ]);
    expect(await balance()).toBe(before - 78_390_000);
  });

  it('decides a candidate delivered three times once, trades once, and replays the first decision', async () => {
    const handler = buildEvaluator({ pool: db.pool, emulators: emu });
    const candidate = modelEdgeCandidate({ nowMs: Date.now(), bookVersion: nextVersion() });
    const before = await balance();
    for (let i = 0; i < 3; i++) {
      const res = await handler(sqsEvent([candidate]), lambdaContext());
      expect(res.batchItemFailures).toEqual([]);
    }
    expect(await count(db.pool, `SELECT count(*) FROM trading_signals WHERE candidate_id = $1`, [candidate.id])).toBe(
      1,
    );
    expect(
      await count(
        db.pool,
        `SELECT count(*) FROM paper_trades pt JOIN trading_signals ts ON ts.id = pt.signal_id WHERE ts.candidate_id = $1`,
        [candidate.id],
      ),
    ).toBe(1);
    const { rows } = await db.pool.query<{ id: string; stake_micros: number }>(
      `SELECT id, stake_micros FROM trading_signals WHERE candidate_id = $1`,
      [candidate.id],
    );
    expect(before - (await balance())).toBe(rows[0]!.stake_micros);
    // The idempotency store holds the first decision, which is what the later deliveries were answered with.
    const items = (await emu.dynamo.send(new ScanCommand({ TableName: emu.idempotencyTable }))).Items ?? [];
    const stored = items.map((i) => i.data?.M).filter((d) => d?.candidateId?.S === candidate.id);
    expect(stored).toHaveLength(1);
    expect(stored[0]?.signalId?.S).toBe(rows[0]!.id);
    expect(stored[0]?.status?.S).toBe('accepted');
  });

  it('keeps deciding a batch around a poison record, which reaches the DLQ after the redrive count', async () => {
    // A clock that stands still keeps the good candidates fresh through the redeliveries.
    const now = Date.now();
    const handler = buildEvaluator({ pool: db.pool, emulators: emu, now: () => now });
    const good = [1, 2, 3].map(() => modelEdgeCandidate({ nowMs: now, bookVersion: nextVersion() }));
    const poison = JSON.stringify({ type: 'signal_candidate', v: 1, id: 'not-a-uuid' });
    const direct = await handler(sqsEvent([good[0]!, poison]), lambdaContext());
    expect(direct.batchItemFailures).toHaveLength(1);

    const poller = startPoller({
      sqs: emu.sqs,
      queueUrl: emu.queues.candidates.url,
      queueArn: emu.queues.candidates.arn,
      handler,
      retryAfterSeconds: 0,
    });
    try {
      await sendBodies(emu.sqs, emu.queues.candidates.url, [good[1]!, poison, good[2]!]);
      await eventually(
        () =>
          count(db.pool, `SELECT count(*) FROM trading_signals WHERE candidate_id = ANY($1)`, [good.map((g) => g.id)]),
        (n) => n === 3,
        15_000,
        'the good candidates',
      );
      const dead = await eventually(
        async () =>
          (
            await emu.sqs.send(
              new ReceiveMessageCommand({
                QueueUrl: emu.queues.candidates.dlqUrl,
                WaitTimeSeconds: 1,
                MessageSystemAttributeNames: ['All'],
              }),
            )
          ).Messages ?? [],
        (m) => m.length > 0,
        20_000,
        'the poison record in the DLQ',
      );
      expect(dead[0]?.Body).toBe(poison);
      expect(Number(dead[0]?.Attributes?.ApproximateReceiveCount)).toBeGreaterThanOrEqual(
        queues.candidates.maxReceiveCount,
      );
    } finally {
      await poller.stop();
    }
  });
});

describe('signal evaluator in live mode', () => {
  it('writes the order as pending and sends an ExecutionRequest to the venue queue', async () => {
    const handler = buildEvaluator({ pool: db.pool, emulators: emu, mode: 'live' });
    await db.pool.query(
      `UPDATE bankroll SET balance_micros = 1000000000, version = version + 1, last_reason = 'deposit', last_ref = 'live-seed' WHERE mode = 'live'`,
    );
    const candidate = modelEdgeCandidate({ nowMs: Date.now(), bookVersion: nextVersion() });
    const res = await handler(sqsEvent([candidate]), lambdaContext());
    expect(res.batchItemFailures).toEqual([]);
    const { rows } = await db.pool.query(
      `SELECT o.id, o.client_order_id, o.status, o.mode, o.count_hundredths, ts.id AS signal_id
         FROM orders o JOIN trading_signals ts ON ts.id = o.signal_id WHERE ts.candidate_id = $1`,
      [candidate.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'pending', mode: 'live', count_hundredths: 8_200 });
    const got = await emu.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: emu.queues.executionKalshi.url,
        WaitTimeSeconds: 1,
        MaxNumberOfMessages: 10,
      }),
    );
    const requests = (got.Messages ?? []).map((m) => executionRequestSchema.parse(JSON.parse(m.Body!)));
    expect(requests).toEqual([
      {
        type: 'execution_request',
        v: 1,
        signalId: rows[0].signal_id,
        orderId: rows[0].id,
        clientOrderId: rows[0].client_order_id,
        venue: 'kalshi',
        venueMarketId: candidate.leg.venueMarketId,
        side: 'yes',
        count: 82,
        limitPriceMicros: 500_000,
      },
    ]);
    expect(
      await count(
        db.pool,
        `SELECT count(*) FROM paper_trades pt JOIN orders o ON o.id = pt.order_id WHERE o.mode = 'live'`,
      ),
    ).toBe(0);
  });
});

const lambdaContext = () => localLambdaContext('signal-evaluator');
