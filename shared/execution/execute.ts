import { type ExecutionRequest, executionRequestFor } from '#contracts/execution-request';
import { expectedFillFeesMicros, type PricedFill } from '#domain/execution/fees';
import {
  decideHedge,
  type HedgeDecision,
  type HedgePolicy,
  hedgeClientOrderId,
  hedgeProgress,
  openCostMicros,
} from '#domain/execution/hedge';
import { legRole, SECOND_LEG_WAIT_MS, secondLegPlan, unhedgedQuantity } from '#domain/execution/legs';
import { dailyLossReached, limitProblem, type RiskLimits } from '#domain/risk/index';
import { fillLeg } from '#domain/risk/sizing';
import { isTerminalOrderStatus } from '#domain/status/orders';
import { hundredthsOf, type QuantityHundredths, quantityHundredths } from '#domain/units';
import {
  type AppliedFills,
  type ExecutionGates,
  type ExecutionRejectReason,
  type ExecutionStore,
  type HedgeOrder,
  NotSentError,
  type OrderToPlace,
  OutcomeUnknownError,
  type SendCheckState,
  type StoredOrder,
  type VenueFill,
  type VenueOrderClient,
  type VenueOrderReport,
  VenueRejectedError,
} from '../ports/execution.ts';
import type { ExecutionSender } from '../ports/signal-store.ts';

export interface ExecutorDeps {
  store: ExecutionStore;
  client: VenueOrderClient;
  gates: ExecutionGates;
  limits: RiskLimits;
  now: () => number;
  /** Waits between polls of a first leg or of an order the venue still holds open (a timer in Lambda). */
  pause: (ms: number) => Promise<void>;
  /** How long an open order (Polymarket's delayed match) is polled before the message goes back to the queue. */
  openOrderWaitMs?: number;
  secondLegWaitMs?: number;
  /** Metrics and logs, kept out of the service. */
  observe: (event: ExecutionEvent) => void;
  /**
   * Sends an open hedge's follow-up orders (retries, unwinds) to their venues' execution queues, as the evaluator
   * sends decided orders; unset (no queues configured), an open hedge is only reported.
   */
  sendFollowUps?: ExecutionSender;
  hedgePolicy?: HedgePolicy;
}

export type ExecutionEvent =
  | { type: 'placed'; orderId: string; venueOrderId: string }
  | { type: 'rejected'; orderId: string; reason: ExecutionRejectReason }
  | { type: 'outcome_unknown'; orderId: string; detail: string }
  | { type: 'not_sent'; orderId: string; detail: string }
  | { type: 'reconciled'; orderId: string; found: boolean }
  | { type: 'fills'; orderId: string; applied: AppliedFills }
  | { type: 'open_hedge'; signalId: string; unhedgedHundredths: number; reason: string }
  | { type: 'hedge_follow_up'; signalId: string; action: 'retry' | 'unwind'; clientOrderId: string };

export type ExecutionResult =
  | { status: 'done'; orderStatus: string }
  | { status: 'rejected'; reason: ExecutionRejectReason };

/** The first leg has not finished: the message goes back to the queue and is tried again later. */
export class FirstLegPendingError extends Error {
  constructor(orderId: string) {
    super(`order ${orderId} waits for its first leg`);
    this.name = 'FirstLegPendingError';
  }
}

/** The venue still holds the order open after the wait: a later delivery looks it up again. */
export class OrderStillOpenError extends Error {
  constructor(orderId: string) {
    super(`order ${orderId} is still open at the venue`);
    this.name = 'OrderStillOpenError';
  }
}

export class UnknownOrderError extends Error {
  constructor(request: ExecutionRequest, why: string) {
    super(`execution request for order ${request.orderId}: ${why}`);
    this.name = 'UnknownOrderError';
  }
}

const POLL_EVERY_MS = 250;

function toPlace(order: StoredOrder, quantity: QuantityHundredths): OrderToPlace {
  return {
    clientOrderId: order.clientOrderId,
    venueMarketId: order.venueMarketId,
    side: order.side,
    quantity,
    limitPriceMicros: order.limitPriceMicros,
    createdAtMs: order.createdAtMs,
    fee: order.leg.fee,
    action: order.action,
  };
}

