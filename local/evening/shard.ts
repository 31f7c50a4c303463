import type { SQSClient } from '@aws-sdk/client-sqs';
import { updateMarketTick } from '#adapters/pg/reference-data';
import type { Queryable } from '#adapters/pg/rows';
import type { SignalCandidate } from '#contracts/signal-candidate';
import type { FeedLine } from '#domain/feed/events';
import type { TopOfBook } from '#domain/prices';
import {
  createShardEngine,
  type EngineLog,
  type EngineSettings,
  type ShardSummary,
} from '../../containers/game-shard/engine.ts';
import { createCacheWriter, createPgSampler } from '../../containers/game-shard/live-writes.ts';
import { gameRowsOf, writeGameRows } from '../../containers/game-shard/register-game.ts';
import { createSqsBatcher, type SqsBatcherStats } from '../../containers/game-shard/sqs-batcher.ts';
import type { PriceCache } from '../../shared/ports/price-cache.ts';
import type { FeedClock } from './clock.ts';

/** A game the shard registered, as the report names it. */
export interface RunGame {
  gameId: string;
  sport: string;
  espnEventId: string;
  away: string;
  home: string;
}

/** What the local feeder saw of one game: lines that touched it and the candidates it produced. */
export interface GameTally {
  messages: number;
  candidates: { model_edge: number; arbitrage: number };
}

export interface EmittedCandidate {
  id: string;
  gameId: string;
  kind: SignalCandidate['kind'];
  /** Wall ms from the line handed to the engine to this candidate out of it. */
  feedToCandidateMs: number;
  /** The candidate's (re-stamped) `createdAtMs`: where candidate-to-decision latency starts. */
  createdAtMs: number;
}

export interface LocalShardDeps {
  settings: EngineSettings;
  clock: FeedClock;
  sqs: SQSClient;
  candidatesQueueUrl: string;
  priceCache: PriceCache;
  /** The game shard's database role. */
  db: Queryable;
  log: EngineLog;
  /** How often sampled prices and game states go to Postgres (wall ms). */
  flushEveryMs?: number;
}

export interface LocalShard {
  /** Plays one line through the engine; resolves once its registrations (if it matched a game) are written. */
  handle(line: FeedLine, lineNo: number): Promise<void>;
  games(): RunGame[];
  tally(gameId: string): GameTally;
  candidates(): readonly EmittedCandidate[];
  summary(): ShardSummary;
  batcher(): SqsBatcherStats;
  /** Sends every queued candidate and writes every buffered row. */
  drain(): Promise<void>;
}

/**
 * The game shard's own parts over a feed, as the live shard wires them (`containers/game-shard/live.ts`): the engine,
 * candidates through the SQS batcher, tops of book to the price cache, sampled prices and game states to Postgres,
 * matched games registered with their derived ids before the next line plays (so the evaluator finds every row a
 * candidate names). Times handed on are re-stamped to the wall clock (`FeedClock`).
 */
