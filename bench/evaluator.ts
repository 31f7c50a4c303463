import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { makeDynamoClient } from '#adapters/aws/clients';
import { makeIdempotencyStore } from '#adapters/aws/idempotency';
import { startEmbeddedPostgres } from '#adapters/pg/embedded';
import { createPgSignalStore } from '#adapters/pg/evaluator-store';
import { migrate } from '#adapters/pg/migrate';
import { createPool } from '#adapters/pg/pool';
import {
  type CandidateMessage,
  candidateMessageSchema,
  type SignalCandidate,
  type SurebetCandidate,
} from '#contracts/signal-candidate';
import { createEvaluatorHandler } from '../functions/signal-evaluator/evaluator.ts';
import { createIdempotencyTable, startDynamoEmulator } from '../local/emulators/dynamodb.ts';
import { localLambdaContext } from '../local/lambda-context.ts';
import { type EvaluatorDeps, evaluateCandidates } from '../shared/evaluator/evaluate-batch.ts';
import { reportSurebets } from '../shared/evaluator/report-surebets.ts';
import { kalshiLeg, modelEdgeCandidate, surebetSample } from '../test/support/sample-candidates.ts';
import { fundPaperBankroll, seedSampleGame } from '../test/support/seed.ts';

/**
 * Evaluator throughput in one process against real Postgres (`DATABASE_URL`, else an embedded server), batches of
 * ten handled one after another as one Lambda instance does. Every candidate is new and most are accepted, so each
 * batch pays a full write. Two paths are timed: the evaluation against Postgres (the RESULT), and the whole handler,
 * whose Powertools idempotency records go to the in-process DynamoDB emulator and are bounded by its speed.
 */
const BATCH = 10;
const CANDIDATES = Number(process.env.BENCH_CANDIDATES ?? 5_000);
const MARKETS = 64;
/**
 * Evaluators deciding at once in the concurrency sweep, each with its own pool, as separate Lambda instances are. Each
 * count runs twice, in mirrored order, so that the database growing over the sweep weighs on every count alike.
 */
const SWEEP = [1, 4, 16, 16, 4, 1];
const SWEEP_CANDIDATES = Number(process.env.BENCH_SWEEP_CANDIDATES ?? 4_000);

