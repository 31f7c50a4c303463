import type { Leg, SignalCandidate } from '#contracts/signal-candidate';
import { kellyFraction } from '#domain/kelly';
import {
  CONTRACT_PAYOUT_MICROS,
  hundredthsOf,
  type MoneyMicros,
  moneyMicros,
  priceFromProbability,
  quantityHundredths,
  wholeContracts,
} from '#domain/units';
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
import { type MarketFacts, priceOffTick, tradabilityProblem } from './tradability.ts';
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
 * What is wrong with a leg's book before any market fact is known: no levels, levels out of order or not starting at
 * the ask, sizes that are not a positive count, prices that are not a payable price. The contract refuses all of these
 * at the edge; the domain does not rely on that.
 */
function depthProblem(leg: Leg): RejectionReason | undefined {
  if (!Array.isArray(leg.depth) || leg.depth.length === 0) return 'depth_empty';
  if (leg.depth.some((l) => !Number.isSafeInteger(l.quantity) || l.quantity <= 0)) return 'depth_quantity_invalid';
  if (leg.depth.some((l) => !Number.isSafeInteger(l.priceMicros) || priceOffTick(l.priceMicros, 1))) {
    return 'price_off_tick';
  }
  const ascending = leg.depth.every((l, i) => i === 0 || l.priceMicros > leg.depth[i - 1]!.priceMicros);
  if (!ascending || leg.depth[0]!.priceMicros !== leg.askMicros) return 'depth_not_ascending';
  return undefined;
}

/** Stamps later than our clock (plus the skew allowed) or than the candidate itself cannot be true. */
export function fromTheFuture(
  candidate: Pick<SignalCandidate, 'priceObservedAtMs' | 'createdAtMs'>,
  limits: Pick<RiskLimits, 'maxClockSkewMs'>,
  nowMs: number,
): boolean {
  const latestMs = nowMs + limits.maxClockSkewMs;
  return (
    candidate.priceObservedAtMs > latestMs ||
    candidate.createdAtMs > latestMs ||
    candidate.priceObservedAtMs > candidate.createdAtMs
  );
}

/**
 * The evaluator's decision for one candidate: each check in order, the first failing one is the reason. Accepted
 * candidates are sized with fractional Kelly of the bankroll, capped by the depth they carried, by the contracts an
 * order and a market may hold, and by every limit's headroom; arbitrage legs are sized together, in equal counts.
 */
export function decide({ candidate, state, limits, nowMs, markets }: DecideInput): Decision {
  const legs = legsOf(candidate);
  const claimedBps = Number.isSafeInteger(candidate.edgeBps) ? candidate.edgeBps : 0;
  const early = (reason: RejectionReason): Decision => ({ status: 'rejected', edgeBps: claimedBps, reason });

  if (state.killSwitchEngaged) return early('kill_switch_engaged');
  const malformed = legs.map(depthProblem).find((problem) => problem !== undefined);
  if (malformed) return early(malformed);
  const untradable = markets && tradabilityProblem(candidate, markets);
  if (untradable) return early(untradable);
  const offTick = legs.some((leg, i) =>
    leg.depth.some((level) => priceOffTick(level.priceMicros, markets?.[i]?.tickSizeMicros ?? 1)),
  );
  if (offTick) return early('price_off_tick');

  const edgeBps = Math.min(claimedBps, edgeAfterFeesBps(candidate));
  const reject = (reason: RejectionReason): Decision => ({ status: 'rejected', edgeBps, reason });
  if (fromTheFuture(candidate, limits, nowMs)) return reject('price_from_future');
  if (nowMs - candidate.priceObservedAtMs > limits.staleAfterMs) return reject('price_stale');
  if (edgeBps < limits.minEdgeBps) return reject('edge_below_minimum');
  const coolingDown = legs.some((leg) => {
    const last = state.lastAcceptedAtMs.get(marketSideKey(leg));
    return last !== undefined && nowMs - last < limits.cooldownMs;
  });
  if (coolingDown) return reject('cooldown_active');
  if (dailyLossReached(state, limits)) return reject('daily_loss_limit');

  const { marketHeadroom, contractHeadroom, gameHeadroom, totalHeadroom } = headroomOf(
    state,
    limits,
    candidate.gameId,
    legs,
  );
  const fillsFor = (contracts: number) => legs.map((leg) => fillLeg(leg, hundredthsOf(contracts)));
  const minimumContracts = Math.max(1, ...legs.map((leg) => wholeContracts(leg.minOrderQuantity, 'up')));
  const orderCap = Math.min(limits.maxContractsPerOrder, ...legs.map(contractsIn));
  if (orderCap < minimumContracts) return reject('size_below_venue_minimum');
  // A limit is reached when what is left of it cannot buy even the venue's smallest order on every leg.
  const overLimit = limitProblem({ state, limits, gameId: candidate.gameId, fills: fillsFor(minimumContracts) });
  if (overLimit) return reject(overLimit);

  const { maxContracts, stakeMicros } = sizingBounds(candidate, state.bankrollMicros, limits.kellyFraction);
  const budgetMicros = Math.min(stakeMicros, gameHeadroom, totalHeadroom, state.bankrollMicros);
  const contractCap = Math.min(maxContracts, orderCap, ...contractHeadroom.map((h) => wholeContracts(h)));
  const contracts = largestFitting(contractCap, (n) => {
    const fills = fillsFor(n);
    return (
      allInCostMicros(fills) <= budgetMicros && fills.every((f, i) => f.costMicros + f.feeMicros <= marketHeadroom[i]!)
    );
  });
  if (contracts < minimumContracts) return reject('size_below_venue_minimum');
  const fills = fillsFor(contracts);
  const totalCostMicros = allInCostMicros(fills);
  // Per-order fee rounding can still eat a thin edge: never accept a size that is worth less than it costs.
  if (expectedPayoutMicros(candidate, contracts) <= totalCostMicros) return reject('edge_below_minimum');
  return { status: 'accepted', edgeBps, fills, totalCostMicros };
}

