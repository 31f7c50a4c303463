import type { FeeSchedule } from '#contracts/signal-candidate';
import type { SessionStatus } from '#domain/status/sessions';
import type { BrowserJobMessage } from '../contracts/api/jobs.ts';
import type { ConsentScope } from './api/consents.ts';
import type { SealedSessionData } from './api/sessions.ts';

/** A job the worker holds: fresh from the queue, or taken over from a worker that stopped beating while holding it. */
export interface HeldJob {
  id: string;
  userId: string;
  attempts: number;
  /** When a previous attempt recorded that it was about to confirm a live bet: the bet may have been placed. */
  confirmingAt: Date | null;
  /** What an earlier attempt recorded (a paper bet's slip, a receipt). */
  result: Record<string, unknown> | null;
}

export type TakeJobOutcome =
  | { outcome: 'held'; job: HeldJob }
  /** Finished, cancelled, out of attempts, or unknown to the database: acknowledge the message and drop it. */
  | { outcome: 'drop'; reason: 'finished' | 'unknown' | 'attempts_exhausted' }
  /** Running on a worker that is still alive: leave the message for later. */
  | { outcome: 'held_elsewhere' };

export interface JobOutcome {
  status: 'succeeded' | 'failed';
  result: Record<string, unknown>;
  /** The failure class (`url_not_allowed`, `challenge`, ...) for a failed job. */
  error?: string;
  screenshotKey?: string;
}

export interface SportsbookSession extends SealedSessionData {
  id: string;
  userId: string;
  sportsbook: string;
  status: SessionStatus;
  expiresAt: Date;
}

/** One sportsbook selection's offered price at one moment. */
export interface SportsbookPrice {
  sportsbook: string;
  /** The same event on every sportsbook has the same key (the books' shared event id). */
  eventKey: string;
  selection: string;
  americanOdds: number;
  /** 1 / decimal odds as the price of a $1 payout, rounded once by the domain. */
  askMicros: number;
  observedAtMs: number;
}

/** One of our games, as a sportsbook event is paired with it. */
export interface GameRef {
  id: string;
  startsAtMs: number;
}

/** A prediction market's latest YES ask on one team of a game, with the market's fee rule and resolution key. */
export interface GameAsk {
  venue: 'kalshi' | 'polymarket';
  venueMarketId: string;
  /** Which team of the game YES pays on. */
  outcome: 'home' | 'away';
  resolutionKey: string;
  askMicros: number;
  fee: FeeSchedule;
  observedAtMs: number;
}

/** What the browser worker reads and writes in the database, as its own role. */
export interface BrowserWorkerStore {
  /** Claims the job for this worker (`queued -> running`) or takes over a running one whose worker went silent. */
  takeJob(input: { jobId: string; workerId: string }): Promise<TakeJobOutcome>;
  /** `running -> succeeded|failed` through the job table, only while this worker holds it; false otherwise. */
  finishJob(input: { jobId: string; workerId: string } & JobOutcome): Promise<boolean>;
  /** Records, before the click, that a live bet is being confirmed, with what the slip showed. */
  markConfirming(input: { jobId: string; workerId: string; result: Record<string, unknown> }): Promise<boolean>;
  /** Whether a job is still running (not cancelled meanwhile): checked between steps. */
  isRunning(jobId: string): Promise<boolean>;
  hasActiveConsent(input: { userId: string; scope: ConsentScope; sportsbook: string }): Promise<boolean>;
  findSession(input: { userId: string; sessionId: string }): Promise<SportsbookSession | undefined>;
  /** Moves the session through the session table; false when it is no longer in a status allowed to move there. */
  setSessionStatus(input: { userId: string; sessionId: string; to: SessionStatus }): Promise<boolean>;
  /** Writes prices (venue `sportsbook:<name>`), creating each selection's market row on first sight. */
  writePrices(prices: readonly SportsbookPrice[]): Promise<void>;
  /** The latest price of every selection of the event on every sportsbook, no older than `sinceMs`. */
  latestEventPrices(input: { eventKey: string; sinceMs: number }): Promise<SportsbookPrice[]>;
  /** The games of `home` against `away` (ESPN abbreviations, that orientation) starting in `[fromMs, toMs]`. */
  findGames(input: { sport: string; home: string; away: string; fromMs: number; toMs: number }): Promise<GameRef[]>;
  /** The latest YES ask, no older than `sinceMs`, of each open Kalshi and Polymarket market of the game. */
  latestGameAsks(input: { gameId: string; sinceMs: number }): Promise<GameAsk[]>;
}

/** The worker registry, as the worker uses it. */
export interface WorkerRegistry {
  register(input: { name: string; capabilities: string[]; heartbeatTimeoutMs: number }): Promise<{ id: string }>;
  heartbeat(input: { id: string; status: 'idle' | 'busy'; currentJobId: string | null }): Promise<void>;
  /** Marks the worker offline at shutdown, so nothing waits for its heartbeat to time out. */
  deregister(id: string): Promise<void>;
}

/** Where job screenshots go: S3 in AWS, a directory locally. Returns the key the job records. */
export interface ScreenshotStore {
  put(input: { jobId: string; png: Buffer }): Promise<string>;
}

/** The message a job came in, kept with what the worker does with it. */
export type ReceivedJob = BrowserJobMessage;
