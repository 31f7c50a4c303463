import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Lambda entries, relative to the repo root: infra knows the handlers by path only. */
export const lambdaEntries = {
  api: 'functions/api/handler.ts',
  signalEvaluator: 'functions/signal-evaluator/handler.ts',
  settlement: 'functions/settlement/handler.ts',
  retention: 'functions/retention/handler.ts',
  outboxRelay: 'functions/outbox-relay/handler.ts',
  executorKalshi: 'functions/executor-kalshi/handler.ts',
  executorPolymarket: 'functions/executor-polymarket/handler.ts',
  migrate: 'functions/migrate/handler.ts',
} as const;

export const migrationsDir = 'shared/adapters/pg/migrations';
