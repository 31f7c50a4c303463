import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Queryable } from '#adapters/pg/rows';
import type { GameShardConfig } from '#config/env';
import type { SignalCandidate } from '#contracts/signal-candidate';
import type { FeedLine, FeedSource } from '#domain/feed/events';
import type { Venue } from '#domain/names';
import type { TopOfBook } from '#domain/prices';
import { ownsGame } from '../../shared/domain/shard/assignment.ts';
import type { GameStateRow } from '../../shared/domain/shard/tick.ts';
import type { PriceCache } from '../../shared/ports/price-cache.ts';
import {
  type HealthServer,
  parseFailuresPer1000,
  type ShardMetrics,
  type ShardStatus,
  startHealthServer,
} from './health.ts';
import { createCacheWriter, createPgSampler } from './live-writes.ts';
import type { Recorder } from './recorder.ts';
import { type GameSpec, registerGame } from './register-game.ts';
import { createSqsBatcher } from './sqs-batcher.ts';

/** The thresholds the engine decides with, from the config. */
export interface ShardSettings {
  minEdgeBps: number;
  minArbProfitMicros: number;
  minArbEdgeBps: number;
  priceStaleAfterMs: number;
}

/** A game the engine matched across ESPN and the venues: its rows (with derived ids) and what to subscribe. */
export interface DiscoveredGame {
  spec: GameSpec & { gameId: string };
  kalshiTickers: readonly string[];
  polymarketTokenIds: readonly string[];
}

/** Where the engine's decisions and observations go (live: SQS, cache, Postgres, the venue clients). */
export interface ShardOutputs {
  /** The engine's candidate record (`CandidateRecord`); the process sends its `candidate`. */
  candidate(record: { candidate: SignalCandidate }): void;
  prices(prices: readonly TopOfBook[]): void;
  gameState(state: GameStateRow): void;
  discovered(games: readonly DiscoveredGame[]): void;
  /** The engine lost a book's sequence: the venue client fetches fresh snapshots of these instruments. */
  resync(venue: Venue, instrumentIds: readonly string[]): void;
}

/** What the engine counts that the process reports (its `summary()` may hold more). */
export interface ShardEngineCounts {
  parseFailures: Partial<Record<FeedSource, number>>;
  booksInvalidated: number;
}

/** The engine as the live process drives it (containers/game-shard/engine.ts). */
export interface ShardEngine {
  handle(line: FeedLine, lineNo: number): void;
  venueDisconnected(venue: Venue): void;
  summary(): ShardEngineCounts;
}

export type CreateShardEngine = (args: {
  settings: ShardSettings;
  owns: (gameId: string) => boolean;
  outputs: ShardOutputs;
}) => ShardEngine;

export interface FeedCallbacks {
  onRaw(source: FeedSource, raw: string, receivedAtMs: number, path?: string): void;
  onConnected(): void;
  onDisconnected(): void;
}

/** A venue WebSocket client (shared/adapters/venues/{kalshi,polymarket}/ws.ts) as the process uses it. */
export interface VenueFeed {
  start(): void;
  /** Adds instruments to the subscription (resubscribed on every reconnect). */
  subscribe(instrumentIds: readonly string[]): void;
  resync(instrumentIds: readonly string[]): void;
  close(): Promise<void>;
}

export type VenueFeedFactory = (callbacks: FeedCallbacks) => VenueFeed;

/** A REST source polled on a timer: discovery (Kalshi markets, Gamma) and ESPN scoreboards. */
export interface PolledSource {
  source: FeedSource;
  /** Absolute URL; `path` is what the record line keeps. */
  url: string;
  path: string;
  everyMs: number;
}

