import { type RetentionRun, runHeartbeatAuditRetention, runMarketPriceRetention } from '#adapters/pg/retention';
import { refreshDailyPerformance } from '#adapters/pg/rollups';
import type { Queryable } from '#adapters/pg/rows';

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
