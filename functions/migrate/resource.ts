import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { migrate } from '#adapters/pg/migrate';
import { connectionConfigFromSecret } from '#adapters/pg/pool';
import type { MigrateConfig } from '#config/env';
import { logger, withPowertools } from '../../shared/observability.ts';
import { setRolePasswords } from './role-passwords.ts';

/** What the CDK Provider framework expects back from an onEvent handler. */
export interface ProviderResponse {
  PhysicalResourceId: string;
}

/** Stable id: an Update keeps it, so CloudFormation never sees a replacement and never sends a Delete for it. */
export const MIGRATIONS_RESOURCE_ID = 'sharpline-schema-migrations';

/**
 * Create and Update apply pending migrations (a new migrations digest in the resource properties triggers an
 * Update). Delete is a no-op: removing the stack must never drop data. Throwing fails the deployment step.
 */
export async function onMigrationsEvent(
  event: CloudFormationCustomResourceEvent,
  runMigrations: () => Promise<void>,
): Promise<ProviderResponse> {
  if (event.RequestType === 'Delete') {
    logger.info('migrations resource deleted: schema left in place');
    return { PhysicalResourceId: event.PhysicalResourceId };
  }
  logger.info('applying migrations', { requestType: event.RequestType });
  await runMigrations();
  return { PhysicalResourceId: MIGRATIONS_RESOURCE_ID };
}

/**
 * Deploy-time custom resource (CDK Provider framework onEvent): runs the SQL migrations bundled next to this file
 * against the database of `DATABASE_SECRET_ARN` (the master user), connecting directly (not through the RDS Proxy:
 * the migration runner's session-level advisory lock would pin the proxy connection anyway), then sets each
 * component role's password from its secret (`DATABASE_ROLE_SECRET_ARNS`), the one the proxy logs it in with.
 * The config is read when an event needs it: a bad value then fails that deployment step with its message, and a
 * Delete, which touches nothing, needs none.
 */
export function createMigrateHandler(readConfig: () => MigrateConfig) {
  return withPowertools((event: CloudFormationCustomResourceEvent) =>
    onMigrationsEvent(event, async () => {
      const config = readConfig();
      const connection = await connectionConfigFromSecret(config);
      await migrate(connection);
      const roles = await setRolePasswords(connection, config.DATABASE_ROLE_SECRET_ARNS);
      logger.info('component role passwords set', { roles });
    }),
  );
}
