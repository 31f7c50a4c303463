import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { makeDynamoClient, makeSqsClient } from '#adapters/aws/clients';
import { applyBankrollChange, getBankroll } from '#adapters/pg/bankroll';
import { createPool } from '#adapters/pg/pool';
import { apiConfig, evaluatorConfig, gameShardConfig, loadConfig, settlementConfig } from '#config/env';
import type { QueueKey } from '#config/resources';
import { formatDollars } from '#domain';
import { createSettlementHandler } from '../../functions/settlement/settlement.ts';
import { createSignalEvaluator } from '../../functions/signal-evaluator/evaluator.ts';
import { priceCacheFromConfig } from '../../shared/adapters/price-cache/from-config.ts';
import { logger } from '../../shared/observability.ts';
import { startApiServer } from '../api/server.ts';
import type { LocalQueue } from '../emulators/sqs.ts';
import { localLambdaContext } from '../lambda-context.ts';
import { startLocalOutboxRelay } from '../outbox-relay.ts';
import { startPoller } from '../pipeline/poller.ts';
import { startLocalStack } from '../stack.ts';
import { FeedClock, type Speed } from './clock.ts';
import { type EveningFeed, fileFeed, simulatedFeed } from './feed.ts';
import { type LocalLive, startLocalLive } from './live.ts';
import { progressView } from './progress.ts';
import { type EveningReport, formatEveningReport, percentiles, readEveningReport } from './report.ts';
import { startLocalShard } from './shard.ts';

export interface EveningOptions {
  /** A simulated evening, or a feed file to replay. */
  source: { kind: 'simulate'; games: number; seed: number; messages: number } | { kind: 'file'; path: string };
  speed: Speed;
  port: number;
  once: boolean;
  reportFile?: string;
  dataDir: string;
  /**
   * Trade live (`TRADING_MODE=live` does the same): the executors take the execution queues and place orders through
   * the egress, on the local fake venues unless the venues are given (local/evening/live.ts).
   */
  live?: boolean;
}

const INITIAL_PAPER_BANKROLL_MICROS = 10_000_000_000;
/** After the feed ends, how long the evaluator gets to decide what is still queued. */
const DECISION_DEADLINE_MS = 60_000;
/** After a Ctrl-C, how long the evaluator gets to decide what was sent before the report. */
const INTERRUPTED_DECISION_MS = 20_000;
/**
 * One Ctrl-C can arrive more than once: the terminal signals the whole process group, and npm and tsx relay it to
 * their child as well. Signals this close to the first are that same Ctrl-C, not a second one.
 */
const SAME_SIGNAL_MS = 1_000;
const SETTLEMENT_EVERY_MS = 2_000;
const PROGRESS_EVERY_MS = 1_000;
/** Lines played between two yields to the event loop, so the queue, the evaluator and the API keep moving. */
const LINES_PER_TURN = 250;

