import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { idempotencyConfigFor } from '#adapters/aws/idempotency';
import { executorMetrics } from '#config/metrics';
import { type ExecutionRequest, executionRequestSchema } from '#contracts/execution-request';
import { logger, metrics } from '../observability.ts';
import { NotSentError } from '../ports/execution.ts';
import { type ExecutionEvent, type ExecutionResult, type ExecutorDeps, executeRequest } from './execute.ts';

export class InvalidExecutionRequestError extends Error {
  constructor(messageId: string, why: string) {
    super(`message ${messageId} is not a valid ExecutionRequest: ${why}`);
    this.name = 'InvalidExecutionRequestError';
  }
}

function parseRecord(record: SQSRecord): { ok: true; request: ExecutionRequest } | { ok: false; why: string } {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    return { ok: false, why: 'body is not JSON' };
  }
  const parsed = executionRequestSchema.safeParse(body);
  if (!parsed.success) {
    return { ok: false, why: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  }
  return { ok: true, request: parsed.data };
}

/** Each executor event as its metric and log line; the open hedge and a fee mismatch are what alarms watch. */
export function observeExecution(event: ExecutionEvent): void {
  switch (event.type) {
    case 'placed':
      metrics.addMetric(executorMetrics.ordersPlaced, MetricUnit.Count, 1);
      logger.info('order placed', event);
      return;
    case 'rejected':
      metrics.addMetric(executorMetrics.ordersRejected, MetricUnit.Count, 1);
      logger.warn('order rejected', event);
      return;
    case 'outcome_unknown':
      metrics.addMetric(executorMetrics.outcomeUnknown, MetricUnit.Count, 1);
      logger.warn('order outcome unknown: the next delivery reconciles it', event);
      return;
    case 'not_sent':
      logger.warn('order not sent: no egress proxy usable; it is sent again later', event);
      return;
    case 'reconciled':
      metrics.addMetric(executorMetrics.ordersReconciled, MetricUnit.Count, 1);
      logger.info('order looked up at the venue', event);
      return;
    case 'fills':
      metrics.addMetric(executorMetrics.fillsApplied, MetricUnit.Count, event.applied.applied);
      metrics.addMetric(executorMetrics.feeMismatches, MetricUnit.Count, event.applied.feeMismatches);
      if (event.applied.feeMismatches > 0) {
        metrics.addMetric(executorMetrics.feeMismatchMicros, MetricUnit.Count, event.applied.feeDifferenceMicros);
        logger.warn('venue fee differs from ours', { orderId: event.orderId, ...event.applied });
      }
      return;
    case 'open_hedge':
      metrics.addMetric(executorMetrics.openHedges, MetricUnit.Count, 1);
      logger.error('arbitrage left with an open hedge', event);
      return;
    case 'hedge_follow_up':
      logger.warn('open hedge acted on by rule', event);
      return;
  }
}

/** The message attribute counting how often a message came back because its request was never sent. */
export const NOT_SENT_RETRIES_ATTRIBUTE = 'notSentRetries';
/** Redeliveries an egress outage may take before the message fails as any other would (and ends in the DLQ). */
export const MAX_NOT_SENT_RETRIES = 10;

const notSentRetriesSchema = z
  .string()
  .regex(/^\d{1,6}$/)
  .transform(Number);

/**
 * The never-sent retries a message has taken: none without the attribute (a first delivery). One that is not a whole
 * count reads as all spent, so the message fails and the queue's redrive limit bounds it, rather than coming back
 * forever with a wait and a count computed from it.
 */
function notSentRetriesOf(record: SQSRecord): number {
  const raw = record.messageAttributes?.[NOT_SENT_RETRIES_ATTRIBUTE]?.stringValue;
  if (raw === undefined) return 0;
  const parsed = notSentRetriesSchema.safeParse(raw);
  return parsed.success ? parsed.data : MAX_NOT_SENT_RETRIES;
}

/** The wait before a never-sent request's next try: 30 s doubling, at most SQS's 15-minute delay (about 1.5 h in all). */
export function notSentDelaySeconds(retries: number): number {
  return Math.min(900, 30 * 2 ** retries);
}

/** Puts a message back on the executor's own queue after `delaySeconds`, with its count of never-sent retries. */
export type Requeue = (body: string, delaySeconds: number, retries: number) => Promise<void>;

/**
 * An executor's per-batch work: each record parsed with its schema and executed at most once at a time per order
 * (Powertools idempotency on the order id; the store's write-ahead attempts make a later redelivery safe too). A
 * record that fails (invalid, outcome unknown, first leg pending) is a batch item failure: the queue brings it back,
 * and after its redrive count it lands in the DLQ. One whose request the egress never sent (no proxy usable) is put
 * back on the queue as a new message, later and later, so an egress outage does not spend the redrive count in a few
 * quick redeliveries; after MAX_NOT_SENT_RETRIES it fails like the rest.
 */
export function createExecutorHandler(
  deps: ExecutorDeps & {
    persistenceStore: BasePersistenceLayer;
    beforeBatch?: () => Promise<void>;
    requeue?: Requeue;
    notSentDelaySeconds?: (retries: number) => number;
  },
) {
  const config = idempotencyConfigFor('orderId');
  const processor = new BatchProcessor(EventType.SQS);
  const executeOnce = makeIdempotent(
    (request: ExecutionRequest): Promise<ExecutionResult> => executeRequest(deps, request),
    { persistenceStore: deps.persistenceStore, config },
  );
  const delayOf = deps.notSentDelaySeconds ?? notSentDelaySeconds;

  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    config.registerLambdaContext(context);
    await deps.beforeBatch?.();
    const processRecord = async (record: SQSRecord): Promise<ExecutionResult | { status: 'requeued' }> => {
      const parsed = parseRecord(record);
      if (!parsed.ok) {
        logger.warn('invalid execution request', { messageId: record.messageId, why: parsed.why });
        throw new InvalidExecutionRequestError(record.messageId, parsed.why);
      }
      try {
        return await executeOnce(parsed.request);
      } catch (error) {
        const retries = notSentRetriesOf(record);
        if (!(error instanceof NotSentError) || !deps.requeue || retries >= MAX_NOT_SENT_RETRIES) throw error;
        await deps.requeue(record.body, delayOf(retries), retries + 1);
        logger.warn('execution request put back for later: its request was not sent', {
          orderId: parsed.request.orderId,
          retries: retries + 1,
        });
        return { status: 'requeued' };
      }
    };
    return processPartialResponse(event, processRecord, processor, { context });
  };
}
