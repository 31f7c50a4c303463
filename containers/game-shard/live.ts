import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { updateMarketTick } from '#adapters/pg/reference-data';
import type { Queryable } from '#adapters/pg/rows';
import type { GameShardConfig } from '#config/env';
import type { FeedLine, FeedSource } from '#domain/feed/events';
import type { Venue } from '#domain/names';
import type { UnmatchedMarket } from '../../shared/domain/matching/match.ts';
import { ownsGame } from '../../shared/domain/shard/assignment.ts';
import type { PriceCache } from '../../shared/ports/price-cache.ts';
import { createShardEngine, type DiscoveredGame } from './engine.ts';
import {
  type HealthServer,
  parseFailuresPer1000,
  type ShardMetrics,
  type ShardStatus,
  startHealthServer,
} from './health.ts';
import { createCacheWriter, createPgSampler } from './live-writes.ts';
import type { Recorder } from './recorder.ts';
import { gameRowsOf, writeGameRows } from './register-game.ts';
import { createSqsBatcher } from './sqs-batcher.ts';

/** Where the venue clients and pollers hand every message, as received (the shard parses it; record mode keeps it). */
export type RawSink = (source: FeedSource, raw: string, receivedAtMs: number, path?: string) => void;

export interface FeedCallbacks {
  onRaw: RawSink;
  onConnected(): void;
  /** The connection that was open is gone: the shard marks the venue's books invalid. */
  onDisconnected(): void;
}

/** A venue WebSocket client as the shard drives it (Kalshi's `setTickers`, Polymarket's `setAssets`). */
export interface VenueFeed {
  start(): void;
  /** The instruments to hold subscribed (the client subscribes them again on every reconnect). */
  setInstruments(instrumentIds: string[]): void;
  /** Fresh snapshots of these books. */
  resync(instrumentIds: string[]): void;
  close(): Promise<void>;
}

export type VenueFeedFactory = (callbacks: FeedCallbacks) => VenueFeed;

/** A REST source on its own schedule (market discovery, ESPN scoreboards), each answer's body to `onRaw`. */
export interface PolledFeed {
  start(): void;
  /** Stops polling; resolves once a request in flight has settled. */
  close(): Promise<void>;
}

export type PolledFeedFactory = (onRaw: RawSink) => PolledFeed;

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
  feeds: Record<Venue, VenueFeedFactory>;
  polled: readonly PolledFeedFactory[];
  sqs: SQSClient;
  candidatesQueueUrl: string;
  priceCache: PriceCache;
  /** The shard's database role; unset: no reference rows or samples are written. */
  db?: Queryable;
  recorder?: Recorder;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
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

/** Unmatched markets by reason, for one log line per discovery change. */
function reasonsOf(unmatched: readonly UnmatchedMarket[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const u of unmatched) counts[u.reason] = (counts[u.reason] ?? 0) + 1;
  return counts;
}

/**
 * The live game shard over the engine the replay runs (`createShardEngine`): every raw message of the pollers and
 * the venue WebSockets goes to `engine.handle` as a feed line (and to the recorder in record mode), so a recorded
 * session replays to the same decisions. The engine's candidates go to SQS in batches, its tops of book to the
 * cache, sampled prices and states to Postgres, its resync requests to the venue client holding the book; the
 * games its discovery matches (those this shard owns) are registered with their derived ids and their instruments
 * subscribed.
 */
export async function startLiveShard(deps: LiveShardDeps): Promise<LiveShard> {
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
  const subscribed: Record<Venue, Set<string>> = { kalshi: new Set(), polymarket: new Set() };
  /** Registrations in order: a game found again with more markets registers after its first registration. */
  let registering: Promise<void> = Promise.resolve();
  let lineNo = 0;

  const engine = createShardEngine({
    settings: {
      minEdgeBps: config.MIN_EDGE_BPS,
      minArbProfitMicros: config.MIN_ARB_PROFIT_MICROS,
      minArbEdgeBps: config.MIN_ARB_EDGE_BPS,
      priceStaleAfterMs: config.PRICE_STALE_AFTER_MS,
    },
    owns: (gameId) => ownsGame(gameId, config.SHARD_INDEX, config.SHARD_COUNT),
    outputs: {
      candidate: (record) => batcher.enqueue(record.candidate),
      prices: (prices) => {
        cache.put(prices);
        sampler?.prices(prices);
      },
      gameState: (state) => sampler?.gameState(state),
      // After the registrations queued so far, so a market's row exists before its tick is moved.
      tickSize: ({ marketId, tickSizeMicros }) => {
        const db = deps.db;
        if (!db) return;
        registering = registering.then(() =>
          updateMarketTick(db, marketId, tickSizeMicros).catch((error) =>
            log.error('tick size not stored', { marketId, error: String(error) }),
          ),
        );
      },
      resync: (venue, ids) => feeds[venue].resync(ids),
      discovered: (games, unmatched) => {
        if (unmatched.length > 0) log.info('markets not matched', { reasons: reasonsOf(unmatched) });
        for (const game of games) onDiscovered(game);
      },
    },
    log: {
      warn: (message, details) => log.warn(message, { details }),
      error: (message, details) => log.error(message, { details }),
    },
  });

  const onRaw: RawSink = (source, raw, receivedAtMs, path) => {
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
  const polled = deps.polled.map((factory) => factory(onRaw));

  /**
   * A matched game with markets not yet subscribed: its rows first (so the evaluator finds the ids its candidates
   * carry), then the subscriptions. A failed registration still subscribes: the candidates carry derived ids, and
   * the evaluator rejects what it cannot find.
   */
  function onDiscovered(game: DiscoveredGame): void {
    const fresh = game.markets.filter((m) => !subscribed[m.venue].has(m.venueMarketId));
    if (fresh.length === 0) return;
    for (const m of fresh) subscribed[m.venue].add(m.venueMarketId);
    const rows = gameRowsOf(game);
    registering = registering.then(async () => {
      if (deps.db) {
        try {
          await writeGameRows(deps.db, rows);
        } catch (error) {
          log.warn('game registration failed', { gameId: rows.gameId, error: String(error) });
        }
      }
      if (status.engine !== 'running') return;
      log.info('game registered', { gameId: rows.gameId, espnEventId: rows.espnEventId, markets: fresh.length });
      for (const venue of ['kalshi', 'polymarket'] as const) {
        if (fresh.some((m) => m.venue === venue)) feeds[venue].setInstruments([...subscribed[venue]]);
      }
    });
  }

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
      booksInvalid: counts.booksInvalid,
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
  for (const source of polled) source.start();
  if (sampler) scheduleFlush();
  log.info('game shard running', { shardIndex: config.SHARD_INDEX, shardCount: config.SHARD_COUNT, port: health.port });

  let stopping: Promise<void> | undefined;
  const stop = async () => {
    status.engine = 'draining';
    if (sampleTimer) clearTimeout(sampleTimer);
    status.feeds = { kalshi_ws: 'closed', polymarket_ws: 'closed' };
    await Promise.allSettled([feeds.kalshi.close(), feeds.polymarket.close(), ...polled.map((p) => p.close())]);
    await registering;
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
