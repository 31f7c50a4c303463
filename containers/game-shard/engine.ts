import { newScoreboardMemo, type ScoreboardMemo } from '#adapters/venues/espn/scoreboard-scan';
import { FeedParseError } from '#adapters/venues/feed-parse-error';
import type { SignalCandidate } from '#contracts/signal-candidate';
import type { FeedLine, FeedSource, ObservedCompetitor } from '#domain/feed/events';
import type { Venue } from '#domain/names';
import type { TopOfBook } from '#domain/prices';
import type { GameStateRow } from '../../shared/domain/shard/markets.ts';
import {
  type RecordLeg,
  type ShardCounters,
  type ShardGameSpec,
  ShardState,
  type TickSizeChange,
} from '../../shared/domain/shard/state.ts';
import { createDiscovery, type DiscoveredGames } from './engine-discovery.ts';
import { createParseFailures, type WarnLog } from './parse-failures.ts';
import { instrumentsIn, type Routed, route } from './router.ts';

/** One published candidate, as `--candidates-out` writes it (one JSON object per line). */
export interface CandidateRecord {
  /** 0-based line of the feed that produced it. */
  line: number;
  /** That line's `t`. */
  t: number;
  candidate: SignalCandidate;
  legs: RecordLeg[];
  /** Arbitrage: the optimal count and its net profit; model edge: the quantity at the ask, up to the reference size. */
  sizing: { quantity: number; netProfitMicros?: number };
}

export interface EngineSettings {
  minEdgeBps: number;
  minArbProfitMicros: number;
  minArbEdgeBps: number;
  priceStaleAfterMs: number;
  maxDepthLevels?: number;
}

/** A matched game with what ESPN said of its teams (their ESPN ids and names: what registration stores). */
export type DiscoveredGame = DiscoveredGames['games'][number] & {
  competitors: { home: ObservedCompetitor; away: ObservedCompetitor };
};

export interface EngineOutputs {
  candidate(rec: CandidateRecord): void;
  prices?(rows: TopOfBook[]): void;
  gameState?(row: GameStateRow): void;
  /** A held market's tick changed: the stored tick follows, so the evaluator checks prices on the venue's grid. */
  tickSize?(change: TickSizeChange): void;
  /** Books became invalid: the venue client fetches fresh snapshots (a no-op in replay). */
  resync?(venue: Venue, instrumentIds: string[]): void;
  /** Games matched across ESPN and the venues (owned ones, each time discovery adds to them), and what did not match. */
  discovered?(games: DiscoveredGame[], unmatched: DiscoveredGames['unmatched']): void;
}

export interface EngineLog extends WarnLog {
  error(message: string, details: Record<string, unknown>): void;
}

export interface ShardEngineOptions {
  settings: EngineSettings;
  /** Whether this shard holds a game (by `gameIdFor`); default all. */
  owns?: (gameId: string) => boolean;
  outputs: EngineOutputs;
  log?: EngineLog;
}

export interface ShardSummary extends ShardCounters {
  lines: number;
  messages: Partial<Record<FeedSource, number>>;
  parseFailures: Partial<Record<FeedSource, number>>;
  parseFailuresPer1000: number;
  /** Lines whose application failed after parsing (a defect, logged): never a crash. */
  engineErrors: number;
  games: number;
  /** Feed time from the first line to the last. */
  feedDurationMs: number;
  /** Books invalid now (lost and not snapshotted since); `booksInvalidated` counts the losses. */
  booksInvalid: number;
}

export interface ShardEngine {
  handle(line: FeedLine, lineNo: number): void;
  venueDisconnected(venue: Venue): void;
  /** Holds a game without waiting for discovery (games the process registered already). */
  register(spec: ShardGameSpec): void;
  summary(): ShardSummary;
}

const venueOf: Partial<Record<FeedSource, Venue>> = { kalshi_ws: 'kalshi', polymarket_ws: 'polymarket' };

/**
 * The game shard's engine: each feed line through its parser to the pure shard state (books, game states, scan,
 * hysteresis), the line's `t` as the clock. A line that does not parse is counted and skipped; a venue frame that
 * does not parse and may have carried book state invalidates the books it names. Used the same way by the replay
 * and the live process.
 */
