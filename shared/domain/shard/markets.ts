import type { GameStatus, Side } from '../names.ts';
import type { ScanSide } from './scan.ts';

/** What the shard knows of a market side besides its book: everything the scanner reads but the asks. */
export type WatchedSide = Pick<
  ScanSide,
  'venue' | 'venueMarketId' | 'side' | 'paysOnTeam' | 'fee' | 'minOrderQuantity' | 'resolutionKey'
>;

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
