import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { Context } from 'aws-lambda';
import { loadConfig, observabilityConfig } from '#config/env';

/** One logger, metrics and tracer for every Lambda and container, so they all log and measure alike. */
const { POWERTOOLS_SERVICE_NAME: serviceName, POWERTOOLS_METRICS_NAMESPACE: namespace } =
  loadConfig(observabilityConfig);

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({ namespace, serviceName });
export const tracer = new Tracer({ serviceName });

/**
 * The one Powertools chain every Lambda handler runs in: tracing outermost (so it times the rest), then the logger's
 * Lambda context (keys reset per invocation, so one request's keys never leak into the next), then metrics, flushed
 * after each invocation with a cold-start metric. A handler adds its own middlewares inside with `.use()`.
 */
export function withPowertools<TEvent, TResult>(
  handler: (event: TEvent, context: Context) => Promise<TResult>,
  options: { timeoutEarlyInMillis?: number } = {},
): MiddyfiedHandler<TEvent, TResult> {
  return middy<TEvent, TResult>(handler, options)
    .use(captureLambdaHandler(tracer))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
}