export function startLocalShard(deps: LocalShardDeps): LocalShard {
  const { clock } = deps;
  const batcher = createSqsBatcher({
    sqs: deps.sqs,
    queueUrl: deps.candidatesQueueUrl,
    onDropped: (candidate, why) => deps.log.error('candidate not sent', { candidateId: candidate.id, ...why }),
  });
  const cache = createCacheWriter(deps.priceCache);
  const sampler = createPgSampler(deps.db);
  const games = new Map<string, RunGame>();
  const tallies = new Map<string, GameTally & { lastLine: number }>();
  /** Market row id -> game row id. */
  const gameOfMarket = new Map<string, string>();
  /** The wall time each game's latest state was stamped with. */
  const lastStateAt = new Map<string, number>();
  const emitted: EmittedCandidate[] = [];
  let registering: Promise<void> | undefined;
  let lineStartedAt = 0;
  let lineNo = 0;

  const tallyOf = (gameId: string) => {
    let tally = tallies.get(gameId);
    if (!tally) {
      tally = { messages: 0, candidates: { model_edge: 0, arbitrage: 0 }, lastLine: -1 };
      tallies.set(gameId, tally);
    }
    return tally;
  };
  const touched = (gameId: string) => {
    const tally = tallyOf(gameId);
    if (tally.lastLine !== lineNo) {
      tally.lastLine = lineNo;
      tally.messages++;
    }
  };

  const engine = createShardEngine({
    settings: deps.settings,
    outputs: {
      candidate: ({ candidate }) => {
        const createdAtMs = clock.toWall(candidate.createdAtMs);
        const stamped: SignalCandidate = {
          ...candidate,
          createdAtMs,
          priceObservedAtMs: clock.toWall(candidate.priceObservedAtMs),
        };
        tallyOf(candidate.gameId).candidates[candidate.kind]++;
        emitted.push({
          id: candidate.id,
          gameId: candidate.gameId,
          kind: candidate.kind,
          feedToCandidateMs: performance.now() - lineStartedAt,
          createdAtMs,
        });
        batcher.enqueue(stamped);
      },
      prices: (rows) => {
        const stamped: TopOfBook[] = rows.map((r) => ({ ...r, observedAtMs: clock.toWall(r.observedAtMs) }));
        for (const r of rows) {
          const gameId = gameOfMarket.get(r.marketId);
          if (gameId) touched(gameId);
        }
        cache.put(stamped);
        sampler.prices(stamped);
      },
      gameState: (row) => {
        touched(row.gameId);
        // At full speed two polls can be played in one wall-clock ms; a game's states are one row per observation
        // time, so each later state is stamped at least 1 ms after the one before (else the final one would be lost).
        const observedAtMs = Math.max(clock.toWall(row.observedAtMs), (lastStateAt.get(row.gameId) ?? 0) + 1);
        lastStateAt.set(row.gameId, observedAtMs);
        sampler.gameState({ ...row, observedAtMs });
      },
      // After the market's registration, and before the next line plays (the feeder waits for `registering`).
      tickSize: ({ marketId, tickSizeMicros }) => {
        const previous = registering ?? Promise.resolve();
        registering = previous.then(() => updateMarketTick(deps.db, marketId, tickSizeMicros));
      },
      discovered: (found) => {
        for (const game of found) {
          const rows = gameRowsOf(game);
          games.set(rows.gameId, {
            gameId: rows.gameId,
            sport: rows.sport,
            espnEventId: rows.espnEventId,
            away: rows.away.abbreviation,
            home: rows.home.abbreviation,
          });
          for (const m of rows.markets) gameOfMarket.set(m.marketId as string, rows.gameId);
          const previous = registering ?? Promise.resolve();
          registering = previous.then(async () => {
            await writeGameRows(deps.db, rows);
          });
        }
      },
    },
    log: deps.log,
  });

  let flushTimer: NodeJS.Timeout | undefined;
  let stopped = false;
  const scheduleFlush = () => {
    flushTimer = setTimeout(() => {
      void sampler.flush().finally(() => {
        if (!stopped) scheduleFlush();
      });
    }, deps.flushEveryMs ?? 500);
  };
  scheduleFlush();

  return {
    async handle(line, no) {
      await clock.play(line.t);
      lineNo = no;
      lineStartedAt = performance.now();
      engine.handle(line, no);
      if (registering) {
        const pending = registering;
        registering = undefined;
        await pending;
      }
    },
    games: () => [...games.values()],
    tally: (gameId) => {
      const { messages, candidates } = tallyOf(gameId);
      return { messages, candidates: { ...candidates } };
    },
    candidates: () => emitted,
    summary: () => engine.summary(),
    batcher: () => batcher.stats(),
    async drain() {
      stopped = true;
      clearTimeout(flushTimer);
      await registering;
      await Promise.all([batcher.drain(), cache.drain()]);
      await sampler.flush();
    },
  };
}
