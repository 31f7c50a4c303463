import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { makeSqsClient } from '#adapters/aws/clients';
import { makeIdempotencyStore } from '#adapters/aws/idempotency';
import { getPool } from '#adapters/pg/pool';
import { createPgSignalStore } from '#adapters/pg/signals';
import { loadConfig } from '#config/env';
import { logger, metrics, tracer } from '../../shared/observability.ts';
import { executionSender } from '../../shared/services/pipeline/execution-queues.ts';
import { riskLimitsFrom } from '../../shared/services/pipeline/limits.ts';
import { createEvaluatorHandler } from './evaluator.ts';

const config = loadConfig();

export const handler = middy(
  createEvaluatorHandler({
    store: createPgSignalStore(getPool('evaluator'), config.TRADING_MODE),
    limits: riskLimitsFrom(config),
    mode: config.TRADING_MODE,
    now: Date.now,
    sendExecutionRequests: executionSender(makeSqsClient(), {
      kalshi: config.EXECUTION_KALSHI_QUEUE_URL,
      polymarket: config.EXECUTION_POLYMARKET_QUEUE_URL,
    }),
    persistenceStore: makeIdempotencyStore(config.IDEMPOTENCY_TABLE),
  }),
)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
