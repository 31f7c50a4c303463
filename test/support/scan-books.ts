import type { DepthLevel, Leg, SignalCandidate } from '#contracts/signal-candidate';
import type { Side, Venue } from '#domain/names';
import type { OrderBook } from '#domain/order-book';
import { type Sport, winProbability } from '#domain/win-probability';
import type { WatchedSide } from '../../shared/domain/shard/markets.ts';
import { ARBITRAGE_THRESHOLD_DEFAULTS, type ScanSide, scan, toCandidate } from '../../shared/domain/shard/scan.ts';

/**
 * The scan of one game from immutable books, for tests with hand-made books (the sample game): the scanner the
 * shard's engine runs on its live books (`shared/domain/shard/scan.ts`), every finding turned into a candidate.
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
  /** Net profit at the optimal size and its edge an arbitrage must reach; defaults MIN_ARB_PROFIT_MICROS/_EDGE_BPS. */
  minArbProfitMicros?: number;
  minArbEdgeBps?: number;
  bookVersion: number;
  stateVersion: number;
  nowMs: number;
  /** Levels of depth a candidate carries: enough to size against, small enough for one SQS message. */
  maxDepthLevels?: number;
}

function scanSide(side: MarketSide): ScanSide {
  const best = side.asks[0];
  return {
    ...side,
    bestAskMicros: best?.priceMicros ?? -1,
    bestAskQuantity: best?.quantity ?? 0,
    askDepth: (maxLevels) => side.asks.slice(0, maxLevels),
    askChangedAtMs: side.observedAtMs,
    valid: true,
  };
}

export function findCandidates(input: ScanInput): SignalCandidate[] {
  const homeWinProbability = winProbability(input.sport, {
    homeScore: input.homeScore,
    awayScore: input.awayScore,
    secondsRemaining: input.secondsRemaining,
    pregameHomeWinProbability: input.pregameHomeWinProbability,
  });
  const findings = scan({
    homeTeam: input.homeTeam,
    homeWinProbability,
    sides: input.sides.map(scanSide),
    thresholds: {
      minEdgeBps: input.minEdgeBps,
      minArbProfitMicros: input.minArbProfitMicros ?? ARBITRAGE_THRESHOLD_DEFAULTS.minArbProfitMicros,
      minArbEdgeBps: input.minArbEdgeBps ?? ARBITRAGE_THRESHOLD_DEFAULTS.minArbEdgeBps,
    },
    arbitrage: true,
    nowMs: input.nowMs,
    ...(input.maxDepthLevels === undefined ? {} : { maxDepthLevels: input.maxDepthLevels }),
  });
  return findings.map((f) =>
    toCandidate(f, {
      gameId: input.gameId,
      bookVersion: input.bookVersion,
      stateVersion: input.stateVersion,
      nowMs: input.nowMs,
      ...(input.maxDepthLevels === undefined ? {} : { maxDepthLevels: input.maxDepthLevels }),
    }),
  );
}

/** The latest book of one market side on its venue. */
export interface SideBook {
  venue: Venue;
  venueMarketId: string;
  side: Side;
  book: OrderBook;
  observedAtMs: number;
}

/** The watched sides that have a book, with its asks and when it was observed (of two books, the later one). */
export function quotedSides(watched: readonly WatchedSide[], books: readonly SideBook[]): MarketSide[] {
  const key = (s: { venue: Venue; venueMarketId: string; side: Side }) => `${s.venue}|${s.venueMarketId}|${s.side}`;
  const latest = new Map<string, SideBook>();
  for (const book of books) {
    const held = latest.get(key(book));
    if (!held || held.observedAtMs < book.observedAtMs) latest.set(key(book), book);
  }
  return watched.flatMap((side) => {
    const held = latest.get(key(side));
    return held ? [{ ...side, asks: [...held.book.asks], observedAtMs: held.observedAtMs }] : [];
  });
}
