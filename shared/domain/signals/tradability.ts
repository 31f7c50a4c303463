import type { SignalCandidate } from '#contracts/signal-candidate';
import { CONTRACT_PAYOUT_MICROS } from '../units.ts';
import type { RejectionReason } from './types.ts';

/** What we know of a leg's market from our own records, not from the candidate. */
export interface MarketFacts {
  /** The venue still trades the market. */
  open: boolean;
  /** Its game has not ended, been called off or postponed. */
  gameLive: boolean;
  /** The market's price grid: every price lies on it, within [tick, $1 - tick]. */
  tickSizeMicros: number;
  /** Our canonical form of the venue's resolution rule. */
  resolutionKey: string;
  /** The team whose win makes YES pay. */
  outcomeTeamId: string | null;
}

/**
 * Checks a candidate against our records before any risk or sizing: every market must still be open, and an
 * arbitrage's two markets must resolve on the same rule and pay on opposite outcomes. The producer's pairing is not
 * trusted: a wrong team alias would otherwise buy two legs that lose together.
 */
export function tradabilityProblem(
  candidate: SignalCandidate,
  markets: readonly MarketFacts[],
): RejectionReason | undefined {
  if (markets.some((m) => !m.open)) return 'market_not_open';
  if (markets.some((m) => !m.gameLive)) return 'game_not_live';
  if (candidate.kind !== 'arbitrage') return undefined;
  if (candidate.leg.venue === candidate.hedge.venue) return 'arbitrage_same_venue';
  const [a, b] = markets as [MarketFacts, MarketFacts];
  if (a.resolutionKey !== b.resolutionKey || a.outcomeTeamId === null || b.outcomeTeamId === null) {
    return 'arbitrage_legs_mismatched';
  }
  // YES pays when its market's team wins, NO when it does not. In a two-outcome game two legs are opposite when
  // they name the same team on different sides, or different teams on the same side.
  const sameTeam = a.outcomeTeamId === b.outcomeTeamId;
  const sameSide = candidate.leg.side === candidate.hedge.side;
  const opposite = sameTeam !== sameSide;
  return opposite ? undefined : 'arbitrage_not_hedged';
}

/** A price a taker can pay on the market: on its tick grid, never $0 and never the full $1. */
export function priceOffTick(priceMicros: number, tickSizeMicros: number): boolean {
  return (
    priceMicros < tickSizeMicros ||
    priceMicros > CONTRACT_PAYOUT_MICROS - tickSizeMicros ||
    priceMicros % tickSizeMicros !== 0
  );
}
