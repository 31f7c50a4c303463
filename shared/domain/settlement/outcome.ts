import type { GameStatus } from '../names.ts';
import type { GameOutcome, PlayedResult } from './rule.ts';

export type { GameStatus } from '../names.ts';

/** What the game feed recorded about a market's game, as settlement reads it. */
export interface GameFacts {
  /** The latest observed state. */
  status: GameStatus;
  /** Whether the market's team is the recorded winner; null when no winner is recorded. */
  yesTeamWon: boolean | null;
  homeScore: number;
  awayScore: number;
  /** The start the game had before it was first postponed. */
  scheduledStartMs: number;
  /** When it was first seen postponed; null if never. */
  postponedAtMs: number | null;
  /** When it was first seen under way after that; null if not yet. */
  startedAfterPostponementMs: number | null;
}

function playedResult(facts: GameFacts): PlayedResult | null {
  if (facts.status !== 'final') return null;
  if (facts.yesTeamWon !== null) return { kind: 'winner', yesTeamWon: facts.yesTeamWon };
  // Final without a winner is a tie only if the score says so; otherwise the feed is missing the winner.
  return facts.homeScore === facts.awayScore ? { kind: 'tie' } : null;
}

/** How the game has ended for settlement, or null while nothing is decided (not over, or the feed is incomplete). */
export function gameOutcome(facts: GameFacts, nowMs: number): GameOutcome | null {
  if (facts.status === 'cancelled') return { kind: 'cancelled' };
  const played = playedResult(facts);
  if (facts.postponedAtMs !== null) {
    const startedMs = facts.startedAfterPostponementMs ?? nowMs;
    return { kind: 'postponed', delayMs: Math.max(0, startedMs - facts.scheduledStartMs), played };
  }
  return played;
}

/**
 * Which team the score makes the winner, once the game is final: none before, and none on a tie (a final with a
 * level score is a tie, as `gameOutcome` reads it).
 */
export function finalWinner(state: {
  status: GameStatus;
  homeScore: number;
  awayScore: number;
}): 'home' | 'away' | null {
  if (state.status !== 'final' || state.homeScore === state.awayScore) return null;
  return state.homeScore > state.awayScore ? 'home' : 'away';
}
