/**
 * Names of the queues, DLQs and tables, with their redrive counts: the one place both the CDK app and
 * local mode read, so the emulators create exactly what AWS will have.
 */
export const queues = {
  candidates: { name: 'signal-candidates', dlqName: 'signal-candidates-dlq', maxReceiveCount: 5 },
  executionKalshi: { name: 'execution-kalshi', dlqName: 'execution-kalshi-dlq', maxReceiveCount: 3 },
  executionPolymarket: { name: 'execution-polymarket', dlqName: 'execution-polymarket-dlq', maxReceiveCount: 3 },
  browserJobs: { name: 'browser-jobs', dlqName: 'browser-jobs-dlq', maxReceiveCount: 3 },
} as const;

export type QueueKey = keyof typeof queues;

export const tables = {
  idempotency: { name: 'sharpline-idempotency', partitionKey: 'id', ttlAttribute: 'expiration' },
} as const;

/** AWS names carry the env (`sharpline-dev-signal-candidates`); local mode uses env `local`. */
export function resourceName(env: string, base: string): string {
  return `sharpline-${env}-${base}`;
}
