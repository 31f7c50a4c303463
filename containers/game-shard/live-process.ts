import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import type pg from 'pg';
import type WebSocket from 'ws';
import { makeSqsClient } from '#adapters/aws/clients';
import { egressFromConfig } from '#adapters/egress/dispatcher';
import { createEgressMetricsPublisher } from '#adapters/egress/metrics';
import type { EgressDispatcher } from '#adapters/egress/types';
import { egressWebSocket } from '#adapters/egress/websocket';
import { createPool } from '#adapters/pg/pool';
import { priceCacheFromConfig } from '#adapters/price-cache/from-config';
import { createEspnPoller } from '#adapters/venues/espn/poller';
import { createKalshiSigner, type KalshiSigner } from '#adapters/venues/kalshi/auth';
import { createKalshiRestClient } from '#adapters/venues/kalshi/rest';
import { createKalshiWsClient } from '#adapters/venues/kalshi/ws';
import { createPolymarketRestClient, polymarketHosts } from '#adapters/venues/polymarket/rest';
import { createPolymarketWsClient } from '#adapters/venues/polymarket/ws';
import type { GameShardConfig } from '#config/env';
import { customMetrics } from '#config/metrics';
import type { Venue } from '#domain/names';
import { teamAliases } from '../../shared/domain/matching/team-aliases.ts';
import { logger, metrics } from '../../shared/observability.ts';
import {
  type FeedCallbacks,
  type LiveShard,
  type PolledFeed,
  type PolledFeedFactory,
  type RawSink,
  startLiveShard,
  type VenueFeed,
} from './live.ts';
import { createRecorder } from './recorder.ts';

/** Market discovery again every minute: games listed later are picked up. */
export const DISCOVERY_EVERY_MS = 60_000;
/** ESPN's scoreboard every few seconds, for the game state. */
export const ESPN_EVERY_MS = 5_000;
/** Gamma markets whose end (a game market's scheduled start) is within this window around now. */
const GAMMA_WINDOW_MS = { before: 12 * 3_600_000, after: 7 * 24 * 3_600_000 };
/** ECS waits 30 s after SIGTERM before SIGKILL; we promise to be out in 10. */
export const DRAIN_DEADLINE_MS = 10_000;
/** How often the shard's counters go to CloudWatch (EMF in its log), where the parse-failure alarm reads them. */
export const METRICS_EVERY_MS = 60_000;
const WS_BACKOFF = { initialMs: 500, maxMs: 30_000 };
const REQUEST_TIMEOUT_MS = 10_000;

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
 * Runs `polls` one after the other now and every `everyMs` after the last one ended; `close` aborts a request in
 * flight (each poll gets the signal through `fetch`) and waits for it to settle.
 */
