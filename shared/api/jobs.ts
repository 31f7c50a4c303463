import type { JobStatus } from '#domain/status/jobs';
import { checkEventUrl } from '../browser-jobs/origins.ts';
import type { ListResponse } from '../contracts/api/common.ts';
import type { BrowserJobMessage, CreateJobBody, JobView } from '../contracts/api/jobs.ts';
import { logger } from '../observability.ts';
import type { JobRow } from '../ports/api/jobs.ts';
import type { ApiStores } from '../ports/api-store.ts';
import { decodeCursor, page } from './cursor.ts';
import type { ApiDeps } from './deps.ts';
import { ApiError, conflict, notFound, unavailable } from './errors.ts';
import type { Actor } from './principal.ts';
import { requestHash } from './request-hash.ts';

function toView(row: JobRow): JobView {
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    priority: row.priority,
    payload: row.payload as JobView['payload'],
    error: row.error,
    result: row.result,
    screenshotKey: row.screenshot_key,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export interface SubmittedJob {
  job: JobView;
  replayed: boolean;
}

function replay(existing: JobRow, hash: string): SubmittedJob {
  if (existing.request_hash !== hash) {
    throw conflict('idempotency_key_reused', 'this Idempotency-Key was already used with a different body');
  }
  return { job: (existing.response as JobView | null) ?? toView(existing), replayed: true };
}

/**
 * Browser jobs automate a sportsbook: they need the user's `automate_sportsbook` consent for it, and a bet must use
 * one of the user's own active sessions for that sportsbook, whose `store_session` consent still stands.
 */
async function requireJobConsents(tx: ApiStores, userId: string, body: CreateJobBody): Promise<void> {
  const { sportsbook } = body.payload;
  if (!(await tx.consents.lockActiveFor(userId, 'automate_sportsbook', sportsbook))) {
    throw new ApiError(403, 'consent_required', `an active automate_sportsbook consent for ${sportsbook} is required`);
  }
  if (body.type !== 'place_bet') return;
  const session = await tx.sessions.find(userId, body.payload.sessionId);
  if (!session || session.sportsbook !== sportsbook) throw notFound('session');
  if (session.status !== 'active') throw new ApiError(409, 'session_not_active', `the session is ${session.status}`);
  const stored = await tx.consents.lockActive(userId, session.consent_id);
  if (!stored) throw new ApiError(403, 'consent_required', `the session's store_session consent was revoked`);
}

/**
 * Accepts a job once per Idempotency-Key. The row, its audit entry and its browser-jobs message (an outbox entry)
 * commit in one transaction; the message is then sent at once, and if that send fails the outbox relay, on its
 * schedule, sends it later. So a committed job always gets its message and a failed commit leaves none.
 */
export async function submitJob(
  deps: ApiDeps,
  actor: Actor,
  body: CreateJobBody,
  idempotencyKey: string,
): Promise<SubmittedJob> {
  if (deps.sportsbookOrigins) {
    const check = checkEventUrl(deps.sportsbookOrigins, body.payload.sportsbook, body.payload.eventUrl);
    if (!check.allowed) throw new ApiError(400, 'url_not_allowed', check.reason, [{ path: ['payload', 'eventUrl'] }]);
  }
  const hash = requestHash(body);
  const existing = await deps.store.jobs.findByIdempotencyKey(actor.sub, idempotencyKey);
  if (existing) return replay(existing, hash);
  const queueUrl = deps.browserJobsQueueUrl;
  if (!queueUrl) throw unavailable('the browser-jobs queue is not configured');

  const inserted = await deps.store.transaction(async (tx) => {
    await requireJobConsents(tx, actor.sub, body);
    const row = await tx.jobs.insertOnce({
      userId: actor.sub,
      type: body.type,
      payload: body.payload,
      priority: body.priority,
      idempotencyKey,
      requestHash: hash,
    });
    // A concurrent request with the same key committed first: answer as a replay, below.
    if (!row) return undefined;
    const job = toView(row);
    await tx.jobs.saveResponse(row.id, job);
    await tx.audit.append({
      actor: actor.sub,
      action: 'job.submit',
      resourceType: 'job',
      resourceId: row.id,
      requestId: actor.requestId,
      details: { type: body.type, priority: body.priority, sportsbook: body.payload.sportsbook },
    });
    const message: BrowserJobMessage = { type: 'browser_job', v: 1, jobId: row.id, userId: actor.sub, job: body };
    await tx.jobs.addOutboxMessage(row.id, message);
    return job;
  });
  if (inserted) {
    // Accepted all the same if this fails: the entry stays pending and the scheduled relay sends it.
    const relayed = await deps.relayJobMessage(inserted.id).catch((error: unknown) => ({ sent: 0, failed: 1, error }));
    if (relayed.failed > 0) logger.warn('browser-job message left for the outbox relay', { jobId: inserted.id });
    return { job: inserted, replayed: false };
  }
  const winner = await deps.store.jobs.findByIdempotencyKey(actor.sub, idempotencyKey);
  if (!winner) throw new Error('idempotency key conflict without a stored job');
  return replay(winner, hash);
}

export async function getUserJob(deps: ApiDeps, userId: string, id: string): Promise<JobView> {
  const row = await deps.store.jobs.find(userId, id);
  if (!row) throw notFound('job');
  return toView(row);
}

export async function listUserJobs(
  deps: ApiDeps,
  userId: string,
  query: { status?: JobStatus; limit: number; cursor?: string },
): Promise<ListResponse<JobView>> {
  const rows = await deps.store.jobs.list({ userId, ...query, after: decodeCursor(query.cursor) });
  return page(rows, query.limit, toView, (row) => ({ k: row.cursor_key, id: row.id }));
}

export function cancelJob(deps: ApiDeps, actor: Actor, id: string): Promise<JobView> {
  return deps.store.transaction(async (tx) => {
    const row = await tx.jobs.transition({ userId: actor.sub, id, to: 'cancelled' });
    if (!row) {
      const current = await tx.jobs.find(actor.sub, id);
      if (!current) throw notFound('job');
      throw conflict('invalid_transition', `a ${current.status} job cannot be cancelled`);
    }
    await tx.audit.append({
      actor: actor.sub,
      action: 'job.cancel',
      resourceType: 'job',
      resourceId: id,
      requestId: actor.requestId,
    });
    return toView(row);
  });
}
