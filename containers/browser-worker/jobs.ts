import type { Browser, BrowserContext, Page } from 'playwright-core';
import { errors as playwrightErrors } from 'playwright-core';
import { z } from 'zod';
import type { SurebetCandidate } from '#contracts/signal-candidate';
import { americanToDecimal, impliedProbability } from '#domain/odds';
import { priceFromProbability } from '#domain/units';
import type { SecretsProvider } from '../../shared/adapters/secrets/provider.ts';
import { openSessionData, sessionKeyById } from '../../shared/adapters/secrets/session-keys.ts';
import { checkEventUrl, type SportsbookOrigins } from '../../shared/browser-jobs/origins.ts';
import { type BrowserJobMessage, browserJobMessageSchema } from '../../shared/contracts/api/jobs.ts';
import {
  EVENT_GAME_SEARCH_MS,
  gameOfSportsbookEvent,
  sportsbookEventOf,
} from '../../shared/domain/matching/sportsbook-events.ts';
import { logger } from '../../shared/observability.ts';
import type { BrowserWorkerStore, HeldJob, JobOutcome, ScreenshotStore } from '../../shared/ports/browser-worker.ts';
import { BOOK_FAILURES, JobFailure, type ReviewedBet, type SportsbookAdapter } from './adapter.ts';
import type { CircuitBreakers } from './breaker.ts';
import { withJobPage } from './browser.ts';
import { findSurebetCandidates, MONEYLINE_MARKET, type PredictionMarketAsk } from './surebets.ts';

export interface JobRunnerDeps {
  store: BrowserWorkerStore;
  screenshots: ScreenshotStore;
  browser: Browser;
  secrets: SecretsProvider;
  origins: SportsbookOrigins;
  adapterFor(sportsbook: string): SportsbookAdapter | undefined;
  breakers: CircuitBreakers;
  workerId: string;
  /** TRADING_MODE=live and LIVE_BETTING=true: bets may be confirmed (with the user's live_trading consent). */
  liveBetting: boolean;
  stepTimeoutMs: number;
  surebetStakeMicros: number;
  /** How old another book's price (or a prediction market's ask) may be to pair with this one in a surebet. */
  priceMaxAgeMs: number;
  /** Sends surebet candidates to the candidates queue; throws when SQS did not take one. */
  publishCandidates(candidates: readonly SurebetCandidate[]): Promise<void>;
  /** Candidate id -> when this process published it: the same surebet at the same prices is not sent again. */
  publishedSurebets: Map<string, number>;
  /** How long a published surebet stays published: after that a check that finds it again sends it again. */
  surebetRepublishAfterMs: number;
  now(): number;
  /** Jobs this process is running now: a second message for one of them waits, it never runs the job twice. */
  running: Set<string>;
}

/** What the consumer does with the message. */
export type Disposition =
  | { action: 'delete'; jobId?: string; outcome?: JobOutcome }
  /** Leave it on the queue, invisible for this long (the book's breaker is open, another live worker holds it). */
  | { action: 'retry'; afterMs: number }
  /** Shutting down mid-job: visible again at once, the job row left for the next worker to take over. */
  | { action: 'release' };

/** Cookies as a browser exports them (Playwright's storage state): what a stored session's data holds. */
const sessionDataSchema = z.object({
  cookies: z
    .array(
      z.object({
        name: z.string().min(1),
        value: z.string(),
        domain: z.string().min(1),
        path: z.string().default('/'),
        expires: z.number().optional(),
        httpOnly: z.boolean().optional(),
        secure: z.boolean().optional(),
        sameSite: z.enum(['Strict', 'Lax', 'None']).optional(),
      }),
    )
    .max(200),
});

