import type { Side, TradingMode, Venue } from '#domain/names';
import type { PageAfter } from './page.ts';

export interface SignalRow {
  id: string;
  candidate_id: string;
  decision: 'accepted' | 'rejected' | 'reported';
  reason: string;
  /** The candidate's kind, from `details` (model_edge, arbitrage, surebet). */
  kind: string | null;
  /** A surebet's details (legs, stakes, odds, profit); null for other kinds. */
  surebet: unknown;
  mode: TradingMode;
  edge_bps: number | null;
  win_probability: number | null;
  size_hundredths: number | null;
  stake_micros: number | null;
  decided_at: Date;
  cursor_key: string;
}

export interface TradeRow {
  id: string;
  signal_id: string | null;
  order_id: string | null;
  market_id: string;
  side: Side;
  action: 'buy' | 'sell';
  quantity_hundredths: number;
  price_micros: number;
  cost_micros: number;
  fee_micros: number;
  executed_at: Date;
  cursor_key: string;
}

export interface PositionRow {
  id: string;
  market_id: string;
  side: Side;
  mode: TradingMode;
  quantity_hundredths: number;
  cost_micros: number;
  fees_micros: number;
  status: 'open' | 'settled';
  realized_pnl_micros: number | null;
  opened_at: Date;
  settled_at: Date | null;
  cursor_key: string;
  /** Contracts an arbitrage's second leg left uncovered (an open hedge), 0 when none. */
  open_hedge_hundredths: number;
  /** The hedges on this position its rule acted on (retried, unwound, or kept open), latest first, at most 20. */
  hedges: PositionHedge[];
}

export interface PositionHedge {
  signalId: string;
  status: 'open' | 'closed';
  unhedgedHundredths: number;
  /** Follow-up orders sent for it (retries and the unwind). */
  attempts: number;
  resolution: 'retried_filled' | 'unwound' | 'still_open';
}

export interface BankrollRow {
  account: string;
  mode: TradingMode;
  balance_micros: number;
  version: number;
  updated_at: Date;
}

/** One change of a bankroll's balance, as its trigger wrote it to bankroll_audit (the opening row included). */
export interface BankrollHistoryRow {
  id: number;
  account: string;
  mode: TradingMode;
  balance_micros: number;
  delta_micros: number;
  version: number;
  reason: string;
  ref: string | null;
  at: Date;
}

export interface GameRow {
  id: string;
  sport: 'nba' | 'nfl';
  starts_at: Date;
  status: string;
  espn_event_id: string | null;
  winner_team_id: string | null;
  home_team_id: string;
  home_abbreviation: string;
  home_name: string;
  away_team_id: string;
  away_abbreviation: string;
  away_name: string;
  cursor_key: string;
}

export interface MarketRow {
  id: string;
  venue: Venue;
  venue_market_id: string;
  game_id: string | null;
  outcome_team_id: string | null;
  title: string | null;
  yes_meaning: string;
  resolution_key: string;
  status: 'open' | 'closed' | 'settled';
  settled_outcome: Side | null;
  tick_size_micros: number;
  closes_at: Date | null;
  created_at: Date;
  cursor_key: string;
}

/** Read-only, deployment-wide trading data; each list is a keyset page fetching `limit + 1` rows. */
export interface TradingReads {
  listSignals(q: {
    decision?: string;
    kind?: string;
    mode?: string;
    since?: string;
    limit: number;
    after?: PageAfter;
  }): Promise<SignalRow[]>;
  listTrades(q: {
    marketId?: string;
    signalId?: string;
    since?: string;
    limit: number;
    after?: PageAfter;
  }): Promise<TradeRow[]>;
  listPositions(q: {
    status?: string;
    mode?: string;
    marketId?: string;
    limit: number;
    after?: PageAfter;
  }): Promise<PositionRow[]>;
  listBankrolls(q: { mode?: string; limit: number; after?: PageAfter }): Promise<BankrollRow[]>;
  /** One bankroll's changes in the order they were made (oldest first); `since` is inclusive. */
  listBankrollHistory(q: {
    account: string;
    mode: string;
    since?: string;
    limit: number;
    after?: PageAfter;
  }): Promise<BankrollHistoryRow[]>;
  listGames(q: {
    sport?: string;
    status?: string;
    from?: string;
    to?: string;
    limit: number;
    after?: PageAfter;
  }): Promise<GameRow[]>;
  listMarkets(q: {
    venue?: string;
    gameId?: string;
    status?: string;
    limit: number;
    after?: PageAfter;
  }): Promise<MarketRow[]>;
}
