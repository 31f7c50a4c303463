import type { SQSClient } from '@aws-sdk/client-sqs';
import { sendJsonMessages } from '#adapters/aws/sqs';
import { upsertMarketPrices } from '#adapters/pg/market-prices';
import { recordGameState } from '#adapters/pg/reference-data';
import type { Queryable } from '#adapters/pg/rows';
import type { SignalCandidate } from '#contracts/signal-candidate';
import { planTick, type TickInput, type TickPlan } from '../../shared/domain/shard/tick.ts';
import type { PriceCache } from '../../shared/ports/price-cache.ts';

/** Hands a tick's candidates to the signal evaluator. */
export type CandidatePublisher = (candidates: readonly SignalCandidate[]) => Promise<void>;

/** Publishes candidates to the candidates queue, ten to a batch; what SQS would not take fails the tick. */
export function sqsCandidatePublisher(sqs: SQSClient, queueUrl: string): CandidatePublisher {
  return (candidates) => sendJsonMessages(sqs, queueUrl, candidates);
}

export interface ShardTickDeps {
  /** The game shard's database role. */
  db: Queryable;
  priceCache: PriceCache;
  publish: CandidatePublisher;
  minEdgeBps: number;
  now: () => number;
}

export type ShardTickInput = Omit<TickInput, 'minEdgeBps' | 'nowMs'>;
export type ShardTick = (input: ShardTickInput) => Promise<TickPlan>;

/**
 * One tick of the game shard: plan it (`planTick`), then store the state and the book tops, cache the prices and
 * publish the candidates, in that order. Every write is keyed on its observation, so a tick run again after a crash
 * between two writes stores nothing twice, and the evaluator decides a republished candidate once.
 */
export function createShardTick(deps: ShardTickDeps): ShardTick {
  return async (input) => {
    const plan = planTick({ ...input, minEdgeBps: deps.minEdgeBps, nowMs: deps.now() });
    await recordGameState(deps.db, plan.gameState);
    await upsertMarketPrices(deps.db, plan.prices);
    await deps.priceCache.put(plan.prices);
    await deps.publish(plan.candidates);
    return plan;
  };
}