/** Bounds a step: a page that hangs fails the job as `step_timeout` instead of holding the worker. */
async function step<T>(name: string, timeoutMs: number, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new JobFailure('step_timeout', `${name} took over ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([work(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Offered price not worse than the job's limit, compared as payouts (decimal odds), not as signed integers. */
const atLeast = (offered: number, limit: number) => americanToDecimal(offered) >= americanToDecimal(limit);

class Shutdown extends Error {}

/**
 * Does one browser-jobs message: takes the job (a redelivery of a finished or unknown job is dropped), checks the
 * origin before any page opens, runs the job in its own browser context and records the outcome with a screenshot
 * of the final page. A body that is not a browser-job message throws, so the queue's redrive moves it to the DLQ.
 */
export async function handleJobMessage(deps: JobRunnerDeps, body: string, signal: AbortSignal): Promise<Disposition> {
  const message = browserJobMessageSchema.parse(JSON.parse(body));
  const { sportsbook } = message.job.payload;
  const waitMs = deps.breakers.admit(sportsbook, deps.now());
  if (waitMs !== undefined) return { action: 'retry', afterMs: waitMs };
  if (deps.running.has(message.jobId)) return { action: 'retry', afterMs: deps.stepTimeoutMs };
  deps.running.add(message.jobId);
  try {
    return await takeAndRun(deps, message, signal);
  } finally {
    deps.running.delete(message.jobId);
  }
}

async function takeAndRun(deps: JobRunnerDeps, message: BrowserJobMessage, signal: AbortSignal): Promise<Disposition> {
  const { sportsbook } = message.job.payload;
  const taken = await deps.store.takeJob({ jobId: message.jobId, workerId: deps.workerId });
  if (taken.outcome === 'held_elsewhere') return { action: 'retry', afterMs: deps.stepTimeoutMs };
  if (taken.outcome === 'drop') {
    logger.info('browser job dropped', { jobId: message.jobId, reason: taken.reason });
    deps.breakers.neutral(sportsbook);
    return { action: 'delete', jobId: message.jobId };
  }
  let screenshotKey: string | undefined;
  let outcome: JobOutcome;
  try {
    const result = await runJob(deps, message, taken.job, signal, async (page) => {
      const png = await page.screenshot({ fullPage: true, timeout: deps.stepTimeoutMs });
      screenshotKey = await deps.screenshots.put({ jobId: message.jobId, png });
    });
    outcome = { status: 'succeeded', result };
    deps.breakers.succeeded(sportsbook);
  } catch (error) {
    if (signal.aborted || error instanceof Shutdown) return { action: 'release' };
    const failure = classifyError(error);
    if (BOOK_FAILURES.has(failure.code)) deps.breakers.failed(sportsbook, deps.now());
    else deps.breakers.neutral(sportsbook);
    logger.warn('browser job failed', { jobId: message.jobId, code: failure.code, reason: failure.message });
    outcome = { status: 'failed', error: failure.code, result: { error: failure.code, ...failure.details } };
  }
  const finished = await deps.store.finishJob({
    jobId: message.jobId,
    workerId: deps.workerId,
    ...outcome,
    ...(screenshotKey ? { screenshotKey } : {}),
  });
  if (!finished) logger.info('browser job was cancelled while it ran', { jobId: message.jobId });
  return { action: 'delete', jobId: message.jobId, outcome };
}

function classifyError(error: unknown): JobFailure {
  if (error instanceof JobFailure) return error;
  if (error instanceof playwrightErrors.TimeoutError) {
    return new JobFailure('selector_missing', error.message.split('\n')[0] ?? 'timed out waiting for the page');
  }
  return new JobFailure('page_error', error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error));
}

type Cookies = Parameters<BrowserContext['addCookies']>[0];

async function runJob(
  deps: JobRunnerDeps,
  message: BrowserJobMessage,
  held: HeldJob,
  signal: AbortSignal,
  screenshot: (page: Page) => Promise<void>,
): Promise<Record<string, unknown>> {
  const { payload } = message.job;
  const check = checkEventUrl(deps.origins, payload.sportsbook, payload.eventUrl);
  if (!check.allowed) throw new JobFailure('url_not_allowed', check.reason);
  const adapter = deps.adapterFor(payload.sportsbook);
  if (!adapter) throw new JobFailure('unknown_sportsbook', `no adapter for ${payload.sportsbook}`);
  const cookies = message.job.type === 'place_bet' ? await sessionCookies(deps, message, check.origin) : undefined;
  const live =
    message.job.type === 'place_bet' &&
    deps.liveBetting &&
    (await deps.store.hasActiveConsent({
      userId: message.userId,
      scope: 'live_trading',
      sportsbook: payload.sportsbook,
    }));
  return withJobPage(
    deps.browser,
    { origin: check.origin, ...(cookies ? { cookies } : {}), signal },
    async (page) => {
      try {
        if (message.job.type === 'check_odds') {
          return await checkOdds(deps, adapter, page, message.job.payload);
        }
        return await placeBet(deps, adapter, page, { message, held, origin: check.origin, live });
      } catch (error) {
        if (signal.aborted) throw new Shutdown('shutting down');
        throw await sessionFailure(deps, adapter, page, message, error);
      } finally {
        if (!signal.aborted) await screenshot(page).catch((error: unknown) => logger.warn('no screenshot', { error }));
      }
    },
    deps.stepTimeoutMs,
  );
}

/**
 * The user's session for a bet, opened only in memory and only if the automate_sportsbook consent is active now:
 * the consent is read first, so a withdrawn consent stops the job before anything is decrypted.
 */
async function sessionCookies(deps: JobRunnerDeps, message: BrowserJobMessage, origin: string): Promise<Cookies> {
  if (message.job.type !== 'place_bet') return [];
  const { sportsbook, sessionId } = message.job.payload;
  const userId = message.userId;
  if (!(await deps.store.hasActiveConsent({ userId, scope: 'automate_sportsbook', sportsbook }))) {
    throw new JobFailure('consent_required', `no active automate_sportsbook consent for ${sportsbook}`);
  }
  const session = await deps.store.findSession({ userId, sessionId });
  if (!session || session.sportsbook !== sportsbook) throw new JobFailure('session_not_active', 'no such session');
  if (session.status === 'active' && session.expiresAt.getTime() <= deps.now()) {
    await deps.store.setSessionStatus({ userId, sessionId, to: 'expired' });
    throw new JobFailure('session_expired', 'the session is past its expiry');
  }
  if (session.status !== 'active') throw new JobFailure('session_not_active', `the session is ${session.status}`);
  const key = await sessionKeyById(deps.secrets, session.keyId);
  const data = sessionDataSchema.safeParse(
    openSessionData(key, session.id, session.userId, {
      ciphertext: session.ciphertext,
      iv: session.nonce,
      authTag: session.authTag,
    }),
  );
  if (!data.success) throw new JobFailure('session_not_active', 'the session data holds no cookies');
  // Only the book's own cookies go into the context: a session never carries anything to another host.
  const host = new URL(origin).hostname;
  return data.data.cookies
    .filter((cookie) => cookie.domain.replace(/^\./, '') === host)
    .map((cookie) => ({ ...cookie, domain: host }));
}

/** A failure on a page that is a challenge or a login: the session's problem, and the session says so. */
async function sessionFailure(
  deps: JobRunnerDeps,
  adapter: SportsbookAdapter,
  page: Page,
  message: BrowserJobMessage,
  error: unknown,
): Promise<unknown> {
  const known = error instanceof JobFailure && (error.code === 'challenge' || error.code === 'session_expired');
  if (error instanceof JobFailure && !known && !BOOK_FAILURES.has(error.code)) return error;
  const seen = known
    ? (error.code as 'challenge' | 'session_expired')
    : await adapter.classify(page).catch(() => undefined);
  if (!seen) return error;
  if (message.job.type === 'place_bet') {
    const target = { userId: message.userId, sessionId: message.job.payload.sessionId };
    await deps.store.setSessionStatus({ ...target, to: seen === 'challenge' ? 'paused' : 'expired' });
  }
  return new JobFailure(
    seen,
    seen === 'challenge'
      ? 'the sportsbook challenged the session; it is paused until its owner acts'
      : 'session expired',
  );
}

async function openEvent(deps: JobRunnerDeps, adapter: SportsbookAdapter, page: Page, eventUrl: string) {
  await step('open event', deps.stepTimeoutMs, () => page.goto(eventUrl, { waitUntil: 'domcontentloaded' }));
  const seen = await adapter.classify(page);
  if (seen) throw new JobFailure(seen, `the event page is a ${seen} page`);
}

async function checkOdds(
  deps: JobRunnerDeps,
  adapter: SportsbookAdapter,
  page: Page,
  payload: Extract<BrowserJobMessage['job'], { type: 'check_odds' }>['payload'],
): Promise<Record<string, unknown>> {
  await openEvent(deps, adapter, page, payload.eventUrl);
  const odds = await step('read odds', deps.stepTimeoutMs, () =>
    adapter.readOdds(page, payload.markets ? { markets: payload.markets } : {}),
  );
  const observedAtMs = deps.now();
  const prices = odds.prices.map((price) => ({
    sportsbook: payload.sportsbook,
    eventKey: odds.eventKey,
    selection: price.selection,
    americanOdds: price.americanOdds,
    askMicros: priceFromProbability(impliedProbability(americanToDecimal(price.americanOdds))),
    observedAtMs,
  }));
  await deps.store.writePrices(prices);
  const sinceMs = observedAtMs - deps.priceMaxAgeMs;
  const books = await deps.store.latestEventPrices({ eventKey: odds.eventKey, sinceMs });
  const { gameId, asks } = await matchedGameAsks(deps, odds.eventKey, sinceMs);
  const surebets = findSurebetCandidates({
    eventKey: odds.eventKey,
    gameId,
    books,
    asks,
    stakeMicros: deps.surebetStakeMicros,
    nowMs: observedAtMs,
  });
  const published = await publishSurebets(deps, surebets, observedAtMs);
  return {
    eventKey: odds.eventKey,
    venue: `sportsbook:${payload.sportsbook}`,
    gameId,
    observedAt: new Date(observedAtMs).toISOString(),
    prices: odds.prices.map((price, index) => ({
      ...price,
      decimalOdds: americanToDecimal(price.americanOdds),
      askMicros: prices[index]?.askMicros,
    })),
    surebets: surebets.map((candidate) => ({ ...candidate, published: published.has(candidate.id) })),
  };
}

/**
 * Our game of the sportsbook event (its teams on its Eastern date) and the latest YES asks of that game's Kalshi and
 * Polymarket markets, as the book's `moneyline` selections they pay on; no game, no asks (book against book only).
 */
async function matchedGameAsks(
  deps: JobRunnerDeps,
  eventKey: string,
  sinceMs: number,
): Promise<{ gameId: string | null; asks: PredictionMarketAsk[] }> {
  const event = sportsbookEventOf(eventKey);
  if (!event) return { gameId: null, asks: [] };
  const games = await deps.store.findGames({
    sport: event.league,
    home: event.home,
    away: event.away,
    fromMs: event.startsAtMs - EVENT_GAME_SEARCH_MS,
    toMs: event.startsAtMs + EVENT_GAME_SEARCH_MS,
  });
  const game = gameOfSportsbookEvent(event, games);
  if (!game) return { gameId: null, asks: [] };
  const asks = await deps.store.latestGameAsks({ gameId: game.id, sinceMs });
  return {
    gameId: game.id,
    asks: asks.map(({ outcome, ...ask }) => ({ ...ask, selection: `${MONEYLINE_MARKET}.${outcome}` })),
  };
}

/**
 * Sends the surebets this process has not published within `surebetRepublishAfterMs` (the id covers every leg's
 * price, so a moved price is a new one) and returns the ids sent. A send SQS refuses is logged and left unmarked, so
 * the next check that finds the surebet tries again; the odds read still stand.
 */
async function publishSurebets(
  deps: JobRunnerDeps,
  surebets: readonly SurebetCandidate[],
  nowMs: number,
): Promise<Set<string>> {
  for (const [id, at] of deps.publishedSurebets) {
    if (nowMs - at >= deps.surebetRepublishAfterMs) deps.publishedSurebets.delete(id);
  }
  const fresh = surebets.filter((candidate) => !deps.publishedSurebets.has(candidate.id));
  // Marked before the send: a concurrent job finding the same surebet does not send it too.
  for (const candidate of fresh) deps.publishedSurebets.set(candidate.id, nowMs);
  if (fresh.length === 0) return new Set();
  try {
    await deps.publishCandidates(fresh);
  } catch (error) {
    for (const candidate of fresh) deps.publishedSurebets.delete(candidate.id);
    logger.error('surebet candidates not published', { error, ids: fresh.map((c) => c.id) });
    return new Set();
  }
  for (const candidate of fresh) {
    logger.info('surebet candidate published', { id: candidate.id, eventKey: candidate.eventKey });
  }
  return new Set(fresh.map((candidate) => candidate.id));
}

/** How far before the recorded "confirming" moment a bet in the history may be dated and still be this job's. */
const CONFIRMING_CLOCK_SLACK_MS = 60_000;

async function placeBet(
  deps: JobRunnerDeps,
  adapter: SportsbookAdapter,
  page: Page,
  input: { message: BrowserJobMessage; held: HeldJob; origin: string; live: boolean },
): Promise<Record<string, unknown>> {
  const { message, held, origin, live } = input;
  if (message.job.type !== 'place_bet') throw new Error('not a bet');
  const { payload } = message.job;
  const reviewedBefore = held.confirmingAt ? (held.result?.reviewed as ReviewedBet | undefined) : undefined;
  if (held.confirmingAt && reviewedBefore) {
    // An earlier attempt clicked (or was about to click) the confirmation: the book's history says whether it took.
    const receipt = await step('bet history', deps.stepTimeoutMs, () =>
      adapter.findBet(page, {
        origin,
        eventRef: reviewedBefore.eventRef,
        selection: reviewedBefore.selection,
        stakeMicros: reviewedBefore.stakeMicros,
        since: new Date(held.confirmingAt!.getTime() - CONFIRMING_CLOCK_SLACK_MS),
      }),
    );
    if (receipt) return { mode: 'live', reviewed: reviewedBefore, receipt, reconciled: true };
  }
  await openEvent(deps, adapter, page, payload.eventUrl);
  const reviewed = await step('fill slip', deps.stepTimeoutMs, () =>
    adapter.fillSlip(page, { selection: payload.selection, stakeMicros: payload.stakeMicros }),
  );
  if (!atLeast(reviewed.americanOdds, payload.minAmericanOdds)) {
    throw new JobFailure('price_moved', `offered ${reviewed.americanOdds}, worse than ${payload.minAmericanOdds}`, {
      americanOdds: reviewed.americanOdds,
      minAmericanOdds: payload.minAmericanOdds,
    });
  }
  if (!live) return { mode: 'paper', wouldPlace: reviewed };
  if (
    !(await deps.store.markConfirming({
      jobId: message.jobId,
      workerId: deps.workerId,
      result: { mode: 'live', reviewed },
    }))
  ) {
    throw new Shutdown("the job is no longer this worker's");
  }
  const confirmed = await step('confirm', deps.stepTimeoutMs, () => adapter.confirm(page, reviewed));
  if ('priceMoved' in confirmed) {
    throw new JobFailure('price_moved', `the price moved to ${confirmed.priceMoved.americanOdds} at confirmation`, {
      americanOdds: confirmed.priceMoved.americanOdds,
    });
  }
  return { mode: 'live', reviewed, receipt: confirmed.placed };
}
