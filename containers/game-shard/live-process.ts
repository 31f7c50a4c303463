import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type pg from 'pg';
import { makeSqsClient } from '#adapters/aws/clients';
import { createPool } from '#adapters/pg/pool';
import { priceCacheFromConfig } from '#adapters/price-cache/from-config';
import type { GameShardConfig } from '#config/env';
import { customMetrics } from '#config/metrics';
import type { Sport } from '#domain/win-probability';
import { logger, metrics } from '../../shared/observability.ts';
import {
  type CreateShardEngine,
  type FeedCallbacks,
  type LiveShard,
  type PolledSource,
  startLiveShard,
  type VenueFeed,
} from './live.ts';
import { createRecorder } from './recorder.ts';

/** ESPN's `{sport}/{league}` path of each of our leagues (REFERENCE.md 3.1). */
const espnLeague: Record<Sport, string> = { nba: 'basketball/nba', nfl: 'football/nfl' };
/** Kalshi's game-winner series of each league (REFERENCE.md 1.4; `KXNBAGAME` seen, `KXNFLGAME` by the same rule). */
const kalshiSeries: Record<Sport, string> = { nba: 'KXNBAGAME', nfl: 'KXNFLGAME' };

export const DISCOVERY_EVERY_MS = 60_000;
export const ESPN_EVERY_MS = 5_000;
/** ECS waits 30 s after SIGTERM before SIGKILL; we promise to be out in 10. */
export const DRAIN_DEADLINE_MS = 10_000;
/** How often the shard's counters go to CloudWatch (EMF in its log), where the parse-failure alarm reads them. */
export const METRICS_EVERY_MS = 60_000;

/** Publishes what the counters gained since the last call: messages and parse failures, all sources together. */
function metricsPublisher(shard: LiveShard): () => void {
  const total = (counts: Partial<Record<string, number>>) =>
    Object.values(counts).reduce<number>((a, n) => a + (n ?? 0), 0);
  let sent = { messages: 0, failures: 0 };
  return () => {
    const now = shard.metrics();
    const current = { messages: total(now.messages), failures: total(now.parseFailures) };
    metrics.addMetric(customMetrics.venueMessages.name, MetricUnit.Count, current.messages - sent.messages);
    metrics.addMetric(customMetrics.parseFailures.name, MetricUnit.Count, current.failures - sent.failures);
    metrics.publishStoredMetrics();
    sent = current;
  };
}

/**
 * What the shard polls: each league's open Kalshi game-winner markets and ESPN scoreboard, and Gamma's open markets
 * (the engine's matcher keeps the full-game moneylines of our games). Discovery repeats, so games listed later are
 * picked up; ESPN every few seconds for the game state.
 */
export function polledSources(
  config: Pick<GameShardConfig, 'ESPN_LEAGUES' | 'KALSHI_REST_URL' | 'POLYMARKET_GAMMA_URL' | 'ESPN_BASE_URL'>,
): PolledSource[] {
  const at = (base: string, path: string) => ({ url: `${base.replace(/\/$/, '')}${path}`, path });
  return config.ESPN_LEAGUES.flatMap((league): PolledSource[] => [
    {
      source: 'kalshi_rest',
      ...at(config.KALSHI_REST_URL, `/markets?series_ticker=${kalshiSeries[league]}&status=open&limit=1000`),
      everyMs: DISCOVERY_EVERY_MS,
    },
    { source: 'espn', ...at(config.ESPN_BASE_URL, `/${espnLeague[league]}/scoreboard`), everyMs: ESPN_EVERY_MS },
  ]).concat({
    source: 'polymarket_gamma',
    ...at(config.POLYMARKET_GAMMA_URL, '/markets?closed=false&active=true&sports_market_types=moneyline&limit=500'),
    everyMs: DISCOVERY_EVERY_MS,
  });
}

async function fetchText(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const body = await response.text();
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return body;
}

export interface LiveProcessOptions {
  config: GameShardConfig;
  createEngine: CreateShardEngine;
  /** The venues' WebSocket clients, built from the config (URLs, Kalshi key) and the shard's callbacks. */
  feeds: {
    kalshi: (config: GameShardConfig, callbacks: FeedCallbacks) => VenueFeed;
    polymarket: (config: GameShardConfig, callbacks: FeedCallbacks) => VenueFeed;
  };
  /** Discovery and ESPN sources; `polledSources(config)` unless a test says otherwise. */
  polled?: readonly PolledSource[];
  /** Candidates wait at most this long for a batch to fill (tests stretch it to prove drain sends them). */
  lingerMs?: number;
  exit?: (code: number) => void;
}

/**
 * The live process: its clients built once from the config, the shard started, and SIGTERM/SIGINT draining it
 * (feeds closed, every queued candidate sent, buffered writes flushed) within `DRAIN_DEADLINE_MS`, then exit 0
 * (1 if the drain failed or overran: ECS logs it and the next task starts).
 */
export async function runLiveProcess(opts: LiveProcessOptions): Promise<LiveShard> {
  const { config } = opts;
  if (!config.CANDIDATES_QUEUE_URL) throw new Error('invalid configuration: CANDIDATES_QUEUE_URL: required live');
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const pool: pg.Pool | undefined =
    config.DATABASE_URL || config.DATABASE_SECRET_ARN ? createPool({ component: 'gameShard' }, config) : undefined;
  const sqs = makeSqsClient(config.SQS_ENDPOINT, config.AWS_REGION);
  const shard = await startLiveShard({
    config,
    createEngine: opts.createEngine,
    feeds: {
      kalshi: (callbacks) => opts.feeds.kalshi(config, callbacks),
      polymarket: (callbacks) => opts.feeds.polymarket(config, callbacks),
    },
    polled: opts.polled ?? polledSources(config),
    fetchText,
    sqs,
    candidatesQueueUrl: config.CANDIDATES_QUEUE_URL,
    priceCache: priceCacheFromConfig(config),
    db: pool,
    recorder: config.RECORD_TO ? createRecorder(config.RECORD_TO) : undefined,
    log: logger,
    lingerMs: opts.lingerMs,
  });

  const publishMetrics = metricsPublisher(shard);
  const metricsTimer = setInterval(publishMetrics, METRICS_EVERY_MS);
  metricsTimer.unref();

  const onSignal = (signal: NodeJS.Signals) => {
    logger.info('draining', { signal });
    clearInterval(metricsTimer);
    const deadline = setTimeout(() => {
      logger.error('drain overran its deadline', { deadlineMs: DRAIN_DEADLINE_MS });
      exit(1);
    }, DRAIN_DEADLINE_MS);
    deadline.unref();
    shard
      .stop()
      .then(async () => {
        publishMetrics();
        await pool?.end();
        sqs.destroy();
        clearTimeout(deadline);
        exit(0);
      })
      .catch((error: unknown) => {
        logger.error('drain failed', { error: String(error) });
        exit(1);
      });
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  return shard;
}
