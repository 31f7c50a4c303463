import type { MarketSettlementFacts } from '../settlement-store.ts';

export interface VenuePayoutRow {
  market_id: string;
  status: 'open' | 'closed' | 'settled';
  venue_yes_payout_micros: number | null;
  venue_payout_source: string | null;
  venue_payout_entered_by: string | null;
  venue_payout_entered_at: Date | null;
}

/** The payouts venues set for markets whose own rule leaves it to them, entered by an admin. */
export interface VenuePayoutStore {
  /** The market's venue payout, locked until the caller's transaction ends (two admins entering at once queue). */
  lock(marketId: string): Promise<VenuePayoutRow | undefined>;
  /** The facts of one game market; undefined when it has no game, no outcome team or no recorded game state. */
  facts(marketId: string): Promise<MarketSettlementFacts | undefined>;
  /** Stores the YES payout the venue set, only where none is stored yet; undefined otherwise. */
  record(input: {
    marketId: string;
    yesPayoutMicros: number;
    source: string;
    enteredBy: string;
    atMs: number;
  }): Promise<VenuePayoutRow | undefined>;
}