interface Run {
  name: string;
  candidatesPerS: number;
  p50Ms: number;
  p99Ms: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function timeBatches<C extends CandidateMessage>(
  name: string,
  batches: C[][],
  run: (b: C[]) => Promise<void>,
): Promise<Run> {
  const latencies: number[] = [];
  const started = performance.now();
  for (const batch of batches) {
    const t = performance.now();
    await run(batch);
    latencies.push(performance.now() - t);
  }
  const elapsedS = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    name,
    candidatesPerS: (batches.length * BATCH) / elapsedS,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

async function database(): Promise<{ url: string; cleanup(): Promise<void> }> {
  if (process.env.DATABASE_URL) {
    const name = `sl_bench_${Date.now()}`;
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      async cleanup() {
        const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'sharpline-bench-'));
  const server = await startEmbeddedPostgres({ dataDir, persistent: false });
  return {
    url: server.url,
    async cleanup() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Candidates are stamped at this instant and the evaluators' clock stands just after it, so none goes stale. */
const CLOCK_MS = Date.now();

function candidateBatches(gameIds: string[], fromVersion: number, count = CANDIDATES): SignalCandidate[][] {
  const all = Array.from({ length: count }, (_, i) => {
    const m = i % MARKETS;
    return modelEdgeCandidate({
      nowMs: CLOCK_MS,
      gameId: gameIds[m],
      bookVersion: fromVersion + i,
      leg: { venueMarketId: `${kalshiLeg().venueMarketId}-${m}` },
    });
  });
  return Array.from({ length: count / BATCH }, (_, b) => all.slice(b * BATCH, (b + 1) * BATCH));
}

/** Surebets of distinct events (so distinct ids), as the browser worker publishes them: reported, never traded. */
function surebetBatches(from: number, count = CANDIDATES): SurebetCandidate[][] {
  const all = Array.from({ length: count }, (_, i) =>
    surebetSample({ nowMs: CLOCK_MS, eventKey: `nba|2026-11-15T02:00:00.000Z|BOS@DEN#${from + i}` }),
  );
  return Array.from({ length: count / BATCH }, (_, b) => all.slice(b * BATCH, (b + 1) * BATCH));
}

const isSignal = (c: CandidateMessage): c is SignalCandidate => c.kind !== 'surebet';

interface SweepRun {
  evaluators: number;
  candidatesPerS: number;
  failedBatches: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * K evaluators, each with its own pool of one connection, take batches from one queue until it is empty; a thrown
 * batch is a failure. Each connection decides one batch of its own before the clock starts.
 */
async function concurrentRun(
  url: string,
  evaluators: number,
  deps: Omit<EvaluatorDeps, 'store'>,
  batches: SignalCandidate[][],
  warmUp: SignalCandidate[][],
): Promise<SweepRun> {
  const pools = Array.from({ length: evaluators }, () => createPool({ connectionString: url, max: 1 }));
  try {
    // A Lambda instance's connection is warm after its first batches: each plans the evaluator's two functions once.
    await Promise.all(
      pools.map((pool, i) =>
        evaluateCandidates({ ...deps, store: createPgSignalStore(pool, 'paper') }, warmUp[i % warmUp.length]!),
      ),
    );
    let next = 0;
    let failedBatches = 0;
    const latencies: number[] = [];
    const started = performance.now();
    await Promise.all(
      pools.map(async (pool) => {
        const evaluator: EvaluatorDeps = { ...deps, store: createPgSignalStore(pool, 'paper') };
        while (next < batches.length) {
          const batch = batches[next++]!;
          const t = performance.now();
          try {
            const outcomes = await evaluateCandidates(evaluator, batch);
            if (outcomes.some((o) => o instanceof Error)) failedBatches += 1;
          } catch {
            failedBatches += 1;
          }
          latencies.push(performance.now() - t);
        }
      }),
    );
    const elapsedS = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return {
      evaluators,
      candidatesPerS: (batches.length * BATCH) / elapsedS,
      failedBatches,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
    };
  } finally {
    await Promise.all(pools.map((p) => p.end()));
  }
}

export async function runEvaluatorBench(): Promise<void> {
  const db = await database();
  const dynamo = await startDynamoEmulator();
  const dynamoClient = makeDynamoClient(dynamo.endpoint);
  await createIdempotencyTable(dynamoClient, 'bench-idempotency');
  await migrate(db.url, { quiet: true });
  const pool = createPool({ connectionString: db.url, max: 2 });
  try {
    const gameIds: string[] = [];
    for (let m = 0; m < MARKETS; m++)
      gameIds.push((await seedSampleGame(pool, { gameId: crypto.randomUUID(), suffix: `-${m}` })).gameId);
    await fundPaperBankroll(pool, 10 ** 15);
    const deps: EvaluatorDeps = {
      store: createPgSignalStore(pool, 'paper'),
      limits: {
        staleAfterMs: 30_000,
        maxClockSkewMs: 2_000,
        minEdgeBps: 200,
        cooldownMs: 0,
        kellyFraction: 0.25,
        maxExposurePerMarketMicros: 10 ** 14,
        maxExposurePerGameMicros: 10 ** 14,
        maxTotalExposureMicros: 10 ** 15,
        dailyLossLimitMicros: 10 ** 12,
        maxContractsPerOrder: 10 ** 9,
        maxContractsPerMarket: 10 ** 12,
      },
      mode: 'paper',
      now: () => CLOCK_MS + 1_000,
      sendExecutionRequests: async () => undefined,
    };
    const handler = createEvaluatorHandler({
      ...deps,
      persistenceStore: makeIdempotencyStore('bench-idempotency', dynamoClient),
    });

    // Count round trips: every pool.query and client.query goes through Client.prototype.query.
    let roundTrips = 0;
    const originalQuery = pg.Client.prototype.query;
    pg.Client.prototype.query = function (this: pg.Client, ...args: Parameters<pg.Client['query']>) {
      roundTrips += 1;
      return (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof originalQuery;

    await timeBatches('warm-up', candidateBatches(gameIds, 0).slice(0, 50), async (b) => {
      await evaluateCandidates(deps, b);
    });
    roundTrips = 0;
    const core = await timeBatches(
      'parse + evaluate against Postgres',
      candidateBatches(gameIds, 1_000_000),
      async (b) => {
        const bodies = b.map((c) => JSON.stringify(c));
        // Parsed as the evaluator parses the queue: a prediction-market candidate or a surebet.
        await evaluateCandidates(
          deps,
          bodies.map((body) => candidateMessageSchema.parse(JSON.parse(body))).filter(isSignal),
        );
      },
    );
    const coreTrips = roundTrips / (CANDIDATES / BATCH);
    roundTrips = 0;
    const surebets = await timeBatches('parse + report surebets against Postgres', surebetBatches(0), async (b) => {
      const bodies = b.map((c) => JSON.stringify(c));
      const parsed = bodies.map((body) => candidateMessageSchema.parse(JSON.parse(body)));
      await reportSurebets(
        deps,
        parsed.filter((c): c is SurebetCandidate => c.kind === 'surebet'),
      );
    });
    const surebetTrips = roundTrips / (CANDIDATES / BATCH);
    roundTrips = 0;
    const full = await timeBatches(
      'handler (parse + idempotency on dynalite + Postgres)',
      candidateBatches(gameIds, 2_000_000),
      async (b) => {
        const res = await handler(
          {
            Records: b.map((c, i) => ({
              messageId: `${c.id}-${i}`,
              receiptHandle: 'bench',
              body: JSON.stringify(c),
              attributes: {
                ApproximateReceiveCount: '1',
                SentTimestamp: '0',
                SenderId: 'bench',
                ApproximateFirstReceiveTimestamp: '0',
              },
              messageAttributes: {},
              md5OfBody: '',
              eventSource: 'aws:sqs',
              eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:bench',
              awsRegion: 'us-east-1',
            })),
          },
          localLambdaContext('signal-evaluator'),
        );
        if (res.batchItemFailures.length > 0)
          throw new Error(`bench batch had ${res.batchItemFailures.length} failures`);
      },
    );
    const fullTrips = roundTrips / (CANDIDATES / BATCH);
    pg.Client.prototype.query = originalQuery;

    const { rows } = await pool.query<{ decision: string; n: number }>(
      `SELECT decision, count(*)::int AS n FROM trading_signals GROUP BY decision ORDER BY decision`,
    );
    console.log(
      `evaluator bench: ${CANDIDATES} candidates per run, batches of ${BATCH}, one batch at a time, ${MARKETS} markets`,
    );
    console.log(`decisions: ${rows.map((r) => `${r.decision} ${r.n}`).join(', ')}`);
    console.table(
      [core, surebets, full].map((r, i) => ({
        path: r.name,
        'candidates/s': Math.round(r.candidatesPerS),
        'p50 batch ms': r.p50Ms.toFixed(2),
        'p99 batch ms': r.p99Ms.toFixed(2),
        'pg round trips/batch': [coreTrips, surebetTrips, fullTrips][i]!.toFixed(2),
      })),
    );

    const sweep: SweepRun[] = [];
    for (const [i, k] of SWEEP.entries()) {
      sweep.push(
        await concurrentRun(
          db.url,
          k,
          deps,
          candidateBatches(gameIds, 3_000_000 + i * 1_000_000, SWEEP_CANDIDATES),
          candidateBatches(gameIds, 3_900_000 + i * 1_000_000, k * BATCH),
        ),
      );
    }
    console.log(
      `concurrency sweep: ${SWEEP_CANDIDATES} new candidates per row, paper mode, batches of ${BATCH}, ${MARKETS} markets, one Postgres`,
    );
    console.table(
      sweep.map((r) => ({
        evaluators: r.evaluators,
        'candidates/s, all together': Math.round(r.candidatesPerS),
        'failed batches': r.failedBatches,
        'p50 batch ms': r.p50Ms.toFixed(2),
        'p99 batch ms': r.p99Ms.toFixed(2),
      })),
    );
    // Aggregate throughput of a count over both its rows: candidates decided over the time they took.
    const rate = (k: number) => {
      const rows = sweep.filter((r) => r.evaluators === k);
      return (rows.length * SWEEP_CANDIDATES) / rows.reduce((s, r) => s + SWEEP_CANDIDATES / r.candidatesPerS, 0);
    };
    console.log(`RESULT evaluator_candidates_per_s ${Math.round(core.candidatesPerS)}`);
    console.log(`RESULT evaluator_surebets_per_s ${Math.round(surebets.candidatesPerS)}`);
    for (const k of new Set(SWEEP))
      console.log(`RESULT evaluator_concurrency_${k}_candidates_per_s ${Math.round(rate(k))}`);
    console.log(`RESULT evaluator_concurrency_16_vs_1 ${(rate(16) / rate(1)).toFixed(2)}`);
    console.log(`RESULT evaluator_concurrency_failures ${sweep.reduce((n, r) => n + r.failedBatches, 0)}`);
  } finally {
    await pool.end();
    await dynamo.stop();
    await db.cleanup();
  }
}
