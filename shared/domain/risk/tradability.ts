import type { ArbitrageCandidate, SignalCandidate } from '#contracts/signal-candidate';
import { type GameOutcome, payoutPerContract, type SettlementRule } from '../settlement/index.ts';
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
  /** What the market pays when its game ends without a winner. */
  settlement: SettlementRule;
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
  if (!opposite) return 'arbitrage_not_hedged';
  // A tie is an ordinary result in some sports: a pair that is not worth $1 on it is no arbitrage.
  const onTie = pairPayoutMicros(candidate, [a, b], { kind: 'tie' });
  return onTie === CONTRACT_PAYOUT_MICROS ? undefined : 'arbitrage_legs_mismatched';
}

/**
 * The least a hedged pair (one contract of each leg) can pay when its game ends as `outcome`, by each market's own
 * rule; a value the venue sets counts as 0, the least it can be.
 */
export function pairPayoutMicros(
  candidate: ArbitrageCandidate,
  markets: readonly [MarketFacts, MarketFacts],
  outcome: GameOutcome,
): number {
  return [candidate.leg, candidate.hedge].reduce((sum, leg, i) => {
    const payout = payoutPerContract(markets[i]!.settlement, leg.side, outcome);
    return sum + (payout.kind === 'fixed' ? payout.micros : 0);
  }, 0);
}

/**
 * The least a hedged pair pays over every way its game can end that the rules allow: $1 on a result, each rule's
 * tie payout, and on a cancellation (or a postponement past a window) whatever is fixed plus 0 for a venue-set fair
 * price. Kalshi with Polymarket: $0.50, Polymarket's 50-50 leg alone. The evaluator counts a pair's whole cost as its
 * exposure, which is never less than the cost less this.
 */
export function pairWorstCasePayoutMicros(
  candidate: ArbitrageCandidate,
  markets: readonly [MarketFacts, MarketFacts],
): number {
  const outcomes: GameOutcome[] = [
    { kind: 'winner', yesTeamWon: true },
    { kind: 'winner', yesTeamWon: false },
    { kind: 'tie' },
    { kind: 'cancelled' },
  ];
  return Math.min(
    ...outcomes.map((outcome) =>
      outcome.kind === 'winner' ? CONTRACT_PAYOUT_MICROS : pairPayoutMicros(candidate, markets, outcome),
    ),
  );
}

/** A price a taker can pay on the market: on its tick grid, never $0 and never the full $1. */
export function priceOffTick(priceMicros: number, tickSizeMicros: number): boolean {
  return (
    priceMicros < tickSizeMicros ||
    priceMicros > CONTRACT_PAYOUT_MICROS - tickSizeMicros ||
    priceMicros % tickSizeMicros !== 0
  );
}
