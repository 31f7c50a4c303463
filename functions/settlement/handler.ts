import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { bankrollPeakMicros, getBankroll } from '#adapters/pg/bankroll';
import { getPool } from '#adapters/pg/pool';
import { countOverduePositions } from '#adapters/pg/positions';
import { loadConfig } from '#config/env';
import { customMetrics } from '#config/metrics';
import { drawdownBps } from '#domain';
import { logger, metrics, tracer } from '../../shared/observability.ts';
import { type SettlementResult, settleFinishedGames } from '../../shared/services/pipeline/settle.ts';

const pool = getPool('settlement');
const { TRADING_MODE, SETTLEMENT_OVERDUE_HOURS } = loadConfig();
const OVERDUE_MS = SETTLEMENT_OVERDUE_HOURS * 3_600_000;

/**
 * Scheduled (EventBridge): settles the open positions of every decided game by its market's rule (safe to run twice),
 * then reports the bankroll and its drawdown from the high-water mark, and the positions still open long after their
 * game ended, which alarms watch.
 */
async function settle(): Promise<SettlementResult> {
  const nowMs = Date.now();
  const result = await settleFinishedGames(pool, nowMs);
  const key = { mode: TRADING_MODE };
  const [bankroll, peakMicros, overdue] = await Promise.all([
    getBankroll(pool, key),
    bankrollPeakMicros(pool, key),
    countOverduePositions(pool, nowMs - OVERDUE_MS),
  ]);
  metrics.addMetric(customMetrics.positionsSettled.name, MetricUnit.Count, result.settled);
  metrics.addMetric(customMetrics.positionsAwaitingVenue.name, MetricUnit.Count, result.awaitingVenue);
  metrics.addMetric(customMetrics.positionsOverdue.name, MetricUnit.Count, overdue);
  metrics.addMetric(customMetrics.bankrollMicros.name, MetricUnit.NoUnit, bankroll.balanceMicros);
  metrics.addMetric(customMetrics.drawdownBps.name, MetricUnit.NoUnit, drawdownBps(bankroll.balanceMicros, peakMicros));
  logger.info('settlement run', { ...result, overdue, balanceMicros: bankroll.balanceMicros, peakMicros });
  return result;
}

export const handler = middy(settle)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
