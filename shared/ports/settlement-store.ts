import type { Side, TradingMode } from '#domain/names';
import type { GameFacts, SettlementRule } from '#domain/settlement/index';

/** One bankroll per account and trading mode; `account` defaults to the platform's own, `'default'`. */
export interface BankrollKey {
  mode: TradingMode;
  account?: string;
}

export interface Bankroll {
  account: string;
  mode: TradingMode;
  balanceMicros: number;
  version: number;
  updatedAtMs: number;
}

/** A balance written only if the row is still at `expectedVersion` (optimistic locking); lands in bankroll_audit. */
export interface VersionedBankrollUpdate extends BankrollKey {
  expectedVersion: number;
  newBalanceMicros: number;
  reason: string;
  ref?: string;
}

/**
 * A game market's settlement rule, the value its venue set (where the rule leaves it to the venue) and its game's
 * facts: the one reading the settlement run and the admin API share.
 */
export interface MarketSettlementFacts {
  marketId: string;
  rule: SettlementRule;
  venueYesPayoutMicros: number | null;
  game: GameFacts;
  /** When the game was first seen final or cancelled; null while it has not ended. */
  endedAtMs: number | null;
}

/** An open position of a game that has ended or been postponed, with what settlement needs to decide it. */
export interface SettlementCandidate {
  positionId: string;
  marketId: string;
  mode: TradingMode;
  side: Side;
  quantity: number;
  costBasisMicros: number;
  market: MarketSettlementFacts;
}

export interface PositionSettlement {
  positionId: string;
  marketId: string;
  /** The size and cost basis the payout was computed from: a position that grew since is left for the next run. */
  quantity: number;
  costBasisMicros: number;
  /** What a YES contract of the market paid; its `settled_outcome` is the side paid in full, if either was. */
  marketYesPayoutMicros: number;
  realizedPnlMicros: number;
  payoutMicros: number;
}

/** What settlement does inside one transaction that holds a mode's bankroll lock. */
export interface SettlementTransaction {
  /**
   * Open positions of `mode` in game markets whose game has ended (final or cancelled) or was ever postponed, in id
   * order after `afterId`.
   */
  findCandidates(opts: { mode: TradingMode; afterId?: string; limit: number }): Promise<SettlementCandidate[]>;
  /** Flags open positions as waiting for their venue's payout; they stay open, so their exposure still counts. */
  markAwaitingVenue(positionIds: readonly string[], atMs: number): Promise<void>;
  /**
   * Closes the positions still open on the size and cost they were decided on and marks their markets settled.
   * Returns only the ones this call closed: a position closed by another run is not paid twice.
   */
  closeSettledPositions(settlements: readonly PositionSettlement[], settledAtMs: number): Promise<PositionSettlement[]>;
  /** The versioned write; undefined when the version moved on. */
  updateBankroll(update: VersionedBankrollUpdate): Promise<Bankroll | undefined>;
}

/** The settlement run's store. */
export interface SettlementStore {
  /**
   * Runs `work` in one transaction whose first statement locks the mode's bankroll row (`FOR UPDATE`, the lock the
   * evaluator's batches and the kill switch's engage take too) and hands it the row as locked. It commits when `work`
   * resolves and rolls back when it throws: a concurrent run waits for the lock, then sees this one's work whole.
   */
  withLockedBankroll<T>(
    key: BankrollKey,
    work: (tx: SettlementTransaction, bankroll: Bankroll) => Promise<T>,
  ): Promise<T>;
  bankroll(key: BankrollKey): Promise<Bankroll>;
  /** The highest balance the bankroll has had (its high-water mark). */
  bankrollPeakMicros(key: BankrollKey): Promise<number>;
  /** Open positions (awaiting the venue included) whose game went final or was cancelled before `endedBeforeMs`. */
  countOverduePositions(endedBeforeMs: number): Promise<number>;
}
