import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { z } from 'zod';
import { getPool } from '#adapters/pg/pool';
import { loadConfig } from '#config/env';
import { logger, metrics, tracer } from '../../shared/observability.ts';
import { runScheduledRetention } from './retention-job.ts';

const config = loadConfig();
const pool = getPool('retention');

/** The only field we read; the schedule's own clock, so a retried invocation uses the same cutoff. */
const scheduledEventSchema = z.object({ time: z.iso.datetime() });

/** EventBridge-scheduled: prunes old market prices (keeping hourly rollups) and refreshes yesterday's performance. */
export const handler = middy(async (event: ScheduledEvent) => {
  const { time } = scheduledEventSchema.parse(event);
  const result = await runScheduledRetention(pool, { retentionDays: config.RETENTION_DAYS, nowMs: Date.parse(time) });
  metrics.addMetric('RetentionDeletedRows', MetricUnit.Count, result.run.deletedRows);
  logger.info('retention finished', { ...result });
  return result;
})
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
