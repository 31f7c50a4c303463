import './quiet-env.ts';
import { GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeIdempotencyStore } from '#adapters/aws/idempotency';
import { createPgSignalStore } from '#adapters/pg/evaluator-store';
import { createEvaluatorHandler } from '../../../functions/signal-evaluator/evaluator.ts';
import { createIdempotencyTable } from '../../../local/emulators/dynamodb.ts';
import { localLambdaContext } from '../../../local/lambda-context.ts';
import { startPoller } from '../../../local/pipeline/poller.ts';
import { metrics } from '../../../shared/observability.ts';
import { createTestDatabase, type TestDatabase } from '../../support/pg.ts';
import { defaultLimits } from '../../support/risk.ts';
import { arbitrageCandidate, surebetSample } from '../../support/sample-candidates.ts';
import { fundPaperBankroll, type SampleGame, seedSampleGame } from '../../support/seed.ts';
import { buildEvaluator, count, type Emulators, eventually, sendBodies, sqsEvent, startEmulators } from './harness.ts';

let db: TestDatabase;
let emu: Emulators;
let game: SampleGame;
let events = 0;

/** Each test's surebets are on an event of their own: the same legs on the same event are the same surebet. */
const nextEvent = () => {
  events += 1;
  return `nba|2026-11-15T02:00:00.000Z|BOS@DEN#${events}`;
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
  await db.pool.query(`UPDATE kill_switch SET engaged = false, updated_by = 'test'`);
});

const lambdaContext = () => localLambdaContext('signal-evaluator');
/** The evaluator as deployed, on the evaluator's own database role: its grants are part of what is tested. */
const evaluator = (now?: () => number) => buildEvaluator({ pool: db.rolePool('evaluator'), emulators: emu, now });

const signalOf = async (candidateId: string) =>
  (
    await db.pool.query(
      `SELECT id, decision, reason, mode, edge_bps, size_hundredths, stake_micros, details FROM trading_signals
        WHERE candidate_id = $1`,
      [candidateId],
    )
  ).rows;
const balance = async () =>
  (await db.pool.query<{ b: string }>(`SELECT balance_micros AS b FROM bankroll WHERE mode = 'paper'`)).rows[0]!.b;

/** What the evaluator counted since `metrics.clearMetrics()`, by metric name (Powertools' own buffer). */
function countedMetrics(): Record<string, number> {
  const emf = metrics.serializeMetrics() as unknown as Record<string, unknown>;
  const names = (emf._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] }).CloudWatchMetrics[0]!.Metrics;
  return Object.fromEntries(
    names.map(({ Name }) => {
      const value = emf[Name] as number | number[];
      return [Name, Array.isArray(value) ? value.reduce((a, b) => a + b, 0) : value];
    }),
  );
}

