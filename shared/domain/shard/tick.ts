import type { SignalCandidate } from '#contracts/signal-candidate';
import type { Side, Venue } from '../names.ts';
import type { OrderBook } from '../order-book.ts';
import type { TopOfBook } from '../prices.ts';
import { findCandidates, type MarketSide } from '../scanner/find-candidates.ts';
import { finalWinner, type GameStatus } from '../settlement/index.ts';
import { type Sport, winProbability } from '../win-probability.ts';

/**
 * The game shard's tick, pure: from a game's latest state and the books held for its markets, what to store (the
 * state, each book's top) and which candidates to publish. The caller brings the clock and the versions; the I/O
 * around it is `containers/game-shard/tick.ts`.
 */

/** What the shard knows of a market side between books: everything the scanner needs but the asks. */
export type WatchedSide = Omit<MarketSide, 'asks' | 'observedAtMs'>;

/** A venue market of a game and which of its sides we buy. */
export interface WatchedMarket
  extends Pick<WatchedSide, 'venue' | 'venueMarketId' | 'fee' | 'minOrderQuantity' | 'resolutionKey'> {
  /** Abbreviation of the team whose win makes YES pay. */
  yesTeam: string;
  /** Both sides on Kalshi; YES only where the other outcome is a market of its own (Polymarket's tokens). */
  buy: readonly Side[];
}

/** The sides we buy of a market between two teams: YES pays on its team, NO on the other one. */
export function sidesOf(market: WatchedMarket, teams: { home: string; away: string }): WatchedSide[] {
  if (market.yesTeam !== teams.home && market.yesTeam !== teams.away) {
    throw new RangeError(`market ${market.venueMarketId}: ${market.yesTeam} does not play in this game`);
  }
  const otherTeam = market.yesTeam === teams.home ? teams.away : teams.home;
  return market.buy.map((side) => ({
    venue: market.venue,
    venueMarketId: market.venueMarketId,
    side,
    paysOnTeam: side === 'yes' ? market.yesTeam : otherTeam,
    fee: market.fee,
    minOrderQuantity: market.minOrderQuantity,
    resolutionKey: market.resolutionKey,
  }));
}

/** A watched side of one of our markets (`markets.id`). */
export interface ShardSide extends WatchedSide {
  marketId: string;
}

export interface ShardTeam {
  teamId: string;
  abbreviation: string;
}

/** A game as the shard holds it once its reference rows exist. */
export interface ShardGame {
  gameId: string;
  sport: Sport;
  home: ShardTeam;
  away: ShardTeam;
  pregameHomeWinProbability: number;
  sides: readonly ShardSide[];
}

/** The game feed's latest observation. */
export interface ObservedGameState {
  observedAtMs: number;
  status: GameStatus;
  period: number;
  /** The period's clock; may be fractional in the last minute. */
  clockSeconds: number;
  /** What the model reads: regulation seconds left, or the overtime clock. */
  secondsRemaining: number;
  homeScore: number;
  awayScore: number;
}

/** The latest book of one market side on its venue. */
export interface SideBook {
  venue: Venue;
  venueMarketId: string;
  side: Side;
  book: OrderBook;
  observedAtMs: number;
}

export interface TickInput {
  game: ShardGame;
  state: ObservedGameState;
  /** The books held now; a side without one (its venue stopped quoting) is not scanned. */
  books: readonly SideBook[];
  bookVersion: number;
  stateVersion: number;
  minEdgeBps: number;
  /** Arbitrage thresholds at the optimal size; default MIN_ARB_PROFIT_MICROS and MIN_ARB_EDGE_BPS. */
  minArbProfitMicros?: number;
  minArbEdgeBps?: number;
  nowMs: number;
}

/** A game state row, with the winner the score makes once the game is final. */
export interface GameStateRow {
  gameId: string;
  observedAtMs: number;
  status: GameStatus;
  period: number;
  clockRemainingSeconds: number;
  homeScore: number;
  awayScore: number;
  winnerTeamId: string | null;
}