/**
 * Executes one request exactly once. An order done with is answered as it stands. An order that may have reached the
 * venue (an attempt still `sending` or of unknown outcome, or accepted and still open) is looked up by its client
 * order id first, and sent again only when the venue has no record of it. Before a send: the second leg of an
 * arbitrage waits for the first and is sized to its fill; then, under the risk lock, the gates (live mode, kill
 * switch, venue eligibility, credentials) and the evaluator's own risk limits are checked again, and the attempt is
 * written ahead of the call. A send of unknown outcome fails the message, so the queue brings it back to reconcile.
 */
export async function executeRequest(deps: ExecutorDeps, request: ExecutionRequest): Promise<ExecutionResult> {
  const order = await deps.store.loadOrder(request.orderId);
  if (!order || order.clientOrderId !== request.clientOrderId || order.venue !== deps.client.venue) {
    throw new UnknownOrderError(request, 'no such live order for this venue');
  }
  if (isTerminalOrderStatus(order.status)) return finished(deps, order, order.status);

  const mayBeAtVenue =
    order.status !== 'pending' ||
    (order.lastAttempt !== null && ['sending', 'unknown', 'accepted'].includes(order.lastAttempt.outcome));
  if (mayBeAtVenue) {
    const report = await reconcile(deps, order);
    if (report) return settleReport(deps, order, report);
  }

  let quantity = order.countHundredths;
  // A hedge's follow-up goes alone: the hedge's rule sized and priced it once the legs were done with.
  const role = order.hedgeOf ? 'single' : legRole(order.kind, order.venue, order.sibling?.venue);
  if (role === 'second' && order.sibling) {
    const plan = await waitForFirstLeg(deps, order);
    if (plan.action === 'skip') return reject(deps, order, 'first_leg_unfilled');
    quantity = plan.quantity;
  }

  const begun = await deps.store.beginAttempt(order, quantity, (state) => sendProblem(deps, order, quantity, state));
  if ('rejected' in begun) {
    deps.observe({ type: 'rejected', orderId: order.orderId, reason: begun.rejected });
    return finishedRejected(deps, order, begun.rejected);
  }
  let report: VenueOrderReport;
  try {
    report = await deps.client.place(toPlace(order, quantity));
  } catch (error) {
    if (error instanceof VenueRejectedError) {
      await deps.store.finishAttempt(order.orderId, begun.attempt, 'rejected', error.detail);
      return reject(deps, order, `venue_${error.detail}`.slice(0, 128) as ExecutionRejectReason);
    }
    if (error instanceof NotSentError) {
      // Never at the venue: the next delivery sends it without a lookup, once the egress is back.
      await deps.store.finishAttempt(order.orderId, begun.attempt, 'not_sent', error.detail.slice(0, 512));
      deps.observe({ type: 'not_sent', orderId: order.orderId, detail: error.detail });
      throw error;
    }
    const detail = error instanceof Error ? error.message : String(error);
    await deps.store.finishAttempt(order.orderId, begun.attempt, 'unknown', detail.slice(0, 512));
    deps.observe({ type: 'outcome_unknown', orderId: order.orderId, detail });
    throw error instanceof OutcomeUnknownError ? error : new OutcomeUnknownError(order.venue, detail, { cause: error });
  }
  await deps.store.finishAttempt(order.orderId, begun.attempt, 'accepted');
  deps.observe({ type: 'placed', orderId: order.orderId, venueOrderId: report.venueOrderId });
  return settleReport(deps, order, report, quantity);
}

/** The venue's record of an order that may have reached it; null when it has none (then it may be sent). */
async function reconcile(deps: ExecutorDeps, order: StoredOrder): Promise<VenueOrderReport | null> {
  const venueOrderId = order.venueOrderId ?? order.lastAttempt?.venueOrderId ?? null;
  const report = await deps.client.lookup(toPlace(order, order.countHundredths), venueOrderId);
  deps.observe({ type: 'reconciled', orderId: order.orderId, found: report !== null });
  if (report === null && order.lastAttempt) {
    await deps.store.finishAttempt(order.orderId, order.lastAttempt.attempt, 'not_found');
  }
  return report;
}