describe('signal evaluator: surebets', () => {
  it('decides a surebet delivered twice on SQS once, as reported, and nothing reaches the DLQ', async () => {
    const surebet = surebetSample({ nowMs: Date.now(), eventKey: nextEvent() });
    const before = await balance();
    const handler = evaluator();
    const responses: SQSBatchResponse[] = [];
    const poller = startPoller({
      sqs: emu.sqs,
      queueUrl: emu.queues.candidates.url,
      queueArn: emu.queues.candidates.arn,
      handler: async (event: SQSEvent, context) => {
        const res = await handler(event, context);
        responses.push(res);
        return res;
      },
      retryAfterSeconds: 0,
    });
    try {
      for (let delivery = 1; delivery <= 2; delivery++) {
        await sendBodies(emu.sqs, emu.queues.candidates.url, [surebet]);
        await eventually(
          async () => responses.length,
          (n) => n === delivery,
          15_000,
          `delivery ${delivery}`,
        );
      }
      await eventually(
        async () => {
          const { Attributes } = await emu.sqs.send(
            new GetQueueAttributesCommand({
              QueueUrl: emu.queues.candidates.url,
              AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
            }),
          );
          return (
            Number(Attributes?.ApproximateNumberOfMessages) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible)
          );
        },
        (n) => n === 0,
        15_000,
        'both deliveries deleted from the queue',
      );
    } finally {
      await poller.stop();
    }
    expect(responses).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    const dead = await emu.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: emu.queues.candidates.dlqUrl, WaitTimeSeconds: 1 }),
    );
    expect(dead.Messages ?? []).toEqual([]);

    const rows = await signalOf(surebet.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      decision: 'reported',
      reason: 'surebet_place_bet_required',
      mode: 'paper',
      edge_bps: 360,
      size_hundredths: null,
      stake_micros: 100_000_000,
    });
    expect(rows[0].details).toEqual({
      kind: 'surebet',
      eventKey: surebet.eventKey,
      market: 'moneyline',
      gameId: null,
      marginBps: 360,
      totalStakeMicros: 100_000_000,
      claimedProfitMicros: 3_734_938,
      guaranteedPayoutMicros: 103_734_938,
      guaranteedProfitMicros: 3_734_938,
      priceObservedAtMs: surebet.priceObservedAtMs,
      legs: surebet.legs,
    });
    const payload = await db.pool.query(`SELECT payload FROM signal_candidates WHERE id = $1`, [surebet.id]);
    expect(payload.rows[0].payload).toEqual(surebet);
    // Reported, not traded: no order of ours, nothing off the bankroll.
    expect(await count(db.pool, `SELECT count(*) FROM orders WHERE signal_id = $1`, [rows[0].id])).toBe(0);
    expect(await balance()).toBe(before);
  });

  it('keeps the first decision when the idempotency record is gone or two evaluators race for one surebet', async () => {
    const now = Date.now();
    const surebet = surebetSample({ nowMs: now, eventKey: nextEvent() });
    // Evaluators that share no idempotency table: only Postgres can tell them the surebet was decided.
    const withOwnTable = async (name: string) => {
      await createIdempotencyTable(emu.dynamo, name);
      return createEvaluatorHandler({
        store: createPgSignalStore(db.rolePool('evaluator'), 'paper'),
        limits: defaultLimits,
        mode: 'paper',
        now: () => now,
        sendExecutionRequests: async () => undefined,
        persistenceStore: makeIdempotencyStore(name, emu.dynamo),
      });
    };
    const [a, b, c] = await Promise.all(['sb-race-a', 'sb-race-b', 'sb-race-c'].map(withOwnTable));
    const raced = await Promise.all([a!, b!].map((h) => h(sqsEvent([surebet]), lambdaContext())));
    expect(raced).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    const first = await signalOf(surebet.id);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ decision: 'reported' });

    // Later, with the kill switch engaged, a third evaluator answers with the first decision and writes nothing.
    await db.pool.query(`UPDATE kill_switch SET engaged = true, updated_by = 'test'`);
    expect(await c!(sqsEvent([surebet]), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(await signalOf(surebet.id)).toEqual(first);
  });

  it('fails an invalid surebet as a batch item and still decides the valid one beside it', async () => {
    const handler = evaluator();
    const valid = surebetSample({ nowMs: Date.now(), eventKey: nextEvent() });
    const bad = surebetSample({ nowMs: Date.now(), eventKey: nextEvent() });
    // Profit not payout less stake: the contract refuses it.
    const invalid = { ...bad, profitMicros: bad.profitMicros + 1 };
    const event = sqsEvent([JSON.stringify(invalid), valid]);
    const res = await handler(event, lambdaContext());
    expect(res).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[0]!.messageId }] });
    expect(await count(db.pool, `SELECT count(*) FROM signal_candidates WHERE id = $1`, [bad.id])).toBe(0);
    expect((await signalOf(valid.id))[0]).toMatchObject({ decision: 'reported' });
  });

  it('decides a mixed batch: the arbitrage traded on paper, the surebet reported, each counted', async () => {
    const now = Date.now();
    const handler = evaluator(() => now);
    const arb = arbitrageCandidate({ nowMs: now, gameId: game.gameId, bookVersion: 1 });
    const surebet = surebetSample({ nowMs: now, eventKey: nextEvent() });
    const before = Number(await balance());
    metrics.clearMetrics();
    const res = await handler(sqsEvent([surebet, arb]), lambdaContext());
    expect(res.batchItemFailures).toEqual([]);
    expect(countedMetrics()).toMatchObject({ CandidatesEvaluated: 2, SignalsAccepted: 1, SignalsReported: 1 });
    expect(countedMetrics().SignalsRejected).toBeUndefined();
    metrics.clearMetrics();

    const orders = await db.pool.query(
      `SELECT o.venue, o.count_hundredths FROM orders o JOIN trading_signals ts ON ts.id = o.signal_id
        WHERE ts.candidate_id = $1 ORDER BY o.venue`,
      [arb.id],
    );
    // The same figures as the arbitrage alone (evaluator.test.ts): the surebet beside it changes nothing.
    expect(orders.rows).toEqual([
      { venue: 'kalshi', count_hundredths: 8_000 },
      { venue: 'polymarket', count_hundredths: 8_000 },
    ]);
    expect(Number(await balance())).toBe(before - 78_390_000);
    expect((await signalOf(arb.id))[0]).toMatchObject({ decision: 'accepted', reason: 'accepted' });
    expect((await signalOf(surebet.id))[0]).toMatchObject({
      decision: 'reported',
      reason: 'surebet_place_bet_required',
    });
  });

  it('records refused surebets with their reasons: kill switch, stale, no guaranteed profit', async () => {
    const now = Date.now();
    const handler = evaluator(() => now);
    const stale = surebetSample({
      nowMs: now,
      eventKey: nextEvent(),
      priceObservedAtMs: now - defaultLimits.staleAfterMs - 1,
    });
    // -110 / -110 on $50 each pays $95.45 whatever happens: the claimed $1 profit is not in the legs.
    const unprofitable = surebetSample({
      nowMs: now,
      eventKey: nextEvent(),
      legs: [
        { book: 'demo', selection: 'moneyline.away', americanOdds: -110, stakeMicros: 50_000_000 },
        { book: 'demo2', selection: 'moneyline.home', americanOdds: -110, stakeMicros: 50_000_000 },
      ],
      payoutMicros: 101_000_000,
    });
    metrics.clearMetrics();
    expect((await handler(sqsEvent([stale, unprofitable]), lambdaContext())).batchItemFailures).toEqual([]);
    await db.pool.query(`UPDATE kill_switch SET engaged = true, updated_by = 'test'`);
    const killed = surebetSample({ nowMs: now, eventKey: nextEvent() });
    expect((await handler(sqsEvent([killed]), lambdaContext())).batchItemFailures).toEqual([]);
    expect(countedMetrics()).toMatchObject({ SignalsRejected: 3 });
    metrics.clearMetrics();

    const { rows } = await db.pool.query<{ candidate_id: string; decision: string; reason: string; stake: string }>(
      `SELECT candidate_id, decision, reason, stake_micros AS stake FROM trading_signals WHERE candidate_id = ANY($1)`,
      [[stale.id, unprofitable.id, killed.id]],
    );
    expect(Object.fromEntries(rows.map((r) => [r.candidate_id, [r.decision, r.reason, r.stake]]))).toEqual({
      [stale.id]: ['rejected', 'surebet_stale', null],
      [unprofitable.id]: ['rejected', 'surebet_not_profitable', null],
      [killed.id]: ['rejected', 'kill_switch_engaged', null],
    });
  });

  it('the table refuses a reported signal that is not a profitable surebet', async () => {
    await db.pool.query(`INSERT INTO signal_candidates (id, payload) VALUES ('sb-check', '{}')`);
    const insert = (details: object, stake: number | null = 100) =>
      db.pool.query(
        `INSERT INTO trading_signals (candidate_id, decision, reason, stake_micros, details)
         VALUES ('sb-check', 'reported', 'surebet_place_bet_required', $1, $2)`,
        [stake, details],
      );
    await expect(insert({ kind: 'model_edge', legs: [] })).rejects.toThrow(/trading_signals_reported_surebet/);
    await expect(insert({ kind: 'surebet', legs: [], guaranteedProfitMicros: 0 })).rejects.toThrow(
      /trading_signals_reported_surebet/,
    );
    await expect(insert({ kind: 'surebet', legs: [], guaranteedProfitMicros: 5 }, null)).rejects.toThrow(
      /trading_signals_reported_surebet/,
    );
    await expect(
      db.pool.query(
        `INSERT INTO trading_signals (candidate_id, decision, reason) VALUES ('sb-check', 'accepted', 'accepted')`,
      ),
    ).rejects.toThrow(/trading_signals_accepted_sized/);
  });
});
