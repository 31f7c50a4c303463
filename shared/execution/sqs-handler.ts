import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { idempotencyConfigFor } from '#adapters/aws/idempotency';
import { executorMetrics } from '#config/metrics';
import { type ExecutionRequest, executionRequestSchema } from '#contracts/execution-request';
import { logger, metrics } from '../observability.ts';
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

/**
 * An executor's per-batch work: each record parsed with its schema and executed at most once at a time per order
 * (Powertools idempotency on the order id; the store's write-ahead attempts make a later redelivery safe too). A
 * record that fails (invalid, outcome unknown, first leg pending) is a batch item failure: the queue brings it back,
 * and after its redrive count it lands in the DLQ.
 */
export function createExecutorHandler(
  deps: ExecutorDeps & { persistenceStore: BasePersistenceLayer; beforeBatch?: () => Promise<void> },
) {
  const config = idempotencyConfigFor('orderId');
  const processor = new BatchProcessor(EventType.SQS);
  const executeOnce = makeIdempotent(
    (request: ExecutionRequest): Promise<ExecutionResult> => executeRequest(deps, request),
    { persistenceStore: deps.persistenceStore, config },
  );

  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    config.registerLambdaContext(context);
    await deps.beforeBatch?.();
    const processRecord = async (record: SQSRecord): Promise<ExecutionResult> => {
      const parsed = parseRecord(record);
      if (!parsed.ok) {
        logger.warn('invalid execution request', { messageId: record.messageId, why: parsed.why });
        throw new InvalidExecutionRequestError(record.messageId, parsed.why);
      }
      return executeOnce(parsed.request);
    };
    return processPartialResponse(event, processRecord, processor, { context });
  };
}
