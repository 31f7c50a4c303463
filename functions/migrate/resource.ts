import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { logger } from '../../shared/observability.ts';

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
