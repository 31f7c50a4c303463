import { randomUUID } from 'node:crypto';
import { type ExecutionRequest, executionRequestFor } from '#contracts/execution-request';
import type { SignalCandidate } from '#contracts/signal-candidate';
import type { TradingMode } from '#domain/names';
import { applyAccepted, decide, legsOf, marketKey, type RiskLimits } from '#domain/risk/index';
import type { DecisionRecord, ExecutionSender, KnownMarket, NewDecision, SignalStore } from '../ports/signal-store.ts';

const DAY_MS = 86_400_000;

export interface EvaluatorDeps {
  store: SignalStore;
  limits: RiskLimits;
  mode: TradingMode;
  now: () => number;
  /** Live mode only: hands orders to the venues' execution queues. */
  sendExecutionRequests: ExecutionSender;
}

/** A candidate that cannot be decided at all (unknown market): its record fails and ends in the DLQ. */
export class UndecidableCandidateError extends Error {
  constructor(candidateId: string, why: string) {
    super(`candidate ${candidateId}: ${why}`);
    this.name = 'UndecidableCandidateError';
  }
}

export type CandidateOutcome = DecisionRecord | UndecidableCandidateError;

/**
 * Decides a batch of candidates under the mode's risk lock, in arrival order (each acceptance is seen by the next
 * candidate), and writes every decision together. Candidates decided before (a redelivery, or another evaluator)
 * keep their first decision. The clock is read once the lock is held, so waiting for it never makes a price fresher.
 */
export async function evaluateCandidates(
  deps: EvaluatorDeps,
  candidates: readonly SignalCandidate[],
): Promise<CandidateOutcome[]> {
  const windowFromMs = deps.now();
  const outcomes = new Map<string, CandidateOutcome>();
  const { snapshot, decisions } = await deps.store.decideBatch(
    candidates,
    {
      receivedAtMs: windowFromMs,
      cooldownSinceMs: windowFromMs - deps.limits.cooldownMs,
      dayStartMs: windowFromMs - (windowFromMs % DAY_MS),
    },
    (snapshot) => {
      const nowMs = deps.now();
      let state = snapshot.state;
      const fresh: NewDecision[] = [];
      for (const [id, record] of snapshot.existing) outcomes.set(id, record);
      for (const candidate of candidates) {
        if (outcomes.has(candidate.id)) continue;
        const legs = legsOf(candidate);
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
        const known = markets as KnownMarket[];
        const decision = decide({ candidate, state, limits: deps.limits, nowMs, markets: known });
        const signalId = randomUUID();
        const orders =
          decision.status === 'accepted'
            ? decision.fills.map((fill, i) => ({
                orderId: randomUUID(),
                // Deterministic per signal and leg: a resent request is recognised by the venue.
                clientOrderId: `${signalId}-${i}`,
                marketId: known[i]!.marketId,
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
      return { decisions: fresh, decidedAtMs: nowMs };
    },
  );
  // Nothing goes to a venue while the kill switch is engaged, not even orders decided before it was.
  if (deps.mode === 'live' && !snapshot.state.killSwitchEngaged) {
    await deps.sendExecutionRequests([...snapshot.pendingRequests, ...decisions.flatMap(executionRequests)]);
  }
  return candidates.map((c) => outcomes.get(c.id)!);
}

function executionRequests(d: NewDecision): ExecutionRequest[] {
  return d.orders.map((o) =>
    executionRequestFor({
      signalId: d.signalId,
      orderId: o.orderId,
      clientOrderId: o.clientOrderId,
      venue: o.fill.venue,
      venueMarketId: o.fill.venueMarketId,
      side: o.fill.side,
      countHundredths: o.fill.quantity,
      limitPriceMicros: o.fill.limitPriceMicros,
    }),
  );
}
