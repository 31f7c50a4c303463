import type { SQSClient } from '@aws-sdk/client-sqs';
import type pg from 'pg';
import type { SignalCandidate } from '#contracts/signal-candidate';
import { registerGame } from '../../containers/game-shard/register-game.ts';
import { createShardTick, sqsCandidatePublisher } from '../../containers/game-shard/tick.ts';
import type { PriceCache } from '../../shared/ports/price-cache.ts';
import { sampleBooks, sampleGameSpec, sampleGameState } from './feed.ts';
import type { Scenario, ScenarioTick } from './scenario.ts';

/**
 * Feeds the sample game to the game shard's tick on the wall clock, as the venues and ESPN would: its reference
 * data once, then each tick's state and books. Game time runs `speedup` times faster than real time; every
 * timestamp is real, so the evaluator judges freshness as it does in production.
 */
export interface ReplayOptions {
  scenario: Scenario;
  pool: pg.Pool;
  sqs: SQSClient;
  candidatesQueueUrl: string;
  priceCache: PriceCache;
  speedup: number;
  minEdgeBps: number;
  onTick: (line: TickProgress) => void;
}

export interface TickProgress {
  index: number;
  tick: ScenarioTick;
  homeWinProbability: number | null;
  candidates: SignalCandidate[];
}

export interface ReplayResult {
  gameId: string;
  candidateIds: string[];
  startedAtMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

export async function replayScenario(opts: ReplayOptions): Promise<ReplayResult> {
  const { scenario } = opts;
  const game = await registerGame(opts.pool, sampleGameSpec(scenario));
  const shardTick = createShardTick({
    db: opts.pool,
    priceCache: opts.priceCache,
    publish: sqsCandidatePublisher(opts.sqs, opts.candidatesQueueUrl),
    minEdgeBps: opts.minEdgeBps,
    now: Date.now,
  });
  const startedAtMs = Date.now();
  const gameStartMs = scenario.ticks[0]!.atMs;
  const candidateIds: string[] = [];
  for (const [index, tick] of scenario.ticks.entries()) {
    const wallMs = startedAtMs + Math.round((tick.atMs - gameStartMs) / opts.speedup);
    await sleep(wallMs - Date.now());
    // Each tick is a new state and new books: the wall time stamps both, as their versions.
    const { homeWinProbability, candidates } = await shardTick({
      game,
      state: sampleGameState(tick, wallMs),
      books: sampleBooks(scenario, tick, wallMs),
      bookVersion: wallMs,
      stateVersion: wallMs,
    });
    candidateIds.push(...candidates.map((c) => c.id));
    opts.onTick({ index, tick, homeWinProbability, candidates });
  }
  return { gameId: game.gameId, candidateIds, startedAtMs };
}
