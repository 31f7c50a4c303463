import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { makeSqsClient } from '#adapters/aws/clients';
import { oldestPendingOutboxAgeSeconds } from '#adapters/pg/job-outbox';
import { createPool } from '#adapters/pg/pool';
import { loadConfig, outboxRelayConfig } from '#config/env';
import { customMetrics } from '#config/metrics';
import { type RelayResult, relayJobOutbox } from '../../shared/browser-jobs/outbox-relay.ts';
import { logger, metrics, withPowertools } from '../../shared/observability.ts';

const config = loadConfig(outboxRelayConfig);
// The relay finishes the API's own sends: it logs in as the API's role, which alone may touch the outbox.
const deps = {
  pool: createPool({ component: 'api' }, config),
  sqs: makeSqsClient(config.SQS_ENDPOINT, config.AWS_REGION),
  queueUrl: config.BROWSER_JOBS_QUEUE_URL,
};

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

export const handler = withPowertools(relay);