async function queueCounts(sqs: SQSClient, queue: LocalQueue) {
  const read = async (url: string) => {
    const out = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return {
      visible: Number(out.Attributes?.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
    };
  };
  const [main, dlq] = await Promise.all([read(queue.url), read(queue.dlqUrl)]);
  return { depth: main.visible, inFlight: main.inFlight, dlq: dlq.visible + dlq.inFlight };
}

/**
 * `npm start`: the embedded stack, the API, the evaluator's SQS poller and the settlement schedule, then an evening
 * (simulated or from a file) through the game shard's own code, with progress, a report and, unless `once`, the API
 * kept serving until Ctrl-C. Resolves with the exit code.
 */
export async function runEvening(opts: EveningOptions): Promise<number> {
  const t0 = Date.now();
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const step = (line: string) => say(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${line}`);

  let interrupted = false;
  let interruptedAt = 0;
  let wakeServe: (() => void) | undefined;
  // The first Ctrl-C (or SIGTERM) stops the feed and lets what was sent be decided, reported and stopped in order. A
  // second one, once the first had time to be heard, exits at once: the embedded Postgres stops with this process
  // (its watchdog), and the emulators live in it.
  const onSigint = (signal: NodeJS.Signals) => {
    if (interrupted) {
      if (Date.now() - interruptedAt < SAME_SIGNAL_MS) return;
      say(`\n${signal} again: exiting now, without waiting for what is queued`);
      process.exit(130);
    }
    interrupted = true;
    interruptedAt = Date.now();
    say('\nstopping: no more feed lines; deciding what was sent, then the report (Ctrl-C again to exit now)');
    wakeServe?.();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);

  say('sharpline: local pipeline');
  const stack = await startLocalStack(step, undefined, { dataDir: opts.dataDir });
  const env = { ...stack.env, LOCAL_SECRETS_FILE: join(opts.dataDir, 'secrets.json') };
  step(`parts: ${stack.parts.join(', ')}`);
  const cooldownDefault = opts.speed === 'max' ? {} : { SIGNAL_COOLDOWN_MS: String(Math.round(60_000 / opts.speed)) };
  const liveEnv: Record<string, string> = opts.live ? { TRADING_MODE: 'live' } : {};
  const config = loadConfig(evaluatorConfig, { defaults: cooldownDefault, overrides: { ...env, ...liveEnv } });
  const shardConfig = loadConfig(gameShardConfig, { overrides: env });

  const pool = createPool({ connectionString: stack.databaseUrl });
  const apiPool = createPool({ connectionString: stack.databaseUrl, component: 'api' });
  const shardPool = createPool({ connectionString: stack.databaseUrl, component: 'gameShard' });
  const evaluatorPool = createPool({ connectionString: stack.databaseUrl, component: 'evaluator' });
  const settlementPool = createPool({ connectionString: stack.databaseUrl, component: 'settlement' });
  const pools = [pool, apiPool, shardPool, evaluatorPool, settlementPool];

  const funded = await getBankroll(pool, { mode: 'paper' }).catch(() => undefined);
  if (!funded || funded.balanceMicros === 0) {
    await applyBankrollChange(pool, {
      mode: 'paper',
      deltaMicros: INITIAL_PAPER_BANKROLL_MICROS,
      reason: 'deposit',
      ref: 'local-initial-deposit',
    });
  }
  const bankrollStart = (await getBankroll(pool, { mode: 'paper' })).balanceMicros;
  step(`paper bankroll ${formatDollars(bankrollStart)}`);

  const sqs = makeSqsClient(stack.sqsEndpoint);
  const dynamo = makeDynamoClient(config.DYNAMODB_ENDPOINT);
  let live: LocalLive | undefined;
  if (config.TRADING_MODE === 'live') {
    live = await startLocalLive({
      env,
      databaseUrl: stack.databaseUrl,
      sqs,
      dynamo,
      queues: stack.queues,
      since: new Date(),
      step,
    });
    step(`live trading: ${live.parts.join(', ')}`);
  }
  const priceCache = priceCacheFromConfig(shardConfig);
  step(`price cache: ${shardConfig.REDIS_URL ? 'Redis at REDIS_URL' : 'in memory (no REDIS_URL)'}`);

  const staleAfterMs = shardConfig.PRICE_STALE_AFTER_MS;
  const feed: EveningFeed =
    opts.source.kind === 'file'
      ? fileFeed(opts.source.path)
      : simulatedFeed({
          seed: opts.source.seed,
          games: opts.source.games,
          sports: ['nba', 'nfl'],
          messages: opts.source.messages,
          staleAfterMs,
          thresholds: { minProfitMicros: shardConfig.MIN_ARB_PROFIT_MICROS, minEdgeBps: shardConfig.MIN_ARB_EDGE_BPS },
        });
  const clock = new FeedClock(opts.speed);
  const shard = startLocalShard({
    settings: {
      minEdgeBps: shardConfig.MIN_EDGE_BPS,
      minArbProfitMicros: shardConfig.MIN_ARB_PROFIT_MICROS,
      minArbEdgeBps: shardConfig.MIN_ARB_EDGE_BPS,
      priceStaleAfterMs: staleAfterMs,
    },
    clock,
    sqs,
    candidatesQueueUrl: stack.queues.candidates.url,
    priceCache,
    db: shardPool,
    log: {
      // Parse failures are counted in the report; each one at debug keeps the progress output readable.
      warn: (message, details) => logger.debug(message, { details }),
      error: (message, details) => logger.error(message, { details }),
    },
  });

  const runStartedAt = new Date();
  let phase: 'feeding' | 'deciding' | 'settling' | 'done' | 'stopped' = 'feeding';
  let report: EveningReport | undefined;
  const decisionLatencies: number[] = [];
  let decisionWatermark = runStartedAt;
  const createdAt = () => new Map(shard.candidates().map((c) => [c.id, c.createdAtMs]));

  /** What `GET /local/v1/run` answers: the run's own facts, which the API (Postgres) does not hold. */
  const runFacts = async () => {
    const queues: Partial<Record<QueueKey, Awaited<ReturnType<typeof queueCounts>>>> = {};
    for (const key of Object.keys(stack.queues) as QueueKey[]) queues[key] = await queueCounts(sqs, stack.queues[key]);
    const summary = shard.summary();
    return {
      phase,
      feed: feed.describe,
      speed: opts.speed,
      startedAt: runStartedAt.toISOString(),
      progress: feed.progress(),
      messages: summary.lines,
      candidates: summary.candidates,
      published: shard.batcher().published,
      queues,
      latencyMs: {
        feedToCandidate: percentiles(shard.candidates().map((c) => c.feedToCandidateMs)),
        candidateToDecision: percentiles(decisionLatencies),
      },
      ...(report ? { report } : {}),
    };
  };

  const apiSettings = loadConfig(apiConfig, { overrides: env });
  const apiOptions = {
    pool: apiPool,
    config: apiSettings,
    jwtKeyFile: join(opts.dataDir, 'jwt-signing-key.json'),
    deps: { priceCache },
    localRun: runFacts,
  };
  const api = await startApiServer({ ...apiOptions, port: opts.port }).catch(() =>
    startApiServer({ ...apiOptions, port: 0 }),
  );
  step(`HTTP API on ${api.url}  (token: npm run -s token -- --sub alice --role admin)`);

  const relay = startLocalOutboxRelay({ pool: apiPool, sqs, queueUrl: stack.queues.browserJobs.url });
  const evaluator = createSignalEvaluator(config, { pool: evaluatorPool, sqs, dynamo });
  const settlement = createSettlementHandler({
    pool: settlementPool,
    config: loadConfig(settlementConfig, { overrides: { ...env, ...liveEnv } }),
  });
  const poller = startPoller({
    sqs,
    queueUrl: stack.queues.candidates.url,
    queueArn: stack.queues.candidates.arn,
    handler: evaluator,
    retryAfterSeconds: 1,
  });
  let settling: Promise<unknown> = Promise.resolve();
  const settle = () => {
    settling = settling
      .then(() => settlement({}, localLambdaContext('settlement')))
      .catch((error: unknown) => logger.warn('settlement run failed', { error: String(error) }));
    return settling;
  };
  const settlementTimer = setInterval(settle, SETTLEMENT_EVERY_MS);

  const view = progressView();
  const snapshot = async () => {
    const { rows } = await pool.query<{ accepted: number; rejected: number; open: number; balance: string }>(
      `SELECT (SELECT count(*) FILTER (WHERE decision = 'accepted') FROM trading_signals WHERE decided_at >= $1)::int AS accepted,
              (SELECT count(*) FILTER (WHERE decision = 'rejected') FROM trading_signals WHERE decided_at >= $1)::int AS rejected,
              (SELECT count(*) FROM positions WHERE mode = 'paper' AND status = 'open')::int AS open,
              (SELECT balance_micros FROM bankroll WHERE account = 'default' AND mode = 'paper') AS balance`,
      [runStartedAt],
    );
    const latest = await pool.query<{ candidate_id: string; decided_at: Date }>(
      'SELECT candidate_id, decided_at FROM trading_signals WHERE decided_at > $1',
      [decisionWatermark],
    );
    const created = createdAt();
    for (const r of latest.rows) {
      const at = created.get(r.candidate_id);
      if (at !== undefined) decisionLatencies.push(r.decided_at.getTime() - at);
      if (r.decided_at > decisionWatermark) decisionWatermark = r.decided_at;
    }
    const summary = shard.summary();
    const row = rows[0];
    view.update({
      fraction: feed.progress(),
      messages: summary.lines,
      candidates: summary.candidates.model_edge + summary.candidates.arbitrage,
      accepted: row?.accepted ?? 0,
      rejected: row?.rejected ?? 0,
      openPositions: row?.open ?? 0,
      bankrollMicros: Number(row?.balance ?? 0),
    });
  };
  let progressBusy = false;
  const progressTimer = setInterval(
    () => {
      if (progressBusy) return;
      progressBusy = true;
      void snapshot()
        .catch(() => undefined)
        .finally(() => {
          progressBusy = false;
        });
    },
    process.stdout.isTTY ? PROGRESS_EVERY_MS : PROGRESS_EVERY_MS * 2,
  );

  step(`playing ${feed.describe} at speed ${opts.speed}`);
  let lineNo = 0;
  let exitCode = 0;
  try {
    for await (const line of feed.lines) {
      if (interrupted) break;
      await shard.handle(line, lineNo++);
      if (lineNo % LINES_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    phase = 'deciding';
    await shard.drain();
    const ids = shard.candidates().map((c) => c.id);
    const deadline = Date.now() + DECISION_DEADLINE_MS;
    const decided = async () => {
      const { rows } = await pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM trading_signals WHERE candidate_id = ANY($1::text[])',
        [ids],
      );
      return rows[0]?.n ?? 0;
    };
    const dlqCount = async () => (await queueCounts(sqs, stack.queues.candidates)).dlq;
    let done = await decided();
    const interruptedDeadline = () => Math.min(deadline, interruptedAt + INTERRUPTED_DECISION_MS);
    while (done < ids.length && Date.now() < (interrupted ? interruptedDeadline() : deadline)) {
      if (done + (await dlqCount()) >= ids.length) break;
      await sleep(100);
      done = await decided();
    }
    if (live && !(await live.settled(DECISION_DEADLINE_MS))) {
      say('some live orders were still open at the deadline');
      exitCode = 1;
    }
    phase = 'settling';
    clearInterval(settlementTimer);
    await settle();
    await snapshot().catch(() => undefined);
    view.stop();

    const summary = shard.summary();
    report = await readEveningReport(pool, {
      feed: feed.describe,
      speed: opts.speed,
      wallSeconds: (Date.now() - t0) / 1000,
      games: shard.games(),
      tally: shard.tally,
      candidates: shard.candidates(),
      messagesBySource: summary.messages as Record<string, number>,
      messages: summary.lines,
      dlqMessages: await dlqCount(),
      bankrollStartMicros: bankrollStart,
    });
    say('');
    say(formatEveningReport(report));
    const liveSummary = await live?.summary();
    if (liveSummary) say(`live: ${JSON.stringify(liveSummary)}`);
    if (opts.reportFile) {
      const written = liveSummary ? { ...report, live: liveSummary } : report;
      await writeFile(opts.reportFile, `${JSON.stringify(written, null, 2)}\n`);
      step(`report written to ${opts.reportFile}`);
    }
    if (report.total.undecided > 0) {
      say(`${report.total.undecided} candidates got no decision before the deadline`);
      exitCode = 1;
    }
    phase = interrupted ? 'stopped' : 'done';
    if (!opts.once && !interrupted) {
      say(`\nserving the API (and dashboard) on ${api.url}; Ctrl-C stops everything.`);
      await new Promise<void>((resolve) => {
        wakeServe = resolve;
      });
    }
  } finally {
    clearInterval(progressTimer);
    clearInterval(settlementTimer);
    view.stop();
    await poller.stop();
    await live?.stop();
    await settling;
    await api.stop();
    await relay.stop();
    await priceCache.close();
    sqs.destroy();
    dynamo.destroy();
    await Promise.all(pools.map((p) => p.end()));
    await stack.stop();
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
  if (interrupted) step('stopped cleanly');
  return exitCode;
}
