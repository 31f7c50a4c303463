import type { ExecutionRequest } from '#contracts/execution-request';
import type { SignalCandidate } from '#contracts/signal-candidate';
import type { Decision, LegFill, MarketFacts, RejectionReason, RiskState } from '#domain/signals/index';

export type TradingMode = 'paper' | 'live';

/** What the evaluator returns for a candidate, and what the idempotency store replays for a duplicate. */
export interface DecisionRecord {
  candidateId: string;
  signalId: string;
  status: 'accepted' | 'rejected';
  reason: RejectionReason | null;
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
  bankrollVersion: number;
  /** By `marketKey`; a candidate on a market we do not know cannot be traded. */
  markets: Map<string, KnownMarket>;
  /** Candidates of the batch that already have a decision (another evaluator, or an earlier delivery). */
  existing: Map<string, DecisionRecord>;
  /** Live mode: orders of those decisions still waiting for the executor, to be sent again (the venue dedups). */
  pendingRequests: ExecutionRequest[];
}

export interface LoadWindow {
  /** Accepted signals decided at or after this count toward the cooldown. */
  cooldownSinceMs: number;
  /** Start of the current UTC day, for the daily loss. */
  dayStartMs: number;
}

export interface WriteBatchInput {
  decisions: NewDecision[];
  /** The bankroll the decisions were made on; the write fails with `conflict` if it has moved since. */
  bankroll: { balanceMicros: number; version: number };
  nowMs: number;
}

/** Postgres side of the evaluator: one load and one write per batch. */
export interface SignalStore {
  loadBatch(candidates: readonly SignalCandidate[], window: LoadWindow): Promise<BatchSnapshot>;
  /** All decisions in one transaction; `conflict` when the bankroll moved or a candidate got decided meanwhile. */
  writeBatch(input: WriteBatchInput): Promise<'committed' | 'conflict'>;
}

export type ExecutionSender = (requests: readonly ExecutionRequest[]) => Promise<void>;