export function createRepeatingPoll(opts: {
  everyMs: number;
  polls: readonly ((fetch: typeof globalThis.fetch) => Promise<unknown>)[];
  onError: (error: unknown) => void;
  /** The fetch the polls go out with (the egress' when one is configured). */
  fetch?: typeof globalThis.fetch;
}): PolledFeed {
  const abort = new AbortController();
  const baseFetch = opts.fetch ?? globalThis.fetch;
  const fetchAbortable: typeof globalThis.fetch = (input, init) =>
    baseFetch(input, {
      ...init,
      signal: AbortSignal.any([abort.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
    });
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  const round = async () => {
    for (const poll of opts.polls) {
      if (abort.signal.aborted) return;
      await poll(fetchAbortable).catch((error: unknown) => {
        if (!abort.signal.aborted) opts.onError(error);
      });
    }
  };
  const run = () => {
    timer = undefined;
    inFlight = round().finally(() => {
      inFlight = undefined;
      if (!abort.signal.aborted) timer = setTimeout(run, opts.everyMs);
    });
  };
  return {
    start: () => {
      if (!timer && !inFlight && !abort.signal.aborted) run();
    },
    close: async () => {
      abort.abort();
      clearTimeout(timer);
      await inFlight;
    },
  };
}

/**
 * What the shard polls, its bodies all to `onRaw` (the engine's discovery reads them, as a replay does): each
 * league's open Kalshi game-winner markets (every page, following `cursor`) and Gamma's open markets ending near now,
 * every `DISCOVERY_EVERY_MS`; each league's ESPN scoreboard every `ESPN_EVERY_MS`. The venues' polls go out through
 * `fetch` (the egress' when configured); ESPN is not a venue and goes out directly.
 */
export function polledFeeds(
  config: Pick<GameShardConfig, 'ESPN_LEAGUES' | 'KALSHI_REST_URL' | 'POLYMARKET_GAMMA_URL' | 'ESPN_BASE_URL'>,
  opts: { signer?: KalshiSigner; now?: () => number; fetch?: typeof globalThis.fetch } = {},
): PolledFeedFactory[] {
  const now = opts.now ?? Date.now;
  const leagues = config.ESPN_LEAGUES.map((sport) => teamAliases.league(sport).config);
  const discovery = (onRaw: RawSink) =>
    createRepeatingPoll({
      everyMs: DISCOVERY_EVERY_MS,
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
      onError: (error) => logger.warn('discovery poll failed', { error: String(error) }),
      polls: [
        ...leagues.map((league) => (fetch: typeof globalThis.fetch) => {
          const kalshi = createKalshiRestClient({
            baseUrl: config.KALSHI_REST_URL,
            fetch,
            ...(opts.signer ? { signer: opts.signer } : {}),
            onRaw,
            now,
          });
          return kalshi.getMarkets({ seriesTicker: league.kalshiGameSeries, status: 'open', limit: 1000 });
        }),
        (fetch: typeof globalThis.fetch) => {
          const gamma = createPolymarketRestClient({
            gammaBaseUrl: config.POLYMARKET_GAMMA_URL,
            clobBaseUrl: polymarketHosts.clob,
            fetch,
            onRaw,
            now,
          });
          const at = now();
          return gamma.allGammaMarkets({
            active: true,
            closed: false,
            endDateMin: new Date(at - GAMMA_WINDOW_MS.before).toISOString(),
            endDateMax: new Date(at + GAMMA_WINDOW_MS.after).toISOString(),
          });
        },
      ],
    });
  const espn = (onRaw: RawSink) =>
    createEspnPoller({
      baseUrl: config.ESPN_BASE_URL,
      leagues: leagues.map((l) => l.espn),
      intervalMs: ESPN_EVERY_MS,
      now,
      onRaw,
      onError: (error, path) => logger.warn('espn poll failed', { path, error: error.message }),
    });
  return [discovery, espn];
}

/** The venues' WebSocket clients from the config, as the shard drives them; `WebSocket` carries the egress. */
export function venueFeeds(
  config: Pick<GameShardConfig, 'KALSHI_WS_URL' | 'POLYMARKET_WS_URL'>,
  opts: { signer?: KalshiSigner; now?: () => number; WebSocket?: typeof WebSocket } = {},
): Record<Venue, (callbacks: FeedCallbacks) => VenueFeed> {
  const socket = opts.WebSocket ? { WebSocket: opts.WebSocket } : {};
  const now = opts.now ?? Date.now;
  const onError = (venue: Venue) => (error: Error) =>
    logger.warn('venue socket error', { venue, error: error.message });
  return {
    kalshi: (callbacks) => {
      const client = createKalshiWsClient({
        url: config.KALSHI_WS_URL,
        ...(opts.signer ? { signer: opts.signer } : {}),
        tickers: [],
        ...socket,
        ...callbacks,
        onError: onError('kalshi'),
        now,
        backoff: WS_BACKOFF,
      });
      return { ...client, setInstruments: (ids) => client.setTickers(ids) };
    },
    polymarket: (callbacks) => {
      const client = createPolymarketWsClient({
        url: config.POLYMARKET_WS_URL,
        assetIds: [],
        ...socket,
        ...callbacks,
        onError: onError('polymarket'),
        now,
        backoff: WS_BACKOFF,
      });
      return { ...client, setInstruments: (ids) => client.setAssets(ids) };
    },
  };
}

/** The Kalshi signer when the config names a key (its PEM from Secrets Manager); market data works without. */
async function kalshiSigner(config: GameShardConfig): Promise<KalshiSigner | undefined> {
  if (!config.KALSHI_API_KEY_ID || !config.KALSHI_PRIVATE_KEY_SECRET_ARN) return undefined;
  const pem = await getSecret(config.KALSHI_PRIVATE_KEY_SECRET_ARN, { maxAge: 3600 });
  if (typeof pem !== 'string') throw new Error('KALSHI_PRIVATE_KEY_SECRET_ARN: the secret is not a PEM string');
  return createKalshiSigner({ keyId: config.KALSHI_API_KEY_ID, privateKey: pem, now: Date.now });
}

export interface LiveProcessOptions {
  config: GameShardConfig;
  /** The venues' WebSocket clients; `venueFeeds(config)` unless a test stands in for a venue. */
  feeds?: Record<Venue, (callbacks: FeedCallbacks) => VenueFeed>;
  /** Candidates wait at most this long for a batch to fill (tests stretch it to prove drain sends them). */
  lingerMs?: number;
  exit?: (code: number) => void;
}

/**
 * The live process: its clients built once from the config, the shard started, and SIGTERM/SIGINT draining it
 * (feeds closed, every queued candidate sent, buffered writes flushed) within `DRAIN_DEADLINE_MS`, then exit 0
 * (1 if the drain failed or overran: ECS logs it and the next task starts). Record mode (`RECORD_TO`) appends every
 * line the engine handles to that file, for `--feed` to replay.
 */
export async function runLiveProcess(opts: LiveProcessOptions): Promise<LiveShard> {
  const { config } = opts;
  if (!config.CANDIDATES_QUEUE_URL) throw new Error('invalid configuration: CANDIDATES_QUEUE_URL: required live');
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const signer = await kalshiSigner(config);
  // Venue REST and WebSocket traffic through the egress when one is configured (issue 14).
  const egress: EgressDispatcher | undefined = egressFromConfig(config, {
    onChange: (change) => logger.warn('egress changed', { ...change }),
  });
  const publishEgressMetrics = egress ? createEgressMetricsPublisher({ egress }) : undefined;
  const pool: pg.Pool | undefined =
    config.DATABASE_URL || config.DATABASE_SECRET_ARN ? createPool({ component: 'gameShard' }, config) : undefined;
  const sqs = makeSqsClient(config.SQS_ENDPOINT, config.AWS_REGION);
  const shard = await startLiveShard({
    config,
    feeds: opts.feeds ?? venueFeeds(config, { signer, ...(egress ? { WebSocket: egressWebSocket(egress) } : {}) }),
    polled: polledFeeds(config, { signer, ...(egress ? { fetch: egress.fetch } : {}) }),
    sqs,
    candidatesQueueUrl: config.CANDIDATES_QUEUE_URL,
    priceCache: priceCacheFromConfig(config),
    db: pool,
    recorder: config.RECORD_TO ? createRecorder(config.RECORD_TO) : undefined,
    log: logger,
    lingerMs: opts.lingerMs,
  });

  const publishMetrics = metricsPublisher(shard);
  const metricsTimer = setInterval(() => {
    publishMetrics();
    publishEgressMetrics?.();
  }, METRICS_EVERY_MS);
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
        await egress?.close();
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
