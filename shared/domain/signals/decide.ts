import type { Leg, SignalCandidate } from '#contracts/signal-candidate';
import { kellyFraction } from '#domain/kelly';
import { CONTRACT_PAYOUT_MICROS, priceFromProbability } from '#domain/units';
import {
  allInCostMicros,
  contractsBelow,
  contractsIn,
  edgeAfterFeesBps,
  fillLeg,
  largestFitting,
  profitableArbitrageContracts,
  topOfBookPriceMicros,
} from './sizing.ts';
import { type MarketFacts, tradabilityProblem } from './tradability.ts';
import {
  type Decision,
  type LegFill,
  marketKey,
  marketSideKey,
  type RejectionReason,
  type RiskLimits,
  type RiskState,
} from './types.ts';

export interface DecideInput {
  candidate: SignalCandidate;
  state: RiskState;
  limits: RiskLimits;
  nowMs: number;
  /** Our records of each leg's market, in leg order; the evaluator always passes them. */
  markets?: readonly MarketFacts[];
}

/** The legs a candidate buys: one for model edge, the pair for an arbitrage. */
export function legsOf(candidate: SignalCandidate): Leg[] {
  return candidate.kind === 'arbitrage' ? [candidate.leg, candidate.hedge] : [candidate.leg];
}

/**
 * The evaluator's decision for one candidate: each check in order, the first failing one is the reason. Accepted
 * candidates are sized with fractional Kelly of the bankroll, capped by the depth they carried and by every limit's
 * headroom; arbitrage legs are sized together, in equal counts.
 */
export function decide({ candidate, state, limits, nowMs, markets }: DecideInput): Decision {
  const edgeBps = Math.min(candidate.edgeBps, edgeAfterFeesBps(candidate));
  const reject = (reason: RejectionReason): Decision => ({ status: 'rejected', edgeBps, reason });
  const legs = legsOf(candidate);

  if (state.killSwitchEngaged) return reject('kill_switch_engaged');
  const untradable = markets && tradabilityProblem(candidate, markets);
  if (untradable) return reject(untradable);
  if (nowMs - candidate.priceObservedAtMs > limits.staleAfterMs) return reject('price_stale');
  if (edgeBps < limits.minEdgeBps) return reject('edge_below_minimum');
  const coolingDown = legs.some((leg) => {
    const last = state.lastAcceptedAtMs.get(marketSideKey(leg));
    return last !== undefined && nowMs - last < limits.cooldownMs;
  });
  if (coolingDown) return reject('cooldown_active');
  if (-state.realizedPnlTodayMicros >= limits.dailyLossLimitMicros) return reject('daily_loss_limit');

  const marketHeadroom = legs.map(
    (leg) => limits.maxExposurePerMarketMicros - (state.exposureByMarketMicros.get(marketKey(leg)) ?? 0),
  );
  const gameHeadroom = limits.maxExposurePerGameMicros - (state.exposureByGameMicros.get(candidate.gameId) ?? 0);
  const totalHeadroom = limits.maxTotalExposureMicros - state.totalExposureMicros;
  const fillsFor = (contracts: number) => legs.map((leg) => fillLeg(leg, contracts * 100));
  const minimumContracts = Math.max(1, ...legs.map((leg) => Math.ceil(leg.minOrderQuantity / 100)));
  if (legs.some((leg) => contractsIn(leg) < minimumContracts)) return reject('size_below_venue_minimum');
  // A limit is reached when what is left of it cannot buy even the venue's smallest order on every leg.
  const smallestFills = fillsFor(minimumContracts);
  if (smallestFills.some((f, i) => f.costMicros + f.feeMicros > marketHeadroom[i]!)) {
    return reject('market_exposure_limit');
  }
  if (allInCostMicros(smallestFills) > gameHeadroom) return reject('game_exposure_limit');
  if (allInCostMicros(smallestFills) > totalHeadroom) return reject('total_exposure_limit');

  const { maxContracts, stakeMicros } = sizingBounds(candidate, state.bankrollMicros, limits.kellyFraction);
  const budgetMicros = Math.min(stakeMicros, gameHeadroom, totalHeadroom, state.bankrollMicros);
  const contracts = largestFitting(maxContracts, (n) => {
    const fills = fillsFor(n);
    return (
      allInCostMicros(fills) <= budgetMicros && fills.every((f, i) => f.costMicros + f.feeMicros <= marketHeadroom[i]!)
    );
  });
  if (contracts === 0 || legs.some((leg) => contracts * 100 < leg.minOrderQuantity)) {
    return reject('size_below_venue_minimum');
  }
  const fills = fillsFor(contracts);
  const totalCostMicros = allInCostMicros(fills);
  // Per-order fee rounding can still eat a thin edge: never accept a size that is worth less than it costs.
  if (expectedPayoutMicros(candidate, contracts) <= totalCostMicros) return reject('edge_below_minimum');
  return { status: 'accepted', edgeBps, fills, totalCostMicros };
}

/** What the contracts are worth: $1 each for a hedged pair, the model's probability of $1 for one leg. */
function expectedPayoutMicros(candidate: SignalCandidate, contracts: number): number {
  const perContract =
    candidate.kind === 'arbitrage' ? CONTRACT_PAYOUT_MICROS : priceFromProbability(candidate.modelProbability);
  return contracts * perContract;
}

/** How many contracts the book offers at an edge, and the fractional-Kelly stake for the candidate. */
function sizingBounds(
  candidate: SignalCandidate,
  bankrollMicros: number,
  fraction: number,
): { maxContracts: number; stakeMicros: number } {
  if (candidate.kind === 'arbitrage') {
    // Both legs together pay $1 whatever the outcome: the full Kelly stake is the whole bankroll, so the fraction
    // caps the capital one arbitrage may tie up until settlement.
    return {
      maxContracts: profitableArbitrageContracts(candidate.leg, candidate.hedge),
      stakeMicros: Math.floor(fraction * bankrollMicros),
    };
  }
  const fairMicros = priceFromProbability(candidate.modelProbability);
  const fStar = kellyFraction(
    candidate.modelProbability,
    Math.min(topOfBookPriceMicros(candidate.leg), CONTRACT_PAYOUT_MICROS),
  );
  return {
    maxContracts: contractsBelow(candidate.leg, fairMicros),
    stakeMicros: Math.floor(fraction * fStar * bankrollMicros),
  };
}

/** The batch's risk state after an accepted decision, so later candidates in the batch see it. */
export function applyAccepted(
  state: RiskState,
  candidate: SignalCandidate,
  fills: readonly LegFill[],
  nowMs: number,
): RiskState {
  const exposureByMarketMicros = new Map(state.exposureByMarketMicros);
  const lastAcceptedAtMs = new Map(state.lastAcceptedAtMs);
  let added = 0;
  for (const fill of fills) {
    const market = marketKey(fill);
    const cost = fill.costMicros + fill.feeMicros;
    exposureByMarketMicros.set(market, (exposureByMarketMicros.get(market) ?? 0) + cost);
    lastAcceptedAtMs.set(marketSideKey(fill), nowMs);
    added += cost;
  }
  const exposureByGameMicros = new Map(state.exposureByGameMicros);
  exposureByGameMicros.set(candidate.gameId, (exposureByGameMicros.get(candidate.gameId) ?? 0) + added);
  return {
    ...state,
    bankrollMicros: state.bankrollMicros - added,
    exposureByMarketMicros,
    exposureByGameMicros,
    totalExposureMicros: state.totalExposureMicros + added,
    lastAcceptedAtMs,
  };
}
