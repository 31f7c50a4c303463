import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { metricsNamespace as defaultNamespace } from '#config/metrics';

/** One logger, metrics and tracer for every Lambda and container, so they all log and measure alike. */
export const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'sharpline';
export const metricsNamespace = process.env.POWERTOOLS_METRICS_NAMESPACE ?? defaultNamespace;

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({ namespace: metricsNamespace, serviceName });
export const tracer = new Tracer({ serviceName });
