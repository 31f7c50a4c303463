import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { getPool } from '#adapters/pg/pool';
import { logger, metrics, tracer } from '../../shared/observability.ts';
import { type SettlementResult, settleFinishedGames } from '../../shared/services/pipeline/settle.ts';

const pool = getPool();

/** Scheduled (EventBridge): settles the open positions of every finished game. Safe to run twice. */
async function settle(): Promise<SettlementResult> {
  const result = await settleFinishedGames(pool, Date.now());
  metrics.addMetric('PositionsSettled', MetricUnit.Count, result.settled);
  logger.info('settlement run', { ...result });
  return result;
}

export const handler = middy(settle)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