export interface LiveShardDeps {
  config: Pick<
    GameShardConfig,
    | 'SHARD_INDEX'
    | 'SHARD_COUNT'
    | 'MIN_EDGE_BPS'
    | 'MIN_ARB_PROFIT_MICROS'
    | 'MIN_ARB_EDGE_BPS'
    | 'PRICE_STALE_AFTER_MS'
    | 'HEALTH_PORT'
  >;
  createEngine: CreateShardEngine;
  feeds: { kalshi: VenueFeedFactory; polymarket: VenueFeedFactory };
  polled: readonly PolledSource[];
  /** GETs a URL and resolves to its body (throws on a non-2xx answer). */
  fetchText(url: string): Promise<string>;
  sqs: SQSClient;
  candidatesQueueUrl: string;
  priceCache: PriceCache;
  /** The shard's database role; unset: no reference rows or samples are written. */
  db?: Queryable;
  recorder?: Recorder;
  log: Pick<Logger, 'info' | 'warn'>;
  now?: () => number;
  healthHost?: string;
  /** How often sampled rows go to Postgres. */
  flushEveryMs?: number;
  /** How long a candidate waits for its batch to fill (`createSqsBatcher`). */
  lingerMs?: number;
}

export interface LiveShard {
  healthPort: number;
  status(): ShardStatus;
  metrics(): ShardMetrics;
  /** Stops the feeds and timers, then sends every queued candidate and writes what is buffered. */
  stop(): Promise<void>;
}

const venueSource = { kalshi: 'kalshi_ws', polymarket: 'polymarket_ws' } as const;

/**
 * The live game shard: REST discovery and ESPN polls and the venues' WebSockets feed raw messages (recorded in
 * record mode) to the engine; its candidates go to SQS in batches, its tops of book to the cache, sampled prices and
 * states to Postgres, its matched games to registration and to the venue clients' subscriptions, its resync
 * requests to the venue client that holds the book.
 */