/** Applies a report; while the venue holds the order open, polls it until done or the wait runs out. */
async function settleReport(
  deps: ExecutorDeps,
  order: StoredOrder,
  first: VenueOrderReport,
  sentQuantity?: QuantityHundredths,
): Promise<ExecutionResult> {
  let report = first;
  const deadline = deps.now() + (deps.openOrderWaitMs ?? 10_000);
  let applied = await apply(deps, order, report);
  while (report.state === 'open') {
    if (deps.now() >= deadline) throw new OrderStillOpenError(order.orderId);
    await deps.pause(POLL_EVERY_MS);
    const next = await deps.client.lookup(toPlace(order, sentQuantity ?? order.countHundredths), report.venueOrderId);
    if (!next) throw new OrderStillOpenError(order.orderId);
    report = next;
    applied = await apply(deps, order, report);
  }
  if (report.state === 'rejected') {
    return reject(deps, order, `venue_${report.detail ?? 'rejected'}`.slice(0, 128) as ExecutionRejectReason);
  }
  return finished(deps, order, applied.status);
}

async function apply(
  deps: Pick<ExecutorDeps, 'store' | 'observe'>,
  order: StoredOrder,
  report: VenueOrderReport,
): Promise<AppliedFills> {
  const schedule = order.leg.fee;
  const applied = await deps.store.applyReport(order, report, (prior, fresh) =>
    expectedFillFeesMicros(schedule, prior.map(priced), fresh.map(priced)),
  );
  if (applied.applied > 0) deps.observe({ type: 'fills', orderId: order.orderId, applied });
  return applied;
}

function priced(fill: VenueFill): PricedFill {
  return { priceMicros: fill.priceMicros, quantity: fill.quantity, liquidity: fill.liquidity };
}

async function reject(deps: ExecutorDeps, order: StoredOrder, reason: ExecutionRejectReason): Promise<ExecutionResult> {
  await deps.store.rejectOrder(order.orderId, reason);
  deps.observe({ type: 'rejected', orderId: order.orderId, reason });
  return finishedRejected(deps, order, reason);
}

async function finishedRejected(
  deps: ExecutorDeps,
  order: StoredOrder,
  reason: ExecutionRejectReason,
): Promise<ExecutionResult> {
  await reportHedge(deps, order);
  return { status: 'rejected', reason };
}

async function finished(deps: ExecutorDeps, order: StoredOrder, status: string): Promise<ExecutionResult> {
  await reportHedge(deps, order);
  return { status: 'done', orderStatus: status };
}

/**
 * An arbitrage is unhedged from the moment its first leg fills until the second covers it: the first leg's executor
 * records the hedge as open (the API shows it beside trades and positions). Once the second leg is done with, what it
 * did not cover is acted on by the hedge's rule (`actOnHedge`), and each follow-up order's end brings it back there.
 * Never left silent: a hedge no order can close stays open in an alarmed metric, and a second leg that never finishes
 * leaves it open (and its message in the DLQ, alarmed too).
 */
async function reportHedge(deps: ExecutorDeps, order: StoredOrder): Promise<void> {
  if (order.hedgeOf) return actOnHedge(deps, order.hedgeOf);
  if (!order.sibling) return;
  const role = legRole(order.kind, order.venue, order.sibling.venue);
  if (role === 'single') return;
  const [self, other] = await Promise.all([
    deps.store.orderStatus(order.orderId),
    deps.store.orderStatus(order.sibling.orderId),
  ]);
  if (!self || !other || !isTerminalOrderStatus(self.status)) return;
  const [first, second] = role === 'first' ? [self, other] : [other, self];
  if (role === 'first' && first.filledHundredths === 0) return;
  // Once both legs are terminal either executor acts on the same figures, so the row never waits on the other.
  const settled = isTerminalOrderStatus(second.status);
  const unhedged = unhedgedQuantity(first.filledHundredths, second.filledHundredths);
  if (settled && unhedged > 0) return actOnHedge(deps, order.signalId);
  await deps.store.recordHedge({
    signalId: order.signalId,
    firstOrderId: first.orderId,
    secondOrderId: second.orderId,
    unhedgedHundredths: unhedged,
    reason: settled ? 'hedged' : 'second leg not sent yet',
  });
}

