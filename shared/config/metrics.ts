/**
 * The custom metrics the dashboard and alarms watch. Emitters publish them with the Powertools `metrics` singleton
 * (EMF, namespace `POWERTOOLS_METRICS_NAMESPACE`), whose default dimension is `service` = `POWERTOOLS_SERVICE_NAME`:
 * an alarm only sees a metric whose name, namespace and dimensions all match, so the names live here, once.
 */
import { venues } from '#domain/names';

export const metricsNamespace = 'Sharpline';

export const serviceNames = {
  api: 'api',
  signalEvaluator: 'signal-evaluator',
  settlement: 'settlement',
  retention: 'retention',
  migrate: 'migrate',
  outboxRelay: 'outbox-relay',
  gameShard: 'game-shard',
  browserWorker: 'browser-worker',
  /** The egress client, in whichever process sends venue traffic: one service name so one alarm sees them all. */
  egress: 'egress',
  executorKalshi: 'executor-kalshi',
  executorPolymarket: 'executor-polymarket',
} as const;

/** Each venue's executor is its own service: its metrics carry that service dimension. */
export const executorServiceOf = {
  kalshi: serviceNames.executorKalshi,
  polymarket: serviceNames.executorPolymarket,
} as const;

export const customMetrics = {
  /** game-shard: venue messages received (Count) and those that failed to parse (Count). */
  venueMessages: { service: serviceNames.gameShard, name: 'VenueMessages' },
  parseFailures: { service: serviceNames.gameShard, name: 'ParseFailures' },
  /** game-shard: age of the newest price of the stalest tracked market (Milliseconds). */
  priceStalenessMs: { service: serviceNames.gameShard, name: 'PriceStalenessMs' },
  /** signal-evaluator: candidates received and decisions taken (Count). */
  candidatesEvaluated: { service: serviceNames.signalEvaluator, name: 'CandidatesEvaluated' },
  signalsAccepted: { service: serviceNames.signalEvaluator, name: 'SignalsAccepted' },
  signalsRejected: { service: serviceNames.signalEvaluator, name: 'SignalsRejected' },
  /** signal-evaluator: surebets reported for the user to place through place_bet jobs (Count). */
  signalsReported: { service: serviceNames.signalEvaluator, name: 'SignalsReported' },
  /** signal-evaluator: bodies that failed their schema (Count) and the candidate's age at its decision (Milliseconds). */
  candidateParseFailures: { service: serviceNames.signalEvaluator, name: 'CandidateParseFailures' },
  candidateToDecisionLatency: { service: serviceNames.signalEvaluator, name: 'CandidateToDecisionLatency' },
  /** browser-worker: one per heartbeat (Count). */
  workerHeartbeats: { service: serviceNames.browserWorker, name: 'WorkerHeartbeat' },
  /** settlement: bankroll balance (None, micros) and drawdown from its high-water mark (None, basis points). */
  bankrollMicros: { service: serviceNames.settlement, name: 'BankrollMicros' },
  drawdownBps: { service: serviceNames.settlement, name: 'DrawdownBps' },
  positionsSettled: { service: serviceNames.settlement, name: 'PositionsSettled' },
  /** settlement: open positions waiting for a venue-set payout, and those open past SETTLEMENT_OVERDUE_HOURS (Count). */
  positionsAwaitingVenue: { service: serviceNames.settlement, name: 'PositionsAwaitingVenue' },
  positionsOverdue: { service: serviceNames.settlement, name: 'PositionsOverdue' },
  /** outbox-relay: browser-job messages sent by a run (Count), age of the oldest one still unsent (Seconds). */
  outboxRelayed: { service: serviceNames.outboxRelay, name: 'OutboxRelayed' },
  outboxOldestPendingAge: { service: serviceNames.outboxRelay, name: 'OutboxOldestPendingAge' },
  /**
   * egress client: the proxy in use (None: its index in the failover order, -1 for none), changes of it (Count), the
   * last probe's latency through it (Milliseconds), and per venue (dimension `venue`) 1 while its eligibility check
   * fails from the egress in use (None), which stops live execution there.
   */
  egressActiveIndex: { service: serviceNames.egress, name: 'EgressActiveIndex' },
  egressFailovers: { service: serviceNames.egress, name: 'EgressFailovers' },
  egressProbeLatency: { service: serviceNames.egress, name: 'EgressProbeLatency' },
  venueIneligible: { service: serviceNames.egress, name: 'VenueIneligible', venues },
} as const;

/**
 * The live executors' metrics, published under each venue's executor service (`executorServiceOf`): orders the venue
 * took, orders refused (by us at send time or by the venue), sends of unknown outcome and the lookups that settled
 * them, fills whose venue fee differs from ours (Count, and the difference in micros), and arbitrages left with an
 * open hedge (Count): the last two are alarmed.
 */
export const executorMetrics = {
  ordersPlaced: 'LiveOrdersPlaced',
  ordersRejected: 'LiveOrdersRejected',
  outcomeUnknown: 'LiveOrdersOutcomeUnknown',
  ordersReconciled: 'LiveOrdersReconciled',
  fillsApplied: 'LiveFillsApplied',
  feeMismatches: 'LiveFeeMismatches',
  feeMismatchMicros: 'LiveFeeMismatchMicros',
  openHedges: 'OpenHedges',
} as const;
