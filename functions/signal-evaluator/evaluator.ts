import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type pg from 'pg';
import { idempotencyConfigFor, makeIdempotencyStore } from '#adapters/aws/idempotency';
import { createPgSignalStore } from '#adapters/pg/evaluator-store';
import type { EvaluatorConfig } from '#config/env';
import { customMetrics } from '#config/metrics';
import { type SignalCandidate, signalCandidateSchema } from '#contracts/signal-candidate';
import { executionSender } from '../../shared/adapters/aws/execution-queues.ts';
import { type Coalescer, createCoalescer } from '../../shared/evaluator/coalescer.ts';
import {
  type CandidateOutcome,
  type EvaluatorDeps,
  evaluateCandidates,
} from '../../shared/evaluator/evaluate-batch.ts';
import { riskLimitsFrom } from '../../shared/evaluator/limits.ts';
import { logger, metrics, withPowertools } from '../../shared/observability.ts';
import type { DecisionRecord } from '../../shared/ports/signal-store.ts';

export class InvalidCandidateError extends Error {
  constructor(messageId: string, why: string) {
    super(`message ${messageId} is not a valid SignalCandidate: ${why}`);
    this.name = 'InvalidCandidateError';
  }
}

/** Ties one record's idempotent call to its batch: whether it reached the decision, and the batch's coalescer. */
interface RecordSlot {
  entered: boolean;
  coalescer: Coalescer<SignalCandidate, CandidateOutcome>;
}

function parseRecord(record: SQSRecord): { ok: true; candidate: SignalCandidate } | { ok: false; why: string } {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    return { ok: false, why: 'body is not JSON' };
  }
  const parsed = signalCandidateSchema.safeParse(body);
  if (!parsed.success) {
    return { ok: false, why: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  }
  return { ok: true, candidate: parsed.data };
}

/**
 * The evaluator's per-batch work, built once per process. Each record is parsed, then decided at most once per
 * candidate id (Powertools idempotency on DynamoDB); the records that get through are decided together against
 * one Postgres snapshot. Invalid or undecidable records are batch item failures, so the redrive policy moves them
 * to the DLQ; a database failure fails the records it touched, which SQS delivers again.
 */
export function createEvaluatorHandler(deps: EvaluatorDeps & { persistenceStore: BasePersistenceLayer }) {
  const config = idempotencyConfigFor('id');
  // One per handler, as Powertools advises: it holds the batch in flight, and an instance runs one batch at a time.
  const processor = new BatchProcessor(EventType.SQS);
  const decideOnce = makeIdempotent(
    async (candidate: SignalCandidate, slot: RecordSlot): Promise<DecisionRecord> => {
      slot.entered = true;
      const outcome = await slot.coalescer.submit(candidate);
      if (outcome instanceof Error) throw outcome;
      const decided = outcome.status === 'accepted' ? customMetrics.signalsAccepted : customMetrics.signalsRejected;
      metrics.addMetric(decided.name, MetricUnit.Count, 1);
      metrics.addMetric(
        customMetrics.candidateToDecisionLatency.name,
        MetricUnit.Milliseconds,
        deps.now() - candidate.createdAtMs,
      );
      return outcome;
    },
    { persistenceStore: deps.persistenceStore, config },
  );

  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    config.registerLambdaContext(context);
    const parsed = new Map(event.Records.map((r) => [r.messageId, parseRecord(r)]));
    const validCount = [...parsed.values()].filter((p) => p.ok).length;
    const coalescer = createCoalescer<SignalCandidate, CandidateOutcome>(validCount, (candidates) =>
      evaluateCandidates(deps, candidates),
    );

    const processRecord = async (record: SQSRecord): Promise<DecisionRecord> => {
      const p = parsed.get(record.messageId)!;
      metrics.addMetric(customMetrics.candidatesEvaluated.name, MetricUnit.Count, 1);
      if (!p.ok) {
        metrics.addMetric(customMetrics.candidateParseFailures.name, MetricUnit.Count, 1);
        logger.warn('invalid candidate', { messageId: record.messageId, why: p.why });
        throw new InvalidCandidateError(record.messageId, p.why);
      }
      const slot: RecordSlot = { entered: false, coalescer };
      try {
        return await decideOnce(p.candidate, slot);
      } finally {
        if (!slot.entered) coalescer.skip();
      }
    };

    return processPartialResponse(event, processRecord, processor, { context });
  };
}

export interface EvaluatorClients {
  pool: pg.Pool;
  sqs: SQSClient;
  dynamo: DynamoDBClient;
}

/** The signal evaluator as deployed: its config and clients wired into the handler, in the Powertools chain. */
export function createSignalEvaluator(config: EvaluatorConfig, { pool, sqs, dynamo }: EvaluatorClients) {
  return withPowertools(
    createEvaluatorHandler({
      store: createPgSignalStore(pool, config.TRADING_MODE),
      limits: riskLimitsFrom(config),
      mode: config.TRADING_MODE,
      now: Date.now,
      sendExecutionRequests: executionSender(sqs, {
        kalshi: config.EXECUTION_KALSHI_QUEUE_URL,
        polymarket: config.EXECUTION_POLYMARKET_QUEUE_URL,
      }),
      persistenceStore: makeIdempotencyStore(config.IDEMPOTENCY_TABLE, dynamo),
    }),
  );
}
