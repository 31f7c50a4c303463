import './quiet-env.ts';
import type { SQSBatchResponse } from 'aws-lambda';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '#adapters/pg/pool';
import type { SignalCandidate } from '#contracts/signal-candidate';
import { localLambdaContext } from '../../../local/lambda-context.ts';
import { createTestDatabase, type TestDatabase } from '../../support/pg.ts';
import { arbitrageCandidate, modelEdgeCandidate } from '../../support/sample-candidates.ts';
import { fundPaperBankroll, seedSampleGame } from '../../support/seed.ts';
import { buildEvaluator, count, type Emulators, sqsEvent, startEmulators } from './harness.ts';

const INITIAL = 10_000_000_000;
const EVALUATORS = 20;
const CANDIDATES = 30;
let db: TestDatabase;
let emu: Emulators;
const pools: pg.Pool[] = [];

beforeAll(async () => {
  [db, emu] = await Promise.all([createTestDatabase(), startEmulators()]);
  await seedSampleGame(db.pool);
  await fundPaperBankroll(db.pool, INITIAL);
});

afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await emu?.stop();
  await db?.drop();
});

describe('20 evaluators on overlapping candidates', () => {
  it('decides each candidate once, never trades twice, and keeps the bankroll exact', async () => {
    const now = Date.now();
    const candidates: SignalCandidate[] = Array.from({ length: CANDIDATES }, (_, i) =>
      i % 3 === 2
        ? arbitrageCandidate({ nowMs: now, bookVersion: i })
        : modelEdgeCandidate({ nowMs: now, bookVersion: i }),
    );
    // Each evaluator is its own Lambda instance: own pool, own DynamoDB client, no cooldown so most are accepted.
    const evaluators = Array.from({ length: EVALUATORS }, () => {
      const pool = createPool({ connectionString: db.url, max: 2 });
      pools.push(pool);
      return buildEvaluator({
        pool,
        emulators: emu,
        limits: {
          cooldownMs: 0,
          maxExposurePerMarketMicros: 10 ** 12,
          maxExposurePerGameMicros: 10 ** 12,
          maxTotalExposureMicros: 10 ** 12,
        },
      });
    });
    // Evaluator i gets ten candidates starting at 3i: every candidate is in several batches at once.
    let pending = evaluators.map((_, i) => Array.from({ length: 10 }, (_, k) => candidates[(3 * i + k) % CANDIDATES]!));
    let rounds = 0;
    while (pending.some((batch) => batch.length > 0)) {
      rounds += 1;
      expect(rounds).toBeLessThanOrEqual(10);
      const events = pending.map((batch) => sqsEvent(batch));
      const responses: SQSBatchResponse[] = await Promise.all(
        evaluators.map((handle, i) =>
          events[i]!.Records.length === 0
            ? { batchItemFailures: [] }
            : handle(events[i]!, localLambdaContext('signal-evaluator')).catch((error: Error) => {
                // Powertools throws when every record of a batch failed: on Lambda the whole batch comes back.
                if (error.name !== 'FullBatchFailureError') throw error;
                return { batchItemFailures: events[i]!.Records.map((r) => ({ itemIdentifier: r.messageId })) };
              }),
        ),
      );
      // A record whose twin is in flight in another evaluator fails (idempotency: in progress) and comes again.
      pending = pending.map((batch, i) => {
        const failed = new Set(responses[i]!.batchItemFailures.map((f) => f.itemIdentifier));
        return batch.filter((_, j) => failed.has(events[i]!.Records[j]!.messageId));
      });
    }

    expect(await count(db.pool, 'SELECT count(*) FROM trading_signals')).toBe(CANDIDATES);
    expect(await count(db.pool, 'SELECT count(DISTINCT candidate_id) FROM trading_signals')).toBe(CANDIDATES);
    const accepted = await count(db.pool, `SELECT count(*) FROM trading_signals WHERE decision = 'accepted'`);
    expect(accepted).toBeGreaterThan(CANDIDATES / 2);
    // One order per leg of each accepted signal, one fill and one paper trade per order.
    expect(
      await count(
        db.pool,
        `SELECT count(*) FROM trading_signals ts JOIN orders o ON o.signal_id = ts.id WHERE ts.decision = 'accepted'`,
      ),
    ).toBe(await count(db.pool, 'SELECT count(*) FROM orders'));
    expect(await count(db.pool, 'SELECT count(*) FROM paper_trades')).toBe(
      await count(db.pool, 'SELECT count(*) FROM orders'),
    );
    expect(await count(db.pool, 'SELECT count(DISTINCT order_id) FROM fills')).toBe(
      await count(db.pool, 'SELECT count(*) FROM orders'),
    );

    const { rows } = await db.pool.query<{ balance: number; stakes: number; held: number; audited: number }>(
      `SELECT (SELECT balance_micros FROM bankroll WHERE mode = 'paper') AS balance,
              (SELECT sum(stake_micros) FROM trading_signals WHERE decision = 'accepted')::bigint AS stakes,
              (SELECT sum(cost_micros + fees_micros) FROM positions)::bigint AS held,
              (SELECT sum(delta_micros) FROM bankroll_audit WHERE mode = 'paper')::bigint AS audited`,
    );
    const r = rows[0]!;
    expect(r.balance).toBe(INITIAL - r.stakes);
    expect(r.held).toBe(r.stakes);
    expect(r.audited).toBe(r.balance);
  });
});
