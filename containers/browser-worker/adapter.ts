import type { Page } from 'playwright-core';

/**
 * What a job can fail with, one name each: the job's `error`, the breaker's and the alarms' vocabulary.
 * `session_expired` marks the session expired; `challenge` pauses it; `selector_missing` means the adapter no longer
 * fits the book's pages (the adapter-broken alarm watches it).
 */
export const FAILURES = [
  'url_not_allowed',
  'navigation_blocked',
  'unknown_sportsbook',
  'consent_required',
  'session_not_active',
  'session_expired',
  'selector_missing',
  'step_timeout',
  'price_moved',
  'challenge',
  'invalid_stake',
  'page_error',
] as const;
export type FailureCode = (typeof FAILURES)[number];

/** Failures that say the book or its adapter is broken, not the job: what the circuit breaker counts. */
export const BOOK_FAILURES: ReadonlySet<FailureCode> = new Set(['selector_missing', 'step_timeout', 'page_error']);

export class JobFailure extends Error {
  override readonly name = 'JobFailure';
  constructor(
    readonly code: FailureCode,
    message: string,
    /** What the job's result records with the failure (the new price of a moved one). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** One offered price on an event page. Selection ids are `<market>.<outcome>`; a market's outcomes are exhaustive. */
export interface OfferedPrice {
  selection: string;
  /** What the book calls it ("Denver Nuggets"). */
  name: string;
  americanOdds: number;
}

export interface EventOdds {
  /** The same event on every book gives the same key: league | start time | away@home. */
  eventKey: string;
  prices: OfferedPrice[];
}

/** What the bet slip shows just before the confirmation click. */
export interface ReviewedBet {
  /** The book's own id of the event, as its bet history names it. */
  eventRef: string;
  selection: string;
  americanOdds: number;
  stakeMicros: number;
  payoutMicros: number;
}

export interface BetReceipt {
  betId: string;
  selection: string;
  americanOdds: number;
  stakeMicros: number;
  placedAt: string;
}

export type ConfirmResult = { placed: BetReceipt } | { priceMoved: { americanOdds: number } };

/**
 * A sportsbook's selectors and page flow, one module per book behind this interface. Every method works on the
 * job's own page (its own browser context), throws `JobFailure` for what it recognises and leaves the page where the
 * flow stopped, for the job's final screenshot. `classify` names what a page says about the session, if anything.
 */
export interface SportsbookAdapter {
  readonly name: string;
  classify(page: Page): Promise<'challenge' | 'session_expired' | undefined>;
  readOdds(page: Page, input: { markets?: readonly string[] }): Promise<EventOdds>;
  /** From the event page: puts the selection on the slip and enters the stake; stops on the review step. */
  fillSlip(page: Page, input: { selection: string; stakeMicros: number }): Promise<ReviewedBet>;
  /** Clicks the confirmation once. */
  confirm(page: Page, reviewed: ReviewedBet): Promise<ConfirmResult>;
  /** The book's bet history: a bet of this event, selection and stake placed at or after `since`, if any. */
  findBet(
    page: Page,
    input: { origin: string; eventRef: string; selection: string; stakeMicros: number; since: Date },
  ): Promise<BetReceipt | undefined>;
}
