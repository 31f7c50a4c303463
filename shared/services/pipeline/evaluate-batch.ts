import { randomUUID } from 'node:crypto';
import type { ExecutionRequest } from '#contracts/execution-request';
import type { SignalCandidate } from '#contracts/signal-candidate';
import { applyAccepted, decide, marketKey, type RiskLimits } from '#domain/signals/index';
import type { DecisionRecord, ExecutionSender, KnownMarket, NewDecision, SignalStore, TradingMode } from './ports.ts';

const DAY_MS = 86_400_000;

export interface EvaluatorDeps {
  store: SignalStore;
  limits: RiskLimits;
  mode: TradingMode;
  now: () => number;
  /** Live mode only: hands orders to the venues' execution queues. */
  sendExecutionRequests: ExecutionSender;
  /** How many times a batch is decided again after losing a race (bankroll version, concurrent decision). */
  maxAttempts?: number;
}

/** A candidate that cannot be decided at all (unknown market): its record fails and ends in the DLQ. */
export class UndecidableCandidateError extends Error {
  constructor(candidateId: string, why: string) {
    super(`candidate ${candidateId}: ${why}`);
    this.name = 'UndecidableCandidateError';
  }
}

export class BatchContentionError extends Error {
  constructor(attempts: number) {
    super(`batch lost the race for the bankroll ${attempts} times in a row`);
    this.name = 'BatchContentionError';
  }
}

export type CandidateOutcome = DecisionRecord | UndecidableCandidateError;

/**
 * Decides a batch of candidates against one snapshot of the risk state, in arrival order (each acceptance is seen by
 * the next candidate), and writes every decision together. Candidates decided before (a redelivery, or another
 * evaluator) keep their first decision. Losing the optimistic-lock race reloads and decides again.
 */
export async function evaluateCandidates(
  deps: EvaluatorDeps,
  candidates: readonly SignalCandidate[],
): Promise<CandidateOutcome[]> {
  const maxAttempts = deps.maxAttempts ?? 50;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const nowMs = deps.now();
    const snapshot = await deps.store.loadBatch(candidates, {
      cooldownSinceMs: nowMs - deps.limits.cooldownMs,
      dayStartMs: nowMs - (nowMs % DAY_MS),
    });
    let state = snapshot.state;
    const fresh: NewDecision[] = [];
    const outcomes = new Map<string, CandidateOutcome>(snapshot.existing);
    for (const candidate of candidates) {
      if (outcomes.has(candidate.id)) continue;
      const legs = candidate.kind === 'arbitrage' ? [candidate.leg, candidate.hedge] : [candidate.leg];
      const markets = legs.map((leg) => snapshot.markets.get(marketKey(leg)));
      const unknown = legs.find((_, i) => markets[i] === undefined || markets[i]?.gameId !== candidate.gameId);
      if (unknown) {
        outcomes.set(
          candidate.id,
          new UndecidableCandidateError(
            candidate.id,
            `market ${unknown.venue}/${unknown.venueMarketId} is not one of game ${candidate.gameId}`,
          ),
        );
        continue;
      }
      const decision = decide({ candidate, state, limits: deps.limits, nowMs, markets: markets as KnownMarket[] });
      const signalId = randomUUID();
      const orders =
        decision.status === 'accepted'
          ? decision.fills.map((fill, i) => ({
              orderId: randomUUID(),
              // Deterministic per signal and leg: a resent request is recognised by the venue.
              clientOrderId: `${signalId}-${i}`,
              marketId: markets[i]!.marketId,
              fill,
            }))
          : [];
      if (decision.status === 'accepted') state = applyAccepted(state, candidate, decision.fills, nowMs);
      fresh.push({ candidate, signalId, decision, orders });
      outcomes.set(candidate.id, {
        candidateId: candidate.id,
        signalId,
        status: decision.status,
        reason: decision.status === 'rejected' ? decision.reason : null,
        orderIds: orders.map((o) => o.orderId),
      });
    }

    if (fresh.length > 0) {
      const written = await deps.store.writeBatch({
        decisions: fresh,
        bankroll: { balanceMicros: snapshot.state.bankrollMicros, version: snapshot.bankrollVersion },
        nowMs,
      });
      if (written === 'conflict') {
        await jitter(attempt);
        continue;
      }
    }
    if (deps.mode === 'live') {
      await deps.sendExecutionRequests([...snapshot.pendingRequests, ...fresh.flatMap(executionRequests)]);
    }
    return candidates.map((c) => outcomes.get(c.id)!);
  }
  throw new BatchContentionError(maxAttempts);
}

function executionRequests(d: NewDecision): ExecutionRequest[] {
  return d.orders.map((o) => ({
    type: 'execution_request',
    v: 1,
    signalId: d.signalId,
    orderId: o.orderId,
    clientOrderId: o.clientOrderId,
    venue: o.fill.venue,
    venueMarketId: o.fill.venueMarketId,
    side: o.fill.side,
    count: o.fill.quantity / 100,
    limitPriceMicros: o.fill.limitPriceMicros,
  }));
}

/** Spreads evaluators that collided so they do not collide again in lockstep. */
function jitter(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(50, 2 * attempt);
  return new Promise((resolve) => setTimeout(resolve, ms));
}
