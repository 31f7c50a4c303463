/**
 * A simulated evening as a recorded feed: discovery answers first, then every game's venue traffic and the ESPN
 * scoreboards, merged in time order, one `FeedLine` each. Deterministic from the seed. The truth (games and planted
 * dislocations) is complete once the lines have been read to the end.
 */
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { FeedLine } from '#domain/feed/events';
import type { Sport } from '#domain/win-probability';
import { gammaMarketsBody, gammaMarketsPath, kalshiMarketsBody, kalshiMarketsPath } from './discovery.ts';
import { espnPath, espnScoreboard } from './espn.ts';
import { type ArbThresholds, type Dislocation, gameStream, type PlantKind } from './market.ts';
import { KALSHI_SERIES, type PlannedGame, planEvening } from './plan.ts';
import { Rng } from './prng.ts';

export type { Dislocation, PlantKind } from './market.ts';

export interface EveningOptions {
  seed: number;
  games: number;
  sports: readonly Sport[];
  /** Venue (Kalshi + Polymarket WebSocket) messages to aim for; the evening's length stays the same. */
  messages: number;
  /** The shard's PRICE_STALE_AFTER_MS: a stale-book decoy keeps its leg quiet longer than this. */
  staleAfterMs: number;
  thresholds: ArbThresholds;
  /** ESPN poll interval, ms of feed time. */
  espnPollMs?: number;
}

export interface TruthGame {
  sport: Sport;
  espnEventId: string;
  home: string;
  away: string;
  kalshiTickers: string[];
  /** The moneyline's outcome tokens, in Gamma's order (away, home). */
  polymarketTokenIds: string[];
  /** Additive: the first-half moneyline's tokens, which pairing must ignore. */
  firstHalfTokenIds: string[];
}

export interface Truth {
  seed: number;
  games: TruthGame[];
  dislocations: Dislocation[];
}

export interface Evening {
  lines: Generator<FeedLine>;
  /** Filled in as `lines` is read; complete at its end. */
  truth: Truth;
  plan: PlannedGame[];
}

const DECOYS: PlantKind[] = [
  'fees_eat_edge_one_contract',
  'fees_eat_edge',
  'below_threshold',
  'stale_book',
  'invalid_book',
  'first_half_market',
];

/** Planted events per game: two arbitrages each, the decoys dealt round the games. */
export function plantsFor(games: number): PlantKind[][] {
  const plants: PlantKind[][] = Array.from({ length: games }, () => ['arbitrage', 'arbitrage']);
  DECOYS.forEach((kind, i) => {
    plants[i % games]!.push(kind);
  });
  return plants;
}

export function simulateEvening(opts: EveningOptions): Evening {
  const plan = planEvening(opts.seed, opts.games, opts.sports);
  const truth: Truth = {
    seed: opts.seed,
    games: plan.map((g) => ({
      sport: g.sport,
      espnEventId: g.espnEventId,
      home: g.home.espn,
      away: g.away.espn,
      kalshiTickers: [g.kalshi.away.ticker, g.kalshi.home.ticker],
      polymarketTokenIds: [g.polymarket.full.awayToken, g.polymarket.full.homeToken],
      firstHalfTokenIds: [g.polymarket.firstHalf.awayToken, g.polymarket.firstHalf.homeToken],
    })),
    dislocations: [],
  };
  return { lines: lines(opts, plan, truth), truth, plan };
}

function* lines(opts: EveningOptions, plan: PlannedGame[], truth: Truth): Generator<FeedLine> {
  const feedStartT = Math.min(...plan.map((g) => g.startT)) - 10 * 60_000;
  const sports = [...new Set(plan.map((g) => g.sport))];
  for (const sport of sports) {
    const games = plan.filter((g) => g.sport === sport);
    yield {
      t: feedStartT,
      source: 'kalshi_rest',
      path: kalshiMarketsPath(sport, KALSHI_SERIES[sport]),
      raw: kalshiMarketsBody(games, feedStartT),
    };
    yield { t: feedStartT + 150, source: 'polymarket_gamma', path: gammaMarketsPath(sport), raw: gammaMarketsBody(games, feedStartT) };
  }
  const plants = plantsFor(plan.length);
  const found: Dislocation[] = [];
  const streams: Generator<FeedLine>[] = plan.map((game) =>
    gameStream({
      seed: opts.seed,
      game,
      feedStartT: feedStartT + 1_000,
      targetMessages: opts.messages / plan.length,
      plants: plants[game.index]!,
      staleAfterMs: opts.staleAfterMs,
      thresholds: opts.thresholds,
      onDislocation: (d) => found.push(d),
    }),
  );
  streams.push(espnStream(opts, plan, feedStartT + 2_000));
  const heads = streams.map((s) => s.next());
  for (;;) {
    let best = -1;
    for (let i = 0; i < heads.length; i++) {
      const head = heads[i]!;
      if (head.done) continue;
      if (best < 0 || head.value.t < (heads[best]!.value as FeedLine).t) best = i;
    }
    if (best < 0) break;
    yield heads[best]!.value as FeedLine;
    heads[best] = streams[best]!.next();
  }
  truth.dislocations = found.sort((a, b) => a.startT - b.startT || a.id.localeCompare(b.id));
}

function* espnStream(opts: EveningOptions, plan: PlannedGame[], fromT: number): Generator<FeedLine> {
  const rng = Rng.derive(opts.seed, 'espn');
  const pollMs = opts.espnPollMs ?? 5_000;
  const endT = Math.max(...plan.map((g) => g.timeline.endT)) + 20_000;
  const bySport = [...new Set(plan.map((g) => g.sport))].map((sport) => ({
    sport,
    games: plan.filter((g) => g.sport === sport),
    hints: [] as number[],
  }));
  for (let t = fromT; t <= endT; t += pollMs) {
    for (const [i, s] of bySport.entries()) {
      const at = t + i * 700 + rng.int(0, 400);
      yield { t: at, source: 'espn', path: espnPath(s.sport), raw: espnScoreboard(s.sport, s.games, at, s.hints) };
    }
  }
}

export interface WriteResult {
  lines: number;
  venueMessages: number;
  bytes: number;
  elapsedMs: number;
  truth: Truth;
}

/** Streams the evening to `out` (JSONL) and, when asked, the truth to `truthOut`. */
export async function writeEvening(opts: EveningOptions & { out: string; truthOut?: string }): Promise<WriteResult> {
  const started = performance.now();
  const evening = simulateEvening(opts);
  const stream = createWriteStream(opts.out);
  let chunk = '';
  let count = 0;
  let venueMessages = 0;
  let bytes = 0;
  const flush = async () => {
    if (chunk.length === 0) return;
    bytes += Buffer.byteLength(chunk);
    const ok = stream.write(chunk);
    chunk = '';
    if (!ok) await new Promise<void>((resolve) => stream.once('drain', resolve));
  };
  for (const line of evening.lines) {
    chunk += `${JSON.stringify(line)}\n`;
    count += 1;
    if (line.source === 'kalshi_ws' || line.source === 'polymarket_ws') venueMessages += 1;
    if (chunk.length > 1 << 20) await flush();
  }
  await flush();
  await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
  if (opts.truthOut) await writeFile(opts.truthOut, `${JSON.stringify(evening.truth, null, 2)}\n`);
  return { lines: count, venueMessages, bytes, elapsedMs: performance.now() - started, truth: evening.truth };
}
