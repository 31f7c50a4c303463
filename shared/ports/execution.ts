import type { ExecutionRequest } from '#contracts/execution-request';
import type { Leg } from '#contracts/signal-candidate';
import type { HedgeResolution } from '#domain/execution/hedge';
import type { Liquidity } from '#domain/fees';
import type { GameStatus, Side, Venue } from '#domain/names';
import type { RiskState } from '#domain/risk/index';
import type { OrderStatus } from '#domain/status/orders';
import type { MoneyMicros, PriceMicros, QuantityHundredths } from '#domain/units';

/** The one HTTP call every venue client makes: the egress dispatcher's `fetch` (undici's signature). */
export interface EgressFetch {
  fetch: typeof globalThis.fetch;
}

/** The egress' eligibility gate: whether the venue's own check passed from the egress in use. */
export interface EligibilityGate {
  isEligible(venue: Venue): boolean;
}

/** An order as the venue is asked to take it: at a limit, never resting past its first match. */
export interface OrderToPlace {
  clientOrderId: string;
  venueMarketId: string;
  side: Side;
  quantity: QuantityHundredths;
  limitPriceMicros: PriceMicros;
  /** When our order record was made: a venue whose order id is a hash of the order signs this, so a resend is equal. */
  createdAtMs: number;
  /** The market's fee rule, as the candidate carried it. */
  fee: Leg['fee'];
  /** A buy unless said otherwise; a sell gives back contracts held (an open hedge's unwind). */
  action?: 'buy' | 'sell';
}

/** One execution as the venue reports it, with the venue's own fee. */
export interface VenueFill {
  venueFillId: string;
  quantity: QuantityHundredths;
  priceMicros: PriceMicros;
  /** What the contracts cost, fees apart. */
  costMicros: MoneyMicros;
  /** The venue's fee for this fill: what moves the bankroll. */
  feeMicros: MoneyMicros;
  liquidity: Liquidity;
  filledAtMs: number;
}

/** The venue's view of one order: `open` while it may still fill (resting, delayed). */
export interface VenueOrderReport {
  venueOrderId: string;
  state: 'open' | 'done' | 'rejected';
  filledQuantity: QuantityHundredths;
  fills: VenueFill[];
  /** The venue's words for a rejection. */
  detail?: string;
}

/** The venue refused the order for good (4xx with a reason): sending it again would be refused again. */
export class VenueRejectedError extends Error {
  constructor(
    readonly venue: Venue,
    readonly detail: string,
  ) {
    super(`${venue} rejected the order: ${detail}`);
    this.name = 'VenueRejectedError';
  }
}

/** The venue may or may not hold the order (timeout, 5xx, connection lost): look it up before sending again. */
export class OutcomeUnknownError extends Error {
  constructor(
    readonly venue: Venue,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${venue} order outcome unknown: ${detail}`, options);
    this.name = 'OutcomeUnknownError';
  }
}

/**
 * The request provably never reached the venue (no egress proxy usable): safe to send again without a lookup, once
 * the egress is back.
 */
export class NotSentError extends Error {
  constructor(
    readonly venue: Venue,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${venue} request not sent: ${detail}`, options);
    this.name = 'NotSentError';
  }
}

/** A venue's order endpoints, over the egress. */
export interface VenueOrderClient {
  readonly venue: Venue;
  /** Throws VenueRejectedError, OutcomeUnknownError or NotSentError; anything it returns the venue accepted. */
  place(order: OrderToPlace): Promise<VenueOrderReport>;
  /** The venue's record of our order by its client order id (and venue id when known); null when it has none. */
  lookup(order: OrderToPlace, venueOrderId: string | null): Promise<VenueOrderReport | null>;
}

/** One leg of the signal an order belongs to, as the executor needs it. */
export interface SiblingOrder {
  orderId: string;
  venue: Venue;
  status: OrderStatus;
  countHundredths: QuantityHundredths;
  filledHundredths: QuantityHundredths;
}

/** Our stored order with what the executor decides on. */
export interface StoredOrder {
  orderId: string;
  signalId: string;
  clientOrderId: string;
  venue: Venue;
  marketId: string;
  venueMarketId: string;
  side: Side;
  status: OrderStatus;
  countHundredths: QuantityHundredths;
  filledHundredths: QuantityHundredths;
  limitPriceMicros: PriceMicros;
  venueOrderId: string | null;
  createdAtMs: number;
  /** The candidate's leg this order buys (its fee rule), the candidate's game and kind. */
  leg: Leg;
  gameId: string;
  kind: 'model_edge' | 'arbitrage';
  /** The signal's other leg, for an arbitrage. */
  sibling: SiblingOrder | null;
  /** The latest attempt: one still `sending` or `unknown` may have reached the venue. */
  lastAttempt: { attempt: number; outcome: AttemptOutcome; venueOrderId: string | null } | null;
  /** A buy, or a sell of contracts held (an open hedge's unwind). */
  action: 'buy' | 'sell';
  /** The signal whose open hedge this follow-up order acts on (a retry or an unwind); null for a decided order. */
  hedgeOf: string | null;
}

