import type { ExecutionRequest } from '#contracts/execution-request';
import type { SignalCandidate, SurebetCandidate } from '#contracts/signal-candidate';
import type {
  Decision,
  LegFill,
  MarketFacts,
  RejectionReason,
  RiskState,
  SurebetDecision,
  SurebetRejectionReason,
} from '#domain/risk/index';

/** What the evaluator returns for a candidate, and what the idempotency store replays for a duplicate. */
export interface DecisionRecord {
  candidateId: string;
  signalId: string;
  /** `reported`: a surebet for the user to place (place_bet jobs); nothing was traded. */
  status: 'accepted' | 'rejected' | 'reported';
  reason: RejectionReason | SurebetRejectionReason | null;
  orderIds: string[];
}

export interface PlannedOrder {
  orderId: string;
  clientOrderId: string;
  marketId: string;
  fill: LegFill;
}

/** Our record of a venue market, found by (venue, venue market id). */
export interface KnownMarket extends MarketFacts {
  marketId: string;
  gameId: string | null;
}

export interface NewDecision {
  candidate: SignalCandidate;
  signalId: string;
  decision: Decision;
  orders: PlannedOrder[];
}

export interface BatchSnapshot {
  state: RiskState;
  /** By `marketKey`; a candidate on a market we do not know cannot be traded. */
  markets: Map<string, KnownMarket>;
  /** Candidates of the batch that already have a decision (another evaluator, or an earlier delivery). */
  existing: Map<string, DecisionRecord>;
  /** Live mode: orders of those decisions still waiting for the executor, to be sent again (the venue dedups). */
  pendingRequests: ExecutionRequest[];
}

export interface LoadWindow {
  /** When the evaluator took the batch: the candidates' received time. */
  receivedAtMs: number;
  /** Accepted signals decided at or after this count toward the cooldown. */
  cooldownSinceMs: number;
  /** Start of the current UTC day, for the daily loss. */
  dayStartMs: number;
}

/** What the caller decided against a snapshot, and when: the decisions to write in the same transaction. */
export type DecideUnderLock = (snapshot: BatchSnapshot) => { decisions: NewDecision[]; decidedAtMs: number };

export interface NewSurebetDecision {
  candidate: SurebetCandidate;
  signalId: string;
  decision: SurebetDecision;
}

/** What the caller decided for a batch's surebets, given the kill switch, and when. */
export type DecideSurebets = (killSwitchEngaged: boolean) => { decisions: NewSurebetDecision[]; decidedAtMs: number };

/** Postgres side of the evaluator. */
export interface SignalStore {
  /**
   * Takes the mode's risk lock (the bankroll row), loads everything risk needs, lets `decide` run on that snapshot and
   * writes its decisions with the bankroll debit in the same transaction. Evaluators queue on the lock instead of
   * racing, so a batch never fails for losing to another one, and nothing the snapshot shows can move before the write:
   * the kill switch's engage takes the same lock.
   */
  decideBatch(
    candidates: readonly SignalCandidate[],
    window: LoadWindow,
    decide: DecideUnderLock,
  ): Promise<{ snapshot: BatchSnapshot; decisions: NewDecision[] }>;
  /**
   * Records surebets, reads the kill switch, lets `decide` run and writes its decisions; returns each candidate's
   * first decision, in candidate order (a redelivery, or a concurrent evaluator's, wins over this one). No risk lock:
   * a surebet moves no money of ours.
   */
  reportSurebets(
    candidates: readonly SurebetCandidate[],
    receivedAtMs: number,
    decide: DecideSurebets,
  ): Promise<DecisionRecord[]>;
}

export type ExecutionSender = (requests: readonly ExecutionRequest[]) => Promise<void>;