export async function startLiveShard(deps: LiveShardDeps): Promise<LiveShard> {
  const now = deps.now ?? Date.now;
  const { config, log } = deps;
  const status: ShardStatus = {
    engine: 'starting',
    feeds: { kalshi_ws: 'connecting', polymarket_ws: 'connecting' },
    dependencies: {},
  };
  const messages: Partial<Record<FeedSource, number>> = {};
  const batcher = createSqsBatcher({
    sqs: deps.sqs,
    queueUrl: deps.candidatesQueueUrl,
    lingerMs: deps.lingerMs,
    onDropped: (candidate, why) => log.warn('candidate not sent', { candidateId: candidate.id, ...why }),
  });
  const cache = createCacheWriter(deps.priceCache);
  const sampler = deps.db ? createPgSampler(deps.db) : undefined;
  const registered = new Set<string>();
  let lineNo = 0;

  const outputs: ShardOutputs = {
    candidate: (record) => batcher.enqueue(record.candidate),
    prices: (prices) => {
      cache.put(prices);
      sampler?.prices(prices);
    },
    gameState: (state) => sampler?.gameState(state),
    discovered: (games) => {
      for (const game of games) void onDiscovered(game);
    },
    resync: (venue, ids) => feeds[venue].resync(ids),
  };
  const engine = deps.createEngine({
    settings: {
      minEdgeBps: config.MIN_EDGE_BPS,
      minArbProfitMicros: config.MIN_ARB_PROFIT_MICROS,
      minArbEdgeBps: config.MIN_ARB_EDGE_BPS,
      priceStaleAfterMs: config.PRICE_STALE_AFTER_MS,
    },
    owns: (gameId) => ownsGame(gameId, config.SHARD_INDEX, config.SHARD_COUNT),
    outputs,
  });

  const onRaw = (source: FeedSource, raw: string, receivedAtMs: number, path?: string) => {
    if (status.engine !== 'running') return;
    messages[source] = (messages[source] ?? 0) + 1;
    const line: FeedLine =
      path === undefined ? { t: receivedAtMs, source, raw } : { t: receivedAtMs, source, path, raw };
    deps.recorder?.record(line);
    engine.handle(line, lineNo++);
  };
  const feedOf = (venue: Venue): VenueFeed =>
    deps.feeds[venue]({
      onRaw,
      onConnected: () => {
        status.feeds[venueSource[venue]] = 'connected';
      },
      onDisconnected: () => {
        if (status.feeds[venueSource[venue]] !== 'closed') status.feeds[venueSource[venue]] = 'reconnecting';
        engine.venueDisconnected(venue);
      },
    });
  const feeds: Record<Venue, VenueFeed> = { kalshi: feedOf('kalshi'), polymarket: feedOf('polymarket') };

  async function onDiscovered(game: DiscoveredGame): Promise<void> {
    if (registered.has(game.spec.gameId)) return;
    registered.add(game.spec.gameId);
    if (deps.db) {
      try {
        await registerGame(deps.db, game.spec);
      } catch (error) {
        // The candidates carry derived ids, so trading goes on; the evaluator rejects what it cannot find.
        log.warn('game registration failed', { gameId: game.spec.gameId, error: String(error) });
      }
    }
    feeds.kalshi.subscribe(game.kalshiTickers);
    feeds.polymarket.subscribe(game.polymarketTokenIds);
  }

  const polls = new Map<PolledSource, NodeJS.Timeout>();
  const inPolls = new Set<Promise<void>>();
  const poll = (source: PolledSource) => {
    const run: Promise<void> = deps
      .fetchText(source.url)
      .then((body) => onRaw(source.source, body, now(), source.path))
      .catch((error: unknown) =>
        log.warn('poll failed', { source: source.source, path: source.path, error: String(error) }),
      )
      .finally(() => {
        inPolls.delete(run);
        if (status.engine === 'running')
          polls.set(
            source,
            setTimeout(() => poll(source), source.everyMs),
          );
      });
    inPolls.add(run);
  };

  let sampleTimer: NodeJS.Timeout | undefined;
  const scheduleFlush = () => {
    sampleTimer = setTimeout(() => {
      void sampler?.flush().finally(() => {
        if (status.engine === 'running') scheduleFlush();
      });
    }, deps.flushEveryMs ?? 1_000);
  };

  const dependencies = () => ({
    cache: cache.status(),
    ...(sampler ? { database: sampler.status() } : {}),
  });
  const metrics = (): ShardMetrics => {
    const counts = engine.summary();
    const sent = batcher.stats();
    return {
      messages: { ...messages },
      parseFailures: { ...counts.parseFailures },
      parseFailuresPer1000: parseFailuresPer1000(messages, counts.parseFailures),
      candidatesPublished: sent.published,
      candidatesRetried: sent.retried,
      candidatesDropped: sent.dropped,
      queueDepth: sent.queued + sent.inFlight,
      booksInvalid: counts.booksInvalidated,
      cacheWriteErrors: cache.status().errors,
      databaseWriteErrors: sampler?.status().errors ?? 0,
      ...(deps.recorder ? { recordedLines: deps.recorder.lines() } : {}),
    };
  };
  const currentStatus = (): ShardStatus => ({ ...status, feeds: { ...status.feeds }, dependencies: dependencies() });

  const health: HealthServer = await startHealthServer({
    port: config.HEALTH_PORT,
    host: deps.healthHost,
    status: currentStatus,
    metrics,
  });
  status.engine = 'running';
  feeds.kalshi.start();
  feeds.polymarket.start();
  for (const source of deps.polled) poll(source);
  if (sampler) scheduleFlush();
  log.info('game shard running', { shardIndex: config.SHARD_INDEX, shardCount: config.SHARD_COUNT, port: health.port });

  let stopping: Promise<void> | undefined;
  const stop = async () => {
    status.engine = 'draining';
    for (const timer of polls.values()) clearTimeout(timer);
    if (sampleTimer) clearTimeout(sampleTimer);
    status.feeds = { kalshi_ws: 'closed', polymarket_ws: 'closed' };
    await Promise.allSettled([feeds.kalshi.close(), feeds.polymarket.close(), ...inPolls]);
    await Promise.all([batcher.drain(), cache.drain(), sampler?.flush(), deps.recorder?.drain()]);
    await deps.priceCache.close();
    status.engine = 'stopped';
    log.info('game shard stopped', { metrics: metrics() });
    await health.close();
  };

  return {
    healthPort: health.port,
    status: currentStatus,
    metrics,
    stop: () => {
      stopping ??= stop();
      return stopping;
    },
  };
}
