import './quiet-env.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedPostgresServer, startEmbeddedPostgres } from '#adapters/pg/embedded';
import { migrate } from '#adapters/pg/migrate';
import { createPool } from '#adapters/pg/pool';
import { startPoller } from '../../../local/pipeline/poller.ts';
import { modelEdgeCandidate } from '../../support/sample-candidates.ts';
import { fundPaperBankroll, seedSampleGame } from '../../support/seed.ts';
import { buildEvaluator, count, type Emulators, eventually, sendBodies, startEmulators } from './harness.ts';

const INITIAL = 10_000_000_000;
let dataDir: string;
let port: number;
let server: EmbeddedPostgresServer | undefined;
let pool: pg.Pool;
let emu: Emulators;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const startServer = () => startEmbeddedPostgres({ dataDir, port, persistent: true, fast: true });

beforeAll(async () => {
  // Its own server: this test stops and restarts Postgres, which no other test file may see.
  dataDir = await mkdtemp(join(tmpdir(), 'sharpline-outage-'));
  port = await freePort();
  server = await startServer();
  await migrate(server.url, { quiet: true });
  pool = createPool({ connectionString: server.url, max: 4, statementTimeoutMs: 5_000 });
  await seedSampleGame(pool);
  await fundPaperBankroll(pool, INITIAL);
  emu = await startEmulators();
});

afterAll(async () => {
  await pool?.end();
  await server?.stop();
  await emu?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('Postgres stopped mid-run', () => {
  it('fails the records while it is down, retries them, and decides every candidate exactly once', async () => {
    // The evaluator's clock stands still: the candidates stay fresh however long the outage lasts.
    const now = Date.now();
    const evaluate = buildEvaluator({
      pool,
      emulators: emu,
      limits: { cooldownMs: 0, maxExposurePerMarketMicros: 10 ** 12, maxExposurePerGameMicros: 10 ** 12 },
      now: () => now,
    });
    let failedRecords = 0;
    // Powertools throws when every record of a batch failed (the whole batch is retried, as on Lambda).
    const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
      try {
        const res = await evaluate(event, context);
        failedRecords += res.batchItemFailures.length;
        return res;
      } catch (error) {
        failedRecords += event.Records.length;
        throw error;
      }
    };
    const poller = startPoller({
      sqs: emu.sqs,
      queueUrl: emu.queues.candidates.url,
      queueArn: emu.queues.candidates.arn,
      handler,
      retryAfterSeconds: 1,
    });
    const candidates = Array.from({ length: 30 }, (_, i) => modelEdgeCandidate({ nowMs: now, bookVersion: i }));
    const ids = candidates.map((c) => c.id);
    const decided = () => count(pool, 'SELECT count(*) FROM trading_signals WHERE candidate_id = ANY($1)', [ids]);
    try {
      await sendBodies(emu.sqs, emu.queues.candidates.url, candidates.slice(0, 10));
      await eventually(decided, (n) => n === 10, 15_000, 'the first ten decisions');

      await server!.stop();
      server = undefined;
      await sendBodies(emu.sqs, emu.queues.candidates.url, candidates.slice(10));
      await eventually(
        async () => failedRecords,
        (n) => n > 0,
        15_000,
        'records failing while Postgres is down',
      );

      server = await startServer();
      await eventually(decided, (n) => n === 30, 30_000, 'every decision after Postgres is back');
    } finally {
      await poller.stop();
    }

    expect(await count(pool, 'SELECT count(DISTINCT candidate_id) FROM trading_signals')).toBe(30);
    expect(await count(pool, 'SELECT count(*) FROM trading_signals')).toBe(30);
    const dead = await emu.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: emu.queues.candidates.dlqUrl, WaitTimeSeconds: 0 }),
    );
    expect(dead.Messages ?? []).toHaveLength(0);
    const { rows } = await pool.query<{ balance: number; stakes: number }>(
      `SELECT (SELECT balance_micros FROM bankroll WHERE mode = 'paper') AS balance,
              (SELECT coalesce(sum(stake_micros), 0) FROM trading_signals WHERE decision = 'accepted')::bigint AS stakes`,
    );
    expect(rows[0]!.stakes).toBeGreaterThan(0);
    expect(rows[0]!.balance).toBe(INITIAL - rows[0]!.stakes);
    expect(await count(pool, 'SELECT count(*) FROM paper_trades')).toBe(
      await count(pool, `SELECT count(*) FROM trading_signals WHERE decision = 'accepted'`),
    );
  });
});
