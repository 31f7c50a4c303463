import type { SQSClient } from '@aws-sdk/client-sqs';
import type pg from 'pg';
import { SQS_BATCH_LIMIT, sendBatches } from '#adapters/aws/sqs';
import { lockPendingOutbox, markOutboxFailed, markOutboxSent } from '#adapters/pg/job-outbox';
import { inTransaction } from '#adapters/pg/transaction';

export interface OutboxRelayDeps {
  pool: pg.Pool;
  sqs: SQSClient;
  queueUrl: string;
}

export interface RelayResult {
  sent: number;
  failed: number;
}

/**
 * Sends pending browser-job outbox entries to SQS and marks them sent, up to ten per transaction: the entries stay
 * locked while their batch is sent, and the mark commits only after SQS accepted it. A crash between the send and
 * the commit leaves them pending, so they are sent again: at least once per committed job, never for a job whose
 * transaction did not commit (its entry was never visible). The worker's claim on the job id drops the duplicate.
 *
 * `jobId` relays that one job only (the API's attempt right after its commit); `maxBatches` bounds one run.
 */
export async function relayJobOutbox(
  deps: OutboxRelayDeps,
  opts: { jobId?: string; maxBatches?: number } = {},
): Promise<RelayResult> {
  const total: RelayResult = { sent: 0, failed: 0 };
  for (let batch = 0; batch < (opts.maxBatches ?? Number.POSITIVE_INFINITY); batch += 1) {
    const result = await relayOneBatch(deps, opts.jobId);
    total.sent += result.sent;
    total.failed += result.failed;
    // A short batch means nothing else is pending; a failure means SQS is unwell: the next run retries.
    if (result.sent + result.failed < SQS_BATCH_LIMIT || result.failed > 0) break;
  }
  return total;
}

function relayOneBatch(deps: OutboxRelayDeps, jobId: string | undefined): Promise<RelayResult> {
  return inTransaction(deps.pool, async (client) => {
    const entries = await lockPendingOutbox(client, { limit: SQS_BATCH_LIMIT, jobId });
    if (entries.length === 0) return { sent: 0, failed: 0 };
    // What SQS did not take after its retries stays pending and goes again next run (a duplicate the worker drops).
    const unsent = await sendBatches(
      deps.sqs,
      deps.queueUrl,
      entries.map((entry) => ({ id: entry.job_id, body: JSON.stringify(entry.message) })),
    );
    const failures = new Map(unsent.map((u) => [u.id, `${u.code}: ${u.message}`]));
    await markOutboxSent(
      client,
      entries.map((entry) => entry.job_id).filter((id) => !failures.has(id)),
    );
    await markOutboxFailed(client, failures);
    return { sent: entries.length - failures.size, failed: failures.size };
  });
}