const sumFilled = (orders: readonly HedgeOrder[]) =>
  quantityHundredths(orders.reduce((sum, o) => sum + o.filledHundredths, 0));

/**
 * An open hedge after its legs, by rule (`decideHedge`): what the legs and follow-ups left open is covered by a retry
 * of the second leg or sold back by an unwind on the first leg's venue, each a follow-up order written ahead and then
 * sent to its venue's queue with a client order id made of the hedge and the attempt, so a redelivery (of a leg's
 * message or of the follow-up's) finds the same order and the venue takes it once. A follow-up still unfinished is sent
 * again rather than decided anew; a hedge no order can act on stays open and reported.
 */
async function actOnHedge(deps: ExecutorDeps, signalId: string): Promise<void> {
  const hedge = await deps.store.loadHedge(signalId);
  if (!hedge) return;
  const retries = hedge.followUps.filter((o) => o.action === 'buy');
  const unwinds = hedge.followUps.filter((o) => o.action === 'sell');
  const progress = hedgeProgress({
    firstFilled: hedge.first.filledHundredths,
    secondFilled: hedge.second.filledHundredths,
    retriesFilled: sumFilled(retries),
    unwoundFilled: sumFilled(unwinds),
  });
  const record = (reason: string) =>
    deps.store.recordHedge({
      signalId,
      firstOrderId: hedge.first.orderId,
      secondOrderId: hedge.second.orderId,
      unhedgedHundredths: progress.openHundredths,
      reason,
      resolution: progress.resolution,
    });
  if (progress.openHundredths === 0) {
    await record(
      progress.resolution === 'unwound'
        ? 'first leg sold back'
        : progress.resolution === 'retried_filled'
          ? 'second leg retried and filled'
          : 'hedged',
    );
    return;
  }
  const unfinished = hedge.followUps.find((o) => !isTerminalOrderStatus(o.status));
  if (unfinished && deps.sendFollowUps) {
    await record(`${unfinished.action === 'sell' ? 'unwind' : 'retry'} ${unfinished.status}`);
    return deps.sendFollowUps([followUpRequest(signalId, unfinished)]);
  }
  const decision: HedgeDecision | { action: 'report'; reason: string } = !deps.sendFollowUps
    ? { action: 'report', reason: 'no_follow_up_queue' }
    : hedge.gameStatus === undefined
      ? { action: 'report', reason: 'game_not_tradable' }
      : unwinds.length > 0
        ? { action: 'report', reason: 'unwind_unfilled' }
        : decideHedge(
            {
              openHundredths: progress.openHundredths,
              firstCostMicros: openCostMicros(
                hedge.first.costMicros,
                hedge.first.filledHundredths,
                progress.openHundredths,
              ),
              firstFeeSchedule: hedge.first.fee,
              firstBestBidMicros: hedge.firstBestBidMicros,
              secondFeeSchedule: hedge.second.fee,
              secondLimitMicros: hedge.second.limitPriceMicros,
              attempts: 1 + retries.length,
              msSinceFirstFill: deps.now() - (hedge.first.firstFillAtMs ?? deps.now()),
              gameStatus: hedge.gameStatus,
            },
            deps.hedgePolicy,
          );
  const reason = decision.action === 'report' ? decision.reason : decision.action;
  const state =
    decision.action === 'report' || !deps.sendFollowUps
      ? `open: ${reason}`
      : decision.action === 'retry'
        ? `retry ${decision.attempt} sent`
        : 'unwind sent';
  // Alarmed whatever the rule does next, once per change of the hedge (two executors may act on it at once): an open
  // hedge is never silent, even while a follow-up may still close it.
  if (await record(state)) {
    deps.observe({ type: 'open_hedge', signalId, unhedgedHundredths: progress.openHundredths, reason });
  }
  if (decision.action === 'report' || !deps.sendFollowUps) return;
  const leg = decision.action === 'retry' ? hedge.second : hedge.first;
  const clientOrderId =
    decision.action === 'retry'
      ? hedgeClientOrderId(signalId, 'retry', decision.attempt)
      : hedgeClientOrderId(signalId, 'unwind', 1);
  const written = await deps.store.writeFollowUp({
    signalId,
    clientOrderId,
    venue: leg.venue,
    marketId: leg.marketId,
    side: leg.side,
    action: decision.action === 'retry' ? 'buy' : 'sell',
    quantity: decision.quantity,
    limitPriceMicros: decision.priceMicros,
    seenFollowUps: hedge.followUps.length,
  });
  // Another executor acted on the hedge since it was read: decided again on what it wrote (its follow-up, if still
  // unfinished, is sent again), never alongside it.
  if (!written) return actOnHedge(deps, signalId);
  deps.observe({ type: 'hedge_follow_up', signalId, action: decision.action, clientOrderId });
  await deps.sendFollowUps([followUpRequest(signalId, written)]);
}

