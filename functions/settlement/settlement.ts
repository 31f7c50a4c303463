import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type pg from 'pg';
import { createPgSettlementStore } from '#adapters/pg/settlement-store';
import type { SettlementConfig } from '#config/env';
import { customMetrics } from '#config/metrics';
import { drawdownBps } from '#domain';
import { logger, metrics, withPowertools } from '../../shared/observability.ts';
import { type SettlementResult, settleFinishedGames } from '../../shared/settlement/settle.ts';

export interface SettlementDeps {
  pool: pg.Pool;
  config: Pick<SettlementConfig, 'TRADING_MODE' | 'SETTLEMENT_OVERDUE_HOURS'>;
  now?: () => number;
}

/**
 * Scheduled (EventBridge): settles the open positions of every decided game by its market's rule (safe to run twice),
 * then reports the bankroll and its drawdown from the high-water mark, and the positions still open long after their
 * game ended, which alarms watch.
 */
export function createSettlementHandler({ pool, config, now = Date.now }: SettlementDeps) {
  const store = createPgSettlementStore(pool);
  const overdueMs = config.SETTLEMENT_OVERDUE_HOURS * 3_600_000;
  const key = { mode: config.TRADING_MODE };
  return withPowertools(async (): Promise<SettlementResult> => {
    const nowMs = now();
    const result = await settleFinishedGames(store, nowMs);
    const [bankroll, peakMicros, overdue] = await Promise.all([
      store.bankroll(key),
      store.bankrollPeakMicros(key),
      store.countOverduePositions(nowMs - overdueMs),
    ]);
    metrics.addMetric(customMetrics.positionsSettled.name, MetricUnit.Count, result.settled);
    metrics.addMetric(customMetrics.positionsAwaitingVenue.name, MetricUnit.Count, result.awaitingVenue);
    metrics.addMetric(customMetrics.positionsOverdue.name, MetricUnit.Count, overdue);
    metrics.addMetric(customMetrics.bankrollMicros.name, MetricUnit.NoUnit, bankroll.balanceMicros);
    metrics.addMetric(
      customMetrics.drawdownBps.name,
      MetricUnit.NoUnit,
      drawdownBps(bankroll.balanceMicros, peakMicros),
    );
    logger.info('settlement run', { ...result, overdue, balanceMicros: bankroll.balanceMicros, peakMicros });
    return result;
  });
}