/** One order of an open hedge: a leg, or a follow-up the hedge's rule placed. */
export interface HedgeOrder {
  orderId: string;
  clientOrderId: string;
  venue: Venue;
  marketId: string;
  venueMarketId: string;
  side: Side;
  action: 'buy' | 'sell';
  status: OrderStatus;
  countHundredths: QuantityHundredths;
  filledHundredths: QuantityHundredths;
  limitPriceMicros: PriceMicros;
}

/** An arbitrage's hedge with everything its rule decides on. */
export interface HedgeSnapshot {
  signalId: string;
  first: HedgeOrder & {
    /** What its fills cost, the venue's fees included. */
    costMicros: MoneyMicros;
    firstFillAtMs: number | null;
    fee: Leg['fee'];
  };
  second: HedgeOrder & { fee: Leg['fee'] };
  /** Retries and unwinds written for the hedge, oldest first. */
  followUps: HedgeOrder[];
  /** The latest best bid (recent enough to sell at) on the first leg's market for the side held. */
  firstBestBidMicros: PriceMicros | undefined;
  /** Undefined when the game is not known: nothing is traded on it. */
  gameStatus: GameStatus | undefined;
}

/** A follow-up order for an open hedge, written ahead of its request. */
export interface FollowUpToWrite {
  signalId: string;
  clientOrderId: string;
  venue: Venue;
  marketId: string;
  side: Side;
  action: 'buy' | 'sell';
  quantity: QuantityHundredths;
  limitPriceMicros: PriceMicros;
}

export type AttemptOutcome = 'sending' | 'accepted' | 'rejected' | 'unknown' | 'not_found' | 'not_sent';

/** What the send-time checks see, read under the risk lock with this order's own reservation left out. */
export interface SendCheckState {
  risk: RiskState;
}

/** What a batch of fills changed: only fills not seen before count. */
export interface AppliedFills {
  applied: number;
  status: OrderStatus;
  filledHundredths: QuantityHundredths;
  /** Sum over the new fills of the venue's fee minus ours (micros; negative when the venue charged less). */
  feeDifferenceMicros: number;
  feeMismatches: number;
}

export type ExecutionRejectReason =
  | 'trading_mode_paper'
  | 'kill_switch'
  | 'venue_ineligible'
  | 'credentials_missing'
  | 'first_leg_unfilled'
  | `risk_${string}`
  | `venue_${string}`;

/** The executors' Postgres side. */
export interface ExecutionStore {
  loadOrder(orderId: string): Promise<StoredOrder | undefined>;
  /**
   * Under the live risk lock: lets `check` see the risk state without this order's reservation; when it passes, writes
   * the attempt ahead of the call (`sending`) and returns its number, else rejects the order with its reason.
   */
  beginAttempt(
    order: StoredOrder,
    quantity: QuantityHundredths,
    check: (state: SendCheckState) => ExecutionRejectReason | undefined,
  ): Promise<{ attempt: number } | { rejected: ExecutionRejectReason }>;
  finishAttempt(orderId: string, attempt: number, outcome: AttemptOutcome, detail?: string): Promise<void>;
  /** Rejects an order not sent (or refused by the venue) with its reason. */
  rejectOrder(orderId: string, reason: ExecutionRejectReason): Promise<void>;
  /**
   * Applies the venue's report: new fills (unique venue fill id) to the order, the live position and the live bankroll
   * under the risk lock, with our expected fee beside the venue's; the order's status along the transition table.
   */
  applyReport(
    order: StoredOrder,
    report: VenueOrderReport,
    /** Our fee for each new fill, given the order's fills counted before. */
    expectedFeeMicros: (prior: readonly VenueFill[], fresh: readonly VenueFill[]) => MoneyMicros[],
  ): Promise<AppliedFills>;
  /** Records (or updates) an arbitrage's open hedge; zero unhedged closes it. Resolves whether anything changed. */
  recordHedge(input: {
    signalId: string;
    firstOrderId: string;
    secondOrderId: string;
    unhedgedHundredths: QuantityHundredths;
    reason: string;
    /** How the hedge's rule left it; unset leaves the recorded one. */
    resolution?: HedgeResolution | null;
  }): Promise<boolean>;
  /** The arbitrage's hedge as its rule sees it; undefined before its first leg has filled anything. */
  loadHedge(signalId: string): Promise<HedgeSnapshot | undefined>;
  /**
   * Writes a follow-up order (pending, live, tied to the hedge) unless its client order id is there already, and
   * counts the hedge's follow-ups; returns the stored order either way, so a redelivery sends the same one again.
   * Undefined, and nothing written, when the hedge has other follow-ups than the `seenFollowUps` its decision saw:
   * another executor acted on it meanwhile.
   */
  writeFollowUp(order: FollowUpToWrite & { seenFollowUps: number }): Promise<HedgeOrder | undefined>;
  /** The current state of another order (the first leg a second leg waits for). */
  orderStatus(orderId: string): Promise<SiblingOrder | undefined>;
}

/** Everything the send-time checks need that is not in the database. */
export interface ExecutionGates {
  tradingMode: 'paper' | 'live';
  gate: EligibilityGate;
  credentialsPresent: boolean;
}

export type { ExecutionRequest };
