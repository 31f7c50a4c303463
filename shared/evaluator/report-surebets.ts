import { randomUUID } from 'node:crypto';
import type { SurebetCandidate } from '#contracts/signal-candidate';
import { decideSurebet } from '#domain/risk/index';
import type { DecisionRecord } from '../ports/signal-store.ts';
import type { EvaluatorDeps } from './evaluate-batch.ts';

/**
 * Decides a batch's surebets: each is reported for the user to place through place_bet jobs, or rejected, never
 * traded; no market lookup, no risk lock. A surebet decided before keeps its first decision. The clock is read once
 * the kill switch is, as the trading path reads it under its lock.
 */
export async function reportSurebets(
  deps: Pick<EvaluatorDeps, 'store' | 'limits' | 'now'>,
  candidates: readonly SurebetCandidate[],
): Promise<DecisionRecord[]> {
  const unique = [...new Map(candidates.map((c) => [c.id, c])).values()];
  const decided = await deps.store.reportSurebets(unique, deps.now(), (killSwitchEngaged) => {
    const nowMs = deps.now();
    return {
      decidedAtMs: nowMs,
      decisions: unique.map((candidate) => ({
        candidate,
        signalId: randomUUID(),
        decision: decideSurebet({ candidate, killSwitchEngaged, limits: deps.limits, nowMs }),
      })),
    };
  });
  const byId = new Map(decided.map((d) => [d.candidateId, d]));
  return candidates.map((c) => byId.get(c.id)!);
}