export interface TickPlan {
  gameState: GameStateRow;
  /**
   * One row per watched side with a book. A book held over from an earlier tick gives the same row again (same
   * observation time), which the stores keep once.
   */
  prices: TopOfBook[];
  /** The model's probability that the home team wins; null unless the game is in progress. */
  homeWinProbability: number | null;
  /** Only while the game is in progress: before it nothing is priced live, after it nothing is left to trade. */
  candidates: SignalCandidate[];
}

const sideKey = (s: { venue: Venue; venueMarketId: string; side: Side }) => `${s.venue}|${s.venueMarketId}|${s.side}`;

function withBooks<S extends WatchedSide>(watched: readonly S[], books: readonly SideBook[]) {
  // Of two books of one side, the later observation is the one held.
  const byKey = new Map<string, SideBook>();
  for (const book of books) {
    const held = byKey.get(sideKey(book));
    if (!held || held.observedAtMs < book.observedAtMs) byKey.set(sideKey(book), book);
  }
  return watched.flatMap((side) => {
    const held = byKey.get(sideKey(side));
    return held ? [{ side, held }] : [];
  });
}

/** The watched sides that have a book, with its asks and when it was observed, as the scanner takes them. */
export function quotedSides(watched: readonly WatchedSide[], books: readonly SideBook[]): MarketSide[] {
  return withBooks(watched, books).map(({ side, held }) => ({
    ...side,
    asks: [...held.book.asks],
    observedAtMs: held.observedAtMs,
  }));
}

function topOfBook(side: ShardSide, held: SideBook): TopOfBook {
  const bid = held.book.bestBid();
  const ask = held.book.bestAsk();
  return {
    observedAtMs: held.observedAtMs,
    marketId: side.marketId,
    venue: side.venue,
    side: side.side,
    bidMicros: bid?.priceMicros ?? null,
    askMicros: ask?.priceMicros ?? null,
    bidSizeHundredths: bid?.quantity ?? null,
    askSizeHundredths: ask?.quantity ?? null,
  };
}

export function planTick(input: TickInput): TickPlan {
  const { game, state } = input;
  const winner = finalWinner(state);
  const live = state.status === 'in_progress';
  const situation = {
    homeScore: state.homeScore,
    awayScore: state.awayScore,
    secondsRemaining: state.secondsRemaining,
    pregameHomeWinProbability: game.pregameHomeWinProbability,
  };
  return {
    gameState: {
      gameId: game.gameId,
      observedAtMs: state.observedAtMs,
      status: state.status,
      period: state.period,
      clockRemainingSeconds: Math.round(state.clockSeconds),
      homeScore: state.homeScore,
      awayScore: state.awayScore,
      winnerTeamId: winner === null ? null : game[winner].teamId,
    },
    prices: withBooks(game.sides, input.books).map(({ side, held }) => topOfBook(side, held)),
    homeWinProbability: live ? winProbability(game.sport, situation) : null,
    candidates: live
      ? findCandidates({
          gameId: game.gameId,
          sport: game.sport,
          homeTeam: game.home.abbreviation,
          awayTeam: game.away.abbreviation,
          ...situation,
          // The market's row id is ours, not the venue's: it stays out of the legs (and so out of candidate ids).
          sides: quotedSides(
            game.sides.map(({ marketId: _id, ...side }) => side),
            input.books,
          ),
          minEdgeBps: input.minEdgeBps,
          ...(input.minArbProfitMicros === undefined ? {} : { minArbProfitMicros: input.minArbProfitMicros }),
          ...(input.minArbEdgeBps === undefined ? {} : { minArbEdgeBps: input.minArbEdgeBps }),
          bookVersion: input.bookVersion,
          stateVersion: input.stateVersion,
          nowMs: input.nowMs,
        })
      : [],
  };
}