interface Headroom {
  marketHeadroom: number[];
  contractHeadroom: number[];
  gameHeadroom: number;
  totalHeadroom: number;
}

/** What each limit leaves for new orders on these markets (one entry per market in order) and this game. */
function headroomOf(
  state: RiskState,
  limits: RiskLimits,
  gameId: string,
  markets: readonly { venue: string; venueMarketId: string }[],
): Headroom {
  return {
    marketHeadroom: markets.map(
      (m) => limits.maxExposurePerMarketMicros - (state.exposureByMarketMicros.get(marketKey(m)) ?? 0),
    ),
    contractHeadroom: markets.map(
      (m) => hundredthsOf(limits.maxContractsPerMarket) - (state.contractsByMarket.get(marketKey(m)) ?? 0),
    ),
    gameHeadroom: limits.maxExposurePerGameMicros - (state.exposureByGameMicros.get(gameId) ?? 0),
    totalHeadroom: limits.maxTotalExposureMicros - state.totalExposureMicros,
  };
}

/**
 * The exposure limit these fills (of one game) would break on top of `state`, checked in the evaluator's order:
 * contracts per market, cost per market, per game, in total. The evaluator asks it of the venue's smallest order;
 * an executor asks it again of the order it is about to send, with that order's own reservation left out of `state`.
 */
export function limitProblem(input: {
  state: RiskState;
  limits: RiskLimits;
  gameId: string;
  fills: readonly LegFill[];
}): RejectionReason | undefined {
  const { state, limits, gameId, fills } = input;
  const headroom = headroomOf(state, limits, gameId, fills);
  if (fills.some((f, i) => f.quantity > headroom.contractHeadroom[i]!)) return 'market_exposure_limit';
  if (fills.some((f, i) => f.costMicros + f.feeMicros > headroom.marketHeadroom[i]!)) return 'market_exposure_limit';
  if (allInCostMicros(fills) > headroom.gameHeadroom) return 'game_exposure_limit';
  if (allInCostMicros(fills) > headroom.totalHeadroom) return 'total_exposure_limit';
  return undefined;
}

/** Whether the day's realized loss has reached its limit: no new risk is taken until the next UTC day. */
export function dailyLossReached(state: RiskState, limits: RiskLimits): boolean {
  return -state.realizedPnlTodayMicros >= limits.dailyLossLimitMicros;
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
  const contractsByMarket = new Map(state.contractsByMarket);
  const plus = (a: MoneyMicros | undefined, b: number) => moneyMicros((a ?? 0) + b);
  const lastAcceptedAtMs = new Map(state.lastAcceptedAtMs);
  let added = 0;
  for (const fill of fills) {
    const market = marketKey(fill);
    const cost = fill.costMicros + fill.feeMicros;
    exposureByMarketMicros.set(market, plus(exposureByMarketMicros.get(market), cost));
    contractsByMarket.set(market, quantityHundredths((contractsByMarket.get(market) ?? 0) + fill.quantity));
    lastAcceptedAtMs.set(marketSideKey(fill), nowMs);
    added += cost;
  }
  const exposureByGameMicros = new Map(state.exposureByGameMicros);
  exposureByGameMicros.set(candidate.gameId, plus(exposureByGameMicros.get(candidate.gameId), added));
  return {
    ...state,
    bankrollMicros: moneyMicros(state.bankrollMicros - added),
    exposureByMarketMicros,
    contractsByMarket,
    exposureByGameMicros,
    totalExposureMicros: plus(state.totalExposureMicros, added),
    lastAcceptedAtMs,
  };
}