export function createShardEngine(opts: ShardEngineOptions): ShardEngine {
  const { outputs } = opts;
  const owns = opts.owns ?? (() => true);
  const failures = createParseFailures(opts.log);
  let lines = 0;
  let engineErrors = 0;
  /** The line being handled (what a candidate record names); written in place, read synchronously. */
  const current = { line: 0, t: 0 };
  let firstT: number | undefined;
  let lastT = 0;

  /** `venue|instrument` of the books lost since their last snapshot: every loss asks for a resync. */
  const invalid = new Set<string>();
  const state = new ShardState(opts.settings, {
    candidate: (p) => outputs.candidate({ line: current.line, t: current.t, ...p }),
    resync: (venue, ids) => {
      for (const id of ids) invalid.add(`${venue}|${id}`);
      outputs.resync?.(venue, ids);
    },
    ...(outputs.prices ? { prices: outputs.prices } : {}),
    ...(outputs.gameState ? { gameState: outputs.gameState } : {}),
    ...(outputs.tickSize ? { tickSize: outputs.tickSize } : {}),
  });

  /** The last scoreboard of each ESPN path, raw and routed, and the memo of its scanned games. */
  const scoreboards = new Map<string, { raw: string; routed: Routed | null; memo: ScoreboardMemo }>();
  const discovery = createDiscovery();
  /** ESPN's latest word on each game's teams, by `sport|espnEventId`. */
  const competitors = new Map<string, DiscoveredGame['competitors']>();
  const registerDiscovered = (found: DiscoveredGames) => {
    const games: DiscoveredGame[] = [];
    for (const g of found.games) {
      const teams = competitors.get(`${g.sport}|${g.espnEventId}`);
      if (teams && owns(g.gameId)) games.push({ ...g, competitors: teams });
    }
    for (const g of games) state.registerGame(g);
    if (games.length > 0 || found.unmatched.length > 0) outputs.discovered?.(games, found.unmatched);
  };

  return {
    handle(line, lineNo) {
      lines++;
      current.line = lineNo;
      current.t = line.t;
      firstT ??= line.t;
      lastT = line.t;
      failures.message(line.source);
      let routed: Routed;
      // ESPN is polled: a scoreboard the same as the last one of its league parses to the same events again.
      let held: { raw: string; routed: Routed | null; memo: ScoreboardMemo } | undefined;
      if (line.source === 'espn') {
        const path = line.path ?? '';
        held = scoreboards.get(path);
        if (!held) {
          held = { raw: '', routed: null, memo: newScoreboardMemo() };
          scoreboards.set(path, held);
        }
      }
      try {
        routed = held?.routed && held.raw === line.raw ? held.routed : route(line, held?.memo);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        const preview = error instanceof FeedParseError ? error.preview : line.raw.slice(0, 200);
        failures.failure(line.source, reason, preview);
        const venue = venueOf[line.source];
        if (venue) state.invalidate(venue, instrumentsIn(venue, line.raw), line.t);
        return;
      }
      if (held) {
        held.raw = line.raw;
        held.routed = routed;
      }
      try {
        switch (routed.kind) {
          case 'kalshi':
            // A snapshot makes its book whole; a loss later in the same frame asks for a resync again.
            if (invalid.size > 0)
              for (const ev of routed.events) if (ev.type === 'kalshi_snapshot') invalid.delete(`kalshi|${ev.ticker}`);
            state.applyKalshi(routed.events, line.t);
            break;
          case 'polymarket':
            if (invalid.size > 0)
              for (const ev of routed.events)
                if (ev.type === 'polymarket_book') invalid.delete(`polymarket|${ev.assetId}`);
            state.applyPolymarket(routed.events, line.t);
            break;
          case 'espn':
            for (const ev of routed.events)
              competitors.set(`${ev.sport}|${ev.espnEventId}`, { home: ev.home, away: ev.away });
            registerDiscovered(discovery.espn(routed.events));
            state.applyGameStates(routed.events, line.t);
            break;
          case 'kalshi_markets':
            registerDiscovered(discovery.kalshi(routed.markets));
            break;
          case 'gamma_markets':
            registerDiscovered(discovery.polymarket(routed.markets));
            break;
          case 'ignored':
            break;
        }
      } catch (error) {
        engineErrors++;
        opts.log?.error('feed line failed after parsing', {
          line: lineNo,
          source: line.source,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    },
    venueDisconnected(venue) {
      state.venueDisconnected(venue, lastT);
    },
    register(spec) {
      if (owns(spec.gameId)) state.registerGame(spec);
    },
    summary() {
      return {
        lines,
        messages: failures.messages(),
        parseFailures: failures.counts(),
        parseFailuresPer1000: failures.per1000(),
        engineErrors,
        ...structuredClone(state.counters),
        games: state.gameIds().length,
        feedDurationMs: firstT === undefined ? 0 : lastT - firstT,
        booksInvalid: invalid.size,
      };
    },
  };
}
