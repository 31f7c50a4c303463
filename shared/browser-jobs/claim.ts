import type pg from 'pg';
import { claimQueuedJob } from '#adapters/pg/jobs';
import { type BrowserJobMessage, browserJobMessageSchema } from '../contracts/api/jobs.ts';
import type { JobRow } from '../ports/api/jobs.ts';

export type ClaimedBrowserJob =
  | { outcome: 'claimed'; message: BrowserJobMessage; job: JobRow }
  /** Another message for this job id was claimed first, or the job was cancelled: delete the message, do nothing. */
  | { outcome: 'not_queued'; message: BrowserJobMessage };

/**
 * What the browser worker does with each browser-jobs message before any work: claim the job by its id. The relay
 * sends at least once, so the same job may arrive twice; only one claim succeeds, which makes the processing
 * exactly-once per job. A body that is not a browser-job message throws (the message goes to the DLQ).
 */
export async function claimBrowserJob(db: pg.Pool, body: string, workerId?: string): Promise<ClaimedBrowserJob> {
  const message = browserJobMessageSchema.parse(JSON.parse(body));
  const job = await claimQueuedJob(db, message.jobId, workerId);
  return job ? { outcome: 'claimed', message, job } : { outcome: 'not_queued', message };
}
