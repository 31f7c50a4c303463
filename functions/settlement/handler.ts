import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { bankrollPeakMicros, getBankroll } from '#adapters/pg/bankroll';
import { getPool } from '#adapters/pg/pool';
import { loadConfig } from '#config/env';
import { customMetrics } from '#config/metrics';
import { drawdownBps } from '#domain';
import { logger, metrics, tracer } from '../../shared/observability.ts';
import { type SettlementResult, settleFinishedGames } from '../../shared/services/pipeline/settle.ts';

const pool = getPool('settlement');
const { TRADING_MODE } = loadConfig();

/**
 * Scheduled (EventBridge): settles the open positions of every finished game (safe to run twice), then reports the
 * bankroll and its drawdown from the high-water mark, which the drawdown alarm watches.
 */
async function settle(): Promise<SettlementResult> {
  const result = await settleFinishedGames(pool, Date.now());
  const key = { mode: TRADING_MODE };
  const [bankroll, peakMicros] = await Promise.all([getBankroll(pool, key), bankrollPeakMicros(pool, key)]);
  metrics.addMetric(customMetrics.positionsSettled.name, MetricUnit.Count, result.settled);
  metrics.addMetric(customMetrics.bankrollMicros.name, MetricUnit.NoUnit, bankroll.balanceMicros);
  metrics.addMetric(customMetrics.drawdownBps.name, MetricUnit.NoUnit, drawdownBps(bankroll.balanceMicros, peakMicros));
  logger.info('settlement run', { ...result, balanceMicros: bankroll.balanceMicros, peakMicros });
  return result;
}

export const handler = middy(settle)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
