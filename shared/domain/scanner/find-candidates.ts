import { candidateId, type DepthLevel, type Leg, type SignalCandidate } from '#contracts/signal-candidate';
import { arbitrageEdgeBps, modelEdgeBps } from '../edge.ts';
import { type Sport, winProbability } from '../win-probability.ts';

/**
 * What the game shard does on every book or state change: price each market side with the win-probability model,
 * keep the sides whose edge after fees clears the bar, and pair opposite sides across venues for arbitrage.
 * Pure: the caller passes the clock, the books and the versions they carry.
 */

/** One buyable market side and which team it pays on. */
export interface MarketSide extends Omit<Leg, 'askMicros' | 'depth'> {
  /** Team abbreviation this side pays out on ("DEN" for Kalshi DEN YES and for Polymarket "Nuggets"). */
  paysOnTeam: string;
  /** Ask levels, best first; empty when nobody sells. */
  asks: DepthLevel[];
  /** Identifies the market's resolution rule: sides pair for arbitrage only when both resolve on the same one. */
  resolutionKey: string;
  /** When this side's book was last observed: each venue's feed can stall on its own. */
  observedAtMs: number;
}

export interface ScanInput {
  gameId: string;
  sport: Sport;
  homeTeam: string;
  awayTeam: string;
  homeScore: number;
  awayScore: number;
  secondsRemaining: number;
  pregameHomeWinProbability: number;
  sides: MarketSide[];
  minEdgeBps: number;
  bookVersion: number;
  stateVersion: number;
  nowMs: number;
  /** Levels of depth a candidate carries: enough to size against, small enough for one SQS message. */
  maxDepthLevels?: number;
}

export function findCandidates(input: ScanInput): SignalCandidate[] {
  const homeWins = winProbability(input.sport, {
    homeScore: input.homeScore,
    awayScore: input.awayScore,
    secondsRemaining: input.secondsRemaining,
    pregameHomeWinProbability: input.pregameHomeWinProbability,
  });
  const probabilityOf = (team: string) => (team === input.homeTeam ? homeWins : 1 - homeWins);
  const quoted = input.sides.filter((s) => s.asks.length > 0);
  return [...modelEdges(input, quoted, probabilityOf), ...arbitrages(input, quoted, probabilityOf)];
}

function toLeg(side: MarketSide, maxLevels: number): Leg {
  const { paysOnTeam: _team, asks, resolutionKey: _rule, observedAtMs: _at, ...rest } = side;
  return { ...rest, askMicros: asks[0]!.priceMicros, depth: asks.slice(0, maxLevels) };
}

/** A candidate is as old as its oldest leg's book: the evaluator's staleness check must see the stalest price. */
function envelope(input: ScanInput, sides: MarketSide[], modelProbability: number, edgeBps: number) {
  return {
    type: 'signal_candidate' as const,
    v: 1 as const,
    gameId: input.gameId,
    modelProbability,
    edgeBps: Math.max(-10_000, Math.min(10_000, edgeBps)),
    bookVersion: input.bookVersion,
    stateVersion: input.stateVersion,
    priceObservedAtMs: Math.min(...sides.map((s) => s.observedAtMs)),
    createdAtMs: input.nowMs,
  };
}

function modelEdges(input: ScanInput, sides: MarketSide[], probabilityOf: (team: string) => number) {
  const maxLevels = input.maxDepthLevels ?? 10;
  return sides.flatMap((side): SignalCandidate[] => {
    const probability = probabilityOf(side.paysOnTeam);
    const edgeBps = modelEdgeBps(probability, { askMicros: side.asks[0]!.priceMicros, fee: side.fee });
    if (edgeBps < input.minEdgeBps) return [];
    const leg = toLeg(side, maxLevels);
    const id = candidateId({
      gameId: input.gameId,
      leg,
      bookVersion: input.bookVersion,
      stateVersion: input.stateVersion,
    });
    return [{ ...envelope(input, [side], probability, edgeBps), kind: 'model_edge', id, leg }];
  });
}

function arbitrages(input: ScanInput, sides: MarketSide[], probabilityOf: (team: string) => number) {
  const maxLevels = input.maxDepthLevels ?? 10;
  const out: SignalCandidate[] = [];
  for (const a of sides) {
    for (const b of sides) {
      const pairable = a.venue < b.venue && a.paysOnTeam !== b.paysOnTeam && a.resolutionKey === b.resolutionKey;
      if (!pairable) continue;
      // The edge is that of the top of both books; the evaluator sizes against the full depth the candidate carries.
      const edgeBps = arbitrageEdgeBps(
        { askMicros: a.asks[0]!.priceMicros, fee: a.fee },
        { askMicros: b.asks[0]!.priceMicros, fee: b.fee },
      );
      if (edgeBps < input.minEdgeBps) continue;
      const leg = toLeg(a, maxLevels);
      const hedge = toLeg(b, maxLevels);
      const id = candidateId({
        gameId: input.gameId,
        leg,
        hedge,
        bookVersion: input.bookVersion,
        stateVersion: input.stateVersion,
      });
      out.push({ ...envelope(input, [a, b], probabilityOf(a.paysOnTeam), edgeBps), kind: 'arbitrage', id, leg, hedge });
    }
  }
  return out;
}
