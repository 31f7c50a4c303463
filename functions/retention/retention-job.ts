import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ScheduledEvent } from 'aws-lambda';
import { z } from 'zod';
import { type RetentionRun, runHeartbeatAuditRetention, runMarketPriceRetention } from '#adapters/pg/retention';
import { refreshDailyPerformance } from '#adapters/pg/rollups';
import type { Queryable } from '#adapters/pg/rows';
import type { RetentionConfig } from '#config/env';
import { logger, metrics, withPowertools } from '../../shared/observability.ts';

export interface ScheduledRetentionResult {
  run: RetentionRun;
  heartbeatAuditRun: RetentionRun;
  performanceDays: string[];
}

const DAY_MS = 86_400_000;

/**
 * Prunes market prices and worker-heartbeat audit rows past the retention window, then recomputes yesterday's and
 * today's daily performance.
 */
export async function runScheduledRetention(
  db: Queryable,
  opts: { retentionDays: number; nowMs: number; batchSize?: number },
): Promise<ScheduledRetentionResult> {
  const run = await runMarketPriceRetention(db, opts);
  const heartbeatAuditRun = await runHeartbeatAuditRetention(db, opts);
  const performanceDays = [opts.nowMs - DAY_MS, opts.nowMs].map((ms) => new Date(ms).toISOString().slice(0, 10));
  for (const day of performanceDays) await refreshDailyPerformance(db, day);
  return { run, heartbeatAuditRun, performanceDays };
}

/** The only field we read; the schedule's own clock, so a retried invocation uses the same cutoff. */
const scheduledEventSchema = z.object({ time: z.iso.datetime() });

/** EventBridge-scheduled: prunes old market prices (keeping hourly rollups) and refreshes yesterday's performance. */
export function createRetentionHandler({
  pool,
  config,
}: {
  pool: Queryable;
  config: Pick<RetentionConfig, 'RETENTION_DAYS'>;
}) {
  return withPowertools(async (event: ScheduledEvent) => {
    const { time } = scheduledEventSchema.parse(event);
    const result = await runScheduledRetention(pool, { retentionDays: config.RETENTION_DAYS, nowMs: Date.parse(time) });
    metrics.addMetric('RetentionDeletedRows', MetricUnit.Count, result.run.deletedRows);
    logger.info('retention finished', { ...result });
    return result;
  });
}