function followUpRequest(signalId: string, order: HedgeOrder): ExecutionRequest {
  return executionRequestFor({ signalId, ...order });
}

async function waitForFirstLeg(deps: ExecutorDeps, order: StoredOrder) {
  const deadline = deps.now() + (deps.secondLegWaitMs ?? SECOND_LEG_WAIT_MS);
  for (;;) {
    const first = await deps.store.orderStatus(order.sibling!.orderId);
    if (!first) throw new FirstLegPendingError(order.orderId);
    const plan = secondLegPlan(first, order.countHundredths);
    if (plan.action !== 'wait') return plan;
    if (deps.now() >= deadline) throw new FirstLegPendingError(order.orderId);
    await deps.pause(POLL_EVERY_MS);
  }
}

/**
 * Why this order may not be sent now, or undefined: the gates first, then the evaluator's limits on the order as the
 * evaluator sized it, with its own reservation left out of the state.
 */
function sendProblem(
  deps: ExecutorDeps,
  order: StoredOrder,
  quantity: QuantityHundredths,
  { risk }: SendCheckState,
): ExecutionRejectReason | undefined {
  if (deps.gates.tradingMode !== 'live') return 'trading_mode_paper';
  if (risk.killSwitchEngaged) return 'kill_switch';
  if (!deps.gates.gate.isEligible(order.venue)) return 'venue_ineligible';
  if (!deps.gates.credentialsPresent) return 'credentials_missing';
  // A sale gives back contracts held: it lowers every exposure, so only the gates above stop it.
  if (order.action === 'sell') return undefined;
  if (dailyLossReached(risk, deps.limits)) return 'risk_daily_loss_limit';
  if (quantity > hundredthsOf(deps.limits.maxContractsPerOrder)) return 'risk_max_contracts_per_order';
  // Priced as the evaluator priced it (the depth the candidate saw, fees included), so an order it accepted is refused
  // only when the state moved since (other orders, fills, settlements), not because the two measured it apart.
  const asDecided = fillLeg(order.leg, quantity);
  const overLimit = limitProblem({ state: risk, limits: deps.limits, gameId: order.gameId, fills: [asDecided] });
  return overLimit ? `risk_${overLimit}` : undefined;
}

/**
 * Fills that arrive by another way than the order's own answer (the venue's private WebSocket, a reconnect's replay):
 * applied to the order like any report, so a fill already counted from the REST answer is not counted again.
 */
export async function applyStreamedFills(
  deps: Pick<ExecutorDeps, 'store' | 'observe'>,
  orderId: string,
  fills: readonly VenueFill[],
): Promise<AppliedFills | undefined> {
  const order = await deps.store.loadOrder(orderId);
  if (!order || isTerminalOrderStatus(order.status)) return undefined;
  const report: VenueOrderReport = {
    venueOrderId: order.venueOrderId ?? order.lastAttempt?.venueOrderId ?? '',
    state: 'open',
    filledQuantity: order.filledHundredths,
    fills: [...fills],
  };
  return apply(deps, order, report);
}
