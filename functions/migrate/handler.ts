import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { migrate } from '#adapters/pg/migrate';
import { connectionConfigFromSecret } from '#adapters/pg/pool';
import { loadConfig } from '#config/env';
import { logger, metrics, tracer } from '../../shared/observability.ts';
import { onMigrationsEvent } from './resource.ts';
import { setRolePasswords } from './role-passwords.ts';

/**
 * Deploy-time custom resource (CDK Provider framework onEvent): runs the SQL migrations bundled next to this file
 * against the database of `DATABASE_SECRET_ARN` (the master user), connecting directly (not through the RDS Proxy:
 * the migration runner's session-level advisory lock would pin the proxy connection anyway), then sets each
 * component role's password from its secret (`DATABASE_ROLE_SECRET_ARNS`), the one the proxy logs it in with.
 */
export const handler = middy(async (event: CloudFormationCustomResourceEvent) =>
  onMigrationsEvent(event, async () => {
    const config = loadConfig();
    if (!config.DATABASE_ROLE_SECRET_ARNS) throw new Error('DATABASE_ROLE_SECRET_ARNS is not set');
    const connection = await connectionConfigFromSecret(config);
    await migrate(connection);
    const roles = await setRolePasswords(connection, config.DATABASE_ROLE_SECRET_ARNS);
    logger.info('component role passwords set', { roles });
  }),
)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
