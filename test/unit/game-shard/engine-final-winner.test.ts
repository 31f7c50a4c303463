/**
 * A discovered game's final state names its winner by the team's derived row id (`teamIdFor`), the id registration
 * writes, so settlement can pay games the shard found on its own (no team rows needed by the engine).
 */
import { describe, expect, it } from 'vitest';
import { teamIdFor } from '#contracts/ids';
import { createShardEngine } from '../../../containers/game-shard/engine.ts';
import { simulateEvening } from '../../../local/simulator/evening.ts';
import type { GameStateRow } from '../../../shared/domain/shard/tick.ts';

describe('a discovered game that ends', () => {
  it('names the winner by its derived team row id, and the game is final once', () => {
    const evening = simulateEvening({
      seed: 3,
      games: 1,
      sports: ['nba'],
      messages: 8_000,
      staleAfterMs: 30_000,
      thresholds: { minProfitMicros: 100_000, minEdgeBps: 10 },
    });
    const states: GameStateRow[] = [];
    const engine = createShardEngine({
      settings: { minEdgeBps: 200, minArbProfitMicros: 100_000, minArbEdgeBps: 10, priceStaleAfterMs: 30_000 },
      outputs: { candidate: () => {}, gameState: (row) => states.push(row) },
    });
    let lineNo = 0;
    for (const line of evening.lines) engine.handle(line, lineNo++);

    const finals = states.filter((s) => s.status === 'final');
    expect(finals).toHaveLength(1);
    const final = finals[0]!;
    expect(final.homeScore).not.toBe(final.awayScore);
    const game = evening.truth.games[0]!;
    const winner = final.homeScore > final.awayScore ? game.home : game.away;
    expect(final.winnerTeamId).toBe(teamIdFor('nba', winner));
    expect(states.filter((s) => s.status !== 'final').every((s) => s.winnerTeamId === null)).toBe(true);
  });
});
