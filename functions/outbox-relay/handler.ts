import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { makeSqsClient } from '#adapters/aws/clients';
import { oldestPendingOutboxAgeSeconds } from '#adapters/pg/job-outbox';
import { getPool } from '#adapters/pg/pool';
import { loadConfig } from '#config/env';
import { customMetrics } from '#config/metrics';
import { logger, metrics, tracer } from '../../shared/observability.ts';
import { type RelayResult, relayJobOutbox } from '../../shared/services/jobs/outbox-relay.ts';

const { BROWSER_JOBS_QUEUE_URL } = loadConfig();
if (!BROWSER_JOBS_QUEUE_URL) throw new Error('BROWSER_JOBS_QUEUE_URL is required by the outbox relay');
const deps = { pool: getPool('api'), sqs: makeSqsClient(), queueUrl: BROWSER_JOBS_QUEUE_URL };

/** Ten messages a batch: a run relays at most 1 000, well inside the function's timeout; the next run takes the rest. */
const MAX_BATCHES = 100;

/**
 * Scheduled (EventBridge, every minute): sends the browser-job messages the API's own attempt did not, then reports
 * the age of the oldest still pending, which the outbox-age alarm watches.
 */
async function relay(): Promise<RelayResult> {
  const result = await relayJobOutbox(deps, { maxBatches: MAX_BATCHES });
  const ageSeconds = await oldestPendingOutboxAgeSeconds(deps.pool);
  metrics.addMetric(customMetrics.outboxRelayed.name, MetricUnit.Count, result.sent);
  metrics.addMetric(customMetrics.outboxOldestPendingAge.name, MetricUnit.Seconds, ageSeconds);
  logger.info('outbox relay run', { ...result, oldestPendingSeconds: ageSeconds });
  return result;
}

export const handler = middy(relay)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
