import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { migrate } from '#adapters/pg/migrate';
import { connectionConfigFromSecret } from '#adapters/pg/pool';
import { logger, metrics, tracer } from '../../shared/observability.ts';
import { onMigrationsEvent } from './resource.ts';

/**
 * Deploy-time custom resource (CDK Provider framework onEvent): runs the SQL migrations bundled next to this file
 * against the database of `DATABASE_SECRET_ARN`, connecting directly (not through the RDS Proxy: the migration
 * runner's session-level advisory lock would pin the proxy connection anyway).
 */
export const handler = middy(async (event: CloudFormationCustomResourceEvent) =>
  onMigrationsEvent(event, async () => migrate(await connectionConfigFromSecret())),
)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
