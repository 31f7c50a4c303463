import type { JobStatus } from '#domain/status/jobs';
import type { PageAfter } from './page.ts';

export interface JobRow {
  id: string;
  user_id: string;
  type: 'check_odds' | 'place_bet';
  payload: Record<string, unknown>;
  priority: number;
  status: JobStatus;
  request_hash: string | null;
  response: unknown;
  /** What the browser worker recorded: its failure class, its result and the key of the final screenshot. */
  error: string | null;
  result: Record<string, unknown> | null;
  screenshot_key: string | null;
  created_at: Date;
  updated_at: Date;
  cursor_key: string;
}

/** The users' browser jobs and, in the same store, each job's outgoing message (the outbox). */
export interface JobStore {
  /** Inserts the job unless the user already used this idempotency key; undefined then. */
  insertOnce(input: {
    userId: string;
    type: JobRow['type'];
    payload: Record<string, unknown>;
    priority: number;
    idempotencyKey: string;
    requestHash: string;
  }): Promise<JobRow | undefined>;
  findByIdempotencyKey(userId: string, key: string): Promise<JobRow | undefined>;
  /** Keeps the first response, so a replay with the same key answers exactly what the first call did. */
  saveResponse(id: string, response: unknown): Promise<void>;
  find(userId: string, id: string): Promise<JobRow | undefined>;
  list(query: { userId: string; status?: JobStatus; limit: number; after?: PageAfter }): Promise<JobRow[]>;
  /**
   * Moves the user's job to `to` from whichever status the job table allows into it, atomically; undefined when the
   * job is not in such a status (or not the user's).
   */
  transition(input: { userId: string; id: string; to: JobStatus; error?: string }): Promise<JobRow | undefined>;
  /** Cancels the user's unfinished jobs for one sportsbook (its consent was withdrawn); returns their ids. */
  cancelUnfinishedFor(userId: string, sportsbook: string): Promise<string[]>;
  /** Records the job's message in the job's own transaction: it exists exactly when the job row does. */
  addOutboxMessage(jobId: string, message: object): Promise<void>;
}
